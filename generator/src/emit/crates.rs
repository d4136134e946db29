//! Crate-level files: manifests, crate roots and intermediate modules.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
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
            rustdoc::invalid_html_tags,
            rustdoc::bare_urls,
            rustdoc::invalid_rust_codeblocks,
            rustdoc::invalid_codeblock_attributes
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

fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn package(header: &str, names: &CrateNames, description: &str) -> String {
    format!(
        "{header}[package]\nname = {}\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = {}\nlicense = \"MIT\"\npublish = false\n",
        toml_str(&names.package),
        toml_str(description),
    )
}

fn common_deps(opts: &EmitOptions, names: &CrateNames, core: Option<&CrateNames>) -> String {
    let d = depth(&names.dir);
    let mut s = format!(
        "\n[dependencies]\nb24-runtime = {{ path = {} }}\n",
        toml_str(&runtime_path(opts, d))
    );
    if let Some(core) = core {
        let rel = format!("{}{}", "../".repeat(d), core.dir);
        s.push_str(&format!(
            "{} = {{ path = {} }}\n",
            core.package,
            toml_str(&rel)
        ));
    }
    s.push_str("serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n");
    s
}

const CHECK_CFG: &str =
    "\n[lints.rust]\nunexpected_cfgs = { level = \"warn\", check-cfg = [\"cfg(docsrs)\"] }\n";

/// `Cargo.toml` of a scope crate.
pub fn scope_manifest(
    header: &str,
    plan: &Plan<'_>,
    s: &ScopePlan<'_>,
    opts: &EmitOptions,
) -> String {
    let mut t = package(
        header,
        &s.names,
        &format!(
            "Bitrix24 REST methods of scope `{}` (generated; use through the `{}` crate)",
            s.scope, plan.facade.package
        ),
    );
    t.push_str(&common_deps(opts, &s.names, Some(&plan.core)));
    t
}

/// `Cargo.toml` of the events crate.
pub fn events_manifest(header: &str, plan: &Plan<'_>, opts: &EmitOptions) -> String {
    let mut t = package(
        header,
        &plan.events_crate,
        &format!(
            "Bitrix24 event payloads (generated; use through the `{}` crate)",
            plan.facade.package
        ),
    );
    t.push_str(&common_deps(opts, &plan.events_crate, Some(&plan.core)));
    t
}

/// `Cargo.toml` of the core crate.
pub fn core_manifest(header: &str, plan: &Plan<'_>, opts: &EmitOptions) -> String {
    let mut t = package(
        header,
        &plan.core,
        &format!(
            "Shared support of the generated `{}` crates",
            plan.facade.package
        ),
    );
    t.push_str(&common_deps(opts, &plan.core, None));
    t
}

/// `Cargo.toml` of the facade: one feature per scope, `events`, `full`.
pub fn facade_manifest(header: &str, plan: &Plan<'_>, opts: &EmitOptions) -> String {
    let mut t = package(
        header,
        &plan.facade,
        "Typed Bitrix24 REST client generated from the official API reference",
    );
    let mut all: Vec<&str> = plan.scopes.iter().map(|s| s.feature.as_str()).collect();
    all.push("events");
    all.sort_unstable();
    let full: Vec<String> = all.iter().map(|f| toml_str(f)).collect();
    t.push_str(&format!(
        "\n[features]\ndefault = []\n# Every scope and the events.\nfull = [{}]\n",
        full.join(", ")
    ));
    let mut features: Vec<(String, &CrateNames)> = plan
        .scopes
        .iter()
        .map(|s| (s.feature.clone(), &s.names))
        .collect();
    features.push(("events".to_owned(), &plan.events_crate));
    features.sort_by(|a, b| a.0.cmp(&b.0));
    for (f, names) in &features {
        t.push_str(&format!("{f} = [\"dep:{}\"]\n", names.package));
    }
    t.push_str(&format!(
        "\n[dependencies]\nb24-runtime = {{ path = {} }}\n{} = {{ path = {} }}\nserde_json = \"1\"\n",
        toml_str(&runtime_path(opts, 0)),
        plan.core.package,
        toml_str(&plan.core.dir)
    ));
    for (_, names) in &features {
        t.push_str(&format!(
            "{} = {{ path = {}, optional = true }}\n",
            names.package,
            toml_str(&names.dir)
        ));
    }
    t.push_str("\n[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n");
    t.push_str(CHECK_CFG);
    if opts.workspace {
        let mut members = vec![toml_str(&plan.core.dir), toml_str(&plan.events_crate.dir)];
        members.extend(plan.scopes.iter().map(|s| toml_str(&s.names.dir)));
        t.push_str(&format!(
            "\n# A workspace of its own: generated outside a workspace of ours.\n[workspace]\nresolver = \"2\"\nmembers = [\n    {},\n]\n",
            members.join(",\n    ")
        ));
    }
    t
}

