# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import BankCase

MONDAY = datetime.date(2025, 3, 3)
D = datetime.date


@tagged("post_install", "-at_install")
class TestJournal(BankCase):
    """The RM's journal (定期汇报制): work logs, weekly and annual summaries, monthly meetings,
    as the real users: figures against hand-computed ones, the way up to the supervisor, access."""

    reference_now = datetime.datetime(2026, 12, 7, 2, 0)  # Monday, 10:00 in Beijing

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a, ca = cls.user_rm_a, cls.customer_a
        # The week of Monday 3 March 2025, RM a: 4 contacts, 2 visits, 120 minutes, 1 customer.
        cls.week_logs = (
            cls.log(a, cls.rm_a, ca, D(2025, 3, 3), "phone", "periodic", 10)
            | cls.log(a, cls.rm_a, ca, D(2025, 3, 4), "visit", "sale", 60)
            | cls.log(a, cls.rm_a, ca, D(2025, 3, 5), "meeting", "post_sale", 30)
            | cls.log(a, cls.rm_a, ca, D(2025, 3, 9), "phone", "sale", 20)  # Sunday: still the week
        )
        # Outside the week, or another RM's contact with the same customer: not counted.
        cls.log(a, cls.rm_a, ca, D(2025, 3, 2), "phone", "periodic", 15)
        cls.log(a, cls.rm_a, ca, D(2025, 3, 10), "visit", "sale", 45)
        cls.log(cls.user_rm_b, cls.rm_b, ca, D(2025, 3, 4), "phone", "service", 5)
        # Sales: one opportunity won in the week, one won the week after, one lost in the week.
        Lead = cls.env["crm.lead"]
        cls.won = Lead.create({"name": "理财产品 A", "type": "opportunity", "user_id": a.id,
                               "expected_revenue": 200000})
        late = Lead.create({"name": "理财产品 B", "type": "opportunity", "user_id": a.id, "expected_revenue": 50000})
        lost = Lead.create({"name": "理财产品 C", "type": "opportunity", "user_id": a.id, "expected_revenue": 70000})
        (cls.won | late).action_set_won()
        lost.action_set_lost()
        cls.won.date_closed = datetime.datetime(2025, 3, 6, 10, 0)
        late.date_closed = datetime.datetime(2025, 3, 10, 9, 0)
        lost.date_closed = datetime.datetime(2025, 3, 5, 9, 0)
        # Complaints about RM a's customer in the week (1), about RM b's customer (not counted).
        Complaint = cls.env["bank.complaint"]
        Complaint.create({"partner_id": ca.id, "description": "排队太久", "date_received": D(2025, 3, 5),
                          "category": "waiting"})
        Complaint.create({"partner_id": cls.customer_b.id, "description": "手续费", "date_received": D(2025, 3, 5),
                          "category": "fees"})
        # Large fund movements: one on RM a's customer in the week (then done), one the week after,
        # one on RM b's customer.
        movement = cls.env.ref("bank_relationship_manager.mail_activity_type_large_movement")
        activities = cls.env["mail.activity"]
        for partner, day in ((ca, "2025-03-07"), (ca, "2025-03-11"), (cls.customer_b, "2025-03-07")):
            activity = activities.create({
                "res_model_id": cls.env["ir.model"]._get_id("res.partner"), "res_id": partner.id,
                "activity_type_id": movement.id, "user_id": partner.bank_rm_user_id.id,
                "summary": f"Large fund movement on {day}",
            })
            cls.env.flush_all()
            cls.env.cr.execute(SQL("UPDATE mail_activity SET create_date = %s WHERE id = %s", f"{day} 08:00",
                                   activity.id))
            activities |= activity
        activities.invalidate_recordset()
        activities[0].with_user(a).action_feedback(feedback="已联系客户")

    @classmethod
    def log(cls, user, rm, partner, day, channel, log_type, minutes):
        return cls.env["bank.maintenance.log"].with_user(user).create({
            "partner_id": partner.id, "rm_id": rm.id, "date": day, "channel": channel, "log_type": log_type,
            "summary": f"{channel} {day}", "minutes": minutes,
        })

    def new_summary(self, user=None, **vals):
        return self.env["bank.weekly.summary"].with_user(user or self.user_rm_a).create(
            {"date_from": D(2025, 3, 5), **vals}
        )

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    def test_weekly_figures_against_hand_computed(self):
        summary = self.new_summary()
        self.assertEqual((summary.date_from, summary.date_to, summary.week),
                         (MONDAY, D(2025, 3, 9), "2025-W10"), "a Wednesday moves to its ISO week")
        self.assertEqual(summary.rm_id, self.rm_a)
        self.assertEqual(summary.unit_id, self.outlet_1)
        self.assertEqual(
            (summary.contact_count, summary.visit_count, summary.minutes_total, summary.customer_count),
            (4, 2, 120, 1),
        )
        self.assertEqual((summary.won_count, summary.won_amount), (1, 200000))
        self.assertEqual(summary.movement_count, 1, "the done activity still counts; next week's does not")
        self.assertEqual(summary.complaint_count, 1)
        channels = {line.channel: (line.contact_count, line.minutes) for line in summary.channel_line_ids}
        self.assertEqual(channels, {"phone": (2, 30), "visit": (1, 60), "meeting": (1, 30)})
        types = {line.log_type: (line.contact_count, line.minutes) for line in summary.type_line_ids}
        self.assertEqual(types, {"periodic": (1, 10), "sale": (2, 80), "post_sale": (1, 30)})

    def test_refresh_reads_new_contacts_until_submitted(self):
        summary = self.new_summary()
        self.log(self.user_rm_a, self.rm_a, self.customer_a, D(2025, 3, 8), "visit", "sale", 40)
        self.assertEqual(summary.contact_count, 4, "stored until refreshed")
        summary.action_refresh_figures()
        self.assertEqual((summary.contact_count, summary.visit_count, summary.minutes_total), (5, 3, 160))
        summary.action_submit()
        with self.assertRefused(UserError, "field State: it is Submitted"):
            summary.action_refresh_figures()

    def test_annual_figures(self):
        summary = self.env["bank.annual.summary"].with_user(self.user_rm_a).create({"year": 2025})
        self.assertEqual(
            (summary.contact_count, summary.visit_count, summary.minutes_total, summary.won_count,
             summary.won_amount, summary.complaint_count),
            (6, 3, 180, 2, 250000, 1),
        )

    def test_work_log_lists_the_days_contacts(self):
        work_log = self.env["bank.work.log"].with_user(self.user_rm_a).create(
            {"date": D(2025, 3, 4), "note": "<p>拜访客户</p>"}
        )
        self.assertEqual(work_log.rm_id, self.rm_a)
        self.assertEqual(work_log.maintenance_log_ids, self.week_logs.filtered(lambda log: log.date == D(2025, 3, 4)))
        self.assertEqual((work_log.contact_count, work_log.minutes_total), (1, 60), "RM b's contact is not RM a's")
        with self.assertRefused(UserError, "cannot be changed"):
            work_log.date = D(2025, 3, 5)
        with self.assertRaises(AccessError):
            work_log.with_user(self.user_rm_a).unlink()

    # ------------------------------------------------------------------
    # Unique constraints
    # ------------------------------------------------------------------

    def test_unique_per_rm_and_period(self):
        self.new_summary()
        self.new_summary(user=self.user_rm_b)  # another RM, same week: fine
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            self.new_summary(date_from=D(2025, 3, 7))
        self.env["bank.annual.summary"].with_user(self.user_rm_a).create({"year": 2025})
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            self.env["bank.annual.summary"].with_user(self.user_rm_a).create({"year": 2025})
        self.env["bank.work.log"].with_user(self.user_rm_a).create({"date": D(2025, 3, 4)})
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            self.env["bank.work.log"].with_user(self.user_rm_a).create({"date": D(2025, 3, 4)})
        Meeting = self.env["bank.monthly.meeting"].with_user(self.user_head_1)
        Meeting.create({"unit_id": self.outlet_1.id, "date": D(2025, 3, 28)})
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            Meeting.create({"unit_id": self.outlet_1.id, "date": D(2025, 3, 3)})

    # ------------------------------------------------------------------
    # Submit and acknowledge
    # ------------------------------------------------------------------

    def test_submit_to_the_supervisor_and_acknowledge(self):
        summary = self.new_summary(analysis="拜访两位客户", next_week_plan="跟进理财需求")
        with self.assertRaises(AccessError):
            summary.with_user(self.user_head_1).action_submit()
        summary.action_submit()
        self.assertEqual((summary.state, summary.supervisor_user_id), ("submitted", self.user_supervisor))
        todo = summary.sudo().activity_ids
        self.assertEqual((len(todo), todo.user_id), (1, self.user_supervisor))
        with self.assertRefused(UserError, "field Analysis: the record is Submitted and can no longer be changed"):
            summary.analysis = "改写"
        # Others: RM b and the centre head cannot even read it; the outlet head reads but may not acknowledge.
        for user in (self.user_rm_b, self.user_center_head):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                summary.with_user(user).action_acknowledge()
        with self.assertRefused(UserError, "only t_supervisor"):
            summary.with_user(self.user_head_1).action_acknowledge()
        with self.assertRefused(UserError, "only t_supervisor"):
            summary.with_user(self.user_rm_a).action_acknowledge()
        summary.with_user(self.user_supervisor).action_acknowledge()
        self.assertEqual((summary.state, summary.acknowledged_by_id), ("acknowledged", self.user_supervisor))
        self.assertFalse(summary.sudo().activity_ids, "the supervisor's activity is done")
        with self.assertRefused(UserError, "field State: it is Acknowledged"):
            summary.with_user(self.user_supervisor).action_acknowledge()

    def test_a_supervisor_above_may_acknowledge(self):
        self.branch.supervisor_user_id = self.user_center_head
        summary = self.new_summary()
        summary.action_submit()
        self.assertEqual(summary.supervisor_user_id, self.user_supervisor, "the nearest supervisor up the tree")
        summary.with_user(self.user_center_head).action_acknowledge()
        self.assertEqual(summary.acknowledged_by_id, self.user_center_head)

    def test_without_supervisor_the_unit_head(self):
        summary = self.new_summary(user=self.user_rm_c)
        with self.assertRefused(UserError, "neither the unit"):
            summary.with_user(self.user_rm_c).action_submit()
        self.center.head_user_id = self.user_center_head
        summary.with_user(self.user_rm_c).action_submit()
        self.assertEqual(summary.supervisor_user_id, self.user_center_head)

    def test_state_and_figures_guarded(self):
        summary = self.new_summary()
        for vals in ({"state": "acknowledged"}, {"contact_count": 99}, {"supervisor_user_id": self.user_rm_a.id},
                     {"date_from": D(2025, 3, 10)}):
            with self.subTest(vals=vals), self.assertRefused(
                UserError, "it is set by the record's actions only|it is given when the record is created"
            ):
                summary.write(vals)
        with self.assertRefused(UserError, "field State: it is set by the record's actions only"):
            self.new_summary(date_from=D(2025, 3, 17), state="submitted")
        self.assertEqual(summary.state, "draft")

    def test_annual_submit_and_acknowledge(self):
        summary = self.env["bank.annual.summary"].with_user(self.user_rm_a).create(
            {"year": 2025, "self_assessment": "全年成交两笔"}
        )
        summary.action_submit()
        with self.assertRefused(UserError, "only t_supervisor"):
            summary.with_user(self.user_head_1).action_acknowledge()
        summary.with_user(self.user_supervisor).action_acknowledge()
        self.assertEqual(summary.state, "acknowledged")

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def test_access_by_role(self):
        summary = self.new_summary()
        work_log = self.env["bank.work.log"].with_user(self.user_rm_a).create({"date": D(2025, 3, 4)})
        for record in (summary, work_log, summary.line_ids[:1]):
            Model = self.env[record._name]
            with self.subTest(model=record._name):
                # Another RM: nothing found, refused by id.
                self.assertFalse(Model.with_user(self.user_rm_b).search([("id", "=", record.id)]))
                with self.assertRaises(AccessError):
                    record.with_user(self.user_rm_b).read(["id"])
                # Head of the RM's unit, supervisor above, office: read; the other outlet's head: no.
                for user in (self.user_head_1, self.user_supervisor, self.user_office):
                    self.assertTrue(record.with_user(user).read(["id"]))
                with self.assertRaises(AccessError):
                    record.with_user(self.user_head_2).read(["id"])
                with self.assertRaises(AccessError):
                    record.with_user(self.user_hr).read(["id"])
        for user in (self.user_head_1, self.user_supervisor, self.user_office):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                work_log.with_user(user).write({"note": "<p>改写</p>"})
            with self.assertRaises(AccessError):
                summary.with_user(user).write({"analysis": "改写"})
        with self.assertRaises(AccessError):
            self.env["bank.weekly.summary"].with_user(self.user_rm_b).create(
                {"rm_id": self.rm_a.id, "date_from": D(2025, 3, 17)}
            )
        with self.assertRaises(AccessError):
            summary.with_user(self.user_rm_a).unlink()

    def test_monthly_meeting_access(self):
        Meeting = self.env["bank.monthly.meeting"]
        meeting = Meeting.with_user(self.user_head_1).create({
            "unit_id": self.outlet_1.id, "date": D(2025, 3, 28), "attendee_ids": [self.user_rm_a.id],
            "minutes": "<p>本月工作</p>",
        })
        self.assertEqual(meeting.month, D(2025, 3, 1))
        self.assertTrue(meeting.with_user(self.user_rm_a).read(["minutes"]), "attendees read it")
        with self.assertRaises(AccessError):
            meeting.with_user(self.user_rm_a).write({"minutes": "<p>改写</p>"})
        with self.assertRaises(AccessError):
            meeting.with_user(self.user_rm_b).read(["minutes"])
        with self.assertRaises(AccessError):
            Meeting.with_user(self.user_head_2).create({"unit_id": self.outlet_1.id, "date": D(2025, 4, 2)})
        meeting.with_user(self.user_supervisor).write({"decisions": "<p>下月重点营销理财</p>"})
        self.assertTrue(meeting.with_user(self.user_office).read(["minutes"]))
        with self.assertRaises(AccessError):
            meeting.with_user(self.user_head_1).unlink()
