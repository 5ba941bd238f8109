# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from lxml import etree

from odoo.tests import tagged

from odoo.addons.bank_relationship_manager.tools import id_number

from .common import GROUP_OFFICE, ID_A, PREFIX, BankCase

MASKED_A = "1101**********002X"
PHONE_A = "+86 13812345678"
MASKED_PHONE_A = "+86 138****5678"


def _valid_id(first_17):
    return first_17 + id_number.prc_check_char(first_17)


MY_CUSTOMERS = [("is_bank_customer", "=", True), ("bank_is_served", "=", True)]


@tagged("post_install", "-at_install")
class TestCustomerList(BankCase):
    """The customer list as the web client asks for it (docs/scaling.md, "The RM's list"): a page
    costs a fixed number of queries, and the masks it carries follow the customer's RMs and unit,
    within the same transaction too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a.phone = PHONE_A
        cls.page = cls.env["res.partner"].create([
            {"name": f"List {i:02}", "is_bank_customer": True, "bank_rm_id": cls.rm_a.id,
             "phone": f"+86 1391234{i:04}", "bank_id_number": _valid_id(f"11010519800101{i:03}")}
            for i in range(88)
        ])
        # Users who keep reading customer A (the office's role) when they stop serving it: the
        # masks must change for them, where the record rules no longer decide.
        office = cls.env.ref(GROUP_OFFICE)
        for user in (cls.user_head_1, cls.user_supervisor, cls.user_rm_c):
            user.group_ids += office

    def _specification(self, user):
        """The list view's fields as the web client sends them: a many2one's display name."""
        Partner = self.env["res.partner"].with_user(user)
        view = self.env.ref(PREFIX + "res_partner_view_list_bank_customer")
        arch = etree.fromstring(Partner.get_views([(view.id, "list")])["views"]["list"]["arch"])
        spec = {}
        for node in arch.iter("field"):
            name = node.get("name")
            spec[name] = {"fields": {"display_name": {}}} if Partner._fields[name].type == "many2one" else {}
        return spec

    def _page(self, user, limit, domain=()):
        return self.env["res.partner"].with_user(user).web_search_read(
            MY_CUSTOMERS + list(domain), self._specification(user), limit=limit, count_limit=10001,
        )

    def test_a_page_costs_the_same_queries_for_8_and_80_customers(self):
        """The ID numbers, the contact masks and the access flags share one query for the page,
        and the columns the record rules read come with it: no query per customer, and none that
        prefetches every column of the page (each would add to the count)."""
        self._page(self.user_rm_a, 80)  # warm the caches (access rights, rules, groups, views)
        spec = self._specification(self.user_rm_a)
        spent = []
        for limit in (8, 80):
            self.env.flush_all()
            self.env.invalidate_all()
            Partner = self.env["res.partner"].with_user(self.user_rm_a)
            before = self.env.cr.sql_log_count
            with self.assertQueryCount(13):
                result = Partner.web_search_read(MY_CUSTOMERS, spec, limit=limit, count_limit=10001)
            spent.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(result["records"]), limit)
            self.assertEqual(result["length"], 89)  # the page's 88 and customer A
        self.assertEqual(spent[0], spent[1], "the queries do not grow with the page")

    def test_page_shows_clear_values_to_those_who_serve(self):
        rows = {row["id"]: row for row in self._page(self.user_rm_a, 80, [("id", "=", self.customer_a.id)])["records"]}
        self.assertEqual((rows[self.customer_a.id]["bank_id_number"], rows[self.customer_a.id]["phone"]),
                         (ID_A, PHONE_A))
        office = self.env["res.partner"].with_user(self.user_office).web_search_read(
            [("id", "=", self.customer_a.id)], self._specification(self.user_office),
        )["records"][0]
        self.assertEqual((office["bank_id_number"], office["phone"]), (MASKED_A, MASKED_PHONE_A))

    def test_masks_follow_the_unit_head_in_the_same_transaction(self):
        """The unit head sees customer A in clear; once the outlet's head is someone else, the same
        transaction shows it masked to them, and in clear to the new head."""
        old_head = self.customer_a.with_user(self.user_head_1)
        self.assertEqual((old_head.bank_id_number, old_head.read(["phone"])[0]["phone"]), (ID_A, PHONE_A))
        self.assertTrue(old_head.bank_is_served)
        self.outlet_1.head_user_id = self.user_head_2
        self.assertFalse(old_head.bank_is_served)
        self.assertEqual((old_head.bank_id_number, old_head.read(["phone"])[0]["phone"]),
                         (MASKED_A, MASKED_PHONE_A))
        new_head = self.customer_a.with_user(self.user_head_2)
        self.assertEqual((new_head.bank_id_number, new_head.read(["phone"])[0]["phone"]), (ID_A, PHONE_A))

    def test_masks_follow_the_supervisor_in_the_same_transaction(self):
        """A supervisor's oversight is computed down the units (a stored field): the masks follow
        its recomputation too."""
        supervisor = self.customer_a.with_user(self.user_supervisor)
        self.assertEqual((supervisor.bank_id_number, supervisor.read(["phone"])[0]["phone"]), (ID_A, PHONE_A))
        self.sub_branch.supervisor_user_id = self.user_center_head
        self.assertEqual((supervisor.bank_id_number, supervisor.read(["phone"])[0]["phone"]),
                         (MASKED_A, MASKED_PHONE_A))
        self.assertEqual(self.customer_a.with_user(self.user_center_head).bank_id_number, ID_A)

    def test_masks_follow_a_reassignment_in_the_same_transaction(self):
        rm_c = self.customer_a.with_user(self.user_rm_c)
        self.assertEqual((rm_c.bank_id_number, rm_c.read(["phone"])[0]["phone"]), (MASKED_A, MASKED_PHONE_A))
        self.customer_a.bank_rm_id = self.rm_c
        self.assertEqual((rm_c.bank_id_number, rm_c.read(["phone"])[0]["phone"]), (ID_A, PHONE_A))
