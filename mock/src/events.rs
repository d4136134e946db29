//! Events: `event.bind`, `event.unbind` and `event.get` keep the handlers; a change of a CRUD
//! family POSTs the event to every online handler bound to it, form-encoded the way the portal
//! sends it (`event`, `event_handler_id`, `data[FIELDS][ID]`, `ts`, `auth[…]`). Handlers are
//! called on loopback only: the mock never calls out.

use std::net::IpAddr;

use serde_json::{json, Map, Value};

use crate::answer::ApiError;
use crate::catalog::Op;
use crate::params::to_php_form;
use crate::store::get_ci;
use crate::{Binding, Delivery, Shared, State, MEMBER_ID};

/// One POST to make.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub event: String,
    pub handler: String,
    pub body: String,
}

/// `event.bind` / `event.unbind` / `event.get`, when `method` is one of them.
pub(crate) fn builtin(
    st: &mut State,
    method: &str,
    params: &Map<String, Value>,
) -> Option<Result<Value, ApiError>> {
    let text = |k: &str| {
        get_ci(params, k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Some(match method {
        "event.bind" => {
            let (event, handler) = (text("event").to_ascii_uppercase(), text("handler"));
            if event.is_empty() || handler.is_empty() {
                return Some(Err(ApiError::v2(
                    400,
                    "ERROR_ARGUMENT",
                    "Parameters `event` and `handler` are required",
                )));
            }
            if !handler.starts_with("http://") && !handler.starts_with("https://") {
                return Some(Err(ApiError::v2(
                    400,
                    "ERROR_ARGUMENT",
                    "Wrong handler URL",
                )));
            }
            if st
                .bindings
                .iter()
                .any(|b| b.event == event && b.handler == handler)
            {
                return Some(Err(ApiError::v2(
                    400,
                    "ERROR_EVENT_HANDLER_EXISTS",
                    "Handler already binded",
                )));
            }
            let id = st.next_binding;
            st.next_binding += 1;
            let auth_type = Some(text("auth_type"))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "0".into());
            let event_type = Some(text("event_type"))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "online".into());
            st.bindings.push(Binding {
                id,
                event,
                handler,
                auth_type,
                event_type,
            });
            Ok(Value::Bool(true))
        }
        "event.unbind" => {
            let (event, handler) = (text("event").to_ascii_uppercase(), text("handler"));
            let before = st.bindings.len();
            st.bindings
                .retain(|b| !(b.event == event && (handler.is_empty() || b.handler == handler)));
            Ok(json!({"count": before - st.bindings.len()}))
        }
        "event.get" => Ok(Value::Array(
            st.bindings
                .iter()
                .map(|b| {
                    json!({
                        "event": b.event,
                        "handler": b.handler,
                        "auth_type": b.auth_type,
                        "offline": i32::from(b.event_type == "offline"),
                    })
                })
                .collect(),
        )),
        _ => return None,
    })
}

/// Queues the event a change fires for every online handler bound to it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fire(
    shared: &Shared,
    st: &mut State,
    prefix: &str,
    op: Op,
    id: Value,
    partition: &str,
    now: i64,
    outbox: &mut Vec<Outgoing>,
) {
    let Some(event) = shared.catalog.event_for(prefix, op) else {
        return;
    };
    let upper = event.to_ascii_uppercase();
    for b in st
        .bindings
        .iter()
        .filter(|b| b.event == upper && b.event_type != "offline")
    {
        let mut fields = Map::new();
        fields.insert("ID".into(), id.clone());
        if !partition.is_empty() {
            fields.insert("ENTITY_TYPE_ID".into(), partition.into());
        }
        let domain = &shared.opts.domain;
        let body = json!({
            "event": event,
            "event_handler_id": b.id,
            "data": {"FIELDS": fields},
            "ts": now,
            "auth": {
                "domain": domain,
                "client_endpoint": format!("http://{domain}/rest/"),
                "server_endpoint": format!("http://{domain}/oauth/"),
                "member_id": MEMBER_ID,
                "application_token": shared.opts.application_token,
            },
        });
        let Value::Object(body) = body else { continue };
        outbox.push(Outgoing {
            event: event.clone(),
            handler: b.handler.clone(),
            body: to_php_form(&body),
        });
    }
}

/// Makes the POSTs (in order) and books each outcome.
pub(crate) async fn deliver(shared: &Shared, outbox: Vec<Outgoing>) {
    for o in outbox {
        let outcome = match tokio::time::timeout(
            shared.event_timeout,
            post(&o.handler, o.body.clone()),
        )
        .await
        {
            Ok(r) => r,
            Err(_) => Err(format!("no answer within {:?}", shared.event_timeout)),
        };
        let mut st = shared.lock();
        match &outcome {
            Ok(s) if *s < 300 => st.counters.events_sent += 1,
            _ => st.counters.events_failed += 1,
        }
        st.deliveries.push(Delivery {
            event: o.event,
            handler: o.handler,
            body: o.body,
            outcome,
        });
    }
}

/// One form POST over plain HTTP/1.1 to a loopback handler; its status.
async fn post(url: &str, body: String) -> Result<u16, String> {
    let (authority, path) = loopback(url).ok_or_else(|| {
        "not a plain-HTTP loopback handler: the mock only calls http://127.0.0.1, [::1] or localhost".to_owned()
    })?;
    let stream = tokio::net::TcpStream::connect(&authority)
        .await
        .map_err(|e| format!("connect {authority}: {e}"))?;
    let (mut send, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let req = axum::http::Request::post(path)
        .header("host", &authority)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("user-agent", "b24-mock")
        .body(axum::body::Body::from(body))
        .map_err(|e| e.to_string())?;
    let resp = send.send_request(req).await.map_err(|e| e.to_string())?;
    Ok(resp.status().as_u16())
}

/// `http://127.0.0.1:8080/h?x` → (`127.0.0.1:8080`, `/h?x`) when the host is a loopback one.
fn loopback(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("http://")?;
    let cut = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(cut);
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    let ok = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !ok {
        return None;
    }
    let has_port = match authority.rfind(']') {
        Some(close) => authority[close..].contains(':'),
        None => authority.contains(':'),
    };
    let authority = if has_port {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let path = path.split('#').next().unwrap_or_default();
    let path = if path.is_empty() {
        "/".to_owned()
    } else if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_owned()
    };
    Some((authority, path))
}

#[cfg(test)]
mod tests {
    use super::loopback;

    #[test]
    fn only_loopback_handlers() {
        assert_eq!(
            loopback("http://127.0.0.1:8080/h?a=1"),
            Some(("127.0.0.1:8080".into(), "/h?a=1".into()))
        );
        assert_eq!(
            loopback("http://localhost"),
            Some(("localhost:80".into(), "/".into()))
        );
        assert_eq!(
            loopback("http://[::1]:9/h"),
            Some(("[::1]:9".into(), "/h".into()))
        );
        assert_eq!(loopback("https://127.0.0.1/h"), None);
        assert_eq!(loopback("http://example.com/h"), None);
        assert_eq!(loopback("http://10.0.0.1/h"), None);
    }
}
