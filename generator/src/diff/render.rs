//! Human output: a changelog grouped by scope, then by impact.
use super::model::{Area, Bump, Change, ChangeKind, Changes, DocPart, ItemKind};
use regex::Regex;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::OnceLock;

/// The whole `b24gen diff` text output: a changelog that ends with the bump.
pub fn render_text(changes: &Changes) -> String {
    let mut out = String::from("# API changes\n\n");
    out.push_str(&summary(changes));
    out.push('\n');
    body(&mut out, changes, 2);
    let _ = writeln!(
        out,
        "Semver bump for the generated crate: **{}**",
        changes.bump
    );
    out
}

/// A `CHANGELOG.md` section for `version` of the generated crate: a
/// `## {version}` heading, the counts, then the changes by scope (`###`) and
/// impact (`####`). Ends with one blank line, ready to put above the previous
/// section.
pub fn changelog_section(changes: &Changes, version: &str) -> String {
    let mut out = format!("## {version}\n\n");
    let _ = writeln!(
        out,
        "Semver: **{}**. {}",
        changes.bump,
        counts_line(changes)
    );
    out.push('\n');
    body(&mut out, changes, 3);
    out
}

/// `CHANGELOG.md` with `section` (from [`changelog_section`]) as its newest
/// entry: put under the file's `# ` title (a `# Changelog` title is made
/// when there is no file), above the previous `## ` entries. An entry with
/// the same `## {version}` heading is replaced, so regenerating the same
/// version gives the same file.
pub fn update_changelog(existing: Option<&str>, section: &str) -> String {
    let heading = section.lines().next().unwrap_or_default();
    let existing = existing.unwrap_or("# Changelog\n");
    let mut head = String::new();
    let mut entries: Vec<String> = Vec::new();
    for line in existing.lines() {
        if line.starts_with("## ") {
            entries.push(String::new());
        }
        match entries.last_mut() {
            Some(e) => e,
            None => &mut head,
        }
        .push_str(&format!("{line}\n"));
    }
    entries.retain(|e| e.lines().next() != Some(heading));
    let mut out = head.trim_end().to_string();
    out.push_str("\n\n");
    out.push_str(section.trim_end());
    out.push('\n');
    for e in entries {
        out.push('\n');
        out.push_str(e.trim_end());
        out.push('\n');
    }
    out
}

fn summary(changes: &Changes) -> String {
    let (m, e) = (&changes.methods, &changes.events);
    format!(
        "Methods: {} → {} (+{}, −{}). Events: {} → {} (+{}, −{}).\n{}\n",
        m.old,
        m.new,
        m.added,
        m.removed,
        e.old,
        e.new,
        e.added,
        e.removed,
        counts_line(changes)
    )
}

fn counts_line(changes: &Changes) -> String {
    let c = &changes.counts;
    if changes.changes.is_empty() {
        return "No API changes.".to_string();
    }
    format!(
        "{} breaking, {} additive, {} documentation-only changes.",
        c.major, c.minor, c.patch
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Breaking,
    Added,
    Deprecated,
    Documentation,
}

impl Section {
    fn of(c: &Change) -> Section {
        match c.bump {
            Bump::Major => Section::Breaking,
            Bump::Minor if matches!(c.change, ChangeKind::Deprecated { .. }) => Section::Deprecated,
            Bump::Minor => Section::Added,
            Bump::Patch | Bump::None => Section::Documentation,
        }
    }
    fn title(self) -> &'static str {
        match self {
            Section::Breaking => "Breaking changes",
            Section::Added => "Added",
            Section::Deprecated => "Deprecated",
            Section::Documentation => "Documentation",
        }
    }
}

