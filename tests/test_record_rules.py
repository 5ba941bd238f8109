# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import GROUP_RM, BankCase

# Model-level rights per role: r(ead) w(rite) c(reate) u(nlink). Kept here as the reference
# table; the test below checks every cell as the real user.
ORG_MATRIX = {
    "bank.unit.level": {"rm": "r", "head": "r", "supervisor": "r", "office": "r", "hr": "r", "admin": "rwc"},
    "bank.org.unit": {"rm": "r", "head": "r", "supervisor": "r", "office": "r", "hr": "r", "admin": "rwc"},
    "bank.rm.grade": {"rm": "r", "head": "r", "supervisor": "r", "office": "r", "hr": "r", "admin": "rwc"},
    "bank.rm": {"rm": "r", "head": "r", "supervisor": "r", "office": "rwc", "hr": "r", "admin": "rwcu"},
}
# Customers each role reads (R) and writes (W), by record-rule: a = outlet 1 (RM a, backup RM b),
# b = outlet 2 (RM b), c = wealth centre (RM c).
CUSTOMER_MATRIX = {
    "rm_a": ("a", "a"),
    "rm_b": ("ab", "ab"),
    "rm_c": ("c", "c"),
    "head_1": ("a", "a"),
    "head_2": ("b", "b"),
    "supervisor": ("ab", "ab"),
    "center_head": ("c", "c"),
    "office": ("abc", ""),
    "hr": ("", ""),
    "plain": ("", ""),
    "admin": ("abc", "abc"),
}
_OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}


