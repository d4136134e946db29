//! The Rust plan: names and types for every IR item, decided once, before any code is emitted.
//!
//! The plan borrows the IR and adds what Rust needs (crate, module path, identifiers, Rust types);
//! the IR itself stays language-neutral.
//!
//! # Where a method goes
//!
//! Every method lives in one scope crate (`<crate>-<scope>`, Cargo feature `<scope>` of the
//! facade, re-exported as `<crate>::<scope>`). The scope is the method's first documented scope,
//! preferring the one its name starts with (`placement, crm` for `crm.…` → `crm`); methods the
//! docs give no scope go to `unscoped`. Inside the crate the module path is the method name with
//! the scope's name stripped from its front, one module per dot-separated segment in snake case:
//! `im.dialog.read` (scope `im`) → `bitrix24::im::dialog::read`, `tasks.task.add` (scope `task`)
//! → `bitrix24::task::tasks::task::add`. The method's module holds the method type (the name in
//! CamelCase, `ImDialogRead`), `Params`, `Output` and `Error`, plus nested types. A name the
//! docs give twice in one scope (a REST 2 and a REST 3 page of `tasks.task.add`) keeps the first
//! path; the second gets `_v<rest version>` on its last segment (`add_v3`, `TasksTaskAddV3`).

use std::collections::BTreeMap;

use super::naming::{self, Namespace, Style, RESERVED_TYPES};
use super::policy::ReadOnlyPolicy;
use super::types::{param_scalar_ty, scalar_ty, Ty};
use super::unions::{self, Decision, Form, Shape};
use crate::ir::{EnumValue, ErrorCode, Event, Field, Ir, Kind, Lang, Method, Type};

/// Options that change names.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Package name of the facade crate (`bitrix24`); the others are `<name>-<scope>`,
    /// `<name>-events`.
    pub crate_name: String,
    pub lang: Lang,
}

/// The pseudo-scope of methods whose docs name no scope.
pub const UNSCOPED: &str = "unscoped";

/// Names a scope crate cannot take (facade items, Cargo's reserved features, the other crates).
/// The events crate's module of the types several payloads share (see `emit::shared`).
pub const SHARED_MODULE: &str = "shared";

const RESERVED_SCOPES: &[&str] = &[
    "core", "events", "full", "default", "runtime", "types", "std", "alloc",
];

/// Which way a struct crosses the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Sent: `Serialize`, exact types, builder.
    Params,
    /// Received: `Deserialize`, every field optional and lenient.
    Result,
}

impl Dir {
    /// `params` or `received` (results and event payloads), as `report` words it.
    pub fn word(self) -> &'static str {
        match self {
            Dir::Params => "params",
            Dir::Result => "received",
        }
    }
}

/// Names of one generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateNames {
    /// Cargo package name (`bitrix24-im`).
    pub package: String,
    /// Library name as Rust code spells it (`bitrix24_im`).
    pub lib: String,
    /// Directory relative to the output root (`scopes/im`).
    pub dir: String,
}

impl CrateNames {
    fn new(package: String, dir: String) -> Self {
        CrateNames {
            lib: package.replace('-', "_"),
            package,
            dir,
        }
    }
}

/// Counts for `report`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub methods: usize,
    pub events: usize,
    pub scope_crates: usize,
    pub structs: usize,
    pub enums: usize,
    pub fields: usize,
    /// Objects the docs leave without fields (kept as `serde_json::Value` / `wire::Object`),
    /// counted over params, results and payloads, including undocumented results.
    pub unstructured_objects: usize,
    /// Other values typed `serde_json::Value` (`any`, files, unknown refs, mixed unions).
    pub untyped_values: usize,
    /// Placeholder rows (`UF_CRM_...`, `<field_code>`) that are not fields.
    pub placeholder_fields: usize,
    pub deprecated_methods: usize,
    /// Unions without a common Rust type, by what they became (`params enum integer|string`,
    /// `received single string`, `params value`; see [`unions`]).
    pub unions: BTreeMap<String, usize>,
    /// The untyped spots (`unstructured_objects` + `untyped_values`) by cause
    /// (`params open map (filter, order)`, `received object without fields`…).
    pub untyped: BTreeMap<String, usize>,
}

impl Stats {
    /// Counts one untyped spot: an unstructured object or another untyped value.
    fn untyped(&mut self, object: bool, cause: impl Into<String>) {
        if object {
            self.unstructured_objects += 1;
        } else {
            self.untyped_values += 1;
        }
        *self.untyped.entry(cause.into()).or_default() += 1;
    }

    /// Unions emitted as enums / kept as `serde_json::Value`, params and received.
    pub fn union_totals(&self) -> [(&'static str, usize, usize); 2] {
        let sum = |dir: &str, what: &str| {
            self.unions
                .iter()
                .filter(|(k, _)| k.starts_with(&format!("{dir} {what}")))
                .map(|(_, n)| n)
                .sum()
        };
        [
            ("params", sum("params", "enum"), sum("params", "value")),
            (
                "received",
                sum("received", "enum"),
                sum("received", "value"),
            ),
        ]
    }
}

/// The whole plan.
#[derive(Debug)]
pub struct Plan<'a> {
    pub ir: &'a Ir,
    pub options: PlanOptions,
    pub facade: CrateNames,
    pub events_crate: CrateNames,
    /// Sorted by feature name.
    pub scopes: Vec<ScopePlan<'a>>,
    pub events: Vec<EventPlan<'a>>,
    pub stats: Stats,
}

