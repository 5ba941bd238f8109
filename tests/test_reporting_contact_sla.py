# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PREFIX, BankCase

REPORT = "bank.contact.sla.report"


@tagged("post_install", "-at_install")
class TestReportingContactSla(BankCase):
    """Contact-SLA compliance (report/bank_contact_sla_report.py): tiered customers made here, their
    last contact against the tier's interval counted by hand, and who sees which rows."""

    # 1 December 2026, 10:00 in Beijing.
    reference_now = datetime.datetime(2026, 12, 1, 2, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vip = cls.env.ref(PREFIX + "tier_vip")
        cls.gold = cls.env.ref(PREFIX + "tier_wealth_gold")
        # The seed's intervals (data/bank_vip_tier_data.xml), 30 and 60 days: the figures below count from them.
        cls.customer_d = cls.env["res.partner"].create(
            {"name": "Customer D", "is_bank_customer": True, "bank_rm_id": cls.rm_a.id})
        cls.customer_a.bank_tier_id = cls.vip
        cls.customer_b.bank_tier_id = cls.gold
        cls.customer_c.bank_tier_id = cls.vip
        Log = cls.env["bank.maintenance.log"]
        for partner, days_ago in ((cls.customer_a, 45), (cls.customer_a, 5), (cls.customer_b, 64),
                                  (cls.customer_d, 300)):
            Log.create({"partner_id": partner.id, "rm_id": partner.bank_rm_id.id, "summary": "Call",
                        "date": fields.Date.subtract(cls.today, days=days_ago)})
        # Customer C was never contacted; customer D has no tier and is no row.
        cls.ours = [("partner_id", "in", (cls.customer_a | cls.customer_b | cls.customer_c | cls.customer_d).ids)]

    def rows(self, user=None):
        Report = self.env[REPORT].with_user(user) if user else self.env[REPORT]
        return Report.search(self.ours)

    def test_rows_against_the_tier_interval(self):
        self.assertEqual((self.vip.contact_interval_days, self.gold.contact_interval_days), (30, 60))
        rows = {row.partner_id: row for row in self.rows()}
        self.assertEqual(set(rows), {self.customer_a, self.customer_b, self.customer_c})
        a, b, c = rows[self.customer_a], rows[self.customer_b], rows[self.customer_c]
        self.assertEqual(
            (a.rm_id, a.unit_id, a.tier_id, a.last_contact_date, a.days_since_contact, a.interval_days,
             a.days_past_due, a.within_sla, a.within_rate),
            (self.rm_a, self.outlet_1, self.vip, fields.Date.subtract(self.today, days=5), 5, 30, 0, True, 100.0),
        )
        # B: 64 days against 60, four days past due.
        self.assertEqual((b.days_since_contact, b.days_past_due, b.within_sla, b.within_rate), (64, 4, False, 0.0))
        self.assertEqual(b.contact_due_date, fields.Date.subtract(self.today, days=4))
        # C: never contacted, past the interval with no date to count from.
        self.assertEqual((c.last_contact_date, c.days_since_contact, c.within_sla), (False, 0, False))

    def test_share_within_by_rm_and_unit(self):
        Report = self.env[REPORT]
        by_rm = Report._read_group(self.ours, ["rm_id"], ["__count", "within_rate:avg"])
        self.assertEqual({rm: (count, rate) for rm, count, rate in by_rm},
                         {self.rm_a: (1, 100.0), self.rm_b: (1, 0.0), self.rm_c: (1, 0.0)})
        [(count, rate)] = Report._read_group(self.ours, [], ["__count", "within_rate:avg"])
        self.assertEqual(count, 3)
        self.assertAlmostEqual(rate, 100 / 3)
        by_unit = Report._read_group(self.ours, ["unit_id", "within_sla"], ["__count"])
        self.assertEqual(set(by_unit), {(self.outlet_1, True, 1), (self.outlet_2, False, 1), (self.center, False, 1)})

    def test_a_contact_brings_the_customer_back_within(self):
        self.env["bank.maintenance.log"].with_user(self.user_rm_b).create(
            {"partner_id": self.customer_b.id, "summary": "Visit", "date": self.today})
        row = self.rows(self.user_rm_b).filtered(lambda r: r.partner_id == self.customer_b)
        self.assertEqual((row.days_since_contact, row.within_sla), (0, True))
        # A week on, customer A's last contact is 12 days old: still within 30.
        with self.clock_at(datetime.datetime(2026, 12, 8, 2, 0)):
            self.env.invalidate_all()
            row_a = self.rows().filtered(lambda r: r.partner_id == self.customer_a)
            self.assertEqual((row_a.days_since_contact, row_a.within_sla), (12, True))

    def test_rm_head_other_unit(self):
        # RM A: their customer A (D has no tier); RM B: B and, as A's backup, A; RM C only C.
        self.assertEqual(self.rows(self.user_rm_a).partner_id, self.customer_a)
        self.assertEqual(self.rows(self.user_rm_b).partner_id, self.customer_a | self.customer_b)
        self.assertEqual(self.rows(self.user_rm_c).partner_id, self.customer_c)
        self.assertEqual(self.rows(self.user_head_1).partner_id, self.customer_a)
        self.assertEqual(self.rows(self.user_head_2).partner_id, self.customer_b)
        self.assertEqual(self.rows(self.user_supervisor).partner_id, self.customer_a | self.customer_b)
        self.assertEqual(self.rows(self.user_office).partner_id, self.customer_a | self.customer_b | self.customer_c)
        by_rm = self.env[REPORT].with_user(self.user_head_2)._read_group(self.ours, ["rm_id"], ["within_rate:avg"])
        self.assertEqual(by_rm, [(self.rm_b, 0.0)])
        for user in (self.user_hr, self.user_plain):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env[REPORT].with_user(user).search([])
