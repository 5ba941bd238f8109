# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_OFFICE, GROUP_RM, GROUP_SUPERVISOR, PREFIX, TourClockMixin, load_chinese


@tagged("post_install", "-at_install")
class TestAppraisalTours(TourClockMixin, HttpCase):
    """The monthly appraisal's screens in Chinese, in headless Chromium, each as the role that uses
    it: the RM drills into a KPI, the supervisor reviews, the office publishes. Last month,
    relative to the bank's day, on a plan of one computed KPI (contacts logged) and one the
    supervisor enters (teamwork); each test makes its own appraisal."""

    # 17:30 UTC on 30 April is 1 May in Shanghai: last month is April, not March (TourClockMixin).
    reference_now = datetime.datetime(2026, 4, 30, 17, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.month = cls.today.replace(day=1) - relativedelta(months=1)
        cls.office = new_test_user(cls.env, "tour_appraisal_office", groups=GROUP_OFFICE, name="巡回考核办公室",
                                   lang="zh_CN", tz="Asia/Shanghai")
        cls.supervisor = new_test_user(cls.env, "tour_appraisal_sup", groups=GROUP_SUPERVISOR,
                                       name="巡回考核支行主管", lang="zh_CN", tz="Asia/Shanghai")
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "考核巡回分行", "code": "ATOUR", "level": "branch"})
        sub_branch = Unit.create({"name": "考核巡回支行", "code": "ATOUR-S", "level": "sub_branch",
                                  "parent_id": branch.id, "supervisor_user_id": cls.supervisor.id})
        outlet = Unit.create({"name": "考核巡回网点", "code": "ATOUR-1", "level": "outlet",
                              "parent_id": sub_branch.id, "has_wealth_room": True})
        grade = cls.env.ref(PREFIX + "rm_grade_rm")
        cls.rm_user = new_test_user(cls.env, "tour_appraisal_rm", groups=GROUP_RM, name="巡回考核客户经理",
                                    lang="zh_CN", tz="Asia/Shanghai")
        cls.rm = cls.env["bank.rm"].create({"user_id": cls.rm_user.id, "grade_id": grade.id, "unit_id": outlet.id})
        customer = cls.env["res.partner"].create({"name": "巡回考核客户", "is_bank_customer": True,
                                                  "bank_rm_id": cls.rm.id})
        cls.env["bank.maintenance.log"].with_user(cls.rm_user).create([{
            "partner_id": customer.id, "rm_id": cls.rm.id, "summary": summary,
            "date": cls.month + relativedelta(days=day),
        } for summary, day in (("巡回电话回访", 2), ("巡回上门拜访", 9))])
        # The most specific plan (grade and role) in force for the month: ours, not the default one.
        cls.kpi_contacts = cls.env.ref(PREFIX + "kpi_contacts_logged")
        cls.kpi_teamwork = cls.env.ref(PREFIX + "kpi_teamwork")
        plan = cls.env["bank.appraisal.plan"].create({
            "name": "巡回考核方案", "date_start": cls.month, "grade_ids": [(6, 0, grade.ids)], "role": cls.rm.role,
            "line_ids": [
                (0, 0, {"sequence": 1, "kpi_id": cls.kpi_contacts.id, "weight": 60, "target": 2, "cap": 120}),
                (0, 0, {"sequence": 2, "kpi_id": cls.kpi_teamwork.id, "weight": 40, "target": 80, "cap": 120}),
            ],
        })
        plan.action_activate()

    def appraisal(self):
        """Our RM's appraisal of last month, computed by the office's run."""
        Appraisal = self.env["bank.appraisal"].with_user(self.office)
        Appraisal.generate_monthly(self.month)
        appraisal = Appraisal.search([("rm_id", "=", self.rm.id), ("date_from", "=", self.month)])
        self.assertEqual(appraisal.state, "computed")
        self.assertEqual(appraisal.line_ids.mapped("actual"), [2.0, 0.0])
        return appraisal

    def review(self, appraisal):
        lines = appraisal.with_user(self.supervisor).line_ids
        lines.filtered(lambda line: line.kpi_id == self.kpi_teamwork).manual_value = 80
        appraisal.with_user(self.supervisor).action_review()

    def test_rm_drills_into_a_kpi_of_their_published_appraisal(self):
        appraisal = self.appraisal()
        self.review(appraisal)
        appraisal.with_user(self.office).action_publish()
        self.assertEqual((appraisal.state, appraisal.total_score, appraisal.pay_coefficient),
                         ("published", 100.0, 1.15))
        self.start_tour("/odoo", "bank_appraisal_rm_tour", login="tour_appraisal_rm")

    def test_supervisor_enters_a_manual_kpi_and_reviews(self):
        appraisal = self.appraisal()
        self.start_tour("/odoo", "bank_appraisal_supervisor_tour", login="tour_appraisal_sup")
        teamwork = appraisal.line_ids.filtered(lambda line: line.kpi_id == self.kpi_teamwork)
        self.assertEqual((appraisal.state, appraisal.reviewed_by_id), ("reviewed", self.supervisor))
        self.assertEqual((teamwork.manual_value, teamwork.score, appraisal.supervisor_score), (96.0, 48.0, 88.0))
        # 60 (2 contacts of 2) + 40 × 120 % (96 of 80, capped) = 108
        self.assertEqual((appraisal.total_score, appraisal.pay_coefficient), (108.0, 1.15))

    def test_office_publishes_the_month(self):
        appraisal = self.appraisal()
        self.review(appraisal)
        self.start_tour("/odoo", "bank_appraisal_office_tour", login="tour_appraisal_office")
        self.assertEqual((appraisal.state, appraisal.published_by_id), ("published", self.office))
