//! State of the CRUD families (`*.add/get/list/update/delete`, and `crm.item.*` per
//! `entityTypeId`): rows that can be read back, updated and deleted, with increasing ids and the
//! portal's list semantics (filter prefixes, order, select, 50 per page with `total`/`next`).
//!
//! A table starts with the rows of the docs' own examples (the `get` and `list` answers), then
//! `seed` rows made from them, so the documented requests find the records they name.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use b24_ir::{Kind, Lang, Method};
use serde_json::{Map, Value};

use crate::answer::ApiError;
use crate::catalog::{response_example, Catalog, Op};
use crate::userfields::{self, Declared, Entity};

/// Rows per list page, as on the portal.
pub const PAGE: usize = 50;

/// Where a family's answers put a row: the result itself or one key of it (`{"item": …}`).
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Plain,
    Wrapped(String),
    /// `{"templates": {"57": {…}, …}}`: rows under one key, keyed by id (a PHP map).
    Keyed(String),
}

/// How a family answers `add`.
#[derive(Debug, Clone, PartialEq)]
enum AddShape {
    Id { string: bool },
    Row(Shape),
    Literal(Value),
}

/// What a family's answers look like, read off its examples.
#[derive(Debug, Clone)]
struct Template {
    id_key: String,
    id_string: bool,
    get: Shape,
    list: Shape,
    add: AddShape,
    update: Option<Shape>,
    update_literal: Value,
    delete_literal: Value,
    samples: Vec<Map<String, Value>>,
    /// The documented `get` answers one record (not a list, as `lists.get` does).
    get_is_row: bool,
    /// Ids the documented `get`/`update`/`delete` requests name: the table has those records.
    named: Vec<Value>,
    /// A REST 3 family: lists take `filter` as conditions (`[["id", ">", 1]]`), `pagination`
    /// and a `select` without which rows carry only the id; `get` applies `select`; errors
    /// are REST 3's.
    v3: bool,
}

/// A row id: numbers in order, then other ids (`sale.status` has `"N"`, `"F"`…).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Id(Option<i64>, String);

impl Id {
    fn of(v: &Value) -> Option<Id> {
        match v {
            Value::Number(n) => n.as_i64().map(|i| Id(Some(i), i.to_string())),
            Value::String(s) if !s.trim().is_empty() => {
                let t = s.trim();
                Some(Id(t.parse().ok(), t.to_owned()))
            }
            _ => None,
        }
    }
}

#[derive(Debug)]
struct Table {
    rows: BTreeMap<Id, Map<String, Value>>,
    next_id: i64,
}

/// The answer of a state-backed call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub result: Value,
    pub total: Option<u64>,
    pub next: Option<u64>,
    /// The change to announce: (op, id, partition).
    pub change: Option<(Op, Value, String)>,
}

/// All tables.
#[derive(Debug, Default)]
pub(crate) struct Store {
    /// By (prefix, REST version): `tasks.task` of REST 2 and of REST 3 answer differently.
    templates: HashMap<(String, u8), Template>,
    /// By (prefix, REST version, partition): the REST 3 tasks are not the REST 2 ones.
    tables: HashMap<(String, u8, String), Table>,
    /// Rows made per table beside the documented ones.
    pub seed: u64,
}

impl Store {
    pub fn new(seed: u64) -> Store {
        Store {
            seed,
            ..Store::default()
        }
    }

    pub fn reset(&mut self) {
        self.tables.clear();
    }

    /// Rows in all tables.
    pub fn rows(&self) -> usize {
        self.tables.values().map(|t| t.rows.len()).sum()
    }

