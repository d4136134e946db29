//! The conformance support of the generated crates, behind their Cargo feature `conformance`
//! (off by default, so users pay nothing for it).
//!
//! With the feature on:
//! - params structs also derive `Deserialize`, denying unknown keys (structs with placeholder
//!   rows check the keys of their `extra` map against the patterns instead); integers, doubles
//!   and strings decode leniently through `b24_runtime::conformance::de`;
//! - every scope crate has a `__conformance::METHODS` registry (wire name, REST version, the
//!   runtime's generic checkers monomorphised for the method), the events crate an
//!   `__conformance::EVENTS` registry, and the facade `__conformance::{methods, events, main}`
//!   gathering those of the enabled features.
//!
//! The checkers and what "fits" means are in `b24_runtime::conformance`.

use proc_macro2::TokenStream;
use quote::quote;

use super::items::ident;
use crate::rust::plan::{EventPlan, FieldPlan, MethodPlan, ModPlan, Plan, ScopePlan, StructPlan};
use crate::rust::{Dir, Ty};

/// The feature's name.
pub const FEATURE: &str = "conformance";

/// The `[features]` table of a scope or events crate.
pub fn member_features() -> String {
    "\n[features]\n# The conformance registry (b24gen's test suite); off for users.\nconformance = [\"b24-runtime/conformance\"]\n".to_owned()
}

/// The facade's `conformance` feature line: the runtime's and every optional crate's.
pub fn facade_feature(packages: &[&str]) -> String {
    let mut parts = vec!["\"b24-runtime/conformance\"".to_owned()];
    parts.extend(packages.iter().map(|p| format!("\"{p}?/conformance\"")));
    format!(
        "# The conformance registries of the enabled crates (b24gen's test suite).\nconformance = [{}]\n",
        parts.join(", ")
    )
}

