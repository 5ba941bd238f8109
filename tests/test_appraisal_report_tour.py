# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_OFFICE, TourClockMixin, load_chinese


@tagged("post_install", "-at_install")
class TestAppraisalReportTour(TourClockMixin, HttpCase):
    """The RM office prints the appraisal ranking from the menu, in Chinese, in headless Chromium."""

    # 17:30 UTC on New Year's Eve is 1 January in Shanghai: last month is December of the year before,
    # not November (TourClockMixin).
    reference_now = datetime.datetime(2025, 12, 31, 17, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.office = new_test_user(cls.env, "tour_ranking_office", groups=GROUP_OFFICE, name="排名巡回考核办",
                                   lang="zh_CN", tz="Asia/Shanghai")
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "排名巡回分行", "code": "RTOUR", "level": "branch"})
        cls.outlet = Unit.create({"name": "排名巡回网点", "code": "RTOUR-1", "level": "outlet",
                                  "parent_id": branch.id})

    def test_office_prints_the_ranking(self):
        Wizard = self.env["bank.appraisal.ranking.report"]
        self.start_tour("/odoo", "bank_appraisal_ranking_office_tour", login="tour_ranking_office")
        wizard = Wizard.search([("create_uid", "=", self.office.id)])
        self.assertEqual(len(wizard), 1, "the office's wizard, saved by Print")
        self.assertEqual((wizard.period, wizard.unit_id), ("monthly", self.outlet))
        self.assertEqual(wizard.month, datetime.date(2025, 12, 1), "last month (the bank's) by default")
