#!/usr/bin/env bash
# make lint: ruff, pylint with pylint-odoo's checks, and the OCA checks for
# the manifest, XML, CSV and PO files. Runs every linter, then fails if any
# of them failed. Only the virtualenv is needed (no Odoo, no database).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_venv
mkdir -p "$ODOO_DIR"
ensure_addon_link
cd "$ROOT"

failed=()
run_linter() {
    local name="$1"; shift
    info "lint: $name"
    if ! "$@"; then failed+=("$name"); fi
}

# Python style and bugs (config: ruff.toml; .odoo/ and .venv/ excluded there).
run_linter ruff "$VENV/bin/ruff" check --no-cache .

# pylint-odoo (config: .pylintrc). Linted by module name from .odoo/addons
# (pylint resolves a symlinked path to the clone's real folder name), so the
# module is bank_relationship_manager whatever the clone is called.
run_linter pylint-odoo bash -c 'cd "$1" && "$2" --rcfile="$3" "$4"' _ \
    "$ADDONS_LINK_DIR" "$VENV/bin/pylint" "$ROOT/.pylintrc" "$ADDON_NAME"

# OCA checks for manifest/XML/CSV (config: .oca_hooks.cfg, read from the cwd).
run_linter oca-checks-odoo-module "$VENV/bin/oca-checks-odoo-module" "$ROOT/__manifest__.py"

# OCA checks for translation files.
shopt -s nullglob
po_files=(i18n/*.po i18n/*.pot)
if [[ ${#po_files[@]} -gt 0 ]]; then
    run_linter oca-checks-po "$VENV/bin/oca-checks-po" "${po_files[@]}"
fi

if [[ ${#failed[@]} -gt 0 ]]; then
    die "lint failed: ${failed[*]}"
fi
info "lint: all clean"
