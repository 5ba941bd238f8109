# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import format_date

from .common import BankCase


@tagged("post_install", "-at_install")
class TestBalanceLoading(BankCase):
    """load_balances: every row checked first, one error listing them all, then all rows or none."""

    reference_now = datetime.datetime(2026, 12, 7, 2, 0)  # 10:00 in Beijing

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        Account = cls.env["bank.account"]
        cls.demand = Account.create(
            {
                "partner_id": cls.customer_a.id,
                "category_id": ref("bank_relationship_manager.product_category_dep_demand").id,
                "account_no": "T-DEP-A",
            }
        )
        cls.loan = Account.create(
            {
                "partner_id": cls.customer_a.id,
                "category_id": ref("bank_relationship_manager.product_category_loan_credit").id,
                "account_no": "T-LOAN-A",
                "contract_amount": 80000,
            }
        )
        cls.fund_c = Account.create(
            {
                "partner_id": cls.customer_c.id,
                "category_id": ref("bank_relationship_manager.product_category_fund").id,
                "account_no": "T-FUND-C",
            }
        )
        cls.Balance = cls.env["bank.balance"].with_user(cls.user_admin)

    def _rows(self, account):
        return self.env["bank.balance"].search([("account_id", "=", account.id)], order="date")

    def test_load_and_upsert(self):
        result = self.Balance.load_balances(
            [
                {"account_no": "T-DEP-A", "date": "2026-01-05", "balance": 1000},
                {"account_no": "T-DEP-A", "date": "2026-01-09", "balance": "2500.50"},
                {"account_no": "T-LOAN-A", "date": datetime.date(2026, 1, 5), "balance": -0.0},
            ]
        )
        self.assertEqual(result, {"created": 3, "updated": 0})
        self.assertEqual(self._rows(self.demand).mapped("balance"), [1000, 2500.5])
        self.assertEqual(self.demand.balance, 2500.5, "the account shows its newest balance")
        self.assertEqual(self.demand.balance_date, datetime.date(2026, 1, 9))
        self.assertEqual(self._rows(self.demand).partner_id, self.customer_a)
        # Same account and date again: replaced, not duplicated; an older date does not
        # change the latest balance shown on the account.
        result = self.Balance.load_balances(
            [
                {"account_no": "T-DEP-A", "date": "2026-01-09", "balance": 3000},
                {"account_no": "T-DEP-A", "date": "2026-01-01", "balance": 10},
            ]
        )
        self.assertEqual(result, {"created": 1, "updated": 1})
        self.assertEqual(self._rows(self.demand).mapped("balance"), [10, 1000, 3000])
        self.assertEqual(self.demand.balance, 3000)

    def test_every_bad_row_listed_and_nothing_loaded(self):
        rows = [
            {"account_no": "T-DEP-A", "date": "2026-02-01", "balance": 500},  # 1 good
            {"account_no": "NOPE", "date": "2026-02-01", "balance": 1},  # 2 unknown account
            {"account_no": "T-DEP-A", "date": "2026-02-30", "balance": 1},  # 3 impossible date
            {"account_no": "T-DEP-A", "date": "01/02/2026", "balance": 1},  # 4 malformed date
            {"account_no": "T-DEP-A", "date": "2026-02-02", "balance": float("nan")},  # 5
            {"account_no": "T-DEP-A", "date": "2026-02-03", "balance": float("inf")},  # 6
            {"account_no": "T-DEP-A", "date": "2026-02-04", "balance": "1e309"},  # 7 overflows to inf
            {"account_no": "T-DEP-A", "date": "2026-02-05", "balance": "abc"},  # 8 text
            {"account_no": "T-DEP-A", "date": "2026-02-06", "balance": "=HYPERLINK(\"x\")"},  # 9 formula
            {"account_no": "T-DEP-A", "date": "2026-02-07", "balance": -1},  # 10 negative deposit
            {"account_no": "T-DEP-A", "date": "2026-02-01", "balance": 7},  # 11 duplicate of row 1
            {"account_no": "", "date": "2026-02-01", "balance": 7},  # 12 no account
            "T-DEP-A,2026-02-01,5",  # 13 not a row
            {"account_no": "T-DEP-A", "date": "2026-02-08", "balance": True},  # 14 boolean
        ]
        with self.assertRaises(UserError) as caught:
            self.Balance.load_balances(rows)
        message = str(caught.exception)
        self.assertIn("13 of 14 rows are wrong", message)
        for row, reason in (
            (2, "unknown account"),
            (3, "malformed date"),
            (4, "malformed date"),
            (5, "not a finite number"),
            (6, "not a finite number"),
            (7, "not a finite number"),
            (8, "not a finite number"),
            (9, "not a finite number"),
            (10, "cannot be negative"),
            (11, "same account and date as row 1"),
            (12, "no account number"),
            (13, "not a row"),
            (14, "not a finite number"),
        ):
            self.assertRegex(message, rf"Row {row}\b[^\n]*{reason}", f"row {row}")
        self.assertNotRegex(message, r"Row 1\b")
        self.assertFalse(self._rows(self.demand), "nothing was loaded, not even the good row")
        self.assertFalse(self.demand.balance_date)

    def test_negative_loan_balance_is_a_number_like_any_other(self):
        # Only deposits and investments are refused below zero (SPEC §3).
        self.Balance.load_balances([{"account_no": "T-LOAN-A", "date": "2026-03-01", "balance": -5}])
        self.assertEqual(self.loan.balance, -5)

    def test_business_users_cannot_load_or_delete(self):
        row = [{"account_no": "T-DEP-A", "date": "2026-02-01", "balance": 500}]
        for user in (self.user_rm_a, self.user_head_1, self.user_office):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["bank.balance"].with_user(user).load_balances(row)
        self.Balance.load_balances(row)
        with self.assertRaises(UserError):
            self._rows(self.demand).with_user(self.user_admin).unlink()
        self.assertTrue(self._rows(self.demand))

    def test_rms_read_their_customers_holdings_only(self):
        self.Balance.load_balances(
            [
                {"account_no": "T-DEP-A", "date": "2026-02-01", "balance": 500},
                {"account_no": "T-FUND-C", "date": "2026-02-01", "balance": 900},
            ]
        )
        Account = self.env["bank.account"].with_user(self.user_rm_a)
        Balance = self.env["bank.balance"].with_user(self.user_rm_a)
        self.assertEqual(Account.search([("id", "in", (self.demand | self.fund_c).ids)]), self.demand)
        self.assertEqual(Balance.search([]).account_id, self.demand)
        with self.assertRaises(AccessError):
            self.fund_c.with_user(self.user_rm_a).read(["balance"])
        with self.assertRaises(AccessError):
            self._rows(self.fund_c).with_user(self.user_rm_a).read(["balance"])
        # The backup RM of customer A reads them too; the centre's RM reads only its own.
        self.assertTrue(self.demand.with_user(self.user_rm_b).has_access("read"))
        self.assertEqual(
            self.env["bank.account"].with_user(self.user_rm_c).search([("id", "in", (self.demand | self.fund_c).ids)]),
            self.fund_c,
        )
        # Access follows a reassignment at once.
        self.customer_c.bank_rm_id = self.rm_a
        self.assertEqual(Balance.search([]).account_id, self.demand | self.fund_c)

    def test_csv_wizard(self):
        def run(content):
            wizard = self.env["bank.balance.import"].with_user(self.user_admin).create(
                {"file": base64.b64encode(content.encode("utf-8")), "filename": "balances.csv"}
            )
            wizard.action_import()
            return wizard

        bad = run("\ufeffaccount_no,date,balance\nT-DEP-A,2026-04-01,100\nT-DEP-A,2026-04-02,=HYPERLINK(\"x\")\n")
        self.assertEqual(bad.state, "error")
        self.assertIn("Row 2 (account T-DEP-A)", bad.error_text)
        self.assertFalse(self._rows(self.demand), "a bad line refuses the whole file")
        wrong_columns = run("account,date,amount\nT-DEP-A,2026-04-01,100\n")
        self.assertEqual(wrong_columns.state, "error")
        self.assertIn("account_no,date,balance", wrong_columns.error_text)
        short = run("account_no,date,balance\nT-DEP-A,2026-04-01\n")
        self.assertEqual(short.state, "error")
        self.assertIn("Row 1: not a row", short.error_text)
        good = run("\ufeffaccount_no,date,balance\r\nT-DEP-A,2026-04-01,100\r\nT-DEP-A,2026-04-02,150.25\r\n")
        self.assertEqual((good.state, good.created_count, good.updated_count), ("done", 2, 0))
        self.assertEqual(self.demand.balance, 150.25)

    def test_large_fund_movements(self):
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_large_movement")

        def movements(partner):
            return self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", partner.id),
                 ("activity_type_id", "=", activity_type.id)]
            )

        load = self.Balance.load_balances
        load([{"account_no": "T-DEP-A", "date": "2026-05-01", "balance": 1000000}])
        self.assertFalse(movements(self.customer_a), "a first balance is no movement")
        load([{"account_no": "T-DEP-A", "date": "2026-05-02", "balance": 950000}])
        self.assertFalse(movements(self.customer_a), "-50,000 and -5 %: below both thresholds")
        mails = self.env["mail.mail"].search_count([])
        load([{"account_no": "T-DEP-A", "date": "2026-05-03", "balance": 600000}])
        activity = movements(self.customer_a)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails, "no e-mail per activity (the workbench)")
        self.assertEqual(len(activity), 1, "-350,000 is -37 %: at least the 30 % share")
        self.assertEqual(activity.user_id, self.user_rm_a, "for the primary RM")
        self.assertEqual(activity.date_deadline, self.today, "the same day (the bank's)")
        self.assertEqual(activity.bank_movement_date, datetime.date(2026, 5, 3))
        self.assertIn(format_date(self.env(context={"lang": self.user_rm_a.lang}), "2026-05-03"), activity.summary,
                      "the date in the RM's format")
        self.assertIn("-37%", str(activity.note))
        load([{"account_no": "T-DEP-A", "date": "2026-05-03", "balance": 600000}])
        self.assertEqual(len(movements(self.customer_a)), 1, "loading the same day again adds nothing")
        # By amount alone: 5,000,000 to 4,400,000 is -12 % but -600,000.
        self.fund_c.partner_id = self.customer_c
        load([{"account_no": "T-FUND-C", "date": "2026-05-01", "balance": 5000000}])
        load([{"account_no": "T-FUND-C", "date": "2026-05-04", "balance": 4400000}])
        self.assertEqual(movements(self.customer_c).user_id, self.user_rm_c)
        # Loans are not assets: a loan moving is no fund movement.
        load([{"account_no": "T-LOAN-A", "date": "2026-05-01", "balance": 0},
              {"account_no": "T-LOAN-A", "date": "2026-05-05", "balance": 900000}])
        self.assertEqual(len(movements(self.customer_a)), 1)

    def test_large_movement_across_holdings_and_late_rows(self):
        """The customer's assets on the loaded day against those on their previous balance date,
        each holding as it stood on that date (a holding not updated since counts its older
        balance), also for a late row loaded between older ones."""
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_large_movement")
        self.env["bank.account"].create({
            "partner_id": self.customer_a.id,
            "category_id": self.env.ref("bank_relationship_manager.product_category_dep_time").id,
            "account_no": "T-TIME-A",
        })

        def movements():
            return self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id),
                 ("activity_type_id", "=", activity_type.id)], order="bank_movement_date")

        load = self.Balance.load_balances
        load([{"account_no": "T-DEP-A", "date": "2026-05-01", "balance": 100000},
              {"account_no": "T-TIME-A", "date": "2026-05-02", "balance": 2000000},
              {"account_no": "T-DEP-A", "date": "2026-05-03", "balance": 100000}])
        self.assertFalse(movements(), "2,100,000 on 2 May, 2,100,000 on 3 May")
        load([{"account_no": "T-DEP-A", "date": "2026-05-04", "balance": 100000}])
        self.assertFalse(movements(), "the time deposit of 2 May still counts on 3 May")
        load([{"account_no": "T-DEP-A", "date": "2026-05-05", "balance": 800000}])
        self.assertEqual(movements().mapped("bank_movement_date"), [datetime.date(2026, 5, 5)])
        self.assertIn("+33%", str(movements().note), "2,100,000 on 4 May to 2,800,000: +700,000")
        # A late row between older ones: 3,000,000 on 2 May against 100,000 on 1 May (the time
        # deposit had no balance yet on 1 May, and shows 2,000,000 on 2 May).
        load([{"account_no": "T-DEP-A", "date": "2026-05-02", "balance": 3000000}])
        late = movements().filtered(lambda activity: activity.bank_movement_date == datetime.date(2026, 5, 2))
        self.assertEqual(len(late), 1)
        self.assertIn("+4900%", str(late.note))
