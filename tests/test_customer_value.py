# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The monthly customer value snapshot (客户价值, SPEC §9a, docs/value.md): each figure against a hand
computation, the value classes at their boundaries, the monthly run (idempotent, resuming after a
crash, queries independent of the number of customers), frozen rows and access per role."""
import datetime
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.bank_relationship_manager.models.bank_guard_mixin import BankGuardError

from .common import JsonRpcMixin
from .test_loan_state import LoanCase

_PARAM = "bank_relationship_manager."
NOV, OCT, NOV_LAST_YEAR = datetime.date(2026, 11, 30), datetime.date(2026, 10, 31), datetime.date(2025, 11, 30)


class ValueCase(LoanCase):
    """Customer A: a demand deposit (30,000 from 1 October, 60,000 from 6 November, 90,000 from
    26 November) and a credit loan of 50,000 since 15 September; contacts in and around November.
    Customer B: a pledge loan without any balance. Rates chosen so that 30 days make round sums:
    3.65 % a year is 0.3 % a month of 30 days (0.31 % of 31 days)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        ref(_PARAM + "product_category_dep_demand").margin_rate = 3.65
        ref(_PARAM + "product_category_loan_credit").write({"margin_rate": 3.65, "risk_cost_rate": 1.46})
        ref(_PARAM + "service_cost_visit").cost = 100
        ref(_PARAM + "service_cost_sms").cost = 1
        for key, value in (("value_grow_potential", 60), ("value_watch_drop_pct", 20),
                           ("value_income_reference", 500000)):
            cls.env["ir.config_parameter"].set_param(_PARAM + key, value)
        cls.Balance.load_balances([
            {"account_no": "T-LOAN-A", "date": "2026-09-15", "balance": -50000},
            {"account_no": "T-DEP-A", "date": "2026-10-01", "balance": 30000},
            {"account_no": "T-DEP-A", "date": "2026-11-06", "balance": 60000},
            {"account_no": "T-DEP-A", "date": "2026-11-26", "balance": 90000},
        ])
        Log = cls.env["bank.maintenance.log"]
        for day, channel in (("2025-11-03", "sms"), ("2026-10-31", "visit"), ("2026-11-01", "visit"),
                             ("2026-11-30", "visit"), ("2026-11-15", "sms"), ("2026-12-01", "visit")):
            Log.create({"partner_id": cls.customer_a.id, "rm_id": cls.rm_a.id, "date": day, "channel": channel,
                        "summary": "Contact", "minutes": 10})
        cls.customer_a.write({"annual_income": 250000, "birthday": "1990-06-15"})
        # The tier engine's figures (written by the engine only: here as the superuser).
        cls.customer_a.write({"bank_is_potential": True, "bank_tier_gap": 30000})
        cls.Value = cls.env["bank.customer.value"]

    def setUp(self):
        super().setUp()
        self.only_our_customers()
        # Other snapshots (the demo's) count as closed months, so that closing a month counts ours only.
        self.env.cr.execute("UPDATE bank_customer_value SET state = 'closed' WHERE state = 'open'")
        self.ours = self.customer_a | self.customer_b | self.customer_c

    def generate(self, *days, user=None):
        Value = self.Value.with_user(user or self.user_admin)
        return [Value.generate_month(day) for day in days]

    def snapshot(self, partner, date):
        return self.Value.search([("partner_id", "=", partner.id), ("date", "=", date), ("is_current", "=", True)])


