//! One method's module: the method type, its `Method` impl, params, output and error enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{self, DocTable, LinkBase};
use super::items::{self, ident, ItemCtx};
use crate::ir::{Lang, Method};
use crate::rust::lists::list_plan;
use crate::rust::plan::{MethodPlan, ModPlan, OutputPlan, VariantPlan};
use crate::rust::Ty;

/// The link base of a method's or event's texts.
pub fn link_base<'a>(sources: &'a [String], lang: Lang) -> LinkBase<'a> {
    match docs::page_of(sources, lang) {
        Some((l, page)) => LinkBase {
            lang: l,
            page: Some(page),
        },
        None => LinkBase { lang, page: None },
    }
}

/// The official page link line, when the page is known.
pub fn official_link(sources: &[String], lang: Lang) -> Option<String> {
    docs::page_of(sources, lang).map(|(l, page)| {
        let label = match lang {
            Lang::En => "Official documentation",
            Lang::Ru => "Официальная документация",
        };
        format!("[{label}]({})", docs::page_url(l, page))
    })
}

/// `pub mod x;` for each child.
pub fn child_mods(children: &[ModPlan<'_>]) -> TokenStream {
    let mods = children.iter().map(|c| {
        let id = ident(&c.ident);
        quote!(pub mod #id;)
    });
    quote!(#(#mods)*)
}

/// The items of a method module (without the module's own docs and children).
pub fn method_items(
    mp: &MethodPlan<'_>,
    lang: Lang,
    core: &TokenStream,
    shared: &std::collections::BTreeSet<String>,
    docs: &DocTable,
) -> TokenStream {
    let m = mp.ir;
    let base = link_base(&m.sources, lang);
    let cx = ItemCtx { core, base, docs };
    let ty = ident(&mp.type_name);
    let doc = docs.outer(&method_doc(mp, lang, base));
    let deprecated = m.deprecated.then(|| {
        let note = deprecation_note(m);
        quote!(#[deprecated(note = #note)])
    });
    let name = &m.name;
    let version = if m.rest_version == 3 {
        quote!(V3)
    } else {
        quote!(V2)
    };
    let read_only = mp.read_only;
    let list = m.paginated.then(|| list_surface(mp, &ty, core));
    let output = match &mp.output {
        OutputPlan::Struct => None,
        OutputPlan::Alias(ty) => {
            let t = root_ty(ty, core);
            // `boolean | null`: the portal may answer `"result": null` (a `Value` holds it).
            let nullable = *ty != Ty::Value && m.result.as_ref().is_some_and(|r| r.nullable);
            let t = if nullable { quote!(Option<#t>) } else { t };
            Some(quote! {
                /// The `result` of the call.
                pub type Output = #t;
            })
        }
    };
    let types = items::types_except(&mp.types, cx, shared);
    let uses = (!shared.is_empty()).then(|| {
        let module = quote::format_ident!("{}", crate::rust::plan::SHARED_MODULE);
        let names = shared.iter().map(|n| ident(n));
        quote!(pub use crate::#module::{#(#names),*};)
    });
    let error = error_enum(&mp.errors, name, base, core, docs);
    quote! {
        #doc
        #deprecated
        #[derive(Debug, Clone, Copy, Default)]
        pub struct #ty;

        impl ::b24_runtime::Method for #ty {
            const NAME: &'static str = #name;
            const REST_VERSION: ::b24_runtime::RestVersion = ::b24_runtime::RestVersion::#version;
            const READ_ONLY: bool = #read_only;
            type Params = Params;
            type Result = Output;
            type Error = Error;
        }
        #core::call_surface!(Params => #ty);
        #list
        #output
        #uses
        #types
        #error
    }
}

/// `Paginated` and `pages()`; with rows, `Listed` and `stream()`; with an ID, `FastListed` and
/// `fast()` (see [`crate::rust::lists`]).
fn list_surface(mp: &MethodPlan<'_>, ty: &proc_macro2::Ident, core: &TokenStream) -> TokenStream {
    let Some(lp) = list_plan(mp) else {
        return quote!(#core::list_surface!(#ty, Params););
    };
    let (row, path, field) = match &lp.field {
        None => (root_ty(&lp.row, core), None, None),
        Some((id, wire)) => (items::ty_tokens(&lp.row), Some(wire), Some(ident(id))),
    };
    let fast = lp.fast_id.as_ref().map(|id| quote!(, fast #id));
    quote!(#core::list_surface!(#ty, Params, #row, [#path] #field #fast);)
}

/// A root `result` type: scalars that may arrive as strings go through `Lenient`.
fn root_ty(t: &Ty, core: &TokenStream) -> TokenStream {
    match t {
        Ty::I64 | Ty::F64 | Ty::Bool | Ty::Str => {
            let inner = items::ty_tokens(t);
            quote!(#core::Lenient<#inner>)
        }
        Ty::Vec(inner) => {
            let inner = root_ty(inner, core);
            quote!(Vec<#inner>)
        }
        other => items::ty_tokens(other),
    }
}

fn deprecation_note(m: &Method) -> String {
    match &m.replaced_by {
        Some(r) => format!("deprecated in the Bitrix24 docs; use `{r}` instead"),
        None => "deprecated in the Bitrix24 docs".to_owned(),
    }
}

/// The first line of a method's docs: name and title.
pub fn headline(m: &Method, lang: Lang) -> String {
    match m
        .title
        .prefer(lang)
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(t) => format!("{}: {}", docs::code(&m.name), docs::first_paragraph(t)),
        None => docs::code(&m.name),
    }
}

fn method_doc(mp: &MethodPlan<'_>, lang: Lang, base: LinkBase<'_>) -> String {
    let m = mp.ir;
    let mut parts = vec![headline(m, lang)];
    for t in [&m.summary, &m.description] {
        if let Some(s) = docs::text(t, base) {
            parts.push(s);
        }
    }
    let mut facts = Vec::new();
    if !m.scopes.is_empty() {
        let s: Vec<String> = m.scopes.iter().map(|s| docs::code(s)).collect();
        facts.push(format!("- Scope: {}", s.join(", ")));
    }
    facts.push(format!(
        "- REST {}, {}",
        if m.rest_version == 3 { 3 } else { 2 },
        if mp.read_only {
            "read-only (retried after transient failures)"
        } else {
            "writes (never repeated silently)"
        }
    ));
    if m.paginated {
        facts.push("- Paginated: the response carries `total` (and `next`).".to_owned());
    }
    if m.deprecated {
        facts.push(format!("- **Deprecated**: {}.", deprecation_note(m)));
    }
    if !m.aliases.is_empty() {
        let a: Vec<String> = m.aliases.iter().map(|s| docs::code(s)).collect();
        facts.push(format!("- Also called {}.", a.join(", ")));
    }
    parts.push(facts.join("\n"));

    let mut params = String::from("# Parameters\n");
    if m.params.is_empty() {
        params.push_str("\nNone.");
    } else {
        params.push('\n');
        let lines: Vec<String> = m
            .params
            .iter()
            .map(|p| {
                let mut l = format!("- {}", docs::code(&p.name));
                if p.required {
                    l.push_str(" **required**");
                }
                if !p.ty.doc.is_empty() {
                    l.push_str(&format!(" ({})", docs::code(&p.ty.doc)));
                }
                if let Some(d) = docs::text(&p.doc, base) {
                    l.push_str(": ");
                    l.push_str(&docs::first_paragraph(&d));
                }
                l
            })
            .collect();
        params.push_str(&lines.join("\n"));
    }
    parts.push(params);
    if let Some(link) = official_link(&m.sources, lang) {
        parts.push(link);
    }
    parts.join("\n\n")
}

fn error_enum(
    errors: &[VariantPlan<'_>],
    method: &str,
    base: LinkBase<'_>,
    core: &TokenStream,
    docs: &DocTable,
) -> TokenStream {
    let doc = docs.outer(&format!(
        "Errors of `{method}`: the codes its page documents, the system-wide ones, and any other."
    ));
    let ids: Vec<proc_macro2::Ident> = errors.iter().map(|v| ident(&v.ident)).collect();
    let codes: Vec<&str> = errors.iter().map(|v| v.code).collect();
    let variants = errors.iter().zip(&ids).map(|(v, id)| {
        let d = docs.outer(&variant_doc(v, base));
        quote!(#d #id(::std::boxed::Box<::b24_runtime::ApiError>),)
    });
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum Error {
            #(#variants)*
            /// A system-wide code any method can return (limits, auth, access).
            System(::b24_runtime::SystemError, ::std::boxed::Box<::b24_runtime::ApiError>),
            /// A code the docs do not list for this method.
            Other(::std::boxed::Box<::b24_runtime::ApiError>),
        }

        #core::method_error!(Error { #(#ids = #codes,)* });
    }
}

/// Docs of an error variant: the code, HTTP status, message and meaning of each documented row.
pub fn variant_doc(v: &VariantPlan<'_>, base: LinkBase<'_>) -> String {
    let mut out = if v.code.is_empty() {
        "Empty error code.".to_owned()
    } else {
        format!("{}.", docs::code(v.code))
    };
    for d in &v.docs {
        let mut line = String::new();
        if let Some(s) = d.http_status {
            line.push_str(&format!("HTTP {s}. "));
        }
        if let Some(msg) = d.message.as_deref().filter(|m| !m.trim().is_empty()) {
            line.push_str(&format!("{}. ", docs::code(msg.trim())));
        }
        if let Some(t) = docs::text(&d.doc, base) {
            line.push_str(&docs::first_paragraph(&t));
        }
        let line = line.trim();
        if !line.is_empty() {
            out.push_str("\n\n");
            out.push_str(line);
        }
    }
    out
}
