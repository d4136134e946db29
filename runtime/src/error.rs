//! The one error type of every call.
//!
//! [`Error<E>`] is generic over the API error it carries: a typed call returns the method's own
//! error enum (`Error<read::Error>`), so its documented codes are matched directly next to the
//! transport, limit, auth and decode failures; a call by name returns `Error` (the API error as a
//! `Box<ApiError>`).

use crate::method::{Method, MethodError};
use crate::response::Time;
use std::fmt;
use std::time::Duration;

/// What went wrong with a call. Never carries a credential: URLs are stripped from transport
/// errors and tokens are never part of a message.
///
/// `E` is the API error: the method's typed error enum for typed calls, `Box<ApiError>` for
/// calls by name.
///
/// ```
/// use b24_runtime::{ApiError, Error, MethodError};
/// fn describe<E: MethodError>(e: &Error<E>) -> String {
///     match e {
///         Error::Api(api) => format!("the portal said {}", api.code()),
///         Error::Timeout { after, .. } => format!("no answer in {after:?}"),
///         other => other.to_string(),
///     }
/// }
/// let e: Error = Error::Api(Box::new(ApiError::new("crm.deal.get", 400, "NOT_FOUND", "Not found")));
/// assert_eq!(describe(&e), "the portal said NOT_FOUND");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E: MethodError = Box<ApiError>> {
    /// Bitrix24 answered with an error (`{"error", "error_description"}` or REST 3's
    /// `{"error": {"code", "message", "validation"}}`), sorted into the method's error enum.
    #[error("{0}")]
    Api(E),
    /// The request did not complete: connection refused or dropped, broken body, TLS…
    #[error("{method}: transport error: {source}")]
    Transport {
        method: String,
        #[source]
        source: reqwest::Error,
    },
    /// No answer within the timeout.
    #[error("{method}: timed out after {after:?}")]
    Timeout { method: String, after: Duration },
    /// The answer is not the JSON we expect; `path` is where decoding failed (`result.items[3].ID`).
    #[error("{method}: cannot decode the response at `{path}`: {message} (HTTP {status})")]
    Decode {
        method: String,
        path: String,
        message: String,
        status: u16,
    },
    /// A non-JSON answer with an error status (a proxy's 502 page…).
    #[error("{method}: HTTP {status} without a JSON body")]
    Http { method: String, status: u16 },
    /// OAuth: the refresh failed or needs the user.
    #[error("{method}: {kind}")]
    Auth { method: String, kind: AuthError },
    /// The call cannot be made as asked (params not a JSON object, REST 3 method in a batch…).
    #[error("{method}: invalid request: {message}")]
    Invalid { method: String, message: String },
    /// The portal (or something before it) answered a redirect. None is followed: a 301/302
    /// would turn the POST into a GET without its params (a filtered list answering unfiltered
    /// rows), a 307 to another host would re-send the body with its `auth` token. `location` is
    /// the `Location` header without its query, a webhook code in it masked.
    #[error("{method}: HTTP {status} redirect to {location} refused (check the portal address)")]
    Redirect {
        method: String,
        status: u16,
        location: String,
    },
    /// A batch command whose outcome is unknown: its batch call failed after it was sent (a
    /// timeout, a dropped connection), so the portal may have run it. Check before running a
    /// write again.
    #[error("{method}: batch command `{key}` may or may not have run: {reason}")]
    Unknown {
        method: String,
        key: String,
        reason: String,
    },
    /// A batch command that was not executed (`halt` after an earlier error, a failed batch
    /// call, a reference to a failed command).
    #[error("{method}: batch command `{key}` was not executed: {reason}")]
    Skipped {
        method: String,
        key: String,
        reason: String,
    },
}

