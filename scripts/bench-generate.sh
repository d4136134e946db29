#!/usr/bin/env bash
# Benchmark of the generator and of the generated crate, on the whole reference (EN + RU).
# Prints, in sections (choose some by name; all by default):
#   gen      `b24gen generate` of both languages: 5 runs into an empty folder (best, median,
#            the phases of the last run), then 5 runs over the crate they wrote (target <= 1.0 s);
#   check    `cargo check` of the generated crate beyond its dependencies: --all-features
#            (target <= 30 s), --features im, --features crm;
#   build    `cargo build` (debug) beyond dependencies: --all-features (<= 100 s), crm (<= 20 s), im;
#   release  `cargo build --release` beyond dependencies: --all-features, crm, im.
# Every compile section also prints the peak RSS of the biggest rustc (target <= 1 GB) and the
# slowest crates, from scripts/rustc-rss.sh (a RUSTC_WRAPPER timing each rustc run).
# "Beyond dependencies": the runtime, serde, serde_json… are built first; then only the
# generated packages are cleaned and built again, so the figure is the generated code's cost.
# Usage: scripts/bench-generate.sh [--timings] [gen] [check] [build] [release]
#   --timings also writes cargo's HTML report.
set -euo pipefail
cd "$(dirname "$0")/.."

DOCS="${B24_DOCS:-../shared/b24-docs}"
if [ ! -d "$DOCS/en" ] || [ ! -d "$DOCS/ru" ]; then
  echo "skipped: the docs corpus is not at $DOCS (set B24_DOCS)" >&2
  exit 0
fi
TIMINGS=""
SECTIONS=()
for a in "$@"; do
  case "$a" in
    --timings) TIMINGS="--timings" ;;
    gen | check | build | release) SECTIONS+=("$a") ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done
[ ${#SECTIONS[@]} -eq 0 ] && SECTIONS=(gen check build release)
want() { [[ " ${SECTIONS[*]} " == *" $1 "* ]]; }

OUT=target/bench-gen/bitrix24
unset RUSTFLAGS
cargo build --release -q --offline -p b24gen
BIN="${CARGO_TARGET_DIR:-target}/release/b24gen"
# The generated crate gets a target directory of its own.
export CARGO_TARGET_DIR="$PWD/target/bench-gen/target"

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

if want gen || [ ! -f "$OUT/Cargo.toml" ]; then
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
printf 'generate: best %.2f s, median %.2f s wall ; median CPU %.2f s\n' "$best" "$median" "$cpu"
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
printf 'regenerate over the existing crate: best %.2f s, median %.2f s wall (target <= 1.0 s)\n' \
  "$(echo "$resorted" | head -1)" "$(echo "$resorted" | sed -n 3p)"
fi
cp Cargo.lock "$OUT/Cargo.lock"

packages=()
for toml in "$OUT/Cargo.toml" "$OUT"/events/Cargo.toml "$OUT"/scopes/*/Cargo.toml; do
  packages+=(-p "$(sed -n 's/^name = "\(.*\)"$/\1/p' "$toml" | head -1)")
done
RSS_LOG="$PWD/target/bench-gen/rustc-rss.log"
export RUSTC_WRAPPER="$PWD/scripts/rustc-rss.sh"
clean_generated() { (cd "$OUT" && cargo clean -q --offline "$@" "${packages[@]}" 2>/dev/null || true); }

# One measured cargo run beyond dependencies: cargo <cmd> [args]. Prints wall and CPU time (user +
# sys of cargo and its rustc runs, which a loaded machine distorts less), the biggest rustc's
# peak RSS and the three slowest crates.
measure() {
  local cmd="$1"
  shift
  local profile=()
  [[ " $* " == *" --release "* ]] && profile=(--release)
  clean_generated "${profile[@]}"
  : > "$RSS_LOG"
  local t0
  t0=$(now)
  (cd "$OUT" && RUSTC_RSS_LOG="$RSS_LOG" /usr/bin/time -f "%U %S" -o ../cpu.txt \
    cargo "$cmd" -q --offline "$@")
  printf '%.1f s wall, %.1f s CPU; ' "$(elapsed "$t0")" "$(awk '{print $1 + $2}' target/bench-gen/cpu.txt)"
  sort -k2,2n "$RSS_LOG" | tail -1 | awk '{ printf "biggest rustc %.0f MB (%s)", $2 / 1024, $1 }'
  printf '; slowest:'
  sort -k3,3n "$RSS_LOG" | tail -3 | tac | awk '{ printf " %s %.1f s", $1, $3 }'
  echo
}
deps() {
  local t0
  t0=$(now)
  # The smallest scope, with and without `conformance`: the runtime in both feature sets.
  (cd "$OUT" && cargo "$@" -q --offline -p bitrix24 && cargo "$@" -q --offline -p bitrix24-im \
    && cargo "$@" -q --offline -p bitrix24-im --all-features)
  printf 'dependencies (b24-runtime and below): %.1f s\n' "$(elapsed "$t0")"
}

if want check; then
  echo "== cargo check beyond dependencies"
  deps check
  printf 'check --all-features: %s' "$(measure check --all-features $TIMINGS)"
  echo " (target <= 30 s)"
  printf 'check --features im: %s\n' "$(measure check --no-default-features --features im)"
  printf 'check --features crm: %s\n' "$(measure check --no-default-features --features crm)"
fi
if want build; then
  echo "== cargo build (debug) beyond dependencies"
  deps build
  printf 'build --all-features: %s' "$(measure build --all-features $TIMINGS)"
  echo " (targets <= 100 s, rustc <= 1 GB)"
  printf 'build --features crm: %s' "$(measure build --no-default-features --features crm)"
  echo " (target <= 20 s)"
  printf 'build --features im: %s\n' "$(measure build --no-default-features --features im)"
fi
if want release; then
  echo "== cargo build --release beyond dependencies"
  deps build --release
  printf 'release --all-features: %s\n' "$(measure build --release --all-features)"
  printf 'release --features crm: %s\n' "$(measure build --release --no-default-features --features crm)"
  printf 'release --features im: %s\n' "$(measure build --release --no-default-features --features im)"
fi
[ -n "$TIMINGS" ] && echo "cargo timings report: $CARGO_TARGET_DIR/cargo-timings/"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
