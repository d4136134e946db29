//! YFM (Yandex Flavored Markdown) over pulldown-cmark: directives
//! (`{% note %}`, `{% list tabs %}`, `{% cut %}`, `{% if %}`), `{#anchor}`
//! heading ids and `#| … |#` tables, turned into a flat list of [`Block`]s.
//!
//! Directive lines and tables are recognised line by line; the markdown
//! between them goes through pulldown-cmark for headings, paragraphs, lists
//! and code blocks. Includes are already expanded (see [`crate::source`]).

use crate::source::Expanded;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// A block of a page, in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        text: String,
        anchor: Option<String>,
    },
    Table(Table),
    Code {
        lang: String,
        text: String,
    },
    /// A paragraph or a whole list, as markdown source.
    Text(String),
    NoteStart {
        kind: String,
        title: String,
    },
    NoteEnd,
    TabsStart,
    /// A tab of a `{% list tabs %}`: the list item's label.
    Tab(String),
    TabsEnd,
    CutStart(String),
    CutEnd,
}

/// A block and the index of its first line in the expanded page.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub block: Block,
    pub line: usize,
}

/// A `#| … |#` table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// The header cells, when the first row is a header.
    pub header: Option<Vec<String>>,
    pub rows: Vec<Row>,
    /// Rows that had to be repaired (missing `||`, stray text).
    pub repaired: u32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// Cell texts (markdown, trimmed; `\|` unescaped; code spans kept).
    pub cells: Vec<String>,
    /// Index of the row's first line in the expanded page.
    pub line: usize,
}

/// Problems found while reading the blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// Parse expanded lines into blocks.
pub fn parse(lines: &Expanded) -> (Vec<Spanned>, Vec<Problem>) {
    let mut p = BlockParser::default();
    p.run(lines);
    (p.blocks, p.problems)
}

#[derive(Default)]
struct BlockParser {
    blocks: Vec<Spanned>,
    problems: Vec<Problem>,
    /// Markdown lines waiting for pulldown-cmark: (expanded index, text).
    pending: Vec<(usize, String)>,
    in_tabs: u32,
}

