//! The system-wide error codes: limits, auth, access and transport-level codes any method can
//! answer with.
//!
//! [`SYSTEM_CODES`] is the one table: the runtime sorts answers with it ([`SystemError::from_code`],
//! the `System` variant of every generated error enum), and the generator adds the codes of the
//! docs' shared "system errors" fragment to a page that does not include it.

/// Codes every method can answer with (system errors, limits, OAuth).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SystemError {
    InternalServerError,
    ErrorUnexpectedAnswer,
    QueryLimitExceeded,
    OperationTimeLimit,
    ErrorBatchMethodNotAllowed,
    ErrorBatchLengthExceeded,
    NoAuthFound,
    InvalidRequest,
    OverloadLimit,
    AccessDenied,
    InvalidCredentials,
    ErrorManifestIsNotAvailable,
    InsufficientScope,
    ExpiredToken,
    InvalidToken,
    InvalidGrant,
    InvalidClient,
    UserAccessError,
    PortalDeleted,
    MethodNotFound,
}

/// One system-wide code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemCode {
    pub error: SystemError,
    /// The wire code, as the portal spells it (`QUERY_LIMIT_EXCEEDED`, `expired_token`).
    pub code: &'static str,
    /// The HTTP status it comes with.
    pub status: u16,
    /// What it means.
    pub message: &'static str,
    /// Listed in the docs' shared system-errors fragment (`_includes/system-errors.md`), which
    /// most method pages include; the others (OAuth, operating time, unknown method) are
    /// documented elsewhere.
    pub in_system_errors_page: bool,
}

const fn code(
    error: SystemError,
    code: &'static str,
    status: u16,
    message: &'static str,
    in_system_errors_page: bool,
) -> SystemCode {
    SystemCode {
        error,
        code,
        status,
        message,
        in_system_errors_page,
    }
}

use SystemError::*;

/// Every system-wide code, the system-errors fragment's first, in its order.
pub const SYSTEM_CODES: &[SystemCode] = &[
    code(
        InternalServerError,
        "INTERNAL_SERVER_ERROR",
        500,
        "Internal server error",
        true,
    ),
    code(
        ErrorUnexpectedAnswer,
        "ERROR_UNEXPECTED_ANSWER",
        500,
        "Server returned an unexpected response",
        true,
    ),
    code(
        QueryLimitExceeded,
        "QUERY_LIMIT_EXCEEDED",
        503,
        "Too many requests",
        true,
    ),
    code(
        ErrorBatchMethodNotAllowed,
        "ERROR_BATCH_METHOD_NOT_ALLOWED",
        405,
        "Method is not allowed for batch usage",
        true,
    ),
    code(
        ErrorBatchLengthExceeded,
        "ERROR_BATCH_LENGTH_EXCEEDED",
        400,
        "Max batch length exceeded",
        true,
    ),
    code(
        NoAuthFound,
        "NO_AUTH_FOUND",
        401,
        "Wrong authorization data",
        true,
    ),
    code(
        InvalidRequest,
        "INVALID_REQUEST",
        400,
        "Https required",
        true,
    ),
    code(
        OverloadLimit,
        "OVERLOAD_LIMIT",
        503,
        "REST API is blocked due to overload",
        true,
    ),
    code(
        AccessDenied,
        "ACCESS_DENIED",
        403,
        "REST API is available only on commercial plans",
        true,
    ),
    code(
        InvalidCredentials,
        "INVALID_CREDENTIALS",
        403,
        "Invalid request credentials",
        true,
    ),
    code(
        ErrorManifestIsNotAvailable,
        "ERROR_MANIFEST_IS_NOT_AVAILABLE",
        404,
        "Manifest is not available",
        true,
    ),
    code(
        InsufficientScope,
        "insufficient_scope",
        403,
        "The request requires higher privileges than provided by the webhook token",
        true,
    ),
    code(
        ExpiredToken,
        "expired_token",
        401,
        "The access token provided has expired",
        true,
    ),
    code(
        UserAccessError,
        "user_access_error",
        403,
        "The user does not have access to the application",
        true,
    ),
    code(
        PortalDeleted,
        "PORTAL_DELETED",
        500,
        "Portal was deleted",
        true,
    ),
    code(
        OperationTimeLimit,
        "OPERATION_TIME_LIMIT",
        503,
        "The method's operating-time budget is spent until operating_reset_at",
        false,
    ),
    code(
        InvalidToken,
        "invalid_token",
        401,
        "The access token is not valid",
        false,
    ),
    code(
        InvalidGrant,
        "invalid_grant",
        400,
        "The refresh token is expired or revoked",
        false,
    ),
    code(
        InvalidClient,
        "invalid_client",
        401,
        "The application's client id or secret is wrong",
        false,
    ),
    code(
        MethodNotFound,
        "ERROR_METHOD_NOT_FOUND",
        404,
        "Method not found",
        false,
    ),
];

impl SystemError {
    /// The system error of a wire code (exact spelling).
    pub fn from_code(code: &str) -> Option<SystemError> {
        SYSTEM_CODES
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.error)
    }

    /// Its row of [`SYSTEM_CODES`].
    pub fn info(self) -> &'static SystemCode {
        match SYSTEM_CODES.iter().find(|c| c.error == self) {
            Some(c) => c,
            // Every variant has a row (the test below checks it).
            None => unreachable!("{self:?} has no row in SYSTEM_CODES"),
        }
    }

    /// The wire code.
    pub fn code(self) -> &'static str {
        self.info().code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_one_row_and_codes_round_trip() {
        let all = [
            InternalServerError,
            ErrorUnexpectedAnswer,
            QueryLimitExceeded,
            OperationTimeLimit,
            ErrorBatchMethodNotAllowed,
            ErrorBatchLengthExceeded,
            NoAuthFound,
            InvalidRequest,
            OverloadLimit,
            AccessDenied,
            InvalidCredentials,
            ErrorManifestIsNotAvailable,
            InsufficientScope,
            ExpiredToken,
            InvalidToken,
            InvalidGrant,
            InvalidClient,
            UserAccessError,
            PortalDeleted,
            MethodNotFound,
        ];
        assert_eq!(SYSTEM_CODES.len(), all.len());
        for e in all {
            assert_eq!(
                SYSTEM_CODES.iter().filter(|c| c.error == e).count(),
                1,
                "{e:?}"
            );
            assert_eq!(SystemError::from_code(e.code()), Some(e));
        }
        assert_eq!(
            SYSTEM_CODES
                .iter()
                .filter(|c| c.in_system_errors_page)
                .count(),
            15
        );
        assert_eq!(
            SystemError::from_code("query_limit_exceeded"),
            None,
            "exact spelling"
        );
    }
}
