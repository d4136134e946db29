//! `b24gen openapi`: the IR as one OpenAPI 3.1 document.
//!
//! [`wire`] (the lenient wire forms and shared bodies, as components) → [`schema`] (IR types →
//! JSON Schema) → [`examples`] (the docs' examples) and [`errors`] (error bodies) →
//! [`operation`] (one path per method) → [`document`] (assembly). The output is a
//! `serde_json::Value` whose maps keep insertion order, so the same IR gives the same bytes.

pub mod document;
pub mod errors;
pub mod examples;
pub mod operation;
pub mod schema;
pub mod v30;
pub mod wire;

pub use document::{document, operations, Options};
