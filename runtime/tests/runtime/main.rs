//! Integration tests against real HTTP servers on 127.0.0.1 (wiremock, or raw TCP where the
//! server must misbehave at the connection level).
mod batch;
mod calls;
mod common;
mod generated;
mod limits;
mod list;
mod oauth;
mod oauth_portal;
#[path = "../../examples/support/portal.rs"]
mod portal;
mod readme;