    /// Runs `prefix.op` on the state; `None` when the method is not one the state can answer
    /// (a `get` answering a list, an `update` naming no record by id): its documented answer
    /// stands.
    pub fn call(
        &mut self,
        catalog: &Catalog,
        lang: Lang,
        prefix: &str,
        op: Op,
        m: &Method,
        params: &Map<String, Value>,
    ) -> Option<Result<Answer, ApiError>> {
        let version = m.rest_version;
        let template = self.template(catalog, lang, prefix, version);
        let partition = get_ci(params, "entityTypeId")
            .map(scalar_text)
            .unwrap_or_default();
        // crm.item of a lead, deal, contact, company or quote: the rows of `crm.<entity>.*`.
        if version == 2 && prefix == "crm.item" {
            let shared = partition
                .trim()
                .parse()
                .ok()
                .and_then(userfields::of_type)
                .filter(|e| catalog.family(&format!("{}.add", e.prefix), 2).is_some());
            if let Some(e) = shared {
                if op == Op::Get && !template.get_is_row {
                    return None;
                }
                return Some(self.item_of_entity(catalog, lang, e, template, op, m, params));
            }
        }
        let declared = userfields::entity(prefix)
            .map(|e| self.declared(e))
            .unwrap_or_default();
        let field_of = userfields::of_userfields(prefix);
        let existing = field_of.map(|e| self.declared(e)).unwrap_or_default();
        let seed = self.seed;
        let table = self
            .tables
            .entry((prefix.to_owned(), version, partition.clone()))
            .or_insert_with(|| seeded(&template, seed));
        let id_name = id_param(m);
        match op {
            Op::Get if !template.get_is_row => return None,
            Op::Get | Op::Update | Op::Delete if id_name.is_none() => return None,
            _ => {}
        }
        let id_value = id_name.and_then(|p| get_ci(params, &p)).cloned();
        let mut fields = match get_ci(params, "fields") {
            Some(Value::Object(f)) => Some(f.clone()),
            _ => None,
        };
        if let Some(e) = field_of {
            match op {
                Op::Add => match userfields::new_field(e, fields.unwrap_or_default(), &existing) {
                    Ok(f) => fields = Some(f),
                    Err(err) => return Some(Err(err)),
                },
                Op::Update => {
                    if let Some(f) = &mut fields {
                        f.retain(|k, _| !userfields::immutable(k));
                    }
                }
                _ => {}
            }
        }
        Some(Self::run(
            table, &template, op, m, params, id_value, fields, partition, &declared,
        ))
    }

    /// The family's template, read off the docs once.
    fn template(&mut self, catalog: &Catalog, lang: Lang, prefix: &str, version: u8) -> Template {
        self.templates
            .entry((prefix.to_owned(), version))
            .or_insert_with(|| template(catalog, lang, prefix, version))
            .clone()
    }

