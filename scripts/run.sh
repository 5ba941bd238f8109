#!/usr/bin/env bash
# make run: set-up, create the demo database on first use, serve Odoo in the
# background on http://127.0.0.1:$PORT and wait until /web/login answers.
#
# Variables (all optional):
#   PORT=8069      HTTP port
#   UPDATE=1       update the add-on in the demo database (-u) before serving
#   RESET=1        drop and recreate the demo database
#   LOAD_LANG=xx_YY  extra languages loaded when the demo database is created. None by
#                  default: the demo data activates zh_CN for the bank staff itself, while
#                  --load-language would also make it the default language (admin included).
#   WORKERS=4      multi-process mode (CRON_WORKERS, GEVENT_PORT, DB_MAXCONN: scripts/scale.sh)
#   REPLICA=1      also a streaming read replica of the embedded PostgreSQL (scripts/scale.sh)
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$(dirname "${BASH_SOURCE[0]}")/scale.sh"

PORT="${PORT:-8069}"
LOAD_LANG="${LOAD_LANG-}"
SERVER_LOG="$LOG_DIR/odoo.log"
DEMO_STAMP="$STAMPS/$DEMO_DB.addon"
URL="http://127.0.0.1:$PORT"

main() {
    setup_all
    odoo_scale_args >/dev/null   # refuses a bad WORKERS before anything starts
    if odoo_running; then
        local running_port; running_port="$(cat "$ODOO_PORTFILE" 2>/dev/null || echo "$PORT")"
        if [[ "${UPDATE:-}${RESET:-}" != "" ]]; then
            die "Odoo is already running (pid $(cat "$ODOO_PIDFILE")): run 'make stop' first"
        fi
        info "Odoo is already running (pid $(cat "$ODOO_PIDFILE"))"
        URL="http://127.0.0.1:$running_port"
        print_access
        return 0
    fi
    check_port_free
    if [[ "${REPLICA:-}" == 1 ]] && use_external_pg; then
        die "REPLICA=1 starts a replica of the embedded PostgreSQL; with your own server (PGHOST...), give Odoo
       your replica with PGHOST_REPLICA/PGPORT_REPLICA instead"
    fi
    if ! use_external_pg; then ensure_pg_scaled; ensure_pg_running >/dev/null; fi
    dbtool wait || die "cannot connect to PostgreSQL (see $ODOO_CONF)"
    ensure_demo_db
    if [[ "${REPLICA:-}" == 1 ]]; then ensure_replica_running; fi
    check_port_free   # again: the database creation may have taken a while
    start_odoo
    wait_until_serving
    print_access
}

ensure_demo_db() {
    local state
    state="$(dbtool module-state "$DEMO_DB" "$ADDON_NAME")"
    if [[ "${RESET:-}" == 1 ]] || { [[ "$state" != installed ]] && dbtool exists "$DEMO_DB"; }; then
        # A database whose creation was interrupted is not worth repairing.
        info "dropping database $DEMO_DB${RESET:+ (RESET=1)}"
        dbtool drop "$DEMO_DB"
        state=""
    fi
    local log="$LOG_DIR/install-$DEMO_DB.log" lang=()
    [[ "$state" == installed ]] && log="$LOG_DIR/update-$DEMO_DB.log"
    [[ -n "$LOAD_LANG" ]] && lang=(--load-language="$LOAD_LANG")
    if [[ "$state" != installed ]]; then
        info "creating database $DEMO_DB with $ADDON_NAME, demo data (Simplified Chinese for the bank staff)${LOAD_LANG:+ and $LOAD_LANG} (log: ${log#"$ROOT"/})"
        odoo_cmd -c "$ODOO_CONF" -d "$DEMO_DB" -i "$ADDON_NAME" --with-demo "${lang[@]}" \
            --stop-after-init --no-http >"$log" 2>&1 \
            || { tail -n 60 "$log" >&2; dbtool drop "$DEMO_DB"; die "creating $DEMO_DB failed (log: $log)"; }
    elif [[ "${UPDATE:-}" == 1 ]] || ! cmp -s <(addon_fingerprint) "$DEMO_STAMP"; then
        # The add-on's files changed since the database was last built or updated: a server
        # started on the old schema would only answer errors. (Demo data added since is not
        # loaded by an update: RESET=1 rebuilds the demo database.)
        info "updating $ADDON_NAME in $DEMO_DB (log: ${log#"$ROOT"/}; RESET=1 rebuilds it with fresh demo data)"
        odoo_cmd -c "$ODOO_CONF" -d "$DEMO_DB" -u "$ADDON_NAME" --stop-after-init --no-http >"$log" 2>&1 \
            || { tail -n 60 "$log" >&2; die "updating $ADDON_NAME failed (log: $log)"; }
    fi
    mkdir -p "$STAMPS"
    addon_fingerprint >"$DEMO_STAMP"
}

