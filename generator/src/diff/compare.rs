//! The diff engine: walks two [`Ir`]s side by side and records [`Change`]s.
use super::classify::classify;
use super::model::{
    Area, Bump, Change, ChangeKind, Changes, Counts, DocPart, ItemKind, Tally, DIFF_SCHEMA_VERSION,
};
use super::rust_api::{self, Side};
use crate::ir::{ErrorCode, Event, Field, Ir, Kind, Lang, Method, Text, Type};
use std::collections::{BTreeMap, BTreeSet};

/// Scope shown for the system-wide error codes.
pub const ALL_METHODS: &str = "(all methods)";
/// Scope shown for items whose docs give none.
pub const NO_SCOPE: &str = "(no scope)";

/// Compare `old` with `new`: every change, classified and sorted.
pub fn diff(old: &Ir, new: &Ir) -> Changes {
    let mut d = Differ::default();
    let methods = d.methods(&old.methods, &new.methods);
    let events = d.events(&old.events, &new.events);
    d.system_errors(&old.methods, &new.methods);

    let mut changes = d.changes;
    changes.sort_by_cached_key(Change::sort_key);
    let mut counts = Counts::default();
    for c in &changes {
        match c.bump {
            Bump::Major => counts.major += 1,
            Bump::Minor => counts.minor += 1,
            Bump::Patch => counts.patch += 1,
            Bump::None => {}
        }
    }
    Changes {
        schema: DIFF_SCHEMA_VERSION,
        bump: changes.iter().map(|c| c.bump).max().unwrap_or_default(),
        counts,
        methods,
        events,
        changes,
    }
}

/// Which method or event the changes being recorded belong to.
struct Ctx {
    scope: String,
    kind: ItemKind,
    item: String,
}

#[derive(Default)]
struct Differ {
    changes: Vec<Change>,
}

/// A method's identity: the same name may exist in REST 2 and REST 3.0.
type MethodKey<'a> = (&'a str, u8);

fn method_label(m: &Method) -> String {
    if m.rest_version == 3 {
        format!("{} (REST 3.0)", m.name)
    } else {
        m.name.clone()
    }
}

fn scope_label(scopes: &[String]) -> String {
    if scopes.is_empty() {
        NO_SCOPE.to_string()
    } else {
        scopes.join(", ")
    }
}

impl Differ {
    fn push(&mut self, cx: &Ctx, area: Area, path: &str, change: ChangeKind, text: Option<String>) {
        let bump = classify(cx.kind, area, &change);
        self.changes.push(Change {
            scope: cx.scope.clone(),
            item_kind: cx.kind,
            item: cx.item.clone(),
            area,
            path: path.to_string(),
            change,
            bump,
            text,
        });
    }

    // ---- methods ---------------------------------------------------------

    fn methods(&mut self, old: &[Method], new: &[Method]) -> Tally {
        // First entry wins if a side repeats a (name, version); the readers
        // merge pages per method, so that does not happen in practice.
        let (o, n) = (index_methods(old), index_methods(new));
        let mut removed: Vec<&Method> = Vec::new();
        let mut added: Vec<&Method> = Vec::new();
        for (k, m) in &o {
            match n.get(k) {
                Some(nm) => self.method(m, nm),
                None => removed.push(m),
            }
        }
        added.extend(
            n.iter()
                .filter(|(k, _)| !o.contains_key(*k))
                .map(|(_, m)| *m),
        );

        // Leftovers that are clearly one method: the same name but for
        // letter case (Bitrix24 matches method names case-insensitively),
        // then the same name in the other REST version.
        let by_case = |m: &Method| (m.name.to_lowercase(), m.rest_version);
        let (pairs, removed, added) = pair_unique(removed, added, by_case);
        let (moved, removed, added) = pair_unique(removed, added, |m| m.name.to_lowercase());
        for (a, b) in pairs.into_iter().chain(moved) {
            self.method(a, b);
        }
        let tally = Tally {
            old: o.len(),
            new: n.len(),
            added: added.len(),
            removed: removed.len(),
        };
        for m in removed {
            let cx = method_ctx(m);
            let title = prefer_en(&m.title);
            self.push(&cx, Area::Item, "", ChangeKind::Removed, title);
        }
        for m in added {
            let cx = method_ctx(m);
            self.push(&cx, Area::Item, "", ChangeKind::Added, prefer_en(&m.title));
        }
        tally
    }