    /// The user fields declared for `e` (rows of `<prefix>.userfield`, once that table is
    /// used: the docs' example fields, then the added ones).
    fn declared(&self, e: Entity) -> Vec<Declared> {
        let key = (format!("{}.userfield", e.prefix), 2, String::new());
        self.tables
            .get(&key)
            .map(|t| {
                t.rows
                    .values()
                    .filter(|r| {
                        r.get("ENTITY_ID")
                            .and_then(Value::as_str)
                            .is_none_or(|id| id == e.entity_id)
                    })
                    .filter_map(Declared::of)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `crm.item.*` on the table of `crm.<entity>`: names translated to the entity's
    /// (`title` → `TITLE`, `ufCrm_1720019876534` → `UF_CRM_1720019876534`) on the way in and
    /// back to camelCase on the way out, answers in the shapes of `crm.item`.
    #[allow(clippy::too_many_arguments)]
    fn item_of_entity(
        &mut self,
        catalog: &Catalog,
        lang: Lang,
        e: Entity,
        item: Template,
        op: Op,
        m: &Method,
        params: &Map<String, Value>,
    ) -> Result<Answer, ApiError> {
        let entity = self.template(catalog, lang, e.prefix, 2);
        let declared = self.declared(e);
        let original = match get_ci(params, "useOriginalUfNames") {
            Some(Value::String(s)) => s.eq_ignore_ascii_case("Y"),
            Some(Value::Bool(b)) => *b,
            _ => false,
        };
        let up = |k: &str| userfields::upper(k, &declared);
        let rename = |v: &Value, f: &dyn Fn(&str) -> String| match v {
            Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (f(k), v.clone())).collect()),
            other => other.clone(),
        };
        let mut translated = Map::new();
        for (k, v) in params {
            let v = match k.to_ascii_lowercase().as_str() {
                "fields" | "order" => rename(v, &|k| up(k)),
                "filter" => rename(v, &|k| {
                    let field = Cond::parse(k, &Value::Null).field;
                    let op = &k[..k.len() - field.len()];
                    format!("{op}{}", up(&field))
                }),
                "select" => {
                    let mut names = Vec::new();
                    for s in select_of(params).unwrap_or_default() {
                        if s == "*" {
                            names.extend(["*".into(), "UF_*".into()]);
                        } else {
                            names.push(Value::String(up(&s)));
                        }
                    }
                    Value::Array(names)
                }
                _ => v.clone(),
            };
            translated.insert(k.clone(), v);
        }
        let mut t = item;
        t.id_key = entity.id_key.clone();
        t.id_string = entity.id_string;
        let seed = self.seed;
        let table = self
            .tables
            .entry((e.prefix.to_owned(), 2, String::new()))
            .or_insert_with(|| {
                // The records the `crm.item.*` pages name are there too (made like the
                // entity's own named ones).
                let mut named = entity.clone();
                named.named.extend(t.named.iter().cloned());
                seeded(&named, seed)
            });
        let id_value = get_ci(params, "id").cloned();
        let fields = match get_ci(&translated, "fields") {
            Some(Value::Object(f)) => Some(f.clone()),
            _ => None,
        };
        let mut a = Self::run(
            table,
            &t,
            op,
            m,
            &translated,
            id_value,
            fields,
            String::new(),
            &declared,
        )?;
        let camel_row = |row: &mut Value| {
            if let Value::Object(o) = row {
                *o = std::mem::take(o)
                    .into_iter()
                    .map(|(k, v)| {
                        let v = match (k.as_str(), v) {
                            ("ID", Value::String(s)) if s.parse::<i64>().is_ok() => {
                                s.parse::<i64>().map(Value::from).unwrap_or_default()
                            }
                            (_, v) => v,
                        };
                        (userfields::camel(&k, original), v)
                    })
                    .collect();
            }
        };
        if let Value::Object(o) = &mut a.result {
            if let Some(row) = o.get_mut("item") {
                camel_row(row);
            }
            if let Some(Value::Array(rows)) = o.get_mut("items") {
                rows.iter_mut().for_each(camel_row);
            }
        }
        Ok(a)
    }

    /// Adds the declared user fields to an answer of `<entity>.fields` or `crm.item.fields`
    /// (there under `fields`, camelCased unless `useOriginalUfNames=Y`).
    pub fn list_user_fields(&self, method: &str, params: &Map<String, Value>, result: &mut Value) {
        let lower = method.to_ascii_lowercase();
        let Some(prefix) = lower.strip_suffix(".fields") else {
            return;
        };
        let (e, item) = if prefix == "crm.item" {
            let Some(e) = get_ci(params, "entityTypeId")
                .and_then(as_i64)
                .and_then(userfields::of_type)
            else {
                return;
            };
            (e, true)
        } else {
            let Some(e) = userfields::entity(prefix) else {
                return;
            };
            (e, false)
        };
        let original = matches!(get_ci(params, "useOriginalUfNames"), Some(Value::String(s)) if s.eq_ignore_ascii_case("Y"));
        let target = match (item, result) {
            (true, Value::Object(o)) => o.get_mut("fields"),
            (false, r) => Some(r),
            _ => None,
        };
        let Some(Value::Object(target)) = target else {
            return;
        };
        for d in self.declared(e) {
            let name = if item {
                userfields::camel(&d.name, original)
            } else {
                d.name.clone()
            };
            target.insert(name, d.describe(item));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        table: &mut Table,
        template: &Template,
        op: Op,
        m: &Method,
        params: &Map<String, Value>,
        id_value: Option<Value>,
        fields: Option<Map<String, Value>>,
        partition: String,
        declared: &[Declared],
    ) -> Result<Answer, ApiError> {
        let id = id_value.as_ref().and_then(Id::of);
        let not_found = || not_found(m, id_value.as_ref(), template.v3);
        let plain = |result| Answer {
            result,
            total: None,
            next: None,
            change: None,
        };
        match op {
            Op::Add => {
                let fields = fields.unwrap_or_default();
                let new = table.next_id;
                table.next_id += 1;
                let row = make_row(template, new, fields);
                table
                    .rows
                    .insert(Id(Some(new), new.to_string()), row.clone());
                let result = match &template.add {
                    AddShape::Id { string: true } => Value::String(new.to_string()),
                    AddShape::Id { string: false } => new.into(),
                    AddShape::Row(shape) => wrap(shape, Value::Object(row)),
                    AddShape::Literal(v) => v.clone(),
                };
                Ok(Answer {
                    change: Some((Op::Add, new.into(), partition)),
                    ..plain(result)
                })
            }
            Op::Get => {
                let row = id
                    .and_then(|id| table.rows.get(&id))
                    .ok_or_else(not_found)?;
                let mut row = match (template.v3, select_of(params)) {
                    (true, Some(select)) => project_v3(row, &select, &template.id_key),
                    _ => row.clone(),
                };
                for d in declared {
                    row.entry(d.name.clone()).or_insert_with(|| d.empty());
                }
                Ok(plain(wrap(&template.get, Value::Object(row))))
            }
            Op::Update => {
                let id = id.ok_or_else(not_found)?;
                let row = table.rows.get_mut(&id).ok_or_else(not_found)?;
                let id = row
                    .get(&template.id_key)
                    .cloned()
                    .unwrap_or_else(|| id.1.clone().into());
                for (k, v) in fields.unwrap_or_default() {
                    row.insert(k, v);
                }
                let result = match &template.update {
                    Some(shape) => wrap(shape, Value::Object(row.clone())),
                    None => template.update_literal.clone(),
                };
                Ok(Answer {
                    change: Some((Op::Update, id, partition)),
                    ..plain(result)
                })
            }
            Op::Delete => {
                let id = id.ok_or_else(not_found)?;
                let row = table.rows.remove(&id).ok_or_else(not_found)?;
                let id = row
                    .get(&template.id_key)
                    .cloned()
                    .unwrap_or_else(|| id.1.clone().into());
                Ok(Answer {
                    change: Some((Op::Delete, id, partition)),
                    ..plain(template.delete_literal.clone())
                })
            }
            Op::List if template.v3 => {
                let rows = list_v3(table, template, params)?;
                Ok(plain(wrap(&template.list, Value::Array(rows))))
            }
            Op::List => {
                let page = list(table, template, params, declared);
                let rows = match &template.list {
                    Shape::Keyed(_) => Value::Object(
                        page.rows
                            .into_iter()
                            .map(|r| (text(r.get(&template.id_key)), r))
                            .collect(),
                    ),
                    _ => Value::Array(page.rows),
                };
                Ok(Answer {
                    result: wrap(&template.list, rows),
                    total: Some(page.total),
                    next: page.next,
                    change: None,
                })
            }
        }
    }
}

/// A new row: the given fields and the id under the family's key.
fn make_row(t: &Template, id: i64, fields: Map<String, Value>) -> Map<String, Value> {
    let mut row = Map::new();
    row.insert(t.id_key.clone(), id_value(t, id));
    for (k, v) in fields {
        if !k.eq_ignore_ascii_case(&t.id_key) {
            row.insert(k, v);
        }
    }
    row
}

fn id_value(t: &Template, id: i64) -> Value {
    if t.id_string {
        Value::String(id.to_string())
    } else {
        id.into()
    }
}

/// A fresh table: the documented rows, then `seed` more made from the first of them.
fn seeded(t: &Template, seed: u64) -> Table {
    let mut rows = BTreeMap::new();
    for s in &t.samples {
        if let Some(id) = s.get(&t.id_key).and_then(Id::of) {
            rows.entry(id).or_insert_with(|| s.clone());
        }
    }
    let base = t.samples.first().cloned().unwrap_or_default();
    for v in &t.named {
        if let Some(id) = Id::of(v) {
            rows.entry(id).or_insert_with(|| {
                let mut row = base.clone();
                row.insert(t.id_key.clone(), v.clone());
                row
            });
        }
    }
    let mut next_id = rows.keys().filter_map(|k| k.0).max().map_or(1, |m| m + 1);
    for n in 0..seed {
        let mut row = base.clone();
        for (k, v) in row.iter_mut() {
            if let Value::String(s) = v {
                if k.eq_ignore_ascii_case("title") || k.eq_ignore_ascii_case("name") {
                    *s = format!("{s} {}", n + 1);
                }
            }
        }
        row.insert(t.id_key.clone(), id_value(t, next_id));
        rows.insert(Id(Some(next_id), next_id.to_string()), row);
        next_id += 1;
    }
    Table { rows, next_id }
}

fn wrap(shape: &Shape, v: Value) -> Value {
    match shape {
        Shape::Plain => v,
        Shape::Wrapped(k) | Shape::Keyed(k) => {
            let mut o = Map::new();
            o.insert(k.clone(), v);
            Value::Object(o)
        }
    }
}

/// The family's answers, read off the documented examples of its methods.
fn template(catalog: &Catalog, lang: Lang, prefix: &str, version: u8) -> Template {
    let method = |op: &str| catalog.method_of(&format!("{prefix}.{op}"), version);
    let example = |op: &str| {
        method(op)
            .and_then(|m| response_example(m, lang))
            .map(|(r, _, _)| r)
    };
    let mut samples = Vec::new();
    let (get, list) = (example("get"), example("list"));
    let get_is_row = !matches!(&get, Some(v) if !v.is_object())
        && !method("get")
            .and_then(|m| m.result.as_ref())
            .is_some_and(|t| matches!(t.kind, Kind::Array { .. }));
    let get_shape = match &get {
        Some(v) => {
            let (shape, row) = row_shape(v);
            samples.extend(row);
            shape
        }
        None => Shape::Plain,
    };
    let list_shape = match &list {
        Some(Value::Array(a)) => {
            samples.extend(a.iter().filter_map(|r| r.as_object().cloned()));
            Shape::Plain
        }
        Some(Value::Object(o)) => match o.iter().find(|(_, v)| v.is_array() || v.is_object()) {
            Some((k, Value::Array(a))) => {
                samples.extend(a.iter().filter_map(|r| r.as_object().cloned()));
                Shape::Wrapped(k.clone())
            }
            Some((k, Value::Object(m))) if m.values().all(Value::is_object) => {
                samples.extend(m.values().filter_map(|r| r.as_object().cloned()));
                Shape::Keyed(k.clone())
            }
            _ => Shape::Plain,
        },
        // No example: the result type says whether the rows sit under a key.
        _ => method("list")
            .and_then(|m| m.result.as_ref())
            .and_then(|t| match &t.kind {
                Kind::Object { fields } => fields
                    .iter()
                    .find(|f| matches!(f.ty.kind, Kind::Array { .. }))
                    .map(|f| Shape::Wrapped(f.name.clone())),
                _ => None,
            })
            .unwrap_or(Shape::Plain),
    };
    let mut named = Vec::new();
    for op in ["get", "update", "delete"] {
        let Some(m) = method(op) else { continue };
        let Some(p) = id_param(m) else { continue };
        let integer = m
            .params
            .iter()
            .any(|f| f.name == p && matches!(f.ty.kind, Kind::Integer));
        for ex in &m.examples.requests {
            if let Some(v) = ex.json.as_object().and_then(|o| get_ci(o, &p)) {
                // A placeholder (`"your_product_id"`) for an integer id names record 1, the
                // stand-in a client sends for it.
                let v = match v {
                    Value::String(s) if integer && s.trim().parse::<i64>().is_err() => {
                        Value::from(1)
                    }
                    v => v.clone(),
                };
                if !named.contains(&v) {
                    named.push(v);
                }
            }
        }
    }
    let id_key = samples
        .iter()
        .find_map(|s| ["ID", "id", "Id"].into_iter().find(|k| s.contains_key(*k)))
        .unwrap_or("ID")
        .to_owned();
    let id_string = samples
        .iter()
        .find_map(|s| s.get(&id_key))
        .is_none_or(Value::is_string);
    let add = match example("add") {
        Some(Value::Number(_)) => AddShape::Id { string: false },
        Some(Value::String(_)) | None => AddShape::Id { string: true },
        Some(v) => match row_shape(&v) {
            (s @ Shape::Wrapped(_), _) => AddShape::Row(s),
            _ => AddShape::Literal(v),
        },
    };
    let update_example = example("update");
    let update = match &update_example {
        Some(v @ Value::Object(_)) => match row_shape(v) {
            (s @ Shape::Wrapped(_), _) => Some(s),
            _ => None,
        },
        _ => None,
    };
    Template {
        id_key,
        id_string,
        get: get_shape,
        list: list_shape,
        add,
        update,
        update_literal: update_example.unwrap_or(Value::Bool(true)),
        delete_literal: example("delete").unwrap_or(Value::Bool(true)),
        samples,
        get_is_row,
        named,
        v3: version == 3,
    }
}

/// `{"item": {…}}` → (Wrapped("item"), row); `{…}` → (Plain, row).
fn row_shape(v: &Value) -> (Shape, Option<Map<String, Value>>) {
    match v {
        Value::Object(o) if o.len() == 1 => match o.iter().next() {
            Some((k, Value::Object(row))) => (Shape::Wrapped(k.clone()), Some(row.clone())),
            _ => (Shape::Plain, Some(o.clone())),
        },
        Value::Object(o) => (Shape::Plain, Some(o.clone())),
        _ => (Shape::Plain, None),
    }
}

/// The param naming the record: `id`/`ID`, else a `…Id` param (`taskId`), required ones first.
fn id_param(m: &Method) -> Option<String> {
    if let Some(p) = m.params.iter().find(|p| p.name.eq_ignore_ascii_case("id")) {
        return Some(p.name.clone());
    }
    let candidate = |p: &&b24_ir::Field| {
        p.name.len() > 2
            && p.name.to_ascii_lowercase().ends_with("id")
            && !p.name.eq_ignore_ascii_case("entityTypeId")
    };
    m.params
        .iter()
        .filter(candidate)
        .find(|p| p.required)
        .or_else(|| m.params.iter().find(candidate))
        .map(|p| p.name.clone())
}

fn not_found(m: &Method, id: Option<&Value>, v3: bool) -> ApiError {
    if v3 {
        // REST 3 answers one code for every family (`rest-v3.md`, the `get` pages).
        return ApiError::v3(
            "BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION",
            format!("Record with ID = `{}` not found", text(id)),
            None,
        );
    }
    let found = m.errors.iter().filter(|e| !e.system).find(|e| {
        [
            e.message.as_deref(),
            e.doc.en.as_deref(),
            e.doc.ru.as_deref(),
        ]
        .iter()
        .flatten()
        .any(|t| {
            let t = t.to_lowercase();
            t.contains("not found") || t.contains("не найден")
        })
    });
    match found {
        Some(e) => ApiError::v2(
            e.http_status.unwrap_or(400),
            &e.code,
            e.message.clone().unwrap_or_else(|| "Not found".into()),
        ),
        None => ApiError::v2(
            400,
            "NOT_FOUND",
            match id {
                Some(id) => format!("Record with ID {} not found", text(Some(id))),
                None => "ID is not defined or invalid.".to_owned(),
            },
        ),
    }
}

struct Page {
    rows: Vec<Value>,
    total: u64,
    next: Option<u64>,
}

fn list(table: &Table, t: &Template, params: &Map<String, Value>, declared: &[Declared]) -> Page {
    let filter: Vec<Cond> = match get_ci(params, "filter") {
        Some(Value::Object(f)) => f.iter().map(|(k, v)| Cond::parse(k, v)).collect(),
        _ => Vec::new(),
    };
    let mut rows: Vec<&Map<String, Value>> = table
        .rows
        .values()
        .filter(|r| filter.iter().all(|c| c.holds(r)))
        .collect();
    sort(&mut rows, params);
    let total = rows.len() as u64;
    let start = get_ci(params, "start").and_then(as_i64).unwrap_or(0).max(0) as usize;
    let select = select_of(params).unwrap_or_default();
    let page: Vec<Value> = rows
        .iter()
        .skip(start)
        .take(PAGE)
        .map(|r| Value::Object(project(r, &select, &t.id_key, declared)))
        .collect();
    let end = start + page.len();
    Page {
        rows: page,
        total,
        next: (end < rows.len()).then_some(end as u64),
    }
}

/// Sorts by `order` (`{"ID": "DESC", "TITLE": "ASC"}`); stable, so ties keep id order.
fn sort(rows: &mut [&Map<String, Value>], params: &Map<String, Value>) {
    let Some(Value::Object(order)) = get_ci(params, "order") else {
        return;
    };
    let keys: Vec<(String, bool)> = order
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().is_some_and(|d| d.eq_ignore_ascii_case("desc")),
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        for (k, desc) in &keys {
            let o = compare(field_ci(a, k), field_ci(b, k));
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
}

/// `select` as names (`["ID", "TITLE"]`, or PHP's `{"0": "ID"}`); `None` when absent.
fn select_of(params: &Map<String, Value>) -> Option<Vec<String>> {
    let names = |it: &mut dyn Iterator<Item = &Value>| {
        it.filter_map(|v| v.as_str().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    match get_ci(params, "select")? {
        Value::Array(s) => Some(names(&mut s.iter())),
        Value::Object(s) => Some(names(&mut s.values())),
        _ => None,
    }
}

/// A REST 3 list page: rows matching every `filter` condition, in `order`, from
/// `pagination` (`page` from 1, `limit` default 50 and at most 1000, `offset`), with the
/// `select`ed fields (only the id without `select`, as the list pages say).
fn list_v3(
    table: &Table,
    t: &Template,
    params: &Map<String, Value>,
) -> Result<Vec<Value>, ApiError> {
    let filter = match get_ci(params, "filter") {
        Some(Value::Array(conds)) => conds
            .iter()
            .map(Cond3::parse)
            .collect::<Result<Vec<_>, _>>()?,
        Some(Value::Null) | None => Vec::new(),
        Some(_) => {
            return Err(ApiError::v3(
                "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
                "`filter` is a list of conditions".into(),
                Some(vec![("filter".into(), "Expected an array".into())]),
            ))
        }
    };
    let mut rows: Vec<&Map<String, Value>> = table
        .rows
        .values()
        .filter(|r| filter.iter().all(|c| c.holds(r)))
        .collect();
    sort(&mut rows, params);
    let pagination = match get_ci(params, "pagination") {
        Some(Value::Object(p)) => p.clone(),
        _ => Map::new(),
    };
    let int = |k: &str| get_ci(&pagination, k).and_then(as_i64);
    let limit = int("limit").unwrap_or(PAGE as i64).clamp(1, 1000) as usize;
    let page = int("page").unwrap_or(1).max(1) as usize;
    let offset = int("offset").unwrap_or(0).max(0) as usize;
    let select = select_of(params).unwrap_or_default();
    Ok(rows
        .into_iter()
        .skip((page - 1) * limit + offset)
        .take(limit)
        .map(|r| Value::Object(project_v3(r, &select, &t.id_key)))
        .collect())
}

/// REST 3 `select`: the named fields and the id; `responsible.name` takes `name` of the
/// row's `responsible` object; `*` all fields.
fn project_v3(row: &Map<String, Value>, select: &[String], id_key: &str) -> Map<String, Value> {
    if select.iter().any(|s| s == "*") {
        return row.clone();
    }
    let mut out = Map::new();
    if let Some(id) = row.get(id_key) {
        out.insert(id_key.to_owned(), id.clone());
    }
    for s in select {
        match s.split_once('.') {
            None => {
                if let Some((k, v)) = row.iter().find(|(k, _)| k.eq_ignore_ascii_case(s)) {
                    out.insert(k.clone(), v.clone());
                }
            }
            Some((head, rest)) => {
                let Some(Value::Object(inner)) = field_ci(row, head) else {
                    continue;
                };
                let picked = project_v3(inner, &[rest.to_owned()], "");
                let slot = out
                    .entry(head.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(o) = slot {
                    o.extend(picked);
                }
            }
        }
    }
    out
}

/// One REST 3 `filter` element: `["status", "=", "NEW"]`, `["id", [1, 2]]` (`in`),
/// `["date", "between", [a, b]]`, or `{"logic": "or", "conditions": [...]}`.
enum Cond3 {
    Test {
        field: String,
        op: &'static str,
        value: Value,
    },
    Group {
        or: bool,
        conditions: Vec<Cond3>,
    },
}

impl Cond3 {
    fn parse(v: &Value) -> Result<Cond3, ApiError> {
        const OPS: [&str; 8] = ["=", "!=", ">", ">=", "<", "<=", "in", "between"];
        let invalid = |why: String| {
            ApiError::v3(
                "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
                why.clone(),
                Some(vec![("filter".into(), why)]),
            )
        };
        match v {
            Value::Array(a) => {
                let field = a
                    .first()
                    .and_then(Value::as_str)
                    .ok_or_else(|| invalid(format!("A condition starts with a field: {v}")))?
                    .to_owned();
                let (op, value) = match a.as_slice() {
                    [_, value] if value.is_array() => ("in", value.clone()),
                    [_, value] => ("=", value.clone()),
                    [_, Value::String(op), value] => {
                        let op = OPS
                            .into_iter()
                            .find(|o| o.eq_ignore_ascii_case(op))
                            .ok_or_else(|| {
                                ApiError::v3(
                                    "BITRIX_REST_V3_EXCEPTION_UNKNOWNFILTEROPERATOREXCEPTION",
                                    format!("Unknown filter operator `{op}`"),
                                    None,
                                )
                            })?;
                        (op, value.clone())
                    }
                    _ => return Err(invalid(format!("A condition has 2 or 3 elements: {v}"))),
                };
                Ok(Cond3::Test { field, op, value })
            }
            Value::Object(o) => {
                let or = get_ci(o, "logic")
                    .and_then(Value::as_str)
                    .is_some_and(|l| l.eq_ignore_ascii_case("or"));
                let conditions = match get_ci(o, "conditions") {
                    Some(Value::Array(c)) => {
                        c.iter().map(Cond3::parse).collect::<Result<_, _>>()?
                    }
                    _ => return Err(invalid(format!("A group has `conditions`: {v}"))),
                };
                Ok(Cond3::Group { or, conditions })
            }
            _ => Err(invalid(format!("Not a condition: {v}"))),
        }
    }

    fn holds(&self, row: &Map<String, Value>) -> bool {
        match self {
            Cond3::Group {
                or: true,
                conditions,
            } => conditions.iter().any(|c| c.holds(row)),
            Cond3::Group {
                or: false,
                conditions,
            } => conditions.iter().all(|c| c.holds(row)),
            Cond3::Test { field, op, value } => {
                let v = field_ci(row, field);
                let cmp = |x: &Value| compare(v, Some(x));
                match *op {
                    "=" => cmp(value) == Ordering::Equal,
                    "!=" => cmp(value) != Ordering::Equal,
                    ">" => v.is_some() && cmp(value) == Ordering::Greater,
                    ">=" => v.is_some() && cmp(value) != Ordering::Less,
                    "<" => v.is_some() && cmp(value) == Ordering::Less,
                    "<=" => v.is_some() && cmp(value) != Ordering::Greater,
                    "in" => value
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| cmp(x) == Ordering::Equal)),
                    "between" => match value.as_array().map(Vec::as_slice) {
                        Some([lo, hi]) => {
                            v.is_some() && cmp(lo) != Ordering::Less && cmp(hi) != Ordering::Greater
                        }
                        _ => false,
                    },
                    _ => false,
                }
            }
        }
    }
}

/// The selected fields of `row`, as `crm.deal.list` describes `select`: `*` all fields but
/// the user fields, `UF_*` the user fields (but multiple ones), a name that field; no
/// `select` is `*` + `UF_*`. The id always. Declared user fields the row has no value for
/// are there empty (`null`, `[]` when multiple).
fn project(
    row: &Map<String, Value>,
    select: &[String],
    id_key: &str,
    declared: &[Declared],
) -> Map<String, Value> {
    let mut full = row.clone();
    for d in declared {
        full.entry(d.name.clone()).or_insert_with(|| d.empty());
    }
    let default = ["*".to_owned(), "UF_*".to_owned()];
    let select = if select.is_empty() {
        &default[..]
    } else {
        select
    };
    let multiple = |k: &str| declared.iter().any(|d| d.multiple && d.name == k);
    full.into_iter()
        .filter(|(k, _)| {
            let uf = k.to_ascii_uppercase().starts_with("UF_");
            k.as_str() == id_key
                || select.iter().any(|s| {
                    if s == "*" {
                        return !uf;
                    }
                    s.eq_ignore_ascii_case(k)
                        || s.strip_suffix('*').is_some_and(|p| {
                            k.to_ascii_uppercase().starts_with(&p.to_ascii_uppercase())
                                && !(uf && multiple(k))
                        })
                })
        })
        .collect()
}

/// One `filter` entry: `>=OPPORTUNITY: 100`, `!STAGE_ID: "WON"`, `%TITLE: "deal"`, `@ID: [1, 2]`.
struct Cond {
    op: &'static str,
    field: String,
    value: Value,
}

impl Cond {
    fn parse(key: &str, value: &Value) -> Cond {
        const OPS: [&str; 11] = [">=", "<=", "!=", "!%", "!@", ">", "<", "=", "!", "%", "@"];
        let op = OPS.into_iter().find(|o| key.starts_with(o)).unwrap_or("=");
        let field = key.strip_prefix(op).unwrap_or(key).to_owned();
        Cond {
            op,
            field,
            value: value.clone(),
        }
    }

    fn holds(&self, row: &Map<String, Value>) -> bool {
        let v = field_ci(row, &self.field);
        let eq = || match &self.value {
            Value::Array(a) => a.iter().any(|x| compare(v, Some(x)) == Ordering::Equal),
            x => compare(v, Some(x)) == Ordering::Equal,
        };
        let like = || {
            let needle = text(Some(&self.value)).to_lowercase();
            text(v).to_lowercase().contains(&needle)
        };
        match self.op {
            "=" | "@" => eq(),
            "!" | "!=" | "!@" => !eq(),
            "%" => like(),
            "!%" => !like(),
            ">" => v.is_some() && compare(v, Some(&self.value)) == Ordering::Greater,
            "<" => v.is_some() && compare(v, Some(&self.value)) == Ordering::Less,
            ">=" => v.is_some() && compare(v, Some(&self.value)) != Ordering::Less,
            "<=" => v.is_some() && compare(v, Some(&self.value)) != Ordering::Greater,
            _ => false,
        }
    }
}

fn field_ci<'a>(row: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    row.get(key).or_else(|| {
        row.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

pub(crate) fn get_ci<'a>(params: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    field_ci(params, key)
}

fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn scalar_text(v: &Value) -> String {
    text(Some(v))
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Numbers (also in strings) by value, everything else by its text; absent is smallest.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => text(a).cmp(&text(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn filter_prefixes() {
        let row = obj(
            json!({"ID": "5", "OPPORTUNITY": "100.00", "STAGE_ID": "NEW", "TITLE": "Big deal"}),
        );
        let holds = |k: &str, v: Value| Cond::parse(k, &v).holds(&row);
        assert!(holds("ID", json!(5)));
        assert!(holds(">=OPPORTUNITY", json!(100)));
        assert!(!holds(">OPPORTUNITY", json!(100)));
        assert!(holds("<OPPORTUNITY", json!("100.5")));
        assert!(holds("!STAGE_ID", json!("WON")));
        assert!(holds("@STAGE_ID", json!(["WON", "NEW"])));
        assert!(holds("%TITLE", json!("big")));
        assert!(holds("stage_id", json!("NEW")));
        assert!(!holds("<=ID", json!(4)));
    }

    #[test]
    fn select_keeps_the_id() {
        let row = obj(json!({"ID": "5", "TITLE": "t", "UF_CRM_1": 1, "X": 2}));
        let sel = vec!["TITLE".to_owned(), "UF_*".to_owned()];
        assert_eq!(
            Value::Object(project(&row, &sel, "ID", &[])),
            json!({"ID": "5", "TITLE": "t", "UF_CRM_1": 1})
        );
    }
}