@tagged("post_install", "-at_install")
class TestRecordRules(BankCase):
    """Who sees which customer, checked through the ORM as each real user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role_users = {
            "rm": cls.user_rm_a,
            "rm_a": cls.user_rm_a,
            "rm_b": cls.user_rm_b,
            "rm_c": cls.user_rm_c,
            "head": cls.user_head_1,
            "head_1": cls.user_head_1,
            "head_2": cls.user_head_2,
            "supervisor": cls.user_supervisor,
            "center_head": cls.user_center_head,
            "office": cls.user_office,
            "hr": cls.user_hr,
            "plain": cls.user_plain,
            "admin": cls.user_admin,
        }
        cls.customers = {"a": cls.customer_a, "b": cls.customer_b, "c": cls.customer_c}
        cls.all_customers = cls.customer_a | cls.customer_b | cls.customer_c

    def test_org_matrix(self):
        for model, rights in ORG_MATRIX.items():
            for role, allowed in rights.items():
                records = self.env[model].search([], limit=1).with_user(self.role_users[role])
                for letter, operation in _OPERATIONS.items():
                    with self.subTest(model=model, role=role, operation=operation):
                        self.assertEqual(records.has_access(operation), letter in allowed)
        for model in ORG_MATRIX:
            self.assertFalse(self.env[model].with_user(self.user_plain).has_access("read"), model)

    def test_customer_matrix(self):
        for role, (readable, writable) in CUSTOMER_MATRIX.items():
            user = self.role_users[role]
            for letter, customer in self.customers.items():
                with self.subTest(role=role, customer=letter):
                    self.assertEqual(customer.with_user(user).has_access("read"), letter in readable)
                    self.assertEqual(customer.with_user(user).has_access("write"), letter in writable)
                    self.assertFalse(customer.with_user(user).has_access("unlink") and role != "admin")
            with self.subTest(role=role, what="search"):
                found = self.env["res.partner"].with_user(user).search([("id", "in", self.all_customers.ids)])
                self.assertEqual(set(found.mapped("name")), {f"Customer {x.upper()}" for x in readable})

    def test_rm_cannot_read_another_rms_customer(self):
        Partner = self.env["res.partner"].with_user(self.user_rm_a)
        with self.assertRaises(AccessError):
            self.customer_c.with_user(self.user_rm_a).read(["name"])
        with self.assertRaises(AccessError):
            self.customer_c.with_user(self.user_rm_a).write({"occupation": "Spy"})
        domain = [("id", "=", self.customer_c.id)]
        self.assertFalse(Partner.search(domain))
        self.assertEqual(Partner.search_count(domain), 0)
        self.assertFalse(Partner.name_search("Customer C"))
        self.assertEqual(Partner.web_search_read(domain, {"name": {}})["length"], 0)
        groups = Partner._read_group([("is_bank_customer", "=", True)], ["bank_rm_id"], ["__count"])
        self.assertNotIn(self.rm_c, [rm for rm, _count in groups])
        self.assertEqual(
            Partner.search_count([("is_bank_customer", "=", True)]),
            sum(count for _rm, count in groups),
            "counts match what the RM may see",
        )
        self.assertEqual(Partner.search([("is_bank_customer", "=", True)]), self.customer_a)

    def test_plain_user_keeps_working_with_contacts(self):
        Partner = self.env["res.partner"].with_user(self.user_plain)
        self.assertFalse(Partner.search([("is_bank_customer", "=", True)]))
        self.assertIn(self.contact, Partner.search([]))
        new = Partner.create({"name": "Supplier Ltd", "is_company": True})
        new.write({"phone": "+86 10 6500 0000"})
        self.assertEqual(new.phone, "+86 10 6500 0000")

    def test_rm_edits_profile_but_not_assignment(self):
        customer = self.customer_a.with_user(self.user_rm_a)
        customer.write({"occupation": "Surgeon", "preferred_contact": "visit"})
        self.assertEqual(customer.occupation, "Surgeon")
        for field_name, value in (
            ("bank_rm_id", self.rm_c.id),
            ("bank_backup_rm_id", self.rm_c.id),
            ("bank_unit_id", self.center.id),
        ):
            with self.assertRefused(AccessError, "only unit heads"):
                customer.write({field_name: value})
        with self.assertRaises(AccessError):
            customer.write({"bank_customer_no": "C123"})
        with self.assertRaises(AccessError):
            customer.write({"is_bank_customer": False})
        self.env.invalidate_all()
        self.assertEqual(self.customer_a.bank_rm_id, self.rm_a)
        self.assertTrue(self.customer_a.is_bank_customer)

    def test_rm_creates_own_customer(self):
        Partner = self.env["res.partner"].with_user(self.user_rm_a)
        customer = Partner.create({"name": "Walk-in", "is_bank_customer": True})
        self.assertEqual(customer.bank_rm_id, self.rm_a)
        self.assertEqual(customer.bank_unit_id, self.outlet_1)
        self.assertTrue(customer.bank_customer_no)
        with self.assertRaises(AccessError):
            Partner.create({"name": "For C", "is_bank_customer": True, "bank_rm_id": self.rm_c.id})
        # Turning an existing contact into a customer makes the RM its primary RM.
        contact = Partner.create({"name": "Neighbour"})
        contact.is_bank_customer = True
        self.assertEqual(contact.bank_rm_id, self.rm_a)

    def test_unit_head_reassigns_within_unit(self):
        rm_a2 = self.env["bank.rm"].create(
            {
                "user_id": new_test_user(self.env, login="t_rm_a2", groups=GROUP_RM).id,
                "grade_id": self.grade_rm.id,
                "unit_id": self.outlet_1.id,
            }
        )
        customer = self.customer_a.with_user(self.user_head_1)
        customer.write({"bank_rm_id": rm_a2.id})
        self.assertEqual(self.customer_a.bank_rm_id, rm_a2)
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.user_head_1).write({"bank_rm_id": rm_a2.id})

    def test_access_follows_reassignment_at_once(self):
        Partner_a = self.env["res.partner"].with_user(self.user_rm_a)
        Partner_c = self.env["res.partner"].with_user(self.user_rm_c)
        # Warm the per-user rule caches first, as a running server would have them.
        self.assertTrue(Partner_a.search([("id", "=", self.customer_a.id)]))
        self.assertFalse(Partner_c.search([("id", "=", self.customer_a.id)]))
        self.customer_a.with_user(self.user_admin).write({"bank_rm_id": self.rm_c.id})
        self.assertTrue(Partner_c.search([("id", "=", self.customer_a.id)]))
        self.assertFalse(Partner_a.search([("id", "=", self.customer_a.id)]))
        with self.assertRaises(AccessError):
            self.customer_a.with_user(self.user_rm_a).read(["name"])
        # The customer moved to the wealth centre with its new RM: heads follow too.
        self.assertEqual(self.customer_a.bank_unit_id, self.center)
        self.assertFalse(self.customer_a.with_user(self.user_head_1).has_access("read"))
        self.assertTrue(self.customer_a.with_user(self.user_center_head).has_access("read"))
        # The backup RM keeps serving the customer through the change.
        self.assertTrue(self.customer_a.with_user(self.user_rm_b).has_access("read"))

    def test_access_follows_unit_transfer_at_once(self):
        Partner_head_1 = self.env["res.partner"].with_user(self.user_head_1)
        Partner_head_2 = self.env["res.partner"].with_user(self.user_head_2)
        self.assertEqual(Partner_head_1.search([("id", "in", self.all_customers.ids)]), self.customer_a)
        # The RM moves to the sub-branch: the customers follow the RM's unit.
        self.rm_a.unit_id = self.sub_branch
        self.assertEqual(self.customer_a.bank_unit_id, self.sub_branch)
        self.assertFalse(Partner_head_1.search([("id", "in", self.all_customers.ids)]))
        self.assertTrue(self.customer_a.with_user(self.user_supervisor).has_access("read"))
        # A new head takes over outlet 2: the old head loses its customers, the new one gains them.
        self.assertEqual(Partner_head_2.search([("id", "in", self.all_customers.ids)]), self.customer_b)
        self.outlet_2.head_user_id = self.user_head_1
        self.assertFalse(Partner_head_2.search([("id", "in", self.all_customers.ids)]))
        self.assertEqual(Partner_head_1.search([("id", "in", self.all_customers.ids)]), self.customer_b)
        # A supervisor set above the wealth centre reaches its customers at once.
        self.assertFalse(self.customer_c.with_user(self.user_supervisor).has_access("read"))
        self.branch.supervisor_user_id = self.user_supervisor
        self.assertTrue(self.customer_c.with_user(self.user_supervisor).has_access("read"))

    def test_office_reads_but_does_not_write(self):
        customer = self.customer_a.with_user(self.user_office)
        self.assertEqual(customer.name, "Customer A")
        with self.assertRaises(AccessError):
            customer.write({"occupation": "Changed"})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_office).create({"name": "X", "is_bank_customer": True})

    def test_office_manages_rms_but_not_the_organisation(self):
        self.rm_a.with_user(self.user_office).write({"role": "marketing"})
        self.assertEqual(self.rm_a.role, "marketing")
        with self.assertRaises(AccessError):
            self.outlet_1.with_user(self.user_office).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.rm_a.with_user(self.user_rm_a).write({"grade_id": self.grade_intermediate.id})
