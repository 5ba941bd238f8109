#!/usr/bin/env bash
# make bench: run every bench/*.py in an Odoo shell on a database holding the
# add-on with demo data (the demo database of `make run`, created if needed).
# Each script runs with `env` (an Odoo Environment) in its globals, like
# `odoo shell`, and prints its own timings.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

shopt -s nullglob
scripts=("$ROOT"/bench/*.py)
if [[ ${#scripts[@]} -eq 0 ]]; then
    info "nothing to run: bench/ has no *.py scripts"
    exit 0
fi

setup_all
started=""
if ! use_external_pg; then started="$(ensure_pg_running)"; fi
dbtool wait || die "cannot connect to PostgreSQL (see $ODOO_CONF)"
if [[ "$(dbtool module-state "$DEMO_DB" "$ADDON_NAME")" != installed ]]; then
    die "database $DEMO_DB with $ADDON_NAME is missing: run 'make run' once (then 'make stop' if you like)"
fi
for s in "${scripts[@]}"; do
    info "bench: ${s#"$ROOT"/}"
    odoo_cmd shell -c "$ODOO_CONF" -d "$DEMO_DB" --no-http --log-level=warn < "$s"
done
# Leave PostgreSQL as we found it.
if [[ -n "$started" ]] && ! odoo_running; then stop_pg; fi
