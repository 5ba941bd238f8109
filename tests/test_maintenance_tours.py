# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_SUPERVISOR, load_chinese


@tagged("post_install", "-at_install")
class TestMaintenanceTours(HttpCase):
    """The RM's maintenance screens, in Chinese, in headless Chromium: a planned birthday greeting
    done through the done form, then a joint maintenance request decided by the supervisor."""

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
        # The browser's clock is the real one (no freezing in a tour): the birthday is today in the
        # browser's time zone, the server's (Odoo runs with TZ=UTC and Chromium inherits it), so the
        # greeting is due on the day the calendar opens on, whatever the day and the month.
        today = fields.Date.today()
        cls.customer = cls.env["res.partner"].create({
            "name": "寿星客户", "is_bank_customer": True, "bank_rm_id": rm.id, "preferred_contact": "visit",
            "birthday": today.replace(year=1976),  # (a leap year: 29 February too)
        })
        cls.env["bank.maintenance.plan"]._cron_plan(today, commit=False)

    def test_rm_marks_a_birthday_greeting_done_and_requests_joint_maintenance(self):
        self.start_tour("/odoo", "bank_maintenance_rm_tour", login="tour_mnt_rm")
        log = self.env["bank.maintenance.log"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((log.log_type, log.channel, log.minutes), ("birthday", "visit", 35))
        request = self.env["bank.escalation"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((request.state, request.supervisor_user_id), ("requested", self.supervisor))
        self.start_tour("/odoo", "bank_maintenance_supervisor_tour", login="tour_mnt_sup")
        self.assertEqual(request.state, "accepted")
