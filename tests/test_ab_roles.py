# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .handover_common import HandoverCase


@tagged("post_install", "-at_install")
class TestAbRoles(HandoverCase):
    """The backup RM (B role) serves the customer at all times, and takes the new activities
    while the primary RM (A role) is absent or leaving."""

    def schedule(self, partner, user=None, assignee=None):
        """An activity for the customer's primary RM, scheduled by ``user`` (the unit head)."""
        partner = partner.with_user(user or self.user_head_1)
        return partner.activity_schedule(
            "mail.mail_activity_data_todo", user_id=(assignee or partner.bank_rm_user_id).id, summary="Call back"
        )

    def test_backup_rm_serves_at_all_times(self):
        customer = self.customer_a.with_user(self.user_rm_b)
        self.assertEqual(customer.name, "Customer A")
        customer.write({"occupation": "Engineer"})
        customer.message_post(body="Met the customer in the lobby.")
        activity = customer.activity_schedule(
            "mail.mail_activity_data_todo", summary="Send the brochure", user_id=self.user_rm_b.id
        )
        self.assertEqual(activity.user_id, self.user_rm_b)
        self.assertEqual(self.customer_a.occupation, "Engineer")

    def test_absent_primary_new_activities_go_to_backup(self):
        self.assertEqual(self.schedule(self.customer_a).user_id, self.user_rm_a)
        self.rm_a.with_user(self.user_head_1).action_mark_absent()
        self.assertTrue(self.rm_a.is_absent)
        self.assertEqual(self.schedule(self.customer_a).user_id, self.user_rm_b, "to the backup RM")
        self.assertEqual(self.schedule(self.customer_a3).user_id, self.user_head_1, "no backup: the unit head")
        self.assertEqual(
            self.schedule(self.customer_a, assignee=self.user_head_1).user_id, self.user_head_1,
            "an activity meant for someone else stays theirs",
        )
        self.assertEqual(self.activity_rm_a.user_id, self.user_rm_a, "existing activities are not moved")
        # The backup RM is absent too: the unit head.
        self.rm_b.with_user(self.user_head_2).action_mark_absent()
        self.assertEqual(self.schedule(self.customer_a).user_id, self.user_head_1)
        self.rm_b.with_user(self.user_head_2).action_mark_back()
        # Back at work: their own again.
        self.rm_a.with_user(self.user_office).action_mark_back()
        self.assertFalse(self.rm_a.is_absent)
        self.assertEqual(self.schedule(self.customer_a).user_id, self.user_rm_a)

    def test_leaving_primary_new_activities_go_to_backup(self):
        self.approve(self.request())
        self.assertEqual(self.rm_a.state, "leaving")
        self.assertEqual(self.schedule(self.customer_a).user_id, self.user_rm_b)
        self.assertEqual(self.schedule(self.customer_a2).user_id, self.user_rm_d)

    def test_large_fund_movement_goes_to_backup(self):
        account = self.env["bank.account"].create({
            "partner_id": self.customer_a.id,
            "category_id": self.env.ref("bank_relationship_manager.product_category_dep_demand").id,
            "account_no": "T-AB-1",
        })
        self.rm_a.with_user(self.user_head_1).action_mark_absent()
        load = self.env["bank.balance"].with_user(self.user_admin).load_balances
        load([{"account_no": account.account_no, "date": "2026-05-01", "balance": 1000000}])
        load([{"account_no": account.account_no, "date": "2026-05-02", "balance": 100000}])
        movement = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id),
            ("activity_type_id", "=", self.env.ref("bank_relationship_manager.mail_activity_type_large_movement").id),
        ])
        self.assertEqual(movement.user_id, self.user_rm_b)

    def test_who_marks_an_rm_absent(self):
        for user in (self.user_rm_b, self.user_head_2, self.user_hr, self.user_rm_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.rm_a.with_user(user).action_mark_absent()
        with self.assertRaises(AccessError):
            self.rm_a.with_user(self.user_rm_a).write({"is_absent": True})
        self.assertFalse(self.rm_a.is_absent)
        for user in (self.user_head_1, self.user_supervisor, self.user_office):
            with self.subTest(user=user.login):
                self.rm_a.with_user(user).action_mark_absent()
                self.assertTrue(self.rm_a.is_absent)
                self.rm_a.with_user(user).action_mark_back()
                self.assertFalse(self.rm_a.is_absent)
