# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import datetime
from unittest.mock import patch

from odoo import Command, fields

from .common import BankCase

SCAN = b"%PDF-1.4\n% scan of an account opening form\n%%EOF\n"


class DossierCase(BankCase):
    """BankCase plus dossiers: customer A's (outlet 1, RM a, backup RM b) compiled by RM a and
    locked by head 1, and customer C's (wealth centre, RM c) still a draft."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Dossier = cls.env["bank.dossier"]
        cls.dossier_a = Dossier.with_user(cls.user_rm_a).create({
            "partner_id": cls.customer_a.id,
            "open_date": "2026-01-15",
            "item_ids": [
                Command.create({
                    "document_type": "account_form", "description": "Account opening form", "page_count": 2,
                    "file": base64.b64encode(SCAN), "file_name": "account-form.pdf",
                }),
                Command.create({"document_type": "id_copy", "description": "ID card copy", "page_count": 1}),
            ],
        }).with_env(cls.env)
        cls.item_scan = cls.dossier_a.item_ids.filtered("file")
        cls.scan = cls.env["ir.attachment"].search([
            ("res_model", "=", "bank.dossier.item"), ("res_field", "=", "file"), ("res_id", "=", cls.item_scan.id),
        ])
        cls.dossier_a.with_user(cls.user_head_1).action_lock()
        cls.dossier_c = Dossier.with_user(cls.user_rm_c).create({
            "partner_id": cls.customer_c.id,
            "item_ids": [Command.create({"document_type": "id_copy", "description": "Passport copy"})],
        }).with_env(cls.env)

    @classmethod
    def _in(cls, days=0, hours=0):
        return fields.Datetime.now() + datetime.timedelta(days=days, hours=hours)

    def request(self, dossier=None, user=None, days=3, purpose="Customer visit on Friday"):
        dossier = dossier or self.dossier_a
        # (returned in the test's superuser environment: act as a user with .with_user())
        return self.env["bank.dossier.checkout"].with_user(user or self.user_rm_a).create({
            "dossier_id": dossier.id, "purpose": purpose, "due_at": self._in(days=days),
        }).with_env(self.env)

    def hand_out(self, line, head=None):
        head = head or self.user_head_1
        line.with_user(head).action_approve()
        line.with_user(head).action_hand_out()
        return line

    def ledger(self, dossier=None):
        return self.env["bank.dossier.ledger"].search([("dossier_id", "=", (dossier or self.dossier_a).id)],
                                                      order="seq")

    def run_overdue_cron(self):
        """The cron as ir.cron runs it, its commits standing as savepoints of the test."""
        def commit(cron, processed=0, remaining=None, deactivate=False):
            self.env.flush_all()
            return float("inf")

        with patch.object(type(self.env["ir.cron"]), "_commit_progress", commit):
            self.env["bank.dossier.checkout"]._cron_overdue()
