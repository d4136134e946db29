//! `diff::rust_api` mirrors the planner's type mapping; this checks it
//! against `rust::plan` on every field and result the planner types, for the
//! diff fixture trees and the real English reference when present.
use b24gen::diff::rust_api::{rust_result, rust_type, Side};
use b24gen::ir::{Ir, Lang};
use b24gen::rust::plan::{plan, Dir, ModPlan, OutputPlan, PlanOptions};
use b24gen::rust::types::Ty;
use std::path::{Path, PathBuf};

fn name(t: &Ty) -> String {
    match t {
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Str => "String".into(),
        Ty::YesNo => "YesNo".into(),
        Ty::Date => "Date".into(),
        Ty::DateTime => "DateTime".into(),
        Ty::Value => "serde_json::Value".into(),
        Ty::Object => "wire::Object".into(),
        Ty::File => "wire::File".into(),
        Ty::Vec(t) => format!("Vec<{}>", name(t)),
        Ty::Struct(_) => "struct".into(),
        Ty::Enum(_) => "enum".into(),
        Ty::Union(_) => "union".into(),
    }
}

/// (fields checked, mismatches)
fn check(ir: &Ir) -> (usize, Vec<String>) {
    let p = plan(
        ir,
        &PlanOptions {
            crate_name: "x".into(),
            lang: Lang::En,
        },
    );
    let mut n = 0;
    let mut bad = Vec::new();
    let mut stack: Vec<&ModPlan> = p.scopes.iter().map(|s| &s.root).collect();
    while let Some(m) = stack.pop() {
        stack.extend(m.children.iter());
        let Some(mp) = &m.method else { continue };
        let want = match &mp.output {
            // A union `result` is `pub enum Output`.
            OutputPlan::Struct if mp.types.unions.iter().any(|u| u.name == "Output") => {
                "union".to_string()
            }
            OutputPlan::Struct => "struct".to_string(),
            OutputPlan::Alias(t) => name(t),
        };
        let got = rust_result(mp.ir.result.as_ref());
        n += 1;
        if got != want {
            bad.push(format!("{} result: planner {want}, diff {got}", mp.ir.name));
        }
        for s in &mp.types.structs {
            let side = match s.dir {
                Dir::Params => Side::Params,
                Dir::Result => Side::Received,
            };
            for f in &s.fields {
                n += 1;
                let got = rust_type(&f.ir.ty, Some(f.ir), side);
                if got != name(&f.ty) {
                    bad.push(format!(
                        "{} {}.{}: planner {}, diff {got}",
                        mp.ir.name,
                        s.name,
                        f.ir.name,
                        name(&f.ty)
                    ));
                }
            }
        }
    }
    (n, bad)
}

#[test]
fn mirrors_the_planner_on_the_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/diff-fixtures");
    let mut dirs: Vec<PathBuf> = Vec::new();
    for e in std::fs::read_dir(&root).unwrap().flatten() {
        if e.path().is_dir() {
            dirs.push(e.path().join("new"));
        }
    }
    dirs.sort();
    let mut total = 0;
    for d in dirs {
        let (n, bad) = check(&b24gen::read_docs(std::slice::from_ref(&d)));
        assert!(bad.is_empty(), "{}: {bad:#?}", d.display());
        total += n;
    }
    assert!(total > 100, "only {total} types checked");
}

#[test]
fn mirrors_the_planner_on_the_real_reference() {
    let dir = match std::env::var_os("B24_DOCS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24-docs"),
    };
    if !dir.join("en").is_dir() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("the docs corpus is missing at {}", dir.display());
        }
        println!("skipped: no docs corpus at {}", dir.display());
        return;
    }
    let (n, bad) = check(&b24gen::read_docs(&[dir.join("en")]));
    assert!(n > 10_000, "only {n} types checked");
    assert!(
        bad.is_empty(),
        "{} of {n} differ: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}
