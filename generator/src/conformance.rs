//! Bookkeeping of the conformance suite: the docs' JSON examples as cases, the verdicts on them,
//! the per-language summary, and the reviewed list of docs mistakes.
//!
//! The checks themselves run in a harness built on the generated crates with
//! `--cfg b24_conformance` (see `b24_runtime::conformance` for what "fits" means); this module
//! turns the IR into the harness's input and its output into verdicts. `b24gen report` reads
//! the exception list from here too, to list the docs mistakes for reporting upstream.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ir::{Example, Field, Ir, Kind, Method, Type};
use crate::rust::{types::scalar_ty, Ty};
use serde_json::Value;

/// Where the reviewed exception list lives, relative to the workspace root.
pub const EXCEPTIONS_FILE: &str = "tests/conformance-exceptions.toml";

pub use b24_spec::conformance::{Case, CaseKind, ErrorClass, ErrorFit, Mismatch, Outcome};

/// One example of the IR, with what it belongs to.
#[derive(Debug, Clone)]
pub struct CaseInfo<'a> {
    /// `en`, `ru`, or `src` for pages without a language prefix (docs-src).
    pub lang: String,
    pub kind: CaseKind,
    /// Method or event name.
    pub name: &'a str,
    /// 2 or 3; 0 for events.
    pub rest_version: u8,
    pub example: &'a Example,
    /// What the harness checks: the example, with placeholder values replaced by stand-ins
    /// (see [`stand_ins`]).
    pub json: Cow<'a, Value>,
    /// The method (not for events).
    pub method: Option<&'a Method>,
}

fn lang_of(page: &str) -> String {
    match page.split_once(':') {
        Some((l @ ("en" | "ru"), _)) => l.to_owned(),
        _ => "src".to_owned(),
    }
}

/// Every example of the IR, methods first (IR order), then events.
pub fn cases(ir: &Ir) -> Vec<CaseInfo<'_>> {
    let mut out = Vec::new();
    for m in &ir.methods {
        let groups = [
            (CaseKind::Response, &m.examples.responses),
            (CaseKind::Request, &m.examples.requests),
            (CaseKind::Error, &m.examples.errors),
        ];
        for (kind, examples) in groups {
            for e in examples {
                let json = match kind {
                    CaseKind::Request => stand_ins(&e.json, &m.params)
                        .map(Cow::Owned)
                        .unwrap_or(Cow::Borrowed(&e.json)),
                    _ => Cow::Borrowed(&e.json),
                };
                out.push(CaseInfo {
                    lang: lang_of(&e.page),
                    kind,
                    name: &m.name,
                    rest_version: m.rest_version,
                    example: e,
                    json,
                    method: Some(m),
                });
            }
        }
    }
    for ev in &ir.events {
        for e in &ev.examples {
            out.push(CaseInfo {
                lang: lang_of(&e.page),
                kind: CaseKind::Event,
                name: &ev.name,
                rest_version: 0,
                example: e,
                json: Cow::Borrowed(&e.json),
                method: None,
            });
        }
    }
    out
}

