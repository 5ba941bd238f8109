# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from .common import PREFIX, load_chinese
from .maintenance_common import MaintenanceCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestMaintenancePlanning(MaintenanceCase):
    """The daily planning: each kind of activity on the right day, for the right user, once."""

    def test_birthday_greeting_three_days_before_and_once(self):
        self.customer_a.birthday = D(1980, 12, 10)
        self.plan(D(2026, 12, 6))
        self.assertFalse(self.activities(self.type_birthday))
        self.plan(D(2026, 12, 7))
        greeting = self.activities(self.type_birthday)
        self.assertEqual(len(greeting), 1)
        self.assertEqual(greeting.res_id, self.customer_a.id)
        self.assertEqual(greeting.user_id, self.user_rm_a)
        self.assertEqual(greeting.date_deadline, D(2026, 12, 10))
        # The same day again, the next day, and after the RM did it: nothing more.
        self.assertEqual(self.plan(D(2026, 12, 7)), 0)
        self.assertEqual(self.plan(D(2026, 12, 8)), 0)
        greeting.action_feedback("Called")
        self.assertEqual(self.plan(D(2026, 12, 9)), 0)
        self.assertFalse(self.activities(self.type_birthday))
        # Next year's birthday is a new occasion.
        self.plan(D(2027, 12, 7))
        self.assertEqual(self.activities(self.type_birthday).date_deadline, D(2027, 12, 10))

    def test_29_february_birthday_is_greeted_on_28_february_in_other_years(self):
        self.customer_b.birthday = D(1992, 2, 29)
        self.plan(D(2027, 2, 25))
        self.assertEqual(self.activities(self.type_birthday).date_deadline, D(2027, 2, 28))
        self.plan(D(2028, 2, 26))
        self.assertEqual(
            self.activities(self.type_birthday).mapped("date_deadline"), [D(2027, 2, 28), D(2028, 2, 29)]
        )

    def test_birthday_on_new_years_day_is_planned_in_december(self):
        self.customer_c.birthday = D(1970, 1, 1)
        self.plan(D(2026, 12, 29))
        self.assertEqual(self.activities(self.type_birthday).date_deadline, D(2027, 1, 1))

    def test_holiday_greetings_for_tiered_customers_only(self):
        self.customer_a.bank_tier_id = self.tier_vip
        holiday = self.env["bank.holiday"].create({"name": "Test Day", "date": D(2026, 12, 20)})
        self.plan(D(2026, 12, 16))
        self.assertFalse(self.activities(self.type_holiday))
        self.plan(D(2026, 12, 17))
        greeting = self.activities(self.type_holiday)
        self.assertEqual(greeting.res_id, self.customer_a.id)
        self.assertEqual(greeting.date_deadline, holiday.date)
        self.assertIn("Test Day", greeting.summary)
        self.assertEqual(self.plan(D(2026, 12, 18)), 0)
        holiday.active = False
        self.env["bank.holiday"].create({"name": "Other", "date": D(2026, 12, 20)})
        self.plan(D(2026, 12, 19))
        self.assertEqual(len(self.activities(self.type_holiday)), 2, "a second holiday on the day is its own occasion")

    def test_summaries_are_in_the_language_of_the_rm(self):
        load_chinese(self.env, ["bank_relationship_manager"])
        self.user_rm_a.lang = "zh_CN"
        (self.customer_a | self.customer_b).bank_tier_id = self.tier_vip
        self.plan(D(2027, 2, 3))  # Spring Festival on 6 February 2027
        greetings = self.activities(self.type_holiday)
        self.assertEqual(
            {(a.res_id, a.summary) for a in greetings},
            {(self.customer_a.id, "春节"), (self.customer_b.id, "Spring Festival")},
        )

    def test_holidays_of_2026_and_2027_are_default_data(self):
        days = self.env["bank.holiday"].search([("date", ">=", D(2026, 1, 1)), ("date", "<=", D(2027, 12, 31))])
        self.assertIn(D(2027, 2, 6), days.mapped("date"))  # Spring Festival 2027
        self.assertIn(D(2026, 10, 1), days.mapped("date"))
        self.assertGreaterEqual(len(days), 12)

    def test_periodic_contact_by_tier_interval_and_setting(self):
        today = self.today
        Log = self.env["bank.maintenance.log"]
        # A: VIP (interval 30 days), last contact 31 days ago -> due. B: no tier (setting 90), 31 days -> not.
        self.tier_vip.contact_interval_days = 30
        self.customer_a.bank_tier_id = self.tier_vip
        self.env.cr.execute("DELETE FROM bank_maintenance_log WHERE partner_id IN %s", [tuple(self.customers.ids)])
        self.env.invalidate_all()
        for partner, days in ((self.customer_a, 31), (self.customer_b, 31), (self.customer_c, 91)):
            Log.create({"partner_id": partner.id, "rm_id": partner.bank_rm_id.id, "summary": "Call",
                        "date": fields.Date.subtract(today, days=days)})
        self.plan(today)
        due = self.activities(self.type_periodic)
        self.assertEqual(sorted(due.mapped("res_id")), sorted((self.customer_a | self.customer_c).ids))
        self.assertEqual(due.mapped("date_deadline"), [today, today])
        # Open already: the next day plans nothing more; once done (a log), nothing either.
        self.assertEqual(self.plan(fields.Date.add(today, days=1)), 0)
        due.filtered(lambda a: a.res_id == self.customer_a.id).action_feedback("Visited")
        self.assertEqual(self.customer_a.bank_last_contact_date, today)
        self.assertEqual(self.plan(fields.Date.add(today, days=1)), 0)

    def test_maturity_follow_up_per_account_seven_days_before(self):
        category = self.env.ref(PREFIX + "product_category_dep_time")
        Account = self.env["bank.account"]
        first, second = Account.create([
            {"partner_id": self.customer_b.id, "category_id": category.id, "account_no": "T-MAT-1",
             "open_date": D(2025, 12, 14), "maturity_date": D(2026, 12, 14)},
            {"partner_id": self.customer_b.id, "category_id": category.id, "account_no": "T-MAT-2",
             "open_date": D(2025, 12, 10), "maturity_date": D(2026, 12, 10)},
        ])
        self.plan(D(2026, 12, 2))
        self.assertFalse(self.activities(self.type_maturity))
        self.plan(D(2026, 12, 3))
        self.assertEqual(self.activities(self.type_maturity).date_deadline, D(2026, 12, 10))
        self.plan(D(2026, 12, 7))
        follow_ups = self.activities(self.type_maturity)
        self.assertEqual(follow_ups.mapped("date_deadline"), [D(2026, 12, 10), D(2026, 12, 14)])
        self.assertEqual(follow_ups.user_id, self.user_rm_b)
        self.assertIn("T-MAT-1", " ".join(follow_ups.mapped("summary")))
        self.assertEqual(self.plan(D(2026, 12, 8)), 0)
        first.maturity_date = D(2026, 12, 15)  # extended: a new occasion
        self.plan(D(2026, 12, 8))
        self.assertEqual(len(self.activities(self.type_maturity)), 3)
        self.assertTrue(second)

    def test_activities_go_to_the_backup_while_the_primary_is_absent_or_leaving(self):
        self.customer_a.birthday = D(1980, 12, 10)  # primary rm_a, backup rm_b
        self.rm_a.is_absent = True
        self.plan(D(2026, 12, 7))
        self.assertEqual(self.activities(self.type_birthday).user_id, self.user_rm_b)
        # No backup available either: the head of the customer's unit.
        self.customer_c.birthday = D(1980, 12, 11)
        self.customer_c.bank_unit_id = self.outlet_1
        self.rm_c.state = "leaving"
        self.plan(D(2026, 12, 8))
        self.assertEqual(
            self.activities(self.type_birthday, self.customer_c).user_id, self.user_head_1
        )

    def test_customers_of_an_inactive_rm_are_not_planned(self):
        self.customer_b.birthday = D(1980, 12, 10)
        self.env.cr.execute("UPDATE bank_rm SET active = FALSE WHERE id = %s", [self.rm_b.id])
        self.env.invalidate_all()
        self.plan(D(2026, 12, 7))
        self.assertFalse(self.activities(self.type_birthday, self.customer_b))

    def test_a_crashed_run_is_finished_by_the_next_without_duplicates(self):
        # Only our three customers have a birthday (the demo customers would come first).
        self.env.cr.execute("UPDATE res_partner SET birthday = NULL WHERE id NOT IN %s", [tuple(self.customers.ids)])
        self.env.invalidate_all()
        for partner in self.customers:
            partner.birthday = D(1980, 12, 10)
        plan = self.env["bank.maintenance.plan"]
        with (
            patch("odoo.addons.bank_relationship_manager.models.bank_maintenance_plan._PLAN_BATCH", 1),
            self.cron_batches_commit(),
        ):
            self.crash_cron_midway("bank.maintenance.plan", "_plan_batch", lambda: plan._cron_plan(D(2026, 12, 7)))
            self.assertEqual(len(self.activities(self.type_birthday)), 1, "the first batch was kept")
            plan._cron_plan(D(2026, 12, 7))
        greetings = self.activities(self.type_birthday)
        self.assertEqual(sorted(greetings.mapped("res_id")), sorted(self.customers.ids))
        self.assertEqual(
            self.env["bank.maintenance.plan"].search_count([("partner_id", "in", self.customers.ids),
                                                            ("kind", "=", "birthday")]), 3)
