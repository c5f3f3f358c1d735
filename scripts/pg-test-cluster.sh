#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks, on a Unix socket in a temp
# directory (no TCP port, nothing outside the directory).
#
#   scripts/pg-test-cluster.sh start [DIR]   prints `export TUIDESK_TEST_PG=…` on stdout
#   scripts/pg-test-cluster.sh stop  [DIR]   stops the cluster and removes DIR
#   scripts/pg-test-cluster.sh restart [DIR] restarts the running cluster (every session is
#                                            cut, as in a server restart)
#   scripts/pg-test-cluster.sh down|up [DIR] the two halves of a restart, for tests that
#                                            watch clients while the server is away
#
# DIR defaults to /tmp/tuidesk-pg (or $TUIDESK_PG_DIR). `initdb` refuses to run as root, so
# as root the cluster belongs to the `postgres` user (created if missing); otherwise to the
# calling user. On a machine without PostgreSQL, `postgresql` is installed with apt-get.
# Usage in a shell:  eval "$(scripts/pg-test-cluster.sh start)"
set -euo pipefail

cmd=${1:-}
dir=${2:-${TUIDESK_PG_DIR:-/tmp/tuidesk-pg}}

find_bin() {
  local name=$1
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/$name" ]; then
      echo "$d/$name"
      return 0
    fi
  done
  command -v "$name" 2>/dev/null && return 0
  return 1
}

ensure_binaries() {
  if ! find_bin initdb >/dev/null; then
    echo "pg-test-cluster: initdb not found; installing postgresql with apt-get" >&2
    if [ "$(id -u)" -ne 0 ]; then
      echo "pg-test-cluster: not root; install postgresql (15 or newer) and retry" >&2
      exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  INITDB=$(find_bin initdb)
  PG_CTL=$(find_bin pg_ctl)
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres >&2
    fi
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

owner_name() {
  if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

case "$cmd" in
  start)
    ensure_binaries
    if [ -f "$dir/data/postmaster.pid" ] && as_owner "$PG_CTL" -D "$dir/data" status >/dev/null 2>&1; then
      echo "pg-test-cluster: already running in $dir" >&2
    else
      rm -rf "$dir"
      mkdir -p "$dir/socket"
      if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres >&2
        chown -R postgres "$dir"
      fi
      as_owner "$INITDB" -D "$dir/data" -U "$(owner_name)" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
      }
      # Tests open many connections (8 processes, each with a listener): room for them.
      as_owner "$PG_CTL" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-k $dir/socket -c listen_addresses='' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2 || {
        cat "$dir/server.log" >&2
        exit 1
      }
    fi
    echo "export TUIDESK_TEST_PG='postgres://$(owner_name)@/postgres?host=$dir/socket'"
    ;;
  restart|down|up)
    ensure_binaries
    if [ "$cmd" != up ]; then
      as_owner "$PG_CTL" -D "$dir/data" -m fast -w -t 30 stop >&2
    fi
    if [ "$cmd" != down ]; then
      as_owner "$PG_CTL" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-k $dir/socket -c listen_addresses='' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2
    fi
    ;;
  stop)
    ensure_binaries
    if [ -d "$dir/data" ]; then
      as_owner "$PG_CTL" -D "$dir/data" -m immediate -w stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop|restart|down|up [DIR]" >&2
    exit 2
    ;;
esac
