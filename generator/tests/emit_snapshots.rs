//! The emitted files, pinned: the docs-src client (what `generated-client/` holds) and the
//! hand-written fixture IR with the hard shapes (name clashes, keywords, placeholders, enums,
//! deprecations, events).

mod common;

use common::{count_emitted, docs_src_ir, emit_ir, fixture_ir};

const COMMAND: &str = "b24gen generate";

fn snapshot_all(prefix: &str, out: &b24gen::emit::Output) {
    for (path, text) in out.files() {
        let name = format!("{prefix}__{}", path.replace('/', "__"));
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn fixture_files_are_pinned() {
    let (out, _) = emit_ir(&fixture_ir(), COMMAND, "../runtime", false);
    snapshot_all("fixture", &out);
}

#[test]
fn docs_src_files_are_pinned() {
    let (out, _) = emit_ir(&docs_src_ir(), COMMAND, "../runtime", false);
    snapshot_all("docs_src", &out);
}

#[test]
fn emission_is_byte_identical_across_runs() {
    let ir = fixture_ir();
    let (a, _) = emit_ir(&ir, COMMAND, "../runtime", true);
    let (b, _) = emit_ir(&ir, COMMAND, "../runtime", true);
    assert_eq!(a, b);
    let (c, _) = emit_ir(&docs_src_ir(), COMMAND, "../runtime", true);
    let (d, _) = emit_ir(&docs_src_ir(), COMMAND, "../runtime", true);
    assert_eq!(c, d);
}

#[test]
fn every_method_and_event_is_emitted() {
    for ir in [fixture_ir(), docs_src_ir()] {
        let (out, stats) = emit_ir(&ir, COMMAND, "../runtime", false);
        assert_eq!(count_emitted(&out), (ir.methods.len(), ir.events.len()));
        assert_eq!(
            (stats.methods, stats.events),
            (ir.methods.len(), ir.events.len())
        );
    }
}

#[test]
fn every_generated_file_has_the_header() {
    let (out, _) = emit_ir(&fixture_ir(), "b24gen generate --x", "../runtime", false);
    for (path, text) in out.files() {
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.contains(b24gen::emit::MARKER) && first.contains("`b24gen generate --x`"),
            "{path}: {first}"
        );
    }
}

#[test]
fn fixture_shapes_map_as_documented() {
    let (out, stats) = emit_ir(&fixture_ir(), COMMAND, "../runtime", false);
    // Compare with whitespace runs squashed (prettyplease wraps long lines).
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let add = squash(
        out.get("scopes/crm/src/type_2/add.rs")
            .expect("crm.type.add module"),
    );
    // Case clash `crm.Type.get` / `crm.type.*` and the keyword `type`.
    assert!(out.get("scopes/crm/src/type/get.rs").is_some());
    // Deprecation names the replacement.
    assert!(add.contains(
        r#"#[deprecated(note = "deprecated in the Bitrix24 docs; use `crm.item.add` instead")]"#
    ));
    // Required params in `new`, clashing names suffixed, placeholders in `extra`.
    assert!(add.contains("pub fn new(id: impl Into<i64>, fields: impl Into<Fields>) -> Self"));
    assert!(
        add.contains("#[deprecated] n1c_code : String,"),
        "deprecated setter"
    );
    assert!(add.contains("pub id_2: Option<i64>,"));
    assert!(
        add.contains("opt \"id\" => id_2,"),
        "serialized under its wire name"
    );
    assert!(add.contains("pub extra: ::b24_runtime::wire::Object,"));
    assert!(add.contains("pub n1c_code: Option<String>,"));
    // Enum from documented values, with `Unknown(String)`; Y/N becomes YesNo.
    assert!(add.contains("pub enum Status {"));
    assert!(add.contains("Unknown(String),"));
    assert!(add.contains("pub is_active: Option<::b24_runtime::wire::YesNo>,"));
    // Error enum: page codes, empty code once, `OTHER` renamed away from the fallback.
    assert!(add.contains("Empty = \"\","));
    assert!(add.contains("Other2 = \"OTHER\","));
    assert!(
        !add.contains("QueryLimitExceeded"),
        "system codes come from the runtime"
    );
    let list = squash(
        out.get("scopes/crm/src/type_2/list.rs")
            .expect("crm.type.list module"),
    );
    assert!(list.contains("RestVersion::V3"));
    // A list: pages, and rows to stream (REST 3: no batch, so no fast traversal).
    assert!(list.contains("::b24_runtime::support::list_surface!(CrmTypeList, Params, Item, []);"));
    assert!(list.contains("::b24_runtime::support::call_surface!(Params => CrmTypeList);"));
    assert!(list.contains("pub type Output = Vec<Item>;"));
    assert!(list.contains("\"tags\" => tags : vec_string,"));
    // Unscoped methods and the `basic`/`user` choice by name prefix.
    assert!(out.get("scopes/unscoped/src/event/bind.rs").is_some());
    assert!(out.get("scopes/user/src/current.rs").is_some());
    let events = squash(out.get("events/src/lib.rs").expect("events crate"));
    assert!(events.contains("\"ONCRMDEALADD\" => Self::OnCrmDealAdd("));
    assert_eq!(
        events.matches("\"ONCRMDEALADD\" =>").count(),
        1,
        "one arm per upper-case name"
    );
    assert!(stats.unstructured_objects >= 2);
}

#[test]
fn committed_client_is_what_docs_src_generates() {
    use b24gen::emit::run::GenerateArgs;
    let args = GenerateArgs {
        docs: vec!["docs-src".into()],
        ir: None,
        out: "generated-client".into(),
        crate_name: "bitrix24".into(),
        lang: b24gen::ir::Lang::En,
        runtime_path: None,
        workspace: false,
    };
    let (out, _) = emit_ir(&docs_src_ir(), &args.command_line(), "../runtime", false);
    let root = common::workspace().join("generated-client");
    for (path, text) in out.files() {
        let committed = std::fs::read_to_string(root.join(path))
            .unwrap_or_else(|e| panic!("generated-client/{path}: {e}; run `b24gen generate`"));
        assert!(
            committed == *text,
            "generated-client/{path} is stale; run `cargo run -p b24gen -- generate`"
        );
    }
}

#[test]
fn doc_lang_ru_uses_russian_text_and_site() {
    use b24gen::emit::{self, EmitOptions};
    use b24gen::rust::PlanOptions;
    let (out, _) = emit::generate(
        &fixture_ir(),
        &PlanOptions {
            crate_name: "bitrix24".into(),
            lang: b24gen::ir::Lang::Ru,
        },
        &EmitOptions {
            command: COMMAND.into(),
            runtime_path: "../runtime".into(),
            workspace: false,
        },
    )
    .unwrap();
    let add = out.get("scopes/crm/src/type_2/add.rs").unwrap();
    assert!(add.contains("/// `crm.type.add`: Добавить тип"));
    assert!(add.contains("/// Добавляет тип."));
    assert!(add.contains("(https://apidocs.bitrix24.ru/api-reference/crm/type/crm-type-add.html)"));
    // Text missing in Russian falls back to English.
    let list = out.get("scopes/crm/src/type_2/list.rs").unwrap();
    assert!(list.contains("/// `crm.type.list`: List types"));
    // A page known only in English links the English site.
    assert!(list.contains("https://apidocs.bitrix24.com/api-reference/crm/type/crm-type-list.html"));
    let (en, _) = emit_ir(&fixture_ir(), COMMAND, "../runtime", false);
    assert_eq!(
        common::count_emitted(&out),
        common::count_emitted(&en),
        "the language changes docs only"
    );
}

#[test]
fn stats_count_unstructured_objects() {
    let s = b24gen::rust::stats(&fixture_ir());
    // `filter` (params), `extra` (list item), `event.bind`'s undocumented result.
    assert_eq!(s.unstructured_objects, 3);
    assert_eq!(s.methods, 5);
    assert_eq!(s.events, 3);
}
