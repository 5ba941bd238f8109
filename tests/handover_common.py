# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import new_test_user

from .common import GROUP_RM, PREFIX, BankCase


class HandoverCase(BankCase):
    """BankCase plus a portfolio for RM a (outlet 1), who leaves; RM d (outlet 1) succeeds.

    RM a is primary of customers A (backup RM b), A2 (backup RM d, the successor), VIP
    (tier vip) and A3 (no backup), and backup of customer B. Customer A has a document in its
    electronic file and two open activities: one of RM a, one of the unit head.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_rm_d = new_test_user(cls.env, login="t_rm_d", groups=GROUP_RM, name="t_rm_d")
        cls.rm_d = cls.env["bank.rm"].create(
            {"user_id": cls.user_rm_d.id, "grade_id": cls.grade_rm.id, "unit_id": cls.outlet_1.id}
        )
        Partner = cls.env["res.partner"]
        cls.customer_a2 = Partner.create(
            {"name": "Customer A2", "is_bank_customer": True, "bank_rm_id": cls.rm_a.id,
             "bank_backup_rm_id": cls.rm_d.id}
        )
        cls.customer_vip = Partner.create({"name": "Customer VIP", "is_bank_customer": True, "bank_rm_id": cls.rm_a.id})
        cls.customer_a3 = Partner.create({"name": "Customer A3", "is_bank_customer": True, "bank_rm_id": cls.rm_a.id})
        cls.tier_vip = cls.env.ref(PREFIX + "tier_vip")
        # Tier fields belong to the tier engine; the fixture sets them as the engine would.
        cls.customer_vip.write({"bank_tier_id": cls.tier_vip.id, "bank_aum": 820000})
        cls.customer_a.write({"bank_aum": 150000})
        cls.customer_b.bank_backup_rm_id = cls.rm_a
        cls.portfolio = cls.customer_a | cls.customer_a2 | cls.customer_vip | cls.customer_a3
        cls.document = cls.env["ir.attachment"].create(
            {"name": "Risk questionnaire.pdf", "raw": b"%PDF-1.4 questionnaire", "res_model": "res.partner",
             "res_id": cls.customer_a.id}
        )
        todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.activity_rm_a = cls.customer_a.activity_schedule(
            activity_type_id=todo.id, user_id=cls.user_rm_a.id, summary="Renew the time deposit"
        )
        cls.activity_head = cls.customer_a.activity_schedule(
            activity_type_id=todo.id, user_id=cls.user_head_1.id, summary="Check the dossier"
        )
        cls.Handover = cls.env["bank.handover"]

    # The steps, each as the user who takes it.

    def request(self, user=None, **values):
        values = {"outgoing_rm_id": self.rm_a.id, "incoming_rm_id": self.rm_d.id, "reason": "transfer", **values}
        handover = self.Handover.with_user(user or self.user_rm_a).create(values)
        return handover.with_user(self.env.user)

    def approve(self, handover):
        handover.with_user(self.user_rm_a).action_submit()
        handover.with_user(self.user_head_1).action_approve_unit_head()
        handover.with_user(self.user_office).action_approve_office()
        handover.with_user(self.user_hr).action_approve_hr()
        return handover

    def start(self, handover):
        handover.with_user(self.user_rm_a).action_start()
        return handover

    def witness(self, handover):
        handover.with_user(self.user_supervisor).action_confirm_presence()
        handover.with_user(self.user_center_head).action_confirm_presence()
        return handover

    def tick_all(self, handover):
        handover.line_ids.with_user(self.user_rm_d).action_check()
        return handover

    def ready_handover(self):
        """A handover with every approval, both witnesses and every item in: ready to be done."""
        return self.tick_all(self.witness(self.start(self.approve(self.request()))))

    def intro_calls(self):
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"),
            ("activity_type_id", "=", self.env.ref(PREFIX + "mail_activity_type_introduction_call").id),
        ])

    def assertNothingMoved(self, handover):
        """Every customer still with RM a, activities untouched, no list attached."""
        self.env.invalidate_all()
        self.assertEqual(self.portfolio.mapped("bank_rm_id"), self.rm_a)
        self.assertEqual(self.customer_a2.bank_backup_rm_id, self.rm_d)
        self.assertEqual(self.customer_b.bank_backup_rm_id, self.rm_a)
        self.assertEqual(self.activity_rm_a.user_id, self.user_rm_a)
        self.assertFalse(self.intro_calls())
        self.assertEqual(handover.state, "in_progress")
        self.assertFalse(handover.list_attachment_id)
        self.assertFalse(
            self.env["ir.attachment"].search([("res_model", "=", "bank.handover"), ("res_id", "=", handover.id)])
        )
