//! Fuzzing the reader on the stable toolchain: real pages (docs-src/, and a sample of the
//! corpus when it is present) mutated at random — byte flips, truncation, NBSP / BOM / CRLF
//! insertion, unbalanced `#|` and `{% %}`, deep nesting, deleted and repeated lines — each run
//! through source → yfm → page → extract → merge → refine → plan. Reading a page must never
//! panic: a panic fails the test, naming the case and writing its input under
//! `target/fuzz-failures/`.
//!
//! The budget is `FUZZ_CASES` (default 20,000: about 15 s on 2 cores in CI); `scripts/fuzz.sh` runs
//! it long (`FUZZ_CASES=1000000`). `FUZZ_SEED` picks another stream of cases. The runtime's
//! wire decoders have their own harness (`runtime/tests/fuzz_wire.rs`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use b24gen::extract::{extract, Extracted};
use b24gen::ir::{Ir, Lang, SCHEMA_VERSION};
use b24gen::page::Page;
use b24gen::source::{IncludeCache, PageFile};
use rayon::prelude::*;

/// `rng.usize(..n)`, and 0 for an empty range (the cases replay from their seed: fastrand's
/// generator is seedable and stable).
fn below(rng: &mut fastrand::Rng, n: usize) -> usize {
    rng.usize(..n.max(1))
}

/// Fragments that stress the page grammar.
const SNIPPETS: &[&str] = &[
    "\u{a0}",
    " \u{a0}",
    "\u{feff}",
    "\u{3000}",
    "\r\n",
    "\r",
    "\n",
    "#|",
    "|#",
    "||",
    "|",
    "\n#|\n",
    "\n|#\n",
    "{% list tabs %}\n",
    "{% endlist %}\n",
    "{% note info \"x\" %}\n",
    "{% endnote %}\n",
    "{% if build == 'dev' %}\n",
    "{% endif %}\n",
    "{% include [x](../_includes/none.md) %}\n",
    "{% cut \"more\" %}\n",
    "{% endcut %}\n",
    "```\n",
    "```json\n",
    "`",
    "**",
    "^*^",
    "](#",
    "[`string`](x.md)",
    "\n## Method Parameters\n",
    "\n### Possible Error Codes\n",
    "\nError code: `BITRIX_REST_V3_X`\n",
    "\n- ",
    "    ",
    "\t",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    "Ё",
    "€",
    "😀",
];

