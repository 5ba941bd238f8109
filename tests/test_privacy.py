# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Masked values are no oracle (class a) and a customer's phone and e-mail are masked like the
ID number for bank staff who do not serve the customer (class i), through the ORM."""
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..tools.contact_mask import mask_email, mask_email_formatted, mask_phone
from .common import ID_A, ID_B, BankCase

PHONE_A = "+86 13812345678"
PHONE_B = "13900001111"
EMAIL_A = "zhang.san@example.com"
# A valid number of another person (check digit right): a wrong guess for customer A.
WRONG_ID = ID_B

ALL_OPERATORS = ("=", "!=", "in", "not in", "like", "not like", "ilike", "not ilike", "=like", "=ilike")


@tagged("post_install", "-at_install")
class TestPrivacy(BankCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a.write({"phone": PHONE_A, "email": EMAIL_A})
        cls.customer_b.write({"phone": PHONE_B, "email": "li.si@example.com"})
        cls.contact.write({"phone": "+86 13700000000", "email": "plain@example.com"})
        cls.export = cls.env.ref("base.group_allow_export")
        cls.user_office.group_ids += cls.export
        cls.user_rm_a.group_ids += cls.export
        cls.ours = cls.customer_a | cls.customer_b | cls.customer_c | cls.contact

    def _value(self, operator, right, wrong):
        exact = operator in ("=", "!=")
        if operator in ("in", "not in"):
            return [right], [wrong]
        if exact:
            return right, wrong
        return right[2:-2], wrong[2:-2]

    # ------------------------------------------------------------------
    # Class a: the ID number
    # ------------------------------------------------------------------

    def test_id_number_is_no_oracle(self):
        """The office sees A's number masked: no operator tells the right number from a wrong one."""
        Office = self.env["res.partner"].with_user(self.user_office)
        scope = [("id", "in", self.ours.ids)]
        for operator in ALL_OPERATORS:
            right, wrong = self._value(operator, ID_A, WRONG_ID)
            with self.subTest(operator=operator):
                found_right = Office.search(scope + [("bank_id_number", operator, right)])
                found_wrong = Office.search(scope + [("bank_id_number", operator, wrong)])
                self.assertEqual(self.customer_a in found_right, self.customer_a in found_wrong)
                self.assertEqual(
                    Office.search_count(scope + [("bank_id_number", operator, right)]),
                    Office.search_count(scope + [("bank_id_number", operator, wrong)]),
                )
        # The positive operators never match a customer seen masked, even with the right number.
        self.assertFalse(Office.search(scope + [("bank_id_number", "=", ID_A)]))
        self.assertFalse(Office.search(scope + [("bank_id_number", "in", [ID_A, ID_B])]))

    def test_id_number_found_by_those_who_serve(self):
        RmA = self.env["res.partner"].with_user(self.user_rm_a)
        self.assertEqual(RmA.search([("bank_id_number", "=", ID_A)]), self.customer_a)
        self.assertEqual(RmA.search([("bank_id_number", "in", [ID_A])]), self.customer_a)
        self.assertEqual(RmA.search([("bank_id_number", "=like", "110105%")]), self.customer_a)
        self.assertFalse(RmA.search([("bank_id_number", "=", WRONG_ID)]))

    def test_id_number_not_ordered_or_grouped(self):
        Office = self.env["res.partner"].with_user(self.user_office)
        with self.assertRaises(ValueError):
            Office.search([("id", "in", self.ours.ids)], order="bank_id_number")
        with self.assertRaises(ValueError):
            Office._read_group([("id", "in", self.ours.ids)], ["bank_id_number"], ["__count"])
        for user in (self.user_office, self.user_rm_a, self.user_head_1):
            Partner = self.env["res.partner"].with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    Partner.search([("bank_id_number_full", "=", ID_A)])
                with self.assertRaises(AccessError):
                    Partner.search([("id", "in", self.ours.ids)], order="bank_id_number_full")
                with self.assertRaises(AccessError):
                    Partner._read_group([("id", "in", self.ours.ids)], ["bank_id_number_full"], ["__count"])
                with self.assertRaises(AccessError):
                    Partner._read_group([("id", "in", self.ours.ids)], [], ["bank_id_number_full:array_agg"])

    def test_full_width_id_number_normalised(self):
        full_width = "".join(chr(ord(c) + 0xFEE0) for c in ID_A)  # １１０１…Ｘ
        customer = self.customer_a.with_user(self.user_head_1)
        customer.write({"bank_id_number": full_width})
        self.assertEqual(self.customer_a.sudo().bank_id_number_full, ID_A)
        self.assertEqual(
            self.env["res.partner"].with_user(self.user_rm_a).search([("bank_id_number", "=", full_width)]),
            self.customer_a,
        )

    # ------------------------------------------------------------------
    # Class i: phone and e-mail
    # ------------------------------------------------------------------

    def test_masks(self):
        self.assertEqual(mask_phone("13812345678"), "138****5678")
        self.assertEqual(mask_phone("+86 13812345678"), "+86 138****5678")
        self.assertEqual(mask_phone("+8613812345678"), "+86 138****5678")
        self.assertEqual(mask_email(EMAIL_A), "z***@example.com")
        self.assertEqual(mask_email_formatted(f"Zhang San <{EMAIL_A}>"), "Zhang San <z***@example.com>")
        for value in ("13812345678", "+86 138 1234 5678", "010-1234", "12", "x", "a@b.c"):
            with self.subTest(value=value):
                self.assertNotEqual(mask_phone(value), value)
                self.assertNotEqual(mask_email(value), value)
        self.assertFalse(mask_phone(False))
        self.assertEqual(mask_email(""), "")

    def test_masked_in_reads_and_exports(self):
        masked = {"phone": "+86 138****5678", "email": "z***@example.com"}
        customer = self.customer_a.with_user(self.user_office)
        Office = self.env["res.partner"].with_user(self.user_office)
        values = customer.read(["phone", "email", "email_formatted", "phone_sanitized"])[0]
        self.assertEqual({k: values[k] for k in masked}, masked)
        self.assertNotIn("5678", values["phone_sanitized"].replace("****5678", ""))
        self.assertIn("Customer A <z***@example.com>", values["email_formatted"].replace('"', ""))
        self.assertNotIn("zhang", values["email_formatted"])
        rows = Office.search_read([("id", "=", self.customer_a.id)], ["phone", "email"])
        self.assertEqual({k: rows[0][k] for k in masked}, masked)
        web = Office.web_search_read([("id", "=", self.customer_a.id)], {"phone": {}, "email": {}})["records"]
        self.assertEqual({k: web[0][k] for k in masked}, masked)
        self.assertEqual(customer.web_read({"phone": {}, "email": {}})[0]["phone"], masked["phone"])
        exported = customer.export_data(["name", "phone", "email"])["datas"]
        self.assertEqual(exported, [["Customer A", masked["phone"], masked["email"]]])
        # The cache still holds the clear value for the business code, and it is not leaked by
        # a later read either.
        self.assertEqual(customer.read(["phone"])[0]["phone"], masked["phone"])
        self.assertEqual(self.customer_a.sudo().phone, PHONE_A)
        # show_email does not put the address into the name.
        name = customer.with_context(show_email=True).read(["display_name"])[0]["display_name"]
        self.assertNotIn("zhang", name)

    def test_no_address_in_names_through_many2ones(self):
        account = self.env["bank.account"].create({
            "partner_id": self.customer_a.id, "account_no": "T-PRIV-A",
            "category_id": self.env.ref("bank_relationship_manager.product_category_dep_demand").id,
        })
        office = account.with_user(self.user_office).with_context(show_email=True)
        self.assertNotIn("zhang", office.read(["partner_id"])[0]["partner_id"][1])
        self.assertNotIn("zhang", str(office.web_read({"partner_id": {"fields": {"display_name": {}}}})))
        rm = account.with_user(self.user_rm_a).with_context(show_email=True)
        self.assertIn("zhang", rm.read(["partner_id"])[0]["partner_id"][1])

    def test_masked_in_suggested_recipients(self):
        """The chatter's suggested recipients carry e-mail addresses."""
        office = self.customer_a.with_user(self.user_office)._message_get_suggested_recipients()
        self.assertIn("z***@example.com", [r["email"] for r in office])
        self.assertNotIn(EMAIL_A, str(office))
        rm = self.customer_a.with_user(self.user_rm_a)._message_get_suggested_recipients()
        self.assertIn(EMAIL_A, [r["email"] for r in rm])

    def test_clear_for_those_who_serve_and_for_contacts(self):
        for user in (self.user_rm_a, self.user_rm_b, self.user_head_1, self.user_supervisor):
            with self.subTest(user=user.login):
                customer = self.customer_a.with_user(user)
                self.assertEqual(customer.read(["phone", "email"])[0]["phone"], PHONE_A)
                found = self.env["res.partner"].with_user(user).search([("phone", "=", PHONE_A)])
                self.assertEqual(found, self.customer_a)
        self.assertEqual(self.customer_a.with_user(self.user_rm_a).export_data(["phone"])["datas"], [[PHONE_A]])
        # A contact that is not a bank customer keeps Odoo's behaviour for everyone.
        for user in (self.user_office, self.user_plain):
            contact = self.contact.with_user(user)
            self.assertEqual(contact.read(["phone"])[0]["phone"], "+86 13700000000")
            self.assertEqual(
                self.env["res.partner"].with_user(user).search([("phone", "=", "+86 13700000000")]), self.contact
            )

    def test_phone_is_no_oracle(self):
        Office = self.env["res.partner"].with_user(self.user_office)
        scope = [("id", "in", self.ours.ids)]
        for field_name, right, wrong in (
            ("phone", PHONE_A, "+86 13812345679"),
            ("email", EMAIL_A, "zhang.san@example.org"),
            ("phone_sanitized", "+8613812345678", "+8613812345679"),
            ("email_normalized", EMAIL_A, "zhang.san@example.org"),
            ("phone_mobile_search", "13812345678", "13812345679"),
        ):
            for operator in ALL_OPERATORS:
                if field_name == "phone_mobile_search" and operator in ("like", "not like"):
                    continue
                value_right, value_wrong = self._value(operator, right, wrong)
                with self.subTest(field=field_name, operator=operator):
                    found_right = Office.search(scope + [(field_name, operator, value_right)])
                    found_wrong = Office.search(scope + [(field_name, operator, value_wrong)])
                    self.assertEqual(self.customer_a in found_right, self.customer_a in found_wrong)
                    if operator in ("=", "in", "ilike", "=like", "=ilike", "like"):
                        self.assertNotIn(self.customer_a, found_right)
        # name_search looks at e-mail addresses too.
        self.assertNotIn(self.customer_a.id, [r[0] for r in Office.name_search(EMAIL_A)])
        self.assertNotIn(self.customer_a, Office.search([("display_name", "ilike", "zhang.san")]))

    def test_phone_not_ordered_or_grouped_in_clear(self):
        Office = self.env["res.partner"].with_user(self.user_office)
        scope = [("id", "in", (self.customer_a | self.customer_b).ids)]
        before = Office.search(scope, order="phone, id").ids
        self.customer_a.phone, self.customer_b.phone = "19999999999", "10000000000"
        self.assertEqual(Office.search(scope, order="phone, id").ids, before)
        self.assertEqual(Office.search(scope, order="email desc, id").ids, Office.search(scope, order="id").ids)
        groups = Office._read_group(scope, ["phone"], ["__count"])
        self.assertEqual([phone for phone, _count in groups], [False])
        aggregates = Office._read_group(scope, [], ["phone:array_agg", "email:max", "phone:count_distinct"])
        self.assertEqual(aggregates[0][0], [None, None])
        self.assertFalse(aggregates[0][1])
        self.assertEqual(aggregates[0][2], 0)
        formatted = Office.formatted_read_group(scope, ["phone"], ["__count"])
        self.assertEqual([group["phone"] for group in formatted], [False])
        # The RM who serves customer A groups by the clear value.
        groups = self.env["res.partner"].with_user(self.user_rm_a)._read_group(
            [("id", "=", self.customer_a.id)], ["phone"], ["__count"]
        )
        self.assertEqual(groups[0][0], "19999999999")

    def test_masked_phone_cannot_be_written_back(self):
        with self.assertRefused(ValidationError, r"Customer A.*cannot contain '\*\*\*'"):
            self.customer_a.with_user(self.user_admin).write({"phone": "+86 138****5678"})
        self.env.invalidate_all()
        self.assertEqual(self.customer_a.sudo().phone, PHONE_A)