    fn method(&mut self, o: &Method, n: &Method) {
        let cx = method_ctx(n);
        if o.name != n.name {
            let change = ChangeKind::Renamed {
                from: o.name.clone(),
                rust_names_kept: rust_api::method_names(&o.name) == rust_api::method_names(&n.name),
            };
            self.push(&cx, Area::Item, "", change, None);
        }
        if o.rest_version != n.rest_version {
            let change = ChangeKind::RestVersionChanged {
                old: o.rest_version,
                new: n.rest_version,
            };
            self.push(&cx, Area::Item, "", change, None);
        }
        let crates = [rust_api::home_crate(o), rust_api::home_crate(n)];
        self.common(
            &cx,
            [&o.scopes, &n.scopes],
            crates,
            [o.deprecated, n.deprecated],
            n.replaced_by.as_deref(),
        );
        self.replacement(&cx, o, n);
        for alias in sorted_minus(&o.aliases, &n.aliases) {
            self.push(
                &cx,
                Area::Item,
                "",
                ChangeKind::AliasRemoved { alias },
                None,
            );
        }
        for alias in sorted_minus(&n.aliases, &o.aliases) {
            self.push(&cx, Area::Item, "", ChangeKind::AliasAdded { alias }, None);
        }
        if o.paginated != n.paginated {
            let change = ChangeKind::PaginatedChanged {
                old: o.paginated,
                new: n.paginated,
            };
            self.push(&cx, Area::Item, "", change, None);
        }
        if o.pagination != n.pagination {
            let change = ChangeKind::PaginationNoteChanged {
                old: o.pagination.clone(),
                new: n.pagination.clone(),
            };
            self.push(&cx, Area::Item, "", change, None);
        }
        if o.rate_limit_per_sec != n.rate_limit_per_sec {
            let change = ChangeKind::RateLimitChanged {
                old: o.rate_limit_per_sec,
                new: n.rate_limit_per_sec,
            };
            self.push(&cx, Area::Item, "", change, None);
        }
        self.texts(&cx, &[(DocPart::Title, &o.title, &n.title)]);
        self.texts(
            &cx,
            &[
                (DocPart::Summary, &o.summary, &n.summary),
                (DocPart::Description, &o.description, &n.description),
            ],
        );
        self.fields(&cx, Area::Params, "", &o.params, &n.params);
        let (ro, rn) = (o.result.as_ref(), n.result.as_ref());
        let rust = [rust_api::rust_result(ro), rust_api::rust_result(rn)];
        match (ro, rn) {
            (Some(a), Some(b)) if same_shape(a, b) && rust[0] == rust[1] => {
                self.ty(&cx, Area::Result, "", a, b, true, None)
            }
            (a, b) => {
                let label = |t: Option<&Type>| t.map_or("unspecified".into(), type_label);
                if (label(a), &rust[0]) != (label(b), &rust[1]) {
                    let [rust_old, rust_new] = rust;
                    let change = ChangeKind::TypeChanged {
                        old: label(a),
                        new: label(b),
                        rust_old,
                        rust_new,
                    };
                    self.push(&cx, Area::Result, "", change, None);
                }
            }
        }
        self.errors(&cx, &page_errors(&o.errors), &page_errors(&n.errors));
    }

    fn replacement(&mut self, cx: &Ctx, o: &Method, n: &Method) {
        if o.deprecated && n.deprecated && o.replaced_by != n.replaced_by {
            let change = ChangeKind::ReplacementChanged {
                old: o.replaced_by.clone(),
                new: n.replaced_by.clone(),
            };
            self.push(cx, Area::Item, "", change, None);
        }
    }

