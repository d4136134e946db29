//! Token trees for union enums (see `rust::unions`): the enum, then one `wire_union!` line
//! that writes its serde impls in the runtime.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::items::{ident, ty_tokens, ItemCtx};
use crate::rust::plan::{UnionPlan, UnionVariantPlan};
use crate::rust::unions::Form;
use crate::rust::{Dir, Ty};

fn union_doc(u: &UnionPlan<'_>, cx: ItemCtx<'_>) -> String {
    let ty = if u.doc.is_empty() {
        String::new()
    } else {
        format!(" (type {})", docs::code(u.doc))
    };
    match u.origin {
        Some(f) => {
            let mut doc = format!(
                "One of the documented forms of {}{ty}.",
                docs::code(&f.name)
            );
            if let Some(t) = docs::text(&f.doc, cx.base) {
                doc.push_str("\n\n");
                doc.push_str(&docs::first_paragraph(&t));
            }
            doc
        }
        None => format!("The `result` of the call: one of its documented forms{ty}."),
    }
}

/// The `wire_union!` entry of a variant: its form, then the type the form needs.
fn entry(v: &UnionVariantPlan) -> TokenStream {
    let id = ident(&v.ident);
    let scalar = |t: &Ty| matches!(t, Ty::I64 | Ty::F64 | Ty::Bool | Ty::Str);
    match (v.form, &v.ty) {
        (Form::Bool, _) => quote!(bool #id,),
        (Form::Integer, _) => quote!(integer #id,),
        (Form::Number, _) => quote!(number #id,),
        (Form::Text, Ty::Str) => quote!(text #id,),
        (Form::Text, t) => {
            let t = ty_tokens(t);
            quote!(string #id: #t,)
        }
        (Form::Array, Ty::Vec(inner)) => {
            let t = ty_tokens(inner);
            if scalar(inner) {
                quote!(list #id: #t,)
            } else {
                quote!(array #id: #t,)
            }
        }
        (_, t) => {
            let t = ty_tokens(t);
            quote!(object #id: #t,)
        }
    }
}

/// A union enum and its `wire_union!` line.
pub fn union(u: &UnionPlan<'_>, cx: ItemCtx<'_>) -> TokenStream {
    let name = ident(&u.name);
    let doc = cx.docs.outer(&union_doc(u, cx));
    let core = cx.core;
    let variants = u.variants.iter().map(|v| {
        let id = ident(&v.ident);
        let t = ty_tokens(&v.ty);
        let d = if v.doc.is_empty() {
            format!("A {} value.", v.form.name())
        } else {
            docs::code(&v.doc)
        };
        let d = cx.docs.outer(&d);
        quote!(#d #id(#t),)
    });
    let entries = u.variants.iter().map(entry);
    let dir = match u.dir {
        Dir::Params => quote!(params),
        Dir::Result => quote!(results),
    };
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value of another form, as sent.
            Other(::serde_json::Value),
        }
        #core::wire_union!(#dir #name { #(#entries)* });
    }
}