#[derive(Debug)]
pub struct ScopePlan<'a> {
    /// Scope as the docs write it (`sign.b2e`).
    pub scope: String,
    /// Feature and module name (`sign_b2e`); never a raw identifier.
    pub feature: String,
    pub names: CrateNames,
    /// The crate root; its `ident` is unused.
    pub root: ModPlan<'a>,
    pub method_count: usize,
}

/// A module: an intermediate one, a method's, or both.
#[derive(Debug)]
pub struct ModPlan<'a> {
    pub ident: String,
    /// The method-name segment it stands for.
    pub segment: String,
    pub method: Option<MethodPlan<'a>>,
    /// Sorted by segment.
    pub children: Vec<ModPlan<'a>>,
}

#[derive(Debug)]
pub struct MethodPlan<'a> {
    pub ir: &'a Method,
    /// The zero-sized method type (`ImDialogRead`).
    pub type_name: String,
    pub read_only: bool,
    pub types: TypesPlan<'a>,
    pub output: OutputPlan,
    /// The method's own error codes (system-wide ones are the runtime's `SystemError`).
    pub errors: Vec<VariantPlan<'a>>,
}

/// The Rust type of `result`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputPlan {
    /// `pub struct Output` (among the types), or `pub enum Output` for a union result (among
    /// the unions).
    Struct,
    /// `pub type Output = …`.
    Alias(Ty),
}

/// Structs and enums of one module, params first, in document order.
#[derive(Debug, Default)]
pub struct TypesPlan<'a> {
    pub structs: Vec<StructPlan<'a>>,
    pub enums: Vec<EnumPlan<'a>>,
    pub unions: Vec<UnionPlan<'a>>,
}

#[derive(Debug)]
pub struct StructPlan<'a> {
    pub name: String,
    pub dir: Dir,
    /// The field this struct types (`None` for `Params`, `Output`, `Payload`).
    pub origin: Option<&'a Field>,
    pub fields: Vec<FieldPlan<'a>>,
    /// Placeholder rows; in params they become the flattened `extra` map.
    pub placeholders: Vec<&'a Field>,
    /// Where another page defines it (`crm/deals/crm-deal-get.md#deal`), with the type's token.
    pub link: Option<(&'a str, &'a str)>,
    /// The untyped spots of its fields, by cause (see [`Stats::untyped`]): what sharing the
    /// struct saves from the counts.
    pub untyped: Vec<(bool, String)>,
}

impl StructPlan<'_> {
    /// Params structs with placeholder rows carry an `extra` map for the keys they stand for.
    pub fn has_extra(&self) -> bool {
        self.dir == Dir::Params && !self.placeholders.is_empty()
    }
    pub fn has_required(&self) -> bool {
        self.fields.iter().any(|f| f.required)
    }
}

#[derive(Debug)]
pub struct FieldPlan<'a> {
    pub ir: &'a Field,
    pub ident: String,
    pub ty: Ty,
    /// Required in params (a plain field set by `new`); results are always optional.
    pub required: bool,
}

#[derive(Debug)]
pub struct EnumPlan<'a> {
    pub name: String,
    pub origin: &'a Field,
    /// (variant ident, value), values deduplicated.
    pub variants: Vec<(String, &'a EnumValue)>,
}

/// A union enum (see [`unions`]): one variant per wire form, then `Other(serde_json::Value)`.
#[derive(Debug)]
pub struct UnionPlan<'a> {
    pub name: String,
    pub dir: Dir,
    /// The field it types (`None` for a union `result`).
    pub origin: Option<&'a Field>,
    /// The type as the docs write it (`integer | integer[]`).
    pub doc: &'a str,
    pub variants: Vec<UnionVariantPlan>,
}

#[derive(Debug)]
pub struct UnionVariantPlan {
    pub ident: String,
    pub form: Form,
    /// The variant's type (a `Vec` for the array form).
    pub ty: Ty,
    /// The alternatives it stands for, as written.
    pub doc: String,
}

/// One error-enum variant: a code and every documented row for it.
#[derive(Debug)]
pub struct VariantPlan<'a> {
    pub ident: String,
    pub code: &'a str,
    pub docs: Vec<&'a ErrorCode>,
}

#[derive(Debug)]
pub struct EventPlan<'a> {
    pub ir: &'a Event,
    /// Variant of the `Event` enum (`OnCrmDealAdd`).
    pub variant: String,
    /// Module of the events crate (`on_crm_deal_add`).
    pub module: String,
    /// Upper-case name the dispatcher matches; `None` when an earlier event has the same one.
    pub match_name: Option<String>,
    pub types: TypesPlan<'a>,
}

