"""Tiny database helper for the project scripts.

Reads the connection settings from the generated Odoo config, so that the
embedded cluster and a user's own server (PGHOST...) are handled alike.

    dbtool.py ODOO_CONF exists DB         exit 0 if DB exists
    dbtool.py ODOO_CONF module-state DB MODULE   print the module's state (or nothing)
    dbtool.py ODOO_CONF drop DB           drop DB (forcefully) and its filestore
    dbtool.py ODOO_CONF wait              wait until the server accepts connections
"""

import configparser
import os
import shutil
import sys
import time

import psycopg2
from psycopg2 import sql


def _options(conf_path):
    parser = configparser.ConfigParser()
    parser.read(conf_path)
    opts = dict(parser["options"])
    return {key: (None if value in ("False", "") else value) for key, value in opts.items()}


def _connect(opts, dbname="postgres"):
    params = {
        "dbname": dbname,
        "host": opts.get("db_host"),
        "port": opts.get("db_port"),
        "user": opts.get("db_user"),
        "password": opts.get("db_password"),
    }
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v is not None})
    conn.autocommit = True
    return conn


def _exists(opts, db):
    with _connect(opts) as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,))
        return bool(cr.fetchone())


def main(argv):
    conf, command, *args = argv
    opts = _options(conf)
    if command == "wait":
        for _ in range(60):
            try:
                _connect(opts).close()
                return 0
            except psycopg2.OperationalError:
                time.sleep(0.5)
        return 1
    db = args[0]
    if command == "exists":
        return 0 if _exists(opts, db) else 1
    if command == "module-state":
        if not _exists(opts, db):
            return 0
        with _connect(opts, db) as conn, conn.cursor() as cr:
            try:
                cr.execute("SELECT state FROM ir_module_module WHERE name = %s", (args[1],))
            except psycopg2.Error:
                return 0  # not an Odoo database (yet)
            row = cr.fetchone()
            print(row[0] if row else "")
        return 0
    if command == "drop":
        conn = _connect(opts)
        try:
            with conn.cursor() as cr:
                cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
        finally:
            conn.close()
        data_dir = opts.get("data_dir")
        if data_dir:
            shutil.rmtree(os.path.join(data_dir, "filestore", db), ignore_errors=True)
        return 0
    print(f"unknown command {command}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