/// The harness input: `cases` numbered by position.
pub fn harness_input(cases: &[CaseInfo<'_>]) -> Vec<Case> {
    cases
        .iter()
        .enumerate()
        .map(|(id, c)| Case {
            id,
            kind: c.kind,
            name: c.name.to_owned(),
            rest_version: c.rest_version,
            json: c.json.as_ref().clone(),
        })
        .collect()
}

/// A template slot rather than a value: `**put_id_here**`, `your_product_id`, or a shell
/// substitution the reader replaced (`shell-value`).
pub fn is_placeholder_value(s: &str) -> bool {
    let t = s.trim();
    (t.len() > 4 && t.starts_with("**") && t.ends_with("**"))
        || t == "shell-value"
        || (t.starts_with("your_")
            && t.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
}

/// A value of the documented type standing in for a placeholder (`None`: leave it).
fn stand_in(ty: &Type) -> Option<Value> {
    if let Kind::Array { item } = &ty.kind {
        return stand_in(item);
    }
    Some(match scalar_ty(ty)? {
        Ty::I64 => Value::from(1),
        Ty::F64 => Value::from(1.5),
        Ty::Bool => Value::Bool(true),
        Ty::YesNo => Value::from("Y"),
        Ty::Date => Value::from("2024-05-01"),
        Ty::DateTime => Value::from("2024-05-01T10:00:00+03:00"),
        _ => return None,
    })
}

/// The request example with its placeholder values (see [`is_placeholder_value`]) replaced by a
/// value of the field's documented type; `None` when there is none to replace. Placeholders
/// stand for "some value of this type": they are not the docs' mistakes.
pub fn stand_ins(json: &Value, params: &[Field]) -> Option<Value> {
    let mut out = json.clone();
    replace_in(&mut out, params).then_some(out)
}

fn replace_in(v: &mut Value, fields: &[Field]) -> bool {
    let Value::Object(o) = v else {
        return false;
    };
    let mut changed = false;
    for (k, x) in o.iter_mut() {
        // As the suite reads REST 2 parameters: exactly, else in another case.
        let Some(f) = fields
            .iter()
            .find(|f| &f.name == k)
            .or_else(|| fields.iter().find(|f| f.name.eq_ignore_ascii_case(k)))
        else {
            continue;
        };
        changed |= replace_value(x, &f.ty);
    }
    changed
}

fn replace_value(x: &mut Value, ty: &Type) -> bool {
    match x {
        Value::String(s) if is_placeholder_value(s) => match stand_in(ty) {
            Some(v) => {
                *x = v;
                true
            }
            None => false,
        },
        Value::Object(_) => ty.fields().is_some_and(|fs| replace_in(x, fs)),
        Value::Array(items) => {
            let item = match &ty.kind {
                Kind::Array { item } => item.as_ref(),
                _ => ty,
            };
            let mut changed = false;
            for i in items.iter_mut() {
                changed |= replace_value(i, item);
            }
            changed
        }
        _ => false,
    }
}

/// The verdict on one case: `None` when it fits, else why not.
#[derive(Debug, Clone)]
pub struct Verdict<'a> {
    pub case: &'a CaseInfo<'a>,
    pub failure: Option<String>,
}

impl Verdict<'_> {
    /// `page:line`, how failures and exceptions name an example.
    pub fn place(&self) -> String {
        place(&self.case.example.page, self.case.example.line)
    }
}

fn place(page: &str, line: Option<u32>) -> String {
    match line {
        Some(l) => format!("{page}:{l}"),
        None => page.to_owned(),
    }
}

/// Judges the harness's outcomes. An error example fits when it decodes, and its code lands in
/// the documented variant when the method's page documents the code (a code the page does not
/// document rightly lands in `System` or `Other`; [`undocumented_codes`] lists those).
pub fn judge<'a>(
    cases: &'a [CaseInfo<'a>],
    outcomes: &[Outcome],
) -> Result<Vec<Verdict<'a>>, String> {
    let by_id: BTreeMap<usize, &Outcome> = outcomes.iter().map(|o| (o.id, o)).collect();
    cases
        .iter()
        .enumerate()
        .map(|(id, case)| {
            let o = by_id
                .get(&id)
                .ok_or_else(|| format!("the harness gave no outcome for case {id}"))?;
            let failure = match (&o.mismatch, &o.error) {
                (Some(m), _) => {
                    let path = if m.path.is_empty() { "(root)" } else { &m.path };
                    let into = if m.expected.is_empty() {
                        String::new()
                    } else {
                        format!(" (into {})", m.expected)
                    };
                    Some(format!("at {path}{into}: {}", m.message))
                }
                (None, Some(fit)) => error_failure(case, fit),
                (None, None) if case.kind == CaseKind::Error => {
                    Some("the harness gave no error verdict".to_owned())
                }
                (None, None) => None,
            };
            Ok(Verdict { case, failure })
        })
        .collect()
}

