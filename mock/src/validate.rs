//! Requests checked against the IR the way the portal checks them: required params, value
//! types, and keys the docs do not know (recorded; refused in strict mode, and in REST 3's
//! `select`).

use b24_ir::{Field, Kind, Method};
use serde_json::{Map, Value};

use crate::{ApiError, Mode};

/// Keys the transport or the runtime sets on any call.
const TRANSPORT_KEYS: &[&str] = &["auth", "start", "halt", "_", "cmd"];

/// What the check found.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    /// Dotted paths of keys the docs do not know (`fields.FOO`, `BAR`).
    pub unknown: Vec<String>,
}

/// Checks `params` against `m`; the error is the answer the portal gives.
pub(crate) fn check(
    m: &Method,
    params: &Map<String, Value>,
    mode: Mode,
) -> Result<Checked, ApiError> {
    let v3 = m.rest_version == 3;
    let mut unknown = Vec::new();
    for (k, v) in params {
        if TRANSPORT_KEYS.contains(&k.as_str()) {
            continue;
        }
        match find(&m.params, k, !v3) {
            None => unknown.push(k.clone()),
            Some(f) => nested_unknown(f, v, k, &mut unknown),
        }
    }
    if mode != Mode::Lenient {
        for f in &m.params {
            if is_pattern(&f.name) {
                continue;
            }
            let value = lookup(params, &f.name, !v3);
            match value {
                None | Some(Value::Null) if f.required => {
                    return Err(missing(m, &f.name));
                }
                Some(v) if !fits(&f.ty.kind, v) => return Err(wrong_type(m, f, v)),
                _ => {}
            }
        }
        if v3 {
            if let Some(Value::Array(sel)) = lookup(params, "select", false) {
                if let Some(known) = result_item_fields(m) {
                    for s in sel {
                        let Some(s) = s.as_str() else { continue };
                        if s != "*" && find(known, s, false).is_none() {
                            return Err(ApiError::v3(
                                "BITRIX_REST_V3_EXCEPTION_UNKNOWNDTOPROPERTYEXCEPTION",
                                format!("Unknown field `{s}` for object `{}`", m.name),
                                None,
                            ));
                        }
                    }
                }
            }
        }
    }
    if mode == Mode::Strict && !unknown.is_empty() {
        let list = unknown.join("`, `");
        return Err(if v3 {
            ApiError::v3(
                "BITRIX_REST_V3_EXCEPTION_UNKNOWNDTOPROPERTYEXCEPTION",
                format!("Unknown field `{list}` for object `{}`", m.name),
                None,
            )
        } else {
            ApiError::v2(400, "ERROR_ARGUMENT", format!("Unknown parameter `{list}`"))
        });
    }
    Ok(Checked { unknown })
}

/// The field a key names: exact, by the case-insensitive match REST 2 does at the top level, or
/// by a placeholder pattern (`UF_CRM_...`, `<field>`).
fn find<'a>(fields: &'a [Field], key: &str, any_case: bool) -> Option<&'a Field> {
    fields
        .iter()
        .find(|f| f.name == key)
        .or_else(|| {
            any_case
                .then(|| fields.iter().find(|f| f.name.eq_ignore_ascii_case(key)))
                .flatten()
        })
        .or_else(|| fields.iter().find(|f| pattern_matches(&f.name, key)))
}

