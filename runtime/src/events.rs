//! Inbound events: the POST Bitrix24 sends to an event handler.
//!
//! The body is form-encoded PHP style (`event=ONCRMDEALADD&data[FIELDS][ID]=6641&auth[…]=…`);
//! JSON bodies are accepted too. Verify `auth[application_token]` against the token the portal
//! gave the application at install before trusting an event ([`Event::parse_verified`]), or let
//! [`endpoint::Endpoint`] do that and the other checks of a handler.

pub mod endpoint;

use crate::auth::Tokens;
use crate::secret::Secret;
use crate::wire::{self, Object};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An event POST that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("the event body is malformed: {0}")]
    Malformed(String),
    #[error("the event body has no `event` name")]
    MissingEvent,
    #[error("the event carries no application_token")]
    MissingToken,
    #[error("the event's application_token does not match")]
    BadToken,
    #[error("the event data does not fit at `{path}`: {message}")]
    Data { path: String, message: String },
}

fn opt_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Ok(wire::opt_string(d)?.map(Secret::new))
}

/// `auth[…]` of an event: the portal, and (for applications) a token pair.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventAuth {
    #[serde(default, deserialize_with = "opt_secret")]
    pub access_token: Option<Secret>,
    #[serde(default, deserialize_with = "opt_secret")]
    pub refresh_token: Option<Secret>,
    #[serde(default, deserialize_with = "opt_secret")]
    pub application_token: Option<Secret>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    pub expires_in: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    pub expires: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub scope: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub domain: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub server_endpoint: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub client_endpoint: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub member_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    pub user_id: Option<i64>,
}

/// A parsed event. `Debug` shows no token.
#[derive(Debug, Clone)]
pub struct Event {
    /// `ONCRMDEALADD`…
    pub event: String,
    pub event_handler_id: Option<i64>,
    /// `data[…]`, values as strings (decode with [`Event::data_as`], which is lenient).
    pub data: Value,
    /// `ts`: unix time the event was queued.
    pub ts: Option<i64>,
    pub auth: EventAuth,
    /// Other top-level fields.
    pub extra: Object,
}

/// Parses a PHP-style form body into nested JSON (`a[b][]=1` → `{"a":{"b":["1"]}}`).
///
/// Bounded as PHP bounds `$_REQUEST`: a key nesting deeper than 64 levels, or more than 1000
/// pairs, is [`EventError::Malformed`].
pub fn parse_php_form(body: &[u8]) -> Result<Value, EventError> {
    crate::query::parse_nested(body).map_err(EventError::Malformed)
}

/// The `auth[application_token]` of a body, read without building its tree: the last one of a
/// form body (as PHP keeps the last), or `auth.application_token` of a JSON object.
fn raw_application_token(is_json: bool, body: &[u8]) -> Result<Option<Secret>, EventError> {
    if is_json {
        #[derive(Deserialize)]
        struct Body {
            #[serde(default)]
            auth: Option<Auth>,
        }
        #[derive(Deserialize)]
        struct Auth {
            #[serde(default, deserialize_with = "opt_secret")]
            application_token: Option<Secret>,
        }
        // serde_json stops at 128 levels; the rest of the body is skipped, not kept.
        let b: Body =
            serde_json::from_slice(body).map_err(|e| EventError::Malformed(e.to_string()))?;
        return Ok(b.auth.and_then(|a| a.application_token));
    }
    let mut token = None;
    for (k, v) in form_urlencoded::parse(body) {
        if k == "auth[application_token]" {
            token = Some(Secret::new(v.into_owned()));
        }
    }
    Ok(token)
}

/// Checks the body's `auth[application_token]` (constant time) before anything else is read.
fn check_raw_token(json: bool, body: &[u8], application_token: &str) -> Result<(), EventError> {
    match raw_application_token(json, body)? {
        None => Err(EventError::MissingToken),
        Some(t) if application_token.is_empty() || !t.ct_eq(application_token) => {
            Err(EventError::BadToken)
        }
        Some(_) => Ok(()),
    }
}

