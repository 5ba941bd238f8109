#!/usr/bin/env bash
# make test: set-up, linters, then a throw-away database in which the add-on
# is installed with its demo data (the install log must be clean), then the
# add-on's tests through pytest-odoo. The database is dropped at the end.
#
# Variables (all optional):
#   SKIP_LINT=1        skip the linters (make test-fast)
#   TESTS="tests/test_x.py tests/test_y.py"   test paths relative to the repo root
#   GUEST_TESTS="crm contacts"  Odoo add-ons whose own tests run too (default; "" for none)
#   PYTEST_ARGS="-k partner -x"               extra pytest arguments, split like a shell command
#                      line (quotes group: -k "a and b"), never evaluated
#   TEST_DATE=2028-02-29  run PostgreSQL, the install, pytest and Chromium on a clock shifted to
#                      that (UTC) date, through libfaketime (see use_test_date in scripts/lib.sh)
#   KEEP_DB=1          keep the throw-away database (its name is printed)
#   LOAD_LANG=xx_YY    extra languages loaded at install (none by default: the demo data
#                      activates zh_CN without making it the default language)
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ALLOWLIST="$ROOT/scripts/install_log_allowlist.txt"
LOAD_LANG="${LOAD_LANG-}"

DB=""
PG_STARTED=""
cleanup() {
    local rc=$?
    if [[ -n "$DB" ]]; then
        if [[ "${KEEP_DB:-}" == 1 ]]; then
            info "keeping database $DB (drop it with: make drop-db DB=$DB)"
        else
            dbtool drop "$DB" || warn "could not drop database $DB"
        fi
    fi
    # Leave PostgreSQL as we found it (make run may be using it).
    if [[ -n "$PG_STARTED" && "${KEEP_DB:-}" != 1 ]] && ! odoo_running; then stop_pg; fi
    exit "$rc"
}

main() {
    setup_all
    if [[ "${SKIP_LINT:-}" != 1 ]]; then
        "$ROOT/scripts/lint.sh"
    fi

    trap cleanup EXIT
    # TEST_DATE=YYYY-MM-DD: from here on (not the downloads above), every process runs on a clock
    # shifted to that date (scripts/lib.sh); an external server keeps its own clock.
    if [[ -n "${TEST_DATE:-}" ]] && use_external_pg; then
        die "TEST_DATE needs the embedded PostgreSQL: the server's now() must be shifted too"
    fi
    use_test_date
    if ! use_external_pg; then PG_STARTED="$(ensure_pg_running)"; fi
    dbtool wait || die "cannot connect to PostgreSQL (see $ODOO_CONF)"

    DB="bank_test_$(date +%Y%m%d_%H%M%S)_$$"
    install_addon
    check_install_log
    run_pytest
}

install_addon() {
    local log="$LOG_DIR/install-$DB.log" lang=()
    [[ -n "$LOAD_LANG" ]] && lang=(--load-language="$LOAD_LANG")
    info "installing $ADDON_NAME with demo data into $DB (log: ${log#"$ROOT"/})"
    local start=$SECONDS
    if ! odoo_cmd -c "$ODOO_CONF" -d "$DB" -i "$ADDON_NAME" --with-demo "${lang[@]}" \
            --stop-after-init --no-http >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        die "installing $ADDON_NAME failed (full log: $log)"
    fi
    INSTALL_LOG="$log"
    info "installed in $((SECONDS - start)) s"
}

# Odoo 19 reports many add-on mistakes only as log warnings.
check_install_log() {
    info "checking the install log for WARNING/ERROR/CRITICAL lines"
    "$PY" "$ROOT/scripts/check_install_log.py" "$INSTALL_LOG" "$ALLOWLIST" \
        || die "the install log is not clean (see above)"
}

