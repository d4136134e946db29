//! No credential in Debug, errors or tracing output.

use crate::common::*;
use crate::oauth_portal::{
    mount_portal, oauth_client, CLIENT_SECRET, NEW_ACCESS, NEW_REFRESH, OLD_ACCESS, OLD_REFRESH,
};
use b24_runtime::MemoryTokenStore;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_absent_from_debug_errors_and_logs() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Call sites other tests of this binary may have seen before count this subscriber in.
    tracing::callsite::rebuild_interest_cache();

    let mut shown = String::new();

    // OAuth: an expired token, a refresh, a repeated call.
    let server = MockServer::start().await;
    mount_portal(&server, "expired_token").await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = oauth_client(&server, store.clone());
    let resp = client.call::<DealGet>(&IdParams { id: 1 }).await.unwrap();
    shown += &format!("{client:?} {resp:?} {:?}", store.latest());

    // Webhook: an API error, a transport error.
    let hook = MockServer::start().await;
    Mock::given(path(hook_path("crm.deal.get")))
        .respond_with(ResponseTemplate::new(403).set_body_json(v2_error("ACCESS_DENIED", "no")))
        .mount(&hook)
        .await;
    let client = webhook_client(&hook.uri());
    let err = client
        .call::<DealGet>(&IdParams { id: 1 })
        .await
        .unwrap_err();
    shown += &format!("{client:?} {err} {err:?}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let err = webhook_client(&dead)
        .call_raw("crm.deal.add", &json!({"fields": {}}))
        .await
        .unwrap_err();
    shown += &format!("{err} {err:?}");

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    // The logs say something useful…
    assert!(logs.contains("b24.call"), "{logs}");
    assert!(logs.contains("crm.deal.get"), "{logs}");
    assert!(logs.contains("refreshing"), "{logs}");
    assert!(logs.contains("duration_ms"), "{logs}");
    // …and no credential, anywhere.
    for secret in [
        WEBHOOK_CODE,
        CLIENT_SECRET,
        OLD_ACCESS,
        OLD_REFRESH,
        NEW_ACCESS,
        NEW_REFRESH,
    ] {
        assert!(!logs.contains(secret), "{secret} in logs:\n{logs}");
        assert!(
            !shown.contains(secret),
            "{secret} in Debug/errors:\n{shown}"
        );
    }
}
