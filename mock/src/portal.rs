//! One call from arrival to answer: credentials, faults, limits, the method (state, example or
//! synthesized answer), recording, and the events a change fires.

use std::time::Instant;

use serde_json::{Map, Value};

use crate::answer::{synthesize, time_block, ApiError};
use crate::catalog::response_example;
use crate::oauth::Refused;
use crate::{batch, events, validate, Fault, Recorded, Shared, State, WEBHOOK_CODE, WEBHOOK_USER};

/// How a call came in.
#[derive(Debug, Clone)]
pub(crate) enum Via {
    Webhook { user: String, code: String },
    OAuth,
}

/// What the server sends back.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Body,
    pub unknown: Vec<String>,
    /// Close the connection instead of answering.
    pub drop: bool,
    /// Answer after this many milliseconds.
    pub delay_ms: u64,
    /// Event POSTs to make once the state is released.
    pub outbox: Vec<events::Outgoing>,
}

#[derive(Debug)]
pub(crate) enum Body {
    Json(Value),
    /// Not JSON (the malformed-answer fault).
    Raw(&'static str),
}

impl Reply {
    fn error(e: &ApiError) -> Reply {
        Reply::json(e.status, e.body())
    }

    fn json(status: u16, v: Value) -> Reply {
        Reply {
            status,
            body: Body::Json(v),
            unknown: Vec::new(),
            drop: false,
            delay_ms: 0,
            outbox: Vec::new(),
        }
    }
}

/// A successful method answer before the envelope.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Success {
    pub result: Value,
    pub total: Option<u64>,
    pub next: Option<u64>,
    /// `time.operating` and `time.operating_reset_at`.
    pub operating: (f64, i64),
}

/// One outcome of a method call, with the keys the docs do not know.
pub(crate) struct Outcome {
    pub answer: Result<Success, ApiError>,
    pub unknown: Vec<String>,
}

