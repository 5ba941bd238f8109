#!/usr/bin/env bash
# The read-replica set-up of `make run REPLICA=1` (scripts/scale.sh), started on a database of
# this clone's embedded PostgreSQL for a check (tests/test_replica.py):
#
#   scripts/check_replica.sh start DB PORT   a fresh streaming standby of the cluster (its own
#                                            folder <pg dir>-check, port 5434) and an Odoo server
#                                            on DB, 127.0.0.1:PORT, with --db_replica_host/port;
#                                            prints primary_host=, replica_host=, replica_port=
#   scripts/check_replica.sh stop            stops both and deletes the standby
#
# Exit code 3 (with the reason on stderr) when this machine cannot run it: a PostgreSQL of the
# user's own (PGHOST...), no pg_basebackup, or a cluster larger than REPLICA_CHECK_MAX_MB
# (default 4096: the base backup copies every database of the cluster, benches included).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$(dirname "${BASH_SOURCE[0]}")/scale.sh"

export REPLICA_DIR="$(pg_dir)-check" REPLICA_PORT=5434
CHECK_PIDFILE="$ODOO_DIR/check_replica.pid"
CHECK_LOG="$LOG_DIR/check_replica.log"

cannot() { printf 'cannot check the replica: %s\n' "$*" >&2; exit 3; }

start() {
    local db="$1" port="$2"
    use_external_pg && cannot "PGHOST/PGPORT point at a PostgreSQL of your own; the check replicates the embedded one"
    pg_paths
    [[ -x "$PG_BIN/pg_basebackup" ]] || cannot "no pg_basebackup in $PG_BIN"
    local size
    size="$(as_pg_owner "$PG_BIN/psql" -h "$PG_RUN" -p "$PG_PORT" -U odoo -d postgres -Atc \
        "SELECT sum(pg_database_size(datname)) / 1048576 FROM pg_database")"
    (( ${size%.*} <= ${REPLICA_CHECK_MAX_MB:-4096} )) \
        || cannot "the cluster holds ${size%.*} MB (bench databases?): over REPLICA_CHECK_MAX_MB=${REPLICA_CHECK_MAX_MB:-4096}"
    stop_all
    trap 'stop_all' ERR
    REPLICA_RESET=1 ensure_replica_running
    replica_paths
    PYTHONPATH="$ODOO_PYTHONPATH" setsid "$PY" "$ODOO_LAUNCHER" -c "$ODOO_CONF" -d "$db" --db-filter="^$db\$" \
        -p "$port" --gevent-port="$((port + 1))" --max-cron-threads=0 \
        --db_replica_host="$REPLICA_RUN" --db_replica_port="$REPLICA_PORT" --logfile="$CHECK_LOG" \
        </dev/null >/dev/null 2>&1 &
    echo $! > "$CHECK_PIDFILE"
    local i
    for ((i = 0; i < 240; i++)); do
        kill -0 "$(cat "$CHECK_PIDFILE")" 2>/dev/null || { tail -n 30 "$CHECK_LOG" >&2; die "Odoo exited (log: $CHECK_LOG)"; }
        [[ "$(http_status "http://127.0.0.1:$port/web/login")" == 200 ]] && break
        sleep 0.5
    done
    (( i < 240 )) || die "Odoo did not answer on port $port within 120 s (log: $CHECK_LOG)"
    trap - ERR
    echo "primary_host=$PG_RUN"
    echo "primary_port=$PG_PORT"
    echo "replica_host=$REPLICA_RUN"
    echo "replica_port=$REPLICA_PORT"
}

stop_all() {
    if [[ -f "$CHECK_PIDFILE" ]]; then
        local pid; pid="$(cat "$CHECK_PIDFILE")"
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid"
            local i
            for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$CHECK_PIDFILE"
    fi
    stop_replica
    replica_paths
    rm -rf "$REPLICA_DIR"
}

case "${1:-}" in
    start) [[ $# -eq 3 ]] || die "usage: $0 start DB PORT"; start "$2" "$3" ;;
    stop) stop_all ;;
    *) die "usage: $0 start DB PORT | stop" ;;
esac