/// OAuth failures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// `invalid_grant` (refresh token expired or revoked) and similar: the application must be
    /// authorized again by a user.
    #[error(
        "the refresh token was rejected ({code}: {description}); re-authorize the application"
    )]
    ReAuthorize { code: String, description: String },
    /// The token endpoint answered something else.
    #[error("token refresh failed: {0}")]
    RefreshFailed(String),
    /// The user-supplied token store could not save the new tokens.
    #[error("the token store failed to save the refreshed tokens: {0}")]
    Store(String),
}

/// An error answer from Bitrix24.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The method called (`batch` for batch-level errors, the command's method for its own).
    pub method: String,
    /// HTTP status (for a batch command, the batch's status).
    pub status: u16,
    /// The wire code: `QUERY_LIMIT_EXCEEDED`, `expired_token`, `BITRIX_REST_V3_…`, a method's own.
    pub code: String,
    /// `error_description` (REST 2) or `message` (REST 3).
    pub description: String,
    /// REST 3 `validation` entries.
    pub validation: Vec<Validation>,
    /// The `time` block, when the error answer carried one.
    pub time: Option<Time>,
}

/// One REST 3 validation entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Validation {
    #[serde(default, deserialize_with = "crate::wire::opt_string")]
    pub field: Option<String>,
    #[serde(default, deserialize_with = "crate::wire::opt_string")]
    pub message: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: API error {}", self.method, self.code)?;
        if !self.description.is_empty() {
            write!(f, ": {}", self.description)?;
        }
        write!(f, " (HTTP {})", self.status)?;
        for v in &self.validation {
            write!(
                f,
                "; {}: {}",
                v.field.as_deref().unwrap_or("?"),
                v.message.as_deref().unwrap_or("")
            )?;
        }
        Ok(())
    }
}

pub use b24_spec::SystemError;

impl std::error::Error for ApiError {}

impl ApiError {
    /// An error answer with no validation entries and no `time` block.
    pub fn new(method: &str, status: u16, code: &str, description: &str) -> ApiError {
        ApiError {
            method: method.to_owned(),
            status,
            code: code.to_owned(),
            description: description.to_owned(),
            validation: Vec::new(),
            time: None,
        }
    }

    /// The system code, when it is one every method shares.
    pub fn system(&self) -> Option<SystemError> {
        SystemError::from_code(&self.code)
    }

    /// The error as the method's own typed enum (undocumented codes become its `Other`).
    pub fn method_error<E: MethodError>(&self) -> E {
        E::from_api(Box::new(self.clone()))
    }

    /// The wire code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// `operating_reset_at` of the error's `time` block.
    pub fn operating_reset_at(&self) -> Option<f64> {
        self.time.as_ref().and_then(|t| t.operating_reset_at)
    }

    /// Whether calling again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.system(),
            Some(
                SystemError::QueryLimitExceeded
                    | SystemError::OperationTimeLimit
                    | SystemError::InternalServerError
                    | SystemError::ErrorUnexpectedAnswer
            )
        ) || (self.status >= 500
            && !matches!(
                self.system(),
                Some(SystemError::PortalDeleted | SystemError::OverloadLimit)
            ))
    }
}

