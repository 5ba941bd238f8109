# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_SUPERVISOR


@tagged("post_install", "-at_install")
class TestJournalTours(HttpCase):
    """The weekly summary as an RM writes it, in Chinese, in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "web", "mail", "contacts", "bank_relationship_manager"], ["zh_CN"]
        )
        cls.supervisor = new_test_user(cls.env, "tour_journal_sup", groups=GROUP_SUPERVISOR, name="巡回支行主管",
                                       lang="zh_CN")
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "汇报巡回分行", "code": "JTOUR", "level": "branch"})
        sub_branch = Unit.create({
            "name": "汇报巡回支行", "code": "JTOUR-S", "level": "sub_branch", "parent_id": branch.id,
            "supervisor_user_id": cls.supervisor.id,
        })
        outlet = Unit.create({"name": "汇报巡回网点", "code": "JTOUR-1", "level": "outlet",
                              "parent_id": sub_branch.id, "has_wealth_room": True})
        cls.rm_user = new_test_user(cls.env, "tour_journal_rm", groups=GROUP_RM, name="汇报客户经理", lang="zh_CN",
                                    tz="Asia/Shanghai")
        cls.rm = cls.env["bank.rm"].create({
            "user_id": cls.rm_user.id, "grade_id": cls.env.ref("bank_relationship_manager.rm_grade_rm").id,
            "unit_id": outlet.id,
        })
        customer = cls.env["res.partner"].create({"name": "汇报巡回客户", "is_bank_customer": True,
                                                  "bank_rm_id": cls.rm.id})
        Log = cls.env["bank.maintenance.log"].with_user(cls.rm_user)
        Log.create({
            "partner_id": customer.id, "rm_id": cls.rm.id, "date": fields.Date.context_today(Log), "channel": "visit",
            "log_type": "sale", "summary": "上门拜访", "minutes": 45,
        })

    def test_rm_writes_and_submits_the_weekly_summary(self):
        self.start_tour("/odoo", "bank_journal_weekly_tour", login="tour_journal_rm")
        summary = self.env["bank.weekly.summary"].search([("rm_id", "=", self.rm.id)])
        self.assertEqual((summary.state, summary.supervisor_user_id), ("submitted", self.supervisor))
        self.assertEqual((summary.contact_count, summary.visit_count, summary.minutes_total), (1, 1, 45))
        self.assertEqual(summary.next_week_plan, "下周二与客户签约。")
        self.assertEqual(summary.activity_ids.user_id, self.supervisor)
