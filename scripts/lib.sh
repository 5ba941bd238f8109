# shellcheck shell=bash
# Shared settings and helpers for the set-up/run/test scripts.
# Sourced, never executed. Everything the scripts create lives inside the
# project (.odoo/, .venv/) so that two clones on one machine never collide;
# only Debian system packages are shared.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADDON_NAME="bank_relationship_manager"

ODOO_DIR="$ROOT/.odoo"            # every generated/downloaded thing (git-ignored)
VENV="$ROOT/.venv"
STAMPS="$ODOO_DIR/stamps"
LOG_DIR="$ODOO_DIR/log"
ODOO_ROOT="$ODOO_DIR/root"        # Debian packages unpacked with dpkg-deb -x
ODOO_PYTHONPATH="$ODOO_ROOT/usr/lib/python3/dist-packages"
ODOO_PKG="$ODOO_PYTHONPATH/odoo"
ADDONS_LINK_DIR="$ODOO_DIR/addons"   # holds <ADDON_NAME>/: symlinks to the repo entries
ADDON_LINK="$ADDONS_LINK_DIR/$ADDON_NAME"
ODOO_CONF="$ODOO_DIR/odoo.conf"
ODOO_PIDFILE="$ODOO_DIR/odoo.pid"
ODOO_PORTFILE="$ODOO_DIR/odoo.port"
DEMO_DB="${DEMO_DB:-bank_demo}"

# Debian packages unpacked into .odoo/root: Odoo itself from sid, plus the
# packages providing the files that Odoo's dfsg repack replaced by symlinks
# into usr/share (see docs/runtime.md item 2). All pinned to versions whose files match
# those symlinks: sid moves on (its fonts-inconsolata 3.x dropped
# truetype/inconsolata/Inconsolata.otf, its Font Awesome 7 the version 4
# files), so those two come from bookworm. A pin that has left the archive
# falls back to the newest version, with a warning; the symlink check after
# unpacking tells whether that still fits.
ODOO_DEBS=(
    odoo-19=19.0.0+dfsg-1
    libjs-jquery=3.7.1+dfsg+~3.5.33-1
    libjs-jquery-form=12-4
    libjs-underscore=1.13.8~dfsg+~1.13.0-1
    fonts-roboto-unhinted=2:3.016-1
    fonts-montserrat=9.000-6
    fonts-ocr-b=0.3.1~dfsg-2
    fonts-inconsolata=001.010-6                      # bookworm
    fonts-font-awesome=5.0.10+really4.7.0~dfsg-4.1   # bookworm
)

# The file Debian removed from Odoo (Files-Excluded), taken from npm instead.
SELFIE_NPM="@mediapipe/selfie_segmentation@0.1.1675465747"
SELFIE_REL="addons/mail/static/lib/selfie_segmentation/selfie_segmentation.js"

PY="$VENV/bin/python"

# ---------------------------------------------------------------- messages
_c() { if [[ -t 2 ]]; then printf '\033[%sm' "$1"; fi; }
info() { printf '%s==>%s %s\n' "$(_c '1;34')" "$(_c 0)" "$*" >&2; }
warn() { printf '%sWARNING:%s %s\n' "$(_c '1;33')" "$(_c 0)" "$*" >&2; }
die()  { printf '%sERROR:%s %s\n' "$(_c '1;31')" "$(_c 0)" "$*" >&2; exit 1; }

is_root() { [[ "$(id -u)" == 0 ]]; }

# ------------------------------------------------------------- PostgreSQL
# Embedded cluster unless the user points us at a server of their own with
# the usual libpq variables.
use_external_pg() { [[ -n "${PGHOST:-}" || -n "${PGPORT:-}" ]]; }

# Newest installed PostgreSQL server binaries (Debian layout), or empty.
pg_bindir() {
    local d best=""
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] || continue
        if [[ -z "$best" ]] || (( "${d//[!0-9]/}" > "${best//[!0-9]/}" )); then best="$d"; fi
    done
    printf '%s' "$best"
}

