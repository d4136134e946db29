//! The whole document: info, servers, tags, one path per method, the components.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::schema::Mapper;
use super::{errors, operation, wire};
use crate::ir::{Ir, Lang, Method};

/// What to export.
#[derive(Debug, Clone)]
pub struct Options {
    /// Language of the descriptions (and of the examples, where the page has them).
    pub lang: Lang,
    /// Only methods in one of these scopes (all when empty).
    pub scopes: Vec<String>,
    /// The `info.version` of the document.
    pub version: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: Lang::En,
            scopes: Vec::new(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

fn portal_var(lang: Lang) -> Value {
    let d = match lang {
        Lang::En => "The portal's address.",
        Lang::Ru => "Адрес портала.",
    };
    json!({"default": "example.bitrix24.com", "description": d})
}

/// REST 2 is called on a webhook (`/rest/{user}/{webhook}/`) or with an OAuth token (`/rest/`).
fn servers(lang: Lang) -> Value {
    let (hook, oauth, user, code) = match lang {
        Lang::En => (
            "Inbound webhook: the user and the webhook's secret code in the address.",
            "An application: the OAuth access token in the `auth` parameter.",
            "The id of the user the webhook acts as.",
            "The webhook's secret code.",
        ),
        Lang::Ru => (
            "Входящий вебхук: пользователь и секретный код вебхука в адресе.",
            "Приложение: токен OAuth в параметре `auth`.",
            "Идентификатор пользователя, от имени которого работает вебхук.",
            "Секретный код вебхука.",
        ),
    };
    json!([
        {
            "url": "https://{portal}/rest/{user}/{webhook}",
            "description": hook,
            "variables": {
                "portal": portal_var(lang),
                "user": {"default": "1", "description": user},
                "webhook": {"default": "webhook_code", "description": code}
            }
        },
        {
            "url": "https://{portal}/rest",
            "description": oauth,
            "variables": {"portal": portal_var(lang)}
        }
    ])
}

/// REST 3 paths (`/api/{method}`) sit under `https://{portal}/rest`; a webhook calls them at
/// `https://{portal}/rest/api/{user}/{webhook}/{method}`, which a server URL cannot express.
pub fn rest3_servers(lang: Lang) -> Value {
    let d = match lang {
        Lang::En => "REST 3: an application's OAuth token in `auth` (a webhook calls `https://{portal}/rest/api/{user}/{webhook}/{method}`).",
        Lang::Ru => "REST 3: токен OAuth приложения в `auth` (вебхук вызывает `https://{portal}/rest/api/{user}/{webhook}/{method}`).",
    };
    json!([{ "url": "https://{portal}/rest", "description": d, "variables": {"portal": portal_var(lang)} }])
}

/// The methods `opts` selects, each with its operationId (the method name; a REST 3 twin of a
/// REST 2 method gets `api.` before it), in IR order.
pub fn operations<'a>(ir: &'a Ir, opts: &Options) -> Vec<(&'a Method, String)> {
    let selected: Vec<&Method> = ir
        .methods
        .iter()
        .filter(|m| opts.scopes.is_empty() || m.scopes.iter().any(|s| opts.scopes.contains(s)))
        .collect();
    let rest2: BTreeSet<&str> = selected
        .iter()
        .filter(|m| m.rest_version != 3)
        .map(|m| m.name.as_str())
        .collect();
    selected
        .into_iter()
        .map(|m| {
            let twin = m.rest_version == 3 && rest2.contains(m.name.as_str());
            (m, operation::operation_id(m, twin))
        })
        .collect()
}

/// The OpenAPI 3.1 document of `ir`.
pub fn document(ir: &Ir, opts: &Options) -> Value {
    let lang = opts.lang;
    let mut mapper = Mapper::new(lang);
    let mut paths = Map::new();
    let mut tags: BTreeSet<&str> = BTreeSet::new();
    for (m, id) in operations(ir, opts) {
        tags.extend(m.scopes.iter().map(String::as_str));
        paths.insert(operation::path(m), operation::path_item(&mut mapper, m, id));
    }

    let mut schemas = Map::new();
    for (name, s) in wire::components(lang) {
        schemas.insert(name.to_owned(), s);
    }
    for (name, s) in wire::optional_components() {
        schemas.insert(name, s);
    }
    schemas.insert(wire::SYSTEM_CODE.to_owned(), errors::system_codes());
    for (key, name) in &mapper.refs {
        let d = match lang {
            Lang::En => {
                format!("The docs' type `{name}`: its fields are not documented where it is used.")
            }
            Lang::Ru => {
                format!("Тип документации `{name}`: его поля не описаны там, где он используется.")
            }
        };
        schemas.insert(key.clone(), json!({ "description": d }));
    }

    let (title, description, auth) = match lang {
        Lang::En => (
            "Bitrix24 REST API",
            "The Bitrix24 REST API (REST 2 and REST 3) as its official reference documents it, exported by b24gen. Scalars are described in the lenient forms the portal uses on the wire (`components/schemas/wire.*`).",
            "An application's OAuth access token.",
        ),
        Lang::Ru => (
            "REST API Битрикс24",
            "REST API Битрикс24 (REST 2 и REST 3) по официальной документации, выгружено b24gen. Скалярные значения описаны в тех формах, в которых их передаёт портал (`components/schemas/wire.*`).",
            "Токен доступа OAuth приложения.",
        ),
    };
    let tag_list: Vec<Value> = tags.iter().map(|t| json!({ "name": t })).collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": opts.version,
            "description": description,
            "license": {"name": "MIT", "identifier": "MIT"}
        },
        "servers": servers(lang),
        "security": [{}, {"auth": []}],
        "tags": tag_list,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "auth": {"type": "apiKey", "in": "query", "name": "auth", "description": auth}
            }
        }
    })
}
