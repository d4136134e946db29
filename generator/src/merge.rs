//! EN + RU pages of the same method (or event) → one IR entry.
//!
//! Official checkouts pair by relative path (the RU title names the method:
//! the EN titles carry a few typos); docs-src pages pair by name. Whatever the
//! two languages disagree on becomes a diagnostic, never a silent pick.

use crate::extract::{Extracted, PageResult};
use crate::ir::{Diagnostic, Event, Field, Lang, Method, Severity};
use std::collections::{BTreeMap, HashMap};

/// Merge the pages' contributions.
pub fn merge(results: Vec<PageResult>) -> (Vec<Method>, Vec<Event>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // rel path → RU names, for checkout pages.
    let mut ru_method: HashMap<String, String> = HashMap::new();
    let mut ru_event: HashMap<String, String> = HashMap::new();
    for r in &results {
        if r.checkout && r.lang == Lang::Ru {
            match &r.extracted {
                Extracted::Method(m) => {
                    ru_method.insert(r.rel.clone(), m.name.clone());
                }
                Extracted::Event(e) => {
                    ru_event.insert(r.rel.clone(), e.name.clone());
                }
                Extracted::Skipped => {}
            }
        }
    }
    let mut methods: BTreeMap<(String, u8), Vec<Method>> = BTreeMap::new();
    let mut events: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    for r in results {
        diags.extend(r.diagnostics);
        match r.extracted {
            Extracted::Method(mut m) => {
                if r.checkout && r.lang == Lang::En {
                    if let Some(ru) = ru_method.get(&r.rel) {
                        if *ru != m.name {
                            diags.push(info(
                                &r.id,
                                format!(
                                    "EN names the method `{}`, RU `{ru}`; using `{ru}`",
                                    m.name
                                ),
                            ));
                            m.name = ru.clone();
                        }
                    }
                }
                methods
                    .entry((m.name.clone(), m.rest_version))
                    .or_default()
                    .push(*m);
            }
            Extracted::Event(mut e) => {
                if r.checkout && r.lang == Lang::En {
                    if let Some(ru) = ru_event.get(&r.rel) {
                        if *ru != e.name {
                            let pick = pick_event_name(&e, ru);
                            diags.push(info(
                                &r.id,
                                format!(
                                    "EN names the event `{}`, RU `{ru}`; using `{pick}`",
                                    e.name
                                ),
                            ));
                            e.name = pick;
                        }
                    }
                }
                events.entry(e.name.clone()).or_default().push(*e);
            }
            Extracted::Skipped => {}
        }
    }
    let methods = methods
        .into_values()
        .filter_map(|group| merge_methods(group, &mut diags))
        .collect();
    let events = events
        .into_values()
        .filter_map(|group| merge_events(group, &mut diags))
        .collect();
    (methods, events, diags)
}

/// Of two spellings, the one the payload example's `event` code confirms.
fn pick_event_name(en: &Event, ru: &str) -> String {
    let code = en
        .examples
        .iter()
        .find_map(|e| e.json.get("event").and_then(|v| v.as_str()))
        .map(|s| s.to_uppercase());
    match code {
        Some(c) if c == en.name.to_uppercase() => en.name.clone(),
        _ => ru.to_string(),
    }
}

fn info(page: &str, message: String) -> Diagnostic {
    Diagnostic {
        page: page.to_string(),
        line: None,
        severity: Severity::Info,
        message,
    }
}

fn has_front_matter(m: &Method) -> bool {
    m.pagination.is_some() || m.rate_limit_per_sec.is_some()
}

fn lang_of(m: &Method) -> Option<&str> {
    m.sources.first().and_then(|s| s.split(':').next())
}

