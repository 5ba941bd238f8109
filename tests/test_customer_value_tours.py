# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_UNIT_HEAD, load_chinese


@tagged("post_install", "-at_install")
class TestCustomerValueTours(HttpCase):
    """The unit head's loss-making customers, in Chinese, in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        env = cls.env
        cls.head = new_test_user(env, "tour_value_head", groups=GROUP_UNIT_HEAD, name="价值巡回负责人",
                                 lang="zh_CN", tz="Asia/Shanghai")
        Unit = env["bank.org.unit"]
        branch = Unit.create({"name": "价值巡回分行", "code": "VTOUR", "level": "branch"})
        sub_branch = Unit.create({"name": "价值巡回支行", "code": "VTOUR-S", "level": "sub_branch",
                                  "parent_id": branch.id})
        outlet = Unit.create({"name": "价值巡回网点", "code": "VTOUR-1", "level": "outlet",
                              "parent_id": sub_branch.id, "has_wealth_room": True, "head_user_id": cls.head.id})
        other = Unit.create({"name": "价值其他网点", "code": "VTOUR-2", "level": "outlet",
                             "parent_id": sub_branch.id, "has_wealth_room": True})
        rm_user = new_test_user(env, "tour_value_rm", groups=GROUP_RM, name="价值客户经理", lang="zh_CN")
        rm = env["bank.rm"].create({
            "user_id": rm_user.id, "grade_id": env.ref("bank_relationship_manager.rm_grade_rm").id,
            "unit_id": outlet.id,
        })
        Partner = env["res.partner"]
        loser = Partner.create({"name": "价值亏损客户", "is_bank_customer": True, "bank_rm_id": rm.id,
                                "bank_unit_id": outlet.id})
        earner = Partner.create({"name": "价值盈利客户", "is_bank_customer": True, "bank_rm_id": rm.id,
                                 "bank_unit_id": outlet.id})
        elsewhere = Partner.create({"name": "其他网点亏损客户", "is_bank_customer": True, "bank_unit_id": other.id})
        deposit = env.ref("bank_relationship_manager.product_category_dep_demand")
        env["bank.account"].create({"partner_id": earner.id, "account_no": "VTOUR-DEP", "category_id": deposit.id})
        env["bank.balance"].load_balances([{"account_no": "VTOUR-DEP", "date": "2026-10-01", "balance": 1000000}])
        env.ref("bank_relationship_manager.service_cost_visit").cost = 200
        env["bank.maintenance.log"].create([
            {"partner_id": partner.id, "rm_id": rm.id, "date": datetime.date(2026, 11, day), "channel": "visit",
             "summary": "上门服务", "minutes": 30}
            for partner in (loser, elsewhere) for day in (5, 20)
        ])
        customers = loser | earner | elsewhere
        customers._bank_value_snapshot(env["bank.customer.value"]._bank_run_settings(
            datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
        ))
        cls.loser = loser

    def test_head_opens_the_loss_making_customers(self):
        self.assertEqual(self.loser.bank_value_ids.value_class, "loss")
        self.start_tour("/odoo", "bank_customer_value_tour", login="tour_value_head")