/// Handles a request to `/rest/…`.
pub(crate) fn handle(
    shared: &Shared,
    version: u8,
    via: Via,
    method: &str,
    params: Map<String, Value>,
) -> Reply {
    let start = shared.now();
    let now = start as i64;
    let mut st = shared.lock();
    st.counters.requests += 1;
    let method = method.strip_suffix(".json").unwrap_or(method);

    let client = match &via {
        Via::Webhook { user, code } => {
            if user != WEBHOOK_USER || code != WEBHOOK_CODE {
                return refuse(
                    &mut st,
                    version,
                    method,
                    &via,
                    params,
                    ApiError::v2(401, "INVALID_CREDENTIALS", "Invalid request credentials"),
                );
            }
            format!("webhook:{user}")
        }
        Via::OAuth => match params.get("auth").and_then(Value::as_str) {
            None => {
                return refuse(
                    &mut st,
                    version,
                    method,
                    &via,
                    params,
                    ApiError::v2(401, "NO_AUTH_FOUND", "Wrong authorization data"),
                );
            }
            Some(t) => match st.tokens.check(t, now) {
                Ok(()) => "oauth".to_owned(),
                Err(Refused::Expired) => {
                    return refuse(
                        &mut st,
                        version,
                        method,
                        &via,
                        params,
                        ApiError::v2(
                            401,
                            "expired_token",
                            "The access token provided has expired.",
                        ),
                    );
                }
                Err(Refused::Invalid) => {
                    return refuse(
                        &mut st,
                        version,
                        method,
                        &via,
                        params,
                        ApiError::v2(
                            401,
                            "invalid_token",
                            "The access token provided is invalid.",
                        ),
                    );
                }
            },
        },
    };

    let mut delay_ms = 0;
    match st.fault_for(method) {
        None => {}
        Some(Fault::Slow { ms }) => delay_ms = ms,
        Some(Fault::Drop) => {
            let mut r = Reply::json(0, Value::Null);
            r.drop = true;
            return r;
        }
        Some(Fault::Malformed) => {
            return Reply {
                body: Body::Raw("{\"result\": {\"ID\": \"1\", \"TITLE\": \"trunc"),
                ..Reply::json(200, Value::Null)
            };
        }
        Some(Fault::Status { status }) => {
            let (code, text) = match status {
                500 => ("INTERNAL_SERVER_ERROR", "Internal server error"),
                502 => (
                    "ERROR_UNEXPECTED_ANSWER",
                    "Server returned an unexpected response",
                ),
                503 => ("OVERLOAD_LIMIT", "REST API is blocked due to overload"),
                _ => ("INTERNAL_SERVER_ERROR", "Injected fault"),
            };
            return refuse(
                &mut st,
                version,
                method,
                &via,
                params,
                ApiError::v2(status, code, text),
            );
        }
    }

    if !st.buckets.take(shared.opts.limits, &client, Instant::now()) {
        st.counters.limited += 1;
        return refuse(
            &mut st,
            version,
            method,
            &via,
            params,
            ApiError::v2(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"),
        );
    }

    // REST 3's own description (alias `documentation`): the document as is, as a portal sends it.
    if version == 3 && matches!(method, "rest.documentation.openapi" | "documentation") {
        if let Some(doc) = &shared.opts.openapi {
            return Reply::json(200, Value::clone(doc));
        }
    }

    let mut outbox = Vec::new();
    let via_name = match via {
        Via::Webhook { .. } => "webhook",
        Via::OAuth => "oauth",
    };
    let outcome = if method.eq_ignore_ascii_case("batch") {
        batch::run(shared, &mut st, version, &params, now, &mut outbox)
    } else {
        call(shared, &mut st, version, method, &params, now, &mut outbox)
    };
    let (status, error) = match &outcome.answer {
        Ok(_) => (200, None),
        Err(e) => (e.status, Some(e.code.clone())),
    };
    st.record(Recorded {
        seq: 0,
        rest_version: version,
        method: method.to_owned(),
        via: via_name.to_owned(),
        params,
        unknown_keys: outcome.unknown.clone(),
        status,
        error,
    });
    let finish = shared.now().max(start);
    let mut reply = match outcome.answer {
        Ok(s) => Reply::json(200, envelope(s, start, finish)),
        Err(e) => Reply::error(&e),
    };
    reply.unknown = outcome.unknown;
    reply.delay_ms = delay_ms;
    reply.outbox = outbox;
    reply
}

/// `{"result", "total"?, "next"?, "time"}`.
pub(crate) fn envelope(s: Success, start: f64, finish: f64) -> Value {
    let mut o = Map::new();
    o.insert("result".into(), s.result);
    if let Some(n) = s.next {
        o.insert("next".into(), n.into());
    }
    if let Some(t) = s.total {
        o.insert("total".into(), t.into());
    }
    o.insert(
        "time".into(),
        time_block(start, finish, s.operating.0, Some(s.operating.1)),
    );
    Value::Object(o)
}

/// Records a call refused before it ran and answers `e`.
fn refuse(
    st: &mut State,
    version: u8,
    method: &str,
    via: &Via,
    params: Map<String, Value>,
    e: ApiError,
) -> Reply {
    st.counters.errors += 1;
    st.record(Recorded {
        seq: 0,
        rest_version: version,
        method: method.to_owned(),
        via: match via {
            Via::Webhook { .. } => "webhook".into(),
            Via::OAuth => "oauth".into(),
        },
        params,
        unknown_keys: Vec::new(),
        status: e.status,
        error: Some(e.code.clone()),
    });
    Reply::error(&e.shaped(version))
}

/// Runs one method (a call or a batch command) on the state.
pub(crate) fn call(
    shared: &Shared,
    st: &mut State,
    version: u8,
    method: &str,
    params: &Map<String, Value>,
    now: i64,
    outbox: &mut Vec<events::Outgoing>,
) -> Outcome {
    st.counters.calls += 1;
    let fail = |st: &mut State, e: ApiError, unknown: Vec<String>| {
        st.counters.errors += 1;
        Outcome {
            answer: Err(e),
            unknown,
        }
    };
    let key = method.to_ascii_lowercase();
    if let Err(reset_at) = st.operating.check(&key, now) {
        st.counters.operating_limited += 1;
        let mut e = ApiError::v2(
            429,
            "OPERATION_TIME_LIMIT",
            "Method is blocked due to operation time limit.",
        );
        e.operating_reset_at = Some(reset_at);
        return fail(st, e.shaped(version), Vec::new());
    }
    let Some(m) = shared.catalog.method(method, version) else {
        return fail(
            st,
            ApiError::v2(404, "ERROR_METHOD_NOT_FOUND", "Method not found!").shaped(version),
            Vec::new(),
        );
    };
    let checked = match validate::check(m, params, shared.opts.mode) {
        Ok(c) => c,
        Err(e) => return fail(st, e, Vec::new()),
    };
    let lang = shared.opts.lang;
    let answer = if let Some(r) = events::builtin(st, &key, params) {
        r.map(|result| (result, None, None))
    } else if let Some(a) =
        shared
            .catalog
            .family(method, m.rest_version)
            .and_then(|(prefix, op)| {
                let a = st
                    .store
                    .call(&shared.catalog, lang, &prefix, op, m, params)?;
                Some(a.map(|a| (prefix, a)))
            })
    {
        a.map(|(prefix, a)| {
            if let Some((op, id, partition)) = a.change {
                events::fire(shared, st, &prefix, op, id, &partition, now, outbox);
            }
            (a.result, a.total, a.next)
        })
    } else if let Some((mut result, total, next)) = response_example(m, lang) {
        // `<entity>.fields`: the user fields added on this portal beside the documented ones.
        st.store.list_user_fields(method, params, &mut result);
        Ok((
            result,
            total.as_ref().and_then(Value::as_u64),
            next.as_ref().and_then(Value::as_u64),
        ))
    } else {
        let result = m
            .result
            .as_ref()
            .map_or(Value::Bool(true), |t| synthesize(t, 1));
        Ok((result, None, None))
    };
    match answer {
        Ok((result, total, next)) => {
            let operating = st.operating.book(&key, now);
            Outcome {
                answer: Ok(Success {
                    result,
                    total,
                    next,
                    operating,
                }),
                unknown: checked.unknown,
            }
        }
        Err(e) => fail(st, e.shaped(m.rest_version), checked.unknown),
    }
}
