# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_UNIT_HEAD, TourClockMixin, load_chinese


@tagged("post_install", "-at_install")
class TestUnitMonthlyReportTour(TourClockMixin, HttpCase):
    """A unit head prints their unit's monthly report from the Reporting menu, in Chinese, in
    headless Chromium (static/tests/tours/bank_unit_monthly_report_tour.js)."""

    # 17:30 UTC on New Year's Eve is 1 January in Shanghai: last month is December of the year before,
    # not November (TourClockMixin).
    reference_now = datetime.datetime(2025, 12, 31, 17, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.head = new_test_user(cls.env, "tour_monthly_head", groups=GROUP_UNIT_HEAD, name="月报网点负责人",
                                 lang="zh_CN", tz="Asia/Shanghai")
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "月报巡回分行", "code": "MTOUR", "level": "branch"})
        cls.outlet = Unit.create({"name": "月报巡回网点", "code": "MTOUR-1", "level": "outlet",
                                  "parent_id": branch.id, "head_user_id": cls.head.id})

    def test_unit_head_prints_the_monthly_report(self):
        self.start_tour("/odoo", "bank_unit_monthly_report_head_tour", login="tour_monthly_head")
        wizard = self.env["bank.unit.monthly.report"].search([("create_uid", "=", self.head.id)])
        self.assertEqual(len(wizard), 1, "the head's wizard, saved by Print")
        self.assertEqual(wizard.unit_id, self.outlet)
        self.assertEqual(wizard.month, datetime.date(2025, 12, 1), "last month (the bank's) by default")