# The embedded cluster normally lives in .odoo/pg. Two cases need a private
# folder under /tmp instead (named after a hash of the project path, so still
# one per clone): as root the server runs as the 'postgres' user, which cannot
# reach a project inside e.g. /root (mode 700); and a unix socket path longer
# than ~107 bytes is refused by the kernel.
PG_PORT=5432   # only names the socket file; no TCP listener, so no collision
pg_dir() {
    local d="$ODOO_DIR/pg"
    if (( ${#d} + 25 > 100 )) || { is_root && ! _postgres_can_reach "$ODOO_DIR"; }; then
        d="${TMPDIR:-/tmp}/odoo-pg-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
    fi
    printf '%s' "$d"
}
_postgres_can_reach() {
    # Can the postgres user traverse every directory down to $1?
    id postgres >/dev/null 2>&1 || return 0   # not installed yet: decided later
    runuser -u postgres -- test -x "$1" 2>/dev/null
}

# Run a PostgreSQL server binary as the right user (never as root).
as_pg_owner() {
    # (cd /: the postgres user may not be allowed into the current directory.)
    if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# -------------------------------------------------------------- TEST_DATE
# TEST_DATE=YYYY-MM-DD runs everything started afterwards (PostgreSQL, Odoo's install, pytest,
# Chromium) under libfaketime (Debian package faketime), the clock shifted by a whole number of
# days so that the UTC date reads TEST_DATE (the time of day is the real one, and runs on).
# Monotonic clocks are shifted alike (FAKETIME_DONT_FAKE_MONOTONIC=1 makes Python's time.sleep fail
# with EINVAL under libfaketime 0.9.10); file times stay real (NO_FAKE_STAT).
libfaketime_path() {
    local f
    for f in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
        [[ -f "$f" ]] && { printf '%s' "$f"; return 0; }
    done
    return 0
}

# The offset from today to TEST_DATE, e.g. +450d (empty without TEST_DATE).
test_date_offset() {
    [[ -n "${TEST_DATE:-}" ]] || return 0
    [[ "$TEST_DATE" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || die "TEST_DATE=$TEST_DATE: expected YYYY-MM-DD"
    local target today
    target="$(date -u -d "$TEST_DATE" +%s 2>/dev/null)" || die "TEST_DATE=$TEST_DATE is not a date"
    today="$(date -u -d "$(date -u +%F)" +%s)"
    printf '%+dd' $(( (target - today) / 86400 ))
}

# Export the shifted clock for every process started from now on (no-op without TEST_DATE).
use_test_date() {
    local offset lib
    offset="$(test_date_offset)"
    [[ -n "$offset" ]] || return 0
    lib="$(libfaketime_path)"
    [[ -n "$lib" ]] || die "TEST_DATE needs libfaketime (apt-get install faketime)"
    export FAKETIME="$offset" NO_FAKE_STAT=1
    export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
    info "TEST_DATE=$TEST_DATE: the clock is shifted by $FAKETIME (now $(date -u '+%F %T') UTC)"
    [[ "$(date -u +%F)" == "$TEST_DATE" ]] || die "libfaketime did not shift the clock to $TEST_DATE"
}

# --------------------------------------------------------------- Odoo
# Run Odoo with the project's virtualenv and the unpacked Debian package.
odoo_cmd() {
    PYTHONPATH="$ODOO_PYTHONPATH" "$PY" -m odoo "$@"
}

# Small DB helper (exists/drop/module-state) reading the connection from odoo.conf.
dbtool() {
    PYTHONPATH="$ODOO_PYTHONPATH" "$PY" "$ROOT/scripts/dbtool.py" "$ODOO_CONF" "$@"
}

odoo_running() {
    [[ -f "$ODOO_PIDFILE" ]] && kill -0 "$(cat "$ODOO_PIDFILE")" 2>/dev/null
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# HTTP status of a URL (000 when nothing answers), without needing curl.
http_status() {
    "$PY" - "$1" <<'EOF'
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=10).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")
EOF
}
