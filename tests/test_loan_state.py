# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Loan exceptions (SPEC §9a): the optional loan keys of load_balances and the CSV import."""
import base64
import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import BankCase


class LoanCase(BankCase):
    """Customer A holds a demand deposit and a credit loan (outlet 1, head t_head_1); customer B
    a pledge loan (outlet 2)."""

    reference_now = datetime.datetime(2026, 12, 7, 2, 0)  # 10:00 in Beijing

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.customer_a.write({"bank_unit_id": cls.outlet_1.id})
        cls.customer_b.write({"bank_unit_id": cls.outlet_2.id})
        Account = cls.env["bank.account"]
        cls.demand = Account.create({
            "partner_id": cls.customer_a.id, "account_no": "T-DEP-A",
            "category_id": ref("bank_relationship_manager.product_category_dep_demand").id,
        })
        cls.loan = Account.create({
            "partner_id": cls.customer_a.id, "account_no": "T-LOAN-A", "contract_amount": 80000,
            "category_id": ref("bank_relationship_manager.product_category_loan_credit").id,
        })
        cls.loan_b = Account.create({
            "partner_id": cls.customer_b.id, "account_no": "T-LOAN-B", "contract_amount": 300000,
            "category_id": ref("bank_relationship_manager.product_category_loan_pledge").id,
        })
        cls.Balance = cls.env["bank.balance"].with_user(cls.user_admin)

    def day(self, days_ago):
        return (self.today - datetime.timedelta(days=days_ago)).isoformat()

    def feed(self, rows):
        return self.Balance.load_balances(rows)


