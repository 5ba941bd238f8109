#!/usr/bin/env bash
# make drop-db DB=name: drop a database (e.g. one kept by `make test KEEP_DB=1`)
# and its filestore. Leaves PostgreSQL running only if it already was.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

db="${1:-${DB:-}}"
[[ -n "$db" ]] || die "usage: make drop-db DB=<name>"
[[ "$db" != "$DEMO_DB" || "${FORCE:-}" == 1 ]] \
    || die "refusing to drop the demo database $DEMO_DB without FORCE=1 (or use: make run RESET=1)"
setup_all
started=""
if ! use_external_pg; then started="$(ensure_pg_running)"; fi
dbtool wait || die "cannot connect to PostgreSQL (see $ODOO_CONF)"
dbtool drop "$db"
info "dropped $db"
if [[ -n "$started" ]] && ! odoo_running; then stop_pg; fi
