# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_OFFICE, GROUP_RM, GROUP_SUPERVISOR, PREFIX, TourClockMixin, load_chinese


@tagged("post_install", "-at_install")
class TestAppraisalCampaignTours(TourClockMixin, HttpCase):
    """A special campaign in Chinese, in headless Chromium: the office publishes it, then an RM in
    scope reads its leaderboard. The period is last month, relative to the bank's day."""

    # 17:30 UTC on 31 March is 1 April in Shanghai: last month is March, not February (TourClockMixin).
    reference_now = datetime.datetime(2026, 3, 31, 17, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        date_from = cls.today.replace(day=1) - relativedelta(months=1)
        date_to = cls.today.replace(day=1) - relativedelta(days=1)
        cls.office = new_test_user(cls.env, "tour_campaign_office", groups=GROUP_OFFICE, name="巡回考核办",
                                   lang="zh_CN", tz="Asia/Shanghai")
        supervisor = new_test_user(cls.env, "tour_campaign_sup", groups=GROUP_SUPERVISOR, name="巡回考核主管",
                                   lang="zh_CN")
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "专项巡回分行", "code": "CTOUR", "level": "branch"})
        sub_branch = Unit.create({"name": "专项巡回支行", "code": "CTOUR-S", "level": "sub_branch",
                                  "parent_id": branch.id, "supervisor_user_id": supervisor.id})
        outlet = Unit.create({"name": "专项巡回网点", "code": "CTOUR-1", "level": "outlet", "parent_id": sub_branch.id,
                              "has_wealth_room": True})
        grade = cls.env.ref(PREFIX + "rm_grade_rm")
        Log = cls.env["bank.maintenance.log"]
        cls.rms = {}
        for login, name, contacts in (
            ("tour_campaign_rm1", "冠军客户经理", 3), ("tour_campaign_rm2", "追赶客户经理", 1),
            ("tour_campaign_rm3", "起步客户经理", 0),
        ):
            user = new_test_user(cls.env, login, groups=GROUP_RM, name=name, lang="zh_CN", tz="Asia/Shanghai")
            rm = cls.env["bank.rm"].create({"user_id": user.id, "grade_id": grade.id, "unit_id": outlet.id})
            customer = cls.env["res.partner"].create({"name": f"{name}的客户", "is_bank_customer": True,
                                                      "bank_rm_id": rm.id})
            Log.with_user(user).create([{
                "partner_id": customer.id, "rm_id": rm.id, "summary": "电话回访", "date": date_from,
            } for _i in range(contacts)])
            cls.rms[login] = rm
        cls.campaign = cls.env["bank.appraisal.campaign"].with_user(cls.office).create({
            "name": "专项巡回联络竞赛", "kpi_id": cls.env.ref(PREFIX + "kpi_contacts_logged").id,
            "date_from": date_from, "date_to": date_to, "unit_ids": [(6, 0, sub_branch.ids)],
        })
        cls.campaign.action_compute()

    def test_office_publishes_then_rm_reads_the_leaderboard(self):
        self.start_tour("/odoo", "bank_appraisal_campaign_office_tour", login="tour_campaign_office")
        self.assertEqual((self.campaign.state, self.campaign.published_by_id), ("published", self.office))
        self.assertEqual(
            [(line.rm_id, line.actual, line.rank) for line in self.campaign.line_ids],
            [(self.rms["tour_campaign_rm1"], 3.0, 1), (self.rms["tour_campaign_rm2"], 1.0, 2),
             (self.rms["tour_campaign_rm3"], 0.0, 3)],
        )
        self.start_tour("/odoo", "bank_appraisal_campaign_rm_tour", login="tour_campaign_rm2")
