# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, PREFIX, load_chinese


@tagged("post_install", "-at_install")
class TestSalesTours(HttpCase):
    """The wealth pipeline as an RM sees it, in Chinese, in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env, ("base", "web", "mail", "crm", "sales_team", "bank_relationship_manager"))
        ref = cls.env.ref
        branch = cls.env["bank.org.unit"].create({"name": "Tour Sales Branch", "code": "TSB", "level": "branch"})
        outlet = cls.env["bank.org.unit"].create({
            "name": "Tour Sales Outlet",
            "code": "TSB-1",
            "level": "outlet",
            "parent_id": branch.id,
            "has_wealth_room": True,
        })
        grade = ref(PREFIX + "rm_grade_rm")
        cls.user_rm = new_test_user(cls.env, "tour_sales_rm_a", groups=GROUP_RM, name="Tour Sales RM A", lang="zh_CN")
        user_rm_b = new_test_user(cls.env, "tour_sales_rm_b", groups=GROUP_RM, name="Tour Sales RM B", lang="zh_CN")
        Rm = cls.env["bank.rm"]
        rm_a = Rm.create({"user_id": cls.user_rm.id, "grade_id": grade.id, "unit_id": outlet.id})
        rm_b = Rm.create({"user_id": user_rm_b.id, "grade_id": grade.id, "unit_id": outlet.id})
        Partner = cls.env["res.partner"]
        customer_a = Partner.create({"name": "巡回客户甲", "is_bank_customer": True, "bank_rm_id": rm_a.id})
        customer_b = Partner.create({"name": "巡回客户乙", "is_bank_customer": True, "bank_rm_id": rm_b.id})
        cls.customer = customer_a
        Lead = cls.env["crm.lead"]
        team = ref(PREFIX + "crm_team_wealth")
        common = {
            "type": "opportunity",
            "team_id": team.id,
            "bank_product_category_id": ref(PREFIX + "product_category_fund").id,
        }
        cls.lead = Lead.create({**common, "name": "巡回商机甲", "user_id": cls.user_rm.id, "partner_id": customer_a.id})
        Lead.create({**common, "name": "巡回商机乙", "user_id": user_rm_b.id, "partner_id": customer_b.id})

    def test_rm_wealth_pipeline_tour(self):
        self.start_tour("/odoo", "bank_wealth_pipeline_tour", login="tour_sales_rm_a")
        self.assertEqual(self.lead.stage_id, self.env.ref(PREFIX + "crm_stage_wealth_celebrate"))
        self.assertEqual(self.lead.expected_revenue, 250000)
        activities = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"),
            ("res_id", "=", self.customer.id),
            ("activity_type_id", "=", self.env.ref(PREFIX + "mail_activity_type_post_sale").id),
        ])
        self.assertEqual(activities.user_id, self.user_rm)
