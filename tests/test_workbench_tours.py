# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_UNIT_HEAD, PREFIX, load_chinese


@tagged("post_install", "-at_install")
class TestWorkbenchTours(HttpCase):
    """The workbench in Chinese, in headless Chromium, as the RM and the unit head who use it. Dates
    are the bank's day when the test runs (the browser runs on the real clock)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        today = cls.env.company._bank_today()
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
            date_deadline=today, summary="生日祝福",
        )
        borrower = Partner.create({"name": "工作台借阅客户", "is_bank_customer": True, "bank_rm_id": rm.id})
        dossier = cls.env["bank.dossier"].with_user(cls.rm_user).create({
            "partner_id": borrower.id,
            "item_ids": [Command.create({"document_type": "id_copy", "description": "身份证复印件"})],
        })
        dossier.with_user(cls.head).action_lock()
        cls.checkout = cls.env["bank.dossier.checkout"].with_user(cls.rm_user).create({
            "dossier_id": dossier.id, "purpose": "上门拜访",
            "due_at": datetime.datetime.now() + datetime.timedelta(days=3),
        })

    def test_rm_morning(self):
        self.start_tour("/odoo", "bank_workbench_rm_tour", login="tour_wb_rm")
        log = self.env["bank.maintenance.log"].search([("partner_id", "=", self.birthday_customer.id)])
        self.assertEqual((log.log_type, log.minutes), ("birthday", 15))

    def test_unit_head_approves_from_the_queue(self):
        self.start_tour("/odoo", "bank_workbench_head_tour", login="tour_wb_head")
        self.assertEqual(self.checkout.state, "approved")