@tagged("post_install", "-at_install")
class TestValueFigures(ValueCase):

    def test_figures_by_hand(self):
        self.assertEqual(self.generate(NOV_LAST_YEAR, OCT, NOV), [3, 3, 3])
        a = self.snapshot(self.customer_a, NOV)
        # Deposits: 30,000 carried in from October for 1-5 November, 60,000 for 6-25 (across the
        # 2nd 旬 without any row), 90,000 for 26-30: (150,000 + 1,200,000 + 450,000) / 30.
        self.assertEqual(a.avg_deposit, 60000)
        self.assertEqual(a.aum, 90000)
        # The loan's only balance, two months back, is carried forward.
        self.assertEqual((a.avg_loan, a.loan_outstanding), (50000, 50000))
        self.assertEqual((a.avg_investment, a.categories_held), (0, 2))
        # Income: 0.3 % of 60,000 and of 50,000; risk: 0.12 % of 50,000; two visits and an SMS
        # (31 October and 1 December are other months).
        self.assertEqual((a.income, a.risk_cost, a.service_cost, a.contacts), (330, 60, 201, 3))
        self.assertEqual((a.cost, a.contribution), (261, 69))
        self.assertEqual((a.rm_id, a.unit_id, a.state), (self.rm_a, self.outlet_1, "open"))
        # October: 30,000 and 50,000 over 31 days (0.31 %), 0.124 % risk, the visit of 31 October.
        october = self.snapshot(self.customer_a, OCT)
        self.assertEqual((october.income, october.cost, october.contribution), (248, 162, 86))
        self.assertEqual((a.prev_value_id, a.contribution_prev, a.change_prev), (october, 86, -17))
        self.assertAlmostEqual(a.change_prev_pct, -19.77, places=2)
        # A year before: no balance, one SMS: loss-making.
        last_year = self.snapshot(self.customer_a, NOV_LAST_YEAR)
        self.assertEqual((last_year.contribution, last_year.value_class), (-1, "loss"))
        self.assertEqual((a.last_year_value_id, a.change_last_year, a.change_last_year_pct), (last_year, 70, 7000))
        # Potential: income 250,000 of 500,000 → 12.5; aged 36 → 20; 90,000 of the next tier's
        # 120,000 → 15; the potential flag → 15; categories not held → 20 × (n − 2) / n.
        n = self.env["bank.product.category"].search_count([])
        self.assertEqual(a.potential_score, round(12.5 + 20 + 15 + 15 + 20 * (n - 2) / n, 1))
        self.assertEqual(a.value_class, "grow")
        # B: nothing held, nothing spent: contribution 0 is no loss; only the cross-selling part.
        b = self.snapshot(self.customer_b, NOV)
        self.assertEqual((b.income, b.cost, b.contribution, b.aum, b.potential_score), (0, 0, 0, 0, 20))
        self.assertEqual((b.value_class, b.change_prev, b.change_prev_pct), ("keep", 0, 0))

    def correct(self, snapshot, **settings):
        for key, value in settings.items():
            self.env["ir.config_parameter"].set_param(_PARAM + key, value)
        action = snapshot.with_user(self.user_admin).action_correct()
        return self.Value.browse(action["res_id"])

    def test_value_class_boundaries(self):
        self.generate(OCT, NOV)
        a = self.snapshot(self.customer_a, NOV)
        score = a.potential_score
        # Grow from the threshold on.
        self.assertEqual(self.correct(a, value_grow_potential=score).value_class, "grow")
        a = self.snapshot(self.customer_a, NOV)
        # Below it, a drop of 19.77 % is not more than 20 %: keep; more than 19.7 %: watch.
        self.assertEqual(self.correct(a, value_grow_potential=score + 0.1).value_class, "keep")
        a = self.snapshot(self.customer_a, NOV)
        self.assertEqual(self.correct(a, value_watch_drop_pct=19.8).value_class, "keep")
        a = self.snapshot(self.customer_a, NOV)
        self.assertEqual(self.correct(a, value_watch_drop_pct=19.7).value_class, "watch")
        # Below 0: loss-making, whatever the potential.
        self.env.ref(_PARAM + "service_cost_sms").cost = 71
        a = self.snapshot(self.customer_a, NOV)
        fixed = self.correct(a, value_grow_potential=0)
        self.assertEqual((fixed.contribution, fixed.value_class), (-1, "loss"))
        self.env.ref(_PARAM + "service_cost_sms").cost = 70
        self.assertEqual(self.correct(fixed).value_class, "grow", "a contribution of 0 is no loss")
        # Each correction references the row it corrects, which stays as it was.
        chain = self.Value.search([("partner_id", "=", self.customer_a.id), ("date", "=", NOV)], order="id")
        self.assertEqual(len(chain), 7)
        self.assertEqual(chain[1:].corrected_id, chain[:-1])
        self.assertEqual(chain[0].value_class, "grow")
        self.assertEqual(chain.filtered("is_current"), chain[-1])
        with self.assertRefused(BankGuardError, "corrected already"):
            chain[0].with_user(self.user_admin).action_correct()

    def test_correction_of_a_closed_month_is_closed(self):
        self.generate(NOV)
        self.assertEqual(self.Value.with_user(self.user_admin).action_close_month(NOV), 3)
        self.assertEqual(self.Value.with_user(self.user_admin).action_close_month(NOV), 0)
        old = self.snapshot(self.customer_a, NOV)
        self.env.ref(_PARAM + "product_category_dep_demand").margin_rate = 7.3
        new = self.correct(old)
        self.assertEqual((new.corrected_id, new.state, new.income - old.income), (old, "closed", 180))
        self.assertEqual(old.income, 330)
        # The next month compares with the correction.
        self.generate(datetime.date(2026, 12, 15))
        self.assertEqual(self.snapshot(self.customer_a, datetime.date(2026, 12, 31)).prev_value_id, new)

    def test_bad_month(self):
        with self.assertRefused(ValidationError, "not a date"):
            self.Value.with_user(self.user_admin).generate_month("2026-13-01")
        with self.assertRefused(ValidationError, "not a date"):
            self.Value.with_user(self.user_admin).action_close_month("soon")


