# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import os
import socket
import subprocess
import time
import unittest

import psycopg2
import requests

from odoo.tests import tagged

from .committed_common import CommittedData
from .common import GROUP_RM, BankCase

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "scripts", "check_replica.sh")


@tagged("post_install", "-at_install")
class TestReadReplica(BankCase, CommittedData):
    """`make run REPLICA=1` (scripts/scale.sh): a streaming hot standby of the embedded PostgreSQL
    and Odoo 19 given it as ``db_replica_host``/``db_replica_port``. An RM's customer list
    (``web_search_read`` over JSON-RPC: ``@api.readonly``, so ``/web/dataset/call_kw`` opens a
    read-only cursor) is read on the replica; a write goes to the primary, and the replica
    follows.

    scripts/check_replica.sh starts a fresh standby of this clone's cluster and an Odoo server on
    the test database; where it cannot (a PostgreSQL of the user's own, no pg_basebackup, a
    cluster holding large bench databases) the test is skipped, saying why. Where the queries
    went is read from ``pg_stat_user_tables`` of ``res_partner`` on each server (a standby keeps
    its own statistics); the server and the fixtures are committed, then removed."""

    def setUp(self):
        super().setUp()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        started = subprocess.run(
            [SCRIPT, "start", self.env.cr.dbname, str(self.port)], capture_output=True, text=True, timeout=600,
            check=False,
        )
        if started.returncode == 3:
            raise unittest.SkipTest(started.stderr.strip())
        self.addCleanup(subprocess.run, [SCRIPT, "stop"], capture_output=True, timeout=120, check=False)
        self.assertEqual(started.returncode, 0, started.stderr[-3000:])
        self.servers = dict(line.split("=", 1) for line in started.stdout.split() if "=" in line)
        self.customers = self.fixtures

    @classmethod
    def setUpClass(cls):
        # Committed first: the class's own transaction (BankCase's users) would block it.
        cls.commit_fixtures(cls._make_rm)
        super().setUpClass()

    @classmethod
    def _make_rm(cls, env):
        """An RM who logs in with a password, and three customers of theirs; returns their ids."""
        user = env["res.users"].create({
            "name": "T replica RM", "login": "t_replica_rm", "password": "t_replica_rm_pw",
            "group_ids": [(6, 0, [env.ref(GROUP_RM).id, env.ref("base.group_user").id])],
        })
        unit = env["bank.org.unit"].create({"name": "T replica outlet", "code": "T-REPL", "level": "outlet",
                                            "has_wealth_room": True})
        rm = env["bank.rm"].create({
            "user_id": user.id, "grade_id": env.ref("bank_relationship_manager.rm_grade_rm").id, "unit_id": unit.id,
        })
        return env["res.partner"].create([
            {"name": f"T replica customer {i}", "is_bank_customer": True, "bank_rm_id": rm.id} for i in range(3)
        ]).ids

    def _connect(self, side, dbname="postgres"):
        conn = psycopg2.connect(host=self.servers[f"{side}_host"], port=self.servers[f"{side}_port"],
                                user="odoo", dbname=dbname)
        conn.autocommit = True
        self.addCleanup(conn.close)
        return conn

    def _stats(self, conn):
        """``(transactions, rows updated)`` in the test database on one server, read from the
        database ``postgres`` (so that the readings are not counted in)."""
        with conn.cursor() as cr:
            cr.execute("SELECT pg_stat_clear_snapshot()")
            cr.execute("SELECT xact_commit + xact_rollback, tup_updated FROM pg_stat_database WHERE datname = %s",
                       (self.env.cr.dbname,))
            return cr.fetchone()

    def _settled(self, connections, wait=15.0):
        """The statistics of every server once they stop moving: a backend reports its counts at
        the end of a transaction, or within seconds when it goes idle."""
        deadline = time.monotonic() + wait
        last = None
        while time.monotonic() < deadline:
            time.sleep(1.2)
            now = [self._stats(conn) for conn in connections]
            if now == last:
                return now
            last = now
        return last

    def _rpc(self, session, path, params):
        response = session.post(f"http://127.0.0.1:{self.port}{path}",
                                json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}, timeout=120)
        payload = response.json()
        self.assertNotIn("error", payload, payload.get("error"))
        return payload["result"]

    def test_reads_on_the_replica_writes_on_the_primary(self):
        primary, replica = self._connect("primary"), self._connect("replica")
        with replica.cursor() as cr:
            cr.execute("SELECT pg_is_in_recovery()")
            self.assertTrue(cr.fetchone()[0], "the replica is a hot standby")
        session = requests.Session()
        self._rpc(session, "/web/session/authenticate",
                  {"db": self.env.cr.dbname, "login": "t_replica_rm", "password": "t_replica_rm_pw"})

        def customer_list():
            return self._rpc(session, "/web/dataset/call_kw/res.partner/web_search_read", {
                "model": "res.partner", "method": "web_search_read", "args": [],
                "kwargs": {"domain": [["is_bank_customer", "=", True]], "specification": {"name": {}},
                           "limit": 80, "count_limit": 10001},
            })

        # The primary must see no transaction of the list; anything else on it (autovacuum) and
        # the list is read again, three times at most.
        for _attempt in range(3):
            before = self._settled([primary, replica])
            rows = customer_list()
            after = self._settled([primary, replica])
            list_primary, list_replica = (a[0] - b[0] for a, b in zip(after, before, strict=True))
            if not list_primary:
                break
        self.assertEqual(sorted(r["id"] for r in rows["records"]), sorted(self.customers), "the RM's own customers")
        self.assertGreaterEqual(list_replica, 1, "the list was read on the replica")
        self.assertEqual(list_primary, 0, "and not on the primary")

        self._rpc(session, "/web/dataset/call_kw/res.partner/write", {
            "model": "res.partner", "method": "write", "args": [self.customers[:1], {"comment": "T replica note"}],
            "kwargs": {},
        })
        written = self._settled([primary, replica])
        # The row itself on the primary (its statistics may reach pg_stat_database seconds later
        # on a busy machine: the figure below is printed, not asserted).
        with self._connect("primary", self.env.cr.dbname).cursor() as cr:
            cr.execute("SELECT comment FROM res_partner WHERE id = %s", (self.customers[0],))
            self.assertIn("T replica note", cr.fetchone()[0] or "", "the write reached the primary")
        with self._connect("replica", self.env.cr.dbname).cursor() as cr:
            for _i in range(20):
                cr.execute("SELECT comment FROM res_partner WHERE id = %s", (self.customers[0],))
                if "T replica note" in (cr.fetchone()[0] or ""):  # (an HTML field: <p>…</p>)
                    break
                time.sleep(0.25)
            else:
                self.fail("the replica did not receive the write")
        print(  # noqa: T201 - the figures the README quotes
            f"bench: replica list_xacts_replica={list_replica} list_xacts_primary={list_primary} "
            f"write_updates_primary={written[0][1] - after[0][1]}"
        )
