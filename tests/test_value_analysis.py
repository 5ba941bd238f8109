# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The written value analysis (客户价值分析, SPEC §9a, models/bank_value_analysis.py): planned each
quarter (monthly for the top maintenance level), once per customer and period, resuming after a
crash; written and submitted by the primary RM, acknowledged or sent back by the unit head or a
supervisor above, nobody else; sealed once acknowledged and never deleted once submitted (ORM and
RPC); access per role; the activities of each step."""
import datetime
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.bank_relationship_manager.models.bank_guard_mixin import BankGuardError

from .common import JsonRpcMixin
from .test_customer_value import ValueCase

_PARAM = "bank_relationship_manager."
AUG, SEP = datetime.date(2026, 8, 31), datetime.date(2026, 9, 30)
Q3 = datetime.date(2026, 7, 1)
ASSESSMENT = {"current_value": "Deposits and a credit loan.", "potential": "Young, income rising.",
              "difference_reason": "Two visits this quarter.", "plan": "deepen"}


class AnalysisCase(ValueCase):
    """A and B tiered, maintained by their RMs (quarterly); C tiered, maintained by the branch
    (monthly); snapshots of August and September."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tier = cls.env.ref(_PARAM + "tier_wealth_gold")
        # The tier engine's figures (written by the engine only: here as the superuser).
        (cls.customer_a | cls.customer_b).write({"bank_tier_id": tier.id, "bank_maintenance_level": "rm"})
        cls.customer_c.write({"bank_tier_id": tier.id, "bank_maintenance_level": "branch"})
        cls.env.company.bank_value_analysis_monthly_level = "branch"
        cls.Analysis = cls.env["bank.value.analysis"]
        cls.write_type = cls.env.ref(_PARAM + "mail_activity_type_value_analysis_write")
        cls.ack_type = cls.env.ref(_PARAM + "mail_activity_type_value_analysis_acknowledge")

    def setUp(self):
        super().setUp()
        self.generate(AUG, SEP)

    def analyses(self, partners=None):
        partners = partners or self.ours
        return self.Analysis.search([("partner_id", "in", partners.ids)], order="partner_id, date_from")

    def activities(self, analyses, activity_type):
        return self.env["mail.activity"].search([
            ("res_model", "=", "bank.value.analysis"), ("res_id", "in", analyses.ids),
            ("activity_type_id", "=", activity_type.id),
        ])

    def planned(self, partner, period="quarter", start=Q3):
        return self.Analysis.search([("partner_id", "=", partner.id), ("period", "=", period),
                                     ("date_from", "=", start)])


