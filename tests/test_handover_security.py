# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .handover_common import HandoverCase

# Who reads (r) or writes (w) RM a's handover (outgoing RM a, incoming RM d, outlet 1 under
# the sub-branch; witnesses: the sub-branch supervisor and the wealth-centre head) and its
# list items (l), while it is in progress. Writing means the fields of its time (the
# witnesses); the steps themselves are actions. Nobody deletes a handover.
MATRIX = {
    "rm_a": "rwl",
    "rm_d": "rl",
    "rm_b": "",
    "rm_c": "",
    "head_1": "rwl",
    "head_2": "",
    "supervisor": "rwl",
    "center_head": "rl",
    "office": "rwl",
    "hr": "r",
    "plain": "",
    "admin": "rwl",
}


@tagged("post_install", "-at_install")
class TestHandoverSecurity(HandoverCase):
    """Access to handovers and their lists, checked as each real user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "rm_a": cls.user_rm_a, "rm_d": cls.user_rm_d, "rm_b": cls.user_rm_b, "rm_c": cls.user_rm_c,
            "head_1": cls.user_head_1, "head_2": cls.user_head_2, "supervisor": cls.user_supervisor,
            "center_head": cls.user_center_head, "office": cls.user_office, "hr": cls.user_hr,
            "plain": cls.user_plain, "admin": cls.user_admin,
        }

    def visible(self, model, user, handover):
        """How many of the handover's records ``user`` finds (none without any access to the model)."""
        Model = self.env[model].with_user(user)
        if not Model.has_access("read"):
            with self.assertRaises(AccessError):
                Model.search_count([])
            return 0
        field_name = "id" if model == "bank.handover" else "handover_id"
        return Model.search_count([(field_name, "=", handover.id)])

    def test_matrix(self):
        handover = self.start(self.approve(self.request()))
        for role, rights in MATRIX.items():
            user = self.users[role]
            with self.subTest(role=role):
                self.assertEqual(handover.with_user(user).has_access("read"), "r" in rights)
                self.assertEqual(handover.with_user(user).has_access("write"), "w" in rights)
                self.assertFalse(handover.with_user(user).has_access("unlink"))
                self.assertEqual(self.visible("bank.handover", user, handover), 1 if "r" in rights else 0)
                self.assertEqual(
                    self.visible("bank.handover.line", user, handover), len(handover.line_ids) if "l" in rights else 0
                )

    def test_done_handover_is_read_only_for_everyone(self):
        handover = self.ready_handover()
        handover.with_user(self.user_supervisor).action_done()
        for role, rights in MATRIX.items():
            with self.subTest(role=role):
                self.assertEqual(handover.with_user(self.users[role]).has_access("read"), "r" in rights)
                self.assertFalse(handover.with_user(self.users[role]).has_access("write"))
        # The participants may still comment on it.
        handover.with_user(self.user_rm_d).message_post(body="Called every VIP customer.")

    def test_hr_sees_the_request_but_not_the_customers(self):
        handover = self.start(self.approve(self.request()))
        as_hr = handover.with_user(self.user_hr)
        self.assertEqual(as_hr.outgoing_rm_id.name, "t_rm_a")
        self.assertEqual(as_hr.customer_count, 4)
        with self.assertRaises(AccessError):
            as_hr.line_ids.mapped("name")
        with self.assertRaises(AccessError):
            as_hr.read(["missing_summary"])

    def test_public_methods_on_unreadable_handovers(self):
        handover = self.start(self.approve(self.request()))
        for method in ("action_submit", "action_approve_unit_head", "action_start", "action_refresh_lines",
                       "action_confirm_presence", "action_done", "action_file", "action_cancel"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(handover.with_user(self.user_rm_c), method)()
        with self.assertRaises(AccessError):
            handover.with_user(self.user_head_2).action_reject("No")
        with self.assertRaises(AccessError):
            handover.line_ids.with_user(self.user_rm_b).action_check()
        self.assertEqual(handover.state, "in_progress")
        self.assertFalse(any(handover.line_ids.mapped("checked")))

    def test_incoming_rm_sees_the_customers_only_after_done(self):
        handover = self.ready_handover()
        # During the handover the successor reads the list, not yet the customers themselves.
        self.assertIn("Customer VIP", handover.with_user(self.user_rm_d).line_ids.mapped("name"))
        with self.assertRaises(AccessError):
            self.customer_vip.with_user(self.user_rm_d).read(["bank_aum"])
        handover.with_user(self.user_supervisor).action_done()
        self.assertEqual(self.customer_vip.with_user(self.user_rm_d).bank_aum, 820000)
