//! Token trees for structs, enums and fields (shared by methods and events).

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{self, LinkBase};
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
    /// The core crate's library name as a path root (`bitrix24_core`).
    pub core: &'a Ident,
    pub base: LinkBase<'a>,
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
        Ty::Vec(t) => {
            let t = ty_tokens(t);
            quote!(Vec<#t>)
        }
        Ty::Struct(n) | Ty::Enum(n) => {
            let i = ident(n);
            quote!(#i)
        }
    }
}

/// The `deserialize_with` helper of an optional result field of this type.
fn de_with(ty: &Ty, core: &Ident) -> String {
    let wire = |f: &str| format!("b24_runtime::wire::{f}");
    let core_de = |f: &str| format!("{core}::de::{f}");
    match ty {
        Ty::I64 => wire("opt_i64"),
        Ty::F64 => wire("opt_f64"),
        Ty::Bool => wire("opt_bool"),
        Ty::Str => wire("opt_string"),
        Ty::YesNo => wire("opt_yes_no"),
        Ty::Date => wire("opt_date"),
        Ty::DateTime => wire("opt_datetime"),
        Ty::Value | Ty::Object => wire("opt_value"),
        Ty::Struct(_) | Ty::Enum(_) => core_de("opt"),
        Ty::Vec(inner) => match **inner {
            Ty::I64 => core_de("opt_vec_i64"),
            Ty::F64 => core_de("opt_vec_f64"),
            Ty::Bool => core_de("opt_vec_bool"),
            Ty::Str => core_de("opt_vec_string"),
            _ => wire("opt_vec"),
        },
    }
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
    let structs = t.structs.iter().map(|s| structure(s, cx));
    let enums = t.enums.iter().map(|e| enumeration(e, cx));
    quote! { #(#structs)* #(#enums)* }
}

fn structure(s: &StructPlan<'_>, cx: ItemCtx<'_>) -> TokenStream {
    let name = ident(&s.name);
    let doc = docs::doc_attrs(&struct_doc(s));
    let fields = s.fields.iter().map(|f| field(f, s.dir, cx));
    match s.dir {
        Dir::Result => quote! {
            #doc
            #[derive(Debug, Clone, ::serde::Deserialize)]
            pub struct #name { #(#fields)* }
        },
        Dir::Params => {
            let extra = s.has_extra().then(|| {
                let keys: Vec<String> =
                    s.placeholders.iter().map(|p| docs::code(&p.name)).collect();
                let d = docs::doc_attrs(&format!(
                    "Keys the docs give only as a pattern ({}), set with `extra`.",
                    keys.join(", ")
                ));
                let conformance = super::conformance::extra_field_attrs(s);
                quote! {
                    #d
                    #[serde(flatten)]
                    #conformance
                    pub extra: ::b24_runtime::wire::Object,
                }
            });
            let default = (!s.has_required()).then(|| quote!(Default,));
            let builder = builder(s, &name);
            let conformance = super::conformance::params_struct_attrs(s);
            let extra_fn = super::conformance::extra_fn(s);
            quote! {
                #doc
                #[derive(Debug, Clone, #default ::serde::Serialize)]
                #conformance
                pub struct #name { #(#fields)* #extra }
                #builder
                #extra_fn
            }
        }
    }
}

fn field(f: &FieldPlan<'_>, dir: Dir, cx: ItemCtx<'_>) -> TokenStream {
    let doc = docs::doc_attrs(&field_doc(f.ir, dir, cx.base));
    let id = ident(&f.ident);
    let ty = ty_tokens(&f.ty);
    let mut args = Vec::new();
    if crate::rust::naming::unraw(&f.ident) != f.ir.name {
        let wire = &f.ir.name;
        args.push(quote!(rename = #wire));
    }
    let deprecated = f.ir.deprecated.then(|| quote!(#[deprecated]));
    let ty = match dir {
        Dir::Params if f.required => ty,
        Dir::Params => {
            args.push(quote!(skip_serializing_if = "Option::is_none"));
            quote!(Option<#ty>)
        }
        Dir::Result => {
            let with = de_with(&f.ty, cx.core);
            args.push(quote!(default, deserialize_with = #with));
            quote!(Option<#ty>)
        }
    };
    let serde = (!args.is_empty()).then(|| quote!(#[serde(#(#args),*)]));
    let conformance = super::conformance::params_field_attrs(f, dir);
    quote! {
        #doc
        #deprecated
        #conformance
        #serde
        pub #id: #ty,
    }
}

/// `new(required…)` and one setter per optional field.
fn builder(s: &StructPlan<'_>, name: &Ident) -> TokenStream {
    let required: Vec<&FieldPlan<'_>> = s.fields.iter().filter(|f| f.required).collect();
    let new = if required.is_empty() {
        quote! {
            /// Creates empty parameters (every field is optional).
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
        let doc = docs::doc_attrs(&format!(
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
        let doc = docs::doc_attrs(&format!("Sets {}.", docs::code(&f.ir.name)));
        let deprecated = f.ir.deprecated.then(|| quote!(#[deprecated]));
        quote! {
            #doc
            #deprecated
            pub fn #id(mut self, value: impl Into<#ty>) -> Self {
                self.#id = Some(value.into());
                self
            }
        }
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
    quote! {
        impl #name {
            #new
            #(#setters)*
            #extra
        }
    }
}

fn enumeration(e: &EnumPlan<'_>, cx: ItemCtx<'_>) -> TokenStream {
    let name = ident(&e.name);
    let mut doc = format!("Documented values of {}.", docs::code(&e.origin.name));
    if let Some(t) = docs::text(&e.origin.doc, cx.base) {
        doc.push_str("\n\n");
        doc.push_str(&docs::first_paragraph(&t));
    }
    let doc = docs::doc_attrs(&doc);
    let core = cx.core;
    let variants = e.variants.iter().map(|(v, value)| {
        let vid = ident(v);
        let mut d = docs::code(&value.value);
        if let Some(t) = docs::text(&value.doc, cx.base) {
            d.push_str(": ");
            d.push_str(&t);
        }
        let d = docs::doc_attrs(&d);
        quote!(#d #vid,)
    });
    let to_str = e.variants.iter().map(|(v, value)| {
        let vid = ident(v);
        let lit = &value.value;
        quote!(Self::#vid => #lit,)
    });
    let from_str = e.variants.iter().map(|(v, value)| {
        let vid = ident(v);
        let lit = &value.value;
        quote!(#lit => Self::#vid,)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum #name {
            #(#variants)*
            /// A value the docs do not list.
            Unknown(String),
        }

        impl #name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(s) => s,
                }
            }

            /// The variant for a wire spelling (`Unknown` for values the docs do not list).
            pub fn from_wire(s: &str) -> Self {
                match s {
                    #(#from_str)*
                    _ => Self::Unknown(s.to_owned()),
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #core::de::wire_str(d).map(|s| Self::from_wire(&s))
            }
        }
    }
}