@tagged("post_install", "-at_install")
class TestAnalysisPlanning(AnalysisCase):

    def test_quarter_and_monthly_for_the_top_level(self):
        self.Analysis._bank_plan(SEP)
        a, b, c = (self.planned(p) for p in self.ours)
        self.assertEqual((len(a), len(b), len(c)), (1, 1, 0), "C is analysed monthly, not quarterly")
        c = self.planned(self.customer_c, "month", datetime.date(2026, 9, 1))
        self.assertEqual(len(c), 1)
        # On the period's latest snapshot, whose figures it keeps.
        sep_a = self.snapshot(self.customer_a, SEP)
        self.assertEqual((a.value_id, a.value_date, a.date_to, a.period_label), (sep_a, SEP, SEP, "2026-Q3"))
        self.assertEqual((a.contribution, a.income, a.cost, a.aum, a.potential_score, a.value_class),
                         (sep_a.contribution, sep_a.income, sep_a.cost, sep_a.aum, sep_a.potential_score,
                          sep_a.value_class))
        self.assertEqual((a.change_prev, a.rm_id, a.unit_id, a.state), (sep_a.change_prev, self.rm_a,
                                                                         self.outlet_1, "draft"))
        self.assertEqual(c.period_label, "2026-09")
        # One write activity each, for the primary RM.
        activities = self.activities(a | b | c, self.write_type)
        self.assertEqual(sorted((act.res_id, act.user_id.id) for act in activities), sorted([
            (a.id, self.user_rm_a.id), (b.id, self.user_rm_b.id), (c.id, self.user_rm_c.id),
        ]))
        # Idempotent: a rerun plans nothing more.
        self.Analysis._bank_plan(SEP)
        self.assertEqual(len(self.analyses()), 3)
        self.assertEqual(len(self.activities(self.analyses(), self.write_type)), 3)

    def test_a_month_that_ends_no_quarter(self):
        self.Analysis._bank_plan(AUG)
        analyses = self.analyses()
        self.assertEqual(analyses.partner_id, self.customer_c, "only the monthly customers")
        self.assertEqual((analyses.period, analyses.value_id), ("month", self.snapshot(self.customer_c, AUG)))

    def test_only_tiered_customers_with_figures(self):
        self.customer_b.bank_tier_id = False
        self.Analysis._bank_plan(datetime.date(2026, 6, 30))
        self.assertFalse(self.analyses(), "no snapshot in the second quarter: nothing to write on")
        self.Analysis._bank_plan(SEP)
        self.assertEqual(self.analyses().partner_id, self.customer_a | self.customer_c)

    def test_monthly_level_is_a_setting(self):
        self.env.company.bank_value_analysis_monthly_level = "sub_branch"
        self.customer_b.bank_maintenance_level = "sub_branch"
        self.Analysis._bank_plan(AUG)
        self.assertEqual(self.analyses().partner_id, self.customer_b | self.customer_c, "sub-branch and above")
        self.env.company.bank_value_analysis_monthly_level = False
        self.Analysis._bank_plan(SEP)
        self.assertEqual(len(self.planned(self.customer_c)), 1, "quarterly for everyone")
        self.assertFalse(self.planned(self.customer_c, "month", datetime.date(2026, 9, 1)))

    def test_cron_plans_the_month_that_ended(self):
        with self.clock_at(datetime.datetime(2026, 10, 2, 19)), self.cron_batches_commit():
            self.Analysis._cron_plan()
            self.Analysis._cron_plan()
        analyses = self.analyses()
        self.assertEqual(sorted(analyses.mapped("period")), ["month", "quarter", "quarter"])
        self.assertEqual(len(self.activities(analyses, self.write_type)), 3)

    def test_cron_resumes_after_a_crash(self):
        module = "odoo.addons.bank_relationship_manager.models.bank_value_analysis"
        with patch(f"{module}.ANALYSIS_BATCH", 1), self.clock_at(datetime.datetime(2026, 10, 2, 19)), \
                self.cron_batches_commit():
            self.crash_cron_midway("bank.value.analysis", "_bank_plan_batch", self.Analysis._cron_plan)
            committed = self.analyses()
            self.assertEqual(len(committed), 1, "the first batch was committed")
            self.assertEqual(len(self.activities(committed, self.write_type)), 1)
            self.Analysis._cron_plan()
        analyses = self.analyses()
        self.assertEqual(analyses.partner_id, self.ours, "nobody skipped")
        self.assertEqual(len(analyses), 3, "nobody twice")
        self.assertEqual(len(self.activities(analyses, self.write_type)), 3, "one activity each")

    def test_queries_do_not_grow_with_customers(self):
        tier = self.env.ref(_PARAM + "tier_wealth_gold")
        self.Analysis._bank_plan(AUG)  # warm the caches
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        self.Analysis._bank_plan(SEP)
        self.env.flush_all()
        small = self.env.cr.sql_log_count - before
        more = self.env["res.partner"].create([
            {"name": f"More {i}", "is_bank_customer": True, "bank_rm_id": self.rm_a.id} for i in range(12)
        ])
        more.write({"bank_tier_id": tier.id, "bank_maintenance_level": "rm"})
        self.only_our_customers(self.ours | more)
        self.generate(datetime.date(2026, 12, 31))
        self.env.invalidate_all()
        self.env.flush_all()
        # The same statements for 15 customers as for 3 (of the same RMs).
        with self.assertQueryCount(small):
            self.Analysis._bank_plan(datetime.date(2026, 12, 31))
        planned = self.analyses(self.ours | more).filtered(lambda a: a.date_to.month == 12)
        self.assertEqual(sorted(planned.mapped("period")), ["month"] + ["quarter"] * 14, "C monthly, the others")

    def test_nobody_creates_one_by_hand(self):
        value = self.snapshot(self.customer_a, SEP)
        for user in (self.user_rm_a, self.user_head_1, self.user_office, self.user_admin):
            with self.assertRaises(AccessError):
                self.Analysis.with_user(user).create({
                    "partner_id": self.customer_a.id, "value_id": value.id, "period": "quarter",
                    "date_from": Q3, "date_to": SEP,
                })
        self.assertFalse(self.analyses())


