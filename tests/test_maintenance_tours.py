# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_SUPERVISOR, TourClockMixin, load_chinese


@tagged("post_install", "-at_install")
class TestMaintenanceTours(TourClockMixin, HttpCase):
    """The RM's maintenance screens, in Chinese, in headless Chromium: a planned birthday greeting
    done through the done form, then a joint maintenance request decided by the supervisor."""

    # 17:30 UTC on 29 February 2024 is 01:30 on 1 March in Shanghai: the UTC day, the month and
    # the leap day are not the bank's day, whose month the calendar must open on (TourClockMixin).
    reference_now = datetime.datetime(2024, 2, 29, 17, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.supervisor = new_test_user(cls.env, "tour_mnt_sup", groups=GROUP_SUPERVISOR, name="巡回支行主管",
                                       lang="zh_CN", tz="Asia/Shanghai")
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "维护巡回分行", "code": "MTOUR", "level": "branch"})
        sub_branch = Unit.create({
            "name": "维护巡回支行", "code": "MTOUR-S", "level": "sub_branch", "parent_id": branch.id,
            "has_wealth_room": True, "supervisor_user_id": cls.supervisor.id,
        })
        outlet = Unit.create({
            "name": "维护巡回网点", "code": "MTOUR-1", "level": "outlet", "parent_id": sub_branch.id,
            "has_wealth_room": True,
        })
        cls.rm_user = new_test_user(cls.env, "tour_mnt_rm", groups=GROUP_RM, name="维护客户经理", lang="zh_CN",
                                    tz="Asia/Shanghai")
        rm = cls.env["bank.rm"].create({
            "user_id": cls.rm_user.id, "grade_id": cls.env.ref("bank_relationship_manager.rm_grade_rm").id,
            "unit_id": outlet.id,
        })
        # The birthday is the bank's day, the browser's day too: the greeting is due on the day
        # the calendar opens on.
        cls.customer = cls.env["res.partner"].create({
            "name": "寿星客户", "is_bank_customer": True, "bank_rm_id": rm.id, "preferred_contact": "visit",
            "birthday": cls.today.replace(year=1976),
        })
        cls.env["bank.maintenance.plan"]._cron_plan(cls.today, commit=False)

    def test_rm_marks_a_birthday_greeting_done_and_requests_joint_maintenance(self):
        self.start_tour("/odoo", "bank_maintenance_rm_tour", login="tour_mnt_rm")
        log = self.env["bank.maintenance.log"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((log.log_type, log.channel, log.minutes), ("birthday", "visit", 35))
        # Dated by the requests of the browser, on the test's clock: the bank's day, not the UTC one.
        self.assertEqual(log.date, self.today)
        request = self.env["bank.escalation"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((request.state, request.supervisor_user_id, request.request_date),
                         ("requested", self.supervisor, self.today))
        self.start_tour("/odoo", "bank_maintenance_supervisor_tour", login="tour_mnt_sup")
        self.assertEqual((request.state, request.decided_on), ("accepted", self.today))
