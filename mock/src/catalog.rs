//! What the mock knows of the API: the IR's methods by name, and the CRUD families among them.

use std::collections::HashMap;

use b24_ir::{Example, Ir, Lang, Method};
use serde_json::Value;

/// The IR indexed for answering.
#[derive(Debug)]
pub(crate) struct Catalog {
    pub ir: Ir,
    /// Lower-cased name or alias → indexes into `ir.methods` (a name can have a REST 2 and a
    /// REST 3 method).
    by_name: HashMap<String, Vec<usize>>,
    /// Lower-cased event name → the name as the docs write it.
    events: HashMap<String, String>,
}

/// The operation of a CRUD family a method is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Get,
    List,
    Update,
    Delete,
}

impl Catalog {
    pub fn new(ir: Ir) -> Catalog {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, m) in ir.methods.iter().enumerate() {
            by_name
                .entry(m.name.to_ascii_lowercase())
                .or_default()
                .push(i);
        }
        for (i, m) in ir.methods.iter().enumerate() {
            for a in &m.aliases {
                let e = by_name.entry(a.to_ascii_lowercase()).or_default();
                if !e.contains(&i) {
                    e.push(i);
                }
            }
        }
        let events = ir
            .events
            .iter()
            .map(|e| (e.name.to_ascii_lowercase(), e.name.clone()))
            .collect();
        Catalog {
            ir,
            by_name,
            events,
        }
    }

    /// The method by wire name (case-insensitive, as the portal resolves them), of REST
    /// `version` when the name has one of each.
    pub fn method(&self, name: &str, version: u8) -> Option<&Method> {
        let all = self.by_name.get(&name.to_ascii_lowercase())?;
        let pick = all
            .iter()
            .find(|&&i| self.ir.methods[i].rest_version == version)
            .or(all.first())?;
        Some(&self.ir.methods[*pick])
    }

    /// `crm.deal.add` → (`crm.deal`, Add) when the method belongs to a CRUD family of REST
    /// `version`: its prefix has an `add` of that version taking `fields`, and a `get` or a
    /// `list` of that version (REST 3: `tasks.task`, `tasks.task.result`, `note.collection`…).
    pub fn family(&self, name: &str, version: u8) -> Option<(String, Op)> {
        let lower = name.to_ascii_lowercase();
        let (prefix, action) = lower.rsplit_once('.')?;
        let op = match action {
            "add" => Op::Add,
            "get" => Op::Get,
            "list" => Op::List,
            "update" => Op::Update,
            "delete" => Op::Delete,
            _ => return None,
        };
        let add = self.method_of(&format!("{prefix}.add"), version)?;
        if !add
            .params
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case("fields"))
        {
            return None;
        }
        if self.method_of(&format!("{prefix}.get"), version).is_none()
            && self.method_of(&format!("{prefix}.list"), version).is_none()
        {
            return None;
        }
        Some((prefix.to_owned(), op))
    }

    /// The method by wire name of exactly REST `version` (no fallback to the other version).
    pub fn method_of(&self, name: &str, version: u8) -> Option<&Method> {
        self.method(name, version)
            .filter(|m| m.rest_version == version)
    }

    /// The event a change of `prefix` fires, as the docs spell it (`ONCRMDEALADD`,
    /// `CATALOG.PRICE.ON.ADD`); the `ON…` spelling when the docs list none.
    pub fn event_for(&self, prefix: &str, op: Op) -> Option<String> {
        let action = match op {
            Op::Add => "add",
            Op::Update => "update",
            Op::Delete => "delete",
            Op::Get | Op::List => return None,
        };
        let glued = format!("on{}{action}", prefix.replace('.', ""));
        let dotted = format!("{prefix}.on.{action}");
        for k in [&glued, &dotted] {
            if let Some(n) = self.events.get(k.as_str()) {
                return Some(n.clone());
            }
        }
        Some(glued.to_ascii_uppercase())
    }
}

/// The documented response example of `m`, from a page in `lang` if there is one: its `result`
/// and the envelope keys beside it (`total`, `next`). Examples without a `result` key are the
/// result itself (the docs often print only that); error examples are skipped.
pub(crate) fn response_example(
    m: &Method,
    lang: Lang,
) -> Option<(Value, Option<Value>, Option<Value>)> {
    let prefix = format!("{}:", lang.as_str());
    let usable = |e: &&Example| match &e.json {
        Value::Object(o) => !o.contains_key("error"),
        _ => true,
    };
    let ex = m
        .examples
        .responses
        .iter()
        .filter(usable)
        .find(|e| e.page.starts_with(&prefix))
        .or_else(|| m.examples.responses.iter().find(usable))?;
    Some(split_envelope(&ex.json))
}

/// `{"result": R, "total": T, "next": N, "time": …}` → (R, T, N); anything else is the result.
pub(crate) fn split_envelope(v: &Value) -> (Value, Option<Value>, Option<Value>) {
    match v {
        Value::Object(o) if o.contains_key("result") => (
            o.get("result").cloned().unwrap_or(Value::Null),
            o.get("total").cloned(),
            o.get("next").cloned(),
        ),
        other => (other.clone(), None, None),
    }
}
