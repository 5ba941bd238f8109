# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customer state (客户状态管理): assets falling, dormant, satisfaction, the settings, and the loan
keys of load_balances over JSON-RPC."""
import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import JsonRpcMixin
from .test_loan_state import LoanCase, StateRuns


@tagged("post_install", "-at_install")
class TestCustomerState(StateRuns, LoanCase):

    def setUp(self):
        super().setUp()
        self.only_our_customers()
        ref = self.env.ref
        self.fund_c = self.env["bank.account"].create({
            "partner_id": self.customer_c.id, "account_no": "T-FUND-C",
            "category_id": ref("bank_relationship_manager.product_category_fund").id,
        })
        self.time_b = self.env["bank.account"].create({
            "partner_id": self.customer_b.id, "account_no": "T-TIME-B",
            "category_id": ref("bank_relationship_manager.product_category_dep_time").id,
        })

    def rows(self, account_no, *pairs):
        self.feed([{"account_no": account_no, "date": str(day), "balance": amount} for day, amount in pairs])

    def test_dormant_boundary_once(self):
        today = self.today
        # C: the last change 180 days ago (a later row with the same balance is no change).
        self.rows("T-FUND-C", (today - datetime.timedelta(days=400), 100),
                  (today - datetime.timedelta(days=180), 150), (today - datetime.timedelta(days=10), 150))
        # B: the last change 179 days ago.
        self.rows("T-TIME-B", (today - datetime.timedelta(days=300), 100), (today - datetime.timedelta(days=179), 90))
        self.run_state(0)
        c, b = self.customer_c, self.customer_b
        self.assertEqual(c.bank_last_movement_date, today - datetime.timedelta(days=180))
        self.assertEqual((c.bank_state, c.bank_dormant_since), ("watch", today))
        self.assertIn("180", c.bank_state_reason)
        self.assertEqual((b.bank_state, b.bank_dormant_since), ("normal", False))
        self.assertEqual(self.activities(c, "mail_activity_type_state_dormant").user_id, self.user_rm_c)
        self.run_state(1)
        self.assertEqual(b.bank_dormant_since, today + datetime.timedelta(days=1), "dormant on day 180")
        self.run_state(2)
        self.assertEqual(len(self.activities(c, "mail_activity_type_state_dormant")), 1)
        self.assertEqual(len(self.activities(b, "mail_activity_type_state_dormant")), 1)
        # A change ends the occurrence.
        self.rows("T-FUND-C", (today + datetime.timedelta(days=3), 10))
        self.run_state(3)
        self.assertEqual((c.bank_state, c.bank_dormant_since), ("normal", False))

    def test_assets_falling_after_exactly_three_drops(self):
        # Month-ends of the reference day (2026-12-07): 11-30, 10-31, 09-30, 08-31.
        self.rows("T-DEP-A", ("2026-08-31", 400), ("2026-09-30", 300), ("2026-10-31", 200), ("2026-11-30", 100))
        with self.clock_at(datetime.datetime(2026, 11, 29, 2)), self.cron_batches_commit():
            self.env["res.partner"]._cron_bank_customer_state()
        a = self.customer_a
        self.assertFalse(a.bank_assets_falling_since, "07-31 → 08-31 was a rise: two drops only")
        with self.clock_at(datetime.datetime(2026, 11, 30, 2)), self.cron_batches_commit():
            self.env["res.partner"]._cron_bank_customer_state()
        self.assertEqual(a.bank_assets_falling_since, datetime.date(2026, 11, 30), "the third drop")
        self.assertIn("2026-11-30", a.bank_state_reason)
        self.run_state(0)
        self.assertEqual(a.bank_assets_falling_since, datetime.date(2026, 11, 30), "the same occurrence")
        self.assertEqual(len(self.activities(a, "mail_activity_type_state_assets_falling", self.user_rm_a)), 1)

    def test_assets_steady_month_is_no_drop(self):
        self.rows("T-DEP-A", ("2026-08-31", 400), ("2026-09-30", 300), ("2026-10-31", 300), ("2026-11-30", 100))
        self.run_state(0)
        self.assertFalse(self.customer_a.bank_assets_falling_since)
        self.assertEqual(self.customer_a.bank_state, "normal")

    def test_assets_falling_months_setting(self):
        self.env["ir.config_parameter"].set_param("bank_relationship_manager.assets_falling_months", 2)
        self.rows("T-DEP-A", ("2026-09-30", 300), ("2026-10-31", 200), ("2026-11-30", 100))
        self.run_state(0)
        self.assertEqual(self.customer_a.bank_assets_falling_since, self.today)

    def test_settings_refuse_bad_values(self):
        Settings = self.env["res.config.settings"]
        for values in (
            {"bank_dormant_days": 0}, {"bank_assets_falling_months": 13}, {"bank_loan_alarm_days": -1},
            {"bank_post_loan_min_amount": 0}, {"bank_post_loan_min_amount": float("nan")},
            {"bank_post_loan_interval_days": 0},
        ):
            with self.subTest(values=values), self.assertRefused(ValidationError, "Settings"):
                Settings.create(values)
        Settings.create({"bank_dormant_days": 30, "bank_loan_alarm_days": 0}).execute()
        self.assertEqual(self.env["ir.config_parameter"].get_param("bank_relationship_manager.dormant_days"), "30")

    def test_satisfaction_recorded_and_trend(self):
        a = self.customer_a
        follow_up = self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": a.id,
            "activity_type_id": self.env.ref("bank_relationship_manager.mail_activity_type_post_sale").id,
            "user_id": self.user_rm_a.id, "summary": "售后回访",
        })
        wizard = self.env["bank.activity.done"].with_user(self.user_rm_a).with_context(
            default_activity_id=follow_up.id).create({"satisfaction": "4", "summary": "客户对基金表现满意"})
        wizard.action_done()
        log = self.env["bank.maintenance.log"].search([("partner_id", "=", a.id)])
        self.assertEqual((log.log_type, log.satisfaction), ("post_sale", "4"))
        a.invalidate_recordset()
        self.assertEqual((a.bank_satisfaction, a.bank_satisfaction_trend), ("4", False))
        complaint = self.env["bank.complaint"].with_user(self.user_rm_a).create({
            "partner_id": a.id, "description": "等候时间过长", "resolution": "已致歉",
        })
        with self.assertRefused(AccessError, "Customer satisfaction"):
            self.env["bank.complaint"].with_user(self.user_rm_a).create({
                "partner_id": a.id, "description": "x", "satisfaction": "5",
            })
        complaint.action_resolve()
        with self.assertRefused(AccessError, "Customer satisfaction"):
            complaint.write({"satisfaction": "5"})
        as_head = complaint.with_user(self.user_head_1)
        as_head.write({"satisfaction": "2", "root_cause": "窗口不足"})
        as_head.action_close()
        a.invalidate_recordset()
        self.assertEqual((a.bank_satisfaction, a.bank_satisfaction_trend, a.bank_satisfaction_date),
                         ("2", "down", self.today))
        with self.assertRefused(AccessError, "Case closed|closed"):
            as_head.write({"satisfaction": "5"})
        self.assertEqual(
            self.env["res.partner"]._bank_satisfaction_by_partner(a.ids, self.today - datetime.timedelta(days=1)), {}
        )


@tagged("post_install", "-at_install")
class TestLoanRpc(JsonRpcMixin, HttpCase, LoanCase):
    """load_balances with the loan keys and the loan exceptions through the web client's JSON-RPC."""

    def test_load_balances_with_loan_keys_over_rpc(self):
        result, error = self.call("t_bank_admin", "bank.balance", "load_balances", [[
            {"account_no": "T-LOAN-A", "date": self.day(0), "balance": -100, "days_overdue": 11,
             "arrears_amount": 25.5},
            {"account_no": "T-DEP-A", "date": self.day(0), "balance": 100},
        ]])
        self.assertFalse(error)
        self.assertEqual(result, {"created": 2, "updated": 0})
        self.loan.invalidate_recordset()
        self.assertEqual((self.loan.days_overdue, self.loan.arrears_amount), (11, 25.5))
        result, error = self.call("t_bank_admin", "bank.balance", "load_balances", [[
            {"account_no": "T-LOAN-B", "date": self.day(0), "balance": -100, "days_overdue": "eleven"},
            {"account_no": "T-DEP-A", "date": self.day(1), "balance": 100, "arrears_amount": 3},
            {"account_no": "T-LOAN-A", "date": self.day(1), "balance": -100, "days_overdue": 0},
        ]])
        self.assertIsNone(result)
        self.assertIn("2 of 3 rows", error)
        self.assertIn("Row 1 ", error)
        self.assertIn("Row 2 ", error)
        self.assertFalse(self.env["bank.balance"].search_count([("account_id", "=", self.loan_b.id)]))
        # The RM of another unit reads no exception; the unit head reads those of the unit.
        domain = [("loan_status", "in", ["exception", "alarm"]), ("id", "in", (self.loan | self.loan_b).ids)]
        found, error = self.call("t_rm_c", "bank.account", "search_read", [domain, ["account_no"]])
        self.assertEqual((found, error), ([], None))
        _result, error = self.call("t_rm_c", "bank.account", "read", [[self.loan.id], ["days_overdue"]])
        self.assertTrue(error)
        found, error = self.call("t_head_1", "bank.account", "search_read", [domain, ["account_no", "loan_status"]])
        self.assertEqual([(row["account_no"], row["loan_status"]) for row in found], [("T-LOAN-A", "alarm")])
        _result, error = self.call("t_head_1", "bank.account", "write", [[self.loan.id], {"days_overdue": 0}])
        self.assertTrue(error)
