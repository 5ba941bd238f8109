# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, datetime

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import BankCase


class AppraisalCase(BankCase):
    """Appraisals of the three RMs of BankCase for November 2026, on a plan of manual KPIs (the
    supervisor enters them) so that every figure is the test's own; the computed KPIs are tested
    in tests/test_kpi_measures.py and tests/test_appraisal_monthly.py."""

    reference_now = datetime(2026, 12, 3, 2, 0)
    month = date(2026, 11, 1)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Kpi = cls.env["bank.kpi"]
        cls.kpi_x = Kpi.create({"code": "t_x", "name": "T X", "source": "manual", "kind": "teamwork",
                                "unit": "points"})
        cls.kpi_y = Kpi.create({"code": "t_y", "name": "T Y", "source": "manual", "kind": "feedback",
                                "unit": "points", "higher_is_better": False})
        cls.plan = cls.env["bank.appraisal.plan"].create({
            "name": "T plan", "date_start": date(2026, 1, 1),
            "grade_ids": [(6, 0, (cls.grade_rm | cls.grade_lobby | cls.grade_senior).ids)],
            "line_ids": [
                (0, 0, {"kpi_id": cls.kpi_x.id, "weight": 60, "target": 80, "cap": 120}),
                (0, 0, {"kpi_id": cls.kpi_y.id, "weight": 40, "target": 10, "cap": 120}),
            ],
        })
        cls.plan.action_activate()
        cls.rms = cls.rm_a | cls.rm_b | cls.rm_c
        # Only our RMs serve in the month: the demo's RMs joined after it.
        other = cls.env["bank.rm"].with_context(active_test=False).search([("id", "not in", cls.rms.ids)])
        other.write({"date_joined": date(2027, 1, 1)})
        cls.only_our_appraisals()

    @classmethod
    def only_our_appraisals(cls):
        """Take every appraisal but those of our RMs out of the bank (by SQL: nobody deletes an
        appraisal; the test's transaction is rolled back), so that the ranks and the company's
        searches count only the test's own: the demo data's months may be ours."""
        cls.env.flush_all()
        cls.env.cr.execute("DELETE FROM bank_appraisal WHERE rm_id NOT IN %s", [tuple(cls.rms.ids)])
        cls.env.invalidate_all()

    def generate(self, user=None):
        Appraisal = self.env["bank.appraisal"].with_user(user or self.user_office)
        return Appraisal.browse(Appraisal.generate_monthly(self.month))

    def enter(self, appraisal, x, y, user=None):
        lines = appraisal.with_user(user or self.user_supervisor).line_ids
        lines.filtered(lambda line: line.kpi_id == self.kpi_x).manual_value = x
        lines.filtered(lambda line: line.kpi_id == self.kpi_y).manual_value = y


