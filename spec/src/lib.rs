//! Facts of the Bitrix24 REST API that both b24gen (the generator) and b24-runtime (the client
//! the generated code runs on) need, so each lives in one place:
//!
//! - [`system`]: the system-wide error codes every method can answer with;
//! - [`php`]: the limits PHP puts on request parameters (nesting depth, number of pairs);
//! - [`secret`]: which wire keys hold credentials;
//! - [`placeholder`]: how the docs write a family of keys (`UF_CRM_...`, `propertyN`,
//!   `<field_code>`) and which keys such a row stands for;
//! - `conformance` (feature `conformance`): the JSON the generator's conformance suite and the
//!   harness built into the generated crates exchange.
//!
//! The generator does not depend on the runtime, nor the runtime on the generator; both depend on
//! this small crate.
#![forbid(unsafe_code)]

#[cfg(feature = "conformance")]
pub mod conformance;
pub mod php;
pub mod placeholder;
pub mod secret;
pub mod system;

pub use system::SystemError;
