//! Crate-level files: manifests, crate roots and intermediate modules.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{self, DocTable};
use super::example;
use super::items::ident;
use super::method::headline;
use super::EmitOptions;
use crate::rust::plan::{CrateNames, ModPlan, Plan, ScopePlan};

/// Lints every generated crate root allows: style lints that generated names and docs trip
/// (`too_many_arguments` for `new` with many required params, `should_implement_trait` for a
/// setter named `add`, rustdoc lints on the docs' prose) and `deprecated`, which the crate's own
/// uses of deprecated methods would raise (users still see it).
pub fn lints() -> TokenStream {
    quote! {
        #![allow(deprecated)]
        #![allow(
            clippy::too_many_arguments,
            clippy::should_implement_trait,
            clippy::wrong_self_convention,
            clippy::module_inception,
            clippy::large_enum_variant,
            clippy::enum_variant_names,
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::tabs_in_doc_comments,
            clippy::empty_docs,
            clippy::too_long_first_doc_paragraph,
            clippy::match_single_binding,
            clippy::new_without_default
        )]
        #![allow(
            rustdoc::broken_intra_doc_links,
            reason = "the docs' prose writes `[value]` and `[text](page#anchor)` links rustdoc cannot resolve"
        )]
        #![allow(
            rustdoc::invalid_html_tags,
            reason = "the docs' prose writes placeholders as `<field_code>`, `<operator>`"
        )]
        #![allow(rustdoc::bare_urls, reason = "the docs' prose writes bare portal URLs")]
        #![allow(
            rustdoc::invalid_rust_codeblocks,
            rustdoc::invalid_codeblock_attributes,
            reason = "the docs' code samples are PHP, JS, cURL and JSON, fenced as `text`"
        )]
    }
}

/// The runtime's path as seen from a crate `depth` directories below the output root.
fn runtime_path(opts: &EmitOptions, depth: usize) -> String {
    let p = &opts.runtime_path;
    if p.starts_with('/') || depth == 0 {
        p.clone()
    } else {
        format!("{}{p}", "../".repeat(depth))
    }
}

fn depth(dir: &str) -> usize {
    dir.split('/').filter(|s| !s.is_empty()).count()
}

/// A TOML string value.
fn string(s: &str) -> toml::Value {
    toml::Value::String(s.to_owned())
}

fn strings<'s>(items: impl IntoIterator<Item = &'s str>) -> toml::Value {
    toml::Value::Array(items.into_iter().map(string).collect())
}