@tagged("post_install", "-at_install")
class TestValueRun(ValueCase):

    def test_generate_is_idempotent(self):
        self.assertEqual(self.generate(NOV), [3])
        self.assertEqual(self.generate(datetime.date(2026, 11, 1)), [0])
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "is_bank_customer": True})
        self.assertEqual(self.generate(NOV), [1])
        ours = [("date", "=", NOV), ("partner_id", "in", (self.ours | newcomer).ids)]
        self.assertEqual(self.Value.search_count(ours), 4)
        self.assertEqual(self.snapshot(newcomer, NOV).value_class, "keep")

    def test_cron_takes_the_previous_month_once(self):
        with self.clock_at(datetime.datetime(2026, 12, 1, 19)), self.cron_batches_commit():
            self.Value._cron_generate_month()
            self.Value._cron_generate_month()
        values = self.Value.search([("partner_id", "in", self.ours.ids)])
        self.assertEqual(set(values.mapped("date")), {NOV})
        self.assertEqual(len(values), 3)

    def test_cron_resumes_after_a_crash(self):
        module = "odoo.addons.bank_relationship_manager.models.bank_customer_value"
        with patch(f"{module}.VALUE_BATCH", 2), self.clock_at(datetime.datetime(2026, 12, 1, 19)), \
                self.cron_batches_commit():
            first, crashed = self.crash_cron_midway(
                "res.partner", "_bank_value_snapshot", self.Value._cron_generate_month,
            )
            self.assertEqual(len(first), 2)
            ours = [("date", "=", NOV), ("partner_id", "in", self.ours.ids)]
            self.assertEqual(self.Value.search_count(ours), 2, "the first batch was committed")
            self.Value._cron_generate_month()
        values = self.Value.search(ours)
        self.assertEqual(sorted(values.partner_id.ids), sorted((first | crashed).ids))
        self.assertEqual(len(values), 3, "nobody twice, nobody skipped")

    def test_queries_do_not_grow_with_customers(self):
        # Warm the caches with a first month.
        self.generate(datetime.date(2026, 7, 1))
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        self.generate(datetime.date(2026, 8, 1))
        self.env.flush_all()
        small = self.env.cr.sql_log_count - before
        self.assertLess(small, 20)
        Partner, Account = self.env["res.partner"], self.env["bank.account"]
        dep = self.env.ref(_PARAM + "product_category_dep_demand")
        more = Partner.create([{"name": f"More {i}", "is_bank_customer": True, "bank_rm_id": self.rm_a.id}
                               for i in range(12)])
        Account.create([{"partner_id": p.id, "account_no": f"T-MORE-{p.id}", "category_id": dep.id} for p in more])
        self.Balance.load_balances([{"account_no": f"T-MORE-{p.id}", "date": "2026-08-10", "balance": 10}
                                    for p in more])
        self.only_our_customers(self.customer_a | self.customer_b | self.customer_c | more)
        self.env.invalidate_all()
        # One INSERT per batch, whatever the number of customers: 15 cost what 3 did.
        with self.assertQueryCount(small):
            self.assertEqual(self.generate(datetime.date(2026, 9, 1)), [15])
        self.assertEqual(self.snapshot(more[0], datetime.date(2026, 9, 30)).aum, 10)


