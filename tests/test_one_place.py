# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import BankCase


@tagged("post_install", "-at_install")
class TestOnePlaceToWork(BankCase):
    """Bank staff who open Odoo's Contacts or CRM reach exactly the customers the bank app shows
    them: the record rules are the model's, not the menu's (issue 16, "one place to work")."""

    def customers_through(self, xmlid, user):
        action = self.env.ref(xmlid)
        domain = safe_eval(action.domain or "[]")
        found = self.env["res.partner"].with_user(user).search([*domain, ("is_bank_customer", "=", True)])
        return found & (self.customer_a | self.customer_b | self.customer_c)

    def test_contacts_app_scoped_as_the_bank_app(self):
        for user, expected in (
            (self.user_rm_a, self.customer_a),
            (self.user_rm_b, self.customer_a | self.customer_b),  # backup RM of A
            (self.user_head_1, self.customer_a),
            (self.user_office, self.customer_a | self.customer_b | self.customer_c),
        ):
            with self.subTest(user=user.login):
                bank = self.customers_through("bank_relationship_manager.res_partner_action_customers", user)
                contacts = self.customers_through("contacts.action_contacts", user)
                self.assertEqual(bank, expected)
                self.assertEqual(contacts, bank)

    def test_crm_opportunities_of_a_customer_follow_the_customer(self):
        lead = self.env["crm.lead"].create({"name": "Deposit renewal", "type": "opportunity",
                                            "partner_id": self.customer_a.id, "user_id": self.user_rm_a.id})
        self.assertEqual(self.env["crm.lead"].with_user(self.user_rm_a).search([("id", "=", lead.id)]), lead)
        self.assertFalse(self.env["crm.lead"].with_user(self.user_rm_c).search([("id", "=", lead.id)]))