/// One mutation of `text`.
fn mutate(text: &str, rng: &mut fastrand::Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let rounds = 1 + below(rng, 4);
    for _ in 0..rounds {
        let len = bytes.len();
        let at = below(rng, len + 1);
        match below(rng, 9) {
            // Byte flips (may break UTF-8; the reader gets the lossy text like a bad file).
            0 => {
                for _ in 0..1 + below(rng, 8) {
                    if !bytes.is_empty() {
                        let i = below(rng, bytes.len());
                        bytes[i] ^= 1 << below(rng, 8);
                    }
                }
            }
            1 => bytes.truncate(at),
            2 | 3 => {
                let s = SNIPPETS[below(rng, SNIPPETS.len())];
                let n = 1 + below(rng, 3);
                let ins: Vec<u8> = s.repeat(n).into_bytes();
                bytes.splice(at..at, ins);
            }
            // Deep nesting: tables in cells, tabs in tabs, notes in notes.
            4 => {
                let open = [
                    "#|\n|| **a** | ",
                    "{% list tabs %}\n\n- t\n\n    ",
                    "{% note %}\n",
                    "> ",
                ];
                let o = open[below(rng, open.len())];
                let depth = 1 + below(rng, 64);
                bytes.splice(at..at, o.repeat(depth).into_bytes());
            }
            // Delete a range.
            5 => {
                let end = (at + below(rng, 400)).min(len);
                bytes.drain(at..end);
            }
            // Repeat a range.
            6 => {
                let end = (at + below(rng, 300)).min(len);
                let piece = bytes[at..end].to_vec();
                bytes.splice(at..at, piece);
            }
            // Swap two lines' contents by moving a chunk elsewhere.
            7 => {
                let end = (at + below(rng, 200)).min(len);
                let piece: Vec<u8> = bytes.drain(at..end).collect();
                let to = below(rng, bytes.len() + 1);
                bytes.splice(to..to, piece);
            }
            // Indent a run of lines (tables inside list items).
            _ => {
                let end = (at + below(rng, 600)).min(len);
                let mut out = bytes[..at].to_vec();
                for (k, b) in bytes[at..end].iter().enumerate() {
                    out.push(*b);
                    if *b == b'\n' && k % 2 == 0 {
                        out.extend_from_slice(if below(rng, 2) == 0 {
                            b"    "
                        } else {
                            b" \xc2\xa0"
                        });
                    }
                }
                out.extend_from_slice(&bytes[end..]);
                bytes = out;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Reads one (mutated) page the whole way to the plan.
fn read_to_plan(file: &PageFile, text: &str, cache: &IncludeCache) {
    let Ok(page) = Page::parse(file, text, cache) else {
        return;
    };
    let result = extract(&page);
    let ok = matches!(result.extracted, Extracted::Method(_) | Extracted::Event(_));
    let (mut methods, mut events, _) = b24gen::merge::merge(vec![result]);
    for m in &mut methods {
        b24gen::refine::method(m);
    }
    events.iter_mut().for_each(b24gen::refine::event);
    if ok {
        let ir = Ir {
            schema: SCHEMA_VERSION,
            methods,
            events,
            diagnostics: Vec::new(),
        };
        let options = b24gen::rust::PlanOptions {
            crate_name: "bitrix24".into(),
            lang: Lang::En,
        };
        let plan = b24gen::rust::plan(&ir, &options);
        std::hint::black_box(&plan.scopes);
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// The seed pages: docs-src/ and every 25th page of the corpus (when present).
fn seeds() -> Vec<(PageFile, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![(workspace().join("docs-src"), false)];
    if let Some(c) = b24gen::corpus_dir() {
        dirs.push((c.join("en/api-reference"), true));
        dirs.push((c.join("ru/api-reference"), true));
    }
    for (dir, checkout) in dirs {
        let mut files = Vec::new();
        collect(&dir, &mut files);
        files.sort();
        let step = if checkout { 25 } else { 1 };
        for path in files.into_iter().step_by(step) {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let rel = path
                .strip_prefix(&dir)
                .map(|r| r.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((
                PageFile {
                    path,
                    rel,
                    checkout,
                },
                text,
            ));
        }
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if !p.ends_with("_includes") {
                collect(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "md" || x == "txt") {
            out.push(p);
        }
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

#[test]
fn mutated_pages_never_panic_the_reader() {
    let cases = env_u64("FUZZ_CASES", 20_000) as usize;
    let seed = env_u64("FUZZ_SEED", 15);
    let seeds = seeds();
    assert!(!seeds.is_empty(), "no seed pages");
    let cache = IncludeCache::default();
    let failures_dir = workspace().join("target/fuzz-failures");
    let failed = AtomicUsize::new(0);
    // Panics are caught per case; keep the default hook from printing each one twice.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let failures: Vec<String> = (0..cases)
        .into_par_iter()
        .filter_map(|case| {
            let mut rng =
                fastrand::Rng::with_seed(seed ^ (case as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
            let (file, text) = &seeds[below(&mut rng, seeds.len())];
            let input = mutate(text, &mut rng);
            let r = catch_unwind(AssertUnwindSafe(|| read_to_plan(file, &input, &cache)));
            let msg = r.err()?;
            let what = msg
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| msg.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            if failed.fetch_add(1, Ordering::Relaxed) < 20 {
                let _ = std::fs::create_dir_all(&failures_dir);
                let _ = std::fs::write(failures_dir.join(format!("case-{seed}-{case}.md")), &input);
            }
            Some(format!(
                "case {case} (seed {seed}, from {}): {what}",
                file.rel
            ))
        })
        .collect();
    std::panic::set_hook(hook);
    println!(
        "fuzz: {cases} cases from {} seed pages, {} panics",
        seeds.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} mutated pages panicked the reader (inputs in {}):\n{}",
        failures.len(),
        failures_dir.display(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