@tagged("post_install", "-at_install")
class TestValueAccess(ValueCase):

    def visible(self, user):
        return self.Value.with_user(user).search([("partner_id", "in", self.ours.ids)]).partner_id

    def test_read_per_role(self):
        self.generate(NOV)
        a, b, c = self.customer_a, self.customer_b, self.customer_c
        self.assertEqual(self.visible(self.user_rm_a), a)
        self.assertEqual(self.visible(self.user_rm_b), a | b, "primary of B, backup of A")
        self.assertEqual(self.visible(self.user_rm_c), c)
        self.assertEqual(self.visible(self.user_head_1), a)
        self.assertEqual(self.visible(self.user_head_2), b)
        self.assertEqual(self.visible(self.user_supervisor), a | b)
        self.assertEqual(self.visible(self.user_office), a | b | c)
        self.assertEqual(self.visible(self.user_admin), a | b | c)
        with self.assertRaises(AccessError):
            self.snapshot(c, NOV).with_user(self.user_rm_a).read(["contribution"])
        with self.assertRaises(AccessError):
            self.snapshot(b, NOV).with_user(self.user_head_1).read(["contribution"])
        for user in (self.user_hr, self.user_plain):
            with self.assertRaises(AccessError):
                self.Value.with_user(user).search([])

    def test_only_administrators_run_and_close(self):
        for user in (self.user_rm_a, self.user_head_1, self.user_supervisor, self.user_office):
            with self.assertRefused(BankGuardError, "only an administrator"):
                self.Value.with_user(user).generate_month(NOV)
            with self.assertRefused(BankGuardError, "only an administrator"):
                self.Value.with_user(user).action_close_month(NOV)
        self.assertFalse(self.Value.search_count([("date", "=", NOV), ("partner_id", "in", self.ours.ids)]))
        self.generate(NOV)
        a = self.snapshot(self.customer_a, NOV)
        self.assertFalse(a.with_user(self.user_office).can_correct)
        self.assertTrue(a.with_user(self.user_admin).can_correct)
        with self.assertRefused(BankGuardError, "only an administrator"):
            a.with_user(self.user_office).action_correct()

    def test_nobody_writes_or_deletes_a_snapshot(self):
        self.generate(NOV)
        a = self.snapshot(self.customer_a, NOV)
        for user in (self.user_rm_a, self.user_head_1, self.user_supervisor, self.user_office, self.user_admin):
            with self.assertRaises(AccessError):
                a.with_user(user).write({"contribution": 1})
            with self.assertRaises(AccessError):
                a.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.Value.with_user(user).create({"partner_id": self.customer_a.id, "date": NOV})
        # Nobody deletes one, not even the superuser.
        with self.assertRefused(BankGuardError, "never deleted"):
            a.unlink()
        # Closed: sealed for the superuser too, state included.
        self.Value.with_user(self.user_admin).action_close_month(NOV)
        for values in ({"contribution": 1}, {"value_class": "loss"}, {"state": "open"}):
            with self.assertRefused(BankGuardError, "can no longer be changed"):
                a.write(values)
        self.assertEqual((a.contribution, a.value_class, a.state), (69, "grow", "closed"))

    def test_parameters_are_administrators(self):
        dep = self.env.ref(_PARAM + "product_category_dep_demand")
        visit = self.env.ref(_PARAM + "service_cost_visit")
        for user in (self.user_rm_a, self.user_head_1, self.user_office):
            self.assertEqual(dep.with_user(user).margin_rate, 3.65)
            self.assertEqual(visit.with_user(user).cost, 100)
            with self.assertRaises(AccessError):
                dep.with_user(user).write({"margin_rate": 1})
            with self.assertRaises(AccessError):
                visit.with_user(user).write({"cost": 1})
            with self.assertRaises(AccessError):
                self.env["bank.service.cost"].with_user(user).create({"channel": "visit", "cost": 1})
        dep.with_user(self.user_admin).margin_rate = 2
        visit.with_user(self.user_admin).cost = 150
        self.assertEqual((dep.margin_rate, visit.cost), (2, 150))
        with self.assertRefused(ValidationError, "Annual margin"):
            dep.with_user(self.user_admin).margin_rate = 101
        with self.assertRefused(ValidationError, "only loans carry a risk cost"):
            dep.with_user(self.user_admin).risk_cost_rate = 1
        with self.assertRefused(ValidationError, "Cost per contact.*negative"):
            visit.with_user(self.user_admin).cost = -1
        with self.assertRefused(ValidationError, "Grow"):
            self.env["res.config.settings"].create({"bank_value_grow_potential": 120})
        self.assertEqual((dep.margin_rate, dep.risk_cost_rate, visit.cost), (2, 0, 150))


@tagged("post_install", "-at_install")
class TestValueRpc(JsonRpcMixin, HttpCase, ValueCase):
    """Snapshots over JSON-RPC, as the web client and outside programs reach them."""

    def test_frozen_rows_over_rpc(self):
        _result, error = self.call("t_office", "bank.customer.value", "generate_month", ["2026-11-05"])
        self.assertIn("only an administrator", error)
        result, error = self.call("t_bank_admin", "bank.customer.value", "generate_month", ["2026-11-05"])
        self.assertEqual((result, error), (3, None))
        result, error = self.call("t_bank_admin", "bank.customer.value", "action_close_month", ["2026-11-05"])
        self.assertEqual((result, error), (3, None))
        a = self.snapshot(self.customer_a, NOV)
        for login in ("t_rm_a", "t_head_1", "t_office", "t_bank_admin"):
            _result, error = self.call(login, "bank.customer.value", "write", [a.ids, {"contribution": 1}])
            self.assertTrue(error, login)
            _result, error = self.call(login, "bank.customer.value", "unlink", [a.ids])
            self.assertTrue(error, login)
        rows, error = self.call("t_rm_c", "bank.customer.value", "search_read", [[["date", "=", "2026-11-30"]],
                                                                                 ["partner_id"]])
        self.assertEqual(([row["partner_id"][0] for row in rows], error), (self.customer_c.ids, None))
        a.invalidate_recordset()
        self.assertEqual((a.contribution, a.state), (69, "closed"))
