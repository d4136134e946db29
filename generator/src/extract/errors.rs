//! Error tables → [`ErrorCode`]s, plus the system-wide codes (`b24_spec::system`).

use super::fields;
use crate::ir::{Diagnostic, ErrorCode, Example, Lang, Severity, Text};
use crate::page::Page;
use crate::yfm::{Block, Table};
use b24_spec::system::SYSTEM_CODES;

struct Cols {
    code: usize,
    status: Option<usize>,
    message: Option<usize>,
    desc: Option<usize>,
}

fn columns(t: &Table) -> Option<Cols> {
    let h = t.header.as_ref()?;
    let labels: Vec<String> = h.iter().map(|c| crate::yfm::header_label(c)).collect();
    if labels.iter().any(|l| l == "hex") {
        return None;
    }
    let find = |names: &[&str]| labels.iter().position(|l| names.contains(&l.as_str()));
    let code = find(&["code", "код", "error code", "код ошибки"]);
    let message = find(&[
        "error message",
        "error text",
        "сообщение об ошибке",
        "cообщение об ошибке",
        "текст ошибки",
        "message",
    ]);
    let mut desc = find(&[
        "description",
        "описание",
        "when it occurs",
        "когда возникает",
    ]);
    let value = find(&["value", "значение"]);
    // `Code | Description | Value`: the description column is the API's
    // message, the value column says what it means.
    let mut message = message;
    if let (None, Some(v)) = (message, value) {
        message = desc;
        desc = Some(v);
    }
    let status = find(&["status", "статус", "http status", "http-статус"]);
    let code = code.or(message)?;
    Some(Cols {
        code,
        status,
        message: message.filter(|m| *m != code),
        desc: desc.filter(|d| *d != code),
    })
}

fn strip(s: &str) -> String {
    s.trim()
        .trim_matches('`')
        .trim_matches('*')
        .trim_matches('`')
        .trim()
        .to_string()
}

fn is_empty_marker(s: &str) -> bool {
    let l = s.to_lowercase();
    l.starts_with("empty") || l.starts_with("пуст") || l == "—" || l == "-" || l.is_empty()
}

/// What the page's JSON error examples send as `error`: whether some sends a message text
/// (`"error": "Invalid identifier."`), the API's way on those pages.
fn examples_send_prose(examples: &[Example]) -> bool {
    examples
        .iter()
        .any(|e| e.json["error"].as_str().is_some_and(|c| is_prose(c.trim())))
}

/// A code cell holding words, not a code (`Access denied! Application context required`).
fn is_prose(code: &str) -> bool {
    code.contains(' ') && !code.chars().all(|c| c.is_ascii_digit() || c == ' ')
}

/// A table whose Code column holds HTTP statuses (`400`) beside a message column: the
/// statuses are statuses, the messages what the API sends.
/// Not when a page's error example sends one of the numbers as its code (`"error": 100`).
fn statuses_as_codes(t: &Table, cols: &Cols, examples: &[Example]) -> bool {
    let sent: Vec<String> = examples
        .iter()
        .filter_map(|e| match &e.json["error"] {
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::String(s) => Some(s.trim().to_string()),
            _ => None,
        })
        .collect();
    let sent_as_code = t.rows.iter().any(|r| {
        r.cells
            .get(cols.code)
            .is_some_and(|c| sent.contains(&strip(c)))
    });
    !sent_as_code
        && cols.status.is_none()
        && cols.message.is_some()
        && t.rows.iter().any(|r| r.cells.get(cols.code).is_some())
        && t.rows.iter().all(|r| {
            r.cells
                .get(cols.code)
                .map(|c| strip(c))
                .is_none_or(|c| c.parse::<u16>().is_ok_and(|n| (400..600).contains(&n)))
        })
}