    /// What methods and events share: scopes and the deprecation flag.
    fn common(
        &mut self,
        cx: &Ctx,
        scopes: [&[String]; 2],
        crates: [String; 2],
        deprecated: [bool; 2],
        by: Option<&str>,
    ) {
        let [os, ns] = scopes;
        if os != ns {
            let [crate_old, crate_new] = crates;
            let change = ChangeKind::ScopesChanged {
                old: os.to_vec(),
                new: ns.to_vec(),
                crate_old,
                crate_new,
            };
            self.push(cx, Area::Item, "", change, None);
        }
        match deprecated {
            [false, true] => {
                let change = ChangeKind::Deprecated {
                    replaced_by: by.map(str::to_string),
                };
                self.push(cx, Area::Item, "", change, None);
            }
            [true, false] => self.push(cx, Area::Item, "", ChangeKind::Undeprecated, None),
            _ => {}
        }
    }

    fn texts(&mut self, cx: &Ctx, parts: &[(DocPart, &Text, &Text)]) {
        for (part, o, n) in parts {
            if text_changed(o, n) {
                let change = ChangeKind::DocChanged { part: *part };
                self.push(cx, Area::Item, "", change, prefer_en(n));
            }
        }
    }

    // ---- events ----------------------------------------------------------

    fn events(&mut self, old: &[Event], new: &[Event]) -> Tally {
        let (o, n) = (index_events(old), index_events(new));
        let mut removed = Vec::new();
        for (name, e) in &o {
            match n.get(name) {
                Some(ne) => self.event(e, ne),
                None => removed.push(*e),
            }
        }
        let added: Vec<&Event> = n
            .iter()
            .filter(|(k, _)| !o.contains_key(*k))
            .map(|(_, e)| *e)
            .collect();
        let (pairs, removed, added) = pair_unique(removed, added, |e| e.name.to_lowercase());
        for (a, b) in pairs {
            self.event(a, b);
        }
        let tally = Tally {
            old: o.len(),
            new: n.len(),
            added: added.len(),
            removed: removed.len(),
        };
        for e in removed {
            let cx = event_ctx(e);
            self.push(
                &cx,
                Area::Item,
                "",
                ChangeKind::Removed,
                prefer_en(&e.title),
            );
        }
        for e in added {
            let cx = event_ctx(e);
            self.push(&cx, Area::Item, "", ChangeKind::Added, prefer_en(&e.title));
        }
        tally
    }

    fn event(&mut self, e: &Event, ne: &Event) {
        let cx = event_ctx(ne);
        if e.name != ne.name {
            let names = |n: &str| (rust_api::event_variant(n), rust_api::field_ident(n));
            let change = ChangeKind::Renamed {
                from: e.name.clone(),
                rust_names_kept: names(&e.name) == names(&ne.name),
            };
            self.push(&cx, Area::Item, "", change, None);
        }
        // Events all live in the events crate, whatever their scope.
        let scopes = [e.scopes.as_slice(), ne.scopes.as_slice()];
        let crates = [String::new(), String::new()];
        self.common(&cx, scopes, crates, [e.deprecated, ne.deprecated], None);
        self.texts(
            &cx,
            &[
                (DocPart::Title, &e.title, &ne.title),
                (DocPart::Summary, &e.summary, &ne.summary),
            ],
        );
        self.fields(&cx, Area::Payload, "", &e.payload, &ne.payload);
    }

    // ---- fields and types ------------------------------------------------

