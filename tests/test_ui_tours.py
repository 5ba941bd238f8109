# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_ADMIN, GROUP_RM, ID_A, load_chinese, run_queued_evaluation


@tagged("post_install", "-at_install")
class TestUiTours(HttpCase):
    """The screens as their users see them, in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        ref = cls.env.ref
        branch = cls.env["bank.org.unit"].create({"name": "Tour Branch", "code": "TOUR", "level": "branch"})
        outlet = cls.env["bank.org.unit"].create(
            {
                "name": "Tour Outlet",
                "code": "TOUR-1",
                "level": "outlet",
                "parent_id": branch.id,
                "has_wealth_room": True,
            }
        )
        grade = ref("bank_relationship_manager.rm_grade_rm")
        cls.user_rm = new_test_user(cls.env, "tour_rm_a", groups=GROUP_RM, name="Tour RM A", lang="zh_CN")
        user_rm_b = new_test_user(cls.env, "tour_rm_b", groups=GROUP_RM, name="Tour RM B", lang="zh_CN")
        cls.user_admin = new_test_user(cls.env, "tour_admin", groups=GROUP_ADMIN, name="Tour Admin", lang="en_US")
        Rm = cls.env["bank.rm"]
        rm_a = Rm.create({"user_id": cls.user_rm.id, "grade_id": grade.id, "unit_id": outlet.id})
        rm_b = Rm.create({"user_id": user_rm_b.id, "grade_id": grade.id, "unit_id": outlet.id})
        Partner = cls.env["res.partner"]
        customer = Partner.create(
            {"name": "巡回客户甲", "is_bank_customer": True, "bank_id_number": ID_A, "bank_rm_id": rm_a.id}
        )
        cls.env["bank.account"].create(
            {
                "partner_id": customer.id,
                "category_id": ref("bank_relationship_manager.product_category_dep_demand").id,
                "account_no": "TOUR-DEP-1",
            }
        )
        cls.env["bank.balance"].load_balances([{"account_no": "TOUR-DEP-1", "date": "2026-06-30", "balance": 88000}])
        earner = Partner.create(
            {
                "name": "巡回客户乙",
                "is_bank_customer": True,
                "bank_rm_id": rm_b.id,
                "bank_backup_rm_id": rm_a.id,
                "annual_income": 600000,
            }
        )
        (customer | earner).action_bank_evaluate("2026-06-30")
        # A backup RM given with a reason: the customer's assignment history shows it.
        customer._bank_assign({"bank_backup_rm_id": rm_b.id}, "客户要求指定后备客户经理")
        Partner.create({"name": "巡回客户丙", "is_bank_customer": True, "bank_rm_id": rm_b.id})

    def test_rm_customers_tour(self):
        self.start_tour("/odoo", "bank_rm_customers_tour", login="tour_rm_a")
        customer = self.env["res.partner"].search([("name", "=", "巡回客户甲")])
        self.assertEqual(customer.occupation, "外科医生")

    def test_admin_organisation_tour(self):
        self.start_tour("/odoo", "bank_admin_organisation_tour", login="tour_admin")

    def test_config_change_approval_tour(self):
        """A second administrator reviews and approves a threshold change, in Chinese."""
        approver = new_test_user(
            self.env, "tour_admin_2", groups=GROUP_ADMIN, name="Tour Admin 2", lang="zh_CN"
        )
        leaving = self.env["res.partner"].create({"name": "巡回客户丁", "is_bank_customer": True})
        self.env["bank.account"].create({
            "partner_id": leaving.id,
            "category_id": self.env.ref("bank_relationship_manager.product_category_fund").id,
            "account_no": "TOUR-FUND-1",
        })
        self.env["bank.balance"].load_balances([{"account_no": "TOUR-FUND-1", "date": "2026-03-01", "balance": 520000}])
        vip = self.env.ref("bank_relationship_manager.tier_vip")
        vip.downgrade_grace_days = 0  # (as the system: the set-up of the tour)
        leaving.action_bank_evaluate()
        self.assertEqual(leaving.bank_tier_id, vip)
        funds = self.env.ref("bank_relationship_manager.tier_rule_vip_funds").condition_ids[:1]
        change = self.env["bank.config.change"].with_user(self.user_admin).create({
            "name": "巡回门槛调整",
            "line_ids": [
                (0, 0, {"res_model": "bank.tier.condition", "res_id": funds.id, "values": {"amount": 600000}}),
            ],
        })
        change.action_submit()
        self.start_tour("/odoo", "bank_config_change_approval_tour", login="tour_admin_2")
        self.env.invalidate_all()
        self.assertEqual(change.state, "applied")
        self.assertEqual(change.approved_by_id, approver)
        self.assertEqual(funds.amount, 600000)
        run_queued_evaluation(self)
        self.assertFalse(leaving.bank_tier_id)