/// Errors from the tables of the error sections; `examples` are the page's JSON error
/// examples (they settle what a message-like Code column means).
pub fn read(
    page: &Page,
    ranges: &[(usize, usize)],
    examples: &[Example],
    diags: &mut Vec<Diagnostic>,
) -> Vec<ErrorCode> {
    let lang = page.lang;
    let mut out: Vec<ErrorCode> = Vec::new();
    let mut saw_system = false;
    let prose_on_wire = examples_send_prose(examples);
    for &(from, to) in ranges {
        for (k, b) in page.blocks[from..to].iter().enumerate() {
            let Block::Table(t) = &b.block else { continue };
            if fields::columns(t).is_some() && columns(t).is_none() {
                continue;
            }
            let Some(mut cols) = columns(t) else { continue };
            let mut read_as = ReadAs::Codes;
            if statuses_as_codes(t, &cols, examples) {
                // `Code | Description | Value` with `400` in the Code column.
                cols.status = Some(cols.code);
                if let Some(m) = cols.message.take() {
                    cols.code = m;
                }
                read_as = ReadAs::Statuses;
            }
            if prose_on_wire {
                read_as = match read_as {
                    ReadAs::Statuses => ReadAs::StatusesMessagesSent,
                    _ => ReadAs::ProseSent,
                };
            }
            let mut noted = false;
            for row in &t.rows {
                let system = page
                    .origin_file(row.line)
                    .is_some_and(|p| p.ends_with("system-errors.md"));
                saw_system |= system;
                let prose = row
                    .cells
                    .get(cols.code)
                    .is_some_and(|c| is_prose(&strip(c.split('\n').next().unwrap_or(""))));
                let unusual = match read_as {
                    ReadAs::Codes | ReadAs::ProseSent => prose,
                    ReadAs::Statuses | ReadAs::StatusesMessagesSent => true,
                };
                if unusual && !system && !noted {
                    noted = true;
                    diags.push(Diagnostic {
                        page: page.id.clone(),
                        line: page.line(from + k),
                        severity: Severity::Info,
                        message: read_as.note().into(),
                    });
                }
                let sent = matches!(read_as, ReadAs::ProseSent | ReadAs::StatusesMessagesSent);
                if let Some(e) = row_error(&row.cells, &cols, lang, system, sent) {
                    if !out.iter().any(|o| {
                        o.code == e.code
                            && o.message == e.message
                            && o.http_status == e.http_status
                            && o.doc == e.doc
                    }) {
                        out.push(e);
                    }
                }
            }
        }
    }
    read_prose_codes(page, ranges, &mut out);
    // Every method can return the system-wide errors: the page's include
    // gives their descriptions, the built-in list makes the set complete.
    {
        let _ = saw_system;
        let listed = SYSTEM_CODES.iter().filter(|c| c.in_system_errors_page);
        for c in listed {
            if out.iter().any(|o| o.code == c.code) {
                continue;
            }
            out.push(ErrorCode {
                code: c.code.to_owned(),
                http_status: Some(c.status),
                message: Some(c.message.to_owned()),
                doc: Text::default(),
                system: true,
            });
        }
    }
    out
}

/// The start of the diagnostic about a Code column of message texts (`report` counts them).
pub const CODE_COLUMN_MESSAGES: &str = "error table: the Code column holds message texts";
/// The start of the diagnostic about a Code column of HTTP statuses (`report` counts them).
pub const CODE_COLUMN_STATUSES: &str = "error table: the Code column holds HTTP statuses";

/// How an error table's Code column reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadAs {
    /// Codes (`ACCESS_DENIED`); a cell of words is a message sent with an empty code.
    Codes,
    /// Codes, and the page's error example sends words as the code: a cell of words is a code.
    ProseSent,
    /// HTTP statuses; the message column is the message (sent with an empty code).
    Statuses,
    /// HTTP statuses, and the page's error example sends messages as codes.
    StatusesMessagesSent,
}

