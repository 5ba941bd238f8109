# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ID_A, BankCase

MASKED_A = "1101**********002X"


@tagged("post_install", "-at_install")
class TestIdMasking(BankCase):
    """The ID number in full for those who serve the customer, masked for everyone else."""

    def test_full_for_those_who_serve(self):
        for user in (self.user_rm_a, self.user_rm_b, self.user_head_1, self.user_supervisor):
            with self.subTest(user=user.login):
                self.assertEqual(self.customer_a.with_user(user).bank_id_number, ID_A)
                self.assertTrue(self.customer_a.with_user(user).bank_is_served)

    def test_masked_for_everyone_else(self):
        export_group = self.env.ref("base.group_allow_export")
        for user in (self.user_office, self.user_admin):
            user.group_ids += export_group
            with self.subTest(user=user.login):
                customer = self.customer_a.with_user(user)
                self.assertEqual(customer.bank_id_number, MASKED_A)
                self.assertEqual(customer.read(["bank_id_number"])[0]["bank_id_number"], MASKED_A)
                self.assertFalse(customer.bank_is_served)
                # Exports go through the same field.
                exported = customer.export_data(["bank_id_number"])["datas"]
                self.assertEqual(exported, [[MASKED_A]])

    def test_clear_value_not_readable(self):
        for user in (self.user_rm_a, self.user_office, self.user_admin):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.customer_a.with_user(user).read(["bank_id_number_full"])

    def test_masking_follows_reassignment(self):
        customer = self.customer_a.with_user(self.user_rm_c)
        self.customer_a.bank_rm_id = self.rm_c
        self.assertEqual(customer.bank_id_number, ID_A)
        self.customer_a.bank_backup_rm_id = False
        self.assertFalse(self.customer_a.with_user(self.user_rm_b).has_access("read"))

    def test_search_by_number(self):
        Office = self.env["res.partner"].with_user(self.user_office)
        RmA = self.env["res.partner"].with_user(self.user_rm_a)
        # The full number finds the customer only for those who see it in clear: for anyone else,
        # a right guess and a wrong one would differ (docs/security.md, class a).
        self.assertFalse(Office.search([("bank_id_number", "=", ID_A)]))
        self.assertEqual(RmA.search([("bank_id_number", "=", ID_A)]), self.customer_a)
        self.assertFalse(RmA.search([("bank_id_number", "=", self.customer_b.sudo().bank_id_number_full)]))
        # Part of a number only matches customers the user serves: no guessing digit by digit.
        self.assertFalse(Office.search([("bank_id_number", "ilike", "1949")]))
        self.assertFalse(Office.search([("bank_id_number", "ilike", "002X")]))
        self.assertEqual(RmA.search([("bank_id_number", "ilike", "1949")]), self.customer_a)
        # Negations never reveal anything about customers the user does not serve.
        not_matching = Office.search([("bank_id_number", "not ilike", "1949"), ("is_bank_customer", "=", True)])
        self.assertIn(self.customer_a, not_matching)

    def test_masked_value_cannot_be_written_back(self):
        with self.assertRefused(ValidationError, r"Customer Customer A: the ID number cannot contain"):
            self.customer_a.with_user(self.user_admin).write({"bank_id_number": MASKED_A})
        self.env.invalidate_all()
        self.assertEqual(self.customer_a.sudo().bank_id_number_full, ID_A)

    def test_other_documents_and_empty_values(self):
        self.customer_b.write({"bank_id_type": "passport", "bank_id_number": "E12345678"})
        self.assertEqual(self.customer_b.with_user(self.user_office).bank_id_number, "E1*****78")
        self.assertEqual(self.customer_b.with_user(self.user_rm_b).bank_id_number, "E12345678")
        self.assertFalse(self.customer_c.with_user(self.user_office).bank_id_number)
        self.customer_b.write({"bank_id_type": "prc_id", "bank_id_number": "110105491231002"})
        self.assertEqual(self.customer_b.with_user(self.user_office).bank_id_number, "1101*******1002")