    /// Pair fields by name (the i-th `X` with the i-th `X` when a name
    /// repeats), then look for one clear rename among the leftovers.
    fn fields(&mut self, cx: &Ctx, area: Area, prefix: &str, old: &[Field], new: &[Field]) {
        let (o, n) = (group_fields(old), group_fields(new));
        let mut removed: Vec<&Field> = Vec::new();
        let mut added: Vec<&Field> = Vec::new();
        for (name, os) in &o {
            let ns = n.get(name).map(Vec::as_slice).unwrap_or_default();
            let path = join(prefix, name);
            for i in 0..os.len().max(ns.len()) {
                match (os.get(i), ns.get(i)) {
                    (Some(a), Some(b)) => self.field(cx, area, &path, a, b),
                    (Some(a), None) => removed.push(a),
                    (None, Some(b)) => added.push(b),
                    (None, None) => {}
                }
            }
        }
        for (name, ns) in &n {
            if !o.contains_key(name) {
                added.extend(ns.iter().copied());
            }
        }
        if let ([a], [b]) = (removed.as_slice(), added.as_slice()) {
            if is_rename(a, b) {
                let path = join(prefix, &b.name);
                let change = ChangeKind::FieldRenamed {
                    from: join(prefix, &a.name),
                    rust_name_kept: rust_api::field_ident(&a.name)
                        == rust_api::field_ident(&b.name),
                };
                self.push(cx, area, &path, change, prefer_en(&b.doc));
                self.field(cx, area, &path, a, b);
                return;
            }
        }
        for f in removed {
            let change = ChangeKind::FieldRemoved {
                required: f.required,
                ty: type_label(&f.ty),
                placeholder: rust_api::is_placeholder(&f.name),
            };
            self.push(cx, area, &join(prefix, &f.name), change, prefer_en(&f.doc));
        }
        for f in added {
            let change = ChangeKind::FieldAdded {
                required: f.required,
                ty: type_label(&f.ty),
                placeholder: rust_api::is_placeholder(&f.name),
            };
            self.push(cx, area, &join(prefix, &f.name), change, prefer_en(&f.doc));
        }
    }

    fn field(&mut self, cx: &Ctx, area: Area, path: &str, o: &Field, n: &Field) {
        if o.required != n.required {
            let change = ChangeKind::RequiredChanged {
                old: o.required,
                new: n.required,
            };
            self.push(cx, area, path, change, prefer_en(&n.doc));
        }
        match (o.deprecated, n.deprecated) {
            (false, true) => {
                let change = ChangeKind::Deprecated { replaced_by: None };
                self.push(cx, area, path, change, prefer_en(&n.doc));
            }
            (true, false) => self.push(cx, area, path, ChangeKind::Undeprecated, None),
            _ => {}
        }
        if o.default != n.default {
            let change = ChangeKind::DefaultChanged {
                old: o.default.clone(),
                new: n.default.clone(),
            };
            self.push(cx, area, path, change, None);
        }
        if text_changed(&o.doc, &n.doc) {
            let change = ChangeKind::DocChanged {
                part: DocPart::Field,
            };
            self.push(cx, area, path, change, prefer_en(&n.doc));
        }
        self.ty(cx, area, path, &o.ty, &n.ty, true, Some((o, n)));
        self.values(cx, area, path, o, n);
    }

    /// Compare two types at `path`. `check_doc`: report a change of the
    /// written token (false inside an array whose own token already differs).
    /// `fields`: the fields these are the types of (their allowed values
    /// decide whether an `enum` is a generated enum).
    #[allow(clippy::too_many_arguments)]
    fn ty(
        &mut self,
        cx: &Ctx,
        area: Area,
        path: &str,
        o: &Type,
        n: &Type,
        check_doc: bool,
        fields: Option<(&Field, &Field)>,
    ) {
        let side = if area == Area::Params {
            Side::Params
        } else {
            Side::Received
        };
        // Equal shapes of scalars map to equal Rust types; containers, enums
        // and refs may not (placeholder-only objects, value sets, ref names).
        let shaped = same_shape(o, n);
        let may_differ = !shaped
            || matches!(
                o.kind,
                Kind::Object { .. }
                    | Kind::Array { .. }
                    | Kind::Enum
                    | Kind::Ref { .. }
                    | Kind::Union { .. }
            );
        let rust = may_differ.then(|| {
            (
                rust_api::rust_type(o, fields.map(|f| f.0), side),
                rust_api::rust_type(n, fields.map(|f| f.1), side),
            )
        });
        if let Some((rust_old, rust_new)) = rust.filter(|(a, b)| !shaped || a != b) {
            let (old, new) = (type_label(o), type_label(n));
            let change = ChangeKind::TypeChanged {
                old,
                new,
                rust_old,
                rust_new,
            };
            self.push(cx, area, path, change, None);
            return;
        }
        let doc_changed = check_doc && o.doc.trim() != n.doc.trim();
        if doc_changed {
            let change = ChangeKind::TypeDocChanged {
                old: o.doc.trim().to_string(),
                new: n.doc.trim().to_string(),
            };
            self.push(cx, area, path, change, None);
        }
        match (&o.kind, &n.kind) {
            (Kind::Object { fields: a }, Kind::Object { fields: b }) => {
                self.fields(cx, area, path, a, b)
            }
            (Kind::Array { item: a }, Kind::Array { item: b }) => {
                let path = format!("{path}[]");
                self.ty(cx, area, &path, a, b, !doc_changed, fields)
            }
            (Kind::Union { variants: a }, Kind::Union { variants: b }) => {
                // Same labels, so same length and kinds, pairwise.
                for (a, b) in a.iter().zip(b) {
                    self.ty(cx, area, path, a, b, false, None);
                }
            }
            _ => {}
        }
    }

