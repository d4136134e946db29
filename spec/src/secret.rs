//! Which wire keys hold credentials: the runtime keeps them in `Secret` (redacted in `Debug`),
//! and the generator types result fields of these names as `Secret` too.

/// Keys whose string value is a credential (an OAuth pair, an event's application token, an
/// application's secret).
pub const SECRET_KEYS: &[&str] = &[
    "access_token",
    "refresh_token",
    "application_token",
    "client_secret",
];

/// Whether `key` holds a credential (exact, lower-case, as the portal writes them).
pub fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.contains(&key)
}
