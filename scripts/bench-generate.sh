#!/usr/bin/env bash
# Benchmark of the emitter on the whole reference (EN + RU). Prints:
#   1. generation time of `b24gen generate` over both languages (best and median of 5 runs
#      into an empty folder, with the phases of the last run, then 5 runs over the crate the
#      first ones wrote; target: <= 1.5 s);
#   2. `cargo check --all-features` of the generated crate, beyond its dependencies (<= 60 s);
#   3. `cargo check --features im` alone, beyond dependencies (<= 10 s);
#   4. for reference: the dependencies' own check time and `--features crm` alone.
# "Beyond dependencies": the runtime, serde, serde_json… are checked first; then only the
# generated packages are cleaned and checked again, so the figure is the generated code's cost.
# Usage: scripts/bench-generate.sh [--timings]   (--timings also writes cargo's HTML report)
set -euo pipefail
cd "$(dirname "$0")/.."

DOCS="${B24_DOCS:-../shared/b24-docs}"
if [ ! -d "$DOCS/en" ] || [ ! -d "$DOCS/ru" ]; then
  echo "skipped: the docs corpus is not at $DOCS (set B24_DOCS)" >&2
  exit 0
fi
TIMINGS=""
[ "${1:-}" = "--timings" ] && TIMINGS="--timings"

OUT=target/bench-gen/bitrix24
unset RUSTFLAGS
cargo build --release -q --offline -p b24gen
BIN="${CARGO_TARGET_DIR:-target}/release/b24gen"
# The generated crate gets a target directory of its own.
export CARGO_TARGET_DIR="$PWD/target/bench-gen/target"

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

echo "== generation (EN + RU), 5 runs"
times=()
cpus=()
mkdir -p target/bench-gen
for i in 1 2 3 4 5; do
  rm -rf "$OUT"
  t0=$(now)
  /usr/bin/time -f "%U %S" -o target/bench-gen/cpu.txt \
    "$BIN" generate --docs "$DOCS/en" --docs "$DOCS/ru" --out "$OUT" --workspace --timings 2> target/bench-gen/last-run.txt
  times+=("$(elapsed "$t0")")
  cpus+=("$(awk '{print $1 + $2}' target/bench-gen/cpu.txt)")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
best=$(echo "$sorted" | head -1)
median=$(echo "$sorted" | sed -n 3p)
cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n 3p)
printf 'generate: best %.2f s, median %.2f s wall (target <= 1.5 s); median CPU %.2f s\n' "$best" "$median" "$cpu"
sed 's/^/  /' target/bench-gen/last-run.txt

# The daily job: regenerate over the crate an earlier run wrote (files are written only when
# their bytes change).
retimes=()
for i in 1 2 3 4 5; do
  t0=$(now)
  "$BIN" generate --docs "$DOCS/en" --docs "$DOCS/ru" --out "$OUT" --workspace 2> /dev/null > /dev/null
  retimes+=("$(elapsed "$t0")")
done
resorted=$(printf '%s\n' "${retimes[@]}" | sort -n)
printf 'regenerate over the existing crate: best %.2f s, median %.2f s wall\n' \
  "$(echo "$resorted" | head -1)" "$(echo "$resorted" | sed -n 3p)"
cp Cargo.lock "$OUT/Cargo.lock"

packages=()
for toml in "$OUT/Cargo.toml" "$OUT"/events/Cargo.toml "$OUT"/scopes/*/Cargo.toml; do
  packages+=(-p "$(sed -n 's/^name = "\(.*\)"$/\1/p' "$toml" | head -1)")
done
clean_generated() { (cd "$OUT" && cargo clean -q --offline "${packages[@]}" 2>/dev/null || true); }

echo "== cargo check of the dependencies"
t0=$(now)
(cd "$OUT" && cargo check -q --offline -p b24-runtime)
printf 'deps (b24-runtime and below): %.1f s\n' "$(elapsed "$t0")"

# Wall time, and CPU time (user + sys of cargo and rustc), which a loaded machine distorts less.
check() {
  clean_generated
  t0=$(now)
  (cd "$OUT" && /usr/bin/time -f "%U %S" -o ../cpu.txt cargo check -q --offline "$@")
  printf '%.1f s wall, %.1f s CPU' "$(elapsed "$t0")" "$(awk '{print $1 + $2}' target/bench-gen/cpu.txt)"
}
printf 'cargo check --all-features, beyond deps: %s (target <= 60 s)\n' "$(check --all-features $TIMINGS)"
printf 'cargo check --features im alone, beyond deps: %s (target <= 10 s)\n' \
  "$(check --no-default-features --features im)"
printf 'cargo check --features crm alone, beyond deps: %s\n' "$(check --no-default-features --features crm)"
[ -n "$TIMINGS" ] && echo "cargo timings report: $OUT/target/cargo-timings/ or $CARGO_TARGET_DIR/cargo-timings/"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