fn lookup<'a>(params: &'a Map<String, Value>, name: &str, any_case: bool) -> Option<&'a Value> {
    params.get(name).or_else(|| {
        any_case
            .then(|| {
                params
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
            .flatten()
    })
}

/// A documented name that stands for many keys.
fn is_pattern(name: &str) -> bool {
    name.contains("...")
        || name.contains('<')
        || name.contains('{')
        || name.contains('*')
        || name.contains('…')
}

fn pattern_matches(pattern: &str, key: &str) -> bool {
    if !is_pattern(pattern) {
        return false;
    }
    let stem = pattern
        .split(['.', '<', '{', '*', '…'])
        .next()
        .unwrap_or_default();
    key.starts_with(stem)
}

/// Unknown keys one level down, in an object param with documented fields.
fn nested_unknown(f: &Field, v: &Value, path: &str, out: &mut Vec<String>) {
    let (Kind::Object { fields }, Value::Object(o)) = (&f.ty.kind, v) else {
        return;
    };
    if fields.is_empty() {
        return;
    }
    for k in o.keys() {
        if find(fields, k, false).is_none() {
            out.push(format!("{path}.{k}"));
        }
    }
}

/// Does `v` pass for `kind`? As lenient as the portal's PHP casts: numbers may come as strings,
/// flags as `Y`/`N`, `1`/`0` or booleans, arrays as PHP maps.
fn fits(kind: &Kind, v: &Value) -> bool {
    match (kind, v) {
        (_, Value::Null) => true,
        (Kind::Integer, Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        (Kind::Integer, Value::String(s)) => s.trim().is_empty() || s.trim().parse::<i64>().is_ok(),
        (Kind::Integer, _) => false,
        (Kind::Double, Value::Number(_)) => true,
        (Kind::Double, Value::String(s)) => {
            s.trim().is_empty() || s.trim().replace(',', ".").parse::<f64>().is_ok()
        }
        (Kind::Double, _) => false,
        (Kind::Object { .. }, Value::Object(_) | Value::Array(_) | Value::String(_)) => true,
        (Kind::Object { .. }, _) => false,
        _ => true,
    }
}

/// The result's item fields (REST 3 `select` names them): `result.items[]`, `result.item` or
/// the result itself.
fn result_item_fields(m: &Method) -> Option<&[Field]> {
    let fields = m.result.as_ref()?.fields()?;
    for wrapper in ["items", "item"] {
        if let Some(f) = fields.iter().find(|f| f.name == wrapper) {
            return f.ty.fields().filter(|f| !f.is_empty());
        }
    }
    Some(fields).filter(|f| !f.is_empty())
}

/// The error a missing required param gets: the page's own code when its error table ties one
/// to the param (`ID is not defined or invalid.`), else the portal's generic one.
fn missing(m: &Method, name: &str) -> ApiError {
    if m.rest_version == 3 {
        return ApiError::v3(
            "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "Error during request object validation".into(),
            Some(vec![(
                name.to_owned(),
                format!("Mandatory field `{name}` is missing"),
            )]),
        );
    }
    documented(m, name, MISSING_WORDS).unwrap_or_else(|| {
        ApiError::v2(
            400,
            "ERROR_ARGUMENT",
            format!("Parameter `{name}` is required"),
        )
    })
}

fn wrong_type(m: &Method, f: &Field, v: &Value) -> ApiError {
    let what = f.ty.kind.name();
    if m.rest_version == 3 {
        return ApiError::v3(
            "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "Error during request object validation".into(),
            Some(vec![(
                f.name.clone(),
                format!("Field `{}` must be of type {what}, got {v}", f.name),
            )]),
        );
    }
    documented(m, &f.name, INVALID_WORDS).unwrap_or_else(|| {
        ApiError::v2(
            400,
            "ERROR_ARGUMENT",
            format!("Parameter `{}` must be of type {what}", f.name),
        )
    })
}

const MISSING_WORDS: &[&str] = &[
    "required",
    "not defined",
    "missing",
    "empty",
    "not specified",
    "not passed",
    "not set",
    "not filled",
    "invalid",
    "обязател",
    "не указан",
    "не передан",
    "не задан",
    "пуст",
    "не заполн",
    "некоррект",
];
const INVALID_WORDS: &[&str] = &[
    "invalid",
    "incorrect",
    "not defined",
    "must be",
    "некоррект",
    "неверн",
];

/// A non-system error of `m` whose message or meaning names `param` and says one of `words`.
fn documented(m: &Method, param: &str, words: &[&str]) -> Option<ApiError> {
    let needle = param.to_ascii_lowercase();
    m.errors.iter().filter(|e| !e.system).find_map(|e| {
        let texts = [
            e.message.as_deref(),
            e.doc.en.as_deref(),
            e.doc.ru.as_deref(),
        ];
        let hit = texts.iter().flatten().any(|t| {
            let t = t.to_lowercase();
            names_word(&t, &needle) && words.iter().any(|w| t.contains(w))
        });
        hit.then(|| {
            let description = e
                .message
                .clone()
                .or_else(|| e.doc.en.clone())
                .unwrap_or_default();
            ApiError::v2(e.http_status.unwrap_or(400), &e.code, description)
        })
    })
}

/// `word` occurs in `text` with no letter, digit or `_` on either side.
fn names_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use b24_ir::{ErrorCode, Text, Type};
    use serde_json::json;

    fn field(name: &str, kind: Kind, required: bool) -> Field {
        Field {
            name: name.into(),
            required,
            ty: Type::new("", kind),
            ..Field::default()
        }
    }

    fn deal_get() -> Method {
        Method {
            name: "crm.deal.get".into(),
            rest_version: 2,
            params: vec![field("id", Kind::Integer, true)],
            errors: vec![ErrorCode {
                code: String::new(),
                http_status: Some(400),
                message: Some("ID is not defined or invalid.".into()),
                doc: Text::default(),
                system: false,
            }],
            ..Method::default()
        }
    }

    fn params(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(o) => o,
            _ => Map::new(),
        }
    }

    #[test]
    fn missing_param_gets_the_documented_error() {
        let e = check(&deal_get(), &params(json!({})), Mode::Default).unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str(), e.description.as_str()),
            (400, "", "ID is not defined or invalid.")
        );
    }

    #[test]
    fn case_and_spelling_follow_rest2() {
        assert!(check(&deal_get(), &params(json!({"ID": "5"})), Mode::Default).is_ok());
        let e = check(&deal_get(), &params(json!({"id": "five"})), Mode::Default).unwrap_err();
        assert_eq!(e.status, 400);
    }

    #[test]
    fn unknown_keys_are_reported_then_refused_in_strict_mode() {
        let p = params(json!({"id": 1, "FOO": 2}));
        assert_eq!(
            check(&deal_get(), &p, Mode::Default).unwrap().unknown,
            ["FOO"]
        );
        let e = check(&deal_get(), &p, Mode::Strict).unwrap_err();
        assert_eq!(e.code, "ERROR_ARGUMENT");
        let lenient = check(&deal_get(), &params(json!({"FOO": 2})), Mode::Lenient).unwrap();
        assert_eq!(lenient.unknown, ["FOO"]);
    }

    #[test]
    fn rest3_answers_its_validation_errors() {
        let mut m = deal_get();
        m.rest_version = 3;
        m.params = vec![
            field("id", Kind::Integer, true),
            field(
                "select",
                Kind::Array {
                    item: Box::new(Type::new("", Kind::String)),
                },
                false,
            ),
        ];
        m.result = Some(Type::new(
            "",
            Kind::Object {
                fields: vec![field(
                    "item",
                    Kind::Object {
                        fields: vec![field("id", Kind::Integer, false)],
                    },
                    false,
                )],
            },
        ));
        let e = check(&m, &params(json!({})), Mode::Default).unwrap_err();
        assert!(e.code.ends_with("REQUESTVALIDATIONEXCEPTION"));
        let e = check(
            &m,
            &params(json!({"id": 1, "select": ["id", "nope"]})),
            Mode::Default,
        )
        .unwrap_err();
        assert!(e.code.ends_with("UNKNOWNDTOPROPERTYEXCEPTION"), "{e:?}");
        assert!(check(
            &m,
            &params(json!({"id": 1, "select": ["id"]})),
            Mode::Default
        )
        .is_ok());
    }
}
