//! The READMEs' `.shared_limit(...)` snippets are the compiled example's code, line for line.

use std::path::Path;

/// The ```rust blocks of `markdown` that mention `needle`.
fn rust_blocks<'a>(markdown: &'a str, needle: &str) -> Vec<Vec<&'a str>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```rust") => current = Some(Vec::new()),
            (Some(_), l) if l.starts_with("```") => {
                let block = current.take().unwrap_or_default();
                if block.iter().any(|l| l.contains(needle)) {
                    blocks.push(block);
                }
            }
            (Some(b), _) => b.push(line),
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn readme_shared_limit_snippets_are_the_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("examples/shared_limit.rs")).unwrap();
    let code: Vec<&str> = example.lines().map(str::trim).collect();
    for readme in ["README.md", "../README.md"] {
        let text = std::fs::read_to_string(root.join(readme)).unwrap();
        let blocks = rust_blocks(&text, ".shared_limit(");
        assert!(!blocks.is_empty(), "{readme} shows .shared_limit(...)");
        for block in blocks {
            let lines: Vec<&str> = block
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty() && !l.starts_with("//"))
                .collect();
            let found = code.windows(lines.len()).any(|w| w == lines.as_slice());
            assert!(
                found,
                "{readme}: this snippet is not in examples/shared_limit.rs:\n{}",
                lines.join("\n")
            );
        }
    }
}