impl<E: MethodError> Error<E> {
    /// Whether calling again (later) may succeed: limits, 5xx, transport errors and timeouts.
    /// Whether a retry is *safe* (the call may have run) is a separate question: the client only
    /// retries those by itself for read methods and REST 3 calls with an Idempotency-Key.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.api().is_retryable(),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Http { status, .. } => *status >= 500 || *status == 429,
            Error::Decode { .. } | Error::Auth { .. } | Error::Invalid { .. } => false,
            Error::Skipped { .. } | Error::Redirect { .. } | Error::Unknown { .. } => false,
        }
    }

    /// The API error answer, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e.api()),
            _ => None,
        }
    }

    /// The method's typed error, if this is an API error.
    pub fn method_error(&self) -> Option<&E> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The wire code of an API error.
    pub fn code(&self) -> Option<&str> {
        self.api().map(|e| e.code.as_str())
    }

    /// The method the failed call was for.
    pub fn method(&self) -> &str {
        match self {
            Error::Api(e) => &e.api().method,
            Error::Transport { method, .. }
            | Error::Timeout { method, .. }
            | Error::Decode { method, .. }
            | Error::Http { method, .. }
            | Error::Auth { method, .. }
            | Error::Invalid { method, .. }
            | Error::Skipped { method, .. }
            | Error::Redirect { method, .. }
            | Error::Unknown { method, .. } => method,
        }
    }

    /// The same error with the API error sorted by `f` (e.g. into another method's enum).
    pub fn map_api<F: MethodError>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Api(e) => Error::Api(f(e)),
            Error::Transport { method, source } => Error::Transport { method, source },
            Error::Timeout { method, after } => Error::Timeout { method, after },
            Error::Decode {
                method,
                path,
                message,
                status,
            } => Error::Decode {
                method,
                path,
                message,
                status,
            },
            Error::Http { method, status } => Error::Http { method, status },
            Error::Auth { method, kind } => Error::Auth { method, kind },
            Error::Invalid { method, message } => Error::Invalid { method, message },
            Error::Skipped {
                method,
                key,
                reason,
            } => Error::Skipped {
                method,
                key,
                reason,
            },
            Error::Redirect {
                method,
                status,
                location,
            } => Error::Redirect {
                method,
                status,
                location,
            },
            Error::Unknown {
                method,
                key,
                reason,
            } => Error::Unknown {
                method,
                key,
                reason,
            },
        }
    }

    /// The error with the API error untyped (`Box<ApiError>`), e.g. to gather the errors of
    /// several methods in one type.
    pub fn untyped(self) -> Error {
        self.map_api(MethodError::into_api)
    }

    /// The error with the API error sorted into method `M`'s enum.
    pub fn typed<M: Method>(self) -> Error<M::Error> {
        self.map_api(|e| M::Error::from_api(e.into_api()))
    }
}

impl Error {
    pub(crate) fn invalid(method: &str, message: impl Into<String>) -> Self {
        Error::Invalid {
            method: method.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn transport(method: &str, source: reqwest::Error, timeout: Duration) -> Self {
        if source.is_timeout() {
            Error::Timeout {
                method: method.to_owned(),
                after: timeout,
            }
        } else {
            Error::Transport {
                method: method.to_owned(),
                // The URL may hold a webhook code: never keep it.
                source: source.without_url(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str, status: u16) -> Error {
        Error::Api(Box::new(ApiError {
            method: "crm.deal.get".into(),
            status,
            code: code.into(),
            description: "d".into(),
            validation: vec![],
            time: None,
        }))
    }

    #[test]
    fn retryable_classification() {
        assert!(api("QUERY_LIMIT_EXCEEDED", 503).is_retryable());
        assert!(api("OPERATION_TIME_LIMIT", 429).is_retryable());
        assert!(api("INTERNAL_SERVER_ERROR", 500).is_retryable());
        assert!(api("SOMETHING", 502).is_retryable());
        assert!(!api("OVERLOAD_LIMIT", 503).is_retryable());
        assert!(!api("ACCESS_DENIED", 403).is_retryable());
        assert!(!api("NOT_FOUND", 400).is_retryable());
        assert!(!Error::invalid("m", "x").is_retryable());
        assert!(Error::<Box<ApiError>>::Http {
            method: "m".into(),
            status: 502
        }
        .is_retryable());
    }

    #[test]
    fn display_names_method_and_code() {
        let e = api("NOT_FOUND", 400);
        assert_eq!(
            e.to_string(),
            "crm.deal.get: API error NOT_FOUND: d (HTTP 400)"
        );
        assert_eq!(e.method(), "crm.deal.get");
        assert_eq!(e.code(), Some("NOT_FOUND"));
        assert_eq!(
            api("expired_token", 401).api().unwrap().system(),
            Some(SystemError::ExpiredToken)
        );
    }
}