/// The facade's `lib.rs`.
pub fn facade_lib(plan: &Plan<'_>) -> TokenStream {
    let core = ident(&plan.core.lib);
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
         - the method type (`ImDialogRead`, a unit struct implementing [`runtime::Method`]: wire \
         name, REST version, read-only or write, params, result and error types);\n\
         - `Params`: required parameters in `Params::new(…)`, optional ones set with builder \
         methods and left out of the request when unset; fields carry the exact wire names;\n\
         - `Output`: the type of `result` (structs for documented objects, `Vec` for lists; list \
         methods also implement [`types::Paginated`], their `total`/`next` are in the response \
         envelope);\n\
         - `Error`: the documented error codes, `System` for the system-wide ones, `Other` for \
         anything else.\n\n\
         Names always compile: keywords become raw identifiers (`r#type`), names starting with a \
         digit get a prefix, names that clash after case conversion get `_2`, `_3`…, Cyrillic is \
         transliterated. Placeholder keys the docs give only as a pattern (`UF_CRM_...`, \
         `<field_code>`) are not fields: params that have them take any key through `extra`.\n\n\
         # Calling\n\n\
         ```text\n\
         use {name}::im::dialog::read;\n\
         let response = client.call::<read::ImDialogRead>(&read::Params::new(\"chat29\", 12)).await?;\n\
         // response: runtime::Response<read::Output> — the typed result, the raw `result` JSON,\n\
         // `total`/`next` for lists, the `time` block; errors carry read::Error.\n\
         ```\n\n\
         # Decoding\n\n\
         Results decode leniently: every field is optional; numbers sent as strings, `\"Y\"`/`\"N\"`, \
         `\"\"`, `[]` and `false` for empty values are handled by [`runtime::wire`]. Keys a result \
         struct does not know are ignored rather than kept in the struct (a catch-all map costs \
         compile time on thousands of structs): the runtime's typed call returns the raw `result` \
         JSON next to the typed one, so nothing is lost. Objects the docs leave unstructured are \
         `serde_json::Value` (params: `wire::Object`); this build has {unstructured} of them."
    ,
        methods = st.methods,
        scopes = st.scope_crates,
        events = st.events,
        unstructured = st.unstructured_objects,
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
    let doc = docs::inner_doc_attrs(&doc);
    let scopes = plan.scopes.iter().map(|s| {
        let f = &s.feature;
        let lib = ident(&s.names.lib);
        let alias = ident(&s.feature);
        let d = docs::doc_attrs(&format!("Methods of scope {}.", docs::code(&s.scope)));
        quote! {
            #d
            #[cfg(feature = #f)]
            #[cfg_attr(docsrs, doc(cfg(feature = #f)))]
            pub use #lib as #alias;
        }
    });
    quote! {
        #doc
        #![cfg_attr(docsrs, feature(doc_cfg))]

        /// The runtime: client, auth, limits, batch, pagination, wire decoding.
        pub use b24_runtime as runtime;
        /// Shared support types ([`types::Lenient`], [`types::Paginated`]).
        pub use #core as types;
        /// Event payloads and the [`events::Event`] enum.
        #[cfg(feature = "events")]
        #[cfg_attr(docsrs, doc(cfg(feature = "events")))]
        pub use #events as events;
        #(#scopes)*
    }
}

/// The root of a scope crate, or one of its modules.
pub fn module_file(
    plan: &Plan<'_>,
    scope: &ScopePlan<'_>,
    node: &ModPlan<'_>,
    is_root: bool,
) -> TokenStream {
    let lang = plan.options.lang;
    let core = ident(&plan.core.lib);
    let mut doc = if is_root {
        format!(
            "Bitrix24 REST methods of scope {} ({} methods), generated by b24gen.\n\n\
             Use it through the `{}` crate's `{}` feature, as `{}::{}`.",
            docs::code(&scope.scope),
            scope.method_count,
            plan.facade.package,
            scope.feature,
            plan.facade.lib,
            scope.feature,
        )
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
    let doc = docs::inner_doc_attrs(&doc);
    let lints = is_root.then(lints);
    let mods = super::method::child_mods(&node.children);
    let items = node
        .method
        .as_ref()
        .map(|m| super::method::method_items(m, lang, &core));
    quote! {
        #doc
        #lints
        #mods
        #items
    }
}

/// The core crate's root: the fixed template.
pub fn core_lib(plan: &Plan<'_>) -> Result<TokenStream, syn::Error> {
    let template: TokenStream = syn::parse_str(super::core_template::CORE)?;
    let doc = docs::inner_doc_attrs(&format!(
        "Shared support of the generated `{}` crates: lenient decoding helpers, the macros the \
         generated enums and error enums use.",
        plan.facade.package
    ));
    let lints = lints();
    Ok(quote! {
        #doc
        #lints
        #template
    })
}
