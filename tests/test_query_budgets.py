# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo.tests import tagged

from .common import BankCase
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


@tagged("post_install", "-at_install")
class TestAppraisalQueryBudget(BankCase):
    """The monthly appraisal on a plan of the ten computed KPIs of data/bank_kpi_data.xml costs
    the same number of queries for 3 RMs and for 12 (one query per KPI for all the RMs, the
    drafts, lines and totals written in bulk: models/bank_appraisal_monthly.py)."""

    reference_now = datetime.datetime(2026, 12, 3, 2, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kpis = cls.env["bank.kpi"].browse([cls.env.ref(f"bank_relationship_manager.kpi_{code}").id for code in (
            "new_tiered", "aum_growth", "sales_won_count", "sales_won_amount", "contacts_logged", "vip_time_share",
            "activities_on_time", "complaints_on_time", "potential_converted", "late_checkouts",
        )])
        grade = cls.grade_rm
        cls.plan = cls.env["bank.appraisal.plan"].create({
            "name": "T computed plan", "date_start": D(2026, 1, 1),
            "grade_ids": [(6, 0, (cls.grade_rm | cls.grade_lobby | cls.grade_senior).ids)],
            "line_ids": [(0, 0, {"kpi_id": kpi.id, "weight": 100 / len(cls.kpis), "target": 10, "cap": 120})
                         for kpi in cls.kpis],
        })
        cls.plan.action_activate()
        # Nine more RMs, serving from November only (September and October: the three of BankCase).
        users = cls.env["res.users"].create([
            {"name": f"T budget RM {i}", "login": f"t_budget_rm_{i}",
             "group_ids": [(6, 0, cls.env.ref("bank_relationship_manager.group_bank_rm").ids)]}
            for i in range(9)
        ])
        cls.more = cls.env["bank.rm"].create([
            {"user_id": user.id, "grade_id": grade.id, "unit_id": cls.outlet_1.id, "date_joined": D(2026, 11, 1)}
            for user in users
        ])
        cls.rms = cls.rm_a | cls.rm_b | cls.rm_c
        # Only our RMs serve: the demo's joined after the months measured.
        other = cls.env["bank.rm"].with_context(active_test=False).search(
            [("id", "not in", (cls.rms | cls.more).ids)]
        )
        other.write({"date_joined": D(2027, 1, 1)})
        cls.rms.write({"date_joined": D(2026, 1, 1)})
        # Something to measure for each RM each month: a customer, contacts logged, a complaint.
        Partner = cls.env["res.partner"]
        for rm in cls.rms | cls.more:
            customer = Partner.create({"name": f"T budget customer {rm.id}", "is_bank_customer": True,
                                       "bank_rm_id": rm.id})
            for day in (D(2026, 9, 10), D(2026, 10, 10), D(2026, 11, 10), D(2026, 11, 20)):
                cls.env["bank.maintenance.log"].create({
                    "partner_id": customer.id, "rm_id": rm.id, "date": day,
                    "channel": "phone", "summary": "T budget contact", "minutes": 15,
                })
            cls.env["bank.complaint"].create({
                "partner_id": customer.id, "description": "T budget complaint", "date_received": D(2026, 11, 5),
            })

    def _run(self, month):
        Appraisal = self.env["bank.appraisal"].with_user(self.user_office)
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        ids = Appraisal.generate_monthly(month)
        self.env.flush_all()
        return Appraisal.browse(ids), self.cr.sql_log_count - start

    def test_monthly_run_does_not_grow_with_the_rms(self):
        self.assertEqual(len(self.kpis), 10, "the ten computed KPIs of the default library")
        self._run(D(2026, 9, 1))  # warms the registry's caches
        small, small_count = self._run(D(2026, 10, 1))
        large, large_count = self._run(D(2026, 11, 1))
        self.assertEqual(small.rm_id, self.rms)
        self.assertEqual(large.rm_id, self.rms | self.more)
        self.assertEqual(len(large.line_ids), 12 * 10, "every KPI of the plan was really measured")
        self.assertEqual(set(large.mapped("state")), {"computed"})
        contacts = large.line_ids.filtered(lambda line: line.kpi_id.measure == "contacts_logged")
        self.assertEqual(set(contacts.mapped("actual")), {2.0}, "two contacts logged by each RM in November")
        # The same queries for 12 RMs as for 3, but for a small constant (the 9 RMs' first
        # appraisal reads their users, units and grades in the same prefetch queries).
        self.assertLessEqual(abs(large_count - small_count), 3, (small_count, large_count))
        # A recompute too.
        _again, small_again = self._run(D(2026, 10, 1))
        _again, large_again = self._run(D(2026, 11, 1))
        self.assertLessEqual(abs(large_again - small_again), 3, (small_again, large_again))
