//! `cargo bench -p b24gen --bench diff`: the diff of the two real English
//! snapshots (`history/en-2025-12-31` → `en`), reading included, and the
//! comparison alone on IRs already read.
use b24gen::diff::{compare_sides, diff};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn corpus() -> Option<PathBuf> {
    let dir = match std::env::var_os("B24_DOCS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24-docs"),
    };
    dir.join("history/en-2025-12-31").is_dir().then_some(dir)
}

fn bench(c: &mut Criterion) {
    let Some(root) = corpus() else {
        eprintln!("skipped: no docs corpus with history (set B24_DOCS)");
        return;
    };
    let old = [root.join("history/en-2025-12-31")];
    let new = [root.join("en")];
    let mut g = c.benchmark_group("diff");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("real_snapshots_read_and_compare", |b| {
        b.iter(|| compare_sides(&old, &new, b24gen::read_docs).map(|c| c.changes.len()))
    });
    let (o, n) = (b24gen::read_docs(&old), b24gen::read_docs(&new));
    g.bench_function("compare_only", |b| b.iter(|| diff(&o, &n).changes.len()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
