# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PREFIX, BankCase


@tagged("post_install", "-at_install")
class TestEscalation(BankCase):
    """Joint maintenance (提请上级联合维护): once per customer and month, decided by the supervisor."""

    def request(self, partner=None, user=None, reason="Large purchase planned"):
        return self.env["bank.escalation"].with_user(user or self.user_rm_a).create(
            {"partner_id": (partner or self.customer_a).id, "reason": reason}
        )

    @freeze_time("2026-12-03")
    def test_request_is_an_activity_for_the_sub_branch_supervisor(self):
        request = self.request()
        self.assertEqual(request.supervisor_user_id, self.user_supervisor)
        self.assertEqual((request.requested_by_id, request.state), (self.user_rm_a, "requested"))
        activity = request.activity_ids
        self.assertEqual(activity.user_id, self.user_supervisor)
        self.assertEqual(activity.activity_type_id, self.env.ref(PREFIX + "mail_activity_type_escalation"))
        request.with_user(self.user_supervisor).action_accept("We visit together on Friday")
        self.assertEqual((request.state, request.decided_by_id), ("accepted", self.user_supervisor))
        self.assertFalse(request.activity_ids)
        self.assertIn(self.user_supervisor.partner_id, self.customer_a.message_partner_ids)

    @freeze_time("2026-12-03")
    def test_once_per_customer_and_calendar_month(self):
        first = self.request()
        count = self.env["bank.escalation"].search_count([])
        with self.assertRefused(UserError, r"Customer A.*already requested in 2026-12"):
            self.request(user=self.user_rm_b)  # the backup RM, same month
        self.assertEqual(self.env["bank.escalation"].search_count([]), count)
        first.with_user(self.user_supervisor).action_decline("Not needed")
        with self.assertRefused(UserError, "already requested"):
            self.request()
        with freeze_time("2027-01-02"):
            self.assertEqual(self.request().month.isoformat(), "2027-01-01")
        self.request(self.customer_b, self.user_rm_b)  # another customer, same month

    @freeze_time("2026-12-03")
    def test_who_may_request_and_decide(self):
        with self.assertRaises(AccessError):
            self.request(self.customer_c)  # not served by rm_a
        request = self.request()
        # The buttons show only for whom the click would succeed (the same rule).
        self.assertEqual(
            [request.with_user(u).can_decide for u in (self.user_rm_a, self.user_head_1, self.user_supervisor)],
            [False, False, True],
        )
        with self.assertRefused(AccessError, "only t_supervisor"):
            request.with_user(self.user_rm_b).action_accept()
        with self.assertRefused(AccessError, "only t_supervisor"):
            request.with_user(self.user_head_1).action_decline()
        with self.assertRefused(AccessError, "field State: it is set by the record's actions only"):
            request.with_user(self.user_rm_a).write({"state": "accepted"})
        # Nor when created: in the values or as a default of the context.
        Request = self.env["bank.escalation"].with_user(self.user_rm_b)
        with self.assertRefused(AccessError, "field Decided by: it is set by the record's actions only"):
            Request.create({"partner_id": self.customer_b.id, "reason": "x", "decided_by_id": self.user_rm_b.id})
        with self.assertRefused(AccessError, "field State: it is set by the record's actions only"):
            Request.with_context(default_state="accepted").create({"partner_id": self.customer_b.id, "reason": "x"})
        with self.assertRaises(AccessError):
            request.with_user(self.user_rm_c).read(["reason"])
        request.with_user(self.user_supervisor).action_decline()
        self.assertFalse(request.with_user(self.user_supervisor).can_decide)
        with self.assertRefused(UserError, "it is Declined"):
            request.with_user(self.user_supervisor).action_accept()
        with self.assertRefused(AccessError, "not allowed to delete"):
            request.with_user(self.user_rm_a).unlink()
        with self.assertRefused(UserError, "kept"):
            request.with_env(self.env).unlink()  # not even the superuser

    def test_no_supervisor_above_is_a_clear_error(self):
        self.sub_branch.supervisor_user_id = False
        with self.assertRefused(UserError, "no RM supervisor is set above"):
            self.request()
