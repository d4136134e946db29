//! The shared components: how the portal spells scalars on the wire (the forms the runtime reads
//! leniently, see `b24_runtime::wire`), the `time` block, and the error bodies.
//!
//! Every schema a method uses for a scalar is a `$ref` to one of these, so the lenient forms are
//! described once: an integer is `5` or `"5"`, a flag is `"Y"`/`"N"` (or `true`, `1`…), and an
//! absent optional value may come as `null`, `""`, `false` or `[]` (PHP's empty array).

use crate::ir::Lang;
use serde_json::{json, Map, Value};

/// `#/components/schemas/<name>`.
pub fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

pub const INTEGER: &str = "wire.Integer";
pub const NUMBER: &str = "wire.Number";
pub const STRING: &str = "wire.String";
pub const BOOLEAN: &str = "wire.Boolean";
pub const YES_NO: &str = "wire.YesNo";
pub const DATE: &str = "wire.Date";
pub const DATETIME: &str = "wire.DateTime";
pub const FILE: &str = "wire.File";
pub const EMPTY: &str = "wire.Empty";
pub const TIME: &str = "Time";
pub const ERROR_V2: &str = "Error";
pub const ERROR_V3: &str = "ErrorV3";
pub const SYSTEM_CODE: &str = "SystemErrorCode";

/// A signed integer, optionally as a string holding one (what PHP sends for database ids).
const INTEGER_PATTERN: &str = r"^\s*[-+]?[0-9]+(\.0*)?\s*$";
/// A decimal number, optionally as a string holding one.
const NUMBER_PATTERN: &str = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$";
/// The spellings of a flag the portal reads (`Y`/`N`, `1`/`0`, `true`/`false`, any case).
const FLAG_PATTERN: &str = r"^\s*([yYnN01]|[tT][rR][uU][eE]|[fF][aA][lL][sS][eE])\s*$";
/// ISO-8601 (`2024-05-01`, `2024-05-01T10:00:00+03:00`, `2024-05-01 10:00:00`), the Russian
/// (`01.05.2024 10:00:00`) and English (`05/01/2024 10:00:00 am`) portal formats, unix seconds.
const DATE_PATTERN: &str = r"^\s*([0-9]{4}-[0-9]{2}-[0-9]{2}([T ].*)?|[0-9]{2}\.[0-9]{2}\.[0-9]{4}( .*)?|[0-9]{2}/[0-9]{2}/[0-9]{4}( .*)?|[0-9]+(\.[0-9]*)?)\s*$";

fn text(lang: Lang, en: &str, ru: &str) -> String {
    match lang {
        Lang::En => en.to_owned(),
        Lang::Ru => ru.to_owned(),
    }
}

/// The wire-form components, in a fixed order.
pub fn components(lang: Lang) -> Vec<(&'static str, Value)> {
    let t = |en: &str, ru: &str| text(lang, en, ru);
    let flag = json!({"anyOf": [
        {"type": "boolean"},
        {"type": "string", "pattern": FLAG_PATTERN},
        {"enum": [0, 1]}
    ]});
    vec![
        (
            INTEGER,
            json!({
                "description": t("An integer; the portal also sends and reads it as a string holding one (`\"5\"`).",
                                 "Целое число; портал также передаёт и читает его строкой (`\"5\"`)."),
                "type": ["integer", "string"],
                "pattern": INTEGER_PATTERN
            }),
        ),
        (
            NUMBER,
            json!({
                "description": t("A number; the portal also sends and reads it as a string holding one (`\"1.5\"`).",
                                 "Число; портал также передаёт и читает его строкой (`\"1.5\"`)."),
                "type": ["number", "string"],
                "pattern": NUMBER_PATTERN
            }),
        ),
        (
            STRING,
            json!({
                "description": t("A string; the portal may send a number where the docs say string (`5` for `\"5\"`).",
                                 "Строка; портал может передать число там, где в документации строка (`5` вместо `\"5\"`)."),
                "type": ["string", "number"]
            }),
        ),
        (
            BOOLEAN,
            json!({
                "description": t("A flag: `true`/`false`; the portal also reads and sends `\"Y\"`/`\"N\"`, `1`/`0`, `\"true\"`/`\"false\"`.",
                                 "Флаг: `true`/`false`; портал также читает и передаёт `\"Y\"`/`\"N\"`, `1`/`0`, `\"true\"`/`\"false\"`."),
                "anyOf": flag["anyOf"].clone()
            }),
        ),
        (
            YES_NO,
            json!({
                "description": t("`\"Y\"` (yes) or `\"N\"` (no); the portal also reads `true`/`false` and `1`/`0`.",
                                 "`\"Y\"` (да) или `\"N\"` (нет); портал также читает `true`/`false` и `1`/`0`."),
                "anyOf": [{"enum": ["Y", "N"]}, flag["anyOf"][0].clone(), flag["anyOf"][1].clone(), flag["anyOf"][2].clone()]
            }),
        ),
        (
            DATE,
            json!({
                "description": t("A date: ISO-8601 (`2024-05-01`), the portal's formats (`01.05.2024`, `05/01/2024`) or unix seconds.",
                                 "Дата: ISO-8601 (`2024-05-01`), форматы портала (`01.05.2024`, `05/01/2024`) или unix-время в секундах."),
                "type": ["string", "number"],
                "pattern": DATE_PATTERN
            }),
        ),
        (
            DATETIME,
            json!({
                "description": t("A date and time: ISO-8601 (`2024-05-01T10:00:00+03:00`), the portal's formats (`01.05.2024 10:00:00`) or unix seconds.",
                                 "Дата и время: ISO-8601 (`2024-05-01T10:00:00+03:00`), форматы портала (`01.05.2024 10:00:00`) или unix-время в секундах."),
                "type": ["string", "number"],
                "pattern": DATE_PATTERN
            }),
        ),
        (
            FILE,
            json!({
                "description": t("A file: `[\"name.ext\", \"<base64 content>\"]` when sent, an object (id, name, URLs) when read.",
                                 "Файл: `[\"name.ext\", \"<содержимое в base64>\"]` при отправке, объект (id, имя, ссылки) при чтении.")
            }),
        ),
        (
            EMPTY,
            json!({
                "description": t("How the portal spells an absent optional value: `null`, `\"\"`, `false`, `[]` (PHP's empty array) or `{}`.",
                                 "Как портал передаёт отсутствующее значение: `null`, `\"\"`, `false` или `[]` (пустой массив PHP)."),
                "anyOf": [
                    {"type": "null"},
                    {"const": ""},
                    {"const": false},
                    {"type": "array", "maxItems": 0},
                    {"type": "object", "maxProperties": 0}
                ]
            }),
        ),
        (TIME, time(lang)),
        (ERROR_V2, error_v2(lang)),
        (ERROR_V3, error_v3(lang)),
    ]
}

