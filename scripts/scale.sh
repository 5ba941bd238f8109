# shellcheck shell=bash
# Multi-process Odoo and a streaming read replica for `make run` (README "Scaling out").
# Sourced by run.sh, stop.sh and check_replica.sh after setup.sh.
#
#   WORKERS=4        Odoo's multi-process (prefork) mode: 4 HTTP workers, CRON_WORKERS cron
#                    workers (default 2), the gevent (websocket/longpolling) worker on
#                    GEVENT_PORT (default PORT+3). Unset: the threaded mode.
#   DB_MAXCONN=8     connections each Odoo process may open (default 8 with WORKERS, Odoo's 64
#                    without); PostgreSQL's max_connections is sized from it.
#   REPLICA=1        also start a streaming hot standby of the embedded PostgreSQL
#                    (pg_basebackup -R into <pg dir>-replica, socket port REPLICA_PORT, default
#                    5433) and give it to Odoo as --db_replica_host/--db_replica_port.
#   PG_SHARED_BUFFERS_MB, PG_WORK_MEM_MB   override the sizes computed from the machine's RAM.

# ------------------------------------------------------------ Odoo's processes
# The servers start through Debian's launcher (usr/bin/odoo), not `python -m odoo`: the prefork
# master respawns the gevent worker as [python, sys.argv[0], "gevent", ...], and with -m,
# sys.argv[0] is odoo/__main__.py, which cannot run as a script (relative import).
ODOO_LAUNCHER="$ODOO_ROOT/usr/bin/odoo"
# The processes that each hold a connection pool: the HTTP workers, the cron workers, the gevent
# worker and the master (it preloads the registry). Threaded mode: one process.
odoo_processes() {
    if [[ -n "${WORKERS:-}" ]]; then echo $(( WORKERS + ${CRON_WORKERS:-2} + 2 )); else echo 1; fi
}
odoo_db_maxconn() {
    if [[ -n "${DB_MAXCONN:-}" ]]; then echo "$DB_MAXCONN"
    elif [[ -n "${WORKERS:-}" ]]; then echo 8
    else echo 64; fi
}

ram_mb() { awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo; }
clamp() { local v=$1 lo=$2 hi=$3; (( v < lo )) && v=$lo; (( v > hi )) && v=$hi; echo "$v"; }

# Odoo's command-line options for the chosen mode (one per line).
odoo_scale_args() {
    local maxconn; maxconn="$(odoo_db_maxconn)"
    echo "--db_maxconn=$maxconn"
    if [[ -n "${WORKERS:-}" ]]; then
        [[ "$WORKERS" =~ ^[1-9][0-9]*$ ]] || die "WORKERS=$WORKERS: expected a positive number of HTTP workers"
        # Memory: a worker of this add-on settles around 150-250 MB (README "Scaling out"); it is
        # recycled after the request that passes the soft limit, killed at the hard one. Time: a
        # request may take 10 min of CPU (the what-if preview of a million customers), a cron
        # job 1 h per run (its batches commit, so a killed run resumes).
        printf '%s\n' "--workers=$WORKERS" "--max-cron-threads=${CRON_WORKERS:-2}" \
            "--gevent-port=${GEVENT_PORT:-$(( PORT + 3 ))}" \
            "--limit-memory-soft=$(( ${LIMIT_MEMORY_SOFT_MB:-1024} * 1024 * 1024 ))" \
            "--limit-memory-hard=$(( ${LIMIT_MEMORY_HARD_MB:-1536} * 1024 * 1024 ))" \
            "--limit-time-cpu=600" "--limit-time-real=1200" "--limit-time-real-cron=3600" \
            "--limit-request=8192"
    fi
    if [[ "${REPLICA:-}" == 1 ]]; then
        replica_paths
        printf '%s\n' "--db_replica_host=$REPLICA_RUN" "--db_replica_port=$REPLICA_PORT"
    fi
}

# -------------------------------------------------- the embedded PostgreSQL, sized
# A file of its own included from postgresql.conf (and copied to the replica by pg_basebackup):
# the connections Odoo's pools may open, memory for the machine, WAL for a standby.
PG_SCALE_CONF="odoo_scale.conf"
pg_scale_conf() {
    local ram max_conn shared work
    ram="$(ram_mb)"
    max_conn=$(( $(odoo_processes) * $(odoo_db_maxconn) + 20 ))
    (( max_conn < 100 )) && max_conn=100
    # 25 % of the RAM is PostgreSQL's usual advice for a server of its own; Odoo's workers share
    # this one, so at most 2 GB.
    shared="${PG_SHARED_BUFFERS_MB:-$(clamp $(( ram / 4 )) 128 2048)}"
    # A quarter of the RAM shared by every connection sorting at once.
    work="${PG_WORK_MEM_MB:-$(clamp $(( ram / 4 / max_conn )) 4 64)}"
    cat <<EOF
# Written by scripts/scale.sh (make run): ${WORKERS:-threaded} workers, $(odoo_processes) Odoo processes
# x db_maxconn $(odoo_db_maxconn) + 20 spare; RAM ${ram} MB.
max_connections = $max_conn
shared_buffers = ${shared}MB
work_mem = ${work}MB
maintenance_work_mem = $(clamp $(( ram / 16 )) 64 1024)MB
effective_cache_size = $(( ram / 2 ))MB
wal_level = replica
max_wal_senders = 5
wal_keep_size = 1024MB
hot_standby = on
EOF
}