class TestAppraisalCore(AppraisalCase):

    def test_generate_scores_ranks_and_coefficients(self):
        appraisals = self.generate()
        self.assertEqual(appraisals.rm_id, self.rms)
        self.assertEqual(set(appraisals.mapped("state")), {"computed"})
        self.assertEqual(set(appraisals.mapped("date_to")), {date(2026, 11, 30)})
        by_rm = {a.rm_id: a for a in appraisals}
        # x: 96 of 80 = 120 % (cap), y lower is better: 5 of 10 = 150 % -> 120 %: 60*1.2 + 40*1.2 = 120
        self.enter(by_rm[self.rm_a], 96, 5)
        # x: 100 of 80 = 125 % -> 120; y: 10 of 10 = 100 %: 72 + 40 = 112
        self.enter(by_rm[self.rm_b], 100, 10)
        # x: 40 of 80 = 50 %; y: 20 of 10 = 2 - 2 = 0 %: 30 + 0 = 30
        self.enter(by_rm[self.rm_c], 40, 20, user=self.user_center_head)
        self.assertEqual(by_rm[self.rm_a].total_score, 120.0)
        self.assertEqual(by_rm[self.rm_b].total_score, 112.0)
        self.assertEqual(by_rm[self.rm_c].total_score, 30.0)
        self.assertEqual(by_rm[self.rm_a].pay_coefficient, 1.3)
        self.assertEqual(by_rm[self.rm_b].pay_coefficient, 1.3)
        self.assertEqual(by_rm[self.rm_c].pay_coefficient, 0.0)
        # Recomputing keeps the entered values and gives the same figures.
        self.generate()
        self.assertEqual(by_rm[self.rm_a].total_score, 120.0)
        by_rm[self.rm_a].with_user(self.user_supervisor).action_review()
        by_rm[self.rm_b].with_user(self.user_supervisor).action_review()
        by_rm[self.rm_c].with_user(self.user_center_head).action_review()
        self.assertEqual([by_rm[rm].rank for rm in (self.rm_a, self.rm_b, self.rm_c)], [1, 2, 3])
        appraisals.with_user(self.user_office).action_publish()
        self.assertEqual(set(appraisals.mapped("state")), {"published"})

    def test_stored_name_is_the_same_in_every_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        Appraisal = self.env["bank.appraisal"].with_user(self.user_office).with_context(lang="zh_CN")
        appraisals = Appraisal.browse(Appraisal.generate_monthly(self.month))
        self.assertEqual(sorted(appraisals.mapped("name")), ["t_rm_a 2026-11", "t_rm_b 2026-11", "t_rm_c 2026-11"])
        # Recomputed (the RM's name changed) in another language: the same shape.
        self.user_rm_a.with_context(lang="zh_CN").name = "王芳"
        self.assertEqual(appraisals.filtered(lambda a: a.rm_id == self.rm_a).name, "王芳 2026-11")
        self.assertEqual(
            Appraisal._bank_name("王芳", "special", date(2026, 1, 1), date(2026, 3, 31)), "王芳 2026-01-01–2026-03-31",
        )

    def test_coefficient_band_boundaries(self):
        bands = self.env["bank.pay.band"].search([])
        company = self.env.company
        for score, coefficient in [(110, 1.3), (109.99, 1.15), (100, 1.15), (90, 1.0), (89.99, 0.9), (60, 0.6),
                                   (59.99, 0.0), (0, 0.0), (135, 1.3)]:
            self.assertEqual(bands._bank_coefficient(score, company), coefficient, score)

    def test_published_is_sealed_for_everyone(self):
        appraisal = self.generate().filtered(lambda a: a.rm_id == self.rm_a)
        self.enter(appraisal, 80, 10)
        appraisal.with_user(self.user_supervisor).action_review()
        appraisal.with_user(self.user_office).action_publish()
        score = appraisal.total_score
        for user in (self.user_office, self.user_admin, self.user_supervisor, self.user_rm_a):
            with self.assertRefused(AccessError, "(?i)published"):
                appraisal.with_user(user).write({"supervisor_score": 99})
            with self.assertRaises(UserError):
                appraisal.with_user(user).unlink()
            with self.assertRaises(AccessError):
                appraisal.with_user(user).action_compute()
        with self.assertRefused(AccessError, "(?i)published"):
            appraisal.sudo().write({"supervisor_score": 99})
        with self.assertRefused(AccessError, "(?i)published"):
            appraisal.line_ids.sudo().write({"manual_value": 1})
        # A new run leaves it as it was.
        self.generate()
        self.assertEqual(appraisal.total_score, score)
        self.assertEqual(appraisal.state, "published")

    def test_steps_refused_to_the_wrong_roles(self):
        appraisal = self.generate().filtered(lambda a: a.rm_id == self.rm_a)
        with self.assertRefused(AccessError, "office"):
            self.env["bank.appraisal"].with_user(self.user_supervisor).generate_monthly(self.month)
        with self.assertRefused(AccessError, "review their own"):
            appraisal.with_user(self.user_rm_a).action_review()
        with self.assertRefused(AccessError, "supervisor|read"):
            appraisal.with_user(self.user_head_2).action_review()
        with self.assertRefused(AccessError, "(?i)computed"):
            appraisal.with_user(self.user_office).action_publish()
        with self.assertRefused(AccessError, "Entered value"):
            appraisal.line_ids[:1].with_user(self.user_rm_a).write({"manual_value": 100})
        with self.assertRefused(AccessError, "not by hand"):
            self.env["bank.appraisal"].with_user(self.user_office).create({
                "rm_id": self.rm_a.id, "date_from": self.month, "date_to": date(2026, 11, 30),
            })
        with self.assertRefused(UserError, "T X, T Y"):
            appraisal.with_user(self.user_supervisor).action_review()
        self.enter(appraisal, 50, 5)
        appraisal.with_user(self.user_supervisor).action_review()
        self.assertFalse(appraisal.with_user(self.user_rm_a).can_publish)
        self.assertTrue(appraisal.with_user(self.user_office).can_publish)
        appraisal.with_user(self.user_supervisor).action_send_back()
        self.assertEqual(appraisal.state, "computed")

    def test_rm_reads_only_their_own_once_computed(self):
        appraisals = self.generate()
        own = self.env["bank.appraisal"].with_user(self.user_rm_a).search([])
        self.assertEqual(own, appraisals.filtered(lambda a: a.rm_id == self.rm_a))
        other = appraisals.filtered(lambda a: a.rm_id == self.rm_b)
        with self.assertRaises(AccessError):
            other.with_user(self.user_rm_a).read(["total_score"])
        ours = [("rm_id", "in", self.rms.ids)]
        self.assertFalse(self.env["bank.appraisal"].with_user(self.user_hr).search(ours))
        self.assertFalse(self.env["bank.appraisal"].with_user(self.user_head_1).search(ours))

    def test_plan_in_force_is_read_only(self):
        with self.assertRefused(AccessError, "In force|in force"):
            self.plan.with_user(self.user_admin).write({"name": "changed"})
        with self.assertRefused(ValidationError, "new version"):
            self.env["bank.appraisal.plan.line"].with_user(self.user_admin).create(
                {"plan_id": self.plan.id, "kpi_id": self.kpi_x.id, "weight": 1, "target": 1}
            )
        draft = self.env["bank.appraisal.plan"].with_user(self.user_admin).create({
            "name": "T bad", "date_start": date(2027, 1, 1),
            "line_ids": [(0, 0, {"kpi_id": self.kpi_x.id, "weight": 50, "target": 1})],
        })
        with self.assertRefused(ValidationError, "100"):
            draft.action_activate()
