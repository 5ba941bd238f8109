# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.bank_relationship_manager.models.bank_guard_mixin import BankGuardError

from .common import GROUP_RM, PREFIX, BankCase


@contextmanager
def as_rpc(env, user):
    """As over RPC, where the transaction's first environment is the caller's: x2many commands on
    models refusing sudo commands (res.partner, the histories) run as that user, not as the test's
    superuser (``_check_sudo_commands`` in odoo/orm/fields_relational.py)."""
    transaction = env.transaction
    previous = transaction.default_env
    transaction.default_env = env(user=user)
    try:
        yield
    finally:
        transaction.default_env = previous


@tagged("post_install", "-at_install")
class TestGuardHoles(BankCase):
    """The holes of docs/guards.md closed on customers, journal, complaints, logs and sales, as
    the real roles: writable owner fields, guards skipped on create (values, ``default_`` keys,
    copy, x2many commands, import), a log's fixed fields."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_vip = cls.env.ref(PREFIX + "tier_vip")

    # ------------------------------------------------------------------
    # b. Owner fields that the rules read
    # ------------------------------------------------------------------

    def test_rm_cannot_write_the_stored_rm_users(self):
        customer = self.customer_a.with_user(self.user_rm_a)
        for field_name, value in (
            ("bank_rm_user_id", self.user_rm_c.id),          # hand the customer to a colleague
            ("bank_backup_rm_user_id", self.user_rm_c.id),
            ("bank_rm_user_id", self.user_rm_a.id),          # keep reading after a reassignment
        ):
            with self.subTest(field=field_name), self.assertRefused(BankGuardError, "Customer A, field .*RM user"):
                customer.write({field_name: value})
        self.env.invalidate_all()
        self.assertEqual(self.rm_a.user_id, self.user_rm_a, "nothing was written through to the RM")
        self.assertEqual(self.rm_b.user_id, self.user_rm_b)
        self.assertFalse(self.customer_a.with_user(self.user_rm_c).has_access("read"))
        # The legitimate path: the unit head reassigns, and access follows the RM.
        self.customer_a.with_user(self.user_head_1).write({"bank_backup_rm_id": False})
        self.assertFalse(self.customer_a.with_user(self.user_rm_b).has_access("read"))

    def test_rm_record_keeps_its_user(self):
        with self.assertRefused(BankGuardError, "field User: it is given when the record is created"):
            self.rm_c.with_user(self.user_office).write({"user_id": self.user_rm_a.id})
        with self.assertRefused(BankGuardError, "field Absent"):
            self.rm_a.with_user(self.user_office).write({"is_absent": True})
        self.assertEqual(self.rm_c.user_id, self.user_rm_c)
        self.rm_a.with_user(self.user_office).action_mark_absent()
        self.assertTrue(self.rm_a.is_absent)

    def test_unit_oversight_is_computed_only(self):
        with self.assertRefused(BankGuardError, "field Overseen by"):
            self.outlet_2.with_user(self.user_admin).write({"oversight_user_ids": [Command.link(self.user_rm_c.id)]})
        self.assertNotIn(self.user_rm_c, self.outlet_2.oversight_user_ids)

    # ------------------------------------------------------------------
    # c. Guards on create: values, default_ keys, copy, x2many commands, import
    # ------------------------------------------------------------------

    def test_rm_creates_no_customer_with_engine_figures(self):
        Partner = self.env["res.partner"].with_user(self.user_rm_a)
        before = Partner.sudo().search_count([])
        for vals in (
            {"bank_tier_id": self.tier_vip.id},
            {"bank_aum": 1e9},
            {"bank_customer_no": "C-MINE"},
            {"bank_rm_user_id": self.user_rm_c.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(BankGuardError):
                Partner.create({"name": "Walk-in", "is_bank_customer": True, **vals})
        for key, value in (("default_bank_tier_id", self.tier_vip.id), ("default_bank_aum", 1e9),
                           ("default_bank_customer_no", "C-MINE")):
            with self.subTest(key=key), self.assertRaises(BankGuardError):
                Partner.with_context(**{key: value}).create({"name": "Walk-in", "is_bank_customer": True})
        # Through an x2many command of a contact the RM may write.
        with as_rpc(self.env, self.user_rm_a), self.assertRaises(BankGuardError):
            self.customer_a.with_user(self.user_rm_a).write({"child_ids": [Command.create(
                {"name": "Spouse", "is_bank_customer": True, "bank_aum": 1e9},
            )]})
        # Import: load() reports the refusal and stores nothing.
        result = Partner.load(["name", "is_bank_customer", "bank_aum"], [["Imported", "1", "1000000000"]])
        self.assertFalse(result["ids"])
        self.assertTrue(result["messages"])
        self.assertEqual(Partner.sudo().search_count([]), before, "nothing was created")
        # copy(default=...) drops what the engine sets.
        self.customer_a.bank_aum = 5e6
        copy = self.customer_a.with_user(self.user_rm_a).copy({"bank_aum": 1e9, "bank_tier_id": self.tier_vip.id})
        self.assertEqual((copy.bank_aum, copy.bank_tier_id), (0.0, self.tier_vip.browse()))
        self.assertNotEqual(copy.bank_customer_no, self.customer_a.bank_customer_no)
        # The legitimate path: a plain new customer gets the RM and a number of the sequence.
        customer = Partner.create({"name": "Walk-in", "is_bank_customer": True})
        self.assertEqual((customer.bank_rm_id, customer.bank_aum), (self.rm_a, 0.0))
        self.assertTrue(customer.bank_customer_no)

    def test_complaint_created_closed_is_refused(self):
        Complaint = self.env["bank.complaint"].with_user(self.user_rm_a)
        vals = {"partner_id": self.customer_a.id, "description": "x", "category": "fees", "channel": "phone"}
        for extra in ({"state": "closed"}, {"date_closed": "2026-01-01"}, {"overdue_notified": True}):
            with self.subTest(extra=extra), self.assertRefused(BankGuardError, "it is set by the record's actions"):
                Complaint.create({**vals, **extra})
        with self.assertRefused(BankGuardError, "not by a default of the context"):
            Complaint.with_context(default_state="closed").create(vals)
        complaint = Complaint.create(vals)
        self.assertEqual(complaint.state, "new")
        complaint.action_start()
        copy = complaint.copy({"state": "closed", "date_closed": "2026-01-01"})
        self.assertEqual((copy.state, copy.date_closed), ("new", False))
        # The responsible RM (the rules read it) is the unit's choice, not the RM's.
        with self.assertRefused(BankGuardError, "field Responsible RM"):
            complaint.write({"responsible_rm_id": self.rm_c.id})
        with self.assertRefused(BankGuardError, "field Customer: it is given when the record is created"):
            complaint.with_user(self.user_head_1).write({"partner_id": self.customer_b.id})
        complaint.with_user(self.user_head_1).write({"responsible_rm_id": self.rm_b.id})
        self.assertEqual(complaint.responsible_user_id, self.user_rm_b)

    def test_complaint_buttons_follow_the_steps(self):
        complaint = self.env["bank.complaint"].with_user(self.user_rm_a).create(
            {"partner_id": self.customer_a.id, "description": "x", "category": "fees", "channel": "phone"}
        )
        self.assertEqual((complaint.can_start, complaint.can_resolve, complaint.can_close, complaint.can_cancel),
                         (True, True, False, True))
        as_other = complaint.with_user(self.user_rm_b)  # the backup RM reads it but does not work on it
        self.assertEqual((as_other.can_start, as_other.can_resolve), (False, False))
        with self.assertRefused(BankGuardError, "field State"):
            as_other.action_start()
        complaint.write({"resolution": "done"})
        complaint.action_resolve()
        self.assertFalse(complaint.can_close, "an RM does not close")
        self.assertTrue(complaint.with_user(self.user_head_1).can_close)

    def test_weekly_summary_created_acknowledged_is_refused(self):
        Summary = self.env["bank.weekly.summary"].with_user(self.user_rm_a)
        for vals in ({"state": "acknowledged"}, {"acknowledged_by_id": self.user_supervisor.id},
                     {"contact_count": 99}, {"rm_id": self.rm_c.id}):
            with self.subTest(vals=vals), self.assertRaises(BankGuardError):
                Summary.create({"date_from": datetime.date(2026, 3, 2), **vals})
        for key, value in (("default_state", "acknowledged"), ("default_acknowledged_by_id", self.user_supervisor.id)):
            with self.subTest(key=key), self.assertRaises(BankGuardError):
                Summary.with_context(**{key: value}).create({"date_from": datetime.date(2026, 3, 2)})
        summary = Summary.create({"date_from": datetime.date(2026, 3, 2)})
        self.assertEqual((summary.state, summary.rm_id), ("draft", self.rm_a))
        self.assertTrue(summary.can_submit)
        self.assertFalse(summary.can_acknowledge)
        with self.assertRefused(BankGuardError, "field Week of"):
            summary.write({"date_from": datetime.date(2026, 3, 9)})
        annual = self.env["bank.annual.summary"].with_user(self.user_rm_a).create({"year": 2025})
        with self.assertRefused(BankGuardError, "field Year"):
            annual.write({"year": 2024})

    def test_work_log_and_meeting_stay_with_their_owner(self):
        log = self.env["bank.work.log"].with_user(self.user_rm_a).create({"date": datetime.date(2026, 3, 2)})
        with self.assertRefused(BankGuardError, "field RM"):
            log.write({"rm_id": self.rm_c.id})
        with self.assertRefused(BankGuardError, "field Date"):
            log.write({"date": datetime.date(2026, 3, 3)})
        log.write({"note": "<p>Calls</p>"})
        meeting = self.env["bank.monthly.meeting"].with_user(self.user_head_1).create(
            {"unit_id": self.outlet_1.id, "date": datetime.date(2026, 3, 2)}
        )
        with self.assertRefused(BankGuardError, "field Unit"):
            meeting.write({"unit_id": self.outlet_2.id})

    def test_post_sale_flag_not_set_on_create(self):
        Lead = self.env["crm.lead"].with_user(self.user_rm_a)
        vals = {"name": "Fund", "type": "opportunity", "partner_id": self.customer_a.id}
        with self.assertRefused(BankGuardError, "Post-sale follow-up planned"):
            Lead.create({**vals, "bank_post_sale_planned": True})
        with self.assertRefused(BankGuardError, "Post-sale follow-up planned"):
            Lead.with_context(default_bank_post_sale_planned=True).create(vals)
        with self.assertRefused(BankGuardError, "Customer's unit"):
            Lead.create({**vals, "bank_unit_id": self.center.id})
        lead = Lead.create(vals)
        self.assertFalse(lead.bank_post_sale_planned)
        self.assertEqual(lead.bank_unit_id, self.outlet_1)

    # ------------------------------------------------------------------
    # f. A maintenance log's fixed fields
    # ------------------------------------------------------------------

    def test_log_customer_rm_author_tier_fixed(self):
        Log = self.env["bank.maintenance.log"].with_user(self.user_rm_a)
        with self.assertRefused(BankGuardError, "field Customer tier"):
            Log.create({"partner_id": self.customer_a.id, "summary": "Call", "tier_id": self.tier_vip.id})
        with self.assertRefused(BankGuardError, "field RM: a contact is logged for yourself"):
            Log.create({"partner_id": self.customer_a.id, "summary": "Call", "rm_id": self.rm_c.id})
        log = Log.create({"partner_id": self.customer_a.id, "summary": "Call"})
        self.assertEqual((log.rm_id, log.user_id, log.tier_id), (self.rm_a, self.user_rm_a, self.tier_vip.browse()))
        head_log = log.with_user(self.user_head_1)
        for field_name, value in (("rm_id", self.rm_c.id), ("partner_id", self.customer_b.id),
                                  ("user_id", self.user_head_1.id), ("tier_id", self.tier_vip.id)):
            with self.subTest(field=field_name), self.assertRaises(BankGuardError):
                head_log.write({field_name: value})
        self.env.invalidate_all()
        self.assertEqual((log.rm_id, log.partner_id, log.user_id), (self.rm_a, self.customer_a, self.user_rm_a))
        self.assertFalse(log.with_user(self.user_rm_c).has_access("read"), "RM C was not shown the log")
        head_log.write({"summary": "Call about the fund"})
        self.assertEqual(log.summary, "Call about the fund")


@tagged("post_install", "-at_install")
class TestAssignmentHistory(BankCase):
    """g. Changes of a customer's RMs and unit land in an append-only history that no context
    switches off."""

    def history(self, partner):
        return self.env["bank.assignment.history"].search([("partner_id", "=", partner.id)], order="id")

    def test_tracking_switches_do_not_skip_the_history(self):
        head = self.customer_a.with_user(self.user_head_1).with_context(
            tracking_disable=True, mail_notrack=True, bank_assignment_reason="caller's text",
        )
        rm_a2 = self.env["bank.rm"].create({
            "user_id": new_test_user(self.env, login="t_rm_a2", groups=GROUP_RM).id,
            "grade_id": self.grade_rm.id, "unit_id": self.outlet_1.id,
        })
        head.write({"bank_backup_rm_id": rm_a2.id})
        row = self.history(self.customer_a)
        self.assertEqual(len(row), 1)
        self.assertEqual(
            (row.field_name, row.old_value, row.new_value, row.old_res_id, row.new_res_id, row.user_id),
            ("bank_backup_rm_id", self.rm_b.name, rm_a2.name, self.rm_b.id, rm_a2.id, self.user_head_1),
        )
        self.assertFalse(row.reason, "never the context's text")
        # An explicit reason, and a change of primary RM that moves the unit too.
        self.customer_a.with_user(self.user_admin)._bank_assign({"bank_rm_id": self.rm_c.id}, "Customer moved")
        rows = self.history(self.customer_a)[1:]
        self.assertEqual(sorted(rows.mapped("field_name")), ["bank_rm_id", "bank_unit_id"])
        self.assertEqual(set(rows.mapped("reason")), {"Customer moved"})
        self.assertEqual(rows.filtered(lambda r: r.field_name == "bank_unit_id").new_value, self.center.display_name)

    def test_one_write_many_customers(self):
        customers = self.customer_a | self.customer_b
        customers.with_user(self.user_supervisor).write({"bank_backup_rm_id": self.rm_c.id})
        self.assertEqual(len(self.history(self.customer_a)), 1)
        self.assertEqual(len(self.history(self.customer_b)), 1)
        self.assertFalse(self.history(self.customer_c))
        customers.write({"occupation": "Teacher"})
        self.assertEqual(len(self.env["bank.assignment.history"].search([("partner_id", "in", customers.ids)])), 2)

    def test_history_is_append_only_and_read_like_the_customer(self):
        self.customer_a.with_user(self.user_head_1).write({"bank_backup_rm_id": False})
        row = self.history(self.customer_a)
        self.assertTrue(row.with_user(self.user_rm_a).has_access("read"))
        self.assertFalse(row.with_user(self.user_rm_c).has_access("read"))
        self.assertFalse(row.with_user(self.user_rm_b).has_access("read"), "no longer their customer")
        self.assertTrue(row.with_user(self.user_office).has_access("read"))
        for user in (self.user_rm_a, self.user_head_1, self.user_admin):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    row.with_user(user).write({"reason": "rewritten"})
                with self.assertRaises(AccessError):
                    row.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["bank.assignment.history"].with_user(user).create(
                        {"partner_id": self.customer_a.id, "field_name": "bank_rm_id", "user_id": user.id,
                         "date": "2026-01-01 00:00:00"}
                    )
        with self.assertRaises(BankGuardError):
            row.sudo().write({"reason": "rewritten"})
        with as_rpc(self.env, self.user_head_1), self.assertRaises(BankGuardError):
            self.customer_a.with_user(self.user_head_1).write(
                {"bank_assignment_history_ids": [Command.create({"field_name": "bank_rm_id"})]}
            )
        self.assertFalse(row.reason)
        self.assertEqual(len(self.history(self.customer_a)), 1)
        # Contacts that are not customers write no history.
        self.contact.write({"name": "Renamed"})
        self.assertFalse(self.history(self.contact))
