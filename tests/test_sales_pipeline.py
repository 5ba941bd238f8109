# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PREFIX, BankCase

STAGES = ("plan", "assess", "execute", "follow_up", "celebrate")


@tagged("post_install", "-at_install")
class TestSalesPipeline(BankCase):
    """The five-step sales process as the wealth team's CRM stages, worked by RMs as users."""

    reference_now = datetime.datetime(2026, 12, 7, 2, 0)  # 10:00 in Beijing

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.team = ref(PREFIX + "crm_team_wealth")
        cls.stages = {key: ref(PREFIX + "crm_stage_wealth_" + key) for key in STAGES}
        cls.post_sale_type = ref(PREFIX + "mail_activity_type_post_sale")
        cls.category_fund = ref(PREFIX + "product_category_fund")
        cls.env["ir.config_parameter"].set_param("bank_relationship_manager.post_sale_followup_days", "5")

    def _opportunity(self, user, partner, **values):
        return self.env["crm.lead"].with_user(user).create({
            "name": f"Fund for {partner.name}",
            "type": "opportunity",
            "team_id": self.team.id,
            "user_id": user.id,
            "partner_id": partner.id,
            "bank_product_category_id": self.category_fund.id,
            "expected_revenue": 100000,
            **values,
        })

    def _post_sale_activities(self, partner):
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"),
            ("res_id", "=", partner.id),
            ("activity_type_id", "=", self.post_sale_type.id),
        ])

    def test_five_stages_in_order_on_the_team_only(self):
        stages = self.env["crm.stage"].search([("team_ids", "in", self.team.ids)])
        self.assertEqual(stages, self.env["crm.stage"].browse([s.id for s in self.stages.values()]))
        self.assertEqual(stages.mapped("is_won"), [False, False, False, False, True])
        self.assertTrue(all(stage.team_ids == self.team for stage in stages), "each stage is the team's only")
        odoo_stages = self.env["crm.stage"].search([("team_ids", "=", False)])
        self.assertGreater(min(stages.mapped("sequence")), max(odoo_stages.mapped("sequence")),
                           "Odoo's own stages stay first")
        default_team = self.env.ref("sales_team.team_sales_department")
        self.assertLess(default_team.sequence, self.team.sequence, "Odoo's default team stays first")

    def test_new_opportunity_starts_at_the_first_step(self):
        lead = self._opportunity(self.user_rm_a, self.customer_a)
        self.assertEqual(lead.stage_id, self.stages["plan"])
        self.assertEqual(lead.bank_unit_id, self.outlet_1, "the customer's unit is stored on the lead")
        other = self.env["crm.lead"].create({"name": "Not a bank deal", "type": "opportunity"})
        self.assertFalse(other.stage_id.team_ids, "other teams keep Odoo's shared stages")

    def test_won_stage_plans_one_follow_up(self):
        lead = self._opportunity(self.user_rm_a, self.customer_a)
        lead.with_user(self.user_rm_a).stage_id = self.stages["execute"]
        self.assertFalse(self._post_sale_activities(self.customer_a))
        lead.with_user(self.user_rm_a).stage_id = self.stages["celebrate"]
        activity = self._post_sale_activities(self.customer_a)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_rm_a)
        self.assertEqual(activity.date_deadline, self.today + timedelta(days=5))
        self.assertIn(lead.name, activity.summary)
        self.assertTrue(lead.bank_post_sale_planned)

        # Back to a step, lost, then won again: nothing more is planned.
        lead.with_user(self.user_rm_a).stage_id = self.stages["follow_up"]
        lead.with_user(self.user_rm_a).action_set_lost()
        self.assertEqual(lead.won_status, "lost")
        lead.with_user(self.user_rm_a).action_set_won()
        self.assertEqual(lead.stage_id, self.stages["celebrate"])
        self.assertEqual(self._post_sale_activities(self.customer_a), activity)

    def test_follow_up_for_the_customer_rm_without_salesperson(self):
        lead = self._opportunity(self.user_rm_b, self.customer_b, user_id=False)
        lead.action_set_won()
        self.assertEqual(self._post_sale_activities(self.customer_b).user_id, self.user_rm_b)

    def test_won_action_returns_the_rainbow(self):
        lead = self._opportunity(self.user_rm_c, self.customer_c)
        result = lead.with_user(self.user_rm_c).action_set_won_rainbowman()
        self.assertEqual(result["effect"]["type"], "rainbow_man")
        self.assertEqual(lead.stage_id, self.stages["celebrate"])
        self.assertEqual(len(self._post_sale_activities(self.customer_c)), 1)

    def test_winning_without_customer_is_refused(self):
        lead = self._opportunity(self.user_rm_a, self.customer_a, partner_id=False)
        with self.assertRefused(UserError, "Customer"):
            lead.with_user(self.user_rm_a).action_set_won()
        self.assertEqual(lead.stage_id, self.stages["plan"])

    def test_bad_amounts_are_refused(self):
        for value in (-1, float("nan"), float("inf"), float("-inf"), 1e309):
            with self.subTest(value=value), self.assertRefused(ValidationError, "Expected Revenue"):
                self._opportunity(self.user_rm_a, self.customer_a, expected_revenue=value)
        lead = self._opportunity(self.user_rm_a, self.customer_a)
        for value in (-5, float("nan")):
            with self.subTest(value=value), self.assertRefused(ValidationError, "Customer A.*Expected Revenue"):
                lead.with_user(self.user_rm_a).write({"expected_revenue": value})
        self.assertEqual(lead.expected_revenue, 100000)

    def test_planned_flag_cannot_be_written(self):
        lead = self._opportunity(self.user_rm_a, self.customer_a)
        with self.assertRefused(UserError, "Post-sale follow-up planned"):
            lead.with_user(self.user_rm_a).write({"bank_post_sale_planned": True})

    def test_rm_reads_own_opportunities_only(self):
        own = self._opportunity(self.user_rm_a, self.customer_a)
        other = self._opportunity(self.user_rm_b, self.customer_b)
        own.with_user(self.user_rm_a).check_access("read")
        self.assertEqual(own.with_user(self.user_rm_a).name, own.name)
        with self.assertRaises(AccessError):
            other.with_user(self.user_rm_a).check_access("read")
        with self.assertRaises(AccessError):
            other.with_user(self.user_rm_a).read(["name"])
        found = self.env["crm.lead"].with_user(self.user_rm_a).search([("team_id", "=", self.team.id)])
        self.assertIn(own, found)
        self.assertNotIn(other, found)

    def test_rm_cannot_link_another_rms_customer(self):
        refusal = "field Contact: the contact chosen does not exist or is not one you may read"
        with self.assertRefused(AccessError, refusal):
            self._opportunity(self.user_rm_a, self.customer_b)
        lead = self._opportunity(self.user_rm_a, self.customer_a)
        with self.assertRefused(AccessError, refusal) as caught:
            lead.with_user(self.user_rm_a).write({"partner_id": self.customer_c.id})
        self.assertNotIn(self.customer_c.name, str(caught.exception), "the message names no customer")
        self.assertEqual(lead.partner_id, self.customer_a)
        # A plain contact (not a bank customer) is fine.
        lead.with_user(self.user_rm_a).write({"partner_id": self.contact.id})
        self.assertEqual(lead.partner_id, self.contact)

    def test_unit_head_and_supervisor_read_their_units_opportunities(self):
        lead_a = self._opportunity(self.user_rm_a, self.customer_a)  # outlet 1
        lead_b = self._opportunity(self.user_rm_b, self.customer_b)  # outlet 2
        lead_c = self._opportunity(self.user_rm_c, self.customer_c)  # wealth centre
        leads = lead_a | lead_b | lead_c
        Lead = self.env["crm.lead"]
        self.assertEqual(Lead.with_user(self.user_head_1).search([("id", "in", leads.ids)]), lead_a)
        self.assertEqual(Lead.with_user(self.user_supervisor).search([("id", "in", leads.ids)]), lead_a | lead_b)
        self.assertEqual(Lead.with_user(self.user_center_head).search([("id", "in", leads.ids)]), lead_c)
        # A transfer of the customer moves access at once, in the same process.
        self.customer_a.bank_unit_id = self.outlet_2
        self.assertEqual(lead_a.bank_unit_id, self.outlet_2)
        self.assertFalse(Lead.with_user(self.user_head_1).search([("id", "in", leads.ids)]))
        self.assertEqual(Lead.with_user(self.user_head_2).search([("id", "in", leads.ids)]), lead_a | lead_b)

    def test_opportunity_shows_on_the_customer(self):
        lead = self._opportunity(self.user_rm_a, self.customer_a)
        customer = self.customer_a.with_user(self.user_rm_a)
        self.assertEqual(customer.opportunity_count, 1)
        action = customer.action_view_opportunity()
        self.assertEqual(self.env["crm.lead"].with_user(self.user_rm_a).search(action["domain"]), lead)
        form = Form(customer)
        self.assertEqual(form.opportunity_count, 1, "the smart button is on the RM's customer form")

    def test_pipeline_shows_the_five_steps_only(self):
        Lead = self.env["crm.lead"].with_user(self.user_rm_a).with_context(
            default_team_id=self.team.id, bank_wealth_pipeline=True, read_group_expand=True
        )
        groups = Lead.web_read_group(
            [("team_id", "=", self.team.id)], ["stage_id"], ["__count"]
        )["groups"]
        self.assertEqual([g["stage_id"][0] for g in groups], [s.id for s in self.stages.values()])
