#!/usr/bin/env bash
# Performance suite: fills a database with `tuidesk gen`, then measures it end to end and
# prints every figure beside its target (see BENCHMARKS.md).
#   scripts/bench.sh            1,000,000 tickets, release build (the real figures)
#   scripts/bench.sh --small    20,000 tickets on the debug build `cargo test` made (CI: keeps
#                               the suite from rotting; its figures mean nothing)
# Exits non-zero if the database cannot be built or a measurement cannot be taken; a missed
# target is reported, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."

small=0
tickets=1000000
if [ "${1:-}" = "--small" ]; then
  small=1
  tickets=20000
fi
tickets=${TUIDESK_BENCH_TICKETS:-$tickets}

if ! command -v sqlite3 >/dev/null 2>&1; then
  # The comparison needs the sqlite3 shell; install it when we can, else the suite says so.
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get install -y -qq sqlite3 >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq sqlite3 >/dev/null 2>&1; }) || true
  fi
fi

if [ "$small" = 1 ]; then
  cargo build --quiet --bins --examples
  target="${CARGO_TARGET_DIR:-$PWD/target}/debug"
  quick=--quick
else
  cargo build --quiet --release --bins --examples
  target="${CARGO_TARGET_DIR:-$PWD/target}/release"
  quick=
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/bench.db"

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
echo "== tuidesk gen --tickets $tickets"
start=$(date +%s.%N)
"$target/tuidesk" --db "$db" gen --tickets "$tickets" --seed 1
end=$(date +%s.%N)
gen_seconds=$(awk "BEGIN { printf \"%.2f\", $end - $start }")
echo "== measuring"
"$target/examples/bench_suite" --db "$db" --bin "$target/tuidesk" --gen-seconds "$gen_seconds" $quick
