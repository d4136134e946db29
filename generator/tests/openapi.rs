//! `b24gen openapi`: the documents validate with a real OpenAPI validator (openapi-spec-validator)
//! and the docs' examples against their schemas (JSON Schema 2020-12, the `jsonschema` package),
//! both through `scripts/validate-openapi.py` (one Python process per test; `.ci/run` installs
//! the packages). Without them the tests print `skipped`; under `CI=true` that is a failure.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use b24gen::conformance::{cases, load_exceptions, CaseKind, Verdict, EXCEPTIONS_FILE};
use b24gen::ir::{Ir, Lang, Method};
use b24gen::openapi::{document, operations, Options};
use common::workspace;
use serde::Deserialize;

const SCRIPT: &str = "scripts/validate-openapi.py";

/// The Python interpreter, when it has the validators; `None` after printing why the test is
/// skipped (a failure under `CI=true`).
fn python(test: &str) -> Option<String> {
    let py = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let ok = Command::new(&py)
        .args([
            "-c",
            "import openapi_spec_validator, jsonschema, referencing",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(py);
    }
    let why = format!(
        "{test}: {py} lacks openapi-spec-validator/jsonschema (pip install openapi-spec-validator jsonschema)"
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{why} and CI=true");
    }
    println!("skipped: {why}");
    None
}

fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("openapi")
        .join(name);
    std::fs::create_dir_all(&dir).expect("the test's output folder");
    dir
}

fn opts(lang: Lang) -> Options {
    Options {
        lang,
        ..Options::default()
    }
}

fn write_doc(dir: &Path, ir: &Ir, lang: Lang) -> PathBuf {
    let path = dir.join(format!("openapi-{}.json", lang.as_str()));
    let text = serde_json::to_string(&document(ir, &opts(lang))).expect("the document serializes");
    std::fs::write(&path, text).expect("the document is written");
    path
}

/// One example's verdict, as the script writes it.
#[derive(Debug, Deserialize)]
struct Record {
    doc: String,
    operation: String,
    kind: String,
    key: String,
    ok: bool,
    #[serde(default)]
    path: String,
    #[serde(default)]
    message: String,
}

/// Runs the script on `docs`: (exit success, stdout, one record per example).
fn validate(py: &str, docs: &[PathBuf], records: &Path) -> (bool, String, Vec<Record>) {
    let out = Command::new(py)
        .arg(workspace().join(SCRIPT))
        .arg("--examples-out")
        .arg(records)
        .args(docs)
        .output()
        .expect("the validator runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(records).unwrap_or_default();
    let recs = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record per line"))
        .collect();
    (out.status.success(), stdout, recs)
}

#[test]
fn docs_src_document_is_valid_stable_and_complete() {
    let ir = b24gen::read_docs(&[workspace().join("docs-src")]);
    let doc = document(&ir, &opts(Lang::En));
    let again = document(
        &b24gen::read_docs(&[workspace().join("docs-src")]),
        &opts(Lang::En),
    );
    assert_eq!(
        serde_json::to_string_pretty(&doc).unwrap(),
        serde_json::to_string_pretty(&again).unwrap(),
        "the document is byte-identical across runs"
    );
    let paths = doc["paths"].as_object().expect("paths");
    assert_eq!(paths.len(), ir.methods.len(), "a path per method");
    for (m, id) in operations(&ir, &opts(Lang::En)) {
        let path = if m.rest_version == 3 {
            format!("/api/{}", m.name)
        } else {
            format!("/{}", m.name)
        };
        assert_eq!(paths[&path]["post"]["operationId"], id.as_str());
    }
    // The lenient wire forms: an id as a number or a string holding one.
    let get = &paths["/crm.deal.get"]["post"]["requestBody"]["content"]["application/json"];
    assert_eq!(
        get["schema"]["properties"]["id"]["$ref"],
        "#/components/schemas/wire.Integer"
    );

    // The README shows part of this operation: it must be the real output.
    let readme = std::fs::read_to_string(workspace().join("README.md")).expect("README.md");
    let shown = readme
        .split_once("<!-- openapi-example")
        .and_then(|(_, rest)| rest.split_once("```json\n"))
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(block, _)| block)
        .expect("the README's OpenAPI example");
    let shown: serde_json::Value = serde_json::from_str(shown).expect("the README's block is JSON");
    let op = &paths["/crm.deal.get"]["post"];
    let body = &op["requestBody"]["content"]["application/json"];
    let real = serde_json::json!({
        "operationId": op["operationId"],
        "summary": op["summary"],
        "tags": op["tags"],
        "request": {"id": body["schema"]["properties"]["id"], "examples": body["examples"]},
        "OPENED": op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
            ["result"]["properties"]["OPENED"],
    });
    assert_eq!(shown, real, "README.md shows what `b24gen openapi` writes");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(
            readme
                .split_once("where `wire.Integer` is\n\n```json\n")
                .and_then(|(_, r)| r.split_once("```"))
                .expect("the README's wire.Integer")
                .0
        )
        .expect("JSON"),
        doc["components"]["schemas"]["wire.Integer"]
    );

    let Some(py) = python("docs_src_document_is_valid_stable_and_complete") else {
        return;
    };
    let dir = out_dir("docs-src");
    let good = write_doc(&dir, &ir, Lang::En);
    // A broken copy must fail: an operationId is a string, a schema's type one of JSON's.
    let mut broken = doc.clone();
    broken["paths"]["/crm.deal.get"]["post"]["operationId"] = serde_json::json!(5);
    broken["components"]["schemas"]["wire.Integer"]["type"] = serde_json::json!("int");
    let bad = dir.join("broken.json");
    std::fs::write(&bad, serde_json::to_string(&broken).unwrap()).unwrap();

    let (ok, stdout, recs) = validate(
        &py,
        std::slice::from_ref(&good),
        &dir.join("examples.jsonl"),
    );
    assert!(ok, "the docs-src document is valid OpenAPI 3.1:\n{stdout}");
    assert!(!recs.is_empty(), "its examples were checked");
    // The docs' one known mistake in docs-src (`IS_RECCURING` for `IS_RECURRING`) is caught.
    assert!(
        recs.iter().any(|r| !r.ok
            && r.operation == "crm.deal.update"
            && r.message.contains("IS_RECCURING")),
        "a closed request body rejects a misspelt key"
    );
    let (ok, stdout, _) = validate(&py, &[bad], &dir.join("broken.jsonl"));
    assert!(!ok, "a broken document is invalid:\n{stdout}");
}