/// Builds the plan. Never fails: every name the docs can hold maps to some identifier.
pub fn plan<'a>(ir: &'a Ir, options: &PlanOptions) -> Plan<'a> {
    let policy = ReadOnlyPolicy;
    let base = options.crate_name.clone();
    let mut stats = Stats::default();

    // Methods per scope, then a module tree per scope.
    let mut by_scope: BTreeMap<String, Vec<&'a Method>> = BTreeMap::new();
    for m in &ir.methods {
        by_scope.entry(home_scope(m)).or_default().push(m);
    }
    let mut feature_ns = Namespace::with_reserved(Style::Snake, RESERVED_SCOPES);
    let mut scopes = Vec::new();
    for (scope, methods) in by_scope {
        let feature = feature_ns.claim(&crate_word(&scope));
        let names = CrateNames::new(
            format!("{base}-{}", feature.replace('_', "-")),
            format!("scopes/{feature}"),
        );
        let mut trie = Trie::default();
        let mut used = std::collections::BTreeSet::new();
        for m in &methods {
            // The same name twice in one scope (a REST 2 and a REST 3 page of `tasks.task.add`):
            // the later one's last segment gets `_v<rest version>` (then `_2`, `_3`…).
            let mut path = module_path(&scope, &m.name);
            let mut suffix = None;
            if used.contains(&path) {
                let last = path.pop().unwrap_or_default();
                let mut n = 1;
                loop {
                    let s = if n == 1 {
                        format!("v{}", m.rest_version)
                    } else {
                        n.to_string()
                    };
                    let mut candidate = path.clone();
                    candidate.push(format!("{last}_{s}"));
                    if !used.contains(&candidate) {
                        path = candidate;
                        suffix = Some(s);
                        break;
                    }
                    n += 1;
                }
            }
            used.insert(path.clone());
            trie.insert(&path, m, suffix);
        }
        let root = trie.into_plan(String::new(), String::new(), &policy, &mut stats);
        stats.scope_crates += 1;
        scopes.push(ScopePlan {
            scope,
            feature,
            names,
            root,
            method_count: methods.len(),
        });
    }
    scopes.sort_by(|a, b| a.feature.cmp(&b.feature));

    // Events.
    let mut variant_ns = Namespace::with_reserved(Style::Camel, &["Unknown"]);
    let mut module_ns = Namespace::with_reserved(Style::Snake, &["lib", "main", SHARED_MODULE]);
    let mut seen_upper = std::collections::BTreeSet::new();
    let mut events = Vec::new();
    for e in &ir.events {
        let variant = variant_ns.claim(&naming::camel(&e.name, "Event", "On"));
        let module = module_ns.claim(&naming::snake(&e.name, "event"));
        let upper = e.name.to_ascii_uppercase();
        let match_name = seen_upper.insert(upper.clone()).then_some(upper);
        let mut b = TypesBuilder::new(Dir::Result, &[]);
        b.root_struct("Payload", None, &e.payload, &mut stats);
        stats.events += 1;
        events.push(EventPlan {
            ir: e,
            variant,
            module,
            match_name,
            types: b.finish(),
        });
    }

    Plan {
        ir,
        options: options.clone(),
        facade: CrateNames::new(base.clone(), String::new()),
        events_crate: CrateNames::new(format!("{base}-events"), "events".into()),
        scopes,
        events,
        stats,
    }
}

/// A plain word usable as feature, module and crate-name part (`sign.b2e` → `sign_b2e`).
fn crate_word(scope: &str) -> String {
    let s = naming::snake(scope, UNSCOPED);
    naming::unraw(&s).trim_end_matches('_').to_owned()
}

/// A scope token that is a real scope (not prose such as "depending on the placement").
fn is_scope_token(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// The scope crate a method lives in (see the module docs).
pub fn home_scope(m: &Method) -> String {
    let real: Vec<&String> = m.scopes.iter().filter(|s| is_scope_token(s)).collect();
    let lower = m.name.to_ascii_lowercase();
    if let Some(s) = real
        .iter()
        .filter(|s| {
            let s = s.to_ascii_lowercase();
            lower == s || lower.starts_with(&format!("{s}."))
        })
        .max_by_key(|s| s.len())
    {
        return (*s).clone();
    }
    real.iter()
        .find(|s| s.as_str() != "placement")
        .or(real.first())
        .map(|s| (*s).clone())
        .unwrap_or_else(|| UNSCOPED.to_owned())
}

/// Method-name segments below the scope crate's root.
pub fn module_path(scope: &str, method: &str) -> Vec<String> {
    let segs: Vec<String> = method
        .split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let scope_segs: Vec<&str> = scope.split('.').collect();
    let strip = segs.len() > scope_segs.len()
        && segs
            .iter()
            .zip(&scope_segs)
            .all(|(a, b)| a.eq_ignore_ascii_case(b));
    if strip {
        segs[scope_segs.len()..].to_vec()
    } else if segs.is_empty() {
        vec![method.to_owned()]
    } else {
        segs
    }
}

/// Module tree under construction, keyed by segment (sorted, so idents are stable).
#[derive(Default)]
struct Trie<'a> {
    /// The method and the suffix its type name takes when its name is not unique.
    method: Option<(&'a Method, Option<String>)>,
    children: BTreeMap<String, Trie<'a>>,
}

impl<'a> Trie<'a> {
    fn insert(&mut self, path: &[String], m: &'a Method, suffix: Option<String>) {
        match path.split_first() {
            // Paths are unique (the caller suffixes repeats).
            None => self.method = Some((m, suffix)),
            Some((first, rest)) => self
                .children
                .entry(first.clone())
                .or_default()
                .insert(rest, m, suffix),
        }
    }

    fn into_plan(
        self,
        ident: String,
        segment: String,
        policy: &ReadOnlyPolicy,
        stats: &mut Stats,
    ) -> ModPlan<'a> {
        let method = self
            .method
            .map(|(m, suffix)| plan_method(m, suffix.as_deref(), policy, stats));
        // `lib`/`main` would collide with the crate root file at the top level.
        // (`shared` holds the types several modules share, see `emit::shared`).
        let mut child_ns = Namespace::with_reserved(Style::Snake, &["lib", "main", SHARED_MODULE]);
        let children = self
            .children
            .into_iter()
            .map(|(seg, t)| {
                let id = child_ns.claim(&naming::snake(&seg, "method"));
                t.into_plan(id, seg, policy, stats)
            })
            .collect();
        ModPlan {
            ident,
            segment,
            method,
            children,
        }
    }
}