fn time(lang: Lang) -> Value {
    let t = |en: &str, ru: &str| text(lang, en, ru);
    let mut props = Map::new();
    for (k, ty) in [
        ("start", NUMBER),
        ("finish", NUMBER),
        ("duration", NUMBER),
        ("processing", NUMBER),
        ("date_start", DATETIME),
        ("date_finish", DATETIME),
        ("operating_reset_at", DATETIME),
        ("operating", NUMBER),
    ] {
        props.insert(k.to_owned(), optional(schema_ref(ty)));
    }
    json!({
        "description": t("Timing of the call: unix seconds, and the method's operating-time budget (`operating`, `operating_reset_at`).",
                         "Время выполнения запроса: unix-время в секундах и расход лимита времени метода (`operating`, `operating_reset_at`)."),
        "type": "object",
        "properties": props
    })
}

fn error_v2(lang: Lang) -> Value {
    let t = |en: &str, ru: &str| text(lang, en, ru);
    json!({
        "description": t("The portal's error body (REST 2).", "Тело ответа с ошибкой (REST 2)."),
        "type": "object",
        "properties": {
            "error": {"type": ["string", "integer"], "description": t("The error code.", "Код ошибки.")},
            "error_description": {"type": "string", "description": t("What went wrong.", "Описание ошибки.")}
        },
        "required": ["error"]
    })
}

fn error_v3(lang: Lang) -> Value {
    let t = |en: &str, ru: &str| text(lang, en, ru);
    json!({
        "description": t("The portal's error body (REST 3).", "Тело ответа с ошибкой (REST 3)."),
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": ["string", "integer"], "description": t("The error code.", "Код ошибки.")},
                    "message": {"type": "string"},
                    "validation": {"type": "array", "description": t("The fields that failed validation.", "Поля, не прошедшие проверку.")}
                },
                "required": ["code"]
            }
        },
        "required": ["error"]
    })
}

/// The scalars that have an optional form `opt.<name>` (= the scalar or [`EMPTY`]).
const OPTIONAL_SCALARS: [&str; 8] = [
    INTEGER, NUMBER, STRING, BOOLEAN, YES_NO, DATE, DATETIME, FILE,
];

/// The `opt.*` components: a scalar, or one of the absent-value spellings.
pub fn optional_components() -> Vec<(String, Value)> {
    OPTIONAL_SCALARS
        .iter()
        .map(|name| {
            let short = name.trim_start_matches("wire.");
            (
                format!("opt.{short}"),
                json!({"anyOf": [schema_ref(name), schema_ref(EMPTY)]}),
            )
        })
        .collect()
}

/// `schema`, or one of the absent-value spellings ([`EMPTY`]); a bare `wire.*` scalar becomes its
/// `opt.*` component.
pub fn optional(schema: Value) -> Value {
    let Some(o) = schema.as_object() else {
        return schema;
    };
    if o.is_empty() {
        return schema;
    }
    if o.len() == 1 {
        if let Some(name) = o
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            if OPTIONAL_SCALARS.contains(&name) {
                return schema_ref(&format!("opt.{}", name.trim_start_matches("wire.")));
            }
        }
    }
    json!({"anyOf": [schema, schema_ref(EMPTY)]})
}

/// `schema`, or `null`.
pub fn or_null(schema: Value) -> Value {
    if schema.as_object().is_some_and(|o| o.is_empty()) {
        return schema;
    }
    json!({"anyOf": [schema, {"type": "null"}]})
}