fn merge_methods(mut group: Vec<Method>, diags: &mut Vec<Diagnostic>) -> Option<Method> {
    // English first (its names are the base), then by source.
    group.sort_by(|a, b| {
        (lang_of(a) != Some("en"), &a.sources).cmp(&(lang_of(b) != Some("en"), &b.sources))
    });
    let mut it = group.into_iter();
    let mut base = it.next()?;
    for o in it {
        let page = o.sources.first().cloned().unwrap_or_default();
        // Front-matter (only it sets `pagination`/`rate_limit_per_sec`) is
        // preferred over what another page's body implies.
        if has_front_matter(&o) && !has_front_matter(&base) {
            if o.result.is_some() {
                base.result.clone_from(&o.result);
            }
            base.scopes.clone_from(&o.scopes);
        }
        if o.scopes != base.scopes {
            diags.push(info(
                &page,
                format!(
                    "`{}`: scopes differ: {:?} vs {:?}; keeping both",
                    base.name, base.scopes, o.scopes
                ),
            ));
            base.scopes.extend(o.scopes.iter().cloned());
            base.scopes.sort();
            base.scopes.dedup();
        }
        base.title.fill_from(&o.title);
        base.summary.fill_from(&o.summary);
        base.description.fill_from(&o.description);
        base.sources.extend(o.sources.iter().cloned());
        base.deprecated |= o.deprecated;
        if base.replaced_by.is_none() {
            base.replaced_by.clone_from(&o.replaced_by);
        }
        base.aliases.extend(o.aliases.iter().cloned());
        if base.rate_limit_per_sec.is_none() {
            base.rate_limit_per_sec = o.rate_limit_per_sec;
        }
        if base.pagination.is_none() {
            base.pagination.clone_from(&o.pagination);
        }
        base.paginated |= o.paginated;
        let ctx = format!("`{}`", base.name);
        merge_fields(&mut base.params, o.params, &ctx, &page, diags);
        if base.one_of.is_empty() {
            base.one_of = o.one_of;
        }
        match (&mut base.result, o.result) {
            (None, r) => base.result = r,
            (Some(b), Some(r)) => merge_type(b, r, &format!("{ctx} result"), &page, diags),
            _ => {}
        }
        merge_errors(&mut base, o.errors);
        base.examples.requests.extend(o.examples.requests);
        base.examples.responses.extend(o.examples.responses);
        base.examples.errors.extend(o.examples.errors);
    }
    base.sources.sort();
    base.sources.dedup();
    base.aliases.sort();
    base.aliases.dedup();
    Some(base)
}

fn merge_errors(base: &mut Method, other: Vec<crate::ir::ErrorCode>) {
    // Pair by code and position among equal codes (messages are translated).
    let mut seen: HashMap<String, usize> = HashMap::new();
    for e in other {
        let n = seen.entry(e.code.clone()).or_default();
        let hit = base.errors.iter_mut().filter(|b| b.code == e.code).nth(*n);
        *n += 1;
        match hit {
            Some(b) => {
                b.doc.fill_from(&e.doc);
                if b.http_status.is_none() {
                    b.http_status = e.http_status;
                }
            }
            None => base.errors.push(e),
        }
    }
}

fn merge_fields(
    base: &mut Vec<Field>,
    other: Vec<Field>,
    ctx: &str,
    page: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for o in other {
        let Some(b) = base.iter_mut().find(|b| b.name == o.name) else {
            diags.push(info(
                page,
                format!("{ctx}: field `{}` is only in this language", o.name),
            ));
            base.push(o);
            continue;
        };
        let fctx = format!("{ctx}.{}", b.name);
        if b.required != o.required {
            diags.push(info(
                page,
                format!(
                    "{fctx}: required differs ({} vs {}); keeping required",
                    b.required, o.required
                ),
            ));
            b.required = true;
        }
        b.doc.fill_from(&o.doc);
        if b.default.is_none() {
            b.default.clone_from(&o.default);
        }
        b.deprecated |= o.deprecated;
        for v in &o.values {
            match b.values.iter_mut().find(|x| x.value == v.value) {
                Some(x) => x.doc.fill_from(&v.doc),
                None => b.values.push(v.clone()),
            }
        }
        merge_type(&mut b.ty, o.ty, &fctx, page, diags);
    }
}

fn merge_type(
    b: &mut crate::ir::Type,
    o: crate::ir::Type,
    ctx: &str,
    page: &str,
    diags: &mut Vec<Diagnostic>,
) {
    use crate::ir::Kind;
    if b.kind.name() != o.kind.name() {
        diags.push(info(
            page,
            format!(
                "{ctx}: type differs (`{}` → {} vs `{}` → {})",
                b.doc,
                b.kind.name(),
                o.doc,
                o.kind.name()
            ),
        ));
        if b.kind == Kind::Any {
            *b = o;
        }
        return;
    }
    match (&mut b.kind, o.kind) {
        (Kind::Object { fields }, Kind::Object { fields: of }) => {
            if fields.is_empty() {
                *fields = of;
            } else {
                merge_fields(fields, of, ctx, page, diags);
            }
        }
        (Kind::Array { item }, Kind::Array { item: oi }) => merge_type(item, *oi, ctx, page, diags),
        _ => {}
    }
}

fn merge_events(mut group: Vec<Event>, diags: &mut Vec<Diagnostic>) -> Option<Event> {
    group.sort_by(|a, b| a.sources.cmp(&b.sources));
    let mut it = group.into_iter();
    let mut base = it.next()?;
    for o in it {
        let page = o.sources.first().cloned().unwrap_or_default();
        base.title.fill_from(&o.title);
        base.summary.fill_from(&o.summary);
        base.sources.extend(o.sources);
        base.deprecated |= o.deprecated;
        base.scopes.extend(o.scopes);
        base.scopes.sort();
        base.scopes.dedup();
        let ctx = format!("event `{}`", base.name);
        merge_fields(&mut base.payload, o.payload, &ctx, &page, diags);
        base.examples.extend(o.examples);
    }
    base.sources.sort();
    Some(base)
}
