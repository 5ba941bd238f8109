#!/usr/bin/env bash
# make bench: run every bench/*.py in an Odoo shell, each on its own database
# `bank_bench_<script>` (the add-on without demo data, created on first use; never the demo
# database).
# Each script runs with `env` (an Odoo Environment) in its globals, like
# `odoo shell`, and prints its own timings.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$(dirname "${BASH_SOURCE[0]}")/scale.sh"

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
# The embedded PostgreSQL sized for the machine as `make run` sizes it (scripts/scale.sh): the
# scale bench's 60 M balance rows are not measured on PostgreSQL's 128 MB of shared buffers.
if ! use_external_pg && ! odoo_running; then ensure_pg_scaled; fi
if ! use_external_pg; then started="$(ensure_pg_running)"; fi
dbtool wait || die "cannot connect to PostgreSQL (see $ODOO_CONF)"
# Each script owns its database, bank_bench_<script> (BENCH_DB=x: x_<script>), so that no script
# mistakes another's generated data for its own (bench/planning.py's 100,000 customers once made
# bench/tiers.py skip its generation and loop without accounts).
BENCH_DB_PREFIX="${BENCH_DB:-bank_bench}"
ensure_bench_db() {
    local db="$1"
    if [[ "$(dbtool module-state "$db" "$ADDON_NAME")" != installed ]]; then
        info "creating database $db with $ADDON_NAME (no demo data)"
        dbtool drop "$db" 2>/dev/null || true
        odoo_cmd -c "$ODOO_CONF" -d "$db" -i "$ADDON_NAME" --stop-after-init --no-http \
            >"$LOG_DIR/install-$db.log" 2>&1 || die "creating $db failed (log: $LOG_DIR/install-$db.log)"
    else
        odoo_cmd -c "$ODOO_CONF" -d "$db" -u "$ADDON_NAME" --stop-after-init --no-http \
            >"$LOG_DIR/update-$db.log" 2>&1 || die "updating $db failed (log: $LOG_DIR/update-$db.log)"
    fi
}
for s in "${scripts[@]}"; do
    [[ -f "$s" ]] || die "no such bench script: ${s#"$ROOT"/}"
    name="$(basename "$s" .py)"
    db="${BENCH_DB_PREFIX}_${name}"
    ensure_bench_db "$db"
    info "bench: ${s#"$ROOT"/} (database $db)"
    # (from a copy: the shell reads its script while running, so editing it then is harmless)
    copy="$(mktemp)"; cp "$s" "$copy"
    odoo_cmd shell -c "$ODOO_CONF" -d "$db" --no-http --log-level=warn < "$copy" \
        || { rm -f "$copy"; die "bench ${s#"$ROOT"/} failed"; }
    rm -f "$copy"
done
# Leave PostgreSQL as we found it.
if [[ -n "$started" ]] && ! odoo_running; then stop_pg; fi