/// Scopes in order (system-wide first), each with its sections.
fn body(out: &mut String, changes: &Changes, level: usize) {
    let mut scopes: BTreeMap<(bool, &str), BTreeMap<Section, Vec<&Change>>> = BTreeMap::new();
    for c in &changes.changes {
        let key = (c.item_kind != ItemKind::System, c.scope.as_str());
        scopes
            .entry(key)
            .or_default()
            .entry(Section::of(c))
            .or_default()
            .push(c);
    }
    let h = |n: usize| "#".repeat(n);
    for ((_, scope), sections) in scopes {
        let _ = writeln!(out, "{} {scope}\n", h(level));
        for (section, mut list) in sections {
            // New and removed methods and events first, then the details.
            list.sort_by_key(|c| {
                let whole = c.area == Area::Item
                    && matches!(c.change, ChangeKind::Added | ChangeKind::Removed);
                !whole
            });
            let _ = writeln!(out, "{} {}\n", h(level + 1), section.title());
            for line in lines(section, &list) {
                let _ = writeln!(out, "- {line}");
            }
            out.push('\n');
        }
    }
}

/// One line per change; in the documentation section the plain text
/// updates of one item are folded into a single line after its others.
fn lines(section: Section, list: &[&Change]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < list.len() {
        let item = (list[i].item_kind, list[i].item.as_str());
        let mut docs: Vec<String> = Vec::new();
        while let Some(c) = list
            .get(i)
            .filter(|c| (c.item_kind, c.item.as_str()) == item)
        {
            let part = match (section, &c.change) {
                (Section::Documentation, ChangeKind::DocChanged { part }) => {
                    Some(doc_part(c, *part))
                }
                (Section::Documentation, ChangeKind::ValueDocChanged { value }) => {
                    Some(format!("value `{value}` of {}", subject(c)))
                }
                _ => None,
            };
            match part {
                Some(p) if !docs.contains(&p) => docs.push(p),
                Some(_) => {}
                None => out.push(sentence(c)),
            }
            i += 1;
        }
        if !docs.is_empty() {
            out.push(format!(
                "{}: updated docs of {}.",
                item_ref(list[i - 1]),
                list_words(&docs)
            ));
        }
    }
    out
}

fn list_words(parts: &[String]) -> String {
    const MAX: usize = 8;
    let shown = parts
        .iter()
        .take(MAX)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if parts.len() > MAX {
        format!("{shown} and {} more", parts.len() - MAX)
    } else {
        shown
    }
}

fn doc_part(c: &Change, part: DocPart) -> String {
    match part {
        DocPart::Title => "the title".into(),
        DocPart::Summary => "the summary".into(),
        DocPart::Description => "the description".into(),
        DocPart::Field => subject(c),
        DocPart::Error => subject(c),
        DocPart::ErrorMessage => format!("the message of {}", subject(c)),
    }
}

/// `crm.deal.add`, or "All methods" for the system-wide codes.
fn item_ref(c: &Change) -> String {
    match c.item_kind {
        ItemKind::System => "All methods".into(),
        _ => format!("`{}`", c.item),
    }
}

