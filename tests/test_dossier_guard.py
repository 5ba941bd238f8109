# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..models.bank_guard_mixin import BankGuardError
from .dossier_common import DossierCase


@tagged("post_install", "-at_install")
class TestDossierGuard(DossierCase):
    """The dossier models on bank.guard.mixin: no path into the database sets what only the
    custody actions and the system set (docs/guards.md)."""

    def lines_of(self, user):
        return self.env["bank.dossier.checkout"].search(
            [("dossier_id", "=", self.dossier_a.id), ("borrower_id", "=", user.id)]
        )

    def assertNoSelfApproval(self, entries_before):
        """No line of head 1 is approved, and the ledger has no new row."""
        self.env.invalidate_all()
        lines = self.lines_of(self.user_head_1)
        self.assertFalse(lines.filtered(lambda line: line.state != "requested" or line.approved_by_id))
        self.assertEqual(len(self.ledger()), entries_before)

    def test_custodian_cannot_create_a_self_approved_checkout(self):
        head = self.user_head_1
        Checkout = self.env["bank.dossier.checkout"].with_user(head)
        request = {"dossier_id": self.dossier_a.id, "purpose": "Own review", "due_at": self._in(days=2)}
        entries = len(self.ledger())
        # In the create values ...
        for forged in ({"state": "approved"}, {"approved_by_id": head.id}, {"state": "out", "out_at": self._in()}):
            with self.subTest(values=forged), self.assertRefused(BankGuardError, "set by the record's actions only"):
                Checkout.create(dict(request, **forged))
        # ... in default_ keys of the context (the hole: the ledger then had no approval row) ...
        for key, value in (("default_state", "approved"), ("default_approved_by_id", head.id)):
            with self.subTest(key=key), self.assertRefused(BankGuardError, "not by a default of the context"):
                Checkout.with_context({key: value}).create(request)
        # ... through the dossier's one2many (a locked dossier refuses it first) ...
        with self.assertRaises(BankGuardError):
            self.dossier_a.with_user(head).write({"checkout_ids": [Command.create(dict(request, state="approved"))]})
        # ... and through an import.
        result = Checkout.load(
            ["dossier_id/.id", "purpose", "due_at", "state"],
            [[str(self.dossier_a.id), "Own review", fields.Datetime.to_string(self._in(days=2)), "approved"]],
        )
        self.assertFalse(result["ids"])
        self.assertRegex(str(result["messages"]), "set by the record's actions only")
        self.assertNoSelfApproval(entries)

        # copy() with a default: the approval is not carried over, the copy is a plain request.
        own = Checkout.create(request)
        copied = own.copy(default={"state": "approved", "approved_by_id": head.id, "approved_at": self._in()})
        self.assertEqual((copied.state, copied.approved_by_id, copied.approved_at),
                         ("requested", self.env["res.users"], False))
        # The legitimate path: a custodian's own request is approved by someone else.
        with self.assertRefused(BankGuardError, "cannot approve their own request"):
            own.action_approve()
        self.assertFalse(own.can_approve, "the button follows the rule")
        own.with_user(self.user_supervisor).action_approve()
        self.assertEqual((own.state, own.approved_by_id), ("approved", self.user_supervisor))
        self.assertEqual(self.ledger()[-1].event, "approved")

    def test_stored_owners_are_the_systems(self):
        # RM c compiles the draft dossier of customer C; RM a is a colleague without access.
        dossier = self.dossier_c.with_user(self.user_rm_c)
        for field_name in ("partner_rm_user_id", "partner_backup_rm_user_id"):
            with self.subTest(field=field_name), self.assertRefused(BankGuardError, "set by the record's actions only"):
                dossier.write({field_name: self.user_rm_a.id})
        self.env.invalidate_all()
        self.assertEqual(self.dossier_c.partner_rm_user_id, self.user_rm_c)
        self.assertFalse(self.dossier_c.partner_backup_rm_user_id)
        with self.assertRaises(AccessError):
            self.dossier_c.with_user(self.user_rm_a).read(["bag_no"])
        # Nor at creation, in the values or the context.
        Dossier = self.env["bank.dossier"].with_user(self.user_rm_b)
        with self.assertRefused(BankGuardError, "set by the record's actions only"):
            Dossier.create({"partner_id": self.customer_b.id, "partner_backup_rm_user_id": self.user_rm_a.id})
        with self.assertRefused(BankGuardError, "not by a default of the context"):
            Dossier.with_context(default_partner_rm_user_id=self.user_rm_a.id).create(
                {"partner_id": self.customer_b.id}
            )
        self.assertFalse(self.env["bank.dossier"].search([("partner_id", "=", self.customer_b.id)]))
        # The legitimate path: the owners follow the customer.
        dossier = Dossier.create({"partner_id": self.customer_b.id})
        self.assertEqual(dossier.partner_rm_user_id, self.user_rm_b)

    def test_opening_reason_never_from_the_context(self):
        Dossier = self.env["bank.dossier"].with_user(self.user_rm_b)
        dossier = Dossier.with_context(bank_dossier_open_reason="approved by the board, no review needed").create(
            {"partner_id": self.customer_b.id}
        )
        self.assertNotIn("board", self.ledger(dossier).details)
        self.assertFalse(dossier.open_reason)
        with self.assertRefused(BankGuardError, "Opened because.*set by the record's actions only"):
            self.env["bank.dossier"].with_user(self.user_rm_c).create(
                {"partner_id": self.customer_c.id, "open_reason": "forged"}
            )

    def test_opening_reason_is_a_checked_parameter(self):
        Dossier = self.env["bank.dossier"]
        for reason in ("", "two\nlines", "x" * 201, 42):
            with self.subTest(reason=reason), self.assertRefused(ValidationError, "Opened because"):
                Dossier._bank_open_for_partners(self.customer_b, reason=reason)
        self.assertFalse(Dossier.search([("partner_id", "=", self.customer_b.id)]))
        opened = Dossier._bank_open_for_partners(self.customer_b, reason="first reached a tier on 2026-03-01")
        self.assertEqual(opened.open_reason, "first reached a tier on 2026-03-01")
        self.assertIn("(first reached a tier on 2026-03-01)", self.ledger(opened).details)

    def test_ledger_is_the_systems(self):
        Ledger = self.env["bank.dossier.ledger"]
        self.assertFalse(Ledger._allow_sudo_commands)
        with self.assertRaises(AccessError):
            Ledger.with_user(self.user_head_1).create(
                {"dossier_id": self.dossier_a.id, "event": "closed", "details": "x"}
            )
        entries = len(self.ledger())
        row = Ledger.with_user(self.user_head_1)._bank_system_create(
            [{"dossier_id": self.dossier_a.id, "event": "closed", "details": "note"}]
        )
        self.assertFalse(row.env.su, "returned as the caller")
        self.assertEqual(len(self.ledger()), entries + 1)
        self.assertIsNone(Ledger._bank_verify([self.dossier_a.id]))
