# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PREFIX
from .handover_common import HandoverCase

REPORT = "bank.handover.attrition.report"


@tagged("post_install", "-at_install")
class TestReportingHandoverAttrition(HandoverCase):
    """Handover attrition (report/bank_handover_attrition_report.py): RM a's portfolio handed over to
    RM d thirty days ago, balances loaded before and after, AUM at the handover and now counted by hand."""

    # 1 December 2026, 10:00 in Beijing; the handover is done on 1 November.
    reference_now = datetime.datetime(2026, 12, 1, 2, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        company = cls.env.company
        cls.handover_day = datetime.date(2026, 11, 1)
        foreign = ref("base.EUR") if company.currency_id != ref("base.EUR") else ref("base.USD")
        foreign.active = True
        # 1 company unit = 0.125 foreign before the handover (a foreign unit is worth 8), 0.1 since (10).
        cls.env["res.currency.rate"].create([
            {"currency_id": foreign.id, "name": datetime.date(2026, 10, 20), "rate": 0.125,
             "company_id": company.id},
            {"currency_id": foreign.id, "name": datetime.date(2026, 11, 20), "rate": 0.1, "company_id": company.id},
        ])
        Account = cls.env["bank.account"]
        for partner, category, number, currency in (
            (cls.customer_vip, "product_category_dep_demand", "T-ATT-VIP", company.currency_id),
            (cls.customer_vip, "product_category_loan_credit", "T-ATT-LOAN", company.currency_id),
            (cls.customer_a, "product_category_fund", "T-ATT-A", company.currency_id),
            (cls.customer_a3, "product_category_dep_demand", "T-ATT-A3", foreign),
        ):
            Account.create({"partner_id": partner.id, "category_id": ref(PREFIX + category).id,
                            "account_no": number, "currency_id": currency.id, "contract_amount": 80000})
        cls.env["bank.balance"].with_user(cls.user_admin).load_balances([
            {"account_no": "T-ATT-VIP", "date": "2026-10-31", "balance": 500000},
            {"account_no": "T-ATT-VIP", "date": "2026-11-29", "balance": 300000},
            {"account_no": "T-ATT-LOAN", "date": "2026-10-31", "balance": 80000},
            {"account_no": "T-ATT-LOAN", "date": "2026-11-29", "balance": 20000},
            {"account_no": "T-ATT-A", "date": "2026-10-27", "balance": 100000},
            {"account_no": "T-ATT-A", "date": "2026-11-02", "balance": 150000},
            {"account_no": "T-ATT-A3", "date": "2026-10-31", "balance": 1000},
            {"account_no": "T-ATT-A3", "date": "2026-11-30", "balance": 1000},
        ])

    def setUp(self):
        super().setUp()
        # The handover is done at 10:00 in Beijing on 1 November.
        with self.clock_at(datetime.datetime(2026, 11, 1, 2, 0)):
            self.handover = self.ready_handover()
            self.handover.with_user(self.user_supervisor).action_done()
        self.assertEqual(self.handover.state, "done")
        self.ours = [("handover_id", "=", self.handover.id)]

    def rows(self, user=None):
        Report = self.env[REPORT].with_user(user) if user else self.env[REPORT]
        return Report.search(self.ours)

    def test_aum_at_the_handover_and_now(self):
        rows = {row.partner_id: row for row in self.rows()}
        self.assertEqual(set(rows), set(self.portfolio | self.customer_b))
        figures = {partner: (row.aum_at_handover, row.aum_now, row.aum_change, row.aum_lost)
                   for partner, row in rows.items()}
        self.assertEqual(figures, {
            # The deposit only: the loan is no asset. 500,000 on the eve, 300,000 since.
            self.customer_vip: (500000, 300000, -200000, True),
            # The fund's newest balance not after the day (27 October), then the one of 2 November.
            self.customer_a: (100000, 150000, 50000, False),
            # 1,000 foreign at 8 on the day, at 10 today.
            self.customer_a3: (8000, 10000, 2000, False),
            self.customer_a2: (0, 0, 0, False),
            self.customer_b: (0, 0, 0, False),
        })
        vip = rows[self.customer_vip]
        self.assertEqual((vip.handover_date, vip.outgoing_rm_id, vip.successor_rm_id, vip.rm_id, vip.rm_role),
                         (self.handover_day, self.rm_a, self.rm_d, self.rm_d, "primary"))
        self.assertEqual(rows[self.customer_b].rm_role, "backup")

    def test_by_handover_and_successor(self):
        [(handover, successor, count, at, now)] = self.env[REPORT]._read_group(
            self.ours, ["handover_id", "successor_rm_id"],
            ["customer_count:sum", "aum_at_handover:sum", "aum_now:sum"])
        self.assertEqual((handover, successor, count, at, now), (self.handover, self.rm_d, 5, 608000, 460000))

    def test_window_of_ninety_days(self):
        with self.clock_at(datetime.datetime(2027, 1, 29, 2, 0)):
            self.assertEqual(len(self.rows()), 5, "89 days after")
        with self.clock_at(datetime.datetime(2027, 1, 31, 2, 0)):
            self.assertFalse(self.rows(), "91 days after")
        self.assertEqual(fields.Date.subtract(self.today, days=30), self.handover_day)

    def test_successor_unit_heads_and_the_others(self):
        everyone = self.portfolio | self.customer_b
        self.assertEqual(self.rows(self.user_rm_d).partner_id, everyone)
        # The outgoing RM no longer serves them; RM b is A's backup and B's primary RM.
        self.assertFalse(self.rows(self.user_rm_a))
        self.assertEqual(self.rows(self.user_rm_b).partner_id, self.customer_a | self.customer_b)
        self.assertFalse(self.rows(self.user_rm_c))
        self.assertEqual(self.rows(self.user_head_1).partner_id, self.portfolio)
        self.assertEqual(self.rows(self.user_head_2).partner_id, self.customer_b)
        self.assertEqual(self.rows(self.user_supervisor).partner_id, everyone)
        self.assertFalse(self.rows(self.user_center_head))
        self.assertEqual(self.rows(self.user_office).partner_id, everyone)
        [(at,)] = self.env[REPORT].with_user(self.user_head_2)._read_group(self.ours, [], ["aum_at_handover:sum"])
        self.assertEqual(at, 0)
        for user in (self.user_hr, self.user_plain):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env[REPORT].with_user(user).search([])