/// Counts of one language and kind.
#[derive(Default)]
struct Count {
    valid: u64,
    total: u64,
    misses: Vec<String>,
}

#[test]
fn whole_reference_validates_with_its_examples() {
    let Some(docs) = b24gen::corpus_or_skip("whole_reference_validates_with_its_examples") else {
        return;
    };
    let Some(py) = python("whole_reference_validates_with_its_examples") else {
        return;
    };
    let ir = b24gen::read_docs(&[docs.join("en"), docs.join("ru")]);
    let dir = out_dir("corpus");
    let en = write_doc(&dir, &ir, Lang::En);
    let ru = write_doc(&dir, &ir, Lang::Ru);
    // The RU document has the EN one's structure (only texts and examples differ): its examples
    // are checked, the document itself is not validated twice (a minute or two each).
    let docs = [en.clone(), PathBuf::from("--no-spec"), ru];
    let (ok, stdout, recs) = validate(&py, &docs, &dir.join("examples.jsonl"));
    assert!(
        ok,
        "the documents of the whole reference are valid OpenAPI 3.1:\n{stdout}"
    );

    // Every method is an operation; twins apart.
    let ops = operations(&ir, &opts(Lang::En));
    assert_eq!(ops.len(), ir.methods.len());
    let mut ids: Vec<&str> = ops.iter().map(|(_, id)| id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), ops.len(), "operationIds are unique");
    let names: std::collections::BTreeSet<&str> =
        ir.methods.iter().map(|m| m.name.as_str()).collect();
    println!(
        "openapi: {} operations for {} method names",
        ops.len(),
        names.len()
    );
    let op_of: HashMap<*const Method, &str> = ops
        .iter()
        .map(|(m, id)| (*m as *const Method, id.as_str()))
        .collect();

    // The script's verdicts: (document language, operation, page:line) → verdicts in order.
    let en_name = en.to_string_lossy().into_owned();
    let doc_lang = |doc: &str| -> &'static str {
        if doc == en_name {
            "en"
        } else {
            "ru"
        }
    };
    type Slot = (&'static str, String, String, String);
    let mut verdicts: HashMap<Slot, Vec<&Record>> = HashMap::new();
    for r in &recs {
        let key = r.key.split_once('#').map_or(r.key.as_str(), |(k, _)| k);
        verdicts
            .entry((
                doc_lang(&r.doc),
                r.kind.clone(),
                r.operation.clone(),
                key.to_owned(),
            ))
            .or_default()
            .push(r);
    }

    // The examples the conformance suite accepts: all its request and response cases but the
    // reviewed docs mistakes.
    let exceptions =
        load_exceptions(&workspace().join(EXCEPTIONS_FILE)).expect("the exception list parses");
    let all = cases(&ir);
    let mut counts: BTreeMap<(&'static str, &'static str), Count> = BTreeMap::new();
    for case in &all {
        let kind = match case.kind {
            CaseKind::Request => "request",
            CaseKind::Response => "response",
            _ => continue,
        };
        let verdict = Verdict {
            case,
            failure: None,
        };
        if exceptions.iter().any(|e| e.covers(&verdict)) {
            continue;
        }
        let lang: &'static str = if case.lang == "en" { "en" } else { "ru" };
        let m = case.method.expect("a method case");
        let op = op_of[&(m as *const Method)];
        let key = verdict.place();
        let c = counts.entry((lang, kind)).or_default();
        c.total += 1;
        let slot = verdicts.get_mut(&(lang, kind.to_owned(), op.to_owned(), key.clone()));
        match slot.and_then(|v| (!v.is_empty()).then(|| v.remove(0))) {
            Some(r) if r.ok => c.valid += 1,
            Some(r) => c
                .misses
                .push(format!("{key} [{kind} {op}] at {}: {}", r.path, r.message)),
            None => c
                .misses
                .push(format!("{key} [{kind} {op}]: not in the {lang} document")),
        }
    }
    let errors: BTreeMap<&str, (u64, u64)> =
        recs.iter()
            .filter(|r| r.kind == "error")
            .fold(BTreeMap::new(), |mut acc, r| {
                let e = acc.entry(doc_lang(&r.doc)).or_insert((0, 0));
                e.1 += 1;
                e.0 += u64::from(r.ok);
                acc
            });
    for c in counts.values() {
        for m in &c.misses {
            println!("MISS {m}");
        }
    }
    for lang in ["en", "ru"] {
        let (Some(resp), Some(req)) = (
            counts.get(&(lang, "response")),
            counts.get(&(lang, "request")),
        ) else {
            panic!("no {lang} examples");
        };
        let ratio = |c: &Count| c.valid as f64 / c.total.max(1) as f64;
        let (e_ok, e_all) = errors.get(lang).copied().unwrap_or_default();
        println!(
            "openapi {lang}: responses valid {}/{} ({:.2} %), requests valid {}/{} ({:.2} %), errors valid {e_ok}/{e_all}",
            resp.valid,
            resp.total,
            ratio(resp) * 100.0,
            req.valid,
            req.total,
            ratio(req) * 100.0
        );
        assert!(resp.total >= 1500, "{lang}: too few responses");
        assert!(req.total >= 1900, "{lang}: too few requests");
        assert!(ratio(resp) >= 0.99, "{lang}: responses below 99 %");
        assert!(ratio(req) >= 0.97, "{lang}: requests below 97 %");
    }
}