/// The body of an event POST as one JSON tree (`{"event", "data", "ts", "auth"}`), once its
/// `auth[application_token]` matches `application_token` (checked before the tree is built, as
/// [`Event::parse_verified`] does). For decoders of their own, such as the generated
/// `Event::from_verified` of the events crate.
pub fn verified_payload(
    content_type: Option<&str>,
    body: &[u8],
    application_token: &str,
) -> Result<Value, EventError> {
    let json = is_json(content_type);
    check_raw_token(json, body, application_token)?;
    let tree = if json {
        serde_json::from_slice(body).map_err(|e| EventError::Malformed(e.to_string()))?
    } else {
        parse_php_form(body)?
    };
    // The tree must hold the token the scan found (`auth[application_token][]` would not).
    match tree
        .pointer("/auth/application_token")
        .and_then(Value::as_str)
    {
        Some(t) if Secret::from(t).ct_eq(application_token) => Ok(tree),
        Some(_) => Err(EventError::BadToken),
        None => Err(EventError::MissingToken),
    }
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .map(|c| c.to_ascii_lowercase().contains("json"))
        .unwrap_or(false)
}

impl Event {
    /// By `Content-Type`: JSON when it says so, form-encoded otherwise.
    ///
    /// This does not verify the event: use [`Event::parse_verified`] for a body from the
    /// network.
    pub fn parse(content_type: Option<&str>, body: &[u8]) -> Result<Event, EventError> {
        if is_json(content_type) {
            Event::from_json(body)
        } else {
            Event::from_form(body)
        }
    }

    pub fn from_form(body: &[u8]) -> Result<Event, EventError> {
        Event::from_value(parse_php_form(body)?)
    }

    pub fn from_json(body: &[u8]) -> Result<Event, EventError> {
        let v: Value =
            serde_json::from_slice(body).map_err(|e| EventError::Malformed(e.to_string()))?;
        Event::from_value(v)
    }

