//! Type tokens as the docs write them → IR [`Type`]s.

use crate::ir::{Kind, Type};

/// Resolve one token (`integer`, `crm_status`, `user[]`, `object`…).
pub fn resolve_token(token: &str) -> Type {
    let t = token.trim().trim_matches('`').trim();
    if let Some(inner) = t.strip_suffix("[]") {
        return Type::new(
            t,
            Kind::Array {
                item: Box::new(resolve_token(inner)),
            },
        );
    }
    let lower = t.to_ascii_lowercase();
    let kind = match lower.as_str() {
        "string" | "text" | "str" | "email" | "url" | "phone" => Kind::String,
        "integer" | "int" | "long" | "id" | "int64" | "uint" => Kind::Integer,
        "double" | "float" | "number" | "decimal" | "numeric" => Kind::Double,
        "boolean" | "bool" => Kind::Boolean,
        "char" | "y/n" => Kind::String,
        "date" => Kind::Date,
        "datetime" | "date-time" | "datetime-local" => Kind::Datetime,
        "timestamp" | "unixtime" => Kind::Timestamp,
        "file" => Kind::File,
        "object" | "json" | "map" | "struct" | "hash" => Kind::Object { fields: Vec::new() },
        "array" | "list" => Kind::Array {
            item: Box::new(Type::default()),
        },
        "enum" => Kind::Enum,
        "any" | "mixed" | "unknown" | "" => Kind::Any,
        _ => Kind::Ref {
            name: t.to_string(),
        },
    };
    Type::new(t, kind)
}

/// Is this token one of the docs' "absent" values?
pub fn is_null_token(token: &str) -> bool {
    matches!(
        token.trim().to_ascii_lowercase().as_str(),
        "null" | "undefined" | "none"
    )
}

/// Combine the tokens of one cell: `null` makes it nullable, several
/// alternatives make a union.
pub fn combine(tokens: &[String]) -> Type {
    let doc = tokens.join(" | ");
    let nullable = tokens.iter().any(|t| is_null_token(t));
    let mut variants: Vec<Type> = Vec::new();
    for t in tokens.iter().filter(|t| !is_null_token(t)) {
        let ty = resolve_token(t);
        if !variants.iter().any(|v| v.kind == ty.kind) {
            variants.push(ty);
        }
    }
    let mut ty = match variants.len() {
        0 => Type::new(doc.clone(), Kind::Any),
        1 => variants.remove(0),
        _ => Type::new(doc.clone(), Kind::Union { variants }),
    };
    ty.doc = doc;
    ty.nullable = nullable;
    ty
}

/// Type tokens in a cell: the contents of its code spans (inside link texts
/// or bare), split on `|`, plus words joined by "or"/"или".
pub fn tokens(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = cell.as_bytes();
    let mut k = 0;
    while k < b.len() {
        if b[k] == b'`' {
            let n = b[k..].iter().take_while(|c| **c == b'`').count();
            let rest = &cell[k + n..];
            let fence = &cell[k..k + n];
            if let Some(end) = rest.find(fence) {
                for tok in rest[..end].split('|') {
                    for tok in tok.split(" or ").flat_map(|t| t.split(" или ")) {
                        let tok = tok.trim();
                        if !tok.is_empty() && tok.len() <= 60 {
                            out.push(tok.to_string());
                        }
                    }
                }
                k += n + end + n;
                continue;
            }
            k += n;
            continue;
        }
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_kinds() {
        assert_eq!(tokens("[`string` | `object`](x.md)"), ["string", "object"]);
        assert_eq!(tokens("[```string|null```](x.md)"), ["string", "null"]);
        assert_eq!(tokens("[`a`](x) | [`b`](y)"), ["a", "b"]);
        let t = combine(&["string".into(), "null".into()]);
        assert_eq!(t.kind, Kind::String);
        assert!(t.nullable);
        let t = combine(&["integer[]".into()]);
        assert!(matches!(t.kind, Kind::Array { ref item } if item.kind == Kind::Integer));
        let t = combine(&["crm_status".into()]);
        assert_eq!(
            t.kind,
            Kind::Ref {
                name: "crm_status".into()
            }
        );
        let t = combine(&["integer".into(), "string".into()]);
        assert!(matches!(t.kind, Kind::Union { ref variants } if variants.len() == 2));
        assert_eq!(combine(&[]).kind, Kind::Any);
    }
}
