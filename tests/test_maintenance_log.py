# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .maintenance_common import MaintenanceCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestMaintenanceLog(MaintenanceCase):
    """Done activities write logs; the log's rules, guards and the VIP time share."""

    def _birthday_for(self, partner):
        partner.birthday = fields.Date.add(self.today, days=2).replace(year=1980)
        self.plan(self.today)
        return self.activities(self.type_birthday, partner)

    def test_done_form_writes_the_log_with_channel_outcome_minutes(self):
        activity = self._birthday_for(self.customer_a).with_user(self.user_rm_a)
        self.assertEqual(activity.user_id, self.user_rm_a)
        action = activity.action_bank_open_done_form()
        form = Form(self.env["bank.activity.done"].with_user(self.user_rm_a).with_context(action["context"]))
        form.channel = "visit"
        form.outcome = "follow_up"
        form.minutes = 25
        form.summary = "Brought a cake; wants to talk about funds"
        form.save().action_done()
        self.assertFalse(activity.exists().filtered("active"))
        log = self.env["bank.maintenance.log"].search([("partner_id", "=", self.customer_a.id),
                                                       ("log_type", "=", "birthday")])
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (log.channel, log.outcome, log.minutes, log.rm_id, log.user_id, log.date, log.activity_type_id),
            ("visit", "follow_up", 25, self.rm_a, self.user_rm_a, self.today, self.type_birthday),
        )
        self.assertEqual(log.summary, "Brought a cake; wants to talk about funds")
        self.assertEqual(self.customer_a.bank_last_contact_date, self.today)

    def test_done_from_the_chatter_logs_with_the_preferred_channel(self):
        self.customer_b.preferred_contact = "sms"
        activity = self._birthday_for(self.customer_b)
        activity.with_user(self.user_rm_b).action_feedback("Sent wishes")
        log = self.env["bank.maintenance.log"].search([("partner_id", "=", self.customer_b.id),
                                                       ("log_type", "=", "birthday")])
        self.assertEqual((log.channel, log.minutes, log.summary, log.rm_id), ("sms", 5, "Sent wishes", self.rm_b))

    def test_other_activities_write_no_log(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        activity = self.customer_a.activity_schedule(activity_type_id=todo.id, user_id=self.user_rm_a.id)
        count = self.env["bank.maintenance.log"].search_count([])
        activity.with_user(self.user_rm_a).action_feedback("ok")
        self.assertEqual(self.env["bank.maintenance.log"].search_count([]), count)

    def test_bad_minutes_are_refused_and_nothing_is_logged(self):
        activity = self._birthday_for(self.customer_a)
        wizard = self.env["bank.activity.done"].with_user(self.user_rm_a).create(
            {"activity_id": activity.id, "channel": "phone", "minutes": 0}
        )
        count = self.env["bank.maintenance.log"].search_count([])
        with self.assertRefused(ValidationError, "Customer A.*Minutes"):
            wizard.action_done()
        self.assertTrue(activity.exists() and activity.active)
        self.assertEqual(self.env["bank.maintenance.log"].search_count([]), count)
        with self.assertRefused(ValidationError, "future"):
            self.env["bank.maintenance.log"].with_user(self.user_rm_a).create({
                "partner_id": self.customer_a.id, "summary": "x", "date": fields.Date.add(self.today, days=1),
            })
        with self.assertRefused(ValidationError, "not a bank customer"):
            self.env["bank.maintenance.log"].create({"partner_id": self.contact.id, "summary": "x"})

    def test_logs_are_never_deleted_nor_moved(self):
        log = self.env["bank.maintenance.log"].with_user(self.user_rm_a).create(
            {"partner_id": self.customer_a.id, "summary": "Call", "minutes": 10}
        )
        self.assertEqual(log.rm_id, self.rm_a)
        for user in (self.user_rm_a, self.user_head_1, self.user_supervisor, self.user_office, self.user_admin):
            with self.assertRefused(AccessError, "not allowed to delete"):
                log.with_user(user).unlink()
        with self.assertRefused(UserError, "cannot be deleted"):
            log.with_env(self.env).unlink()  # not even the superuser
        with self.assertRefused(UserError, "field Customer: it is given when the record is created"):
            log.write({"partner_id": self.customer_b.id})
        log.write({"summary": "Call about the fund"})  # the author corrects the summary

    def test_access_rm_backup_other_rm_head_supervisor_office(self):
        Log = self.env["bank.maintenance.log"]
        log_a = Log.with_user(self.user_rm_a).create({"partner_id": self.customer_a.id, "summary": "A call"})
        log_c = Log.with_user(self.user_rm_c).create({"partner_id": self.customer_c.id, "summary": "C call"})
        # The backup RM of customer A reads the history; the RM of C does not.
        self.assertEqual(log_a.with_user(self.user_rm_b).summary, "A call")
        with self.assertRaises(AccessError):
            log_c.with_user(self.user_rm_a).read(["summary"])
        self.assertNotIn(log_c, Log.with_user(self.user_rm_a).search([]))
        # An RM logs only contacts of customers they serve.
        with self.assertRaises(AccessError):
            Log.with_user(self.user_rm_a).create({"partner_id": self.customer_c.id, "summary": "x"})
        # A colleague's log cannot be rewritten by the backup.
        with self.assertRaises(AccessError):
            log_a.with_user(self.user_rm_b).write({"summary": "changed"})
        # Units: the head of outlet 1 reads A's, not C's; the supervisor of the sub-branch reads A's.
        self.assertEqual(Log.with_user(self.user_head_1).search([("id", "in", (log_a | log_c).ids)]), log_a)
        self.assertEqual(Log.with_user(self.user_head_2).search([("id", "in", (log_a | log_c).ids)]),
                         Log.browse())
        self.assertEqual(Log.with_user(self.user_supervisor).search([("id", "in", (log_a | log_c).ids)]), log_a)
        self.assertEqual(Log.with_user(self.user_office).search([("id", "in", (log_a | log_c).ids)]),
                         log_a | log_c)
        with self.assertRaises(AccessError):
            Log.with_user(self.user_hr).search([])
        with self.assertRaises(AccessError):
            Log.with_user(self.user_plain).search([])

    def test_vip_time_share_against_a_hand_computed_value(self):
        self.env.cr.execute("DELETE FROM bank_maintenance_log")
        self.env.invalidate_all()
        self.customer_a.bank_tier_id = self.tier_vip
        # Customer B is served by rm_b; rm_a is B's... no: rm_a logs on A (tiered) and on C via backup.
        self.customer_c.bank_backup_rm_id = self.rm_a
        Log = self.env["bank.maintenance.log"].with_user(self.user_rm_a)
        this_month = self.today.replace(day=1)
        last_month = fields.Date.subtract(this_month, days=1)
        Log.create([
            {"partner_id": self.customer_a.id, "summary": "VIP 1", "minutes": 40, "date": this_month},
            {"partner_id": self.customer_a.id, "summary": "VIP 2", "minutes": 20, "date": self.today},
            {"partner_id": self.customer_c.id, "summary": "Other", "minutes": 20, "date": self.today},
            {"partner_id": self.customer_c.id, "summary": "Last month", "minutes": 500, "date": last_month},
        ])
        # Hand computed: this month 60 of 80 minutes on tiered customers = 75.0 %.
        rm = self.rm_a.with_user(self.user_rm_a)
        self.assertEqual((rm.minutes_logged, rm.vip_time_share, rm.vip_time_share_target), (80, 75.0, 70.0))
        rows = self.env["bank.vip.time.share"].with_user(self.user_rm_a).search([])
        self.assertEqual(rows.rm_id, self.rm_a)
        row = rows.filtered(lambda r: r.month == this_month)
        self.assertEqual((row.minutes_total, row.minutes_vip, row.vip_share, row.meets_target), (80, 60, 75.0, True))
        self.assertEqual(rows.filtered(lambda r: r.month == last_month.replace(day=1)).vip_share, 0.0)
        # Another RM sees none of rm_a's rows.
        self.assertFalse(self.env["bank.vip.time.share"].with_user(self.user_rm_b).search([]))
