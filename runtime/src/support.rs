//! Support code of the generated crates: the deserialize helpers and seeds their result structs
//! use, and the `macro_rules!` that write their repetitive impls (serde, setters, enum spellings,
//! error codes, the call surface) from one short line per item.
//!
//! The non-generic functions these macros write are `#[inline]`: a library compiles an
//! `#[inline]` function only where it is called, so building a scope crate of 400 methods does
//! not generate machine code for 400 error enums' `from_api` or `Display`; an application pays
//! for the methods it calls.
//!
//! Not an API of its own: generated code names these paths (`::b24_runtime::support::…`), and
//! their shape may change with the generator. What users touch is re-exported where it belongs
//! ([`wire::Lenient`](crate::wire::Lenient), [`Paginated`](crate::Paginated), …).

pub mod de;
mod macros;
pub mod seed;
pub mod union;

pub use crate::method::{FastListed, Listed, Paginated};
pub use crate::wire::Lenient;
pub use serde;

pub use crate::{
    call_surface, list_surface, method_error, params_serialize, result_fields, setters, wire_enum,
    wire_union,
};
