# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import threading
import time

import psycopg2

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install")
class TestDossierConcurrency(TransactionCase):
    """Two custodians approve two requests for one dossier at the same moment, in two real
    transactions on two connections: exactly one succeeds, the other gets a clear error.

    The transactions must commit to see each other, so the set-up commits two requests on a
    dossier of the demo data and the clean-up removes them again (and checks the ledger)."""

    def setUp(self):
        super().setUp()
        self.dbname = self.env.cr.dbname
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            dossiers = env["bank.dossier"].search([
                ("state", "=", "in_custody"), ("unit_id.head_user_id", "!=", False),
                ("partner_rm_user_id", "!=", False),
            ], order="id")
            busy = env["bank.dossier.checkout"].search([("state", "in", ("requested", "approved", "out"))]).dossier_id
            dossier = (dossiers - busy).filtered(lambda d: d.partner_rm_user_id != d.unit_id.head_user_id)[:1]
            self.assertTrue(dossier, "the demo data holds dossiers in custody")
            unit = dossier.unit_id
            self.head = unit.head_user_id
            overseers = unit.oversight_user_ids.filtered(
                lambda u: u.has_group("bank_relationship_manager.group_bank_supervisor")
            )
            # A second custodian of the same dossier (or the same head, in a second session).
            self.second = (overseers - dossier.partner_rm_user_id)[:1] or self.head
            self.dossier_id = dossier.id
            self.seq = dossier.ledger_seq
            self.message_marker = env["mail.message"].search([], order="id desc", limit=1).id
            Checkout = env["bank.dossier.checkout"].with_user(dossier.partner_rm_user_id)
            now = fields.Datetime.now()
            lines = Checkout.create([
                {"dossier_id": dossier.id, "purpose": "Visit A", "due_at": now + datetime.timedelta(days=3)},
                {"dossier_id": dossier.id, "purpose": "Visit B", "due_at": now + datetime.timedelta(days=4)},
            ])
            self.line_ids = lines.ids
            cr.commit()
        self.addCleanup(self._remove_committed_data)

    def _cursor(self):
        return db_connect(self.dbname).cursor()

    def _remove_committed_data(self):
        with self._cursor() as cr:
            lines = tuple(self.line_ids)
            cr.execute(SQL(
                """DELETE FROM mail_message
                    WHERE (model = 'bank.dossier.checkout' AND res_id IN %(lines)s)
                       OR (model = 'bank.dossier' AND res_id = %(dossier)s AND id > %(marker)s)""",
                lines=lines, dossier=self.dossier_id, marker=self.message_marker,
            ))
            cr.execute(SQL("DELETE FROM mail_followers WHERE res_model = 'bank.dossier.checkout' AND res_id IN %s",
                           lines))
            cr.execute(SQL("DELETE FROM mail_activity WHERE res_model = 'bank.dossier.checkout' AND res_id IN %s",
                           lines))
            cr.execute(SQL("DELETE FROM bank_dossier_ledger WHERE dossier_id = %s AND seq > %s",
                           self.dossier_id, self.seq))
            cr.execute(SQL("DELETE FROM bank_dossier_checkout WHERE id IN %s", lines))
            cr.execute(SQL("UPDATE bank_dossier SET ledger_seq = %s WHERE id = %s", self.seq, self.dossier_id))
            cr.commit()
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertIsNone(env["bank.dossier.ledger"]._bank_verify([self.dossier_id]), "clean-up left a sound chain")

    def _race(self, first, second):
        """Run ``first`` in transaction 1 (not committed yet), start ``second`` in transaction 2 in a
        thread, check that it waits, commit transaction 1, and return what ``second`` did."""
        outcome = {}
        with self._cursor() as cr1, self._cursor() as cr2, self._cursor() as watcher:
            cr2.execute("SELECT pg_backend_pid()")
            pid = cr2.fetchone()[0]
            cr2.rollback()  # (transaction 2 takes its snapshot in the thread, after transaction 1 wrote)
            cr2.execute("SET lock_timeout = '20s'")  # (takes no snapshot)
            first(cr1)

            def run():
                try:
                    outcome["result"] = second(cr2)
                except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
                    outcome["error"] = error
                    cr2.rollback()

            thread = threading.Thread(target=run)
            thread.start()
            outcome["waited"] = self._blocked(watcher, pid)
            cr1.commit()
            thread.join(60)
            self.assertFalse(thread.is_alive(), "the second transaction finished")
        return outcome

    def _blocked(self, watcher, pid, timeout=30.0):
        """Whether the backend ``pid`` comes to wait for a lock (the first transaction's) in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            watcher.execute(SQL("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", pid))
            row = watcher.fetchone()
            watcher.rollback()
            if row and row[0] == "Lock":
                return True
            time.sleep(0.05)
        return False

    def _states(self):
        with self._cursor() as cr:
            cr.execute(SQL("SELECT id, state FROM bank_dossier_checkout WHERE id IN %s ORDER BY id",
                           tuple(self.line_ids)))
            return dict(cr.fetchall())

    def test_two_custodians_approve_at_once(self):
        line_1, line_2 = self.line_ids

        def approve_first(cr):
            api.Environment(cr, self.head.id, {})["bank.dossier.checkout"].browse(line_1).action_approve()

        attempts = []

        def approve_second(cr):
            # As the RPC layer runs every call: retried whole after a serialisation failure.
            env = api.Environment(cr, self.second.id, {})

            def attempt():
                attempts.append(len(attempts) + 1)
                return env["bank.dossier.checkout"].browse(line_2).action_approve()

            return retrying(attempt, env)

        outcome = self._race(approve_first, approve_second)
        self.assertTrue(outcome["waited"], "the second approval waited for the first transaction")
        self.assertEqual(attempts, [1, 2], "the stale attempt failed to serialise and was retried whole")
        self.assertIsInstance(outcome.get("error"), UserError, outcome)
        self.assertIn("already has an open check-out", str(outcome["error"]))
        self.assertEqual(self._states(), {line_1: "approved", line_2: "requested"})

    def test_no_document_slips_in_while_the_head_locks(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            draft = env["bank.dossier"].search([
                ("state", "=", "draft"), ("unit_id.head_user_id", "!=", False), ("partner_rm_user_id", "!=", False),
            ], limit=1)
            self.assertTrue(draft, "the demo data keeps drafts with their RMs")
            dossier_id, seq, rm, head = draft.id, draft.ledger_seq, draft.partner_rm_user_id, draft.unit_id.head_user_id
            items = draft.item_ids.ids
        self.addCleanup(self._unlock, dossier_id, seq, items)

        def lock(cr):
            api.Environment(cr, head.id, {})["bank.dossier"].browse(dossier_id).action_lock()

        attempts = []

        def add_document(cr):
            env = api.Environment(cr, rm.id, {})

            def attempt():
                attempts.append(len(attempts) + 1)
                return env["bank.dossier.item"].create(
                    {"dossier_id": dossier_id, "document_type": "other", "description": "Slipped in"}
                )

            return retrying(attempt, env)

        outcome = self._race(lock, add_document)
        self.assertTrue(outcome["waited"])
        self.assertIsInstance(outcome.get("error"), UserError, outcome)
        self.assertIn("locked archive", str(outcome["error"]))
        self.assertEqual(attempts, [1, 2])
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(env["bank.dossier"].browse(dossier_id).item_ids.ids, items)
            self.assertIsNone(env["bank.dossier.ledger"]._bank_verify([dossier_id]), "the inventory holds")

    def _unlock(self, dossier_id, seq, items):
        """Put the demo draft back as it was (clean-up of the committed lock)."""
        with self._cursor() as cr:
            cr.execute(SQL("DELETE FROM mail_message WHERE model = 'bank.dossier' AND res_id = %s AND id > %s",
                           dossier_id, self.message_marker))
            cr.execute(SQL("DELETE FROM bank_dossier_ledger WHERE dossier_id = %s AND seq > %s", dossier_id, seq))
            cr.execute(SQL("DELETE FROM bank_dossier_item WHERE dossier_id = %s AND id NOT IN %s",
                           dossier_id, tuple(items) or (0,)))
            cr.execute(SQL(
                """UPDATE bank_dossier SET state = 'draft', locked_by_id = NULL, locked_at = NULL, ledger_seq = %s
                    WHERE id = %s""",
                seq, dossier_id,
            ))
            cr.commit()

    def test_database_refuses_when_the_orm_is_bypassed(self):
        line_1, line_2 = self.line_ids

        def raw_update(line_id, state):
            def run(cr):
                cr.execute(SQL("UPDATE bank_dossier_checkout SET state = %s WHERE id = %s", state, line_id))
            return run

        outcome = self._race(raw_update(line_1, "approved"), raw_update(line_2, "out"))
        self.assertTrue(outcome["waited"], "the unique index made the second transaction wait")
        self.assertIsInstance(outcome.get("error"), psycopg2.errors.UniqueViolation, outcome)
        self.assertIn("bank_dossier_checkout_dossier_open_uniq", str(outcome["error"]))
        self.assertEqual(self._states(), {line_1: "approved", line_2: "requested"})

    def test_two_transactions_insert_open_lines(self):
        borrower = self.head.id

        def raw_insert(cr):
            cr.execute(SQL(
                """INSERT INTO bank_dossier_checkout (dossier_id, borrower_id, purpose, state, due_at, requested_at)
                   VALUES (%s, %s, 'raw insert', 'out', now() + interval '1 day', now()) RETURNING id""",
                self.dossier_id, borrower,
            ))
            self.line_ids.append(cr.fetchone()[0])

        outcome = self._race(raw_insert, raw_insert)
        self.assertIsInstance(outcome.get("error"), psycopg2.errors.UniqueViolation, outcome)
        states = self._states()
        self.assertEqual(sorted(states.values()), ["out", "requested", "requested"])