# A digest of the add-on's own files (what Odoo loads), to notice when they changed.
addon_fingerprint() {
    (cd "$ROOT" && find . -path ./.git -prune -o -path ./.odoo -prune -o -path ./.venv -prune \
        -o -path ./scripts -prune -o -path ./bench -prune -o -type f \
        \( -name '*.py' -o -name '*.xml' -o -name '*.csv' -o -name '*.po' -o -name '*.js' \) -print0 \
        | sort -z | xargs -0 sha1sum) | sha1sum
}

check_port_free() {
    if port_in_use "$PORT"; then
        die "port $PORT is already in use (another Odoo, maybe another clone's 'make run'?): try 'make run PORT=8070'"
    fi
    local gevent="${GEVENT_PORT:-$(( PORT + 3 ))}"
    if [[ -n "${WORKERS:-}" ]] && port_in_use "$gevent"; then
        die "port $gevent (the gevent worker of WORKERS mode) is already in use: set GEVENT_PORT or PORT"
    fi
}

start_odoo() {
    local scale=()
    mapfile -t scale < <(odoo_scale_args)
    info "starting Odoo on $URL${WORKERS:+ with $WORKERS workers and ${CRON_WORKERS:-2} cron workers}${REPLICA:+ and the read replica} (log: ${SERVER_LOG#"$ROOT"/})"
    # setsid: the server outlives this script and the terminal's Ctrl-C.
    PYTHONPATH="$ODOO_PYTHONPATH" setsid "$PY" "$ODOO_LAUNCHER" -c "$ODOO_CONF" -d "$DEMO_DB" \
        -p "$PORT" --logfile="$SERVER_LOG" "${scale[@]}" \
        </dev/null >>"$LOG_DIR/odoo.stdout" 2>&1 &
    echo $! > "$ODOO_PIDFILE"
    echo "$PORT" > "$ODOO_PORTFILE"
}

wait_until_serving() {
    local pid; pid="$(cat "$ODOO_PIDFILE")"
    local deadline=$((SECONDS + 180)) status
    while (( SECONDS < deadline )); do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$ODOO_PIDFILE"
            tail -n 40 "$SERVER_LOG" "$LOG_DIR/odoo.stdout" >&2 || true
            die "Odoo exited during start-up (log: $SERVER_LOG)"
        fi
        status="$(http_status "$URL/web/login")"
        if [[ "$status" == 200 ]]; then return 0; fi
        sleep 0.5
    done
    die "Odoo did not answer 200 on $URL/web/login within 180 s (last status $status, log: $SERVER_LOG)"
}

print_access() {
    echo
    echo "Odoo is serving $URL  (database $DEMO_DB; stop it with: make stop)"
    echo "Logs: .odoo/log/odoo.log"
    if [[ -f "$ROOT/demo/LOGINS.txt" ]]; then
        echo "Demo logins (login / password):"
        sed 's/^/  /' "$ROOT/demo/LOGINS.txt"
    else
        echo "Login: admin / admin"
    fi
}

main "$@"
