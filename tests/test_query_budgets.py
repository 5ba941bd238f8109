# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo.tests import tagged

from .test_tier_engine import TierCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestQueryBudgets(TierCase):
    """Hot paths whose query count must not grow with the size of the batch (the pattern of
    addons/crm/tests/test_crm_lead_convert_mass.py): each is measured on a small batch, then the
    large one is held to that count with ``assertQueryCount``."""

    def _customers(self, count, funds=None, birthday=None):
        partners = self.env["res.partner"].create([
            {"name": f"Budget {self.seq}-{i}", "is_bank_customer": True, "bank_rm_id": self.rm_a.id,
             "birthday": birthday}
            for i in range(count)
        ])
        if funds:
            for partner in partners:
                self._load(self._account(partner, "FUND"), ("2026-03-01", funds))
        type(self).seq += 1
        return partners

    def _count(self, run):
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        run()
        self.env.flush_all()
        return self.cr.sql_log_count - start

    def test_tier_evaluation_batch(self):
        day = D(2026, 3, 31)
        rule_sets = {self.env.lang: self.engine._rule_set(day)}

        def evaluate(partners):
            return lambda: self.engine._evaluate_and_apply(partners.ids, day, rule_sets)

        evaluate(self._customers(1, 600000))()  # warm the registry's caches
        small, large = self._customers(2, 600000), self._customers(8, 600000)
        # First evaluation: every customer reaches a tier (history, a draft dossier each).
        first = self._count(evaluate(small))
        with self.assertQueryCount(first):
            evaluate(large)()
        self.assertEqual(set(large.mapped("bank_tier_id.id")), {self.vip.id}, "the batch was really evaluated")
        # The nightly steady state: nothing changes.
        steady = self._count(evaluate(small))
        with self.assertQueryCount(steady):
            evaluate(large)()

    def test_maintenance_planning_batch(self):
        day = D(2026, 12, 7)
        Plan = self.env["bank.maintenance.plan"]

        def plan():
            return Plan._cron_plan(day, commit=False)

        self._customers(1, birthday=D(1980, 12, 10))
        plan()  # plans the day for every customer of the database, and warms the caches
        self._customers(2, birthday=D(1980, 12, 10))
        small = self._count(plan)
        large = self._customers(8, birthday=D(1980, 12, 10))
        with self.assertQueryCount(small):
            planned = plan()
        self.assertGreaterEqual(planned, 8, "the large batch was really planned")
        birthday = self.env.ref("bank_relationship_manager.mail_activity_type_birthday")
        self.assertEqual(self.env["mail.activity"].search_count([
            ("res_model", "=", "res.partner"), ("res_id", "in", large.ids), ("activity_type_id", "=", birthday.id),
        ]), 8, "a birthday greeting each")
