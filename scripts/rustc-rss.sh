#!/usr/bin/env bash
# RUSTC_WRAPPER for scripts/bench-generate.sh: runs rustc under GNU time and appends
# "<crate name> <peak RSS in KiB> <wall s> <user+sys s>" to $RUSTC_RSS_LOG, one line per rustc run.
set -u
rustc="$1"
shift
crate=""
prev=""
for a in "$@"; do
  [ "$prev" = "--crate-name" ] && crate="$a"
  prev="$a"
done
if [ -z "$crate" ] || [ -z "${RUSTC_RSS_LOG:-}" ]; then
  exec "$rustc" "$@"
fi
tmp=$(mktemp)
/usr/bin/time -f "%M %e %U %S" -o "$tmp" "$rustc" "$@"
rc=$?
tail -1 "$tmp" | awk -v c="$crate" '{ printf "%s %s %s %.2f\n", c, $1, $2, $3 + $4 }' >> "$RUSTC_RSS_LOG"
rm -f "$tmp"
exit $rc