/// A POST on the loopback mock: (status, body).
fn post(url: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_once('/').expect("a path");
    let mut s = std::net::TcpStream::connect(host).expect("the mock listens");
    write!(
        s,
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    )
    .expect("the request is sent");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("an answer");
    let (head, body) = answer.split_once("\r\n\r\n").expect("headers and a body");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status");
    (status, body.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_answers_rest_documentation_openapi_for_rest_3() {
    let ir = b24gen::read_docs(&[workspace().join("docs-src")]);
    let doc = b24gen::openapi::v30::rest3(&ir, Lang::En);
    assert_eq!(doc["openapi"], "3.0.3");
    let rest3: Vec<&str> = ir
        .methods
        .iter()
        .filter(|m| m.rest_version == 3)
        .map(|m| m.name.as_str())
        .collect();
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        paths,
        rest3.iter().map(|n| format!("/{n}")).collect::<Vec<_>>(),
        "the REST 3 methods only, under /rest/api/"
    );
    let portal = b24_mock::MockPortal::builder(ir)
        .openapi(doc.clone())
        .start()
        .await
        .expect("the mock starts");
    let base = portal.base_url();
    let (status, body) = tokio::task::spawn_blocking(move || {
        post(&format!(
            "{base}rest/api/1/mockwebhookcode/rest.documentation.openapi"
        ))
    })
    .await
    .expect("the request runs");
    assert_eq!(status, 200, "{body}");
    let served: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(served, doc, "the document, as a portal sends it");

    let Some(py) = python("the_mock_answers_rest_documentation_openapi_for_rest_3") else {
        return;
    };
    let dir = out_dir("rest3");
    let file = dir.join("rest3-v30.json");
    std::fs::write(&file, body).expect("written");
    let out = Command::new(&py)
        .args([
            "-c",
            "import json, sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1])))",
        ])
        .arg(&file)
        .output()
        .expect("the validator runs");
    assert!(
        out.status.success(),
        "the served document is valid OpenAPI 3.0: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
