# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Loan exceptions (SPEC §9a): the optional loan keys of load_balances and the CSV import."""
import base64
import datetime
from unittest.mock import patch

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


class StateRuns:
    """Running the nightly crons on a given day (offset from the class's ``today``)."""

    def at(self, days):
        return self.reference_now + datetime.timedelta(days=days)

    def run_state(self, days=0):
        with self.clock_at(self.at(days)), self.cron_batches_commit():
            self.env["res.partner"]._cron_bank_customer_state()

    def run_post_loan(self, days=0):
        with self.clock_at(self.at(days)), self.cron_batches_commit():
            return self.env["bank.maintenance.plan"]._cron_plan_post_loan()

    def activities(self, partner, xmlid, user=None):
        domain = [
            ("res_model", "=", "res.partner"), ("res_id", "=", partner.id),
            ("activity_type_id", "=", self.env.ref(f"bank_relationship_manager.{xmlid}").id),
        ]
        if user:
            domain.append(("user_id", "=", user.id))
        return self.env["mail.activity"].search(domain)


@tagged("post_install", "-at_install")
class TestLoanState(StateRuns, LoanCase):

    def setUp(self):
        super().setUp()
        self.only_our_customers()

    def overdue(self, account_no, days, when, arrears=0):
        self.feed([{"account_no": account_no, "date": self.day(-when), "balance": -1000, "days_overdue": days,
                    "arrears_amount": arrears}])

    def test_overdue_9_10_11_exception_then_alarm(self):
        self.overdue("T-LOAN-A", 9, 0)
        self.run_state(0)
        a = self.customer_a
        self.assertEqual((a.bank_state, a.bank_loan_exception_since, a.bank_loan_alarm_since),
                         ("watch", self.today, False))
        self.assertIn("T-LOAN-A", a.bank_state_reason)
        self.assertEqual(self.activities(a, "mail_activity_type_state_loan_exception").user_id, self.user_rm_a)
        self.assertFalse(self.activities(a, "mail_activity_type_state_loan_alarm"))
        self.overdue("T-LOAN-A", 10, 1)
        self.run_state(1)
        self.assertEqual((a.bank_state, self.loan.loan_status), ("watch", "exception"))
        self.assertEqual(len(self.activities(a, "mail_activity_type_state_loan_exception")), 1, "once per occurrence")
        self.assertFalse(self.activities(a, "mail_activity_type_state_loan_alarm"))
        self.overdue("T-LOAN-A", 11, 2)
        self.run_state(2)
        self.assertEqual((a.bank_state, self.loan.loan_status), ("alarm", "alarm"))
        self.assertEqual(a.bank_loan_alarm_since, self.today + datetime.timedelta(days=2))
        alarms = self.activities(a, "mail_activity_type_state_loan_alarm")
        self.assertEqual(alarms.user_id, self.user_rm_a | self.user_head_1)
        self.assertEqual(len(alarms), 2)
        self.assertFalse(self.activities(a, "mail_activity_type_state_loan_alarm", self.user_head_2))
        self.run_state(3)
        self.assertEqual(len(self.activities(a, "mail_activity_type_state_loan_alarm")), 2, "no second alarm")
        self.assertEqual(a.bank_state, "alarm")

    def test_clearing_and_a_new_occurrence(self):
        self.overdue("T-LOAN-A", 12, 0)
        self.run_state(0)
        a = self.customer_a
        self.assertEqual(a.bank_state, "alarm")
        self.assertFalse(self.activities(a, "mail_activity_type_state_loan_exception"),
                         "a new alarm replaces the RM's exception activity of the same night")
        # Partly brought back: still the same (alarm) occurrence until the feed clears the loan.
        self.overdue("T-LOAN-A", 3, 1)
        self.run_state(1)
        self.assertEqual(a.bank_state, "alarm")
        self.overdue("T-LOAN-A", 0, 2)
        self.run_state(2)
        self.assertEqual((a.bank_state, a.bank_loan_exception_since, a.bank_loan_alarm_since), ("normal", False, False))
        self.assertFalse(a.bank_state_reason)
        self.overdue("T-LOAN-A", 0, 3, arrears=50)
        self.run_state(3)
        self.assertEqual(a.bank_state, "watch")
        self.assertEqual(len(self.activities(a, "mail_activity_type_state_loan_exception")), 1, "a new occurrence")
        self.assertEqual(len(self.activities(a, "mail_activity_type_state_loan_alarm")), 2)

    def test_straight_to_alarm_tells_rm_and_head_once(self):
        self.overdue("T-LOAN-B", 30, 0)
        self.run_state(0)
        alarms = self.activities(self.customer_b, "mail_activity_type_state_loan_alarm")
        self.assertEqual(sorted(alarms.user_id.ids), sorted((self.user_rm_b | self.user_head_2).ids))
        self.assertFalse(self.activities(self.customer_b, "mail_activity_type_state_loan_exception"))

    def test_alarm_days_setting(self):
        self.env["ir.config_parameter"].set_param("bank_relationship_manager.loan_alarm_days", 5)
        self.overdue("T-LOAN-A", 6, 0)
        self.run_state(0)
        self.assertEqual(self.customer_a.bank_state, "alarm")

    def test_state_cron_resumes_after_a_crash(self):
        self.overdue("T-LOAN-A", 2, 0)
        self.overdue("T-LOAN-B", 2, 0)
        with patch("odoo.addons.bank_relationship_manager.models.res_partner_state.STATE_BATCH", 1), \
                self.clock_at(self.at(0)), self.cron_batches_commit():
            first, crashed = self.crash_cron_midway(
                "res.partner", "_bank_update_state", self.env["res.partner"]._cron_bank_customer_state,
            )
            self.assertEqual(first, self.customer_a)
            self.assertEqual(self.customer_a.bank_state_date, self.today, "the first batch was committed")
            self.assertFalse(crashed.bank_state_date)
            self.env["res.partner"]._cron_bank_customer_state()
        for customer in (self.customer_a, self.customer_b):
            self.assertEqual(customer.bank_state, "watch")
            self.assertEqual(len(self.activities(customer, "mail_activity_type_state_loan_exception")), 1)
        self.assertEqual(self.customer_c.bank_state, "normal")

    def test_state_fields_are_the_runs(self):
        with self.assertRefused(AccessError, "set by the record's actions only"):
            self.customer_a.with_user(self.user_rm_a).write({"bank_state": "normal"})
        with self.assertRefused(AccessError, "set by the record's actions only"):
            self.customer_a.with_user(self.user_admin).write({"bank_loan_alarm_since": False})

    def test_exceptions_as_each_role(self):
        self.overdue("T-LOAN-A", 4, 0)
        self.overdue("T-LOAN-B", 20, 0)
        exceptions = [("loan_status", "in", ["exception", "alarm"])]
        Account = self.env["bank.account"]
        for user, expected in (
            (self.user_head_1, self.loan), (self.user_head_2, self.loan_b), (self.user_rm_a, self.loan),
            (self.user_rm_c, Account), (self.user_office, self.loan | self.loan_b),
            (self.user_supervisor, self.loan | self.loan_b),
        ):
            with self.subTest(user=user.login):
                found = Account.with_user(user).search(exceptions + [("id", "in", (self.loan | self.loan_b).ids)])
                self.assertEqual(found, expected)
        # Alarms first: the list's order is the most days overdue first.
        found = Account.with_user(self.user_office).search(
            exceptions + [("id", "in", (self.loan | self.loan_b).ids)], order="days_overdue desc")
        self.assertEqual(found[0], self.loan_b)
        with self.assertRefused(AccessError, "."):
            self.loan.with_user(self.user_rm_c).read(["days_overdue"])
        with self.assertRefused(AccessError, "."):
            self.loan_b.with_user(self.user_head_1).read(["arrears_amount"])
        self.run_state(0)
        with self.assertRefused(AccessError, "."):
            self.customer_a.with_user(self.user_rm_c).read(["bank_state_reason"])
        self.assertEqual(self.customer_a.with_user(self.user_head_1).bank_state, "watch")


