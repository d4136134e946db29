//! One call end to end: limits, auth, retries, error classification, tracing.

use super::{Client, Spec};
use crate::auth::Snapshot;
use crate::error::{ApiError, Error, SystemError};
use crate::limits::{clamp_pause, operating_pause, Acquired, MAX_OPERATING_PAUSE};
use crate::method::RestVersion;
use crate::response::{read_answer, Envelope, Unreadable};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use std::time::{Duration, Instant, SystemTime};
use tracing::field::Empty;
use tracing::Instrument;

/// A successful answer.
pub(crate) struct Answer<R> {
    pub status: u16,
    pub env: Envelope<R>,
    pub body: bytes::Bytes,
}

/// At most this many `OPERATION_TIME_LIMIT` waits per call.
const MAX_OPERATING_WAITS: u32 = 3;

fn valid_idempotency_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| (0x20..0x7f).contains(&b))
}

impl Client {
    /// Runs `call` until it succeeds or fails for good, decoding `result` as `R` (decode errors
    /// are never retried).
    pub(crate) async fn execute<R: DeserializeOwned>(
        &self,
        call: Spec<'_>,
    ) -> Result<Answer<R>, Error> {
        if let Some(key) = &call.idempotency_key {
            if !valid_idempotency_key(key) {
                return Err(Error::invalid(
                    call.method,
                    "an Idempotency-Key is 1 to 255 printable ASCII characters",
                ));
            }
        }
        let span = tracing::info_span!(
            "b24.call",
            method = call.method,
            version = ?call.version,
            read_only = call.read_only,
            retries = Empty,
            status = Empty,
            operating = Empty,
            duration_ms = Empty,
        );
        let started = Instant::now();
        // Boxed: the retry loop's state is a few KB, and it would otherwise be copied into every
        // enclosing future.
        let out = Box::pin(self.run(&call, &span))
            .instrument(span.clone())
            .await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        if let Err(e) = &out {
            span.in_scope(|| tracing::debug!(error = %e, "call failed"));
        }
        out
    }