@tagged("post_install", "-at_install")
class TestLoanFeed(LoanCase):

    def test_rows_without_loan_keys_load_as_before(self):
        result = self.feed([
            {"account_no": "T-DEP-A", "date": self.day(2), "balance": 1000},
            {"account_no": "T-LOAN-A", "date": self.day(2), "balance": -50000},
        ])
        self.assertEqual(result, {"created": 2, "updated": 0})
        self.assertEqual((self.loan.days_overdue, self.loan.arrears_amount), (0, 0))
        self.assertFalse(self.loan.loan_figures_date)
        self.assertEqual(self.loan.loan_status, "normal")

    def test_newest_row_of_each_account_sets_the_figures(self):
        result = self.feed([
            {"account_no": "T-LOAN-A", "date": self.day(1), "balance": -50000, "days_overdue": 4,
             "arrears_amount": "120.50"},
            {"account_no": "T-LOAN-A", "date": self.day(3), "balance": -50000, "days_overdue": 2,
             "arrears_amount": 0},
            {"account_no": "T-LOAN-B", "date": self.day(1), "balance": -200000, "days_overdue": "11",
             "arrears_amount": ""},
            {"account_no": "T-DEP-A", "date": self.day(1), "balance": 10, "days_overdue": "",
             "arrears_amount": None},
        ])
        self.assertEqual(result, {"created": 4, "updated": 0})
        self.assertEqual((self.loan.days_overdue, self.loan.arrears_amount), (4, 120.5))
        self.assertEqual(str(self.loan.loan_figures_date), self.day(1))
        self.assertEqual(str(self.loan.loan_exception_since), self.day(1))
        self.assertEqual(self.loan.loan_status, "exception")
        self.assertEqual((self.loan_b.days_overdue, self.loan_b.arrears_amount), (11, 0))
        self.assertEqual(self.loan_b.loan_status, "alarm")
        # An older back-filled row changes nothing; a newer one clears the loan.
        self.feed([{"account_no": "T-LOAN-A", "date": self.day(5), "balance": -50000, "days_overdue": 0,
                    "arrears_amount": 0}])
        self.assertEqual(self.loan.days_overdue, 4)
        self.feed([{"account_no": "T-LOAN-A", "date": self.day(0), "balance": -49000, "days_overdue": 0,
                    "arrears_amount": 0}])
        self.assertEqual((self.loan.days_overdue, self.loan.arrears_amount), (0, 0))
        self.assertFalse(self.loan.loan_exception_since)
        self.assertEqual(self.loan.loan_status, "normal")
        # One figure alone keeps the other.
        self.feed([{"account_no": "T-LOAN-B", "date": self.day(0), "balance": -200000, "arrears_amount": 30}])
        self.assertEqual((self.loan_b.days_overdue, self.loan_b.arrears_amount), (11, 30))
        self.assertEqual(str(self.loan_b.loan_exception_since), self.day(1))

    def test_bad_loan_values_refuse_everything(self):
        rows = [
            {"account_no": "T-LOAN-A", "date": self.day(1), "balance": -5, "days_overdue": -1},
            {"account_no": "T-LOAN-A", "date": self.day(2), "balance": -5, "days_overdue": 36501},
            {"account_no": "T-LOAN-A", "date": self.day(3), "balance": -5, "days_overdue": 2.5},
            {"account_no": "T-LOAN-A", "date": self.day(4), "balance": -5, "days_overdue": True},
            {"account_no": "T-LOAN-A", "date": self.day(5), "balance": -5, "arrears_amount": "nan"},
            {"account_no": "T-LOAN-A", "date": self.day(6), "balance": -5, "arrears_amount": -3},
            {"account_no": "T-LOAN-A", "date": self.day(7), "balance": -5, "arrears_amount": 1e309},
            {"account_no": "T-DEP-A", "date": self.day(1), "balance": 5, "days_overdue": 0},
            {"account_no": "T-LOAN-B", "date": self.day(1), "balance": -5, "days_overdue": 3},
        ]
        with self.assertRefused(UserError, r"8 of 9 rows") as caught:
            self.feed(rows)
        message = str(caught.exception)
        for row in range(1, 9):
            self.assertIn(f"Row {row} ", message)
        self.assertNotIn("Row 9 ", message)
        self.assertIn("loan accounts only", message)
        self.assertIn("36500", message)
        self.assertFalse(self.env["bank.balance"].search_count([("account_id", "in", (self.loan | self.loan_b).ids)]))
        self.assertEqual(self.loan_b.days_overdue, 0)

    def test_figures_are_the_feeds_only(self):
        with self.assertRefused(AccessError, "set by the record's actions only"):
            self.loan.with_user(self.user_admin).write({"days_overdue": 3})
        with self.assertRefused(AccessError, "set by the record's actions only"):
            self.env["bank.account"].with_user(self.user_admin).create({
                "partner_id": self.customer_a.id, "account_no": "T-LOAN-X", "arrears_amount": 5,
                "category_id": self.loan.category_id.id,
            })

    def test_csv_with_and_without_loan_columns(self):
        Import = self.env["bank.balance.import"].with_user(self.user_admin)

        def load(text):
            wizard = Import.create({"file": base64.b64encode(text.encode()), "filename": "b.csv"})
            wizard.action_import()
            return wizard

        done = load(f"account_no,date,balance\nT-DEP-A,{self.day(1)},100\n")
        self.assertEqual((done.state, done.created_count), ("done", 1))
        done = load(
            "account_no,date,balance,days_overdue,arrears_amount\n"
            f"T-DEP-A,{self.day(0)},100,,\nT-LOAN-A,{self.day(0)},-900,12,35.5\n"
        )
        self.assertEqual((done.state, done.created_count), ("done", 2))
        self.assertEqual((self.loan.days_overdue, self.loan.arrears_amount), (12, 35.5))
        refused = load(
            "account_no,date,balance,days_overdue,arrears_amount\n"
            f"T-DEP-A,{self.day(2)},100,3,\nT-LOAN-B,{self.day(2)},-9,x,\n"
        )
        self.assertEqual(refused.state, "error")
        self.assertIn("Row 1 ", refused.error_text)
        self.assertIn("Row 2 ", refused.error_text)
        self.assertEqual(self.loan_b.days_overdue, 0)
