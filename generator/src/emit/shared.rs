//! Items that several modules of one crate would emit identically, emitted once.
//!
//! Used by the events crate and by every scope crate (a definition several methods link to,
//! such as `crm.item.*`'s item or a family's entity in its `list` rows, is emitted once).
//!
//! The event pages document the same objects again and again: 157 of the 190 payloads carry the
//! same `auth` object, 102 the same `FIELDS` object. Emitted per module, each copy is a type of
//! its own to rustc, with its own derives, `Fields` impl and decoder instances (the events
//! crate's dispatcher decodes every payload), which is most of what the crate costs to build.
//!
//! An item is shared when its tokens and doc texts, and those of every module type it names,
//! are the same in at least two modules; the name's most frequent such form is shared (other
//! forms stay where they are). The crate's shared module defines it once and each module
//! re-exports it under its own name, so `on_crm_deal_add::Auth` is still the path users write.
//! Sharing by the emitted text makes it exact by construction: a shared item is what each module
//! would have emitted.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use proc_macro2::TokenStream;

use super::docs::{DocTable, LinkBase};
use super::items::{self, ItemCtx};
use crate::rust::plan::TypesPlan;

/// One module's types and the base its docs resolve links against.
#[derive(Clone, Copy)]
pub struct Module<'p, 'a> {
    pub types: &'p TypesPlan<'a>,
    pub base: LinkBase<'p>,
}

/// What is shared among a set of modules.
#[derive(Debug, Default)]
pub struct Sharing {
    /// Per module (in the order given): the names it re-exports instead of defining.
    pub reexports: Vec<BTreeSet<String>>,
    /// The shared items, by name: the module whose copy the shared module emits.
    pub items: BTreeMap<String, usize>,
}

impl Sharing {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// An item's text: its tokens (with placeholders for the docs), then its doc texts, then the
/// texts of the module types it names, depth first.
struct Keys<'m, 'p, 'a> {
    modules: &'m [Module<'p, 'a>],
    core: &'m TokenStream,
    /// `None` while being computed (a cycle) or for a name the module lacks.
    memo: HashMap<(usize, &'m str), Option<String>>,
}

impl<'m> Keys<'m, '_, '_> {
    fn key(&mut self, module: usize, name: &'m str) -> Option<String> {
        if let Some(k) = self.memo.get(&(module, name)) {
            return k.clone();
        }
        self.memo.insert((module, name), None);
        let m = self.modules[module];
        let docs = DocTable::default();
        let cx = ItemCtx {
            core: self.core,
            base: m.base,
            docs: &docs,
        };
        let key = items::named(m.types, name, cx).and_then(|tokens| {
            let mut key = tokens.to_string();
            for t in docs.texts() {
                key.push('\u{1}');
                key.push_str(&t);
            }
            for r in items::refs(m.types, name)? {
                key.push('\u{2}');
                key.push_str(&self.key(module, r)?);
            }
            Some(key)
        });
        self.memo.insert((module, name), key.clone());
        key
    }
}

/// Finds the items to share among `modules`; the names in `skip` (a method's own `Params`,
/// `Output`, `Error`, which carry per-method impls) never are.
pub fn find(modules: &[Module<'_, '_>], core: &TokenStream, skip: &[&str]) -> Sharing {
    let mut keys = Keys {
        modules,
        core,
        memo: HashMap::new(),
    };
    // (name, key) → the modules holding that form.
    let mut forms: BTreeMap<(&str, String), Vec<usize>> = BTreeMap::new();
    for (i, m) in modules.iter().enumerate() {
        let names = m.types.structs.iter().map(|s| s.name.as_str());
        let names = names.chain(m.types.enums.iter().map(|e| e.name.as_str()));
        let names = names.chain(m.types.unions.iter().map(|u| u.name.as_str()));
        for name in names.filter(|n| !skip.contains(n)) {
            if let Some(k) = keys.key(i, name) {
                forms.entry((name, k)).or_default().push(i);
            }
        }
    }
    // The most frequent form of each name held by two modules or more (ties: the first key).
    let mut chosen: BTreeMap<&str, (&String, &Vec<usize>)> = BTreeMap::new();
    for ((name, key), holders) in &forms {
        if holders.len() < 2 {
            continue;
        }
        let better = chosen
            .get(name)
            .is_none_or(|(_, best)| holders.len() > best.len());
        if better {
            chosen.insert(name, (key, holders));
        }
    }
    // A chosen form is shared when every type it names has its own chosen form there and that
    // form is shared too (the shared module has no other types to refer to).
    fn shared<'n>(
        name: &'n str,
        modules: &'n [Module<'_, '_>],
        keys: &mut Keys<'n, '_, '_>,
        chosen: &BTreeMap<&'n str, (&String, &Vec<usize>)>,
        memo: &mut HashMap<&'n str, bool>,
    ) -> bool {
        if let Some(&v) = memo.get(name) {
            return v;
        }
        // A cycle is not shared.
        memo.insert(name, false);
        let ok = chosen.get(name).is_some_and(|&(_, holders)| {
            let module = holders[0];
            items::refs(modules[module].types, name)
                .unwrap_or_default()
                .into_iter()
                .all(|r| {
                    let same = match (chosen.get(r), keys.key(module, r)) {
                        (Some((k, _)), Some(key)) => **k == key,
                        _ => false,
                    };
                    same && shared(r, modules, keys, chosen, memo)
                })
        });
        memo.insert(name, ok);
        ok
    }
    let mut memo = HashMap::new();
    let mut out = Sharing {
        reexports: vec![BTreeSet::new(); modules.len()],
        items: BTreeMap::new(),
    };
    for (name, (_, holders)) in &chosen {
        if shared(name, modules, &mut keys, &chosen, &mut memo) {
            out.items.insert((*name).to_owned(), holders[0]);
            for &h in holders.iter() {
                out.reexports[h].insert((*name).to_owned());
            }
        }
    }
    out
}

/// The shared module's items (each from the module whose copy is kept).
pub fn items(
    sharing: &Sharing,
    modules: &[Module<'_, '_>],
    core: &TokenStream,
    docs: &DocTable,
) -> TokenStream {
    let mut out = TokenStream::new();
    for (name, &m) in &sharing.items {
        let module = modules[m];
        let cx = ItemCtx {
            core,
            base: module.base,
            docs,
        };
        if let Some(t) = items::named(module.types, name, cx) {
            out.extend(t);
        }
    }
    out
}
