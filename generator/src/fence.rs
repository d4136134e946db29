//! Fenced code blocks (CommonMark's rule, as the docs use it): one definition for every stage
//! that must skip or keep code (language detection, the YFM reader, the docs the emitter writes,
//! the changelog's one-line briefs).
//!
//! An opening fence is a line of three or more backticks or tildes; backticks followed later on
//! the line by another backtick are inline code (```` ```x``` ````), not a fence. A fence closes at
//! a line of its marker (at least as long), nothing else on it.

/// The marker of an opening fence (`` ``` ``, `~~~~`), for a line with its indentation trimmed.
pub fn open(line: &str) -> Option<&str> {
    for ch in ['`', '~'] {
        let n = line.bytes().take_while(|b| *b == ch as u8).count();
        if n >= 3 {
            if ch == '`' && line[n..].contains('`') {
                return None;
            }
            return Some(&line[..n]);
        }
    }
    None
}

/// Whether `line` (indentation trimmed) closes the fence opened by `marker`.
pub fn closes(marker: &str, line: &str) -> bool {
    let Some(ch) = marker.chars().next() else {
        return false;
    };
    line.starts_with(marker) && line.trim_start_matches(ch).trim().is_empty()
}

/// Where a line stands in a text's fences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Prose.
    Text,
    /// The opening fence line.
    Open,
    /// Code inside a fence.
    Code,
    /// The closing fence line.
    Close,
}

/// Follows the fences of a text line by line.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    marker: Option<String>,
}

impl Tracker {
    /// Classifies the next line (and moves past it).
    pub fn line(&mut self, line: &str) -> Line {
        let t = line.trim_start();
        match &self.marker {
            Some(m) if closes(m, t) => {
                self.marker = None;
                Line::Close
            }
            Some(_) => Line::Code,
            None => match open(t) {
                Some(m) => {
                    self.marker = Some(m.to_owned());
                    Line::Open
                }
                None => Line::Text,
            },
        }
    }

    /// Inside a fence now.
    pub fn in_code(&self) -> bool {
        self.marker.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_open_and_close_by_commonmark() {
        assert_eq!(open("```json"), Some("```"));
        assert_eq!(open("~~~~"), Some("~~~~"));
        assert_eq!(open("```x``` and more"), None, "inline code at line start");
        assert_eq!(open("``x"), None);
        assert!(closes("```", "```"));
        assert!(closes("```", "````  "));
        assert!(!closes("````", "```"), "shorter than the opening");
        assert!(closes("~~~", "~~~"));
        assert!(!closes("```", "``` ||"));
        let mut t = Tracker::default();
        let kinds: Vec<Line> = ["a", "~~~", "```", "~~~", "b"]
            .iter()
            .map(|l| t.line(l))
            .collect();
        assert_eq!(
            kinds,
            [Line::Text, Line::Open, Line::Code, Line::Close, Line::Text]
        );
    }
}
