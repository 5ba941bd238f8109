# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_SUPERVISOR, GROUP_UNIT_HEAD, TourClockMixin, load_chinese


@tagged("post_install", "-at_install")
class TestJournalTours(TourClockMixin, HttpCase):
    """The weekly summary as an RM writes it, in Chinese, in headless Chromium."""

    # 17:30 UTC on Sunday 1 March is Monday 2 March in Shanghai: the bank's week is a new one, the
    # UTC week still the last (TourClockMixin).
    reference_now = datetime.datetime(2026, 3, 1, 17, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.supervisor = new_test_user(cls.env, "tour_journal_sup", groups=GROUP_SUPERVISOR, name="巡回支行主管",
                                       lang="zh_CN")
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "汇报巡回分行", "code": "JTOUR", "level": "branch"})
        sub_branch = Unit.create({
            "name": "汇报巡回支行", "code": "JTOUR-S", "level": "sub_branch", "parent_id": branch.id,
            "supervisor_user_id": cls.supervisor.id,
        })
        cls.head = new_test_user(cls.env, "tour_journal_head", groups=GROUP_UNIT_HEAD, name="投诉巡回负责人",
                                 lang="zh_CN", tz="Asia/Shanghai")
        outlet = Unit.create({"name": "汇报巡回网点", "code": "JTOUR-1", "level": "outlet",
                              "parent_id": sub_branch.id, "has_wealth_room": True, "head_user_id": cls.head.id})
        cls.rm_user = new_test_user(cls.env, "tour_journal_rm", groups=GROUP_RM, name="汇报客户经理", lang="zh_CN",
                                    tz="Asia/Shanghai")
        cls.rm = cls.env["bank.rm"].create({
            "user_id": cls.rm_user.id, "grade_id": cls.env.ref("bank_relationship_manager.rm_grade_rm").id,
            "unit_id": outlet.id,
        })
        customer = cls.env["res.partner"].create({"name": "汇报巡回客户", "is_bank_customer": True,
                                                  "bank_rm_id": cls.rm.id})
        Complaint = cls.env["bank.complaint"].with_user(cls.rm_user)
        cls.resolved = Complaint.create({
            "partner_id": customer.id, "description": "排队等候时间过长", "category": "waiting",
            "resolution": "已向客户致歉并安排专人接待",
        })
        cls.resolved.action_resolve()
        late = cls.env["res.partner"].create(
            {"name": "逾期投诉客户", "is_bank_customer": True, "bank_rm_id": cls.rm.id}
        )
        Complaint.create({
            "partner_id": late.id, "description": "转账手续费有疑问", "category": "fees",
            # Relative to the bank's day, as the deadline and the overdue flag are (not the UTC date).
            "date_received": fields.Date.subtract(cls.today, days=10),
        }).action_start()
        Log = cls.env["bank.maintenance.log"].with_user(cls.rm_user)
        Log.create({
            "partner_id": customer.id, "rm_id": cls.rm.id, "date": cls.today, "channel": "visit",
            "log_type": "sale", "summary": "上门拜访", "minutes": 45,
        })

    def test_rm_writes_and_submits_the_weekly_summary(self):
        self.start_tour("/odoo", "bank_journal_weekly_tour", login="tour_journal_rm")
        summary = self.env["bank.weekly.summary"].search([("rm_id", "=", self.rm.id)])
        self.assertEqual((summary.state, summary.supervisor_user_id), ("submitted", self.supervisor))
        self.assertEqual(summary.date_from, datetime.date(2026, 3, 2), "the bank's week: Monday in Shanghai")
        self.assertEqual((summary.contact_count, summary.visit_count, summary.minutes_total), (1, 1, 45))
        self.assertEqual(summary.next_week_plan, "下周二与客户签约。")
        self.assertEqual(summary.activity_ids.user_id, self.supervisor)

    def test_head_closes_a_complaint_in_the_kanban(self):
        self.start_tour("/odoo", "bank_complaint_head_tour", login="tour_journal_head")
        self.assertEqual((self.resolved.state, self.resolved.root_cause), ("closed", "高峰时段理财窗口不足"))
        self.assertEqual(self.resolved.date_closed, self.today)  # the bank's day, not the UTC one
