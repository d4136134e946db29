//! Token trees for structs, enums and fields (shared by methods and events).

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{self, DocTable, LinkBase};
use crate::ir::Field;
use crate::rust::plan::{EnumPlan, FieldPlan, StructPlan, TypesPlan};
use crate::rust::{Dir, Ty};

/// An identifier from the plan (`r#type` becomes a raw identifier).
pub fn ident(s: &str) -> Ident {
    match s.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(s, Span::call_site()),
    }
}

/// What the items of one module need to know.
#[derive(Clone, Copy)]
pub struct ItemCtx<'a> {
    /// The runtime's support module as a path root (`::b24_runtime::support`).
    pub core: &'a TokenStream,
    pub base: LinkBase<'a>,
    /// The file's doc texts.
    pub docs: &'a DocTable,
}

/// The Rust type as written in a field.
pub fn ty_tokens(ty: &Ty) -> TokenStream {
    match ty {
        Ty::I64 => quote!(i64),
        Ty::F64 => quote!(f64),
        Ty::Bool => quote!(bool),
        Ty::Str => quote!(String),
        Ty::YesNo => quote!(::b24_runtime::wire::YesNo),
        Ty::Date => quote!(::b24_runtime::wire::Date),
        Ty::DateTime => quote!(::b24_runtime::wire::DateTime),
        Ty::Value => quote!(::serde_json::Value),
        Ty::Object => quote!(::b24_runtime::wire::Object),
        Ty::File => quote!(::b24_runtime::wire::File),
        Ty::Vec(t) => {
            let t = ty_tokens(t);
            quote!(Vec<#t>)
        }
        Ty::Struct(n) | Ty::Enum(n) | Ty::Union(n) => {
            let i = ident(n);
            quote!(#i)
        }
    }
}

/// The seed that reads an optional result field of this type (see the runtime's `support::seed`).
fn seed(ty: &Ty) -> TokenStream {
    let f = match ty {
        Ty::I64 => "i64",
        Ty::F64 => "f64",
        Ty::Bool => "bool",
        Ty::Str => "string",
        Ty::YesNo => "yes_no",
        Ty::Date => "date",
        Ty::DateTime => "datetime",
        Ty::Value | Ty::Object | Ty::File => "value",
        Ty::Struct(_) | Ty::Enum(_) => "any",
        Ty::Union(_) => "union",
        Ty::Vec(inner) => match **inner {
            Ty::I64 => "vec_i64",
            Ty::F64 => "vec_f64",
            Ty::Bool => "vec_bool",
            Ty::Str => "vec_string",
            _ => "vec",
        },
    };
    let f = ident(f);
    quote!(#f)
}

/// The docs of a field: its description, then its documented type and flags.
fn field_doc(f: &Field, dir: Dir, base: LinkBase<'_>) -> String {
    let mut doc = docs::text(&f.doc, base).unwrap_or_default();
    let mut meta = Vec::new();
    if !f.ty.doc.is_empty() {
        meta.push(format!("type {}", docs::code(&f.ty.doc)));
    }
    if dir == Dir::Params && f.required {
        meta.push("**required**".to_owned());
    }
    if let Some(d) = &f.default {
        meta.push(format!("default {}", docs::code(d)));
    }
    if f.deprecated {
        meta.push("deprecated".to_owned());
    }
    let wire = format!("wire name {}", docs::code(&f.name));
    meta.insert(0, wire);
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("({})", meta.join(", ")));
    doc
}

fn struct_doc(s: &StructPlan<'_>) -> String {
    if let Some((link, token)) = s.link {
        // The same text in every module that links to it (so it can be shared).
        return format!(
            "The {} structure, as the docs define it at {}.",
            docs::code(token),
            docs::code(link)
        );
    }
    match s.origin {
        Some(f) => format!("The object in {}.", docs::code(&f.name)),
        None => match (s.name.as_str(), s.dir) {
            ("Params", _) => "The parameters of the call.".to_owned(),
            ("Output", _) => "The `result` of the call.".to_owned(),
            ("Item", _) => "One element of the `result` list.".to_owned(),
            ("Payload", _) => "What the handler receives.".to_owned(),
            (other, _) => format!("`{other}`."),
        },
    }
}

/// All structs and enums of a module.
pub fn types(t: &TypesPlan<'_>, cx: ItemCtx<'_>) -> TokenStream {
    types_except(t, cx, &BTreeSet::new())
}

/// The structs and enums of a module but those named in `skip` (which it imports instead).
pub fn types_except(t: &TypesPlan<'_>, cx: ItemCtx<'_>, skip: &BTreeSet<String>) -> TokenStream {
    let structs = t
        .structs
        .iter()
        .filter(|s| !skip.contains(&s.name))
        .map(|s| structure(s, cx));
    let enums = t
        .enums
        .iter()
        .filter(|e| !skip.contains(&e.name))
        .map(|e| enumeration(e, cx));
    let unions = t
        .unions
        .iter()
        .filter(|u| !skip.contains(&u.name))
        .map(|u| super::unions::union(u, cx));
    quote! { #(#structs)* #(#enums)* #(#unions)* }
}

/// One struct or enum of a module, by name.
pub fn named(t: &TypesPlan<'_>, name: &str, cx: ItemCtx<'_>) -> Option<TokenStream> {
    if let Some(s) = t.structs.iter().find(|s| s.name == name) {
        return Some(structure(s, cx));
    }
    if let Some(e) = t.enums.iter().find(|e| e.name == name) {
        return Some(enumeration(e, cx));
    }
    t.unions
        .iter()
        .find(|u| u.name == name)
        .map(|u| super::unions::union(u, cx))
}

/// The names of the module's own types that the item `name` refers to (`None`: no such item).
pub fn refs<'t>(t: &'t TypesPlan<'_>, name: &str) -> Option<Vec<&'t str>> {
    fn walk<'t>(ty: &'t Ty, out: &mut Vec<&'t str>) {
        match ty {
            Ty::Struct(n) | Ty::Enum(n) | Ty::Union(n) => out.push(n),
            Ty::Vec(inner) => walk(inner, out),
            _ => {}
        }
    }
    if let Some(s) = t.structs.iter().find(|s| s.name == name) {
        let mut out = Vec::new();
        for f in &s.fields {
            walk(&f.ty, &mut out);
        }
        return Some(out);
    }
    if let Some(u) = t.unions.iter().find(|u| u.name == name) {
        let mut out = Vec::new();
        for v in &u.variants {
            walk(&v.ty, &mut out);
        }
        return Some(out);
    }
    t.enums.iter().any(|e| e.name == name).then(Vec::new)
}

fn structure(s: &StructPlan<'_>, cx: ItemCtx<'_>) -> TokenStream {
    let name = ident(&s.name);
    let doc = cx.docs.outer(&struct_doc(s));
    let fields = s.fields.iter().map(|f| field(f, s.dir, cx));
    match s.dir {
        Dir::Result => {
            let de = deserialize_impl(s, &name, cx.core);
            let keys: Vec<String> = s.placeholders.iter().map(|p| docs::code(&p.name)).collect();
            let patterns = if keys.is_empty() {
                String::new()
            } else {
                format!(
                    " and the keys the docs give only as a pattern ({})",
                    keys.join(", ")
                )
            };
            let d = cx.docs.outer(&format!(
                "The keys the docs do not list (custom fields `UF_…` among them){patterns}, in \
                 answer order; `extra.get_as::<T>(key)` reads one as leniently as the fields."
            ));
            quote! {
                #doc
                #[derive(Debug, Clone, Default)]
                #[non_exhaustive]
                pub struct #name {
                    #(#fields)*
                    #d
                    pub extra: ::b24_runtime::wire::Object,
                }
                #de
            }
        }
        Dir::Params => {
            let extra = s.has_extra().then(|| {
                let keys: Vec<String> =
                    s.placeholders.iter().map(|p| docs::code(&p.name)).collect();
                let d = cx.docs.outer(&format!(
                    "Keys the docs give only as a pattern ({}), set with `extra`.",
                    keys.join(", ")
                ));
                quote! {
                    #d
                    pub extra: ::b24_runtime::wire::Object,
                }
            });
            let default = (!s.has_required()).then(|| quote!(Default,));
            let builder = builder(s, &name, cx);
            let ser = serialize_impl(s, &name, cx.core);
            let conformance = super::conformance::params_deserialize(s);
            quote! {
                #doc
                #[derive(Debug, Clone, #default)]
                #[non_exhaustive]
                pub struct #name { #(#fields)* #extra }
                #builder
                #ser
                #conformance
            }
        }
    }
}

/// A result field holding a credential (`access_token`, `application_token`… as a string): a
/// `b24_runtime::Secret`, which `Debug` prints as `***`.
fn is_secret(f: &FieldPlan<'_>, dir: Dir) -> bool {
    dir == Dir::Result && f.ty == Ty::Str && b24_spec::secret::is_secret_key(&f.ir.name)
}

/// `Fields` + `Deserialize` through the runtime's `result_fields!` (one entry per field).
fn deserialize_impl(s: &StructPlan<'_>, name: &Ident, core: &TokenStream) -> TokenStream {
    let entries = s.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let wire = &f.ir.name;
        let seed = if is_secret(f, Dir::Result) {
            quote!(secret)
        } else {
            seed(&f.ty)
        };
        quote!(#wire => #id: #seed,)
    });
    quote!(#core::result_fields!(#name { #(#entries)* });)
}

/// `Serialize` through the runtime's `params_serialize!`: a map of the set fields under their
/// wire names, then the `extra` keys.
fn serialize_impl(s: &StructPlan<'_>, name: &Ident, core: &TokenStream) -> TokenStream {
    let entries = s.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let wire = &f.ir.name;
        let kind = if f.required { quote!(req) } else { quote!(opt) };
        quote!(#kind #wire => #id,)
    });
    let extra = s.has_extra().then(|| quote!(extra));
    quote!(#core::params_serialize!(#name { #(#entries)* } #extra);)
}

fn field(f: &FieldPlan<'_>, dir: Dir, cx: ItemCtx<'_>) -> TokenStream {
    let doc = cx.docs.outer(&field_doc(f.ir, dir, cx.base));
    let id = ident(&f.ident);
    let ty = if is_secret(f, dir) {
        quote!(::b24_runtime::Secret)
    } else {
        ty_tokens(&f.ty)
    };
    let deprecated = f.ir.deprecated.then(|| quote!(#[deprecated]));
    let ty = if dir == Dir::Params && f.required {
        ty
    } else {
        quote!(Option<#ty>)
    };
    quote! {
        #doc
        #deprecated
        pub #id: #ty,
    }
}

/// `new(required…)` and, through the runtime's `setters!`, one setter per optional field.
fn builder(s: &StructPlan<'_>, name: &Ident, cx: ItemCtx<'_>) -> TokenStream {
    let core = cx.core;
    let required: Vec<&FieldPlan<'_>> = s.fields.iter().filter(|f| f.required).collect();
    let new = if required.is_empty() {
        quote! {
            /// Creates empty parameters (every field is optional).
            #[inline]
            pub fn new() -> Self {
                <Self as Default>::default()
            }
        }
    } else {
        let args = required.iter().map(|f| {
            let id = ident(&f.ident);
            let ty = ty_tokens(&f.ty);
            quote!(#id: impl Into<#ty>)
        });
        let inits = s.fields.iter().map(|f| {
            let id = ident(&f.ident);
            if f.required {
                quote!(#id: #id.into())
            } else {
                quote!(#id: None)
            }
        });
        let extra = s.has_extra().then(|| quote!(extra: Default::default(),));
        let names: Vec<String> = required.iter().map(|f| docs::code(&f.ir.name)).collect();
        let doc = cx.docs.outer(&format!(
            "Creates the parameters from the required ones ({}).",
            names.join(", ")
        ));
        quote! {
            #doc
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* #extra }
            }
        }
    };
    let setters = s.fields.iter().filter(|f| !f.required).map(|f| {
        let id = ident(&f.ident);
        let ty = ty_tokens(&f.ty);
        let deprecated = f.ir.deprecated.then(|| quote!(#[deprecated]));
        quote!(#deprecated #id: #ty,)
    });
    let extra = s.has_extra().then(|| {
        quote! {
            /// Sets a key the docs give only as a pattern (for example a user field `UF_…`).
            pub fn extra(mut self, key: impl Into<String>, value: impl Into<::serde_json::Value>) -> Self {
                self.extra.insert(key.into(), value.into());
                self
            }
        }
    });
    let any_setters = s.fields.iter().any(|f| !f.required);
    let setters = any_setters.then(|| quote!(#core::setters!(#name { #(#setters)* });));
    quote! {
        impl #name {
            #new
            #extra
        }
        #setters
    }
}

fn enumeration(e: &EnumPlan<'_>, cx: ItemCtx<'_>) -> TokenStream {
    let name = ident(&e.name);
    let mut doc = format!("Documented values of {}.", docs::code(&e.origin.name));
    if let Some(t) = docs::text(&e.origin.doc, cx.base) {
        doc.push_str("\n\n");
        doc.push_str(&docs::first_paragraph(&t));
    }
    let doc = cx.docs.outer(&doc);
    let core = cx.core;
    let variants = e.variants.iter().map(|(v, value)| {
        let vid = ident(v);
        let mut d = docs::code(&value.value);
        if let Some(t) = docs::text(&value.doc, cx.base) {
            d.push_str(": ");
            d.push_str(&t);
        }
        let d = cx.docs.outer(&d);
        quote!(#d #vid,)
    });
    let entries = e.variants.iter().map(|(v, value)| {
        let vid = ident(v);
        let lit = &value.value;
        quote!(#vid = #lit,)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value the docs do not list.
            Unknown(String),
        }
        #core::wire_enum!(#name { #(#entries)* });
    }
}