@tagged("post_install", "-at_install")
class TestAnalysisSteps(AnalysisCase):

    def setUp(self):
        super().setUp()
        self.Analysis._bank_plan(SEP)
        self.a = self.planned(self.customer_a)

    def write_and_submit(self, user=None):
        analysis = self.a.with_user(user or self.user_rm_a)
        analysis.write(ASSESSMENT)
        analysis.action_submit()

    def test_only_the_primary_rm_writes_and_submits(self):
        # The backup RM reads it but neither writes nor submits it; nor does the unit head.
        for user in (self.user_rm_b, self.user_head_1, self.user_supervisor):
            with self.assertRefused(BankGuardError, "only the customer's primary RM"):
                self.a.with_user(user).write({"current_value": "Mine"})
            with self.assertRefused(BankGuardError, "only the customer's primary RM"):
                self.a.with_user(user).action_submit()
            self.assertFalse(self.a.with_user(user).can_submit)
        for user in (self.user_office, self.user_admin):
            with self.assertRaises(AccessError):
                self.a.with_user(user).write({"current_value": "Mine"})
            with self.assertRaises(AccessError):
                self.a.with_user(user).action_submit()
        with self.assertRefused(BankGuardError, "Customer"):
            self.a.with_user(self.user_rm_a).write({"partner_id": self.customer_c.id})
        with self.assertRefused(BankGuardError, "Contribution"):
            self.a.with_user(self.user_rm_a).write({"contribution": 1})
        self.assertTrue(self.a.with_user(self.user_rm_a).can_submit)
        self.assertEqual((self.a.current_value, self.a.state), (False, "draft"))

    def test_submit_needs_the_assessment(self):
        self.a.with_user(self.user_rm_a).write({"current_value": "Deposits."})
        with self.assertRefused(ValidationError, "Potential value"):
            self.a.with_user(self.user_rm_a).action_submit()
        self.assertEqual(self.a.state, "draft")

    def test_submit_hands_over_to_the_unit_head(self):
        self.write_and_submit()
        self.assertEqual((self.a.state, self.a.reviewer_user_id), ("submitted", self.user_head_1))
        self.assertFalse(self.activities(self.a, self.write_type), "the RM's activity is done")
        [ack] = self.activities(self.a, self.ack_type)
        self.assertEqual(ack.user_id, self.user_head_1)
        with self.assertRefused(BankGuardError, "can no longer be changed"):
            self.a.with_user(self.user_rm_a).write({"current_value": "Later"})

    def test_acknowledge_by_the_unit_head_or_above_only(self):
        self.write_and_submit()
        for user in (self.user_rm_a, self.user_rm_b):
            with self.assertRefused(BankGuardError, "only the head of the customer's unit"):
                self.a.with_user(user).action_acknowledge()
            with self.assertRefused(BankGuardError, "only the head of the customer's unit"):
                self.a.with_user(user).action_send_back()
        for user in (self.user_head_2, self.user_center_head, self.user_office, self.user_admin):
            with self.assertRaises(AccessError):
                self.a.with_user(user).action_acknowledge()
        self.assertTrue(self.a.with_user(self.user_supervisor).can_acknowledge)
        self.assertFalse(self.a.with_user(self.user_rm_a).can_acknowledge)
        self.assertEqual(self.a.state, "submitted")
        self.a.with_user(self.user_head_1).action_acknowledge()
        self.assertEqual((self.a.state, self.a.acknowledged_by_id), ("acknowledged", self.user_head_1))
        self.assertTrue(self.a.acknowledged_date)
        self.assertFalse(self.activities(self.a, self.ack_type), "the head's activity is done")

    def test_send_back(self):
        self.write_and_submit()
        self.a.with_user(self.user_supervisor).action_send_back()
        self.assertEqual((self.a.state, self.a.reviewer_user_id), ("draft", self.env["res.users"]))
        self.assertFalse(self.activities(self.a, self.ack_type))
        [again] = self.activities(self.a, self.write_type)
        self.assertEqual(again.user_id, self.user_rm_a)
        self.a.with_user(self.user_rm_a).write({"difference_reason": "A third visit."})
        self.a.with_user(self.user_rm_a).action_submit()
        self.assertEqual(self.a.state, "submitted")

    def test_sealed_once_acknowledged(self):
        self.write_and_submit()
        with self.assertRefused(BankGuardError, "never deleted"):
            self.a.unlink()
        self.a.with_user(self.user_head_1).action_acknowledge()
        for user in (self.user_rm_a, self.user_head_1, self.user_supervisor, self.user_office, self.user_admin):
            with self.assertRaises(AccessError):
                self.a.with_user(user).write({"plan": "reduce"})
            with self.assertRaises(AccessError):
                self.a.with_user(user).unlink()
        # The superuser and the actions too.
        for values in ({"plan": "reduce"}, {"contribution": 1}, {"state": "draft"}):
            with self.assertRefused(BankGuardError, "by anyone"):
                self.a.write(values)
        with self.assertRefused(BankGuardError, "never deleted"):
            self.a.unlink()
        self.assertFalse(self.a.with_user(self.user_head_1).can_send_back)
        self.assertEqual((self.a.plan, self.a.state), ("deepen", "acknowledged"))
        self.assertEqual(self.a.contribution, self.snapshot(self.customer_a, SEP).contribution)