fn error_failure(case: &CaseInfo<'_>, fit: &ErrorFit) -> Option<String> {
    let documented = case
        .method
        .is_some_and(|m| m.errors.iter().any(|e| !e.system && e.code == fit.code));
    let class = match fit.class {
        ErrorClass::Documented => "documented",
        ErrorClass::System => "system",
        ErrorClass::Other => "other",
    };
    match (documented, fit.class) {
        (true, ErrorClass::Documented) | (false, ErrorClass::System | ErrorClass::Other) => None,
        (true, _) => Some(format!(
            "at error: code {:?} is documented but decoded into `{class}`",
            fit.code
        )),
        (false, _) => Some(format!(
            "at error: code {:?} is not documented but decoded into `{class}`",
            fit.code
        )),
    }
}

/// Error examples whose code the method's page does not document (they fit, as `Other` or
/// `System`, but the page's code table misses the code its own example shows): `page:line code`.
pub fn undocumented_codes(verdicts: &[Verdict<'_>], outcomes: &[Outcome]) -> Vec<String> {
    let mut out = Vec::new();
    for (v, o) in verdicts.iter().zip(outcomes) {
        let (Some(fit), Some(m)) = (&o.error, v.case.method) else {
            continue;
        };
        if fit.class == ErrorClass::Other && !m.errors.iter().any(|e| e.code == fit.code) {
            out.push(format!("{} {:?}", v.place(), fit.code));
        }
    }
    out
}

/// Fits and totals per kind, for one language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub fit: [u64; 4],
    pub total: [u64; 4],
}

impl Tally {
    fn slot(kind: CaseKind) -> usize {
        kind as usize
    }
    pub fn fit(&self, kind: CaseKind) -> u64 {
        self.fit[Self::slot(kind)]
    }
    pub fn total(&self, kind: CaseKind) -> u64 {
        self.total[Self::slot(kind)]
    }
    /// Fits / total (1 when there is nothing to fit).
    pub fn ratio(&self, kind: CaseKind) -> f64 {
        match self.total(kind) {
            0 => 1.0,
            t => self.fit(kind) as f64 / t as f64,
        }
    }
    pub fn examples(&self) -> u64 {
        self.total.iter().sum()
    }
}

/// Tallies per language (sorted).
pub fn tally(verdicts: &[Verdict<'_>]) -> BTreeMap<String, Tally> {
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for v in verdicts {
        let t = out.entry(v.case.lang.clone()).or_default();
        let s = Tally::slot(v.case.kind);
        t.total[s] += 1;
        if v.failure.is_none() {
            t.fit[s] += 1;
        }
    }
    out
}

/// `conformance <lang>: responses fit N/M, requests fit N/M, errors fit N/M, events fit N/M`
pub fn summary_line(lang: &str, t: &Tally) -> String {
    let parts: Vec<String> = CaseKind::ALL
        .iter()
        .map(|&k| format!("{} fit {}/{}", k.plural(), t.fit(k), t.total(k)))
        .collect();
    format!("conformance {lang}: {}", parts.join(", "))
}

/// A failure report line: page, block line, what, JSON path, expected type.
pub fn failure_line(v: &Verdict<'_>) -> Option<String> {
    let f = v.failure.as_ref()?;
    let mut s = String::new();
    let _ = write!(s, "{} [{} {}", v.place(), v.case.kind.as_str(), v.case.name);
    if v.case.rest_version == 3 {
        s.push_str(" (REST 3)");
    }
    let _ = write!(s, "] {f}");
    Some(s)
}

/// A docs mistake the suite found, reviewed: the example stays out of the fits and is reported
/// upstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// `en:crm/deals/crm-deal-add.md`.
    pub page: String,
    /// The example's block line.
    pub line: u32,
    pub kind: CaseKind,
    /// Method or event name.
    pub name: String,
    /// What is wrong in the docs.
    pub reason: String,
}

impl Exception {
    pub fn place(&self) -> String {
        place(&self.page, Some(self.line))
    }