fn table<'k>(entries: impl IntoIterator<Item = (&'k str, toml::Value)>) -> toml::Value {
    toml::Value::Table(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// A path dependency (`{ path = "…" }`, optional when asked).
fn path_dep(path: &str, optional: bool) -> toml::Value {
    let mut t = vec![("path", string(path))];
    if optional {
        t.push(("optional", toml::Value::Boolean(true)));
    }
    table(t)
}

/// Prints a manifest behind the DO NOT EDIT header. The `toml` crate escapes every string and
/// keeps the tables in the order built (its `preserve_order` feature).
fn render(header: &str, manifest: toml::Table) -> String {
    let body = toml::to_string(&manifest).unwrap_or_else(|e| {
        // Only strings, booleans, arrays and tables are built above: always serializable.
        unreachable!("a generated manifest does not serialize: {e}")
    });
    format!("{header}{body}")
}

fn package(names: &CrateNames, description: &str) -> toml::Value {
    table([
        ("name", string(&names.package)),
        ("version", string("0.1.0")),
        ("edition", string("2021")),
        ("rust-version", string(RUST_VERSION)),
        ("description", string(description)),
        ("license", string("MIT")),
        ("publish", toml::Value::Boolean(false)),
    ])
}

/// The oldest Rust the generated crates build with (the runtime's `rust-version`).
pub const RUST_VERSION: &str = "1.85";

/// `[dependencies]` of a member crate: the runtime (its support module holds the macros and
/// decoding helpers the generated items use) and serde_json (for `Value`).
/// `[lints]` of every generated crate: the cfgs its code tests (`docsrs` for docs.rs, and
/// the conformance suite's).
fn cfg_lints() -> toml::Value {
    let docsrs = "cfg(docsrs)".to_owned();
    let conformance = format!("cfg({})", super::conformance::CFG);
    table([(
        "rust",
        table([(
            "unexpected_cfgs",
            table([
                ("level", string("warn")),
                (
                    "check-cfg",
                    strings([docsrs.as_str(), conformance.as_str()]),
                ),
            ]),
        )]),
    )])
}

fn member_deps(opts: &EmitOptions, names: &CrateNames) -> toml::Value {
    table([
        (
            "b24-runtime",
            path_dep(&runtime_path(opts, depth(&names.dir)), false),
        ),
        ("serde_json", string("1")),
    ])
}

fn member_manifest(
    header: &str,
    names: &CrateNames,
    description: &str,
    opts: &EmitOptions,
) -> String {
    let mut m = toml::Table::new();
    m.insert("package".into(), package(names, description));
    m.insert("dependencies".into(), member_deps(opts, names));
    m.insert("lints".into(), cfg_lints());
    render(header, m)
}

/// `Cargo.toml` of a scope crate.
pub fn scope_manifest(
    header: &str,
    plan: &Plan<'_>,
    s: &ScopePlan<'_>,
    opts: &EmitOptions,
) -> String {
    let description = format!(
        "Bitrix24 REST methods of scope `{}` (generated; use through the `{}` crate)",
        s.scope, plan.facade.package
    );
    member_manifest(header, &s.names, &description, opts)
}

/// `Cargo.toml` of the events crate.
pub fn events_manifest(header: &str, plan: &Plan<'_>, opts: &EmitOptions) -> String {
    let description = format!(
        "Bitrix24 event payloads (generated; use through the `{}` crate)",
        plan.facade.package
    );
    member_manifest(header, &plan.events_crate, &description, opts)
}

/// `Cargo.toml` of the facade: one feature per scope, `events`, `full` (every scope and the
/// events).
pub fn facade_manifest(header: &str, plan: &Plan<'_>, opts: &EmitOptions) -> String {
    let mut members: Vec<(String, &CrateNames)> = plan
        .scopes
        .iter()
        .map(|s| (s.feature.clone(), &s.names))
        .collect();
    members.push(("events".to_owned(), &plan.events_crate));
    members.sort_by(|a, b| a.0.cmp(&b.0));

    let mut features = toml::Table::new();
    features.insert("default".into(), strings([]));
    features.insert(
        "full".into(),
        strings(members.iter().map(|(f, _)| f.as_str())),
    );
    for (f, names) in &members {
        let dep = format!("dep:{}", names.package);
        features.insert(f.clone(), strings([dep.as_str()]));
    }

    let mut deps = toml::Table::new();
    deps.insert(
        "b24-runtime".into(),
        path_dep(&runtime_path(opts, 0), false),
    );
    deps.insert("serde_json".into(), string("1"));
    for (_, names) in &members {
        deps.insert(names.package.clone(), path_dep(&names.dir, true));
    }

    let mut m = toml::Table::new();
    m.insert(
        "package".into(),
        package(
            &plan.facade,
            "Typed Bitrix24 REST client generated from the official API reference",
        ),
    );
    m.insert("features".into(), toml::Value::Table(features));
    m.insert("dependencies".into(), toml::Value::Table(deps));
    if let Some(toml::Value::Table(p)) = m.get_mut("package") {
        p.insert(
            "metadata".into(),
            table([(
                "docs",
                table([(
                    "rs",
                    table([
                        ("all-features", toml::Value::Boolean(true)),
                        ("rustdoc-args", strings(["--cfg", "docsrs"])),
                    ]),
                )]),
            )]),
        );
    }
    m.insert("lints".into(), cfg_lints());
    if opts.workspace {
        // A workspace of its own: generated outside a workspace of ours.
        let mut dirs = vec![plan.events_crate.dir.as_str()];
        dirs.extend(plan.scopes.iter().map(|s| s.names.dir.as_str()));
        m.insert(
            "workspace".into(),
            table([("resolver", string("2")), ("members", strings(dirs))]),
        );
    }
    render(header, m)
}

/// The facade's `lib.rs`.
pub fn facade_lib(plan: &Plan<'_>, docs: &DocTable) -> TokenStream {
    let events = ident(&plan.events_crate.lib);
    let name = &plan.facade.package;
    let st = &plan.stats;
    let mut doc = format!(
        "Typed Bitrix24 REST client, generated by b24gen from the official API reference.\n\n\
         {methods} methods in {scopes} scope crates and {events} events. Enable what you use: one \
         Cargo feature per scope (each pulls in one small crate, `{name}-<scope>`), `events` for \
         the webhook payloads, `full` for everything.\n\n\
         # Layout\n\n\
         A method lives at `{name}::<scope>::<rest of its name>`: the scope is its documented \
         scope (the one its name starts with, when it has several; `unscoped` when the docs give \
         none), the rest is the method name without that scope, one module per segment in \
         snake case. `im.dialog.read` is `{name}::im::dialog::read`, `tasks.task.add` (scope \
         `task`) is `{name}::task::tasks::task::add`; a name documented twice in one scope (a REST 2 and \
         a REST 3 page) gets `_v3` on its last module (`add_v3`). Each method module holds:\n\n\
         - `Params`: required parameters in `Params::new(…)`, optional ones set with builder \
         methods and left out of the request when unset; fields carry the exact wire names. \
         `params.send(&client)` makes the call; list methods also have `stream(&client)` (every \
         row), `pages(&client)` and, where the rows have an ID the portal filters and orders \
         by, `fast(&client)` (50 pages per HTTP call);\n\
         - `Output`: the type of `result` (structs for documented objects, `Vec` for lists; the \
         `total`/`next` of lists are in the response envelope);\n\
         - `Error`: the documented error codes, `System` for the system-wide ones, `Other` for \
         anything else; each variant holds the whole [`runtime::ApiError`];\n\
         - the method type (`ImDialogRead`, a unit struct implementing [`runtime::Method`]: wire \
         name, REST version, read-only or write, params, result and error types), for \
         `client.call::<M>()` and [`runtime::batch::Batch::add_method`].\n\n\
         Names always compile: keywords become raw identifiers (`r#type`), names starting with a \
         digit get a prefix, names that clash after case conversion get `_2`, `_3`…, Cyrillic is \
         transliterated. Placeholder keys the docs give only as a pattern (`UF_CRM_...`, \
         `<field_code>`) are not fields: params that have them take any key through `extra`.\n\n\
         # Calling\n\n\
         A call returns `Result<runtime::Response<Output>, runtime::Error<Error>>`: the typed \
         result with the raw `result` JSON, `total`/`next` and the `time` block; or the \
         method's own error enum inside `runtime::Error::Api`, next to the transport, limit, \
         auth and decode failures of the same `runtime::Error`.{example}\n\n\
         # Decoding\n\n\
         Results decode leniently: every field is optional; numbers sent as strings, `\"Y\"`/`\"N\"`, \
         `\"\"`, `[]` and `false` for empty values are handled by [`runtime::wire`]. Keys a result \
         struct does not list (a portal's custom fields `UF_…` among them) are kept, in answer \
         order, in its `extra` field: `row.extra.get_as::<i64>(\"UF_CRM_1720019876534\")` reads \
         one as leniently as the fields. Objects the docs leave unstructured are \
         `serde_json::Value` (params: `wire::Object`); this build has {unstructured} of them."
    ,
        methods = st.methods,
        scopes = st.scope_crates,
        events = st.events,
        unstructured = st.unstructured_objects,
        example = facade_example(plan),
    );
    doc.push_str("\n\n# Features\n");
    for s in &plan.scopes {
        doc.push_str(&format!(
            "\n- `{}`: scope {}, {} methods",
            s.feature,
            docs::code(&s.scope),
            s.method_count
        ));
    }
    doc.push_str(&format!("\n- `events`: {} event payloads", st.events));
    let doc = docs.inner(&doc);
    let scopes = plan.scopes.iter().map(|s| {
        let f = &s.feature;
        let lib = ident(&s.names.lib);
        let alias = ident(&s.feature);
        let d = docs.outer(&format!("Methods of scope {}.", docs::code(&s.scope)));
        quote! {
            #d
            #[cfg(feature = #f)]
            #[cfg_attr(docsrs, doc(cfg(feature = #f)))]
            pub use #lib as #alias;
        }
    });
    let registry = super::conformance::facade_registry(plan);
    quote! {
        #doc
        #![cfg_attr(docsrs, feature(doc_cfg))]

        /// The runtime: client, auth, limits, batch, pagination, wire decoding.
        pub use b24_runtime as runtime;
        /// Event payloads and the [`events::Event`] enum.
        #[cfg(feature = "events")]
        #[cfg_attr(docsrs, doc(cfg(feature = "events")))]
        pub use #events as events;
        #(#scopes)*
        #registry
    }
}

/// The facade's example: the first scope's, behind its feature.
fn facade_example(plan: &Plan<'_>) -> String {
    let runtime = format!("{}::runtime", plan.facade.lib);
    for s in &plan.scopes {
        if let Some(p) = example::pick(s) {
            let scope = format!("{}::{}", plan.facade.lib, s.feature);
            let paths = example::Paths {
                runtime: &runtime,
                scope: &scope,
            };
            return format!("\n\nWith the `{}` feature, ", s.feature)
                + &example::doc(&p, paths, Some(&s.feature));
        }
    }
    String::new()
}

/// What a scope crate's module takes from the crate's shared module.
#[derive(Clone, Copy)]
pub struct Shared<'x> {
    /// The crate has a shared module (the root declares it).
    pub module: bool,
    /// The names this method module re-exports from it instead of defining.
    pub reexports: Option<&'x std::collections::BTreeSet<String>>,
}

/// A scope crate's module of the types several of its methods share.
pub fn shared_module(
    sharing: &super::shared::Sharing,
    modules: &[super::shared::Module<'_, '_>],
    core: &TokenStream,
    docs: &DocTable,
) -> TokenStream {
    let doc = docs.inner(
        "Types several methods of this crate share (the same definition linked from several \
         pages, a family's entity in its list rows), defined once: each method's module \
         re-exports the ones it uses under the same name, which is the path to write.",
    );
    let items = super::shared::items(sharing, modules, core, docs);
    quote! {
        #doc
        #items
    }
}

/// The root of a scope crate, or one of its modules.
pub fn module_file(
    plan: &Plan<'_>,
    scope: &ScopePlan<'_>,
    node: &ModPlan<'_>,
    is_root: bool,
    shared: Shared<'_>,
    docs: &DocTable,
) -> TokenStream {
    let lang = plan.options.lang;
    let core = super::support_path();
    let mut doc = if is_root {
        let mut d = format!(
            "Bitrix24 REST methods of scope {} ({} methods), generated by b24gen.\n\n\
             Use it through the `{}` crate's `{}` feature, as `{}::{}`.",
            docs::code(&scope.scope),
            scope.method_count,
            plan.facade.package,
            scope.feature,
            plan.facade.lib,
            scope.feature,
        );
        if let Some(p) = example::pick(scope) {
            let paths = example::Paths {
                runtime: "b24_runtime",
                scope: &scope.names.lib,
            };
            d.push_str("\n\n# Example\n\n");
            d.push_str(&example::doc(&p, paths, None));
        }
        d
    } else {
        match &node.method {
            Some(m) => headline(m.ir, lang),
            None => format!("Methods under `{}`.", node.segment),
        }
    };
    let listed: Vec<String> = node
        .children
        .iter()
        .filter_map(|c| c.method.as_ref().map(|m| (c, m)))
        .map(|(c, m)| {
            format!(
                "- [`{}`]({}/index.html): {}",
                crate::rust::naming::unraw(&c.ident),
                crate::rust::naming::unraw(&c.ident),
                headline(m.ir, lang)
            )
        })
        .collect();
    if !listed.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&listed.join("\n"));
    }
    let doc = docs.inner(&doc);
    let lints = is_root.then(lints);
    let mods = super::method::child_mods(&node.children);
    let shared_mod = (is_root && shared.module).then(|| {
        let m = quote::format_ident!("{}", crate::rust::plan::SHARED_MODULE);
        quote!(pub mod #m;)
    });
    let none = std::collections::BTreeSet::new();
    let reexports = shared.reexports.unwrap_or(&none);
    let items = node
        .method
        .as_ref()
        .map(|m| super::method::method_items(m, lang, &core, reexports, docs));
    let registry = is_root.then(|| super::conformance::scope_registry(scope));
    quote! {
        #doc
        #lints
        #shared_mod
        #mods
        #items
        #registry
    }
}