    async fn run<R: DeserializeOwned>(
        &self,
        call: &Spec<'_>,
        span: &tracing::Span,
    ) -> Result<Answer<R>, Error> {
        let inner = &*self.inner;
        let policy = &inner.retry;
        // A write is repeated only when the portal cannot run it twice.
        let safe =
            call.read_only || (call.version == RestVersion::V3 && call.idempotency_key.is_some());
        let mut retries = 0u32;
        let mut limit_attempt = 0u32;
        let mut limit_waited = Duration::ZERO;
        let mut operating_waits = 0u32;
        let mut refreshed = false;
        let mut refreshed_ahead = false;

        loop {
            if let Some(until) = inner.operating.blocked_until(call.method) {
                let wait = until
                    .duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO);
                if wait > policy.max_operating_wait {
                    return Err(Error::Api(Box::new(ApiError {
                        method: call.method.to_owned(),
                        status: 429,
                        code: "OPERATION_TIME_LIMIT".into(),
                        description: format!(
                            "the method is blocked for {wait:?}, longer than the allowed wait"
                        ),
                        validation: vec![],
                        time: None,
                    })));
                }
                tracing::info!(
                    wait_ms = wait.as_millis() as u64,
                    "waiting for the operating-time limit"
                );
                tokio::time::sleep(wait).await;
            }
            if let Some(limiter) = &inner.limiter {
                match limiter.acquire(call.method).await {
                    Acquired::PausedUntil(until) => {
                        // Another worker was told OPERATION_TIME_LIMIT: wait (or fail) above;
                        // a custom backend's pause is capped like the portal's.
                        inner.operating.block(call.method, clamp_pause(until));
                        continue;
                    }
                    Acquired::Busy(queue) => {
                        return Err(Error::Api(Box::new(ApiError {
                            method: call.method.to_owned(),
                            status: 429,
                            code: "QUERY_LIMIT_EXCEEDED".into(),
                            description: format!(
                                "the shared rate limit's queue is {queue:?} long, more than \
                                 the limiter may wait; nothing was sent"
                            ),
                            validation: vec![],
                            time: None,
                        })));
                    }
                    _ => {}
                }
            }
            // A refreshed pair the store refused earlier: saved now, before it is used again.
            inner.auth.save_pending().await;
            let mut cred = inner.auth.snapshot();
            if !refreshed_ahead && cred.expires_soon() {
                // Once per call; when it fails the call goes on with the current token (still
                // valid for a moment, and an `expired_token` answer refreshes again).
                refreshed_ahead = true;
                match inner
                    .auth
                    .refresh(&inner.http, call.timeout, cred.generation, call.method)
                    .await
                {
                    Ok(()) => cred = inner.auth.snapshot(),
                    Err(e) => tracing::warn!(error = %e, "refreshing ahead of expiry failed"),
                }
            }

            let (status, body, location) = match self.send_once(call, &cred).await {
                Ok(answer) => answer,
                Err(err) => {
                    if safe && retries < policy.max_retries {
                        let delay = policy.backoff(retries);
                        retries += 1;
                        span.record("retries", retries);
                        tracing::warn!(error = %err, delay_ms = delay.as_millis() as u64, "retrying");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(err);
                }
            };
            span.record("status", status);
            if (300..400).contains(&status) {
                return Err(Error::Redirect {
                    method: call.method.to_owned(),
                    status,
                    location: location.unwrap_or_else(|| "(no Location)".into()),
                });
            }
            let ok_status = (200..300).contains(&status);

            let env = match read_answer::<R>(call.method, status, &body) {
                Ok(env) => env,
                Err(Unreadable::BadResult(e)) if ok_status => return Err(e),
                Err(Unreadable::NotJson(e)) if ok_status => {
                    return Err(Error::Decode {
                        method: call.method.to_owned(),
                        path: format!("line {} column {}", e.line(), e.column()),
                        message: e.to_string(),
                        status,
                    })
                }
                Err(_) => {
                    if status >= 500 && safe && retries < policy.max_retries {
                        let delay = policy.backoff(retries);
                        retries += 1;
                        span.record("retries", retries);
                        tracing::warn!(status, delay_ms = delay.as_millis() as u64, "retrying");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(Error::Http {
                        method: call.method.to_owned(),
                        status,
                    });
                }
            };
            if let Some(t) = &env.time {
                inner.operating.record(call.method, t);
                if let Some(op) = t.operating {
                    span.record("operating", op);
                }
            }
            let Some(api) = env.api_error(call.method, status) else {
                if !ok_status {
                    return Err(Error::Http {
                        method: call.method.to_owned(),
                        status,
                    });
                }
                return Ok(Answer { status, env, body });
            };

            match api.system() {
                Some(SystemError::QueryLimitExceeded) => {
                    let delay = policy.backoff(limit_attempt);
                    if limit_waited + delay <= policy.limit_budget {
                        limit_attempt += 1;
                        limit_waited += delay;
                        span.record("retries", retries + limit_attempt);
                        tracing::warn!(
                            delay_ms = delay.as_millis() as u64,
                            "QUERY_LIMIT_EXCEEDED, backing off"
                        );
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(Error::Api(Box::new(api)));
                }
                Some(SystemError::OperationTimeLimit) => {
                    let now = SystemTime::now();
                    let reset = api.operating_reset_at().or_else(|| {
                        inner
                            .operating
                            .get(call.method)
                            .and_then(|s| s.operating_reset_at)
                    });
                    // By the portal's clock (its `finish`), capped at the limit's window.
                    let portal_now = api.time.as_ref().and_then(|t| t.finish);
                    let pause = reset
                        .and_then(|r| operating_pause(r, portal_now))
                        .unwrap_or(policy.max_delay.min(MAX_OPERATING_PAUSE));
                    let until = now + pause;
                    inner.operating.block(call.method, until);
                    if let Some(limiter) = &inner.limiter {
                        limiter.publish_pause(call.method, until).await;
                    }
                    let wait = until.duration_since(now).unwrap_or(Duration::ZERO);
                    if operating_waits < MAX_OPERATING_WAITS && wait <= policy.max_operating_wait {
                        operating_waits += 1;
                        tracing::warn!(wait_ms = wait.as_millis() as u64, "OPERATION_TIME_LIMIT");
                        continue;
                    }
                    return Err(Error::Api(Box::new(api)));
                }
                Some(SystemError::ExpiredToken | SystemError::InvalidToken)
                    if inner.auth.is_oauth() && !refreshed =>
                {
                    refreshed = true;
                    inner
                        .auth
                        .refresh(&inner.http, call.timeout, cred.generation, call.method)
                        .await?;
                    continue;
                }
                _ => {
                    if status >= 500 && safe && api.is_retryable() && retries < policy.max_retries {
                        let delay = policy.backoff(retries);
                        retries += 1;
                        span.record("retries", retries);
                        tracing::warn!(code = %api.code, delay_ms = delay.as_millis() as u64, "retrying");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(Error::Api(Box::new(api)));
                }
            }
        }
    }

    async fn send_once(
        &self,
        call: &Spec<'_>,
        cred: &Snapshot,
    ) -> Result<(u16, bytes::Bytes, Option<String>), Error> {
        let mut rb = self
            .inner
            .http
            .post(cred.url(call.version, call.method))
            .header(CONTENT_TYPE, "application/json")
            .body(cred.body(&call.body));
        if call.version == RestVersion::V3 {
            // As REST 3's examples send it; REST 2 answers JSON regardless.
            rb = rb.header(ACCEPT, "application/json");
        }
        if let Some(key) = &call.idempotency_key {
            rb = rb.header("Idempotency-Key", key.as_str());
        }
        // One timer around request and body (cheaper than reqwest's per-request timeout).
        let exchange = async {
            let resp = rb.send().await?;
            let status = resp.status().as_u16();
            let location = resp
                .status()
                .is_redirection()
                .then(|| resp.headers().get(reqwest::header::LOCATION))
                .flatten()
                .map(|l| shown_location(&String::from_utf8_lossy(l.as_bytes())));
            Ok::<_, reqwest::Error>((status, resp.bytes().await?, location))
        };
        match tokio::time::timeout(call.timeout, exchange).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => Err(Error::transport(call.method, e, call.timeout)),
            Err(_) => Err(Error::Timeout {
                method: call.method.to_owned(),
                after: call.timeout,
            }),
        }
    }
}

/// A `Location` as an error may show it: no query or fragment (an `auth=` token), and the code
/// of a webhook path (`/rest/1/{code}/…`) masked.
pub(crate) fn shown_location(location: &str) -> String {
    let cut = location.find(['?', '#']).unwrap_or(location.len());
    let mut shown = location[..cut].chars().take(300).collect::<String>();
    if let Some(at) = shown.find("/rest/") {
        let tail = &shown[at + "/rest/".len()..];
        let segs: Vec<&str> = tail.split('/').collect();
        let user = segs.first().copied().unwrap_or_default();
        let user = if user == "api" {
            segs.get(1).copied().unwrap_or_default()
        } else {
            user
        };
        if !user.is_empty() && user.bytes().all(|b| b.is_ascii_digit()) {
            let code_idx = if segs.first() == Some(&"api") { 2 } else { 1 };
            if segs.len() > code_idx + 1 {
                let mut masked: Vec<&str> = segs.clone();
                masked[code_idx] = "***";
                shown = format!("{}/rest/{}", &shown[..at], masked.join("/"));
            }
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::{shown_location, valid_idempotency_key};

    #[test]
    fn redirect_locations_hide_tokens() {
        assert_eq!(
            shown_location("https://b.example/rest/1/s3cr3t/crm.deal.list?auth=tok#x"),
            "https://b.example/rest/1/***/crm.deal.list"
        );
        assert_eq!(
            shown_location("https://b.example/rest/api/1/s3cr3t/tasks.task.get"),
            "https://b.example/rest/api/1/***/tasks.task.get"
        );
        assert_eq!(
            shown_location("https://b.example/rest/crm.deal.list?auth=tok"),
            "https://b.example/rest/crm.deal.list"
        );
        assert_eq!(shown_location("/login"), "/login");
    }

    #[test]
    fn idempotency_key_rules() {
        assert!(valid_idempotency_key(
            "9f1c1a7e-5f1b-4a1e-9a2c-2f5f2b6c7d80"
        ));
        assert!(!valid_idempotency_key(""));
        assert!(!valid_idempotency_key(&"a".repeat(256)));
        assert!(!valid_idempotency_key("ключ"));
        assert!(!valid_idempotency_key("a\nb"));
    }
}