    fn values(&mut self, cx: &Ctx, area: Area, path: &str, o: &Field, n: &Field) {
        if o.values.is_empty() && n.values.is_empty() {
            return;
        }
        let side = if area == Area::Params {
            Side::Params
        } else {
            Side::Received
        };
        let is_enum = |f: &Field| {
            let t = rust_api::rust_type(&f.ty, Some(f), side);
            t == "enum" || t == "Vec<enum>"
        };
        let enum_type = is_enum(o) && is_enum(n);
        let (ov, nv) = (index_values(o), index_values(n));
        for (value, doc) in &ov {
            match nv.get(value) {
                None => {
                    let change = ChangeKind::ValueRemoved {
                        value: value.to_string(),
                        enum_type,
                    };
                    self.push(cx, area, path, change, prefer_en(doc));
                }
                Some(nd) if text_changed(doc, nd) => {
                    let change = ChangeKind::ValueDocChanged {
                        value: value.to_string(),
                    };
                    self.push(cx, area, path, change, prefer_en(nd));
                }
                Some(_) => {}
            }
        }
        for (value, doc) in &nv {
            if !ov.contains_key(value) {
                let change = ChangeKind::ValueAdded {
                    value: value.to_string(),
                    enum_type,
                };
                self.push(cx, area, path, change, prefer_en(doc));
            }
        }
    }

    // ---- errors ----------------------------------------------------------

    /// Compare two lists of error codes, by code.
    fn errors(&mut self, cx: &Ctx, old: &[&ErrorCode], new: &[&ErrorCode]) {
        let (o, n) = (group_errors(old), group_errors(new));
        for (code, os) in &o {
            let Some(ns) = n.get(code) else {
                let change = ChangeKind::ErrorRemoved {
                    http_status: statuses(os),
                };
                self.push(cx, Area::Errors, code, change, error_text(os));
                continue;
            };
            let (so, sn) = (statuses(os), statuses(ns));
            if so != sn {
                let change = ChangeKind::ErrorStatusChanged { old: so, new: sn };
                self.push(cx, Area::Errors, code, change, None);
            }
            let same_docs =
                os.len() == ns.len() && os.iter().zip(ns).all(|(a, b)| text_eq(&a.doc, &b.doc));
            if !same_docs {
                let change = ChangeKind::DocChanged {
                    part: DocPart::Error,
                };
                self.push(cx, Area::Errors, code, change, error_text(ns));
            }
            let same_messages = os.len() == ns.len()
                && os
                    .iter()
                    .zip(ns)
                    .all(|(a, b)| ws_eq(a.message.as_deref(), b.message.as_deref()));
            if !same_messages {
                let change = ChangeKind::DocChanged {
                    part: DocPart::ErrorMessage,
                };
                let text = ns.iter().find_map(|e| e.message.as_deref().map(trimmed));
                self.push(cx, Area::Errors, code, change, text);
            }
        }
        for (code, ns) in &n {
            if !o.contains_key(code) {
                let change = ChangeKind::ErrorAdded {
                    http_status: statuses(ns),
                };
                self.push(cx, Area::Errors, code, change, error_text(ns));
            }
        }
    }

