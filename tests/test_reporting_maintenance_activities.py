# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PREFIX, BankCase

REPORT = "bank.maintenance.activity.report"


@tagged("post_install", "-at_install")
class TestReportingMaintenanceActivities(BankCase):
    """The maintenance activities analysis (report/bank_maintenance_activity_report.py): figures of
    activities and logs made here against a hand count, and who sees which rows."""

    # 1 December 2026, 10:00 in Beijing.
    reference_now = datetime.datetime(2026, 12, 1, 2, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        periodic = ref(PREFIX + "mail_activity_type_periodic_contact")
        birthday = ref(PREFIX + "mail_activity_type_birthday")
        holiday = ref(PREFIX + "mail_activity_type_holiday")
        maturity = ref(PREFIX + "mail_activity_type_maturity")
        cls.customer_a.bank_tier_id = ref(PREFIX + "tier_vip")

        def day(offset):
            return fields.Date.add(cls.today, days=offset)

        def schedule(partner, activity_type, offset, user):
            return partner.activity_schedule(activity_type_id=activity_type.id, date_deadline=day(offset),
                                             user_id=user.id)

        def done(activity, user, feedback):
            activity.with_user(user).with_context(bank_log_minutes=15).action_feedback(feedback)

        # Customer A (RM A, outlet 1): one planned, one overdue by 3 days, one done late, one on time,
        # one contact without plan; a to-do that is no maintenance work.
        schedule(cls.customer_a, periodic, 5, cls.user_rm_a)
        schedule(cls.customer_a, birthday, -3, cls.user_rm_a)
        done(schedule(cls.customer_a, holiday, -10, cls.user_rm_a), cls.user_rm_a, "late")
        done(schedule(cls.customer_a, periodic, 2, cls.user_rm_a), cls.user_rm_a, "early")
        cls.env["bank.maintenance.log"].with_user(cls.user_rm_a).create(
            {"partner_id": cls.customer_a.id, "summary": "Walked in", "minutes": 30, "date": day(-1)})
        schedule(cls.customer_a, ref("mail.mail_activity_data_todo"), -1, cls.user_rm_a)
        # Customer B (RM B, outlet 2): overdue by a day; one done on its deadline.
        schedule(cls.customer_b, periodic, -1, cls.user_rm_b)
        done(schedule(cls.customer_b, maturity, 0, cls.user_rm_b), cls.user_rm_b, "on the day")
        # Customer C (RM C, wealth centre): planned.
        schedule(cls.customer_c, periodic, 1, cls.user_rm_c)
        cls.ours = [("partner_id", "in", (cls.customer_a | cls.customer_b | cls.customer_c).ids)]

    def grid(self, user=None, groupby=("rm_id", "status")):
        Report = self.env[REPORT].with_user(user) if user else self.env[REPORT]
        return {
            tuple(getattr(key, "id", key) for key in keys): count
            for *keys, count in Report._read_group(self.ours, list(groupby), ["__count"])
        }

    def test_planned_done_on_time_late_and_overdue_by_rm(self):
        a, b, c = self.rm_a.id, self.rm_b.id, self.rm_c.id
        self.assertEqual(self.grid(), {
            (a, "planned"): 1, (a, "overdue"): 1, (a, "done_late"): 1, (a, "done_on_time"): 1, (a, "unplanned"): 1,
            (b, "overdue"): 1, (b, "done_on_time"): 1,
            (c, "planned"): 1,
        })
        measures = self.env[REPORT]._read_group(
            self.ours, ["rm_id"], ["on_time_rate:avg", "days_overdue:max", "minutes:sum"])
        self.assertEqual(
            {rm.id: (rate, overdue, minutes) for rm, rate, overdue, minutes in measures},
            # A: one of two planned contacts done on time; B: one of one. Minutes: A's walk-in 30
            # and 15 for each activity done.
            {a: (50.0, 3, 60), b: (100.0, 1, 15), c: (False, 0, 0)},
        )

    def test_by_unit_kind_and_tier(self):
        outlet_1, outlet_2 = self.outlet_1.id, self.outlet_2.id
        by_unit = self.grid(groupby=("unit_id", "status"))
        self.assertEqual(by_unit[outlet_1, "overdue"], 1)
        self.assertEqual(by_unit[outlet_2, "overdue"], 1)
        # The walk-in is logged as a periodic contact (the log's default type); the to-do is no kind.
        self.assertEqual(self.grid(groupby=("log_type",)),
                         {("periodic",): 5, ("birthday",): 1, ("holiday",): 1, ("maturity",): 1})
        vip = self.env.ref(PREFIX + "tier_vip").id
        self.assertEqual(self.grid(groupby=("tier_id",))[(vip,)], 5)

    def test_overdue_follows_the_bank_date(self):
        with self.clock_at(datetime.datetime(2026, 12, 8, 2, 0)):
            grid = self.grid()
        # A week later A's and C's planned activities are overdue too; done ones do not move.
        self.assertEqual(grid[self.rm_a.id, "overdue"], 2)
        self.assertEqual(grid[self.rm_c.id, "overdue"], 1)
        self.assertNotIn((self.rm_a.id, "planned"), grid)
        self.assertEqual(grid[self.rm_a.id, "done_late"], 1)

    def test_rm_sees_the_customers_they_serve_only(self):
        a, b = self.rm_a.id, self.rm_b.id
        self.assertEqual(self.grid(self.user_rm_a), {
            (a, "planned"): 1, (a, "overdue"): 1, (a, "done_late"): 1, (a, "done_on_time"): 1, (a, "unplanned"): 1,
        })
        # RM B is customer A's backup RM: B reads A's rows as well as their own customer's.
        self.assertEqual(sum(self.grid(self.user_rm_b).values()), 7)
        self.assertEqual(self.grid(self.user_rm_b)[b, "overdue"], 1)
        # RM C, of another unit, sees nothing of A's nor B's.
        self.assertEqual(self.grid(self.user_rm_c), {(self.rm_c.id, "planned"): 1})
        rows = self.env[REPORT].with_user(self.user_rm_a).search(self.ours)
        self.assertEqual(rows.partner_id, self.customer_a)
        self.assertEqual(len(rows), 5)

    def test_unit_heads_supervisor_office(self):
        self.assertEqual(sum(self.grid(self.user_head_1, ("unit_id",)).values()), 5)
        self.assertEqual(self.grid(self.user_head_1, ("unit_id",)), {(self.outlet_1.id,): 5})
        self.assertEqual(self.grid(self.user_head_2, ("unit_id",)), {(self.outlet_2.id,): 2})
        self.assertEqual(self.grid(self.user_supervisor, ("unit_id",)),
                         {(self.outlet_1.id,): 5, (self.outlet_2.id,): 2})
        self.assertEqual(sum(self.grid(self.user_office, ("unit_id",)).values()), 8)

    def test_no_access_outside_the_bank_roles(self):
        for user in (self.user_hr, self.user_plain):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env[REPORT].with_user(user).search([])