/// A `result` typed as a reference ([`result_ref`]), counted when it stays unstructured.
fn root_ref(name: &str, stats: &mut Stats) -> Ty {
    let ty = super::types::result_ref(name);
    if ty == Ty::Value {
        stats.untyped(false, "received named type with no definition");
    }
    ty
}

fn plan_method<'a>(
    m: &'a Method,
    suffix: Option<&str>,
    policy: &ReadOnlyPolicy,
    stats: &mut Stats,
) -> MethodPlan<'a> {
    let type_name = {
        let full = match suffix {
            Some(s) => format!("{}.{s}", m.name),
            None => m.name.clone(),
        };
        let n = naming::camel(&full, "Method", "M");
        if RESERVED_TYPES.contains(&n.as_str())
            || ["Params", "Output", "Error", "Item"].contains(&n.as_str())
        {
            format!("{n}Method")
        } else {
            n
        }
    };
    let mut b = TypesBuilder::new(
        Dir::Params,
        &[&type_name, "Params", "Output", "Error", "Item"],
    );
    b.root_struct("Params", None, &m.params, stats);
    b.dir = Dir::Result;
    let output = match &m.result {
        None => {
            stats.untyped(true, "received result not documented");
            OutputPlan::Alias(Ty::Value)
        }
        Some(t) => match &t.kind {
            Kind::Object { fields } if fields.iter().any(|f| !naming::is_placeholder_field(f)) => {
                b.root_struct("Output", None, fields, stats);
                OutputPlan::Struct
            }
            Kind::Array { item } => OutputPlan::Alias(Ty::Vec(Box::new(b.item_ty(item, stats)))),
            Kind::Ref { name } => OutputPlan::Alias(root_ref(name, stats)),
            Kind::Union { variants } if scalar_ty(t) == Some(Ty::Value) => {
                match b.union(None, "Output", Some("Output"), t, variants, stats) {
                    Ty::Union(_) => OutputPlan::Struct,
                    other => OutputPlan::Alias(other),
                }
            }
            _ => OutputPlan::Alias(b.ty(None, "Output", t, stats)),
        },
    };

    let mut err_ns = Namespace::with_reserved(Style::Camel, &["Other", "System", "Self"]);
    let mut errors: Vec<VariantPlan<'a>> = Vec::new();
    for e in m.errors.iter().filter(|e| !e.system) {
        if let Some(v) = errors.iter_mut().find(|v| v.code == e.code) {
            v.docs.push(e);
            continue;
        }
        errors.push(VariantPlan {
            ident: err_ns.claim(&naming::camel(&e.code, "Empty", "Code")),
            code: &e.code,
            docs: vec![e],
        });
    }
    stats.methods += 1;
    if m.deprecated {
        stats.deprecated_methods += 1;
    }
    MethodPlan {
        ir: m,
        type_name,
        read_only: policy.is_read_only(&m.name),
        types: b.finish(),
        output,
        errors,
    }
}

/// Builds the structs and enums of one module.
struct TypesBuilder<'a> {
    dir: Dir,
    names: Namespace,
    out: TypesPlan<'a>,
    /// The structs being built, innermost last.
    building: Vec<usize>,
}

impl<'a> TypesBuilder<'a> {
    /// Counts an untyped spot, in `stats` and on the struct being built.
    fn untyped(&mut self, stats: &mut Stats, object: bool, cause: String) {
        if let Some(&i) = self.building.last() {
            self.out.structs[i].untyped.push((object, cause.clone()));
        }
        stats.untyped(object, cause);
    }

    fn new(dir: Dir, reserved: &[&str]) -> Self {
        let mut names = Namespace::with_reserved(Style::Camel, RESERVED_TYPES);
        for r in reserved {
            names.claim(r);
        }
        TypesBuilder {
            dir,
            names,
            out: TypesPlan::default(),
            building: Vec::new(),
        }
    }