/// What inside the item: "param `FIELDS.TITLE`", "error code `X`"…
fn subject(c: &Change) -> String {
    match (c.area, c.path.as_str()) {
        (Area::Item, _) => "it".into(),
        (Area::Errors, "") => "error with an empty code".into(),
        (Area::Errors, code) if c.item_kind == ItemKind::System => {
            format!("system error code `{code}`")
        }
        (Area::Result, "") => "the result".into(),
        (Area::Payload, "") => "the payload".into(),
        (area, path) => format!("{} `{path}`", area.noun()),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn rest(v: u8) -> &'static str {
    if v == 3 {
        "REST 3.0"
    } else {
        "REST 2"
    }
}

fn sentence(c: &Change) -> String {
    use ChangeKind as C;
    let item = item_ref(c);
    let what = subject(c);
    let noun = if c.item_kind == ItemKind::Event {
        "event"
    } else {
        "method"
    };
    let on_item = c.area == Area::Item;
    let mut s = match &c.change {
        C::Added => format!("New {noun} {item}"),
        C::Renamed { from, .. } => {
            format!("{} `{from}` is now spelled {item}", capitalized(noun))
        }
        C::Removed => {
            let title = c.text.as_deref().map(brief).map(|t| format!(" ({t})"));
            return format!("Removed {noun} {item}{}.", title.unwrap_or_default());
        }
        C::Deprecated { replaced_by } => {
            let by = replaced_by
                .as_deref()
                .map(|r| format!("; use `{r}` instead"))
                .unwrap_or_default();
            if on_item {
                return format!("{item} is deprecated{by}.");
            }
            return format!("{item}: {what} is deprecated.");
        }
        C::Undeprecated if on_item => format!("{item} is no longer deprecated"),
        C::Undeprecated => format!("{item}: {what} is no longer deprecated"),
        C::ReplacementChanged { new, .. } => match new {
            Some(n) => format!("{item}: the deprecation note now points to `{n}`"),
            None => format!("{item}: the deprecation note no longer names a replacement"),
        },
        C::RestVersionChanged { old, new } => {
            format!("{item} moved from {} to {}", rest(*old), rest(*new))
        }
        C::ScopesChanged {
            old,
            new,
            crate_old,
            crate_new,
        } => {
            let mut s = format!("{item}: scopes `{}` → `{}`", old.join(", "), new.join(", "));
            if crate_old != crate_new {
                s.push_str(&format!(
                    "; it moves from the `{crate_old}` crate to `{crate_new}`"
                ));
            }
            s
        }
        C::AliasAdded { alias } => format!("{item}: new alias `{alias}`"),
        C::AliasRemoved { alias } => format!("{item}: alias `{alias}` removed"),
        C::PaginatedChanged { new: true, .. } => {
            format!("{item}: the result is now a paginated list (`total`/`next`)")
        }
        C::PaginatedChanged { new: false, .. } => {
            format!("{item}: the result is no longer a paginated list")
        }
        C::PaginationNoteChanged { new, .. } => match new {
            Some(n) => format!("{item}: pagination note is now `{n}`"),
            None => format!("{item}: pagination note removed"),
        },
        C::RateLimitChanged { new, .. } => match new {
            Some(n) => format!("{item}: rate limit is now {n} requests/s"),
            None => format!("{item}: rate limit no longer stated"),
        },
        C::DocChanged { part } => format!("{item}: updated docs of {}", doc_part(c, *part)),
        C::FieldAdded { required, ty, .. } => {
            let kind = match (c.area, required) {
                (Area::Params, true) => "required param",
                (Area::Params, false) => "optional param",
                (area, _) => area.noun(),
            };
            format!("{item}: new {kind} `{}` (`{ty}`)", c.path)
        }
        C::FieldRemoved { .. } => format!("{item}: removed {what}"),
        C::FieldRenamed { from, .. } => {
            format!("{item}: {} `{from}` renamed to `{}`", c.area.noun(), c.path)
        }
        C::RequiredChanged { new: true, .. } => format!("{item}: {what} is now required"),
        C::RequiredChanged { new: false, .. } => format!("{item}: {what} is now optional"),
        C::TypeChanged {
            old,
            new,
            rust_old,
            rust_new,
        } => {
            let rust = if rust_old == rust_new {
                format!(" (Rust type unchanged: `{rust_new}`)")
            } else if old == new {
                format!(" (Rust: `{rust_old}` → `{rust_new}`)")
            } else {
                String::new()
            };
            format!("{item}: {what} changed type from `{old}` to `{new}`{rust}")
        }
        C::TypeDocChanged { old, new } => {
            format!("{item}: the type of {what} is now written `{new}` (was `{old}`)")
        }
        C::DefaultChanged { new, .. } => match new {
            Some(v) => format!("{item}: the default of {what} is now `{v}`"),
            None => format!("{item}: {what} no longer has a documented default"),
        },
        C::ValueAdded { value, .. } => format!("{item}: {what} has a new value `{value}`"),
        C::ValueRemoved { value, .. } => {
            return format!("{item}: value `{value}` of {what} removed.")
        }
        C::ValueDocChanged { value } => {
            format!("{item}: updated docs of value `{value}` of {what}")
        }
        C::ErrorAdded { http_status } => format!("{item}: new {what}{}", http(http_status)),
        C::ErrorRemoved { .. } => return format!("{item}: {what} removed."),
        C::ErrorStatusChanged { old, new } => format!(
            "{item}: {what} now comes with HTTP {} (was {})",
            statuses(new),
            statuses(old)
        ),
    };
    let text = match &c.change {
        C::Added
        | C::FieldAdded { .. }
        | C::ValueAdded { .. }
        | C::ErrorAdded { .. }
        | C::FieldRenamed { .. } => c.text.as_deref().map(brief),
        _ => None,
    };
    if let Some(t) = text {
        let _ = write!(s, ": {t}");
    }
    if !s.ends_with(['.', '!', '?', '…']) {
        s.push('.');
    }
    s
}

fn http(statuses_: &[u16]) -> String {
    if statuses_.is_empty() {
        String::new()
    } else {
        format!(" (HTTP {})", statuses(statuses_))
    }
}

fn statuses(s: &[u16]) -> String {
    if s.is_empty() {
        return "no status".into();
    }
    s.iter().map(u16::to_string).collect::<Vec<_>>().join("/")
}

/// The docs' wording, made fit for one changelog line: the first paragraph
/// (up to a blank line, a list, a table or a code block), links reduced to
/// their text, the first sentence, at most 200 characters.
pub fn brief(text: &str) -> String {
    static LINK: OnceLock<Option<Regex>> = OnceLock::new();
    let link = LINK.get_or_init(|| Regex::new(r"!?\[([^\]]*)\]\([^)]*\)").ok());
    let mut para = String::new();
    for line in text.trim().lines() {
        let l = line.trim();
        let block = l.is_empty()
            || crate::fence::open(l).is_some()
            || l.starts_with("#|")
            || l.starts_with("- ")
            || l.starts_with("* ")
            || l.starts_with("{%");
        if block {
            if para.is_empty() {
                continue;
            }
            break;
        }
        para.push_str(l);
        para.push(' ');
    }
    let plain = match link {
        Some(re) => re.replace_all(&para, "$1").into_owned(),
        None => para,
    };
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let plain = plain.trim_end_matches(':').to_string();
    const MAX: usize = 200;
    let cut = plain
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .find(|&i| i >= 20)
        .filter(|&i| plain[..i].chars().count() <= MAX);
    if let Some(i) = cut {
        return plain[..i].to_string();
    }
    if plain.chars().count() <= MAX {
        return plain;
    }
    let mut short: String = plain.chars().take(MAX - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_changelog_puts_the_newest_first_and_replaces_the_same_version() {
        let v1 = "## 0.1.0\n\nfirst\n";
        let v2 = "## 0.2.0\n\nsecond\n";
        let once = update_changelog(None, v1);
        assert_eq!(once, "# Changelog\n\n## 0.1.0\n\nfirst\n");
        let twice = update_changelog(Some(&once), v2);
        assert_eq!(
            twice,
            "# Changelog\n\n## 0.2.0\n\nsecond\n\n## 0.1.0\n\nfirst\n"
        );
        // Regenerating 0.2.0 replaces it rather than stacking a copy.
        let again = update_changelog(Some(&twice), "## 0.2.0\n\nsecond, revised\n");
        assert_eq!(
            again,
            "# Changelog\n\n## 0.2.0\n\nsecond, revised\n\n## 0.1.0\n\nfirst\n"
        );
        assert_eq!(
            update_changelog(Some(&again), "## 0.2.0\n\nsecond, revised\n"),
            again
        );
    }

    #[test]
    fn brief_strips_links_and_keeps_the_first_sentence() {
        let t = "Identifier of the [deal](../deals/index.md). It is returned by add.";
        assert_eq!(brief(t), "Identifier of the deal.");
        let t = "Quantity of units\nDefault - `1.0`\n\n```\n{ a: 1 }\n```";
        assert_eq!(brief(t), "Quantity of units Default - `1.0`");
        assert_eq!(brief("Object format:\n```\n{}\n```"), "Object format");
        assert_eq!(brief("Possible values:\n- `Y` – yes"), "Possible values");
        let long = "word ".repeat(100);
        let b = brief(&long);
        assert_eq!(b.chars().count(), 200);
        assert!(b.ends_with('…'));
    }
}