# Write the file; restart the cluster when a setting that needs it changed (only when no Odoo of
# this clone runs: run.sh calls this before starting one).
ensure_pg_scaled() {
    pg_paths
    local conf="$PG_DATA/postgresql.conf" file="$PG_DATA/$PG_SCALE_CONF" new
    grep -q "^include_if_exists = '$PG_SCALE_CONF'" "$conf" \
        || printf "\n# --- added by scripts/scale.sh\ninclude_if_exists = '%s'\n" "$PG_SCALE_CONF" >> "$conf"
    new="$(pg_scale_conf)"
    if [[ -f "$file" ]] && diff -q <(grep -v '^#' "$file") <(grep -v '^#' <<<"$new") >/dev/null; then return 0; fi
    printf '%s\n' "$new" > "$file"
    if is_root; then chown postgres:postgres "$file"; fi
    if as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        info "PostgreSQL settings changed ($PG_SCALE_CONF): restarting the embedded PostgreSQL"
        stop_pg
    fi
}

# ------------------------------------------------------------------ the replica
replica_paths() {
    pg_paths
    REPLICA_DIR="${REPLICA_DIR:-$PG_DIR-replica}"
    REPLICA_DATA="$REPLICA_DIR/data"
    REPLICA_RUN="$REPLICA_DIR/run"
    REPLICA_LOG="$REPLICA_DIR/postgresql.log"
    REPLICA_PORT="${REPLICA_PORT:-5433}"
}

replica_running() {
    replica_paths
    [[ -f "$REPLICA_DATA/PG_VERSION" ]] && as_pg_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" status >/dev/null 2>&1
}

# A fresh base backup of the running primary, made a standby (-R: standby.signal and
# primary_conninfo over the primary's unix socket; pg_hba's "local replication" trust line of
# initdb lets it in), on its own socket folder and port.
make_replica() {
    replica_paths
    command -v "$PG_BIN/pg_basebackup" >/dev/null || die "pg_basebackup not found in $PG_BIN"
    info "making the replica: pg_basebackup of the embedded PostgreSQL into $REPLICA_DATA"
    rm -rf "$REPLICA_DATA"
    mkdir -p "$REPLICA_DIR" "$REPLICA_RUN"
    if is_root; then chown -R postgres:postgres "$REPLICA_DIR"; fi
    as_pg_owner "$PG_BIN/pg_basebackup" -h "$PG_RUN" -p "$PG_PORT" -U odoo -D "$REPLICA_DATA" \
        -R -X stream -c fast >/dev/null || die "pg_basebackup failed"
    # Later lines win: the primary's socket folder and port are replaced by the replica's own.
    as_pg_owner tee -a "$REPLICA_DATA/postgresql.conf" >/dev/null <<EOF

# --- added by scripts/scale.sh (the streaming replica)
unix_socket_directories = '$REPLICA_RUN'
port = $REPLICA_PORT
EOF
}

# Start the standby (made on first use, or again with REPLICA_RESET=1 or when it cannot follow
# the primary any more) and wait until it streams.
ensure_replica_running() {
    replica_paths
    if replica_running; then return 0; fi
    if [[ "${REPLICA_RESET:-}" == 1 || ! -f "$REPLICA_DATA/PG_VERSION" ]]; then make_replica; fi
    mkdir -p "$REPLICA_RUN"
    if is_root; then chown postgres:postgres "$REPLICA_RUN"; fi
    info "starting the replica ($REPLICA_DIR, port $REPLICA_PORT)"
    if ! as_pg_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -l "$REPLICA_LOG" -w -t 60 start >/dev/null \
        || ! wait_replica_streaming; then
        warn "the replica did not start or stream (log: $REPLICA_LOG): making it again"
        stop_replica
        make_replica
        as_pg_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -l "$REPLICA_LOG" -w -t 60 start >/dev/null \
            || { tail -n 20 "$REPLICA_LOG" >&2; die "the replica did not start (log: $REPLICA_LOG)"; }
        wait_replica_streaming || die "the replica does not stream from the primary (log: $REPLICA_LOG)"
    fi
}

# The primary lists the standby as streaming within 30 s.
wait_replica_streaming() {
    local i state
    for ((i = 0; i < 60; i++)); do
        state="$(as_pg_owner "$PG_BIN/psql" -h "$PG_RUN" -p "$PG_PORT" -U odoo -d postgres -Atc \
            "SELECT state FROM pg_stat_replication LIMIT 1" 2>/dev/null || true)"
        [[ "$state" == streaming ]] && return 0
        sleep 0.5
    done
    return 1
}

stop_replica() {
    replica_paths
    stop_cluster "$REPLICA_DATA" "the replica"
}
