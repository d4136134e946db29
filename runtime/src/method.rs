//! The contract between generated method types and the runtime.
//!
//! Every generated method is a zero-sized type implementing [`Method`]; its `Params` implement
//! [`Request`], which names the method back, so a call needs no turbofish:
//! `read::Params::new("chat29", 12).send(&client)`. List methods also implement [`Paginated`]
//! (pages by `start`/`next`), [`Listed`] (where the rows are) and, when the portal can filter and
//! order them by ID, [`FastListed`].

use crate::error::ApiError;
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
pub trait Method: 'static {
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

/// The params of a method, which know their method: what makes `params.send(&client)`,
/// `client.send(&params)` and `batch.add(&params)` need no turbofish.
pub trait Request: Serialize + Send + Sync + Sized {
    type Method: Method<Params = Self>;
}

/// A list method: its responses carry `total` (and `next` while more pages follow), and it pages
/// through `start`. Only these can be traversed by [`Client::pages`](crate::Client::pages).
///
/// ```compile_fail
/// # use b24_runtime::{Client, Method, MethodError, RestVersion, ApiError};
/// // A method that is not paginated cannot be listed: this does not compile.
/// struct Get;
/// impl Method for Get {
///     const NAME: &'static str = "crm.deal.get";
///     const REST_VERSION: RestVersion = RestVersion::V2;
///     const READ_ONLY: bool = true;
///     type Params = serde_json::Value;
///     type Result = serde_json::Value;
///     type Error = Box<ApiError>;
/// }
/// fn f(client: &Client) {
///     let _ = client.pages::<Get>(&serde_json::json!({}));
/// }
/// ```
pub trait Paginated: Method {}

/// A list method whose pages hold rows: where they are in `result`, and how to take them out.
pub trait Listed: Paginated {
    /// One row.
    type Row: Send + 'static;
    /// The wire path of the rows inside `result` (empty: `result` is the list; `["items"]` for
    /// `crm.item.list`).
    const ROWS: &'static [&'static str];
    /// The rows of one page's `result`.
    fn rows(result: Self::Result) -> Vec<Self::Row>;
}

/// A list method whose rows the portal filters (`>ID`) and orders by an ID field: the fast
/// traversal ([`Client::fast_list`](crate::Client::fast_list)) applies.
pub trait FastListed: Listed {
    /// The ID field of the rows, `filter` and `order` (`ID`; `id` for `crm.item.list`).
    const ID: &'static str;
}

/// A method's error enum: documented codes plus a fallback for the rest. Each variant keeps the
/// whole [`ApiError`] (HTTP status, description, REST 3 validation, `time`).
///
/// `Box<ApiError>` is the error of calls made by name, where no method type is known.
pub trait MethodError: std::fmt::Debug + std::fmt::Display + Send + Sync + Sized + 'static {
    /// Sorts an error answer into the enum; codes the docs do not list become its `Other`.
    fn from_api(error: Box<ApiError>) -> Self;
    /// The error answer.
    fn api(&self) -> &ApiError;
    /// The error answer, by value.
    fn into_api(self) -> Box<ApiError>;
    /// The wire code (`""` for the docs' "empty value" errors).
    fn code(&self) -> &str {
        &self.api().code
    }
    /// Sorts a code and a description (an answer that came without the rest).
    fn from_code(method: &str, code: &str, description: &str) -> Self {
        Self::from_api(Box::new(ApiError::new(method, 400, code, description)))
    }
}

impl MethodError for Box<ApiError> {
    fn from_api(error: Box<ApiError>) -> Self {
        error
    }
    fn api(&self) -> &ApiError {
        self
    }
    fn into_api(self) -> Box<ApiError> {
        self
    }
}