impl BlockParser {
    fn run(&mut self, lines: &Expanded) {
        // `{% if %}` stack: true = this branch is dropped.
        let mut if_stack: Vec<bool> = Vec::new();
        let mut fence: Option<String> = None;
        let mut i = 0;
        while i < lines.len() {
            let text = lines.line_text(i);
            let t = text.trim();
            // Fenced code outside tables: directive-looking lines inside are content.
            if let Some(f) = &fence {
                if crate::fence::closes(f, t) {
                    fence = None;
                }
                if !if_stack.iter().any(|d| *d) {
                    self.pending.push((i, text.to_string()));
                }
                i += 1;
                continue;
            }
            if let Some(d) = directive(t) {
                match d {
                    Directive::If(cond) => {
                        let drop = cond.contains("dev");
                        if_stack.push(drop);
                    }
                    Directive::Else => {
                        if let Some(top) = if_stack.last_mut() {
                            *top = !*top;
                        }
                    }
                    Directive::EndIf if if_stack.pop().is_none() => {
                        self.problem(i, "`{% endif %}` without `{% if %}`");
                    }
                    Directive::EndIf => {}
                    other if !if_stack.iter().any(|d| *d) => {
                        self.flush(lines);
                        let block = match other {
                            Directive::Note { kind, title } => Block::NoteStart { kind, title },
                            Directive::EndNote => Block::NoteEnd,
                            Directive::Tabs => {
                                self.in_tabs += 1;
                                Block::TabsStart
                            }
                            Directive::EndList => {
                                self.in_tabs = self.in_tabs.saturating_sub(1);
                                Block::TabsEnd
                            }
                            Directive::Cut(title) => Block::CutStart(title),
                            Directive::EndCut => Block::CutEnd,
                            Directive::Other => {
                                i += 1;
                                continue;
                            }
                            Directive::If(_) | Directive::Else | Directive::EndIf => {
                                unreachable!("handled above")
                            }
                        };
                        self.blocks.push(Spanned { block, line: i });
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            if if_stack.iter().any(|d| *d) {
                i += 1;
                continue;
            }
            if t.starts_with("#|") {
                self.flush(lines);
                let (table, next, problems) = parse_table(lines, i);
                self.problems.extend(problems);
                self.blocks.push(Spanned {
                    block: Block::Table(table),
                    line: i,
                });
                i = next;
                continue;
            }
            if let Some(f) = fence_open(t) {
                fence = Some(f);
            }
            self.pending.push((i, text.to_string()));
            i += 1;
        }
        if !if_stack.is_empty() {
            self.problem(lines.len().saturating_sub(1), "`{% if %}` never closed");
        }
        self.flush(lines);
    }

    fn problem(&mut self, line: usize, message: &str) {
        self.problems.push(Problem {
            line,
            message: message.to_string(),
        });
    }

    /// Run pulldown-cmark over the pending markdown lines.
    fn flush(&mut self, _lines: &Expanded) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let mut src = String::new();
        let mut starts = Vec::with_capacity(pending.len());
        for (idx, l) in &pending {
            starts.push((src.len(), *idx));
            src.push_str(l);
            src.push('\n');
        }
        let line_of = |off: usize| -> usize {
            match starts.binary_search_by(|(s, _)| s.cmp(&off)) {
                Ok(k) => starts[k].1,
                Err(0) => starts[0].1,
                Err(k) => starts[k - 1].1,
            }
        };
        let parser = Parser::new_ext(&src, Options::empty()).into_offset_iter();
        let mut depth = 0usize; // container depth (lists, block quotes, items)
        let mut code: Option<(String, String, usize)> = None;
        let mut item_label: Option<(usize, usize)> = None; // (start offset, line)
        for (ev, range) in parser {
            match ev {
                Event::Start(Tag::Heading { .. }) if depth == 0 => {
                    let raw = &src[range.clone()];
                    let (level, text, anchor) = heading(raw);
                    self.blocks.push(Spanned {
                        block: Block::Heading {
                            level,
                            text,
                            anchor,
                        },
                        line: line_of(range.start),
                    });
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => {
                            info.split_whitespace().next().unwrap_or("").to_string()
                        }
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new(), line_of(range.start)));
                }
                Event::Text(t) if code.is_some() => {
                    if let Some((_, buf, _)) = code.as_mut() {
                        buf.push_str(&t);
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((lang, text, line)) = code.take() {
                        let (lang, text) = unfence_indented(lang, text);
                        self.blocks.push(Spanned {
                            block: Block::Code { lang, text },
                            line,
                        });
                    }
                }
                Event::Start(Tag::Paragraph) if depth == 0 => {
                    self.blocks.push(Spanned {
                        block: Block::Text(src[range.clone()].trim_end().to_string()),
                        line: line_of(range.start),
                    });
                }
                Event::Start(Tag::List(_)) if depth == 0 && self.in_tabs == 0 => {
                    self.blocks.push(Spanned {
                        block: Block::Text(src[range.clone()].trim_end().to_string()),
                        line: line_of(range.start),
                    });
                    depth += 1;
                }
                Event::Start(Tag::Item) if depth == 1 && self.in_tabs > 0 => {
                    item_label = Some((range.start, line_of(range.start)));
                    depth += 1;
                }
                Event::Start(Tag::List(_) | Tag::Item | Tag::BlockQuote(_)) => depth += 1,
                // A tight item (`- string` then the tab's indented table): no paragraph, the
                // label is the item's first line.
                Event::End(TagEnd::Item) if depth == 2 && item_label.is_some() => {
                    if let Some((start, line)) = item_label.take() {
                        let label = tab_label(src[start..range.end].lines().next().unwrap_or(""));
                        self.blocks.push(Spanned {
                            block: Block::Tab(label),
                            line,
                        });
                    }
                    depth -= 1;
                }
                Event::End(TagEnd::List(_) | TagEnd::Item | TagEnd::BlockQuote(_)) => {
                    depth = depth.saturating_sub(1);
                }
                Event::End(TagEnd::Paragraph) if item_label.is_some() => {
                    if let Some((start, line)) = item_label.take() {
                        let label = tab_label(&src[start..range.end]);
                        self.blocks.push(Spanned {
                            block: Block::Tab(label),
                            line,
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

/// A tab's label from its list item's text (`- cURL` → `cURL`).
fn tab_label(item: &str) -> String {
    item.trim()
        .trim_start_matches(['-', '*', '+'])
        .trim()
        .to_string()
}

/// Indented code that holds a fenced block (a tab's code cut off from its
/// list item) is returned as that fenced block.
fn unfence_indented(lang: String, text: String) -> (String, String) {
    if !lang.is_empty() {
        return (lang, text);
    }
    let trimmed = text.trim_start();
    if let Some(rest) = trimmed.strip_prefix("```") {
        let (info, body) = rest.split_once('\n').unwrap_or((rest, ""));
        let body = body.trim_end();
        let body = body.strip_suffix("```").unwrap_or(body);
        return (info.trim().to_string(), body.to_string());
    }
    (lang, text)
}

/// `## Title {#anchor}` → (2, "Title", Some("anchor")).
fn heading(raw: &str) -> (u8, String, Option<String>) {
    let first = raw.lines().next().unwrap_or("").trim();
    let level = first.chars().take_while(|c| *c == '#').count().clamp(1, 6) as u8;
    let mut text = first.trim_start_matches('#').trim().to_string();
    // Setext headings: the text is the first line.
    if level == 1 && !first.starts_with('#') {
        text = first.to_string();
    }
    let mut anchor = None;
    if let Some(open) = text.rfind("{#") {
        if let Some(close) = text[open..].find('}') {
            let id = text[open + 2..open + close].trim().to_string();
            if !id.is_empty() {
                anchor = Some(id);
            }
            text = format!("{}{}", &text[..open], &text[open + close + 1..])
                .trim()
                .to_string();
        }
    }
    (level, text, anchor)
}

fn fence_open(t: &str) -> Option<String> {
    crate::fence::open(t).map(str::to_owned)
}

enum Directive {
    If(String),
    Else,
    EndIf,
    Note { kind: String, title: String },
    EndNote,
    Tabs,
    EndList,
    Cut(String),
    EndCut,
    Other,
}

/// A line that is exactly one `{% … %}` directive.
fn directive(t: &str) -> Option<Directive> {
    let inner = t.strip_prefix("{%")?.strip_suffix("%}")?.trim();
    if inner.contains("%}") {
        return None;
    }
    let (word, rest) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let rest = rest.trim();
    Some(match word {
        "if" => Directive::If(rest.to_string()),
        "else" | "elsif" => Directive::Else,
        "endif" => Directive::EndIf,
        "note" => {
            let (kind, title) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            Directive::Note {
                kind: kind.to_string(),
                title: unquote(title.trim()),
            }
        }
        "endnote" => Directive::EndNote,
        "list" => Directive::Tabs,
        "endlist" => Directive::EndList,
        "cut" => Directive::Cut(unquote(rest)),
        "endcut" => Directive::EndCut,
        _ => Directive::Other,
    })
}

fn unquote(s: &str) -> String {
    s.trim_matches(|c| c == '"' || c == '\'').to_string()
}

/// Parse the table starting at `lines[start]` (a `#|` line). Returns the
/// table, the index after its `|#`, and problems.
pub fn parse_table(lines: &Expanded, start: usize) -> (Table, usize, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut tok = CellTokenizer::default();
    let first = lines.line_text(start).trim_start();
    let indent = lines.line_text(start).len() - first.len();
    tok.feed_line(first.trim_start_matches("#|"), start);
    let mut i = start + 1;
    let mut depth = 0usize; // nested tables inside cells
    let mut closed = false;
    while i < lines.len() {
        let raw = lines.line_text(i);
        // Remove the table's own indentation (tables inside list tabs).
        // `cut` is a byte offset: the first character past the indentation
        // (a multi-byte space such as NBSP counts as its bytes, not as one).
        let cut = raw
            .char_indices()
            .find(|(k, c)| *k >= indent || !c.is_whitespace())
            .map_or(raw.len(), |(k, _)| k);
        let line = &raw[cut..];
        let t = line.trim();
        if !tok.in_fence() {
            if t.starts_with("#|") && tok.in_row {
                depth += 1;
                tok.push_raw(line, i);
                i += 1;
                continue;
            }
            if t.starts_with("|#") {
                if depth > 0 {
                    depth -= 1;
                    tok.push_raw(line, i);
                    i += 1;
                    continue;
                }
                closed = true;
                i += 1;
                break;
            }
            if depth > 0 {
                tok.push_raw(line, i);
                i += 1;
                continue;
            }
        }
        tok.feed_line(line, i);
        i += 1;
    }
    if !closed {
        problems.push(Problem {
            line: start,
            message: "table `#|` never closed with `|#`".into(),
        });
    }
    let (mut rows, repaired) = tok.finish();
    rows.retain(|r| r.cells.iter().any(|c| !c.is_empty()));
    let header = match rows.first() {
        Some(r) if is_header(&r.cells) => Some(rows.remove(0).cells),
        _ => None,
    };
    let table = Table {
        header,
        rows,
        repaired,
    };
    (table, i, problems)
}

const HEADER_WORDS: &[&str] = &[
    "name",
    "parameter",
    "field",
    "value",
    "key",
    "title",
    "code",
    "status",
    "error text",
    "error message",
    "description",
    "type",
    "method",
    "event",
    "название",
    "параметр",
    "поле",
    "значение",
    "ключ",
    "код",
    "статус",
    "описание",
    "тип",
    "метод",
    "событие",
    "текст ошибки",
];

/// A header cell's label: its first line, before any `` `type` `` or
/// ` / **Type**`, without bold markers, lower-cased.
pub fn header_label(cell: &str) -> String {
    cell.split(['\n', '`'])
        .next()
        .unwrap_or("")
        .split(['/', '\\'])
        .next()
        .unwrap_or("")
        .replace('*', "")
        .trim()
        .to_lowercase()
}

/// The first row is a header when its first cell is a known bold label.
fn is_header(cells: &[String]) -> bool {
    let Some(first) = cells.first() else {
        return false;
    };
    let label = header_label(first);
    // Data rows carry type links; header rows never do.
    if cells.iter().any(|c| c.contains("](")) {
        return false;
    }
    if HEADER_WORDS.contains(&label.as_str()) {
        return true;
    }
    !cells.iter().any(|c| c.contains("]("))
        && cells.iter().all(|c| c.starts_with("**"))
        && cells.len() > 1
        && cells.iter().skip(1).all(|c| c.ends_with("**"))
}

/// Splits table text into rows and cells, aware of code spans, `\|`,
/// fenced code in cells and the docs' broken rows.
#[derive(Default)]
struct CellTokenizer {
    rows: Vec<Row>,
    cells: Vec<String>,
    cur: String,
    in_row: bool,
    row_line: usize,
    fence: Option<String>,
    repaired: u32,
}

impl CellTokenizer {
    fn in_fence(&self) -> bool {
        self.fence.is_some()
    }

    fn push_raw(&mut self, line: &str, _idx: usize) {
        self.cur.push_str(line);
        self.cur.push('\n');
    }

    fn open_row(&mut self, idx: usize) {
        self.in_row = true;
        self.row_line = idx;
        self.cells.clear();
        self.cur.clear();
    }

    fn close_row(&mut self) {
        let mut cells = std::mem::take(&mut self.cells);
        cells.push(std::mem::take(&mut self.cur));
        let cells = cells.into_iter().map(|c| c.trim().to_string()).collect();
        self.rows.push(Row {
            cells,
            line: self.row_line,
        });
        self.in_row = false;
    }

    fn feed_line(&mut self, line: &str, idx: usize) {
        if let Some(f) = self.fence.clone() {
            let t = line.trim_start();
            if t.starts_with(f.as_str()) {
                // Closing fence, possibly followed by `||` on the same line.
                self.fence = None;
                self.cur.push_str(&f);
                let rest = &t[f.len()..];
                let rest = rest.trim_start_matches('`');
                self.scan(rest, idx);
                self.cur.push('\n');
            } else {
                self.cur.push_str(line);
                self.cur.push('\n');
            }
            return;
        }
        let mut t = line.trim_start();
        if let Some(rest) = t.strip_prefix("- ||") {
            // `- || **EDIT_IN_LIST**`: a bullet glued to a row start.
            self.repaired += 1;
            t = &t[t.len() - rest.len() - 2..];
        }
        if self.in_row {
            if let Some(f) = fence_open(t) {
                self.fence = Some(f);
                self.cur.push_str(line);
                self.cur.push('\n');
                return;
            }
            // A row start while a row is open: the previous row lacked `||`.
            if let Some(rest) = t.strip_prefix("||") {
                let rest = rest.trim();
                let starts_row = !rest.is_empty()
                    && !rest.starts_with("||")
                    && !self.cur.trim().is_empty()
                    && (rest.starts_with("**") || rest.starts_with('`'));
                if starts_row {
                    self.repaired += 1;
                    self.close_row();
                }
            }
        }
        self.scan(t, idx);
        if self.in_row {
            self.cur.push('\n');
        }
    }

    fn scan(&mut self, s: &str, idx: usize) {
        let b = s.as_bytes();
        let mut k = 0;
        while k < b.len() {
            match b[k] {
                b'\\' if b.get(k + 1) == Some(&b'|') => {
                    self.cur.push('|');
                    k += 2;
                }
                b'`' => {
                    let n = b[k..].iter().take_while(|c| **c == b'`').count();
                    let run = &s[k..k + n];
                    match find_run(&s[k + n..], n) {
                        Some(end) => {
                            let stop = k + n + end + n;
                            if self.in_row {
                                self.cur.push_str(&s[k..stop]);
                            }
                            k = stop;
                        }
                        None => {
                            if self.in_row {
                                self.cur.push_str(run);
                            }
                            k += n;
                        }
                    }
                }
                b'|' => {
                    if b.get(k + 1) == Some(&b'|') {
                        if self.in_row {
                            self.close_row();
                        } else {
                            self.open_row(idx);
                        }
                        k += 2;
                    } else if b.get(k + 1) == Some(&b'>') {
                        if self.in_row {
                            let cell = std::mem::take(&mut self.cur);
                            self.cells.push(cell);
                        }
                        k += 2;
                    } else {
                        if self.in_row {
                            let cell = std::mem::take(&mut self.cur);
                            self.cells.push(cell);
                        }
                        k += 1;
                    }
                }
                _ => {
                    if self.in_row {
                        // Copy the run up to the next special byte at once.
                        let end = b[k..]
                            .iter()
                            .position(|c| matches!(c, b'\\' | b'`' | b'|'))
                            .map_or(b.len(), |p| k + p);
                        let end = end.max(k + utf8_len(b[k]));
                        self.cur.push_str(&s[k..end]);
                        k = end;
                        continue;
                    } else if !b[k].is_ascii_whitespace() && b[k] != b'-' {
                        // Text outside any row: keep nothing, count it.
                        self.repaired += 1;
                        return;
                    }
                    k += utf8_len(b[k]);
                }
            }
        }
    }

    fn finish(mut self) -> (Vec<Row>, u32) {
        if self.in_row && (!self.cur.trim().is_empty() || !self.cells.is_empty()) {
            self.repaired += 1;
            self.close_row();
        }
        (self.rows, self.repaired)
    }
}

fn utf8_len(b: u8) -> usize {
    match b {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

/// Offset of the next backtick run of exactly `n` in `s`.
fn find_run(s: &str, n: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut k = 0;
    while k < b.len() {
        if b[k] == b'`' {
            let m = b[k..].iter().take_while(|c| **c == b'`').count();
            if m == n {
                return Some(k);
            }
            k += m;
        } else {
            k += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Expanded {
        Expanded::from_text(s)
    }

    fn table(s: &str) -> Table {
        let (blocks, _) = parse(&lines(s));
        blocks
            .into_iter()
            .find_map(|b| match b.block {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .expect("a table")
    }

    #[test]
    fn basic_table_with_header_and_multiline_cells() {
        let t = table(
            "#|\n|| **Name**\n`type` | **Description** ||\n|| **id***\n[`integer`](x.md) | The id.\n\nMore ||\n|| **b** | x ||\n|#\n",
        );
        assert_eq!(t.header.as_ref().map(|h| h.len()), Some(2));
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells[0], "**id***\n[`integer`](x.md)");
        assert_eq!(t.rows[0].cells[1], "The id.\n\nMore");
        assert_eq!(t.rows[0].line, 3);
    }

    #[test]
    fn pipes_in_code_spans_and_escapes_do_not_split() {
        let t = table(
            "#|\n|| **Name** | **Description** ||\n|| **a**\n[```string|null```](x) | v ||\n|| **b**\n[`a`](x) \\| [`b`](y) | w ||\n|#",
        );
        assert_eq!(t.rows[0].cells.len(), 2);
        assert_eq!(t.rows[0].cells[0], "**a**\n[```string|null```](x)");
        assert_eq!(t.rows[1].cells[0], "**b**\n[`a`](x) | [`b`](y)");
    }

    #[test]
    fn fenced_code_in_cells_and_fence_closing_with_row_end() {
        let t = table("#|\n|| **Name** | **Description** ||\n|| **a** | Format:\n```\nVALUE: datetime|date,\n|| not a row\n``` ||\n|| **b** | y ||\n|#");
        assert_eq!(t.rows.len(), 2);
        assert!(t.rows[0].cells[1].contains("datetime|date"));
        assert!(t.rows[0].cells[1].contains("|| not a row"));
        assert_eq!(t.rows[1].cells[0], "**b**");
    }

    #[test]
    fn inline_triple_backticks_at_line_start_are_not_a_fence() {
        let t = table("#|\n|| **Name** | **Description** ||\n|| **a** | Pattern\n```^(0?[1-9]|[12])$``` ||\n|| **b** | y ||\n|#");
        assert_eq!(t.rows.len(), 2);
        assert!(t.rows[0].cells[1].contains("[12]"));
    }

    #[test]
    fn broken_rows_are_repaired() {
        let t = table("#|\n|| **Name** | **Description** ||\n|| **a** | no end\n|| **b** | y ||\n- || **c** | z ||\n|| ||\n|#");
        let names: Vec<&str> = t.rows.iter().map(|r| r.cells[0].as_str()).collect();
        assert_eq!(names, ["**a**", "**b**", "**c**"]);
        assert!(t.repaired >= 2);
    }

    #[test]
    fn multibyte_spaces_in_indentation_are_cut_on_char_boundaries() {
        // An indented table whose rows start with a space then an NBSP (or
        // an ideographic space): cutting by character count sliced bytes.
        for sp in ["\u{a0}", "\u{3000}", "\u{2003}"] {
            let src = format!(
                "    #|\n    || **Name** | **Description** ||\n {sp}|| **a** | x ||\n{sp}{sp}{sp}|| **b** | y ||\n \t{sp}\n    |#\n"
            );
            let t = table(&src);
            let names: Vec<&str> = t.rows.iter().map(|r| r.cells[0].as_str()).collect();
            assert_eq!(names, ["**a**", "**b**"], "{sp:?}");
        }
    }

    #[test]
    fn tight_tab_items_have_labels() {
        let src = "{% list tabs %}\n\n- string\n\n    #|\n    || **Name** | **Description** ||\n    || **A** | x ||\n    |#\n\n- date|datetime\n\n    #|\n    || **Name** | **Description** ||\n    || **B** | y ||\n    |#\n\n{% endlist %}\n";
        let (blocks, _) = parse(&lines(src));
        let tabs: Vec<&str> = blocks
            .iter()
            .filter_map(|b| match &b.block {
                Block::Tab(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(tabs, ["string", "date|datetime"]);
    }

    #[test]
    fn merge_marker_and_headerless_tables() {
        let t = table("#|\n|| Empty value | Disk exhausted |> ||\n|#");
        assert!(t.header.is_none());
        assert_eq!(t.rows[0].cells, ["Empty value", "Disk exhausted", ""]);
    }

    #[test]
    fn nested_tables_stay_inside_their_cell() {
        let t = table("#|\n|| **Name** | **Description** ||\n|| **a** | outer\n#|\n|| x | y ||\n|#\n||\n|| **b** | z ||\n|#");
        assert_eq!(t.rows.len(), 2);
        assert!(t.rows[0].cells[1].contains("|| x | y ||"));
    }

    #[test]
    fn directives_headings_code_and_dev_blocks() {
        let src = "# Title m.x\n\n{% note warning \"DEPRECATED\" %}\n\nUse [a](b.md).\n\n{% endnote %}\n\n{% if build == 'dev' %}\n\nhidden\n\n{% endif %}\n\n## Params {#params}\n\n{% list tabs %}\n\n- cURL\n\n    ```bash\n    curl -d '{}'\n    ```\n\n    #|\n    || **a** | b ||\n    |#\n\n- JS\n\n    ```js\n    x\n    ```\n\n{% endlist %}\n";
        let (blocks, problems) = parse(&lines(src));
        assert!(problems.is_empty(), "{problems:?}");
        let kinds: Vec<String> = blocks
            .iter()
            .map(|b| match &b.block {
                Block::Heading {
                    level,
                    text,
                    anchor,
                } => format!("h{level}:{text}:{anchor:?}"),
                Block::NoteStart { title, .. } => format!("note:{title}"),
                Block::NoteEnd => "endnote".into(),
                Block::Text(t) => format!("text:{t}"),
                Block::TabsStart => "tabs".into(),
                Block::Tab(n) => format!("tab:{n}"),
                Block::TabsEnd => "endtabs".into(),
                Block::Code { lang, text } => format!("code:{lang}:{}", text.trim()),
                Block::Table(t) => format!("table:{}", t.rows.len()),
                Block::CutStart(_) | Block::CutEnd => "cut".into(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "h1:Title m.x:None",
                "note:DEPRECATED",
                "text:Use [a](b.md).",
                "endnote",
                "h2:Params:Some(\"params\")",
                "tabs",
                "tab:cURL",
                "code:bash:curl -d '{}'",
                "table:1",
                "tab:JS",
                "code:js:x",
                "endtabs",
            ]
        );
    }
}
