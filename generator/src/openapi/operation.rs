//! One method → one path item: `POST /{method}` (REST 2) or `POST /api/{method}` (REST 3).

use serde_json::{json, Map, Value};

use super::schema::{annotate, Dir, Mapper};
use super::wire::{self, optional, schema_ref};
use super::{errors, examples};
use crate::ir::{Field, Kind, Lang, Method, Type};

/// Where a REST 3 method's path starts; REST 3 calls go to `{portal}/rest/api/`.
pub const REST3_PREFIX: &str = "/api/";

/// The path of `m`.
pub fn path(m: &Method) -> String {
    if m.rest_version == 3 {
        format!("{REST3_PREFIX}{}", m.name)
    } else {
        format!("/{}", m.name)
    }
}

/// The operationId of `m`: its name; a REST 3 twin of a REST 2 method gets `api.` before it.
pub fn operation_id(m: &Method, twin: bool) -> String {
    if twin && m.rest_version == 3 {
        format!("api.{}", m.name)
    } else {
        m.name.clone()
    }
}

/// The published page of a source (`en:crm/deals/crm-deal-add.md`). Method pages of the
/// reference live in folders; a bare file name is a page copied out of its tree (docs-src), whose
/// address is not known.
pub fn page_url(source: &str) -> Option<String> {
    let (lang, rel) = source.split_once(':')?;
    if !rel.contains('/') {
        return None;
    }
    let host = match lang {
        "en" => "https://apidocs.bitrix24.com",
        "ru" => "https://apidocs.bitrix24.ru",
        _ => return None,
    };
    let rel = rel.strip_suffix(".md")?;
    Some(format!("{host}/api-reference/{rel}.html"))
}

fn first_source(m: &Method, lang: Lang) -> Option<&str> {
    let prefix = format!("{}:", lang.as_str());
    m.sources
        .iter()
        .find(|s| s.starts_with(&prefix))
        .or_else(|| m.sources.first())
        .map(String::as_str)
}

/// The params of `m` as the request body schema; a list method gets `start` (the page offset
/// the portal reads on any list) when the page does not document it.
pub fn request_schema(mapper: &mut Mapper, m: &Method) -> Value {
    let mut fields: Vec<Field> = m.params.clone();
    // The portal reads `start` on any list, and list traversals send it to any method.
    if !fields.iter().any(|f| f.name.eq_ignore_ascii_case("start")) {
        let doc = match mapper.lang {
            Lang::En => "The offset of the page: the `next` of the previous answer (pages of 50).",
            Lang::Ru => "Смещение страницы: `next` из предыдущего ответа (страницы по 50).",
        };
        fields.push(Field {
            name: "start".into(),
            ty: Type::new("integer", Kind::Integer),
            doc: crate::ir::Text::new(mapper.lang, doc),
            ..Field::default()
        });
    }
    let mut body = mapper.object(&fields, Dir::Params);
    if m.rest_version != 3 {
        super::schema::any_case_keys(&mut body, &format!("{}/properties", request_pointer(m)));
    }
    body
}

/// The JSON pointer of `m`'s request body schema in the document.
pub fn request_pointer(m: &Method) -> String {
    format!(
        "#/paths/{}/post/requestBody/content/application~1json/schema",
        super::schema::pointer_token(&path(m))
    )
}

/// A reference naming an id (`catalog_product.id`, `user_id`), not an object.
fn is_id(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".id") || lower.ends_with("_id")
}

/// `name` of a list of `Kind::Ref { name }` that is not an id.
fn listed_ref(t: &Type) -> Option<&str> {
    match &t.kind {
        Kind::Array { item } => match &item.kind {
            Kind::Ref { name } if !is_id(name) => Some(name),
            _ => None,
        },
        _ => None,
    }
}

/// `{result, total?, next?, time}` around the result schema of `m`.
pub fn response_schema(mapper: &mut Mapper, m: &Method) -> Value {
    let result = match &m.result {
        // A whole result typed as a docs' reference is the object it names (`crm_currency` of
        // `crm.currency.get`), not its id.
        Some(Type {
            kind: Kind::Ref { name },
            nullable,
            ..
        }) => {
            let s = if is_id(name) {
                schema_ref(wire::INTEGER)
            } else {
                mapper.named(name)
            };
            if *nullable {
                super::wire::or_null(s)
            } else {
                s
            }
        }
        // So is each row of a list of them.
        Some(t) if listed_ref(t).is_some() => {
            let name = listed_ref(t).unwrap_or_default();
            let list = json!({"type": "array", "items": mapper.named(name)});
            if t.nullable {
                super::wire::or_null(list)
            } else {
                list
            }
        }
        Some(t) => mapper.ty(t, &[], Dir::Result),
        None => json!({}),
    };
    let mut props = Map::new();
    props.insert("result".into(), result);
    if m.paginated {
        let total = match mapper.lang {
            Lang::En => "Rows in the whole list.",
            Lang::Ru => "Всего строк в списке.",
        };
        let next = match mapper.lang {
            Lang::En => "The `start` of the next page; absent on the last one.",
            Lang::Ru => "`start` следующей страницы; нет на последней.",
        };
        props.insert(
            "total".into(),
            annotate(optional(schema_ref(wire::INTEGER)), desc(total)),
        );
        props.insert(
            "next".into(),
            annotate(optional(schema_ref(wire::INTEGER)), desc(next)),
        );
    }
    props.insert("time".into(), schema_ref(wire::TIME));
    json!({"type": "object", "properties": props, "required": ["result"]})
}

