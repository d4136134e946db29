//! Loading one side of a diff: an IR JSON file or doc folders.
use b24gen::diff::{load_side, LoadError};
use b24gen::ir::{Ir, Method, SCHEMA_VERSION};
use std::path::PathBuf;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("b24gen-diff-input-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sample() -> Ir {
    Ir {
        schema: SCHEMA_VERSION,
        methods: vec![Method {
            name: "crm.deal.add".into(),
            rest_version: 2,
            ..Method::default()
        }],
        ..Ir::default()
    }
}

fn never(_: &[PathBuf]) -> Ir {
    panic!("the doc reader must not be called for an IR file")
}

#[test]
fn one_file_is_an_ir_file() {
    let dir = tmp("file");
    let path = dir.join("ir.json");
    std::fs::write(&path, serde_json::to_string(&sample()).unwrap()).unwrap();
    let ir = load_side("old", std::slice::from_ref(&path), never).unwrap();
    assert_eq!(ir, sample());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn folders_go_to_the_doc_reader() {
    let (a, b) = (tmp("docs-a"), tmp("docs-b"));
    let paths = vec![a.clone(), b.clone()];
    let ir = load_side("new", &paths, |p| {
        assert_eq!(p, paths.as_slice());
        sample()
    })
    .unwrap();
    assert_eq!(ir.methods[0].name, "crm.deal.add");
    std::fs::remove_dir_all(a).unwrap();
    std::fs::remove_dir_all(b).unwrap();
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = tmp("bad");
    let err = load_side("old", &[], never).unwrap_err();
    assert!(matches!(err, LoadError::Empty("old")));

    let missing = dir.join("nope");
    let err = load_side("old", std::slice::from_ref(&missing), never).unwrap_err();
    assert!(err.to_string().contains("no such file or folder"), "{err}");

    let garbage = dir.join("garbage.json");
    std::fs::write(&garbage, "{\"methods\": 3").unwrap();
    let err = load_side("old", std::slice::from_ref(&garbage), never).unwrap_err();
    assert!(matches!(err, LoadError::Json { .. }), "{err}");

    let future = dir.join("future.json");
    std::fs::write(&future, "{\"schema\": 99, \"methods\": \"whatever\"}").unwrap();
    let err = load_side("old", std::slice::from_ref(&future), never).unwrap_err();
    assert!(err.to_string().contains("IR schema 99"), "{err}");

    let good = dir.join("good.json");
    std::fs::write(&good, serde_json::to_string(&sample()).unwrap()).unwrap();
    let err = load_side("old", &[good, dir.clone()], never).unwrap_err();
    assert!(matches!(err, LoadError::MixedFile(_)), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}
