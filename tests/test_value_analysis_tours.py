# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_UNIT_HEAD, load_chinese


@tagged("post_install", "-at_install")
class TestValueAnalysisTours(HttpCase):
    """An RM writes and submits a quarterly value analysis, the unit head acknowledges it and prints
    the customer's profile, in Chinese, in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        env = cls.env
        cls.head = new_test_user(env, "tour_analysis_head", groups=GROUP_UNIT_HEAD, name="分析巡回负责人",
                                 lang="zh_CN", tz="Asia/Shanghai")
        Unit = env["bank.org.unit"]
        branch = Unit.create({"name": "分析巡回分行", "code": "ATOUR", "level": "branch"})
        sub_branch = Unit.create({"name": "分析巡回支行", "code": "ATOUR-S", "level": "sub_branch",
                                  "parent_id": branch.id})
        outlet = Unit.create({"name": "分析巡回网点", "code": "ATOUR-1", "level": "outlet",
                              "parent_id": sub_branch.id, "has_wealth_room": True, "head_user_id": cls.head.id})
        grade = env.ref("bank_relationship_manager.rm_grade_rm")
        rms = env["bank.rm"]
        for login, name in (("tour_analysis_rm", "分析客户经理"), ("tour_analysis_other", "分析其他经理")):
            user = new_test_user(env, login, groups=GROUP_RM, name=name, lang="zh_CN", tz="Asia/Shanghai")
            rms |= env["bank.rm"].create({"user_id": user.id, "grade_id": grade.id, "unit_id": outlet.id})
        tier = env.ref("bank_relationship_manager.tier_wealth_gold")
        Partner = env["res.partner"]
        cls.customer = Partner.create({"name": "分析巡回客户", "is_bank_customer": True, "bank_rm_id": rms[0].id})
        other = Partner.create({"name": "分析其他客户", "is_bank_customer": True, "bank_rm_id": rms[1].id})
        customers = cls.customer | other
        # The tier engine's figures (written by the engine only: here as the superuser).
        customers.write({"bank_tier_id": tier.id, "bank_maintenance_level": "rm"})
        deposit = env.ref("bank_relationship_manager.product_category_dep_demand")
        env["bank.account"].create({"partner_id": cls.customer.id, "account_no": "ATOUR-DEP",
                                    "category_id": deposit.id})
        env["bank.balance"].load_balances([{"account_no": "ATOUR-DEP", "date": "2026-09-01", "balance": 800000}])
        customers._bank_value_snapshot(env["bank.customer.value"]._bank_run_settings(
            datetime.date(2026, 9, 1), datetime.date(2026, 9, 30)
        ))
        env["bank.value.analysis"]._bank_plan(datetime.date(2026, 9, 30))

    def test_rm_writes_head_acknowledges(self):
        analysis = self.customer.bank_value_analysis_ids
        self.assertEqual((len(analysis), analysis.state), (1, "draft"))
        self.start_tour("/odoo", "bank_value_analysis_rm_tour", login="tour_analysis_rm")
        analysis.invalidate_recordset()
        self.assertEqual((analysis.state, analysis.plan, analysis.reviewer_user_id), ("submitted", "deepen", self.head))
        self.start_tour("/odoo", "bank_value_analysis_head_tour", login="tour_analysis_head")
        analysis.invalidate_recordset()
        self.assertEqual((analysis.state, analysis.acknowledged_by_id), ("acknowledged", self.head))
        # The profile kept with it: HTML, as a browser test serves one request at a time (see
        # models/bank_value_analysis.py _bank_attach_profile), which Odoo stores as text for users
        # who may not write views (ir.attachment._check_contents).
        kept = self.env["ir.attachment"].search([("res_model", "=", analysis._name), ("res_id", "=", analysis.id)])
        self.assertTrue(kept.name.endswith(".html"))
        self.assertEqual(kept.mimetype, "text/plain")
        self.assertIn("分析巡回客户", kept.raw.decode())
