//! The events crate: a payload struct per event and one enum of all events.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{self, DocTable};
use super::items::{self, ident, ItemCtx};
use super::method::{link_base, official_link};
use super::shared;
use crate::ir::{Event, Lang};
use crate::rust::plan::{EventPlan, Plan, SHARED_MODULE};

fn headline(e: &Event, lang: Lang) -> String {
    match e
        .title
        .prefer(lang)
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(t) => format!("{}: {}", docs::code(&e.name), docs::first_paragraph(t)),
        None => docs::code(&e.name),
    }
}

/// Every event module's types, for [`shared::find`].
pub fn modules<'p, 'a>(plan: &'p Plan<'a>) -> Vec<shared::Module<'p, 'a>> {
    let lang = plan.options.lang;
    plan.events
        .iter()
        .map(|e| shared::Module {
            types: &e.types,
            base: link_base(&e.ir.sources, lang),
        })
        .collect()
}

/// The module of the types several events' payloads share.
pub fn shared_module(
    sharing: &shared::Sharing,
    modules: &[shared::Module<'_, '_>],
    core: &TokenStream,
    docs: &DocTable,
) -> TokenStream {
    let doc = docs.inner(
        "Types the payloads of several events share, defined once: each event's module \
         re-exports the ones it uses under the same name (`on_crm_deal_add::Auth`), which is the \
         path to write.",
    );
    let items = shared::items(sharing, modules, core, docs);
    quote! {
        #doc
        #items
    }
}

/// One event's module: docs and the payload types (`shared`: those it re-exports from the
/// shared module instead of defining).
pub fn event_module(
    ep: &EventPlan<'_>,
    lang: Lang,
    core: &TokenStream,
    shared: &BTreeSet<String>,
    docs: &DocTable,
) -> TokenStream {
    let e = ep.ir;
    let base = link_base(&e.sources, lang);
    let mut doc = vec![headline(e, lang)];
    if let Some(s) = docs::text(&e.summary, base) {
        doc.push(s);
    }
    let mut facts = Vec::new();
    if !e.scopes.is_empty() {
        let s: Vec<String> = e.scopes.iter().map(|s| docs::code(s)).collect();
        facts.push(format!("- Scope: {}", s.join(", ")));
    }
    if e.deprecated {
        facts.push("- **Deprecated** in the Bitrix24 docs.".to_owned());
    }
    if !facts.is_empty() {
        doc.push(facts.join("\n"));
    }
    if let Some(l) = official_link(&e.sources, lang) {
        doc.push(l);
    }
    let doc = docs.inner(&doc.join("\n\n"));
    let types = items::types_except(&ep.types, ItemCtx { core, base, docs }, shared);
    let uses = (!shared.is_empty()).then(|| {
        let module = ident(SHARED_MODULE);
        let names = shared.iter().map(|n| ident(n));
        quote!(pub use crate::#module::{#(#names),*};)
    });
    quote! {
        #doc
        #uses
        #types
    }
}

/// The events crate root: module declarations and the `Event` enum.
pub fn events_lib(
    events: &[EventPlan<'_>],
    lang: Lang,
    lints: &TokenStream,
    has_shared: bool,
    docs: &DocTable,
) -> TokenStream {
    let n = events.len();
    let crate_doc = docs.inner(&format!(
        "Payloads of the {n} documented Bitrix24 events, and [`Event`], one enum of them all for \
         webhook handlers.\n\nEach event has a module with its `Payload` (what the handler \
         receives: `event`, `data`, `ts`, `auth`…). Payload structs decode leniently and ignore \
         keys they do not know."
    ));
    let mods = events.iter().map(|e| {
        let m = ident(&e.module);
        quote!(pub mod #m;)
    });
    let shared = has_shared.then(|| {
        let m = ident(SHARED_MODULE);
        quote!(pub mod #m;)
    });
    let variants = events.iter().map(|e| {
        let v = ident(&e.variant);
        let m = ident(&e.module);
        let d = docs.outer(&headline(e.ir, lang));
        quote!(#d #v(#m::Payload),)
    });
    let arms = events.iter().filter_map(|e| {
        let upper = e.match_name.as_ref()?;
        let v = ident(&e.variant);
        Some(quote!(#upper => Self::#v(::serde_json::from_value(payload)?),))
    });
    let registry = super::conformance::events_registry(events);
    let names = events.iter().map(|e| {
        let v = ident(&e.variant);
        let name = &e.ir.name;
        quote!(Self::#v(_) => #name,)
    });
    quote! {
        #crate_doc
        #lints
        #(#mods)*
        #shared

        /// Every documented event; `Unknown` keeps any other.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// An event the docs do not describe, with its raw payload.
            Unknown { name: String, payload: ::serde_json::Value },
        }

        impl Event {
            /// Decodes a handler payload (`{"event": …, "data": …, "ts": …, "auth": …}`),
            /// choosing the variant by its `event` key.
            ///
            /// This does not verify the payload: anybody can POST to an event handler. For a
            /// body received from the network use [`Event::from_verified`], which checks
            /// `auth[application_token]` against the token the portal gave the application at
            /// install first.
            pub fn from_payload(payload: ::serde_json::Value) -> Result<Self, ::serde_json::Error> {
                let name = payload
                    .get("event")
                    .and_then(::serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                Self::from_parts(&name, payload)
            }

            /// Verifies and decodes the body of an event POST (form-encoded, or JSON when
            /// `content_type` says so): `auth[application_token]` is compared with
            /// `application_token` in constant time before the body is decoded (see
            /// `b24_runtime::events::verified_payload`), then the payload is read by its
            /// `event` name.
            pub fn from_verified(
                content_type: Option<&str>,
                body: &[u8],
                application_token: &str,
            ) -> Result<Self, ::b24_runtime::events::EventError> {
                let payload =
                    ::b24_runtime::events::verified_payload(content_type, body, application_token)?;
                Self::from_payload(payload).map_err(|e| ::b24_runtime::events::EventError::Data {
                    path: "payload".to_owned(),
                    message: e.to_string(),
                })
            }

            /// Decodes `payload` as the event `name` (matched case-insensitively: the portal
            /// sends names upper-cased).
            pub fn from_parts(name: &str, payload: ::serde_json::Value) -> Result<Self, ::serde_json::Error> {
                Ok(match name.to_ascii_uppercase().as_str() {
                    #(#arms)*
                    _ => Self::Unknown { name: name.to_owned(), payload },
                })
            }

            /// The event's name as the docs write it.
            pub fn name(&self) -> &str {
                match self {
                    #(#names)*
                    Self::Unknown { name, .. } => name,
                }
            }
        }

        #registry
    }
}