impl ReadAs {
    fn note(self) -> &'static str {
        match self {
            ReadAs::Statuses => {
                "error table: the Code column holds HTTP statuses; read as statuses, the messages as messages sent with an empty code"
            }
            ReadAs::StatusesMessagesSent => {
                "error table: the Code column holds HTTP statuses and the page's error example sends a message as the code; read as statuses, the messages as codes"
            }
            ReadAs::ProseSent => {
                "error table: the Code column holds message texts and the page's error example sends one as the code; read as codes"
            }
            ReadAs::Codes => {
                "error table: the Code column holds message texts; read as messages sent with an empty code"
            }
        }
    }
}

fn row_error(
    cells: &[String],
    cols: &Cols,
    lang: Lang,
    system: bool,
    prose_sent: bool,
) -> Option<ErrorCode> {
    let code_cell = cells.get(cols.code)?;
    // `CODE` + newline + message (system errors), or just the code.
    let (code_part, msg_part) = match code_cell.split_once('\n') {
        Some((a, b)) => (a, Some(b.trim().to_string())),
        None => (code_cell.as_str(), None),
    };
    let raw = strip(code_part);
    let code = if is_empty_marker(&raw) {
        String::new()
    } else if is_prose(&raw) && !prose_sent {
        // Prose in the code column ("Access denied"): keep it as the message.
        return Some(ErrorCode {
            code: String::new(),
            http_status: status(cells, cols),
            message: Some(raw),
            doc: Text::new(lang, describe(cells, cols)),
            system,
        });
    } else {
        raw
    };
    let message = cols
        .message
        .and_then(|m| cells.get(m))
        .map(|m| strip(m))
        .or(msg_part)
        .filter(|m| !m.is_empty());
    Some(ErrorCode {
        code,
        http_status: status(cells, cols),
        message,
        doc: Text::new(lang, describe(cells, cols)),
        system,
    })
}

fn status(cells: &[String], cols: &Cols) -> Option<u16> {
    let s = strip(cells.get(cols.status?)?);
    s.parse().ok()
}

fn describe(cells: &[String], cols: &Cols) -> String {
    cols.desc
        .and_then(|d| cells.get(d))
        .map(|d| super::text::clean(d))
        .unwrap_or_default()
}

/// The code of a REST 3 prose line ``Error code: `BITRIX_REST_V3_…` ``
/// (also `Error Code:`, `Код ошибки:`).
fn prose_code(line: &str) -> Option<&str> {
    let (label, rest) = line.trim().split_once(':')?;
    let label = label.trim().trim_matches('*').trim().to_lowercase();
    if label != "error code" && label != "код ошибки" {
        return None;
    }
    let code = rest.trim().trim_matches('*').trim();
    let code = code.strip_prefix('`')?.strip_suffix('`')?.trim();
    let ok = !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-');
    ok.then_some(code)
}

/// The status of a line `HTTP status: **403**` (one status only).
fn prose_status(line: &str) -> Option<u16> {
    let (label, rest) = line.trim().split_once(':')?;
    let label = label.trim().to_lowercase();
    if !matches!(
        label.as_str(),
        "http status" | "http-статус" | "статус http"
    ) {
        return None;
    }
    rest.trim().trim_matches('*').trim().parse().ok()
}

