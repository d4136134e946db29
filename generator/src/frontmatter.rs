//! JSON-schema-like `params` / `returns` of the YAML front-matter → IR types.

use crate::ir::{Field, Kind, Lang, Text, Type};
use serde_json::Value;

/// `{"type":"object","properties":{…},"required":[…]}` → fields.
pub fn schema_fields(schema: &Value, lang: Lang) -> Vec<Field> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, s)| Field {
            name: name.clone(),
            required: required.contains(&name.as_str()),
            ty: schema_type(s, lang),
            default: s.get("default").map(|d| match d {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
            values: s
                .get("enum")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|v| crate::ir::EnumValue {
                            value: v
                                .as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string()),
                            doc: Text::default(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            deprecated: s
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            doc: s
                .get("description")
                .and_then(Value::as_str)
                .map(|d| Text::new(lang, d.to_string()))
                .unwrap_or_default(),
            from_example: false,
            literal: false,
            samples: Vec::new(),
        })
        .collect()
}

/// A schema → type.
pub fn schema_type(schema: &Value, lang: Lang) -> Type {
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
    let kind = match ty {
        "object" => Kind::Object {
            fields: schema_fields(schema, lang),
        },
        "array" => Kind::Array {
            item: Box::new(
                schema
                    .get("items")
                    .map(|i| schema_type(i, lang))
                    .unwrap_or_default(),
            ),
        },
        "string" if schema.get("enum").is_some() => Kind::Enum,
        "string" => match schema.get("format").and_then(Value::as_str) {
            Some("date") => Kind::Date,
            Some("date-time") => Kind::Datetime,
            _ => Kind::String,
        },
        "integer" => Kind::Integer,
        "number" => Kind::Double,
        "boolean" => Kind::Boolean,
        _ => Kind::Any,
    };
    Type::new(ty, kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schemas() {
        let s = json!({"type":"object","required":["A"],"properties":{"A":{"type":"integer"},"B":{"type":"array","items":{"type":"string"}}}});
        let f = schema_fields(&s, Lang::En);
        assert_eq!(f.len(), 2);
        assert!(f[0].required && !f[1].required);
        assert!(matches!(f[1].ty.kind, Kind::Array { ref item } if item.kind == Kind::String));
        assert!(schema_fields(&json!({"type":"object"}), Lang::En).is_empty());
        assert_eq!(
            schema_type(&json!({"type":"object"}), Lang::En).kind.name(),
            "object"
        );
    }
}
