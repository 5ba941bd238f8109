# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import re
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import BankCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestComplaints(BankCase):
    """Customer complaints (客户投诉): deadline, workflow, the overdue reminder, access."""

    reference_now = datetime.datetime(2026, 12, 7, 2, 0)  # Monday 7 December 2026, 10:00 in Beijing

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env["bank.complaint"]
        cls.overdue_type = cls.env.ref("bank_relationship_manager.mail_activity_type_complaint_overdue")

    def new(self, partner=None, user=None, **vals):
        return self.Complaint.with_user(user or self.user_rm_a).create({
            "partner_id": (partner or self.customer_a).id, "description": "理财产品收益与宣传不符",
            "category": "mis_selling", "channel": "phone", **vals,
        })

    def test_reference_responsible_and_deadline(self):
        complaint = self.new(date_received=D(2025, 3, 6))
        self.assertRegex(complaint.name, r"^CP/\d{4}/\d{4}$")
        self.assertEqual(complaint.responsible_rm_id, self.rm_a, "the customer's primary RM by default")
        self.assertEqual(complaint.unit_id, self.outlet_1)
        # Thursday 6 March 2025 + 5 working days: Fri 7, Mon 10, Tue 11, Wed 12, Thu 13.
        self.assertEqual(complaint.deadline, D(2025, 3, 13))
        # Friday and Saturday: Mon 10 .. Fri 14.
        self.assertEqual(self.new(date_received=D(2025, 3, 7)).deadline, D(2025, 3, 14))
        self.assertEqual(self.new(date_received=D(2025, 3, 8)).deadline, D(2025, 3, 14))
        complaint.date_received = D(2025, 3, 10)
        self.assertEqual(complaint.deadline, D(2025, 3, 17), "follows the received date")
        self.assertTrue(complaint.is_overdue)
        self.assertIn(complaint, self.Complaint.search([("is_overdue", "=", True)]))
        numbers = [int(re.search(r"(\d+)$", c.name).group(1)) for c in self.Complaint.search([])]
        self.assertEqual(len(numbers), len(set(numbers)))

    def test_workflow_and_checks(self):
        complaint = self.new()
        complaint.action_start()
        self.assertEqual(complaint.state, "in_progress")
        with self.assertRefused(UserError, rf"{re.escape(complaint.name)}: fill in the field Resolution"):
            complaint.action_resolve()
        complaint.resolution = "已向客户说明产品风险并致歉"
        complaint.action_resolve()
        self.assertEqual((complaint.state, complaint.date_resolved), ("resolved", self.today))
        with self.assertRefused(UserError, "head of the unit"):
            complaint.action_close()
        with self.assertRefused(UserError, "fill in the field Root cause"):
            complaint.with_user(self.user_head_1).action_close()
        complaint.with_user(self.user_head_1).write({"root_cause": "销售时未充分揭示风险",
                                                     "improvement": "销售录音录像"})
        complaint.with_user(self.user_head_1).action_close()
        self.assertEqual(complaint.state, "closed")
        with self.assertRefused(UserError, "field Resolution: the record is Case closed and can no longer be changed"):
            complaint.with_user(self.user_head_1).write({"resolution": "改写"})
        with self.assertRefused(UserError, "field State: it is Case closed"):
            complaint.with_user(self.user_head_1).action_start()

    def test_state_guarded_and_never_deleted(self):
        complaint = self.new()
        for vals in ({"state": "closed"}, {"deadline": D(2030, 1, 1)}, {"overdue_notified": True},
                     {"name": "CP/0"}):
            with self.subTest(vals=vals), self.assertRefused(UserError, "it is set by the record's actions only"):
                complaint.write(vals)
        with self.assertRefused(UserError, "field State: it is set by the record's actions only"):
            self.new(state="closed")
        with self.assertRaises(AccessError):
            complaint.unlink()
        with self.assertRefused(UserError, "never deleted"):
            complaint.sudo().unlink()
        with self.assertRefused(UserError, "fill in the field Resolution"):
            complaint.action_cancel()
        complaint.resolution = "客户撤回投诉"
        complaint.action_cancel()
        self.assertEqual(complaint.state, "cancelled")

    def test_overdue_activity_once_for_the_unit_head(self):
        overdue = self.new(date_received=D(2025, 3, 3))
        overdue.action_start()
        resolved = self.new(date_received=D(2025, 3, 3), resolution="已处理")
        resolved.action_resolve()
        fresh = self.new()
        with self.cron_batches_commit():
            self.Complaint._cron_overdue()
            self.Complaint._cron_overdue()
        activities = overdue.sudo().activity_ids
        self.assertEqual((len(activities), activities.user_id, activities.activity_type_id),
                         (1, self.user_head_1, self.overdue_type))
        self.assertTrue(overdue.overdue_notified)
        self.assertFalse((resolved | fresh).sudo().activity_ids)
        # Resolving marks the head's reminder done.
        overdue.resolution = "已回复客户"
        overdue.action_resolve()
        self.assertFalse(overdue.sudo().activity_ids)

    def test_overdue_cron_resumes_after_a_crash(self):
        complaints = (
            self.new(self.customer_a, date_received=D(2025, 3, 3))
            | self.new(self.customer_b, self.user_rm_b, date_received=D(2025, 3, 3))
            | self.new(self.customer_c, self.user_rm_c, date_received=D(2025, 3, 3))
        ).with_env(self.env)
        with (
            patch("odoo.addons.bank_relationship_manager.models.bank_complaint._OVERDUE_BATCH", 1),
            self.cron_batches_commit(),
        ):
            first, crashed = self.crash_cron_midway(
                "bank.complaint", "_bank_notify_overdue", self.Complaint._cron_overdue
            )
            # (The demo data may hold overdue complaints too: batches are checked by their ids.)
            self.assertTrue(all(first.mapped("overdue_notified")), "first batch kept")
            self.assertFalse(crashed.overdue_notified, "the crashed batch rolled back")
            self.Complaint._cron_overdue()
        self.assertTrue(all(complaints.mapped("overdue_notified")))
        self.assertEqual([len(c.sudo().activity_ids) for c in complaints], [1, 1, 1], "nobody reminded twice")
        # Outlet 2's head; the wealth centre has no head: its centre head (its overseer).
        self.assertEqual(complaints.sudo().activity_ids.user_id,
                         self.user_head_1 | self.user_head_2 | self.user_center_head)

    def test_access_by_role(self):
        complaint = self.new()
        self.assertEqual(complaint.responsible_user_id, self.user_rm_a)
        # The backup RM reads it, writes nothing; RM c neither reads nor finds it.
        self.assertTrue(complaint.with_user(self.user_rm_b).read(["description"]))
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_rm_b).write({"improvement": "改进"})
        self.assertFalse(self.Complaint.with_user(self.user_rm_c).search([("id", "=", complaint.id)]))
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_rm_c).read(["description"])
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_rm_c).action_start()
        with self.assertRaises(AccessError):
            self.new(self.customer_b, self.user_rm_c)
        # Head of the customer's unit and the supervisor above work on it; the other head does not see it.
        complaint.with_user(self.user_head_1).write({"improvement": "缩短等候时间"})
        complaint.with_user(self.user_supervisor).action_start()
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_head_2).read(["description"])
        # The office reads all, writes nothing; HR nothing.
        self.assertTrue(complaint.with_user(self.user_office).read(["description"]))
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_office).write({"improvement": "x"})
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_hr).read(["description"])
        # Reassigned to RM b: RM b writes at once, RM a still reads (primary RM) but writes no more.
        complaint.with_user(self.user_head_1).write({"responsible_rm_id": self.rm_b.id})
        complaint.with_user(self.user_rm_b).write({"improvement": "电话回访"})
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_rm_a).write({"improvement": "x"})