@tagged("post_install", "-at_install")
class TestAnalysisAccess(AnalysisCase):

    def setUp(self):
        super().setUp()
        self.Analysis._bank_plan(SEP)

    def visible(self, user):
        return self.Analysis.with_user(user).search([("partner_id", "in", self.ours.ids)]).partner_id

    def test_read_per_role(self):
        a, b, c = self.customer_a, self.customer_b, self.customer_c
        self.assertEqual(self.visible(self.user_rm_a), a)
        self.assertEqual(self.visible(self.user_rm_b), a | b, "primary of B, backup of A")
        self.assertEqual(self.visible(self.user_rm_c), c)
        self.assertEqual(self.visible(self.user_head_1), a)
        self.assertEqual(self.visible(self.user_head_2), b)
        self.assertEqual(self.visible(self.user_supervisor), a | b)
        self.assertEqual(self.visible(self.user_center_head), c)
        self.assertEqual(self.visible(self.user_office), a | b | c)
        self.assertEqual(self.visible(self.user_admin), a | b | c)
        with self.assertRaises(AccessError):
            self.planned(c, "month", datetime.date(2026, 9, 1)).with_user(self.user_rm_a).read(["contribution"])
        with self.assertRaises(AccessError):
            self.planned(b).with_user(self.user_head_1).read(["contribution"])
        for user in (self.user_hr, self.user_plain):
            with self.assertRaises(AccessError):
                self.Analysis.with_user(user).search([])
        # The customer form's count, for who may read them; none (not an error) for the others.
        self.assertEqual(a.with_user(self.user_rm_a).bank_value_analysis_count, 1)
        a.invalidate_recordset(["bank_value_analysis_count"])
        self.assertEqual(a.with_user(self.user_hr).bank_value_analysis_count, 0)

    def test_lists_to_write_and_to_acknowledge(self):
        def listed(user, xmlid):
            action = self.env["ir.actions.act_window"]._for_xml_id(_PARAM + xmlid)
            domain = eval(action["domain"], {"uid": user.id})  # noqa: S307 (the action's own domain)
            return self.Analysis.with_user(user).search(domain).filtered(lambda r: r.partner_id in self.ours)

        self.assertEqual(listed(self.user_rm_a, "bank_value_analysis_action_to_write").partner_id, self.customer_a)
        self.assertEqual(listed(self.user_rm_b, "bank_value_analysis_action_to_write").partner_id, self.customer_b,
                         "not A, whose backup RM they are")
        a = self.planned(self.customer_a)
        a.with_user(self.user_rm_a).write(ASSESSMENT)
        a.with_user(self.user_rm_a).action_submit()
        self.assertFalse(listed(self.user_rm_a, "bank_value_analysis_action_to_write"))
        self.assertEqual(listed(self.user_head_1, "bank_value_analysis_action_to_acknowledge"), a)
        self.assertEqual(listed(self.user_supervisor, "bank_value_analysis_action_to_acknowledge"), a)
        self.assertFalse(listed(self.user_head_2, "bank_value_analysis_action_to_acknowledge"))


@tagged("post_install", "-at_install")
class TestAnalysisRpc(JsonRpcMixin, HttpCase, AnalysisCase):
    """The steps and the seal over JSON-RPC, as the web client and outside programs reach them."""

    def test_steps_and_seal_over_rpc(self):
        self.Analysis._bank_plan(SEP)
        a = self.planned(self.customer_a)
        model = "bank.value.analysis"
        _result, error = self.call("t_rm_b", model, "write", [a.ids, {"current_value": "Mine"}])
        self.assertIn("only the customer's primary RM", error)
        result, error = self.call("t_rm_a", model, "write", [a.ids, ASSESSMENT])
        self.assertEqual((result, error), (True, None))
        _result, error = self.call("t_head_1", model, "action_submit", [a.ids])
        self.assertIn("only the customer's primary RM", error)
        result, error = self.call("t_rm_a", model, "action_submit", [a.ids])
        self.assertEqual((result, error), (True, None))
        for login in ("t_rm_a", "t_rm_b"):
            _result, error = self.call(login, model, "action_acknowledge", [a.ids])
            self.assertIn("only the head of the customer's unit", error)
        for login in ("t_head_2", "t_office", "t_bank_admin"):
            _result, error = self.call(login, model, "action_acknowledge", [a.ids])
            self.assertTrue(error, login)
        result, error = self.call("t_head_1", model, "action_acknowledge", [a.ids])
        self.assertEqual((result, error), (True, None))
        for login in ("t_rm_a", "t_head_1", "t_supervisor", "t_office", "t_bank_admin"):
            _result, error = self.call(login, model, "write", [a.ids, {"plan": "reduce"}])
            self.assertTrue(error, login)
            _result, error = self.call(login, model, "unlink", [a.ids])
            self.assertTrue(error, login)
            _result, error = self.call(login, model, "action_send_back", [a.ids])
            self.assertTrue(error, login)
        a.invalidate_recordset()
        self.assertEqual((a.state, a.plan, a.acknowledged_by_id), ("acknowledged", "deepen", self.user_head_1))