run_pytest() {
    # Through the .odoo/addons/<name> symlink: pytest-odoo names the module
    # after that folder, so test ids read odoo.addons.bank_relationship_manager.
    local paths=() p
    if [[ -n "${TESTS:-}" ]]; then
        for p in $TESTS; do paths+=("$ADDON_LINK/${p#./}"); done
    else
        paths=("$ADDON_LINK/tests")
        # A good guest: Odoo's own tests of the add-ons we extend must still pass with
        # ours installed (GUEST_TESTS="" skips them).
        for p in ${GUEST_TESTS-crm contacts}; do paths+=("$ODOO_PYTHONPATH/odoo/addons/$p/tests"); done
        # Fails identically on a database with crm, contacts and their demo data but without
        # this add-on (554 queries > 552): the demo data, not the guest, costs the 2 queries.
        # (A -k of PYTEST_ARGS, coming later on the command line, replaces this one.)
        # Odoo's racy tours run on their own afterwards, with retries (run_racy_guest_tours).
        local racy="" t
        for t in "${RACY_GUEST_TOURS[@]}"; do
            if guest_enabled "${t%%/*}"; then racy+=" or ${t##*::}"; fi
        done
        paths+=(-k "not (TestLeadAssignPerf and test_assign_perf_no_duplicates)${racy:+ and not (${racy# or })}")
    fi
    local out="$LOG_DIR/pytest-$DB.log"
    info "running the tests (pytest-odoo, database $DB)"
    # --odoo-http starts Odoo's HTTP server for HttpCase/browser tests;
    # pytest-odoo binds it to a free port of its own choosing, so a `make run`
    # on 8069 (here or in another clone) does not collide.
    # PYTEST_ARGS is split like a shell command line (quotes group words: -k "a and b"), by
    # Python's shlex and never eval'ed: $(...), ; or globs in it stay plain text.
    local extra=()
    split_args "${PYTEST_ARGS:-}" extra
    set +e
    pytest_on_db -rs "${paths[@]}" "${extra[@]}" 2>&1 | tee "$out"
    local rc=${PIPESTATUS[0]}
    set -e
    if [[ $rc -eq 5 ]]; then die "pytest collected no tests"; fi
    if [[ $rc -ne 0 ]]; then die "tests failed (pytest exit code $rc; output: $out)"; fi
    # Odoo turns a Chromium that does not start into a *skip*; that must not pass.
    # (Also "…/chromium not found": Odoo says so whenever starting it raises OSError.)
    if grep -E '^SKIPPED .*(Chrom|chrom|--odoo-http)' "$out" >/dev/null; then
        die "browser tests were skipped (Chromium not usable?): see the SKIPPED lines above"
    fi
    if [[ -z "${TESTS:-}" ]]; then run_racy_guest_tours; fi
}

# pytest_on_db ARGS...: pytest-odoo on the test database $DB.
pytest_on_db() {
    (cd "$ADDONS_LINK_DIR" && PYTHONPATH="$ODOO_PYTHONPATH" "$VENV/bin/pytest" \
        --odoo-config="$ODOO_CONF" --odoo-database="$DB" --odoo-http \
        -p no:cacheprovider --rootdir="$ADDONS_LINK_DIR" \
        -W "ignore:'crypt' is deprecated:DeprecationWarning" "$@")
}

# Odoo 19's own tours that race with the page they test, on a database without this add-on too
# (docs/testing.md, "Odoo's racy tours"): add-on/tests/file.py::Class::method.
RACY_GUEST_TOURS=("crm/tests/test_crm_ui.py::TestUi::test_03_crm_tour_forecast")
RACY_TOUR_ATTEMPTS=3

guest_enabled() {
    local g
    for g in ${GUEST_TESTS-crm contacts}; do [[ "$g" == "$1" ]] && return 0; done
    return 1
}

# Each racy tour must pass once in RACY_TOUR_ATTEMPTS runs; every failed attempt is reported.
run_racy_guest_tours() {
    local t attempt rc out
    for t in "${RACY_GUEST_TOURS[@]}"; do
        guest_enabled "${t%%/*}" || continue
        for ((attempt = 1; attempt <= RACY_TOUR_ATTEMPTS; attempt++)); do
            out="$LOG_DIR/pytest-$DB-racy-$attempt.log"
            info "Odoo's racy tour ${t##*::}, attempt $attempt of $RACY_TOUR_ATTEMPTS"
            set +e
            pytest_on_db -q "$ODOO_PYTHONPATH/odoo/addons/$t" >"$out" 2>&1
            rc=$?
            set -e
            if [[ $rc -eq 0 ]]; then break; fi
            warn "attempt $attempt failed (pytest exit code $rc): $(grep -m1 -E 'FAILED: ' "$out" \
                || grep -m1 -iE 'error' "$out" || true)"
        done
        if [[ $rc -ne 0 ]]; then
            tail -n 40 "$out" >&2
            die "Odoo's tour ${t##*::} failed $RACY_TOUR_ATTEMPTS times (last output: $out)"
        fi
    done
}

# split_args STRING ARRAY_NAME: the words of STRING split as a POSIX shell would (quotes and
# backslashes), without expanding anything, into the array ARRAY_NAME.
split_args() {
    local -n _into="$2"
    _into=()
    [[ -n "$1" ]] || return 0
    local split_py='import shlex, sys; sys.stdout.write("".join(w + "\0" for w in shlex.split(sys.argv[1])))'
    "$PY" -c "$split_py" "$1" >/dev/null 2>&1 || die "cannot split PYTEST_ARGS (unbalanced quotes?): $1"
    mapfile -d '' _into < <("$PY" -c "$split_py" "$1")
}

main "$@"