/// Attributes of a params struct: the conformance `Deserialize`.
pub fn params_struct_attrs(s: &StructPlan<'_>) -> TokenStream {
    if s.dir != Dir::Params {
        return TokenStream::new();
    }
    let deny = (!s.has_extra()).then(|| quote!(, serde(deny_unknown_fields)));
    quote!(#[cfg_attr(feature = "conformance", derive(::serde::Deserialize) #deny)])
}

/// The lenient `deserialize_with` of a params field, when its type needs one.
pub fn params_field_attrs(f: &FieldPlan<'_>, dir: Dir) -> TokenStream {
    if dir != Dir::Params {
        return TokenStream::new();
    }
    let scalar = |t: &Ty| match t {
        Ty::I64 => Some("i64"),
        Ty::F64 => Some("f64"),
        Ty::Str => Some("String"),
        _ => None,
    };
    let (helper, t) = match &f.ty {
        Ty::Vec(inner) => match scalar(inner) {
            Some(t) => ("vec", t),
            None => return TokenStream::new(),
        },
        other => match scalar(other) {
            Some(t) => ("scalar", t),
            None => return TokenStream::new(),
        },
    };
    if f.required {
        let with = format!("b24_runtime::conformance::de::{helper}::<{t}, _>");
        quote!(#[cfg_attr(feature = "conformance", serde(deserialize_with = #with))])
    } else {
        let helper = if helper == "vec" { "opt_vec" } else { "opt" };
        let with = format!("b24_runtime::conformance::de::{helper}::<{t}, _>");
        quote!(#[cfg_attr(feature = "conformance", serde(default, deserialize_with = #with))])
    }
}

fn extra_fn_name(s: &StructPlan<'_>) -> String {
    let mut out = String::from("__conformance_extra");
    for c in s.name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The attribute of a params struct's `extra` field: its keys must match the patterns.
pub fn extra_field_attrs(s: &StructPlan<'_>) -> TokenStream {
    let with = extra_fn_name(s);
    quote!(#[cfg_attr(feature = "conformance", serde(deserialize_with = #with))])
}

/// The function [`extra_field_attrs`] names (empty for structs without `extra`).
pub fn extra_fn(s: &StructPlan<'_>) -> TokenStream {
    if !s.has_extra() {
        return TokenStream::new();
    }
    let name = ident(&extra_fn_name(s));
    let patterns: Vec<&str> = s.placeholders.iter().map(|p| p.name.as_str()).collect();
    quote! {
        #[cfg(feature = "conformance")]
        #[allow(non_snake_case)]
        fn #name<'de, D: ::serde::Deserializer<'de>>(d: D) -> Result<::b24_runtime::wire::Object, D::Error> {
            ::b24_runtime::conformance::de::extra(d, &[#(#patterns),*])
        }
    }
}

/// Every method of a scope with its module path below the crate root.
fn methods<'p, 'a>(
    node: &'p ModPlan<'a>,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, &'p MethodPlan<'a>)>,
) {
    for c in &node.children {
        path.push(c.ident.clone());
        if let Some(m) = &c.method {
            out.push((path.clone(), m));
        }
        methods(c, path, out);
        path.pop();
    }
}

fn entry(path: &[String], mp: &MethodPlan<'_>) -> TokenStream {
    let m = mp.ir;
    let segs: Vec<proc_macro2::Ident> = path.iter().map(|s| ident(s)).collect();
    let ty = ident(&mp.type_name);
    let method = quote!(crate:: #(#segs::)* #ty);
    let error = quote!(crate:: #(#segs::)* Error);
    let name = &m.name;
    let version = if m.rest_version == 3 {
        quote!(V3)
    } else {
        quote!(V2)
    };
    // List paging sets `start` itself; the params type need not declare it.
    let declares_start = mp
        .types
        .structs
        .first()
        .is_some_and(|p| p.fields.iter().any(|f| f.ir.name == "start"));
    let runtime_keys: Vec<&str> = if m.paginated && !declares_start {
        vec!["start"]
    } else {
        Vec::new()
    };
    let documented = (!mp.errors.is_empty()).then(|| quote!(_ => c::ErrorClass::Documented,));
    quote! {
        c::MethodEntry {
            name: #name,
            rest_version: ::b24_runtime::RestVersion::#version,
            runtime_keys: &[#(#runtime_keys),*],
            response: c::response::<#method>,
            request: c::request::<#method>,
            error: |v| c::error::<#method>(v, |e| match e {
                #error::System { .. } => c::ErrorClass::System,
                #error::Other { .. } => c::ErrorClass::Other,
                #documented
            }),
        },
    }
}

/// The registry module of a scope crate's root.
pub fn scope_registry(scope: &ScopePlan<'_>) -> TokenStream {
    let mut all = Vec::new();
    methods(&scope.root, &mut Vec::new(), &mut all);
    let entries = all.iter().map(|(p, m)| entry(p, m));
    quote! {
        /// The conformance registry: one entry per method of this crate.
        #[cfg(feature = "conformance")]
        #[doc(hidden)]
        pub mod __conformance {
            use ::b24_runtime::conformance as c;
            pub static METHODS: &[c::MethodEntry] = &[#(#entries)*];
        }
    }
}

/// The registry module of the events crate.
pub fn events_registry(events: &[EventPlan<'_>]) -> TokenStream {
    let entries = events.iter().map(|e| {
        let m = ident(&e.module);
        let name = &e.ir.name;
        quote!(c::EventEntry { name: #name, payload: c::payload::<crate::#m::Payload> },)
    });
    quote! {
        /// The conformance registry: one entry per event.
        #[cfg(feature = "conformance")]
        #[doc(hidden)]
        pub mod __conformance {
            use ::b24_runtime::conformance as c;
            pub static EVENTS: &[c::EventEntry] = &[#(#entries)*];
        }
    }
}

/// The facade's registry: those of the enabled crates, and a harness `main`.
pub fn facade_registry(plan: &Plan<'_>) -> TokenStream {
    let pushes = plan.scopes.iter().map(|s| {
        let f = &s.feature;
        let alias = ident(&s.feature);
        quote! {
            #[cfg(feature = #f)]
            all.push(crate::#alias::__conformance::METHODS);
        }
    });
    quote! {
        /// The conformance registries of the enabled features (b24gen's test suite).
        #[cfg(feature = "conformance")]
        #[doc(hidden)]
        pub mod __conformance {
            use ::b24_runtime::conformance::{EventEntry, MethodEntry};

            /// The method registries of the enabled scopes.
            pub fn methods() -> Vec<&'static [MethodEntry]> {
                #[allow(unused_mut)]
                let mut all: Vec<&'static [MethodEntry]> = Vec::new();
                #(#pushes)*
                all
            }

            /// The event registry, when `events` is enabled.
            pub fn events() -> Vec<&'static [EventEntry]> {
                #[allow(unused_mut)]
                let mut all: Vec<&'static [EventEntry]> = Vec::new();
                #[cfg(feature = "events")]
                all.push(crate::events::__conformance::EVENTS);
                all
            }

            /// A harness: `main CASES.json OUTCOMES.json` (see `b24_runtime::conformance::main`).
            pub fn main() -> ::std::process::ExitCode {
                ::b24_runtime::conformance::main(&methods(), &events())
            }
        }
    }
}
