//! `file`-typed params are `wire::File` (a name and Base64 content) in the generated crate;
//! a result's `file` stays `serde_json::Value`. The crate compiles and a file param
//! serializes as `["name.ext", "<base64>"]`.

mod common;

use b24gen::ir::Ir;
use common::{cargo_run_example, emit_ir, target_dir, workspace, write_standalone};
use serde_json::json;

/// `crm.company.add` with a `file` param inside `fields` and a `file` in the result.
fn ir() -> Ir {
    let field = |name: &str, kind: &str| {
        json!({"name": name, "required": false, "type": {"doc": kind, "kind": kind},
               "deprecated": false, "doc": {"en": "A field."}})
    };
    serde_json::from_value(json!({
        "schema": 1, "events": [], "diagnostics": [],
        "methods": [{
            "name": "crm.company.add", "scopes": ["crm"], "rest_version": 2,
            "deprecated": false, "aliases": [], "title": {"en": "Add a company"},
            "summary": {}, "description": {}, "sources": [], "paginated": false, "errors": [],
            "params": [{"name": "fields", "required": true, "deprecated": false, "doc": {},
                "type": {"doc": "object", "kind": "object",
                         "fields": [field("TITLE", "string"), field("LOGO", "file")]}}],
            "result": {"doc": "object", "kind": "object",
                       "fields": [field("ID", "integer"), field("LOGO", "file")]},
            "examples": {"requests": [], "responses": [], "errors": []}
        }]
    }))
    .expect("the test IR parses")
}

#[test]
fn file_params_take_a_wire_file() {
    let runtime = workspace().join("runtime");
    let (out, _) = emit_ir(
        &ir(),
        "b24gen generate (test)",
        &runtime.to_string_lossy(),
        true,
    );
    let add = out
        .files()
        .iter()
        .find(|(p, _)| p.ends_with("company/add.rs"))
        .map(|(_, text)| text.clone())
        .expect("the method's file");
    assert!(
        add.contains("pub logo: Option<::b24_runtime::wire::File>"),
        "the param is a wire::File:\n{add}"
    );
    assert!(
        add.contains("pub logo: Option<::serde_json::Value>"),
        "the result keeps a Value:\n{add}"
    );

    let dir = target_dir().join("emit-tests/file-params");
    write_standalone(&out, &dir);
    std::fs::create_dir_all(dir.join("examples")).expect("examples dir");
    std::fs::write(
        dir.join("examples/upload.rs"),
        r##"use bitrix24::crm::company::add::{Fields, Params};
use b24_runtime::wire::{File, FileForm};

fn main() {
    let logo = File::from_bytes("logo.png", [137u8, 80, 78, 71]);
    let p = Params::new(Fields::new().title("Acme").logo(logo.clone()));
    let text = serde_json::to_string(&p).expect("serializes");
    assert_eq!(text, r#"{"fields":{"TITLE":"Acme","LOGO":["logo.png","iVBORw=="]}}"#);
    let p = Params::new(Fields::new().logo(logo.form(FileForm::FileData)));
    let text = serde_json::to_string(&p).expect("serializes");
    assert_eq!(text, r#"{"fields":{"LOGO":{"fileData":["logo.png","iVBORw=="]}}}"#);
    println!("upload ok");
}
"##,
    )
    .expect("write the example");
    let stdout = cargo_run_example(&dir, "upload", &["--all-features"]);
    assert!(stdout.contains("upload ok"), "{stdout}");
}
