//! What the client logs, in a test binary of its own.
//!
//! `tracing` caches per call site whether anyone listens. A scoped subscriber (`set_default`)
//! set up while other tests of the same process hit the same call sites can find them cached
//! as "never" and miss the events, so the one test that captures logs runs alone here.

#[allow(dead_code)]
#[path = "../runtime/common.rs"]
mod common;
#[path = "../runtime/oauth_portal.rs"]
mod oauth_portal;
mod secrets;
