//! Error tables → [`ErrorCode`]s, plus the system-wide codes (`b24_spec::system`).

use super::fields;
use crate::ir::{Diagnostic, ErrorCode, Lang, Text};
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

/// Errors from the tables of the error sections.
pub fn read(page: &Page, ranges: &[(usize, usize)], _diags: &mut [Diagnostic]) -> Vec<ErrorCode> {
    let lang = page.lang;
    let mut out: Vec<ErrorCode> = Vec::new();
    let mut saw_system = false;
    for &(from, to) in ranges {
        for b in &page.blocks[from..to] {
            let Block::Table(t) = &b.block else { continue };
            if fields::columns(t).is_some() && columns(t).is_none() {
                continue;
            }
            let Some(cols) = columns(t) else { continue };
            for row in &t.rows {
                let system = page
                    .origin_file(row.line)
                    .is_some_and(|p| p.ends_with("system-errors.md"));
                saw_system |= system;
                if let Some(e) = row_error(&row.cells, &cols, lang, system) {
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

fn row_error(cells: &[String], cols: &Cols, lang: Lang, system: bool) -> Option<ErrorCode> {
    let code_cell = cells.get(cols.code)?;
    // `CODE` + newline + message (system errors), or just the code.
    let (code_part, msg_part) = match code_cell.split_once('\n') {
        Some((a, b)) => (a, Some(b.trim().to_string())),
        None => (code_cell.as_str(), None),
    };
    let raw = strip(code_part);
    let code = if is_empty_marker(&raw) {
        String::new()
    } else if raw.contains(' ') && !raw.chars().all(|c| c.is_ascii_digit() || c == ' ') {
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
