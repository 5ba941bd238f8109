#!/usr/bin/env bash
# make bench: run every bench/*.py in an Odoo shell on the database `bank_bench`
# (the add-on without demo data, created on first use; never the demo database).
# Each script runs with `env` (an Odoo Environment) in its globals, like
# `odoo shell`, and prints its own timings.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

shopt -s nullglob
scripts=("$ROOT"/bench/*.py)
# BENCH_ONLY="planning handover": only these bench/*.py scripts (names without .py).
if [[ -n "${BENCH_ONLY:-}" ]]; then
    scripts=()
    for name in $BENCH_ONLY; do scripts+=("$ROOT/bench/$name.py"); done
fi
if [[ ${#scripts[@]} -eq 0 ]]; then
    info "nothing to run: bench/ has no *.py scripts"
    exit 0
fi

setup_all
started=""
if ! use_external_pg; then started="$(ensure_pg_running)"; fi
dbtool wait || die "cannot connect to PostgreSQL (see $ODOO_CONF)"
BENCH_DB="${BENCH_DB:-bank_bench}"
if [[ "$(dbtool module-state "$BENCH_DB" "$ADDON_NAME")" != installed ]]; then
    info "creating database $BENCH_DB with $ADDON_NAME (no demo data)"
    dbtool drop "$BENCH_DB" 2>/dev/null || true
    odoo_cmd -c "$ODOO_CONF" -d "$BENCH_DB" -i "$ADDON_NAME" --stop-after-init --no-http \
        >"$LOG_DIR/install-$BENCH_DB.log" 2>&1 || die "creating $BENCH_DB failed (log: $LOG_DIR/install-$BENCH_DB.log)"
else
    odoo_cmd -c "$ODOO_CONF" -d "$BENCH_DB" -u "$ADDON_NAME" --stop-after-init --no-http \
        >"$LOG_DIR/update-$BENCH_DB.log" 2>&1 || die "updating $BENCH_DB failed (log: $LOG_DIR/update-$BENCH_DB.log)"
fi
for s in "${scripts[@]}"; do
    info "bench: ${s#"$ROOT"/}"
    # (from a copy: the shell reads its script while running, so editing it then is harmless)
    copy="$(mktemp)"; cp "$s" "$copy"
    odoo_cmd shell -c "$ODOO_CONF" -d "$BENCH_DB" --no-http --log-level=warn < "$copy"
    rm -f "$copy"
done
# Leave PostgreSQL as we found it.
if [[ -n "$started" ]] && ! odoo_running; then stop_pg; fi
