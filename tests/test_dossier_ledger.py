# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .dossier_common import DossierCase


@tagged("post_install", "-at_install")
class TestDossierLedger(DossierCase):
    """The custody ledger: append only, hash-chained, and a verifier that names the first broken entry."""

    def setUp(self):
        super().setUp()
        line = self.hand_out(self.request())
        line.with_user(self.user_head_1).action_return()
        self.entries = self.ledger()  # created, locked, requested, approved, handed_out, returned
        self.Ledger = self.env["bank.dossier.ledger"]

    def _tamper(self, query):
        self.env.flush_all()
        self.env.cr.execute(query)
        self.env.invalidate_all()

    def test_chain(self):
        self.assertEqual(self.entries.mapped("event"),
                         ["created", "locked", "requested", "approved", "handed_out", "returned"])
        self.assertFalse(self.entries[0].previous_hash)
        for previous, entry in zip(self.entries, self.entries[1:], strict=False):
            self.assertEqual(entry.previous_hash, previous.hash)
        self.assertEqual(len(set(self.entries.mapped("hash"))), 6)
        self.assertEqual(self.dossier_a.sudo().ledger_seq, 6)
        self.assertIn("Account opening form", self.entries[1].details, "the lock entry lists the inventory")
        self.assertTrue(self.entries[1].content_digest)
        self.assertIsNone(self.Ledger._bank_verify())
        result = self.Ledger.with_user(self.user_office).action_verify()
        self.assertEqual(result["params"]["type"], "success")

    def test_append_only_for_everyone(self):
        entry = self.entries[2]
        for user in (self.user_head_1, self.user_supervisor, self.user_office, self.user_admin):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    entry.with_user(user).write({"details": "rewritten"})
                with self.assertRaises(UserError):
                    entry.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.Ledger.with_user(user).create(
                        {"dossier_id": self.dossier_a.id, "event": "returned", "details": "forged"}
                    )
        with self.assertRaises(AccessError):
            self.Ledger.with_user(self.user_rm_a).search([])
        # Not even the superuser rewrites or deletes an entry ...
        with self.assertRefused(UserError, "cannot be changed"):
            entry.sudo().write({"details": "rewritten"})
        with self.assertRefused(UserError, "cannot be deleted"):
            entry.sudo().unlink()
        # ... and an entry appended by code always gets its place in the chain, whatever it claims.
        forged = self.Ledger.sudo().create({
            "dossier_id": self.dossier_a.id, "event": "closed", "details": "note",
            "seq": 1, "previous_hash": "0" * 64, "hash": "f" * 64,
        })
        self.assertEqual((forged.seq, forged.previous_hash), (7, self.entries[-1].hash))
        self.assertNotEqual(forged.hash, "f" * 64)
        self.assertIsNone(self.Ledger._bank_verify())

    def test_verifier_names_a_row_changed_by_sql(self):
        target = self.entries[3]
        self._tamper(SQL("UPDATE bank_dossier_ledger SET details = 'approved by nobody' WHERE id = %s", target.id))
        problem = self.Ledger._bank_verify()
        self.assertIn(f"entry #{target.id} ", problem)
        self.assertIn(self.dossier_a.bag_no, problem)
        self.assertIn("does not match its hash", problem)
        # The custodian's button and the ledger's action say the same, as a danger notification.
        for result in (
            self.dossier_a.with_user(self.user_head_1).action_verify_ledger(),
            self.Ledger.with_user(self.user_office).action_verify(),
        ):
            self.assertEqual(result["params"]["type"], "danger")
            self.assertIn(f"#{target.id} ", result["params"]["message"])

    def test_verifier_names_the_first_broken_row(self):
        # Two rows changed: the earlier one is named; a rehashed row breaks its successor.
        first, later = self.entries[2], self.entries[4]
        self._tamper(SQL("UPDATE bank_dossier_ledger SET user_id = %s WHERE id = %s", self.user_rm_b.id, later.id))
        self._tamper(SQL("UPDATE bank_dossier_ledger SET hash = md5('x') WHERE id = %s", first.id))
        problem = self.Ledger._bank_verify()
        self.assertIn(f"#{first.id} ", problem)

    def test_verifier_catches_deleted_rows(self):
        middle, last = self.entries[2], self.entries[-1]
        self._tamper(SQL("DELETE FROM bank_dossier_ledger WHERE id = %s", last.id))
        self.assertIn("were deleted", self.Ledger._bank_verify())
        self._tamper(SQL("DELETE FROM bank_dossier_ledger WHERE id = %s", middle.id))
        problem = self.Ledger._bank_verify()
        self.assertIn(f"#{self.entries[3].id} ", problem)
        self.assertIn("missing before it", problem)

    def test_verifier_catches_a_changed_inventory(self):
        item = self.item_scan
        self._tamper(SQL("UPDATE bank_dossier_item SET page_count = 1, description = 'Swapped' WHERE id = %s", item.id))
        problem = self.Ledger._bank_verify()
        self.assertIn(self.dossier_a.bag_no, problem)
        self.assertIn("items differ from the inventory", problem)
        self.assertIn(f"#{self.entries[-1].id}", problem)
        # Other dossiers verify on their own.
        self.assertIsNone(self.Ledger._bank_verify([self.dossier_c.id]))

    def test_verifier_catches_a_replaced_scan(self):
        self._tamper(SQL(
            "UPDATE ir_attachment SET checksum = md5('forged') WHERE res_model = 'bank.dossier.item' AND res_id = %s",
            self.item_scan.id,
        ))
        self.assertIn("items differ from the inventory", self.Ledger._bank_verify([self.dossier_a.id]))
