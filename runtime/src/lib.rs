//! b24-runtime: the hand-written runtime of the generated Bitrix24 client.
//!
//! - [`Client`]: typed calls (`params.send(&client)`, through [`Request`] and [`Method`]), raw calls by name, webhook or OAuth auth,
//!   client-side rate limit, retries, operating-time tracking ([`client`]).
//! - [`batch::Batch`]: typed batches with `$result[…]` references, split by 50.
//! - [`list`]: streams over list methods (`start`/`next`, and the fast ID-ordered mode).
//! - [`wire`]: lenient decoding of Bitrix24's wire quirks, used by the generated types.
//! - [`events`]: inbound event POSTs and `application_token` verification.
pub mod auth;
pub mod batch;
pub mod client;
#[cfg(feature = "conformance")]
pub mod conformance;
#[cfg(all(b24_conformance, not(feature = "conformance")))]
compile_error!("`--cfg b24_conformance` (the generated crates' conformance registries) needs b24-runtime's `conformance` feature");
pub mod error;
pub mod events;
pub mod limits;
pub mod list;
pub mod method;
mod params;
mod query;
pub mod response;
pub mod secret;
#[doc(hidden)]
pub mod support;
pub mod wire;

pub use auth::{MemoryTokenStore, OAuth, TokenStore, Tokens};
pub use client::{Call, CallOptions, Client, ClientBuilder};
pub use error::{ApiError, AuthError, Error, SystemError};
pub use limits::{OperatingStats, RateLimit, RetryPolicy};
pub use list::{ListStream, Pages, Rows};
pub use method::{FastListed, Listed, Method, MethodError, Paginated, Request, RestVersion};
pub use response::{Response, Time};
pub use secret::Secret;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
