//! The conformance support of the generated crates, behind `--cfg b24_conformance` (with the
//! runtime's `conformance` feature; b24gen's test harness sets both).
//!
//! A cfg, not a Cargo feature: it is the test suite's instrumentation, not a part of the client.
//! The registries monomorphise the runtime's checkers for every method, which is most of what
//! building the crates costs (the full-corpus `cargo build` took 205 s with it and ~70 s
//! without), and a feature would be in every `--all-features` build (docs.rs's too).
//!
//! With the cfg on:
//! - params structs also implement `Deserialize` (the runtime's `conformance_params!`), denying
//!   unknown keys (keys matching a placeholder row's pattern go to `extra`); integers, doubles
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
use crate::rust::plan::{EventPlan, MethodPlan, ModPlan, Plan, ScopePlan, StructPlan};
use crate::rust::{Dir, Ty};

/// The cfg that turns the conformance support on (`RUSTFLAGS="--cfg b24_conformance"`).
pub const CFG: &str = "b24_conformance";

/// The conformance `Deserialize` of a params struct (through the runtime's
/// `conformance_params!`): documented keys only, lenient numbers and strings, placeholder
/// patterns for `extra`.
pub fn params_deserialize(s: &StructPlan<'_>) -> TokenStream {
    if s.dir != Dir::Params {
        return TokenStream::new();
    }
    let name = ident(&s.name);
    let entries = s.fields.iter().map(|f| {
        let kind = if f.required { quote!(req) } else { quote!(opt) };
        let wire = &f.ir.name;
        let id = ident(&f.ident);
        let seed = seed(&f.ty);
        quote!(#kind #wire => #id: #seed,)
    });
    let extra = s.has_extra().then(|| {
        let patterns = s.placeholders.iter().map(|p| p.name.as_str());
        quote!(extra [#(#patterns),*])
    });
    quote! {
        #[cfg(b24_conformance)]
        ::b24_runtime::conformance_params!(#name { #(#entries)* } #extra);
    }
}

/// How a params field decodes: numbers and strings leniently, the rest as their type does.
fn seed(ty: &Ty) -> TokenStream {
    let scalar = |t: &Ty| matches!(t, Ty::I64 | Ty::F64 | Ty::Str);
    match ty {
        t if scalar(t) => quote!(lenient),
        Ty::Vec(inner) if scalar(inner) => quote!(lenient_vec),
        _ => quote!(plain),
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
    // The runtime's list traversal (`Client::pages`, any method) sets `start` itself; the
    // params type need not declare it.
    let declares_start = mp
        .types
        .structs
        .first()
        .is_some_and(|p| p.fields.iter().any(|f| f.ir.name == "start"));
    let runtime_keys: Vec<&str> = if declares_start {
        Vec::new()
    } else {
        vec!["start"]
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
        #[cfg(b24_conformance)]
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
        #[cfg(b24_conformance)]
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
        #[cfg(b24_conformance)]
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