    /// The system-wide codes, compared once: every method carries the same
    /// ones, so a change there would otherwise repeat on every method.
    fn system_errors(&mut self, old: &[Method], new: &[Method]) {
        let cx = Ctx {
            scope: ALL_METHODS.to_string(),
            kind: ItemKind::System,
            item: "system errors".to_string(),
        };
        self.errors(&cx, &system_codes(old), &system_codes(new));
    }
}

fn index_methods(ms: &[Method]) -> BTreeMap<MethodKey<'_>, &Method> {
    let mut map = BTreeMap::new();
    for m in ms {
        map.entry((m.name.as_str(), m.rest_version)).or_insert(m);
    }
    map
}

/// Pair the items of `removed` and `added` whose `key` occurs exactly once
/// on each side. Returns the pairs and what is left of both lists.
#[allow(clippy::type_complexity)]
fn pair_unique<'a, T, K: Ord>(
    removed: Vec<&'a T>,
    added: Vec<&'a T>,
    key: impl Fn(&T) -> K,
) -> (Vec<(&'a T, &'a T)>, Vec<&'a T>, Vec<&'a T>) {
    let count = |items: &[&T]| {
        let mut c: BTreeMap<K, usize> = BTreeMap::new();
        for i in items {
            *c.entry(key(i)).or_default() += 1;
        }
        c
    };
    let (rc, ac) = (count(&removed), count(&added));
    let unique = |k: &K| rc.get(k) == Some(&1) && ac.get(k) == Some(&1);
    let mut partner: BTreeMap<K, &T> = BTreeMap::new();
    let mut left_added = Vec::new();
    for a in added {
        let k = key(a);
        if unique(&k) {
            partner.insert(k, a);
        } else {
            left_added.push(a);
        }
    }
    let mut pairs = Vec::new();
    let mut left_removed = Vec::new();
    for r in removed {
        match partner.get(&key(r)) {
            Some(a) => pairs.push((r, *a)),
            None => left_removed.push(r),
        }
    }
    (pairs, left_removed, left_added)
}

fn method_ctx(m: &Method) -> Ctx {
    Ctx {
        scope: scope_label(&m.scopes),
        kind: ItemKind::Method,
        item: method_label(m),
    }
}

fn index_events(es: &[Event]) -> BTreeMap<&str, &Event> {
    let mut map = BTreeMap::new();
    for e in es {
        map.entry(e.name.as_str()).or_insert(e);
    }
    map
}

fn group_fields(fs: &[Field]) -> BTreeMap<&str, Vec<&Field>> {
    let mut map: BTreeMap<&str, Vec<&Field>> = BTreeMap::new();
    for f in fs {
        map.entry(f.name.as_str()).or_default().push(f);
    }
    map
}

fn index_values(f: &Field) -> BTreeMap<&str, &Text> {
    let mut map = BTreeMap::new();
    for v in &f.values {
        map.entry(v.value.as_str()).or_insert(&v.doc);
    }
    map
}

fn page_errors(es: &[ErrorCode]) -> Vec<&ErrorCode> {
    es.iter().filter(|e| !e.system).collect()
}

/// The system codes of all methods; the first method's entry of each
/// (code, status) stands for all.
fn system_codes(ms: &[Method]) -> Vec<&ErrorCode> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for e in ms.iter().flat_map(|m| &m.errors).filter(|e| e.system) {
        if seen.insert((e.code.as_str(), e.http_status)) {
            out.push(e);
        }
    }
    out
}

fn group_errors<'a>(es: &[&'a ErrorCode]) -> BTreeMap<&'a str, Vec<&'a ErrorCode>> {
    let mut map: BTreeMap<&str, Vec<&ErrorCode>> = BTreeMap::new();
    for e in es {
        map.entry(e.code.as_str()).or_default().push(e);
    }
    map
}