    /// Whether this entry is about `v`'s example.
    pub fn covers(&self, v: &Verdict<'_>) -> bool {
        v.case.example.page == self.page
            && v.case.example.line == Some(self.line)
            && v.case.kind == self.kind
            && v.case.name == self.name
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionFile {
    #[serde(default)]
    exception: Vec<Exception>,
}

/// Parses the exception list; every entry needs a reason, no entry may repeat.
pub fn parse_exceptions(text: &str) -> Result<Vec<Exception>, String> {
    let file: ExceptionFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut seen = std::collections::BTreeSet::new();
    for e in &file.exception {
        if e.reason.trim().is_empty() {
            return Err(format!("{}: an exception without a reason", e.place()));
        }
        if !(e.page.starts_with("en:") || e.page.starts_with("ru:")) {
            return Err(format!(
                "{}: the page must start with `en:` or `ru:`",
                e.place()
            ));
        }
        if !seen.insert((e.page.clone(), e.line, e.kind, e.name.clone())) {
            return Err(format!("{}: listed twice", e.place()));
        }
    }
    Ok(file.exception)
}

/// Reads the exception list at `path`.
pub fn load_exceptions(path: &Path) -> Result<Vec<Exception>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_exceptions(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ErrorCode, Examples};
    use serde_json::json;

    fn example(page: &str, line: u32, json: serde_json::Value) -> Example {
        Example {
            page: page.into(),
            line: Some(line),
            source: "error".into(),
            json,
            cleaned: false,
        }
    }

    fn ir() -> Ir {
        let m = Method {
            name: "crm.deal.add".into(),
            rest_version: 2,
            errors: vec![
                ErrorCode {
                    code: "ACCESS_DENIED".into(),
                    system: false,
                    ..ErrorCode::default()
                },
                ErrorCode {
                    code: "QUERY_LIMIT_EXCEEDED".into(),
                    system: true,
                    ..ErrorCode::default()
                },
            ],
            examples: Examples {
                requests: vec![example("ru:crm/a.md", 5, json!({"fields": {}}))],
                responses: vec![example("en:crm/a.md", 9, json!({"result": 1}))],
                errors: vec![
                    example("en:crm/a.md", 20, json!({"error": "ACCESS_DENIED"})),
                    example("en:crm/a.md", 30, json!({"error": "QUERY_LIMIT_EXCEEDED"})),
                    example("en:crm/a.md", 40, json!({"error": "NOPE"})),
                    example("en:crm/a.md", 50, json!({"error": "ACCESS_DENIED"})),
                ],
            },
            ..Method::default()
        };
        Ir {
            schema: 1,
            methods: vec![m],
            ..Ir::default()
        }
    }

    fn fit(id: usize, code: &str, class: &str) -> Outcome {
        let class = serde_json::from_value(serde_json::json!(class)).unwrap();
        Outcome {
            id,
            mismatch: None,
            error: Some(ErrorFit {
                code: code.into(),
                class,
            }),
        }
    }

    #[test]
    fn judging_and_tallies() {
        let ir = ir();
        let cases = cases(&ir);
        let kinds: Vec<(&str, CaseKind)> =
            cases.iter().map(|c| (c.lang.as_str(), c.kind)).collect();
        assert_eq!(
            kinds[..3],
            [
                ("en", CaseKind::Response),
                ("ru", CaseKind::Request),
                ("en", CaseKind::Error)
            ]
        );
        let input = serde_json::to_value(harness_input(&cases)).unwrap();
        assert_eq!(input[1]["kind"], "request");
        assert_eq!(input[1]["rest_version"], 2);
        let outcomes = vec![
            Outcome {
                id: 0,
                mismatch: None,
                error: None,
            },
            Outcome {
                id: 1,
                mismatch: Some(Mismatch {
                    path: "fields.TITLE".into(),
                    expected: "Params".into(),
                    message: "invalid type".into(),
                }),
                error: None,
            },
            fit(2, "ACCESS_DENIED", "documented"),
            fit(3, "QUERY_LIMIT_EXCEEDED", "system"),
            fit(4, "NOPE", "other"),
            fit(5, "ACCESS_DENIED", "other"),
        ];
        let v = judge(&cases, &outcomes).unwrap();
        let failed: Vec<bool> = v.iter().map(|v| v.failure.is_some()).collect();
        assert_eq!(failed, [false, true, false, false, false, true]);
        assert_eq!(
            failure_line(&v[1]).unwrap(),
            "ru:crm/a.md:5 [request crm.deal.add] at fields.TITLE (into Params): invalid type"
        );
        assert!(v[5].failure.as_ref().unwrap().contains("is documented but"));
        assert_eq!(
            undocumented_codes(&v, &outcomes),
            ["en:crm/a.md:40 \"NOPE\""]
        );
        let t = tally(&v);
        assert_eq!(
            summary_line("en", &t["en"]),
            "conformance en: responses fit 1/1, requests fit 0/0, errors fit 3/4, events fit 0/0"
        );
        assert_eq!(t["ru"].ratio(CaseKind::Request), 0.0);
        assert_eq!(t["ru"].ratio(CaseKind::Event), 1.0);
        assert!(judge(&cases, &outcomes[..3]).is_err());
    }

    #[test]
    fn placeholders_get_stand_ins_of_the_documented_type() {
        let params = vec![
            Field {
                name: "id".into(),
                ty: Type::new("integer", Kind::Integer),
                ..Field::default()
            },
            Field {
                name: "fields".into(),
                ty: Type::new(
                    "object",
                    Kind::Object {
                        fields: vec![
                            Field {
                                name: "DEADLINE".into(),
                                ty: Type::new("datetime", Kind::Datetime),
                                ..Field::default()
                            },
                            Field {
                                name: "NAME".into(),
                                ty: Type::new("string", Kind::String),
                                ..Field::default()
                            },
                        ],
                    },
                ),
                ..Field::default()
            },
        ];
        let ex = json!({"id": "your_product_id", "fields": {"DEADLINE": "shell-value",
            "NAME": "**put_name_here**"}, "other": "**x**"});
        assert_eq!(
            stand_ins(&ex, &params).unwrap(),
            json!({"id": 1, "fields": {"DEADLINE": "2024-05-01T10:00:00+03:00",
                "NAME": "**put_name_here**"}, "other": "**x**"})
        );
        assert!(stand_ins(&json!({"id": 5}), &params).is_none());
        assert!(is_placeholder_value("**put_current_date_here**"));
        assert!(!is_placeholder_value("your Deal"));
        assert!(!is_placeholder_value("**"));
    }

    #[test]
    fn exceptions_parse_and_cover() {
        let text = r#"
            [[exception]]
            page = "ru:crm/a.md"
            line = 5
            kind = "request"
            name = "crm.deal.add"
            reason = "the example sends `FIELDS` in a field the table calls `fields`"
        "#;
        let ex = parse_exceptions(text).unwrap();
        let ir = ir();
        let cases = cases(&ir);
        let v = judge(
            &cases[..2],
            &[
                Outcome {
                    id: 0,
                    mismatch: None,
                    error: None,
                },
                Outcome {
                    id: 1,
                    mismatch: None,
                    error: None,
                },
            ],
        )
        .unwrap();
        assert!(!ex[0].covers(&v[0]));
        assert!(ex[0].covers(&v[1]));
        let twice = format!("{text}\n{text}");
        assert!(parse_exceptions(&twice)
            .unwrap_err()
            .contains("listed twice"));
        let no_reason = text.replace(
            "the example sends `FIELDS` in a field the table calls `fields`",
            " ",
        );
        assert!(parse_exceptions(&no_reason).unwrap_err().contains("reason"));
        assert!(parse_exceptions("[[exception]]\npage = 1").is_err());
        assert!(parse_exceptions("").unwrap().is_empty());
    }
}
