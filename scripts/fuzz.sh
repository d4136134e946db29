#!/usr/bin/env bash
# Runs the fuzz harnesses long:
# - generator/tests/fuzz.rs: mutated real pages through source → yfm → page → extract → merge
#   → refine → plan (inputs of panicking cases are kept under target/fuzz-failures/);
# - runtime/tests/fuzz_wire.rs: mutated response examples through the wire decoders.
#   scripts/fuzz.sh [cases] [seed]      (default 1000000 cases each, seed 15)
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_CASES="${1:-1000000}" FUZZ_SEED="${2:-15}"
cargo test --release -p b24gen --test fuzz -- --nocapture
cargo test --release -p b24-runtime --test fuzz_wire -- --nocapture