    fn from_value(v: Value) -> Result<Event, EventError> {
        let Value::Object(map) = v else {
            return Err(EventError::Malformed("not an object".into()));
        };
        let mut map = Object::from(map);
        let event = match map.remove("event") {
            Some(Value::String(s)) if !s.is_empty() => s,
            _ => return Err(EventError::MissingEvent),
        };
        let auth = match map.remove("auth") {
            Some(a @ Value::Object(_)) => EventAuth::deserialize(a)
                .map_err(|e| EventError::Malformed(format!("auth: {e}")))?,
            _ => EventAuth::default(),
        };
        let int = |v: Option<Value>| -> Option<i64> {
            v.and_then(|v| {
                #[derive(Deserialize)]
                struct N(#[serde(deserialize_with = "wire::opt_i64")] Option<i64>);
                N::deserialize(v).ok().and_then(|n| n.0)
            })
        };
        let event_handler_id = int(map.remove("event_handler_id"));
        let ts = int(map.remove("ts"));
        let data = map.remove("data").unwrap_or(Value::Null);
        Ok(Event {
            event,
            event_handler_id,
            data,
            ts,
            auth,
            extra: map,
        })
    }

    /// Checks `auth[application_token]` against the application's token (constant-time).
    pub fn verify(&self, application_token: &str) -> Result<(), EventError> {
        match &self.auth.application_token {
            None => Err(EventError::MissingToken),
            Some(t) if !application_token.is_empty() && t.ct_eq(application_token) => Ok(()),
            Some(_) => Err(EventError::BadToken),
        }
    }

    /// Verifies and parses in one step. The token is checked before the body's tree is built,
    /// so that an unauthenticated POST costs one pass over its pairs and nothing more.
    pub fn parse_verified(
        content_type: Option<&str>,
        body: &[u8],
        application_token: &str,
    ) -> Result<Event, EventError> {
        check_raw_token(is_json(content_type), body, application_token)?;
        let e = Event::parse(content_type, body)?;
        // The tree may read the token differently from the scan (`auth[application_token][]`).
        e.verify(application_token)?;
        Ok(e)
    }

    /// `data` as `T` (use the `wire` helpers on `T`'s fields: every value arrives as a string).
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, EventError> {
        serde_path_to_error::deserialize(&self.data).map_err(|e| EventError::Data {
            path: format!("data.{}", e.path()),
            message: e.into_inner().to_string(),
        })
    }

    /// The token pair the event carries (for an OAuth client acting on this portal).
    pub fn tokens(&self) -> Option<Tokens> {
        let a = &self.auth;
        Some(Tokens {
            access_token: a.access_token.clone()?,
            refresh_token: a.refresh_token.clone()?,
            expires_at: a.expires,
            client_endpoint: a.client_endpoint.clone(),
            server_endpoint: a.server_endpoint.clone(),
            domain: a.domain.clone(),
            member_id: a.member_id.clone(),
            scope: a.scope.clone(),
            user_id: a.user_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &[u8] = b"event=ONCRMDEALADD&event_handler_id=185&data%5BFIELDS%5D%5BID%5D=6641\
&ts=1735374081&auth%5Baccess_token%5D=s6p6eclrvim6da22ft9ch94ekreb52lv&auth%5Bexpires_in%5D=3600\
&auth%5Bscope%5D=crm&auth%5Bdomain%5D=some-domain.bitrix24.com\
&auth%5Bclient_endpoint%5D=https%3A%2F%2Fsome-domain.bitrix24.com%2Frest%2F\
&auth%5Bmember_id%5D=a223c6b3710f85df22e9377d6c4f7553\
&auth%5Brefresh_token%5D=4s386p3q0tr8dy89xvmt96234v3dljg8\
&auth%5Bapplication_token%5D=51856fefc120afa4b628cc82d3935cce";

    #[derive(Debug, Deserialize)]
    struct DealEvent {
        #[serde(rename = "FIELDS")]
        fields: DealFields,
    }
    #[derive(Debug, Deserialize)]
    struct DealFields {
        #[serde(rename = "ID", deserialize_with = "wire::i64")]
        id: i64,
    }

    #[test]
    fn parses_form_events() {
        let e = Event::parse(Some("application/x-www-form-urlencoded"), FORM).unwrap();
        assert_eq!(e.event, "ONCRMDEALADD");
        assert_eq!((e.event_handler_id, e.ts), (Some(185), Some(1735374081)));
        assert_eq!(e.data_as::<DealEvent>().unwrap().fields.id, 6641);
        assert_eq!(e.auth.domain.as_deref(), Some("some-domain.bitrix24.com"));
        assert_eq!(e.auth.expires_in, Some(3600));
        let t = e.tokens().unwrap();
        assert_eq!(t.access_token.expose(), "s6p6eclrvim6da22ft9ch94ekreb52lv");
        assert_eq!(
            t.client_endpoint.as_deref(),
            Some("https://some-domain.bitrix24.com/rest/")
        );
    }

    #[test]
    fn verifies_application_token() {
        let e = Event::from_form(FORM).unwrap();
        assert!(e.verify("51856fefc120afa4b628cc82d3935cce").is_ok());
        assert!(matches!(
            e.verify("51856fefc120afa4b628cc82d3935ccX"),
            Err(EventError::BadToken)
        ));
        assert!(matches!(e.verify(""), Err(EventError::BadToken)));
        let no_token = Event::from_form(b"event=ONAPPUNINSTALL&data[LANGUAGE_ID]=en").unwrap();
        assert!(matches!(
            no_token.verify("x"),
            Err(EventError::MissingToken)
        ));
        assert!(Event::parse_verified(None, FORM, "51856fefc120afa4b628cc82d3935cce").is_ok());
        assert!(Event::parse_verified(None, FORM, "nope").is_err());
    }

    #[test]
    fn debug_shows_no_token() {
        let e = Event::from_form(FORM).unwrap();
        let d = format!("{e:?}");
        for s in [
            "s6p6eclrvim6da22ft9ch94ekreb52lv",
            "4s386p3q0tr8dy89xvmt96234v3dljg8",
            "51856fefc120afa4b628cc82d3935cce",
        ] {
            assert!(!d.contains(s), "{d}");
        }
    }

    #[test]
    fn json_bodies_and_errors() {
        let body = br#"{"event":"ONCRMDEALUPDATE","data":{"FIELDS":{"ID":"7"}},
            "auth":{"application_token":"tok","domain":"d"}}"#;
        let e = Event::parse(Some("application/json; charset=utf-8"), body).unwrap();
        assert_eq!(e.event, "ONCRMDEALUPDATE");
        assert!(e.verify("tok").is_ok());
        assert!(e.tokens().is_none());
        assert!(matches!(
            Event::from_form(b"data[x]=1"),
            Err(EventError::MissingEvent)
        ));
        assert!(matches!(
            Event::from_json(b"{"),
            Err(EventError::Malformed(_))
        ));
        let bad = Event::from_form(b"event=E&data[FIELDS][ID]=abc").unwrap();
        match bad.data_as::<DealEvent>() {
            Err(EventError::Data { path, .. }) => assert_eq!(path, "data.FIELDS.ID"),
            other => panic!("{other:?}"),
        }
    }

    /// One unauthenticated POST of a million nesting levels (about 2 MB) is refused before any
    /// tree is built; with the right token it is `Malformed`; the parser keeps working.
    #[test]
    fn deep_bodies_are_refused_not_fatal() {
        let deep = format!("event=E&data{}=1", "[]".repeat(1_000_000));
        assert!(matches!(
            Event::parse_verified(None, deep.as_bytes(), "tok"),
            Err(EventError::MissingToken)
        ));
        let forged = format!("{deep}&auth[application_token]=nope");
        assert!(matches!(
            Event::parse_verified(None, forged.as_bytes(), "tok"),
            Err(EventError::BadToken)
        ));
        let signed = format!("{deep}&auth[application_token]=tok");
        match Event::parse_verified(None, signed.as_bytes(), "tok") {
            Err(EventError::Malformed(m)) => assert!(m.contains("64 levels"), "{m}"),
            other => panic!("{other:?}"),
        }
        match Event::from_form(deep.as_bytes()) {
            Err(EventError::Malformed(m)) => assert!(m.contains("`data[…]`"), "{m}"),
            other => panic!("{other:?}"),
        }
        let json = format!("{}1{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
        assert!(matches!(
            Event::parse_verified(Some("application/json"), json.as_bytes(), "tok"),
            Err(EventError::Malformed(_))
        ));
        assert!(Event::parse_verified(None, FORM, "51856fefc120afa4b628cc82d3935cce").is_ok());
    }

    #[test]
    fn verified_payloads() {
        let v = verified_payload(None, FORM, "51856fefc120afa4b628cc82d3935cce").unwrap();
        assert_eq!(v["data"]["FIELDS"]["ID"], "6641");
        assert!(matches!(
            verified_payload(None, FORM, "51856fefc120afa4b628cc82d3935ccX"),
            Err(EventError::BadToken)
        ));
        let deep = format!(
            "event=E&data{}=1&auth[application_token]=t",
            "[]".repeat(1_000_000)
        );
        assert!(matches!(
            verified_payload(None, deep.as_bytes(), "t"),
            Err(EventError::Malformed(_))
        ));
        let body = b"event=E&auth[application_token]=t&auth[application_token][]=x";
        assert!(verified_payload(None, body, "t").is_err());
    }

    #[test]
    fn verification_reads_the_token_the_tree_reads() {
        // Scan and tree disagree: the tree has no string token, so it is not verified.
        let body = b"event=E&auth[application_token]=tok&auth[application_token][]=x";
        assert!(Event::parse_verified(None, body, "tok").is_err());
        let json = br#"{"event":"E","auth":{"application_token":"tok"}}"#;
        assert!(Event::parse_verified(Some("application/json"), json, "tok").is_ok());
        assert!(matches!(
            Event::parse_verified(Some("application/json"), json, "tik"),
            Err(EventError::BadToken)
        ));
    }
}