@tagged("post_install", "-at_install")
class TestPostLoanChecks(StateRuns, LoanCase):

    def setUp(self):
        super().setUp()
        self.only_our_customers()
        self.loan.with_user(self.user_admin).write({"contract_amount": 99999})
        self.loan_b.with_user(self.user_admin).write({"contract_amount": 100000})

    def checks(self, partner):
        return self.activities(partner, "mail_activity_type_post_loan_check")

    def test_large_loans_and_the_interval(self):
        self.run_post_loan(0)
        self.assertFalse(self.checks(self.customer_a), "99,999 is below the threshold")
        check = self.checks(self.customer_b)
        self.assertEqual((len(check), check.user_id), (1, self.user_rm_b))
        self.assertIn("T-LOAN-B", check.summary)
        self.run_post_loan(0)
        self.run_post_loan(1)
        self.assertEqual(len(self.checks(self.customer_b)), 1, "one open check per loan")
        # Done through the maintenance done form: a post-loan log of the loan.
        Done = self.env["bank.activity.done"].with_user(self.user_rm_b)
        wizard = Done.with_context(default_activity_id=check.id).create({})
        with self.assertRefused(UserError, "Findings|findings"):
            wizard.action_done()
        wizard.write({"findings": "经营正常，抵押物完好", "check_mode": "off_site", "risk_signal": True})
        wizard.action_done()
        log = self.env["bank.maintenance.log"].search([("partner_id", "=", self.customer_b.id)])
        self.assertEqual((log.log_type, log.account_id, log.check_mode, log.risk_signal),
                         ("post_loan", self.loan_b, "off_site", True))
        self.assertEqual(log.findings, "经营正常，抵押物完好")
        self.assertFalse(self.checks(self.customer_b))
        self.run_post_loan(89)
        self.assertFalse(self.checks(self.customer_b), "not before the interval")
        self.run_post_loan(90)
        self.assertEqual(len(self.checks(self.customer_b)), 1, "the next periodic check")

    def test_loan_in_exception_is_checked_at_once(self):
        self.feed([{"account_no": "T-LOAN-A", "date": self.day(0), "balance": -5, "days_overdue": 2}])
        self.run_post_loan(0)
        check = self.checks(self.customer_a)
        self.assertEqual((len(check), check.date_deadline), (1, self.today))
        self.run_post_loan(1)
        self.assertEqual(len(self.checks(self.customer_a)), 1)

    def test_min_amount_setting(self):
        self.env["ir.config_parameter"].set_param("bank_relationship_manager.post_loan_min_amount", 50000)
        self.run_post_loan(0)
        self.assertEqual(len(self.checks(self.customer_a)), 1)
