# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_UNIT_HEAD, PREFIX, TourClockMixin, load_chinese


@tagged("post_install", "-at_install")
class TestWorkbenchTours(TourClockMixin, HttpCase):
    """The workbench in Chinese, in headless Chromium, as the RM and the unit head who use it, on
    a clock shared by the server and the browser (TourClockMixin)."""

    # 17:30 UTC on 31 October 2024 is 01:30 on 1 November in Shanghai: the UTC day and month are
    # not the bank's day, on which the greeting is due.
    reference_now = datetime.datetime(2024, 10, 31, 17, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.head = new_test_user(cls.env, "tour_wb_head", groups=GROUP_UNIT_HEAD, name="工作台网点负责人",
                                 lang="zh_CN", tz="Asia/Shanghai")
        cls.rm_user = new_test_user(cls.env, "tour_wb_rm", groups=GROUP_RM, name="工作台客户经理",
                                    lang="zh_CN", tz="Asia/Shanghai")
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "工作台分行", "code": "WBT", "level": "branch"})
        sub = Unit.create({"name": "工作台支行", "code": "WBT-S", "level": "sub_branch", "parent_id": branch.id})
        outlet = Unit.create({"name": "工作台网点", "code": "WBT-1", "level": "outlet", "parent_id": sub.id,
                              "head_user_id": cls.head.id, "has_wealth_room": True})
        rm = cls.env["bank.rm"].create({"user_id": cls.rm_user.id, "grade_id": cls.env.ref(PREFIX + "rm_grade_rm").id,
                                        "unit_id": outlet.id})
        Partner = cls.env["res.partner"]
        cls.birthday_customer = Partner.create({"name": "工作台寿星", "is_bank_customer": True, "bank_rm_id": rm.id})
        cls.birthday_customer.activity_schedule(
            activity_type_id=cls.env.ref(PREFIX + "mail_activity_type_birthday").id, user_id=cls.rm_user.id,
            date_deadline=cls.today, summary="生日祝福",
        )
        borrower = Partner.create({"name": "工作台借阅客户", "is_bank_customer": True, "bank_rm_id": rm.id})
        dossier = cls.env["bank.dossier"].with_user(cls.rm_user).create({
            "partner_id": borrower.id,
            "item_ids": [Command.create({"document_type": "id_copy", "description": "身份证复印件"})],
        })
        dossier.with_user(cls.head).action_lock()
        cls.checkout = cls.env["bank.dossier.checkout"].with_user(cls.rm_user).create({
            "dossier_id": dossier.id, "purpose": "上门拜访",
            "due_at": cls.reference_now + datetime.timedelta(days=3),
        })

    def test_rm_morning(self):
        self.start_tour("/odoo", "bank_workbench_rm_tour", login="tour_wb_rm")
        log = self.env["bank.maintenance.log"].search([("partner_id", "=", self.birthday_customer.id)])
        self.assertEqual((log.log_type, log.minutes, log.date), ("birthday", 15, self.today))

    def test_unit_head_approves_from_the_queue(self):
        self.start_tour("/odoo", "bank_workbench_head_tour", login="tour_wb_head")
        self.assertEqual(self.checkout.state, "approved")
        # Approved by a request of the browser, on the test's clock (running from the reference).
        self.assertLess(self.checkout.approved_at - self.reference_now, datetime.timedelta(minutes=10))
        self.assertGreaterEqual(self.checkout.approved_at, self.reference_now)
