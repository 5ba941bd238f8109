# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .common import BankCase


@tagged("post_install", "-at_install")
class TestMyCustomers(BankCase):
    """The "My customers" filter of the customer list (the served domain, read through the units'
    ids first so that it stays three index scans at 1,000,000 partners: docs/scaling.md)."""

    def _mine(self, user):
        Partner = self.env["res.partner"].with_user(user)
        domain = [("is_bank_customer", "=", True), ("bank_is_served", "=", True)]
        ours = self.customer_a | self.customer_b | self.customer_c
        found = Partner.search(domain + [("id", "in", ours.ids)], order="complete_name, id desc", limit=80)
        self.assertEqual(Partner.search_count(domain + [("id", "in", ours.ids)]), len(found))
        return found.sudo()

    def test_each_role_sees_the_customers_it_serves(self):
        a, b, c = self.customer_a, self.customer_b, self.customer_c
        expected = {
            self.user_rm_a: a,              # primary RM
            self.user_rm_b: a | b,          # backup of A, primary of B
            self.user_rm_c: c,
            self.user_head_1: a,            # head of outlet 1 (A's unit)
            self.user_head_2: b,
            self.user_supervisor: a | b,    # oversees the sub-branch above both outlets
            self.user_center_head: c,       # head of the centre (C's unit)
        }
        for user, customers in expected.items():
            with self.subTest(user=user.login):
                self.assertEqual(self._mine(user), customers)

    def test_office_serves_no_one(self):
        self.assertFalse(self._mine(self.user_office))

    def test_follows_the_unit_head_at_once(self):
        self.outlet_1.head_user_id = self.user_head_2
        self.assertFalse(self._mine(self.user_head_1))
        self.assertEqual(self._mine(self.user_head_2), self.customer_a | self.customer_b)

    def test_follows_the_supervisor_at_once(self):
        """The units' oversight is a stored many2many computed down the tree: the former supervisor
        loses the outlets' customers within the same transaction (docs/security.md, class p)."""
        self.sub_branch.supervisor_user_id = self.user_center_head
        self.assertFalse(self._mine(self.user_supervisor))
        self.assertFalse(self.customer_a.with_user(self.user_supervisor).has_access("read"))
        self.assertEqual(self._mine(self.user_center_head), self.customer_a | self.customer_b | self.customer_c)

    def test_not_customer_index_exists(self):
        # The partial index the customer list's record rules need (models/res_partner_assignment.py).
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'res_partner_not_bank_customer_index'")
        self.assertIn("WHERE (is_bank_customer IS NOT TRUE)", self.env.cr.fetchone()[0])