    fn finish(self) -> TypesPlan<'a> {
        self.out
    }

    /// A struct whose name is already reserved (`Params`, `Output`, `Payload`).
    fn root_struct(
        &mut self,
        name: &str,
        origin: Option<&'a Field>,
        fields: &'a [Field],
        stats: &mut Stats,
    ) {
        if !self.names.is_used(name) {
            self.names.claim(name);
        }
        self.build_struct(name.to_owned(), origin, fields, stats);
    }

    fn build_struct(
        &mut self,
        name: String,
        origin: Option<&'a Field>,
        fields: &'a [Field],
        stats: &mut Stats,
    ) {
        // Reserve the slot first so nested types come after their parent.
        let index = self.out.structs.len();
        self.out.structs.push(StructPlan {
            name: name.clone(),
            dir: self.dir,
            origin,
            fields: Vec::new(),
            placeholders: Vec::new(),
            link: None,
            untyped: Vec::new(),
        });
        // Params fields name their setters: keep clear of the constructor, the `extra` map and
        // the methods of the derived traits.
        let reserved: &[&str] = match self.dir {
            Dir::Params => &[
                "new",
                "extra",
                "clone",
                "clone_from",
                "default",
                "fmt",
                "serialize",
            ],
            // `extra` holds the keys that are not fields.
            Dir::Result => &["extra"],
        };
        let mut field_ns = Namespace::with_reserved(Style::Snake, reserved);
        let mut planned = Vec::new();
        let mut placeholders = Vec::new();
        for f in fields {
            if naming::is_placeholder_field(f) {
                stats.placeholder_fields += 1;
                placeholders.push(f);
                continue;
            }
            if planned.iter().any(|p: &FieldPlan| p.ir.name == f.name) {
                // The same wire key twice (an EN/RU merge leftover): one field.
                continue;
            }
            let ident = field_ns.claim(&naming::snake(&f.name, "field"));
            self.building.push(index);
            let ty = self.ty(Some(f), &name, &f.ty, stats);
            self.building.pop();
            stats.fields += 1;
            planned.push(FieldPlan {
                ir: f,
                ident,
                ty,
                required: self.dir == Dir::Params && f.required,
            });
        }
        stats.structs += 1;
        let s = &mut self.out.structs[index];
        s.fields = planned;
        s.placeholders = placeholders;
    }

    /// The name of a struct another page defines (`deal` of `crm-deal-get.md#deal` → `Deal`,
    /// `item` of `crm/universal/object-fields.md` → `CrmItem` where `Item` is taken): the same
    /// in every module that links to it, so the scope crate's shared module can hold it once.
    fn linked_name(&mut self, ty: &Type) -> Option<String> {
        let link = ty.link.as_deref()?;
        let token = ty.doc.trim().trim_end_matches("[]").trim();
        let generic = matches!(
            token.to_ascii_lowercase().as_str(),
            "" | "object" | "array" | "any" | "mixed" | "json"
        );
        if generic || token.contains([' ', '|', '.']) {
            return None;
        }
        let base = naming::camel(token, "Field", "N");
        let base = naming::unraw(&base).trim_end_matches('_').to_owned();
        if !self.names.is_used(&base) {
            return Some(self.names.claim(&base));
        }
        let scope = link.split('/').next().unwrap_or("");
        let scoped = format!("{}{base}", naming::camel(scope, "", "N"));
        (!self.names.is_used(&scoped)).then(|| self.names.claim(&scoped))
    }

    /// A fresh type name for the type of `field` inside `parent`.
    fn type_name(&mut self, parent: &str, field: &str) -> String {
        let base = naming::camel(field, "Field", "N");
        let base = naming::unraw(&base).trim_end_matches('_').to_owned();
        if !self.names.is_used(&base) {
            self.names.claim(&base)
        } else {
            self.names.claim(&format!("{parent}{base}"))
        }
    }

    /// The element type of a root array result (`Item` for objects).
    fn item_ty(&mut self, item: &'a Type, stats: &mut Stats) -> Ty {
        match &item.kind {
            Kind::Object { fields } if fields.iter().any(|f| !naming::is_placeholder_field(f)) => {
                self.build_struct("Item".into(), None, fields, stats);
                Ty::Struct("Item".into())
            }
            Kind::Ref { name } => root_ref(name, stats),
            _ => self.ty(None, "Item", item, stats),
        }
    }

    /// The Rust type of `ty`, the type of `field` (if any) in struct `parent`.
    fn ty(
        &mut self,
        field: Option<&'a Field>,
        parent: &str,
        ty: &'a Type,
        stats: &mut Stats,
    ) -> Ty {
        let field_name = field.map(|f| f.name.as_str()).unwrap_or(parent);
        match &ty.kind {
            Kind::Object { fields } => {
                if fields.iter().any(|f| !naming::is_placeholder_field(f)) {
                    let linked = self.linked_name(ty);
                    let name = match &linked {
                        Some(n) => n.clone(),
                        None => self.type_name(parent, field_name),
                    };
                    let index = self.out.structs.len();
                    self.build_struct(name.clone(), field, fields, stats);
                    if let (Some(_), Some(link)) = (&linked, ty.link.as_deref()) {
                        self.out.structs[index].link = Some((link, ty.doc.trim_end_matches("[]")));
                    }
                    Ty::Struct(name)
                } else {
                    let cause = if fields.is_empty() {
                        match field_name.to_ascii_lowercase().as_str() {
                            "filter" | "order" | "sort" => "open map (filter, order)",
                            _ => "object without fields",
                        }
                    } else {
                        "object of pattern keys only (`UF_…`, `<field>`)"
                    };
                    self.untyped(stats, true, format!("{} {cause}", self.dir.word()));
                    stats.placeholder_fields += fields.len();
                    match self.dir {
                        Dir::Params => Ty::Object,
                        Dir::Result => Ty::Value,
                    }
                }
            }
            Kind::Array { item } => {
                let inner = self.ty(field, parent, item, stats);
                if self.dir == Dir::Result && matches!(inner, Ty::Vec(_)) {
                    // Nested lists are rare and irregular on the wire: keep them raw.
                    self.untyped(stats, false, "received list of lists".to_owned());
                    Ty::Value
                } else {
                    Ty::Vec(Box::new(inner))
                }
            }
            Kind::Enum => match field {
                Some(f) => self.enum_ty(f, parent),
                None => Ty::Str,
            },
            Kind::Union { variants } if scalar_ty(ty) == Some(Ty::Value) => {
                self.union(field, parent, None, ty, variants, stats)
            }
            _ => {
                let t = match self.dir {
                    Dir::Params => param_scalar_ty(ty),
                    Dir::Result => scalar_ty(ty),
                }
                .unwrap_or(Ty::Value);
                if t == Ty::Value {
                    let cause = match &ty.kind {
                        Kind::Any if ty.doc.trim().is_empty() => "value without a type",
                        Kind::Any if ty.doc == "null" => "value the examples show only empty",
                        Kind::Any => "value typed `any`/`mixed`",
                        Kind::File => "file",
                        Kind::Ref { .. } => "named type with no definition",
                        _ => "other value",
                    };
                    self.untyped(stats, false, format!("{} {cause}", self.dir.word()));
                }
                t
            }
        }
    }

    /// A union without a common Rust type (see [`unions`]): an enum named `name` (else after
    /// the field), the type of its one form, or `serde_json::Value`.
    fn union(
        &mut self,
        field: Option<&'a Field>,
        parent: &str,
        name: Option<&str>,
        ty: &'a Type,
        variants: &'a [Type],
        stats: &mut Stats,
    ) -> Ty {
        let decision = unions::classify(variants);
        let dir = match self.dir {
            Dir::Params => "params",
            Dir::Result => "received",
        };
        *stats
            .unions
            .entry(format!("{dir} {}", unions::describe(&decision)))
            .or_default() += 1;
        match decision {
            Decision::Value => {
                self.untyped(stats, false, format!("{dir} union without a common form"));
                Ty::Value
            }
            Decision::Single(v) => self.variant_ty(field, parent, &v.shape, stats),
            Decision::Enum(vs) => {
                let name = match name {
                    Some(n) => n.to_owned(),
                    None => self.type_name(parent, field.map_or(parent, |f| f.name.as_str())),
                };
                let index = self.out.unions.len();
                self.out.unions.push(UnionPlan {
                    name: name.clone(),
                    dir: self.dir,
                    origin: field,
                    doc: &ty.doc,
                    variants: Vec::new(),
                });
                let planned = vs
                    .into_iter()
                    .map(|v| UnionVariantPlan {
                        ident: v.form.ident().to_owned(),
                        form: v.form,
                        ty: self.variant_ty(field, &name, &v.shape, stats),
                        doc: v.doc,
                    })
                    .collect();
                self.out.unions[index].variants = planned;
                Ty::Union(name)
            }
        }
    }

    /// The Rust type of a union variant (or of a union of one form) inside `parent`.
    fn variant_ty(
        &mut self,
        field: Option<&'a Field>,
        parent: &str,
        shape: &Shape<'a>,
        stats: &mut Stats,
    ) -> Ty {
        match shape {
            Shape::Scalar(t) => t.clone(),
            Shape::RawObject => {
                self.untyped(
                    stats,
                    true,
                    format!("{} union's object form", self.dir.word()),
                );
                Ty::Object
            }
            Shape::AnyList => {
                self.untyped(
                    stats,
                    false,
                    format!("{} union's list form", self.dir.word()),
                );
                Ty::Vec(Box::new(Ty::Value))
            }
            Shape::Fields(fields) => {
                let name = self.names.claim(&format!("{parent}Object"));
                self.build_struct(name.clone(), field, fields, stats);
                Ty::Struct(name)
            }
            Shape::List(item) => {
                let inner = match self.ty(field, parent, item, stats) {
                    // Nested lists are rare and irregular on the wire: keep them raw.
                    Ty::Vec(_) => Ty::Value,
                    t => t,
                };
                Ty::Vec(Box::new(inner))
            }
        }
    }

    fn enum_ty(&mut self, f: &'a Field, parent: &str) -> Ty {
        let mut values: Vec<&'a EnumValue> = Vec::new();
        for v in &f.values {
            if !values.iter().any(|x| x.value == v.value) {
                values.push(v);
            }
        }
        if values.is_empty() {
            return Ty::Str;
        }
        let mut set: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
        set.sort_unstable();
        if set == ["N", "Y"] {
            return Ty::YesNo;
        }
        let name = self.type_name(parent, &f.name);
        let mut ns = Namespace::with_reserved(Style::Camel, &["Unknown", "Self"]);
        let variants = values
            .into_iter()
            .map(|v| (ns.claim(&naming::camel(&v.value, "Empty", "V")), v))
            .collect();
        self.out.enums.push(EnumPlan {
            name: name.clone(),
            origin: f,
            variants,
        });
        Ty::Enum(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::test_field as field;
    use crate::ir::Text;

    fn method(name: &str, scopes: &[&str]) -> Method {
        Method {
            name: name.into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            rest_version: 2,
            ..Method::default()
        }
    }

    fn one_method(m: Method) -> Ir {
        Ir {
            schema: 1,
            methods: vec![m],
            ..Ir::default()
        }
    }

    /// The plan of the one method `a.b.c` of a plan.
    fn three_segment_method<'p, 'a>(p: &'p Plan<'a>) -> &'p MethodPlan<'a> {
        p.scopes[0].root.children[0].children[0]
            .method
            .as_ref()
            .expect("the method's module")
    }

    fn opts() -> PlanOptions {
        PlanOptions {
            crate_name: "bitrix24".into(),
            lang: Lang::En,
        }
    }

    #[test]
    fn home_scope_prefers_the_name_prefix() {
        assert_eq!(home_scope(&method("crm.deal.add", &["crm"])), "crm");
        assert_eq!(home_scope(&method("crm.x", &["crm", "placement"])), "crm");
        assert_eq!(
            home_scope(&method("placement.bind", &["crm", "placement"])),
            "placement"
        );
        assert_eq!(home_scope(&method("user.get", &["basic", "user"])), "user");
        assert_eq!(home_scope(&method("app.info", &["basic"])), "basic");
        assert_eq!(home_scope(&method("event.bind", &[])), UNSCOPED);
        assert_eq!(
            home_scope(&method("x.y", &["depending on the placement"])),
            UNSCOPED
        );
        assert_eq!(
            home_scope(&method("sign.b2e.doc.list", &["sign", "sign.b2e"])),
            "sign.b2e"
        );
    }

    #[test]
    fn module_path_strips_the_scope() {
        assert_eq!(module_path("im", "im.dialog.read"), ["dialog", "read"]);
        assert_eq!(
            module_path("task", "tasks.task.add"),
            ["tasks", "task", "add"]
        );
        assert_eq!(
            module_path("sign.b2e", "sign.b2e.doc.list"),
            ["doc", "list"]
        );
        assert_eq!(module_path("basic", "methods"), ["methods"]);
        assert_eq!(module_path("user", "user"), ["user"]);
    }

    #[test]
    fn modules_types_and_fields_never_clash() {
        let mut m = method("crm.type.add", &["crm"]);
        m.params = vec![
            field("ID", Kind::Integer, true),
            field("id", Kind::Integer, false),
            field("new", Kind::String, false),
            field("type", Kind::String, false),
            field("UF_CRM_...", Kind::String, false),
            field(
                "String",
                Kind::Object {
                    fields: vec![field("A", Kind::String, false)],
                },
                false,
            ),
            field(
                "params",
                Kind::Object {
                    fields: vec![field("B", Kind::String, false)],
                },
                false,
            ),
        ];
        let mut m2 = method("crm.Type.add", &["crm"]);
        m2.result = Some(Type::new("integer", Kind::Integer));
        let ir = Ir {
            schema: 1,
            methods: vec![m, m2],
            ..Ir::default()
        };
        let p = plan(&ir, &opts());
        assert_eq!(p.scopes.len(), 1);
        let root = &p.scopes[0].root;
        let idents: Vec<&str> = root.children.iter().map(|c| c.ident.as_str()).collect();
        // `Type` sorts before `type`; both become `type`.
        assert_eq!(idents, ["r#type", "type_2"]);
        let mp = root.children[1].children[0].method.as_ref().unwrap();
        assert_eq!(mp.type_name, "CrmTypeAdd");
        let params = &mp.types.structs[0];
        assert_eq!(params.name, "Params");
        let f: Vec<&str> = params.fields.iter().map(|f| f.ident.as_str()).collect();
        assert_eq!(f, ["id", "id_2", "new_2", "r#type", "string", "params"]);
        assert!(params.has_extra());
        assert!(params.fields[0].required);
        let names: Vec<&str> = mp.types.structs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Params", "ParamsString", "ParamsParams"]);
        assert_eq!(p.stats.placeholder_fields, 1);
    }

    #[test]
    fn results_are_optional_and_enums_get_unknown_safe_names() {
        let mut m = method("im.x.get", &["im"]);
        let mut status = field("STATUS", Kind::Enum, true);
        status.values = ["new", "1", "", "new", "Unknown"]
            .iter()
            .map(|v| EnumValue {
                value: v.to_string(),
                doc: Text::default(),
            })
            .collect();
        let mut yn = field("ACTIVE", Kind::Enum, false);
        yn.values = ["Y", "N"]
            .iter()
            .map(|v| EnumValue {
                value: v.to_string(),
                doc: Text::default(),
            })
            .collect();
        m.result = Some(Type::new(
            "object[]",
            Kind::Array {
                item: Box::new(Type::new(
                    "object",
                    Kind::Object {
                        fields: vec![status, yn],
                    },
                )),
            },
        ));
        let ir = one_method(m);
        let p = plan(&ir, &opts());
        let mp = three_segment_method(&p);
        assert!(mp.read_only);
        assert_eq!(
            mp.output,
            OutputPlan::Alias(Ty::Vec(Box::new(Ty::Struct("Item".into()))))
        );
        let item = &mp.types.structs[1];
        assert!(item.fields.iter().all(|f| !f.required));
        assert_eq!(item.fields[1].ty, Ty::YesNo);
        let e = &mp.types.enums[0];
        let v: Vec<&str> = e.variants.iter().map(|(i, _)| i.as_str()).collect();
        assert_eq!(v, ["New", "V1", "Empty", "Unknown2"]);
    }

    #[test]
    fn unions_become_enums_by_wire_form() {
        let int = Type::new("integer", Kind::Integer);
        let ints = Type::new(
            "integer[]",
            Kind::Array {
                item: Box::new(int.clone()),
            },
        );
        let union = |variants: Vec<Type>| Kind::Union { variants };
        let mut m = method("calendar.event.update", &["calendar"]);
        m.params = vec![field("ids", union(vec![int.clone(), ints]), true)];
        let object = Type::new(
            "object",
            Kind::Object {
                fields: vec![field("id", Kind::Integer, false)],
            },
        );
        m.result = Some(Type::new("integer | object", union(vec![int, object])));
        let ir = one_method(m);
        let p = plan(&ir, &opts());
        let mp = three_segment_method(&p);
        assert_eq!(mp.output, OutputPlan::Struct);
        type Planned<'p> = (&'p str, Dir, Vec<(&'p str, Ty)>);
        let unions: Vec<Planned> = mp
            .types
            .unions
            .iter()
            .map(|u| {
                let vs = u.variants.iter().map(|v| (v.ident.as_str(), v.ty.clone()));
                (u.name.as_str(), u.dir, vs.collect())
            })
            .collect();
        assert_eq!(
            unions,
            [
                (
                    "Ids",
                    Dir::Params,
                    vec![("Integer", Ty::I64), ("List", Ty::Vec(Box::new(Ty::I64)))]
                ),
                (
                    "Output",
                    Dir::Result,
                    vec![
                        ("Integer", Ty::I64),
                        ("Object", Ty::Struct("OutputObject".into()))
                    ]
                ),
            ]
        );
        assert_eq!(mp.types.structs[0].fields[0].ty, Ty::Union("Ids".into()));
        assert_eq!(p.stats.unions["params enum integer|array"], 1);
        assert_eq!(p.stats.unions["received enum integer|object"], 1);
        assert_eq!(p.stats.union_totals()[0], ("params", 1, 0));
    }

    #[test]
    fn a_name_used_twice_gets_a_version_suffix() {
        let mut v3 = method("tasks.task.add", &["task"]);
        v3.rest_version = 3;
        let ir = Ir {
            schema: 1,
            methods: vec![method("tasks.task.add", &["task"]), v3],
            ..Ir::default()
        };
        let p = plan(&ir, &opts());
        let task = &p.scopes[0].root.children[0].children[0];
        let leaves: Vec<(&str, &str, u8)> = task
            .children
            .iter()
            .map(|c| {
                let m = c.method.as_ref().unwrap();
                (c.ident.as_str(), m.type_name.as_str(), m.ir.rest_version)
            })
            .collect();
        assert_eq!(
            leaves,
            [("add", "TasksTaskAdd", 2), ("add_v3", "TasksTaskAddV3", 3)]
        );
        assert_eq!(p.stats.methods, 2);
    }

    #[test]
    fn events_get_unique_variants_and_match_names() {
        let ev = |n: &str| Event {
            name: n.into(),
            ..Event::default()
        };
        let ir = Ir {
            schema: 1,
            events: vec![
                ev("OnAppInstall"),
                ev("onAppInstall"),
                ev("ONIMBOTJOINCHAT"),
            ],
            ..Ir::default()
        };
        let p = plan(&ir, &opts());
        let v: Vec<(&str, &str, Option<&str>)> = p
            .events
            .iter()
            .map(|e| {
                (
                    e.variant.as_str(),
                    e.module.as_str(),
                    e.match_name.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            v,
            [
                ("OnAppInstall", "on_app_install", Some("ONAPPINSTALL")),
                ("OnAppInstall2", "on_app_install_2", None),
                (
                    "Onimbotjoinchat",
                    "onimbotjoinchat",
                    Some("ONIMBOTJOINCHAT")
                ),
            ]
        );
    }
}