fn event_ctx(e: &Event) -> Ctx {
    Ctx {
        scope: scope_label(&e.scopes),
        kind: ItemKind::Event,
        item: e.name.clone(),
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Items of `a` not in `b`, sorted and deduplicated.
fn sorted_minus(a: &[String], b: &[String]) -> Vec<String> {
    let b: BTreeSet<&String> = b.iter().collect();
    let out: BTreeSet<&String> = a.iter().filter(|x| !b.contains(x)).collect();
    out.into_iter().cloned().collect()
}

fn statuses(es: &[&ErrorCode]) -> Vec<u16> {
    let set: BTreeSet<u16> = es.iter().filter_map(|e| e.http_status).collect();
    set.into_iter().collect()
}

fn error_text(es: &[&ErrorCode]) -> Option<String> {
    es.iter()
        .find_map(|e| prefer_en(&e.doc))
        .or_else(|| es.iter().find_map(|e| e.message.as_deref().map(trimmed)))
}

/// The resolved type as one comparable string: kind, ref name, item type,
/// union variants, nullability. Two types with the same label map to the
/// same Rust type (object fields are compared separately).
pub fn type_label(t: &Type) -> String {
    let base = match &t.kind {
        Kind::Array { item } => {
            let inner = type_label(item);
            if inner.contains(' ') {
                format!("({inner})[]")
            } else {
                format!("{inner}[]")
            }
        }
        Kind::Ref { name } => name.clone(),
        Kind::Union { variants } => variants
            .iter()
            .map(type_label)
            .collect::<Vec<_>>()
            .join(" | "),
        k => k.name().to_string(),
    };
    if t.nullable {
        format!("{base} | null")
    } else {
        base
    }
}

/// `type_label(a) == type_label(b)`, without building the labels.
fn same_shape(a: &Type, b: &Type) -> bool {
    if a.nullable != b.nullable {
        return false;
    }
    match (&a.kind, &b.kind) {
        (Kind::Array { item: x }, Kind::Array { item: y }) => same_shape(x, y),
        (Kind::Ref { name: x }, Kind::Ref { name: y }) => same_ref(x, y),
        (Kind::Union { variants: x }, Kind::Union { variants: y }) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_shape(x, y))
        }
        (x, y) => x.name() == y.name(),
    }
}

/// Names of documented types that differ only in letter case or in the
/// separator (`crm.enum.contenttype` / `crm_enum_contenttype`) name the same
/// type: the generated Rust type name is the same.
fn same_ref(a: &str, b: &str) -> bool {
    let canon = |c: char| match c {
        '.' | '-' => '_',
        c => c.to_ascii_lowercase(),
    };
    a.len() == b.len() && a.chars().map(canon).eq(b.chars().map(canon))
}

/// The rename rule: exactly one field removed and one added in the same
/// list (checked by the caller), the same resolved type, and the same
/// description in every language either side has, with at least one.
fn is_rename(a: &Field, b: &Field) -> bool {
    let (da, db) = (norm_text(&a.doc), norm_text(&b.doc));
    same_shape(&a.ty, &b.ty) && da == db && (da.0.is_some() || da.1.is_some())
}

fn trimmed(s: &str) -> String {
    s.trim().to_string()
}

/// Whitespace-collapsed text: reflowing a paragraph is not a change.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn norm_text(t: &Text) -> (Option<String>, Option<String>) {
    let n = |s: Option<&str>| s.map(norm).filter(|s| !s.is_empty());
    (n(t.get(Lang::En)), n(t.get(Lang::Ru)))
}

/// Equal but for whitespace (`None` and blank are equal); no allocation,
/// as nearly every text compared is unchanged.
fn ws_eq(a: Option<&str>, b: Option<&str>) -> bool {
    let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
    a == b || a.split_whitespace().eq(b.split_whitespace())
}

fn text_eq(a: &Text, b: &Text) -> bool {
    ws_eq(a.en.as_deref(), b.en.as_deref()) && ws_eq(a.ru.as_deref(), b.ru.as_deref())
}

fn text_changed(a: &Text, b: &Text) -> bool {
    !text_eq(a, b)
}

/// The English text, else the Russian one, as written (trimmed).
fn prefer_en(t: &Text) -> Option<String> {
    let s = t.prefer(Lang::En).map(str::trim).unwrap_or_default();
    (!s.is_empty()).then(|| s.to_string())
}
