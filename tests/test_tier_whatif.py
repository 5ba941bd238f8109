# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import GROUP_ADMIN, run_queued_evaluation
from .test_tier_engine import TierCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestTierWhatif(TierCase):
    """The what-if preview counts exactly what applying the thresholds changes."""

    def test_preview_equals_real_run(self):
        # The class's frozen today; only our customers are in the bank (the demo ones, evaluated
        # at install on another day, would move too).
        day = self.today
        funds = {}
        for name, amount in (("F 450k", 450000), ("F 520k", 520000), ("F 610k", 610000), ("F 300k", 300000)):
            partner = self.env["res.partner"].create({"name": name, "is_bank_customer": True})
            self._load(self._account(partner, "FUND"), ("2026-03-01", amount))
            funds[name] = partner
        self.only_our_customers(self.customer_a | self.customer_b | self.customer_c | sum(funds.values(),
                                                                                        self.env["res.partner"]))
        customers = self.env["res.partner"].with_context(active_test=False).search([("is_bank_customer", "=", True)])
        customers.action_bank_evaluate(day)
        self.assertEqual(funds["F 520k"].bank_tier_id, self.vip)
        self.vip.downgrade_grace_days = 0  # (with a grace, a leaving customer first stays)
        # Raise the funds threshold to 600,000 and lower the credit-loan one (nobody has loans).
        wizard = self.env["bank.tier.whatif"].with_user(self.user_admin).create({"date": day})
        funds_line = wizard.line_ids.filtered(
            lambda line: line.condition_id.rule_id == self.env.ref("bank_relationship_manager.tier_rule_vip_funds")
        )
        funds_line.new_amount = 600000
        wizard.action_preview()
        effect = {(r.tier_id, r.movement): r for r in wizard.result_ids}
        leave = effect[(self.vip, "leave")]
        self.assertEqual(leave.count, 1)
        self.assertEqual(leave.partner_ids, funds["F 520k"])
        vip_count = self.env["res.partner"].search_count(
            [("bank_tier_id", "=", self.vip.id), ("is_bank_customer", "=", True)]
        )
        self.assertEqual(effect[(self.vip, "stay")].count, vip_count - 1, "every other VIP stays")
        self.assertNotIn((self.vip, "enter"), effect)
        # Nothing changed yet.
        self.assertEqual(funds_line.condition_id.amount, 500000)
        self.assertEqual(funds["F 520k"].bank_tier_id, self.vip)
        # Propose, submit, and a second administrator approves: the real run makes exactly the
        # previewed changes, which the request's own preview shows too.
        counts = {(r.tier_id, r.movement): r.count for r in wizard.result_ids if r.movement != "stay"}
        change = self.env["bank.config.change"].with_user(self.user_admin).browse(wizard.action_propose()["res_id"])
        change.action_submit()
        self.assertEqual(
            {(r.tier_id, r.movement): r.count for r in change.preview_ids if r.kind == "tier" and r.movement != "stay"},
            counts,
        )
        self.assertEqual(funds_line.condition_id.amount, 500000)
        before = self.env["bank.tier.history"].search_count([])
        approver = new_test_user(self.env, login="t_bank_admin_2", groups=GROUP_ADMIN)
        change.with_user(approver).action_approve()
        run_queued_evaluation(self)
        self.assertEqual(funds_line.condition_id.amount, 600000)
        changes = self.env["bank.tier.history"].search([], order="id desc", limit=self.env["bank.tier.history"]
                                                        .search_count([]) - before)
        real = {}
        for change in changes:
            if change.old_tier_id:
                real[(change.old_tier_id, "leave")] = real.get((change.old_tier_id, "leave"), 0) + 1
            if change.new_tier_id:
                real[(change.new_tier_id, "enter")] = real.get((change.new_tier_id, "enter"), 0) + 1
        self.assertEqual(real, counts)
        self.assertFalse(funds["F 520k"].bank_tier_id)

    def test_level_moves_counted_without_reading_customers(self):
        """The preview of a change of bands counts who would move between maintenance levels
        from the levels the customers have now, read with their states by the engine's one
        query: no customer is read as a record (a million of them filled the ORM cache)."""
        day = D(2026, 3, 31)
        partners = self.env["res.partner"]
        for aum in (950000, 1000000):
            partner = self.env["res.partner"].create({"name": f"AUM {aum}", "is_bank_customer": True})
            self._load(self._account(partner, "DEP_TIME"), ("2026-03-01", aum))
            partners |= partner
        partners.action_bank_evaluate(day)
        self.assertEqual(partners.mapped("bank_maintenance_level"), ["rm", "sub_branch"])
        self.only_our_customers(partners)
        # The sub-branch band lowered to 900,000: the first customer would move up to it.
        bands = [
            (900000.0 if level == "sub_branch" else start, inclusive, level)
            for start, inclusive, level in self.env["bank.maintenance.band"].search([], order="aum_from")
            .mapped(lambda band: (band.aum_from, band.from_inclusive, band.level))
        ]
        rule_set = self.engine._rule_set(day)
        self.env.invalidate_all()
        moves = self.env["bank.tier.whatif"]._count_moves(rule_set, day, bands)
        self.assertEqual(moves[("rm", "leave")], partners[:1].ids)
        self.assertEqual(moves[("sub_branch", "enter")], partners[:1].ids)
        self.assertNotIn(("sub_branch", "leave"), moves)
        self.assertFalse(self.cached_ids(partners), "no customer read into the ORM cache")

    def test_whatif_refuses_bad_thresholds_and_business_users(self):
        wizard = self.env["bank.tier.whatif"].with_user(self.user_admin).create({"date": D(2026, 3, 31)})
        with self.assertRaises(ValidationError):
            wizard.line_ids[0].new_amount = -1
            wizard.action_preview()
        with self.assertRaises(AccessError):
            self.env["bank.tier.whatif"].with_user(self.user_rm_a).create({"date": D(2026, 3, 31)})
