#!/usr/bin/env bash
# Performance suite: fills a database with `tuidesk gen`, then measures it end to end and
# prints every figure beside its target (see BENCHMARKS.md).
#   scripts/bench.sh            1,000,000 tickets, release build (the real figures)
#   scripts/bench.sh --small    20,000 tickets on the debug build `cargo test` made (CI: keeps
#                               the suite from rotting; its figures mean nothing)
#   scripts/bench.sh --tickets N
#                               N tickets instead of 1,000,000 (the growth table in
#                               BENCHMARKS.md: 100k, 1M, 10M)
#   scripts/bench.sh --import   also times `export` of the generated desk and `import` of
#                               that export into a new desk (CPU seconds and peak memory)
#   scripts/bench.sh --backend postgres [--small]
#                               the same suite against PostgreSQL: a throwaway local cluster
#                               (scripts/pg-test-cluster.sh, stopped and removed at the end), or
#                               the server TUIDESK_BENCH_PG names (a database `tuidesk_bench`
#                               is created there and dropped at the end); the list is compared
#                               with the same query in `psql`
# Exits non-zero if the database cannot be built or a measurement cannot be taken; a missed
# target is reported, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."

small=0
tickets=1000000
backend=sqlite
import=0
while [ $# -gt 0 ]; do
  case "$1" in
    --small) small=1; tickets=20000 ;;
    --import) import=1 ;;
    --tickets)
      tickets=${2:-}
      case "$tickets" in
        ''|*[!0-9]*) echo "bench.sh: --tickets takes a whole number (got '$tickets')" >&2; exit 2 ;;
      esac
      shift
      ;;
    --backend)
      backend=${2:-}
      shift
      ;;
    *) echo "bench.sh: unknown argument $1 (usage: [--small] [--tickets N] [--import] [--backend sqlite|postgres])" >&2; exit 2 ;;
  esac
  shift
done
case "$backend" in
  sqlite|postgres) ;;
  *) echo "bench.sh: --backend sqlite or postgres (got '$backend')" >&2; exit 2 ;;
esac
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
pg_dir=
pg_admin=
cleanup() {
  if [ -n "$pg_admin" ]; then
    psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS tuidesk_bench WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [ -n "$pg_dir" ]; then
    scripts/pg-test-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
db="$work/bench.db"

if [ "$backend" = postgres ]; then
  # psql (for the comparison) from the server's own bin directory when it is not on PATH.
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/psql" ] && PATH="$PATH:$d"
  done
  export PATH
  if [ -n "${TUIDESK_BENCH_PG:-}" ]; then
    pg_admin=$TUIDESK_BENCH_PG
  else
    pg_dir=$(mktemp -d /tmp/tuidesk-bench-pg.XXXXXX)
    eval "$(scripts/pg-test-cluster.sh start "$pg_dir")"
    pg_admin=$TUIDESK_TEST_PG
  fi
  psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS tuidesk_bench WITH (FORCE)" -c "CREATE DATABASE tuidesk_bench" >/dev/null
  # The admin URL with its database name replaced.
  db=$(printf '%s' "$pg_admin" | sed -E 's#^(postgres(ql)?://[^/?]*)/?[^?]*#\1/tuidesk_bench#')
  echo "== PostgreSQL: $(psql -qtA "$pg_admin" -c 'SHOW server_version') at ${db%%\?*}"
fi

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(uptime)"
# Wall time, CPU time (user + system) and peak resident memory of one command; the CPU
# time is the work itself when other programs share the machine.
timed() {
  local what=$1
  shift
  local start end
  start=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%U %S %M" -o "$work/time" "$@"
  else
    # Without GNU time only the wall time is known.
    "$@"
    echo "0 0 0" > "$work/time"
  fi
  end=$(date +%s.%N)
  read -r user sys rss_kb < "$work/time"
  wall=$(awk "BEGIN { printf \"%.2f\", $end - $start }")
  echo "$what: ${wall} s wall, $(awk "BEGIN { printf \"%.1f\", $user + $sys }") s CPU, peak RSS $((rss_kb / 1024)) MB"
}
echo "== tuidesk gen --tickets $tickets"
timed "gen" "$target/tuidesk" --db "$db" gen --tickets "$tickets" --seed 1
gen_seconds=$wall
echo "== measuring"
"$target/examples/bench_suite" --db "$db" --bin "$target/tuidesk" --gen-seconds "$gen_seconds" $quick
if [ "$backend" = postgres ]; then
  echo "== database size: $(psql -qtA "$pg_admin" -c "SELECT pg_size_pretty(pg_database_size('tuidesk_bench'))")"
else
  echo "== database size: $(du -sh "$db" | cut -f1)"
fi
if [ "$import" = 1 ]; then
  echo "== export and import of the generated desk"
  timed "export" "$target/tuidesk" --db "$db" export --out "$work/export.jsonl"
  echo "export file: $(du -sh "$work/export.jsonl" | cut -f1)"
  if [ "$backend" = postgres ]; then
    psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS tuidesk_bench_import WITH (FORCE)" -c "CREATE DATABASE tuidesk_bench_import" >/dev/null
    into=$(printf '%s' "$pg_admin" | sed -E 's#^(postgres(ql)?://[^/?]*)/?[^?]*#\1/tuidesk_bench_import#')
  else
    into="$work/imported.db"
  fi
  timed "import" "$target/tuidesk" --db "$into" import "$work/export.jsonl"
  rm -f "$work/export.jsonl" "$work/imported.db"*
  if [ "$backend" = postgres ]; then
    psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS tuidesk_bench_import WITH (FORCE)" >/dev/null 2>&1 || true
  fi
fi
echo "== load after: $(uptime)"
