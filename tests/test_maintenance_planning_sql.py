# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
from unittest.mock import patch

from odoo.tests import tagged

from .maintenance_common import MaintenanceCase

D = datetime.date
PLAN_MODULE = "odoo.addons.bank_relationship_manager.models.bank_maintenance_plan"


@tagged("post_install", "-at_install")
class TestMaintenancePlanningSql(MaintenanceCase):
    """The planning creates its activities with one INSERT … SELECT per batch (tools/activity_sql.py):
    the rows are those the ORM writes, the RM sees them where Odoo shows activities, and the
    ledger keeps reruns and crashed runs from creating any twice."""

    def setUp(self):
        super().setUp()
        self.holiday = self.env["bank.holiday"].create({"name": "T Greeting Day", "date": D(2026, 12, 20)})
        self.greeting_day = D(2026, 12, 17)

    def _row(self, activity):
        """Every stored column of the activity but its id, as PostgreSQL holds it."""
        self.env.flush_all()
        self.env.cr.execute("SELECT * FROM mail_activity WHERE id = %s", [activity.id])
        names = [column.name for column in self.env.cr.description]
        return {name: value for name, value in zip(names, self.env.cr.fetchone(), strict=True) if name != "id"}

    def test_set_based_activity_equals_the_orm_one_and_shows_for_the_rm(self):
        self.customer_a.bank_tier_id = self.tier_vip
        self.user_rm_a.tz = "Asia/Shanghai"
        followers_before = self.customer_a.message_partner_ids
        self.plan(self.greeting_day)
        planned = self.activities(self.type_holiday)
        self.assertEqual(len(planned), 1)
        # The same values through the ORM (as the planning created them before).
        by_orm = self.env["mail.activity"].with_context(mail_activity_quick_update=True).create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": self.customer_a.id,
            "activity_type_id": self.type_holiday.id,
            "summary": "T Greeting Day",
            "user_id": self.user_rm_a.id,
            "date_deadline": self.holiday.date,
            "automated": True,
        })
        set_based, orm = self._row(planned), self._row(by_orm)
        self.assertEqual(set(set_based), set(orm))
        for column in ("res_model", "res_model_id", "res_name", "user_tz", "create_uid", "create_date", "active"):
            self.assertTrue(orm[column] is not None, f"the ORM fills {column}: the comparison means something")
        self.assertEqual(set_based, orm)
        self.assertEqual(set_based["res_name"], "Customer A")
        # Followers: the planning does not subscribe the RM (tools/activity_sql.py), the ORM does.
        self.assertEqual(self.customer_a.message_partner_ids - followers_before, self.user_rm_a.partner_id)
        by_orm.unlink()
        self.env["mail.followers"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id),
            ("partner_id", "=", self.user_rm_a.partner_id.id),
        ]).unlink()
        # As the RM: the customer's activities, the "my activities" search, the activity view.
        as_rm = self.env(user=self.user_rm_a)
        customer = self.customer_a.with_env(as_rm)
        self.assertEqual(customer.activity_ids, planned.with_env(as_rm))
        self.assertEqual(customer.activity_state, "planned")
        self.assertEqual(customer.activity_date_deadline, self.holiday.date)
        self.assertIn(customer, as_rm["res.partner"].search([("my_activity_date_deadline", "=", self.holiday.date)]))
        self.assertIn(planned.id, as_rm["mail.activity"].search([("user_id", "=", self.user_rm_a.id)]).ids)
        view = as_rm["mail.activity"].get_activity_data("res.partner", [("id", "=", customer.id)])
        self.assertEqual(view["activity_res_ids"], [customer.id])
        self.assertEqual(view["grouped_activities"][customer.id][self.type_holiday.id]["ids"], planned.ids)
        self.assertEqual(planned.with_env(as_rm).state, "planned")
        # Done by the RM, it writes the maintenance log as an ORM-made one does.
        planned.with_env(as_rm).action_feedback("Greeted")
        self.assertFalse(customer.activity_ids)
        self.assertEqual(self.env["bank.maintenance.log"].search_count([
            ("partner_id", "=", customer.id), ("log_type", "=", self.type_holiday.bank_log_type),
        ]), 1)

    def test_a_planning_that_planned_leaves_fresh_statistics(self):
        """The next run's anti-joins are planned from statistics that count the rows just planned
        (a same-day rerun at 100,000 customers took 222 s on the statistics of the day before)."""
        self.customer_a.bank_tier_id = self.tier_vip
        self.customer_b.bank_tier_id = self.tier_vip
        self.assertGreater(self.plan(self.greeting_day), 0)
        self.env.cr.execute(
            """SELECT c.relname, c.reltuples FROM pg_class c
                WHERE c.oid IN ('bank_maintenance_plan'::regclass, 'mail_activity'::regclass)""")
        statistics = dict(self.env.cr.fetchall())
        self.assertEqual(statistics["bank_maintenance_plan"], self.env["bank.maintenance.plan"].search_count([]))
        self.assertEqual(statistics["mail_activity"], self.env["mail.activity"].with_context(
            active_test=False).sudo().search_count([]))

    def test_due_activities_notify_each_assignee_once_per_batch(self):
        # Two customers of rm_a overdue for a contact (due today), one of rm_b: a notification each RM.
        self.env.cr.execute("UPDATE res_partner SET bank_last_contact_date = NULL WHERE id IN %s",
                            [tuple(self.customers.ids)])
        self.env.invalidate_all()
        extra = self.env["res.partner"].create({"name": "Customer A2", "is_bank_customer": True,
                                                "bank_rm_id": self.rm_a.id})
        self.only_our_customers(self.customer_a | self.customer_b | extra)
        sent = []

        def bus_send(users, notification_type, message, **kwargs):
            sent.extend((user.id, notification_type, message["count_diff"]) for user in users)

        with patch.object(type(self.env["res.users"]), "_bus_send", bus_send):
            self.env["bank.maintenance.plan"]._cron_plan(self.today, commit=False)
        self.assertEqual(sorted(sent), sorted([
            (self.user_rm_a.id, "mail.activity/updated", 2), (self.user_rm_b.id, "mail.activity/updated", 1),
        ]))
        # Greetings due on the holiday, later: no notification, as with the ORM.
        sent.clear()
        self.customer_a.bank_tier_id = self.tier_vip
        with patch.object(type(self.env["res.users"]), "_bus_send", bus_send):
            self.assertEqual(self.plan(self.greeting_day), 1)
        self.assertEqual(sent, [])

    def test_a_rerun_creates_nothing(self):
        self.customers.bank_tier_id = self.tier_vip
        self.assertEqual(self.plan(self.greeting_day), 3)
        greetings = self.activities(self.type_holiday)
        self.assertEqual(self.plan(self.greeting_day), 0)
        self.assertEqual(self.activities(self.type_holiday), greetings)
        ledger = self.env["bank.maintenance.plan"].search([("partner_id", "in", self.customers.ids),
                                                          ("kind", "=", "holiday")])
        self.assertEqual(ledger.activity_id, greetings, "each ledger row names its activity")

    def test_a_crash_midway_resumes_without_duplicates(self):
        self.only_our_customers()
        self.customers.bank_tier_id = self.tier_vip
        plan = self.env["bank.maintenance.plan"]
        with patch(f"{PLAN_MODULE}._PLAN_BATCH", 2), self.cron_batches_commit():
            self.crash_cron_midway("bank.maintenance.plan", "_plan_batch", lambda: plan._cron_plan(self.greeting_day))
            self.assertEqual(len(self.activities(self.type_holiday)), 2, "the first batch was kept")
            plan._cron_plan(self.greeting_day)
        greetings = self.activities(self.type_holiday)
        self.assertEqual(sorted(greetings.mapped("res_id")), sorted(self.customers.ids))
        ledger = plan.search([("partner_id", "in", self.customers.ids), ("kind", "=", "holiday")])
        self.assertEqual(len(ledger), 3)
        self.assertEqual(ledger.activity_id, greetings)

    def test_queries_of_a_batch_do_not_grow_with_its_activities(self):
        Partner = self.env["res.partner"]

        def customers(count, birthday):
            return Partner.create([
                {"name": f"T many {birthday} {i}", "is_bank_customer": True, "bank_rm_id": self.rm_a.id,
                 "birthday": birthday}
                for i in range(count)
            ])

        small, large = customers(10, D(1980, 12, 10)), customers(100, D(1980, 12, 20))
        self.only_our_customers(small | large)
        plan = self.env["bank.maintenance.plan"]
        plan._cron_plan(D(2026, 12, 1), commit=False)  # periodic contacts of all, and warm caches

        def count(day):
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            planned = plan._cron_plan(day, commit=False)
            self.env.flush_all()
            return self.env.cr.sql_log_count - start, planned

        queries, planned = count(D(2026, 12, 7))
        self.assertEqual(planned, 10)
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            self.assertEqual(plan._cron_plan(D(2026, 12, 17), commit=False), 100)
        self.assertEqual(sorted(self.activities(self.type_birthday, large).mapped("res_id")), large.ids)
