//! Fuzzing the wire decoders on mutated response examples (stable toolchain, no extra crates):
//! the JSON examples of docs-src/ are mutated — values swapped for the forms portals send
//! (`""`, `"Y"`, `"0"`, dates in several spellings, huge and negative numbers, nested lists),
//! keys dropped, bytes flipped and cut — and every leaf goes through each lenient decoder of
//! [`b24_runtime::wire`] and the `Date`/`DateTime`/`YesNo` types. A decoder may refuse a value
//! (an error naming what it expected), never panic.
//!
//! Budget: `FUZZ_CASES` (default 20,000); `scripts/fuzz.sh` runs the reader's harness long.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use b24_runtime::wire;
use serde_json::Value;

/// `rng.usize(..n)`, and 0 for an empty range (the cases replay from their seed: fastrand's
/// generator is seedable and stable).
fn below(rng: &mut fastrand::Rng, n: usize) -> usize {
    rng.usize(..n.max(1))
}

const FORMS: &[&str] = &[
    "\"\"",
    "\"Y\"",
    "\"N\"",
    "\"0\"",
    "\"1\"",
    "\"-1\"",
    "\"1.5\"",
    "\"1e400\"",
    "\"abc\"",
    "\"2024-05-01\"",
    "\"01.05.2024\"",
    "\"01.05.2024 10:00:00\"",
    "\"2024-05-01T10:00:00+03:00\"",
    "\"2024-05-01T25:61:61+99:99\"",
    "\"9999999999-99-99\"",
    "\"\\u00a0\"",
    "\"true\"",
    "\"false\"",
    "0",
    "-1",
    "1.5",
    "1e308",
    "-1e308",
    "18446744073709551615",
    "-9223372036854775808",
    "9223372036854775807",
    "1714557600",
    "99999999999999999",
    "true",
    "false",
    "null",
    "[]",
    "{}",
    "[[[[[[[[1]]]]]]]]",
    "{\"a\":{\"b\":{\"c\":[]}}}",
];

fn mutate_value(v: &mut Value, rng: &mut fastrand::Rng) {
    match v {
        Value::Object(o) if !o.is_empty() => {
            let k = below(rng, o.len());
            match below(rng, 4) {
                0 => {
                    if let Some(key) = o.keys().nth(k).cloned() {
                        o.remove(&key);
                    }
                }
                _ => {
                    if let Some((_, child)) = o.iter_mut().nth(k) {
                        mutate_value(child, rng);
                    }
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let k = below(rng, a.len());
            mutate_value(&mut a[k], rng);
        }
        _ => {
            let form = FORMS[below(rng, FORMS.len())];
            *v = serde_json::from_str(form).unwrap_or(Value::Null);
        }
    }
}

/// Every decoder on one value: errors are fine, panics are not.
fn decode_all(v: &Value) {
    let _ = wire::opt_i64(v.clone());
    let _ = wire::opt_f64(v.clone());
    let _ = wire::opt_unix_time(v.clone());
    let _ = wire::opt_bool(v.clone());
    let _ = wire::opt_string(v.clone());
    let _ = wire::opt_yes_no(v.clone());
    let _ = wire::opt_date(v.clone());
    let _ = wire::opt_datetime(v.clone());
    let _ = wire::opt_value(v.clone());
    let _ = wire::i64(v.clone());
    let _ = wire::f64(v.clone());
    let _ = wire::bool(v.clone());
    let _ = wire::string(v.clone());
    let _ = wire::opt_vec::<_, i64>(v.clone());
    let _ = serde_json::from_value::<wire::Date>(v.clone());
    let _ = serde_json::from_value::<wire::DateTime>(v.clone());
    let _ = serde_json::from_value::<wire::YesNo>(v.clone());
}

fn leaves<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    out.push(v);
    match v {
        Value::Object(o) => o.values().for_each(|c| leaves(c, out)),
        Value::Array(a) => a.iter().for_each(|c| leaves(c, out)),
        _ => {}
    }
}

/// The ```json blocks of docs-src/ that parse.
fn seeds() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-src");
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return out;
    };
    let mut paths: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        for block in text.split("```json").skip(1) {
            let body = block.split("```").next().unwrap_or("");
            if let Ok(v) = serde_json::from_str::<Value>(body) {
                out.push(v);
            }
        }
    }
    out
}

#[test]
fn mutated_response_examples_never_panic_the_wire_decoders() {
    let cases: usize = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(20_000);
    let seeds = seeds();
    assert!(!seeds.is_empty(), "no JSON examples in docs-src/");
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    for case in 0..cases {
        let mut rng =
            fastrand::Rng::with_seed(15 ^ (case as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let mut v = seeds[below(&mut rng, seeds.len())].clone();
        for _ in 0..1 + below(&mut rng, 4) {
            mutate_value(&mut v, &mut rng);
        }
        let mut bytes = serde_json::to_vec(&v).unwrap_or_default();
        if below(&mut rng, 4) == 0 && !bytes.is_empty() {
            let i = below(&mut rng, bytes.len());
            bytes[i] ^= 1 << below(&mut rng, 8);
            bytes.truncate(i + below(&mut rng, bytes.len() - i + 1));
        }
        let r = catch_unwind(AssertUnwindSafe(|| {
            let mut all = Vec::new();
            leaves(&v, &mut all);
            all.into_iter().for_each(decode_all);
            if let Ok(parsed) = serde_json::from_slice::<Value>(&bytes) {
                decode_all(&parsed);
            }
        }));
        if r.is_err() {
            failures.push(format!("case {case}: {v}"));
        }
    }
    std::panic::set_hook(hook);
    println!("fuzz_wire: {cases} cases, {} panics", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
