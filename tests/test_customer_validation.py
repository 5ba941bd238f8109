# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ID_A, BankCase


@tagged("post_install", "-at_install")
class TestCustomerValidation(BankCase):
    """Bad customer input: a clear error naming the record and the field, and nothing written."""

    def test_customer_number_from_sequence(self):
        numbers = (self.customer_a | self.customer_b | self.customer_c).mapped("bank_customer_no")
        self.assertTrue(all(n and n.startswith("C") for n in numbers), numbers)
        self.assertEqual(len(set(numbers)), 3)
        self.assertFalse(self.contact.bank_customer_no, "contacts get no customer number")
        self.contact.is_bank_customer = True
        self.assertTrue(self.contact.bank_customer_no.startswith("C"))

    def test_duplicate_customer_number_refused(self):
        number = self.customer_a.bank_customer_no
        with self.assertRefused(ValidationError, r"Customer Customer B: the Customer number .* already used"):
            self.customer_b.bank_customer_no = number
        self.env.invalidate_all()
        self.assertNotEqual(self.customer_b.bank_customer_no, number, "nothing was written")
        with self.assertRefused(ValidationError, r"Customer New: the Customer number"):
            self.env["res.partner"].create({"name": "New", "is_bank_customer": True, "bank_customer_no": number})
        self.assertEqual(self.env["res.partner"].search_count([("bank_customer_no", "=", number)]), 1)
        with self.assertRefused(ValidationError, "already used"):
            self.env["res.partner"].create(
                [
                    {"name": "Twin 1", "is_bank_customer": True, "bank_customer_no": "X1"},
                    {"name": "Twin 2", "is_bank_customer": True, "bank_customer_no": "X1"},
                ]
            )
        self.assertFalse(self.env["res.partner"].search([("bank_customer_no", "=", "X1")]))

    def test_backup_equal_to_primary_refused(self):
        with self.assertRefused(ValidationError, r"Customer Customer A: the Backup RM must differ"):
            self.customer_a.bank_backup_rm_id = self.rm_a
        self.env.invalidate_all()
        self.assertEqual(self.customer_a.bank_backup_rm_id, self.rm_b, "nothing was written")
        with self.assertRefused(ValidationError, "Backup RM"):
            self.env["res.partner"].create(
                {
                    "name": "Same",
                    "is_bank_customer": True,
                    "bank_rm_id": self.rm_a.id,
                    "bank_backup_rm_id": self.rm_a.id,
                }
            )
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Same")]))

    def test_wrong_check_digit_refused(self):
        bad = ID_A[:-1] + "5"
        message = r"Customer Customer B: the ID number 1101\*+0025 has a wrong check digit"
        with self.assertRefused(ValidationError, message):
            self.customer_b.bank_id_number = bad
        self.env.invalidate_all()
        self.assertNotEqual(self.customer_b.sudo().bank_id_number_full, bad, "nothing was written")
        with self.assertRefused(ValidationError, "wrong check digit"):
            self.env["res.partner"].create({"name": "Bad ID", "is_bank_customer": True, "bank_id_number": bad})
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Bad ID")]))
        with self.assertRefused(ValidationError, "18 characters"):
            self.customer_b.bank_id_number = "1101051990"

    def test_other_documents_not_checked_as_prc(self):
        self.customer_b.write({"bank_id_type": "passport", "bank_id_number": "E12345678"})
        self.assertEqual(self.customer_b.sudo().bank_id_number_full, "E12345678")
        with self.assertRefused(ValidationError, "18 characters"):
            self.customer_b.bank_id_type = "prc_id"

    def test_id_number_normalised(self):
        self.customer_b.bank_id_number = " 11010519491231002x "
        self.assertEqual(self.customer_b.sudo().bank_id_number_full, ID_A)

    def test_annual_income_must_be_finite(self):
        for bad in (float("nan"), float("inf"), float("-inf"), 1e309, -1.0, "abc"):
            with self.assertRefused(ValidationError, "Customer Customer A: the Annual income"):
                self.customer_a.write({"annual_income": bad})
        with self.assertRefused(ValidationError, "Customer Rich: the Annual income"):
            self.env["res.partner"].create({"name": "Rich", "annual_income": float("nan")})
        self.customer_a.annual_income = 500000
        self.assertEqual(self.customer_a.annual_income, 500000)

    def test_customer_cannot_be_deleted_by_business_users(self):
        head = self.user_head_1
        with self.assertRaises(UserError):
            self.customer_a.with_user(head).unlink()
        with self.assertRaises(UserError):
            self.customer_a.with_user(self.user_rm_a).unlink()
        self.assertTrue(self.customer_a.exists())
        self.customer_a.with_user(self.user_rm_a).action_archive()
        self.assertFalse(self.customer_a.active)
