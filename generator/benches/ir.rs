//! `b24gen ir` over the whole reference (EN + RU): read, parse, extract,
//! merge, serialize. Falls back to docs-src when the corpus is absent.
//!
//! cargo bench -p b24gen --bench ir

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn dirs() -> (Vec<PathBuf>, &'static str) {
    match b24gen::corpus_dir() {
        Some(d) => (vec![d.join("en"), d.join("ru")], "ir_en_ru"),
        None => (
            vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs-src")],
            "ir_docs_src",
        ),
    }
}

fn bench(c: &mut Criterion) {
    let (dirs, name) = dirs();
    let mut g = c.benchmark_group("ir");
    g.sample_size(10);
    g.bench_function(name, |b| {
        b.iter(|| {
            let ir = b24gen::read_docs(&dirs);
            serde_json::to_vec(&ir).expect("serializes").len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
