# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import GROUP_ADMIN, run_queued_evaluation
from .test_tier_engine import TierCase

D = datetime.date
SECOND_ADMIN = "second administrator"


@tagged("post_install", "-at_install")
class TestConfigChange(TierCase):
    """Four eyes on the configuration: tiers, rules, thresholds, bands and the grade rule change
    only through a request that a second administrator approves (models/bank_config_change.py)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_admin_2 = new_test_user(cls.env, login="t_bank_admin_2", groups=GROUP_ADMIN)
        cls.funds_rule = cls.env.ref("bank_relationship_manager.tier_rule_vip_funds")
        cls.funds_condition = cls.funds_rule.condition_ids[:1]
        cls.vip.downgrade_grace_days = 0  # (as the system: with a grace, a leaving customer first stays)
        cls.band = cls.env.ref("bank_relationship_manager.maintenance_band_sub_branch")

    def setUp(self):
        super().setUp()
        # The previews and re-evaluations run over every customer: count only this test's own
        # (the demo customers' balances are relative to the day of install).
        self.only_our_customers()

    def _fund_customer(self, amount):
        partner = self.env["res.partner"].create({"name": f"Funds {amount}", "is_bank_customer": True})
        self._load(self._account(partner, "FUND"), ("2026-03-01", amount))
        return partner

    def _propose_funds_threshold(self, amount, user=None):
        """As an administrator: the what-if wizard with a new funds threshold, proposed."""
        wizard = self.env["bank.tier.whatif"].with_user(user or self.user_admin).create({})
        line = wizard.line_ids.filtered(lambda line: line.condition_id == self.funds_condition)
        line.new_amount = amount
        wizard.action_preview()
        action = wizard.action_propose()
        return self.env["bank.config.change"].with_user(user or self.user_admin).browse(action["res_id"])

    # ------------------------------------------------------------------

    def test_direct_changes_refused_even_to_administrators(self):
        admin = self.user_admin
        condition = self.funds_condition.with_user(admin)
        rule = self.funds_rule.with_user(admin)
        vip = self.vip.with_user(admin)
        grade = self.grade_rm.with_user(admin)
        level = self.env.ref("bank_relationship_manager.unit_level_outlet").with_user(admin)
        outlet_basic = self.env.ref("bank_relationship_manager.unit_level_outlet_basic")
        band = self.band.with_user(admin)
        writes = [
            (condition, {"amount": 1.0}),
            (condition, {"operator": ">"}),
            (rule, {"active": False}),
            (rule, {"condition_ids": [fields.Command.update(self.funds_condition.id, {"amount": 1.0})]}),
            (rule, {"condition_ids": [fields.Command.delete(self.funds_condition.id)]}),
            (vip, {"downgrade_grace_days": 99}),
            (vip, {"rank": 1}),
            (vip, {"rule_ids": [fields.Command.create({"name": "Side door", "condition_ids": [
                fields.Command.create({"metric": "annual_income", "amount": 1.0})]})]}),
            (grade, {"allowed_unit_levels": [fields.Command.link(outlet_basic.id)]}),
            (level, {"code": "outlet_basic"}),
            (band, {"aum_from": 1.0}),
        ]
        for record, vals in writes:
            with self.subTest(model=record._name, vals=list(vals)), self.assertRefused(AccessError, SECOND_ADMIN):
                record.write(vals)
        condition_vals = {"rule_id": rule.id, "metric": "annual_income", "amount": 1.0}
        creates = [
            (self.env["bank.tier.condition"].with_user(admin), condition_vals, {}),
            (self.env["bank.tier.condition"].with_user(admin), {"metric": "annual_income", "amount": 1.0},
             {"default_rule_id": rule.id}),
            (self.env["bank.tier.rule"].with_user(admin),
             {"tier_id": vip.id, "name": "Side door", "condition_ids": [fields.Command.create(condition_vals)]}, {}),
            (self.env["bank.vip.tier"].with_user(admin), {"name": "Diamond", "code": "DIA", "rank": 99}, {}),
            (self.env["bank.rm.grade"].with_user(admin), {"name": "Chief", "code": "senior", "rank": 99}, {}),
            (self.env["bank.maintenance.band"].with_user(admin), {"name": "Head office", "level": "branch",
                                                                   "aum_from": 1.0}, {}),
        ]
        for Model, vals, context in creates:
            with self.subTest(model=Model._name, context=context), \
                    self.assertRefused(AccessError, "approved change request"):
                Model.with_context(**context).create(vals)
        for record in (condition, vip, rule):
            with self.subTest(copy=record._name), self.assertRefused(AccessError, "approved change request"):
                record.copy({"code": "COPY"} if record._name == "bank.vip.tier" else None)
        for record in (condition, rule, vip):
            with self.subTest(unlink=record._name), self.assertRefused(AccessError, "approved change request"):
                record.unlink()
        result = self.env["bank.tier.condition"].with_user(admin).load(
            [".id", "amount"], [[str(self.funds_condition.id), "1"]]
        )
        self.assertFalse(result["ids"])
        self.assertRegex(" ".join(m["message"] for m in result["messages"]), SECOND_ADMIN)
        # Nothing changed; what only labels the configuration stays the administrator's.
        self.env.invalidate_all()
        self.assertEqual(self.funds_condition.amount, 500000)
        self.assertTrue(self.funds_rule.active)
        self.assertEqual(self.vip.downgrade_grace_days, 0)
        self.assertNotIn(outlet_basic, self.grade_rm.allowed_unit_levels)
        self.assertFalse(self.env["bank.tier.rule"].search([("name", "=", "Side door")]))
        self.assertFalse(self.env["bank.vip.tier"].search([("code", "in", ("DIA", "COPY"))]))
        vip.write({"color": 4})
        grade.write({"name": "RM (general)"})
        self.assertEqual(self.vip.color, 4)

    def test_maker_cannot_approve_a_second_administrator_can(self):
        leaving = self._fund_customer(520000)
        staying = self._fund_customer(650000)
        day = self.today
        (leaving | staying).action_bank_evaluate(day)
        self.assertEqual(leaving.bank_tier_id, self.vip)
        change = self._propose_funds_threshold(600000)
        self.assertEqual(change.state, "draft")
        self.assertEqual(change.requested_by_id, self.user_admin)
        self.assertIn("500,000.00 → 600,000.00", change.line_ids.summary)
        self.assertFalse(change.can_approve)
        # The maker cannot approve, before or after submitting.
        with self.assertRefused(AccessError, "Submitted|Draft"):
            change.action_approve()
        self.assertTrue(change.can_submit)
        change.action_submit()
        self.assertEqual(change.state, "submitted")
        self.assertTrue(change.submitted_on)
        self.assertFalse(change.can_approve)
        with self.assertRefused(AccessError, SECOND_ADMIN):
            change.action_approve()
        # Nor write the decision by hand, nor edit what was submitted.
        for vals in ({"state": "applied"}, {"approved_by_id": self.user_admin_2.id}):
            with self.assertRefused(AccessError, "actions only"):
                change.write(vals)
        with self.assertRefused(AccessError, "Submitted"):
            change.line_ids.write({"values": {"amount": 1.0}})
        # What the approver reads: the preview of the engine, nothing applied yet.
        effect = {(row.tier_id, row.movement): row for row in change.preview_ids if row.kind == "tier"}
        self.assertEqual(effect[(self.vip, "leave")].count, 1)
        self.assertEqual(effect[(self.vip, "leave")].partner_ids, leaving)
        self.assertIn(staying, effect[(self.vip, "stay")].partner_ids | self.env["res.partner"].search(
            [("bank_tier_id", "=", self.vip.id)]))
        self.assertEqual(self.funds_condition.amount, 500000)
        leaving.action_bank_evaluate(day)
        self.assertEqual(leaving.bank_tier_id, self.vip, "the nightly engine reads applied values only")
        # The second administrator approves: the change applies, and the customers move as the
        # evaluation's cron, started at once in the background, evaluates them again.
        as_approver = change.with_user(self.user_admin_2)
        self.assertTrue(as_approver.can_approve)
        as_approver.action_approve()
        self.assertEqual(change.state, "applied")
        self.assertEqual(change.approved_by_id, self.user_admin_2)
        self.assertTrue(change.approved_on)
        self.assertEqual(self.funds_condition.amount, 600000)
        self.assertEqual(leaving.bank_tier_id, self.vip, "not in the approver's request")
        self.assertEqual((leaving | staying).mapped("bank_evaluated_on"), [False, False], "queued for the cron")
        run_queued_evaluation(self)
        self.assertFalse(leaving.bank_tier_id)
        self.assertEqual(staying.bank_tier_id, self.vip)
        as_approver.invalidate_recordset(["can_approve", "can_reject"])
        self.assertFalse(as_approver.can_approve or as_approver.can_reject)
        # The business users do not even see the requests.
        with self.assertRaises(AccessError):
            self.env["bank.config.change"].with_user(self.user_rm_a).search([])
        with self.assertRaises(AccessError):
            self.env["bank.config.change"].with_user(self.user_office).create({"name": "x"})

    def test_rejection_changes_nothing(self):
        customer = self._fund_customer(520000)
        customer.action_bank_evaluate(self.today)
        change = self._propose_funds_threshold(600000)
        change.action_submit()
        history = self.env["bank.tier.history"].search_count([("partner_id", "=", customer.id)])
        change.with_user(self.user_admin_2).action_reject()
        self.assertEqual(change.state, "rejected")
        self.assertEqual(change.rejected_by_id, self.user_admin_2)
        self.assertEqual(self.funds_condition.amount, 500000)
        self.assertEqual(customer.bank_tier_id, self.vip)
        self.assertEqual(self.env["bank.tier.history"].search_count([("partner_id", "=", customer.id)]), history)
        with self.assertRefused(AccessError, "Rejected"):
            change.with_user(self.user_admin_2).action_approve()
        self.assertEqual(self.funds_condition.amount, 500000)

    def test_new_rule_and_grade_rule_through_requests(self):
        saver = self.env["res.partner"].create({"name": "Saver", "is_bank_customer": True})
        self._load(self._account(saver, "DEP_TIME"), ("2026-03-01", 150000))
        saver.action_bank_evaluate(self.today)
        self.assertFalse(saver.bank_tier_id)
        Change = self.env["bank.config.change"].with_user(self.user_admin)
        change = Change.create({"name": "Time deposits reach VIP", "line_ids": [fields.Command.create({
            "res_model": "bank.tier.rule",
            "values": {"tier_id": self.vip.id, "name": "Time deposits of 100,000", "condition_ids": [
                [0, 0, {"metric": "balance", "category_ids": [self.cat["DEP_TIME"].id], "amount": 100000}],
            ]},
        })]})
        change.action_submit()
        effect = {(row.tier_id, row.movement): row for row in change.preview_ids if row.kind == "tier"}
        self.assertIn(saver, effect[(self.vip, "enter")].partner_ids)
        self.assertFalse(self.env["bank.tier.rule"].search([("name", "=", "Time deposits of 100,000")]))
        change.with_user(self.user_admin_2).action_approve()
        run_queued_evaluation(self)
        rule = self.env["bank.tier.rule"].search([("name", "=", "Time deposits of 100,000")])
        self.assertEqual(change.line_ids.res_id, rule.id)
        self.assertEqual(rule.condition_ids.amount, 100000)
        self.assertEqual(saver.bank_tier_id, self.vip)
        # The grade rule: narrowing it under an RM who holds it shows when submitting.
        outlet = self.env.ref("bank_relationship_manager.unit_level_outlet")
        narrow = Change.create({"name": "No RMs in outlets", "line_ids": [fields.Command.create({
            "res_model": "bank.rm.grade", "res_id": self.grade_rm.id,
            "values": {"allowed_unit_levels": [[3, outlet.id]]},
        })]})
        with self.assertRefused(ValidationError, "RM t_rm_a"):
            narrow.action_submit()
        self.assertEqual(narrow.state, "draft")
        self.assertIn(outlet, self.grade_rm.allowed_unit_levels)
        # Widening it applies once approved.
        basic = self.env.ref("bank_relationship_manager.unit_level_outlet_basic")
        widen = Change.create({"name": "RMs in basic outlets", "line_ids": [fields.Command.create({
            "res_model": "bank.rm.grade", "res_id": self.grade_rm.id,
            "values": {"allowed_unit_levels": [[4, basic.id]]},
        })]})
        widen.action_submit()
        self.assertFalse(widen.preview_ids, "grades move no customer")
        self.assertFalse(self.grade_rm._fits(self.outlet_2))
        widen.with_user(self.user_admin_2).action_approve()
        self.assertTrue(self.grade_rm._fits(self.outlet_2))

    def test_requests_are_checked_and_frozen(self):
        Change = self.env["bank.config.change"].with_user(self.user_admin)
        for values, message in (
            ({"create_uid": self.user_admin.id}, "not something a change request sets"),
            ({}, "at least one field"),
            ({"rule_ids": [[0, 0, {"name": "x", "write_uid": 1}]]}, "not something a change request sets"),
        ):
            with self.subTest(values=values), self.assertRefused(ValidationError, message):
                Change.create({"name": "Bad", "line_ids": [fields.Command.create(
                    {"res_model": "bank.vip.tier", "res_id": self.vip.id, "values": values}
                )]})
        with self.assertRefused(AccessError, "actions only"):
            Change.with_context(default_state="applied").create({"name": "Pre-approved"})
        # Another administrator cannot edit the author's draft (and so become its co-author).
        change = self._propose_funds_threshold(600000)
        with self.assertRaises(AccessError):
            change.line_ids.with_user(self.user_admin_2).write({"values": {"amount": 1.0}})
        with self.assertRefused(AccessError, "who drafted it"):
            change.with_user(self.user_admin_2).action_submit()
        change.action_submit()
        # A threshold changed since the submission: the approver would approve something else.
        self.funds_condition.amount = 550000
        with self.assertRefused(ValidationError, "changed since"):
            change.with_user(self.user_admin_2).action_approve()
        self.assertEqual(self.funds_condition.amount, 550000)
