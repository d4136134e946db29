//! The limits PHP puts on the request parameters a portal reads (`parse_str`, `$_REQUEST`), which
//! the runtime's form parser (inbound events) and the mock portal apply the same way.

/// PHP's `max_input_nesting_level` default: a key may have at most this many bracket levels
/// (`a[b][c]` has two).
pub const MAX_INPUT_NESTING_LEVEL: usize = 64;

/// PHP's `max_input_vars` default: at most this many `key=value` pairs per body or query string.
pub const MAX_INPUT_VARS: usize = 1000;
