# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import fields

from .common import PREFIX, BankCase


class MaintenanceCase(BankCase):
    """The small bank of ``BankCase`` with the planning settings fixed and helpers to run the
    planning on a chosen day and read what it planned. The clock stands at 1 December 2026,
    10:00 in Beijing; the tests plan fixed days of 2026-2028 relative to it."""

    reference_now = datetime.datetime(2026, 12, 1, 2, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"]
        for key, value in (("birthday_greeting_days", 3), ("holiday_greeting_days", 3),
                           ("maturity_followup_days", 7), ("contact_interval_days", 90)):
            params.set_param(PREFIX + key, value)
        cls.type_birthday = cls.env.ref(PREFIX + "mail_activity_type_birthday")
        cls.type_holiday = cls.env.ref(PREFIX + "mail_activity_type_holiday")
        cls.type_periodic = cls.env.ref(PREFIX + "mail_activity_type_periodic_contact")
        cls.type_maturity = cls.env.ref(PREFIX + "mail_activity_type_maturity")
        cls.tier_vip = cls.env.ref(PREFIX + "tier_vip")
        cls.customers = cls.customer_a | cls.customer_b | cls.customer_c
        # Contacted yesterday: no periodic contact unless a test says otherwise.
        cls.env["bank.maintenance.log"].create([
            {"partner_id": partner.id, "rm_id": partner.bank_rm_id.id, "summary": "Call",
             "date": fields.Date.subtract(cls.today, days=1)}
            for partner in cls.customers
        ])

    def plan(self, day):
        """Run the planning of ``day`` (over every customer of the database, the demo ones too) and
        return how many occasions it planned for this class's customers."""
        Ledger = self.env["bank.maintenance.plan"]
        ours = [("partner_id", "in", self.customers.ids)]
        before = Ledger.search_count(ours)
        Ledger._cron_plan(day, commit=False)
        return Ledger.search_count(ours) - before

    def activities(self, activity_type, partners=None):
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", (partners or self.customers).ids),
            ("activity_type_id", "=", activity_type.id),
        ])