/// REST 3 pages: under `### Possible Error Codes`, one sub-heading per case,
/// then a line ``Error code: `X` `` per code (optionally `HTTP status: **N**`)
/// and a `Field | Error Description | How to Fix` table. The sub-heading is
/// the case's description; the table's rows say which fields cause it.
fn read_prose_codes(page: &Page, ranges: &[(usize, usize)], out: &mut Vec<ErrorCode>) {
    let lang = page.lang;
    for &(from, to) in ranges {
        let mut case = String::new();
        // Index in `out` of the code the next status line or table belongs to.
        let mut last: Option<usize> = None;
        for b in &page.blocks[from..to] {
            match &b.block {
                Block::Heading { level, text, .. } => {
                    if *level >= 3 {
                        case = super::text::clean(text).trim().to_string();
                    }
                    last = None;
                }
                Block::Text(t) => {
                    for line in t.lines() {
                        if let Some(code) = prose_code(line) {
                            last = Some(prose_entry(out, code, &case, lang));
                        } else if let (Some(i), Some(st)) = (last, prose_status(line)) {
                            out[i].http_status.get_or_insert(st);
                        }
                    }
                }
                Block::Table(t) => {
                    let Some(i) = last.take() else { continue };
                    let causes = prose_causes(t);
                    if !causes.is_empty() {
                        let doc = &mut out[i].doc;
                        let text = match doc.get(lang) {
                            Some(prev) => format!("{prev}\n\n{causes}"),
                            None => causes,
                        };
                        doc.set(lang, text);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The entry for a prose code: the one already read (a second case appends
/// its description) or a new one.
fn prose_entry(out: &mut Vec<ErrorCode>, code: &str, case: &str, lang: Lang) -> usize {
    if let Some(i) = out.iter().position(|o| o.code == code && !o.system) {
        let prev = out[i].doc.get(lang).unwrap_or_default();
        if !case.is_empty() && !prev.lines().any(|l| l == case) {
            let text = if prev.is_empty() {
                case.to_string()
            } else {
                format!("{prev}\n\n{case}")
            };
            out[i].doc.set(lang, text);
        }
        return i;
    }
    out.push(ErrorCode {
        code: code.to_string(),
        http_status: None,
        message: None,
        doc: Text::new(lang, case.to_string()),
        system: false,
    });
    out.len() - 1
}

/// The rows of a REST 3 case table as a list: `` - `field`: what went wrong. How to fix. ``
fn prose_causes(t: &Table) -> String {
    let Some(h) = t.header.as_ref() else {
        return String::new();
    };
    let labels: Vec<String> = h.iter().map(|c| crate::yfm::header_label(c)).collect();
    let find = |names: &[&str]| labels.iter().position(|l| names.contains(&l.as_str()));
    let field = find(&["field", "поле"]);
    let what = find(&[
        "error description",
        "описание ошибки",
        "description",
        "описание",
    ]);
    let fix = find(&["how to fix", "как исправить"]);
    let Some(what) = what else {
        return String::new();
    };
    // One line per cell; a cell listing several fields one per line
    // (`filter`, `select`, `order`) reads as a comma-separated list.
    let cell = |row: &crate::yfm::Row, c: Option<usize>, sep: &str| {
        c.and_then(|c| row.cells.get(c))
            .map(|s| {
                let s = super::text::clean(s);
                let lines: Vec<String> = s
                    .lines()
                    .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                    .filter(|l| !l.is_empty())
                    .collect();
                lines.join(sep)
            })
            .unwrap_or_default()
    };
    let mut lines = Vec::new();
    for row in &t.rows {
        let f = cell(row, field, ", ");
        let w = cell(row, Some(what), " ");
        let x = cell(row, fix, " ");
        if w.is_empty() {
            continue;
        }
        let mut line = String::from("- ");
        if !f.is_empty() && f != "`-`" && f != "-" {
            line.push_str(&f);
            line.push_str(": ");
        }
        line.push_str(w.trim_end_matches('.'));
        if !x.is_empty() {
            line.push_str(". ");
            line.push_str(x.trim_end_matches('.'));
        }
        line.push('.');
        lines.push(line);
    }
    lines.join("\n")
}

/// Messages the page's JSON error examples give for codes read without one
/// (`{"error": {"code": "BITRIX_REST_V3_…", "message": "…"}}`).
pub fn messages_from_examples(errors: &mut [ErrorCode], examples: &[Example]) {
    for ex in examples {
        let e = &ex.json["error"];
        let (Some(code), Some(message)) = (e["code"].as_str(), e["message"].as_str()) else {
            continue;
        };
        let message = message.trim();
        if message.is_empty() {
            continue;
        }
        for err in errors.iter_mut().filter(|o| o.code == code && !o.system) {
            err.message.get_or_insert_with(|| message.to_string());
        }
    }
}
