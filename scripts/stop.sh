#!/usr/bin/env bash
# make stop: stop the Odoo server started by `make run`, then the embedded
# PostgreSQL of this clone (a user's own server, PGHOST..., is never touched).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$(dirname "${BASH_SOURCE[0]}")/scale.sh"

stop_odoo() {
    if ! odoo_running; then
        rm -f "$ODOO_PIDFILE" "$ODOO_PORTFILE"
        return 0
    fi
    local pid; pid="$(cat "$ODOO_PIDFILE")"
    info "stopping Odoo (pid $pid)"
    kill -TERM "$pid"
    local i
    for ((i = 0; i < 40; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        warn "Odoo did not stop within 20 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$ODOO_PIDFILE" "$ODOO_PORTFILE"
}

stop_odoo
if ! use_external_pg; then stop_replica; stop_pg; fi
