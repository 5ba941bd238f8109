#!/usr/bin/env bash
# Installs whatever is missing, idempotently: system packages, Odoo 19 (Debian
# sid package unpacked into .odoo/root), the virtualenv, the embedded
# PostgreSQL cluster and .odoo/odoo.conf. A second run downloads nothing.
#
# Usage: scripts/setup.sh            (also sourced by run.sh / test.sh)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ======================================================= system packages
# Installs the Debian packages we need but do not find. apt-get update runs
# only when something must actually be installed.
ensure_system_packages() {
    local missing=()
    if ! use_external_pg && [[ -z "$(pg_bindir)" ]]; then missing+=(postgresql); fi
    # The names Odoo's ChromeBrowser looks for (odoo/tests/common.py).
    if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null \
        && ! command -v google-chrome >/dev/null && ! command -v google-chrome-stable >/dev/null; then
        missing+=(chromium)
    fi
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
    # libfaketime: the whole test suite at another date (TEST_DATE=2028-02-29 make test).
    [[ -n "$(libfaketime_path)" ]] || missing+=(faketime)
    # A font with Chinese glyphs: the PDF reports (the handover list) print Chinese names.
    if ! fc-list :lang=zh 2>/dev/null | grep -q .; then missing+=(fonts-wqy-microhei); fi
    # npm only serves to fetch selfie_segmentation.js, once.
    if [[ ! -f "$ODOO_PKG/$SELFIE_REL" && ! -f "$(selfie_tarball)" ]] && ! command -v npm >/dev/null; then
        missing+=(npm)
    fi
    # dpkg-deb and apt-get are part of every Debian system.
    if [[ ${#missing[@]} -eq 0 ]]; then return 0; fi

    local sudo=()
    if ! is_root; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            die "missing system packages: ${missing[*]}
       Install them as root, then rerun:
           apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
        fi
    fi
    info "installing system packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# ======================================================= Odoo from Debian
# A project-local apt configuration: our own sources file, package lists and
# cache, so the system's apt sources and state stay untouched.
APT_DIR="$ODOO_DIR/apt"
DEBS_DIR="$ODOO_DIR/debs"
DEB_SET="$DEBS_DIR/SET"       # names of the .deb files making up the current set
DEB_SPECS="$DEBS_DIR/SPECS"   # the ODOO_DEBS list that set was fetched for

apt_local() {
    local cmd="$1"; shift
    local opts=(
        -o "Dir::Etc::sourcelist=$APT_DIR/sources.list"
        -o "Dir::Etc::sourceparts=-"
        -o "Dir::State=$APT_DIR/state"
        -o "Dir::State::Lists=$APT_DIR/lists"
        -o "Dir::State::status=$APT_DIR/status"
        -o "Dir::Cache=$APT_DIR/cache"
        -o "APT::Get::List-Cleanup=0"
    )
    # As root apt drops privileges to _apt for downloads, which cannot write
    # into our root-owned folders; stay root for these project-local fetches.
    if is_root; then opts+=(-o "APT::Sandbox::User=root"); fi
    "$cmd" "${opts[@]}" "$@"
}

# The Debian archive URI, read from the system's own apt configuration: the
# first 'deb' source serving this system's release itself (not -security,
# -updates...). DEBIAN_MIRROR overrides it.
debian_archive_uri() {
    if [[ -n "${DEBIAN_MIRROR:-}" ]]; then printf '%s' "$DEBIAN_MIRROR"; return; fi
    local codename
    codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
    [[ -n "$codename" ]] || die "cannot read VERSION_CODENAME from /etc/os-release"
    local f uri=""
    # deb822 format: blank-line separated stanzas with Types/URIs/Suites.
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" ]] || continue
        uri="$(awk -v cn="$codename" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " cn " ") && uris != "" && !done) {
                    split(uris, u, " "); print u[1]; done = 1
                }
                types = ""; uris = ""; suites = ""
            }
            /^[[:space:]]*#/ { next }
            /^[[:space:]]*$/ { flush(); next }
            tolower($1) == "types:"  { $1 = ""; types = $0 }
            tolower($1) == "uris:"   { $1 = ""; uris = $0; sub(/^ +/, "", uris) }
            tolower($1) == "suites:" { $1 = ""; suites = $0; sub(/^ +/, "", suites) }
            END { flush() }' "$f")"
        [[ -n "$uri" ]] && break
    done
    # One-line format: deb [options] URI suite components...
    if [[ -z "$uri" ]]; then
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [[ -f "$f" ]] || continue
            uri="$(sed -E 's/\[[^]]*\]//' "$f" | awk -v cn="$codename" \
                '$1 == "deb" && $3 == cn { print $2; exit }')"
            [[ -n "$uri" ]] && break
        done
    fi
    [[ -n "$uri" ]] || die "no Debian archive for '$codename' found in the apt configuration; set DEBIAN_MIRROR=<archive URI>"
    printf '%s' "${uri%/}"
}

write_apt_config() {
    local uri; uri="$(debian_archive_uri)"
    mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/state"
    : > "$APT_DIR/status"
    local opt="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]"
    printf 'deb %s %s sid main\ndeb %s %s bookworm main\n' "$opt" "$uri" "$opt" "$uri" \
        > "$APT_DIR/sources.list"
}

# Download the .deb set into .odoo/debs unless the recorded set is complete.
ensure_odoo_debs() {
    if [[ -f "$DEB_SET" ]] && _deb_set_complete \
        && [[ "$(cat "$DEB_SPECS" 2>/dev/null)" == "$(printf '%s\n' "${ODOO_DEBS[@]}")" ]]; then
        return 0
    fi
    info "fetching Odoo 19 and companion packages from Debian (project-local apt)"
    write_apt_config
    apt_local apt-get update -q >/dev/null
    local specs=() spec name version
    for spec in "${ODOO_DEBS[@]}"; do
        name="${spec%%=*}" version="${spec#*=}"
        if apt_local apt-cache madison "$name" | awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep -qxF "$version"; then
            specs+=("$spec")
        else
            local newest
            newest="$(apt_local apt-cache policy "$name" | awk '/Candidate:/ {print $2}')"
            [[ -n "$newest" && "$newest" != "(none)" ]] || die "package $name not found in Debian sid/bookworm"
            warn "$name $version is no longer in the archive; using the newest, $newest (untested)"
            specs+=("$name=$newest")
        fi
    done
    mkdir -p "$DEBS_DIR"
    local tmp; tmp="$(mktemp -d "$DEBS_DIR/.dl.XXXXXX")"
    (cd "$tmp" && apt_local apt-get download -q "${specs[@]}")
    (cd "$tmp" && ls -1 ./*.deb | sed 's|^\./||' | sort) > "$tmp/SET"
    mv -f "$tmp"/*.deb "$DEBS_DIR/"
    mv -f "$tmp/SET" "$DEB_SET"
    printf '%s\n' "${ODOO_DEBS[@]}" > "$DEB_SPECS"
    rmdir "$tmp"
}
_deb_set_complete() {
    local f
    while read -r f; do [[ -f "$DEBS_DIR/$f" ]] || return 1; done < "$DEB_SET"
}

# Unpack the set into .odoo/root (into a temporary folder first, so an
# interrupted unpack is never mistaken for a complete one).
ensure_odoo_unpacked() {
    local stamp="$STAMPS/unpacked"
    if [[ -f "$stamp" ]] && cmp -s "$stamp" "$DEB_SET" && [[ -d "$ODOO_PKG" ]]; then return 0; fi
    info "unpacking $(wc -l < "$DEB_SET") Debian packages into .odoo/root"
    local tmp="$ODOO_DIR/root.new" f
    rm -rf "$tmp" "$ODOO_DIR/root.old"
    mkdir -p "$tmp"
    while read -r f; do dpkg-deb -x "$DEBS_DIR/$f" "$tmp"; done < "$DEB_SET"
    [[ -d "$ODOO_ROOT" ]] && mv "$ODOO_ROOT" "$ODOO_DIR/root.old"
    mv "$tmp" "$ODOO_ROOT"
    rm -rf "$ODOO_DIR/root.old"
    mkdir -p "$STAMPS"
    cp "$DEB_SET" "$stamp"
}

# Debian replaced bundled fonts/JS by symlinks into usr/share; a dangling one
# makes every web page answer 500. Cheap enough to check on every run.
check_odoo_symlinks() {
    local broken
    broken="$(find "$ODOO_PKG" -xtype l -printf '  %P -> %l\n')"
    if [[ -n "$broken" ]]; then
        die "broken symlinks under $ODOO_PKG (a companion Debian package is missing):
$broken"
    fi
}

# ===================================================== selfie_segmentation
selfie_tarball() {
    printf '%s' "$ODOO_DIR/npm/mediapipe-selfie_segmentation-${SELFIE_NPM##*@}.tgz"
}
ensure_selfie_segmentation() {
    local target="$ODOO_PKG/$SELFIE_REL" tgz
    [[ -s "$target" ]] && return 0
    tgz="$(selfie_tarball)"
    if [[ ! -f "$tgz" ]]; then
        info "fetching $SELFIE_NPM from npm"
        mkdir -p "$ODOO_DIR/npm"
        # npm's configured registry; a project-local npm cache.
        (cd "$ODOO_DIR/npm" && npm pack --silent --cache "$ODOO_DIR/npm/cache" "$SELFIE_NPM" >/dev/null)
        [[ -f "$tgz" ]] || die "npm pack did not produce $tgz"
    fi
    mkdir -p "$(dirname "$target")"
    tar -xzf "$tgz" -O package/selfie_segmentation.js > "$target.tmp"
    mv "$target.tmp" "$target"
}

# ============================================================== virtualenv
# python3 from PATH (or $PYTHON), which Odoo 19 accepts: 3.10 to 3.13.
find_python() {
    local c
    for c in ${PYTHON:-} python3 python3.13 python3.12 python3.11 python3.10; do
        command -v "$c" >/dev/null 2>&1 || continue
        if "$c" -c 'import sys, venv, ensurepip; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 13)))' 2>/dev/null; then
            command -v "$c"; return 0
        fi
    done
    die "no python3 between 3.10 and 3.13 with venv/ensurepip on PATH (Debian: apt-get install python3-venv)"
}

# (Re)install the requirements only when requirements*.txt or the interpreter changed.
ensure_venv() {
    local stamp="$VENV/.requirements.sha256" py pyver want
    py="$(find_python)"
    pyver="$("$py" -c 'import sys; print(sys.version.split()[0])')"
    want="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" | sha256sum | cut -c1-64) python-$pyver"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && "$PY" -c '' 2>/dev/null; then
        return 0
    fi
    # A venv made by another interpreter (or a broken one) is rebuilt from scratch.
    if [[ -e "$VENV" && "$("$PY" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null)" != "$pyver" ]]; then
        rm -rf "$VENV"
    fi
    if [[ ! -x "$PY" ]]; then
        info "creating virtualenv .venv with $py ($pyver)"
        "$py" -m venv "$VENV"
    fi
    info "installing Python requirements into .venv"
    # (The grep hides pip's noise about unusable extra index folders that some
    # machines' pip.conf lists; real warnings and errors still show.)
    "$PY" -m pip install -q --disable-pip-version-check \
        -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt" \
        2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
    printf '%s' "$want" > "$stamp"
}

# ========================================================== PostgreSQL
# A private cluster: unix socket in its own folder, no TCP listener, so any
# number of clones can run side by side. Started on demand.
pg_paths() {
    PG_DIR="$(pg_dir)"
    PG_DATA="$PG_DIR/data"
    PG_RUN="$PG_DIR/run"
    PG_LOG="$PG_DIR/postgresql.log"
    PG_BIN="$(pg_bindir)"
}

ensure_pg_cluster() {
    pg_paths
    [[ -n "$PG_BIN" ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
    if [[ -f "$PG_DATA/PG_VERSION" ]]; then return 0; fi
    info "creating the embedded PostgreSQL cluster in $PG_DIR"
    if [[ "$PG_DIR" != "$ODOO_DIR/pg" ]]; then
        info "(not in .odoo/pg: the postgres user cannot reach the project folder, or its path is too long for a socket)"
    fi
    rm -rf "$PG_DATA"
    mkdir -p "$PG_DATA" "$PG_RUN"
    chmod 700 "$PG_DATA"
    if is_root; then chown -R postgres:postgres "$PG_DIR"; fi
    as_pg_owner "$PG_BIN/initdb" -D "$PG_DATA" -U odoo -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # Throw-away development cluster: durability traded for speed (database
    # creation and module installs commit a lot).
    cat >> "$PG_DATA/postgresql.conf" <<EOF

# --- added by scripts/setup.sh (project-local development cluster)
listen_addresses = ''
unix_socket_directories = '$PG_RUN'
port = $PG_PORT
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

# Starts the cluster unless it runs; prints "started" when this call started it.
# The cluster runs on the clock of the caller: one started under another TEST_DATE offset (or
# without, see use_test_date in lib.sh) is restarted, so that now() in SQL agrees with Python.
ensure_pg_running() {
    pg_paths
    local clock="$PG_DIR/faketime" was
    if as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        was="$(cat "$clock" 2>/dev/null || true)"
        if [[ "$was" == "${FAKETIME:-}" ]]; then return 0; fi
        info "restarting the embedded PostgreSQL on the clock ${FAKETIME:-of today} (it ran on ${was:-the real clock})"
        stop_pg
    fi
    mkdir -p "$PG_RUN"
    if is_root; then chown postgres:postgres "$PG_RUN"; fi
    info "starting the embedded PostgreSQL ($PG_DIR)"
    # (LD_PRELOAD and FAKETIME, when set, reach the server through the environment.)
    as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null \
        || { tail -n 20 "$PG_LOG" >&2 || true; die "PostgreSQL did not start (log: $PG_LOG)"; }
    printf '%s' "${FAKETIME:-}" > "$clock"
    echo started
}

stop_pg() {
    pg_paths
    stop_cluster "$PG_DATA" "the embedded PostgreSQL"
}

# stop_cluster DATA_DIR LABEL: stop the cluster of DATA_DIR if it runs (the replica too: scripts/scale.sh).
stop_cluster() {
    local data="$1" label="$2"
    [[ -n "$PG_BIN" && -f "$data/PG_VERSION" ]] || return 0
    if as_pg_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        info "stopping $label"
        as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
}

# ============================================================ odoo.conf
# Odoo and pytest-odoo name a module after its folder; whatever the clone is
# called, expose the add-on as .odoo/addons/bank_relationship_manager.
# That folder is a real directory of per-entry symlinks to the repository's
# top-level files and folders, NOT one symlink to the repository root: the
# root contains .odoo/ itself, and Odoo walks the addons path following
# symlinks (translation export, TranslationModuleReader), which would loop
# through .odoo/addons/<name>/.odoo/addons/<name>/... and crawl the 1 GB Odoo
# tree at every level. Dot entries (.odoo, .venv, .git...) are left out.
# Re-synced on every run, so new top-level folders appear automatically.
ensure_addon_link() {
    mkdir -p "$ADDONS_LINK_DIR"
    if [[ -L "$ADDON_LINK" ]]; then rm -f "$ADDON_LINK"; fi   # older layout
    mkdir -p "$ADDON_LINK"
    local entry name link
    for entry in "$ROOT"/*; do
        [[ -e "$entry" ]] || continue
        name="${entry##*/}"
        link="$ADDON_LINK/$name"
        if [[ "$(readlink "$link" 2>/dev/null)" != "$entry" ]]; then
            rm -rf "$link"
            ln -s "$entry" "$link"
        fi
    done
    # Drop links whose target is gone (deleted or renamed in the repository).
    for link in "$ADDON_LINK"/* "$ADDON_LINK"/.[!.]*; do
        [[ -L "$link" && ! -e "$link" ]] && rm -f "$link"
    done
    return 0
}

write_odoo_conf() {
    local db=()
    if use_external_pg; then
        # Only what the user set; libpq defaults for the rest.
        [[ -n "${PGHOST:-}" ]] && db+=("db_host = $PGHOST")
        [[ -n "${PGPORT:-}" ]] && db+=("db_port = $PGPORT")
        [[ -n "${PGUSER:-}" ]] && db+=("db_user = $PGUSER")
        [[ -n "${PGPASSWORD:-}" ]] && db+=("db_password = $PGPASSWORD")
    else
        pg_paths
        db=("db_host = $PG_RUN" "db_port = $PG_PORT" "db_user = odoo")
    fi
    mkdir -p "$ODOO_DIR/data" "$LOG_DIR"
    # Regenerated on every run (cheap), so it follows the environment.
    {
        echo "; Generated by scripts/setup.sh - edits are overwritten."
        echo "[options]"
        echo "addons_path = $ODOO_PKG/addons,$ADDONS_LINK_DIR"
        echo "data_dir = $ODOO_DIR/data"
        printf '%s\n' "${db[@]}"
        echo "http_interface = 127.0.0.1"
        echo "http_port = ${PORT:-8069}"
        echo "list_db = False"
    } > "$ODOO_CONF.tmp"
    chmod 600 "$ODOO_CONF.tmp"   # may hold PGPASSWORD
    mv "$ODOO_CONF.tmp" "$ODOO_CONF"
}

# ================================================================= main
setup_all() {
    mkdir -p "$ODOO_DIR" "$STAMPS" "$LOG_DIR"
    ensure_system_packages
    ensure_odoo_debs
    ensure_odoo_unpacked
    ensure_selfie_segmentation
    check_odoo_symlinks
    ensure_venv
    if ! use_external_pg; then ensure_pg_cluster; fi
    ensure_addon_link
    write_odoo_conf
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    setup_all
    info "set-up complete"
fi
