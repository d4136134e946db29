//! The contract between generated method types and the runtime.
//!
//! Every generated method is a zero-sized type implementing [`Method`]; the
//! client calls any of them generically.

use serde::{de::DeserializeOwned, Serialize};

/// Which REST API a method belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RestVersion {
    /// Classic REST (`{portal}/rest/{method}`), errors as `{"error","error_description"}`.
    V2,
    /// REST 3.0 (`{portal}/rest/api/{method}`), errors as `{"error":{"code","message","validation"}}`.
    V3,
}

/// A documented REST method.
pub trait Method {
    /// Wire name, e.g. `crm.deal.add`.
    const NAME: &'static str;
    const REST_VERSION: RestVersion;
    /// True when the method only reads (safe to retry after a 5xx or a network error).
    const READ_ONLY: bool;
    /// What the call sends.
    type Params: Serialize + Send + Sync;
    /// The type of `result` in the response.
    type Result: DeserializeOwned + Send;
    /// The method's documented error codes.
    type Error: MethodError;
}

/// A method's error enum: documented codes plus a fallback for the rest.
pub trait MethodError: std::fmt::Debug + Send + Sync + Sized + 'static {
    /// Build from the wire `error` code and `error_description`; codes the docs
    /// do not list become the enum's `Other` variant.
    fn from_code(code: &str, description: &str) -> Self;
    /// The wire code (`""` for the docs' "empty value" errors).
    fn code(&self) -> &str;
}