fn desc(text: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("description".into(), json!(text));
    m
}

fn media(schema: Value, examples: Map<String, Value>) -> Value {
    let mut o = Map::new();
    o.insert("schema".into(), schema);
    if !examples.is_empty() {
        o.insert("examples".into(), Value::Object(examples));
    }
    Value::Object(o)
}

/// The path item of `m`.
pub fn path_item(mapper: &mut Mapper, m: &Method, operation_id: String) -> Value {
    let lang = mapper.lang;
    let mut op = Map::new();
    op.insert("operationId".into(), json!(operation_id));
    if let Some(t) = m.title.prefer(lang) {
        op.insert("summary".into(), json!(t));
    }
    let description: Vec<&str> = [m.summary.prefer(lang), m.description.prefer(lang)]
        .into_iter()
        .flatten()
        .collect();
    if !description.is_empty() {
        op.insert("description".into(), json!(description.join("\n\n")));
    }
    if !m.scopes.is_empty() {
        op.insert("tags".into(), json!(m.scopes));
    }
    if m.deprecated {
        op.insert("deprecated".into(), json!(true));
    }
    if let Some(url) = first_source(m, lang).and_then(page_url) {
        op.insert("externalDocs".into(), json!({ "url": url }));
    }

    let body = request_schema(mapper, m);
    let required = m.params.iter().any(|f| f.required);
    let mut content = Map::new();
    content.insert(
        "application/json".into(),
        media(body, examples::requests(m, lang)),
    );
    if m.rest_version == 2 {
        let form = match lang {
            Lang::En => {
                "The same parameters, PHP-style: `fields[TITLE]=Deal&fields[PHONE][0][VALUE]=555`."
            }
            Lang::Ru => {
                "Те же параметры в стиле PHP: `fields[TITLE]=Deal&fields[PHONE][0][VALUE]=555`."
            }
        };
        let same = json!({ "$ref": request_pointer(m) });
        let mut form_media = media(same, Map::new());
        form_media["x-b24-encoding"] = json!(form);
        content.insert("application/x-www-form-urlencoded".into(), form_media);
    }
    op.insert(
        "requestBody".into(),
        json!({"required": required, "content": content}),
    );

    let ok = match lang {
        Lang::En => "The answer.",
        Lang::Ru => "Ответ.",
    };
    let failed = match lang {
        Lang::En => "An error: the method's documented codes, the system codes, or another one.",
        Lang::Ru => "Ошибка: коды метода из документации, системные коды или другой код.",
    };
    op.insert(
        "responses".into(),
        json!({
            "200": {
                "description": ok,
                "content": {"application/json": media(response_schema(mapper, m), examples::responses(m, lang))}
            },
            "default": {
                "description": failed,
                "content": {"application/json": media(errors::body(m, lang), examples::errors(m, lang))}
            }
        }),
    );
    op.insert("x-b24-rest-version".into(), json!(m.rest_version));
    if let Some(r) = &m.replaced_by {
        op.insert("x-b24-replaced-by".into(), json!(r));
    }
    if let Some(r) = m.rate_limit_per_sec {
        op.insert("x-b24-rate-limit-per-sec".into(), json!(r));
    }
    if !m.aliases.is_empty() {
        op.insert("x-b24-aliases".into(), json!(m.aliases));
    }

    let mut item = Map::new();
    if m.rest_version == 3 {
        item.insert("servers".into(), super::document::rest3_servers(lang));
    }
    item.insert("post".into(), Value::Object(op));
    Value::Object(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_link_to_the_published_reference() {
        assert_eq!(
            page_url("ru:crm/deals/crm-deal-add.md").as_deref(),
            Some("https://apidocs.bitrix24.ru/api-reference/crm/deals/crm-deal-add.html")
        );
        assert_eq!(page_url("en:crm-deal-add.md"), None);
        assert_eq!(page_url("crm-deal-add.md"), None);
    }
}
