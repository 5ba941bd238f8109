# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import psycopg2

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import GROUP_HR, GROUP_OFFICE, GROUP_RM
from .handover_common import HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverDoneRefusals(HandoverCase):
    """``action_done`` refuses, listing what is missing, and every customer stays with RM a."""

    def assertDoneRefused(self, handover, regex, user=None):
        with self.assertRefused(UserError, regex) as caught:
            handover.with_user(user or self.user_supervisor).action_done()
        self.assertIn("every customer stays with t_rm_a", str(caught.exception))
        self.assertNothingMoved(handover)

    def test_ready_handover_has_nothing_missing(self):
        handover = self.ready_handover()
        self.assertFalse(handover.sudo()._done_problems())

    def test_no_witnesses(self):
        handover = self.tick_all(self.start(self.approve(self.request())))
        handover.with_user(self.user_office).write({"supervisor_id": False, "center_head_id": False})
        self.assertDoneRefused(
            handover, r"RM supervisor \(witness\) is not set(.|\n)*Wealth-centre head \(witness\) is not set"
        )

    def test_one_witness(self):
        handover = self.tick_all(self.start(self.approve(self.request())))
        handover.with_user(self.user_office).write({"center_head_id": False})
        handover.with_user(self.user_supervisor).action_confirm_presence()
        self.assertDoneRefused(handover, r"Wealth-centre head \(witness\) is not set")

    def test_one_witness_confirmed(self):
        handover = self.tick_all(self.start(self.approve(self.request())))
        handover.with_user(self.user_supervisor).action_confirm_presence()
        self.assertDoneRefused(handover, r"t_center_head \(Wealth-centre head \(witness\)\) has not confirmed")

    def test_same_user_twice(self):
        handover = self.tick_all(self.start(self.approve(self.request())))
        handover.with_user(self.user_office).write({"center_head_id": self.user_supervisor.id})
        with self.assertRefused(UserError, "two different users"):
            handover.with_user(self.user_supervisor).action_confirm_presence()
        self.assertDoneRefused(handover, "two witnesses must be two different users, not t_supervisor twice")

    def test_witness_is_one_of_the_rms(self):
        # The successor is the head of outlet 1 (a unit head may serve as RM), and the office
        # names them as the second witness: they would witness their own handover.
        rm_head = self.env["bank.rm"].create(
            {"user_id": self.user_head_1.id, "grade_id": self.grade_rm.id, "unit_id": self.outlet_1.id}
        )
        handover = self.request(incoming_rm_id=rm_head.id)
        handover.with_user(self.user_rm_a).action_submit()
        with self.assertRefused(AccessError, "one of the two RMs"):
            handover.with_user(self.user_head_1).action_approve_unit_head()
        handover.with_user(self.user_supervisor).action_approve_unit_head()
        handover.with_user(self.user_office).action_approve_office()
        handover.with_user(self.user_hr).action_approve_hr()
        self.start(handover)
        handover.with_user(self.user_office).write({"center_head_id": self.user_head_1.id})
        handover.with_user(self.user_supervisor).action_confirm_presence()
        with self.assertRefused(UserError, "one of the two RMs and cannot witness"):
            handover.with_user(self.user_head_1).action_confirm_presence()
        handover.line_ids.with_user(self.user_head_1).action_check()
        self.assertDoneRefused(handover, r"t_head_1 \(Wealth-centre head \(witness\)\) is one of the two RMs")

    def test_line_unchecked(self):
        handover = self.witness(self.start(self.approve(self.request())))
        lines = handover.line_ids.sorted("id")
        lines[1:].with_user(self.user_rm_d).action_check()
        self.assertDoneRefused(handover, rf"1 items of the list not handed over yet: {lines[0].name}")

    def test_approval_missing(self):
        handover = self.ready_handover()
        # An approval removed behind the actions' back (a script, a restored backup): done
        # checks the approvals again rather than trusting the status.
        handover.write({"hr_approved_by_id": False, "hr_approved_at": False})
        self.assertDoneRefused(handover, "the approval of the HR")

    def test_successor_absent_on_the_day(self):
        handover = self.ready_handover()
        self.rm_d.with_user(self.user_head_1).action_mark_absent()
        self.assertDoneRefused(handover, "successor t_rm_d is marked absent")

    def test_everything_missing_is_listed_at_once(self):
        handover = self.start(self.approve(self.request()))
        with self.assertRefused(UserError, "has not confirmed(.|\n)*has not confirmed(.|\n)*6 items") as caught:
            handover.with_user(self.user_supervisor).action_done()
        self.assertEqual(str(caught.exception).count("•"), 3)
        self.assertNothingMoved(handover)

    def test_done_only_by_the_people_of_the_meeting(self):
        handover = self.ready_handover()
        with self.assertRaises(AccessError):
            handover.with_user(self.user_head_2).action_done()
        with self.assertRaises(AccessError):
            handover.with_user(self.user_hr).action_done()
        self.assertNothingMoved(handover)

    def test_done_twice(self):
        handover = self.ready_handover()
        handover.with_user(self.user_supervisor).action_done()
        with self.assertRefused(UserError, "field Status: it is Done"):
            handover.with_user(self.user_supervisor).action_done()


@tagged("post_install", "-at_install")
class TestHandoverBadInput(HandoverCase):
    """Wrong requests get a clear error naming the record and field, and nothing changes."""

    def assertNoHandover(self):
        self.assertFalse(self.Handover.search([("outgoing_rm_id", "=", self.rm_a.id)]))

    def test_successor_is_the_outgoing_rm(self):
        with self.assertRefused(ValidationError, "successor must be another RM than t_rm_a.*Incoming RM"):
            self.request(incoming_rm_id=self.rm_a.id)
        self.assertNoHandover()

    def test_successor_grade_does_not_fit_the_unit(self):
        # RM c is a senior RM: senior RMs staff branches and centres, not outlets.
        with self.assertRefused(ValidationError, "t_rm_c, Senior RM, cannot staff .*T Outlet 1.*Incoming RM"):
            self.request(incoming_rm_id=self.rm_c.id)
        self.assertNoHandover()

    def test_successor_not_active(self):
        self.rm_d.state = "leaving"
        with self.assertRefused(ValidationError, "successor t_rm_d is not an active RM"):
            self.request()
        self.assertNoHandover()
        self.rm_d.state = "active"
        self.customer_a2.bank_backup_rm_id = False
        self.rm_d.active = False
        with self.assertRefused(ValidationError, "not an active RM"):
            self.request()
        self.assertNoHandover()

    def test_successor_leaving_too(self):
        self.request(user=self.user_rm_d, outgoing_rm_id=self.rm_d.id, incoming_rm_id=self.rm_b.id)
        with self.assertRefused(ValidationError, "successor t_rm_d is leaving too"):
            self.request()
        self.assertNoHandover()

    def test_second_open_handover(self):
        first = self.request()
        with self.assertRefused(ValidationError, rf"t_rm_a already has an open handover, {first.name}.*Outgoing RM"):
            self.request(user=self.user_head_1)
        self.assertEqual(self.Handover.search([("outgoing_rm_id", "=", self.rm_a.id)]), first)
        # The database refuses it too, should two requests race past the check.
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint():
            self.env.cr.execute(
                "INSERT INTO bank_handover (name, outgoing_rm_id, reason, state) VALUES ('x', %s, 'other', 'draft')",
                [self.rm_a.id],
            )
        # Once the first is cancelled, a new request is accepted.
        first.with_user(self.user_rm_a).action_cancel()
        self.assertTrue(self.request())

    def test_submit_without_successor(self):
        handover = self.request(incoming_rm_id=False)
        with self.assertRefused(UserError, "propose a successor"):
            handover.with_user(self.user_rm_a).action_submit()
        self.assertEqual(handover.state, "draft")

    def test_witnesses_must_be_supervisors_or_unit_heads(self):
        handover = self.start(self.approve(self.request()))
        cases = [
            ("supervisor_id", self.user_rm_b, "t_rm_b cannot witness the handover as RM supervisor"),
            ("supervisor_id", self.user_head_2, "t_head_2 cannot witness the handover as RM supervisor"),
            ("center_head_id", self.user_hr, "t_hr cannot witness the handover as Wealth-centre head"),
            ("center_head_id", self.user_office, "t_office cannot witness"),
        ]
        for field_name, user, regex in cases:
            with self.subTest(field=field_name, user=user.login), self.assertRefused(ValidationError, regex):
                handover.with_user(self.user_office).write({field_name: user.id})
        self.env.invalidate_all()
        self.assertEqual(handover.supervisor_id, self.user_supervisor)
        self.assertEqual(handover.center_head_id, self.user_center_head)
        # A unit head may be the centre-head witness.
        handover.with_user(self.user_office).write({"center_head_id": self.user_head_2.id})
        self.assertEqual(handover.center_head_id, self.user_head_2)

    def test_witnesses_chosen_by_managers_only(self):
        handover = self.start(self.approve(self.request()))
        with self.assertRefused(AccessError, "witnesses are chosen by"):
            handover.with_user(self.user_rm_a).write({"center_head_id": self.user_head_2.id})
        self.assertEqual(handover.center_head_id, self.user_center_head)

    def test_changing_a_witness_resets_the_confirmation(self):
        handover = self.witness(self.start(self.approve(self.request())))
        handover.with_user(self.user_head_1).write({"center_head_id": self.user_head_2.id})
        self.assertFalse(handover.center_head_confirmed)
        self.assertTrue(handover.supervisor_confirmed)

    def test_approvals_in_turn_by_their_groups(self):
        handover = self.request()
        handover.with_user(self.user_rm_a).action_submit()
        with self.assertRefused(UserError, "approved in turn.*now waits for: Unit head"):
            handover.with_user(self.user_office).action_approve_office()
        with self.assertRaises(AccessError):
            handover.with_user(self.user_head_2).action_approve_unit_head()
        # The supervisor of the other centre reads the request (as witness-to-be) but heads nothing here.
        handover.sudo().write({"center_head_id": self.user_center_head.id})  # sudo: set up a reader only
        with self.assertRefused(AccessError, "approved by the head or a supervisor of .*T Outlet 1"):
            handover.with_user(self.user_center_head).action_approve_unit_head()
        with self.assertRefused(AccessError, "one of the two RMs"):
            handover.with_user(self.user_rm_a).action_approve_unit_head()
        handover.with_user(self.user_head_1).action_approve_unit_head()
        with self.assertRefused(UserError, "now waits for: RM office"):
            handover.with_user(self.user_hr).action_approve_hr()
        with self.assertRefused(AccessError, "not by t_hr"):
            handover.with_user(self.user_hr).action_approve_office()
        # A user in both the office and HR approves one step only.
        both = new_test_user(self.env, login="t_office_hr", groups=f"{GROUP_OFFICE},{GROUP_HR}", name="t_office_hr")
        handover.with_user(both).action_approve_office()
        with self.assertRefused(AccessError, "already approved an earlier step"):
            handover.with_user(both).action_approve_hr()
        self.assertEqual(handover.state, "submitted")
        self.assertEqual(self.rm_a.state, "active")

    def test_buttons_follow_the_rules(self):
        handover = self.request()
        self.assertTrue(handover.with_user(self.user_rm_a).can_submit)
        self.assertTrue(handover.with_user(self.user_rm_a).can_edit_request)
        handover.with_user(self.user_rm_a).action_submit()
        handover.invalidate_recordset()  # (the form reads the record again after a button)
        expected = {
            self.user_head_1: ("can_approve_unit_head", "can_reject"),
            self.user_office: (),  # the office's turn comes after the unit head's
            self.user_rm_a: ("can_cancel",),  # the outgoing RM approves nothing, cancels before approval
        }
        steps = ("can_submit", "can_approve_unit_head", "can_approve_office", "can_approve_hr", "can_reject",
                 "can_start", "can_confirm_presence", "can_done", "can_file", "can_edit_request")
        for user, allowed in expected.items():
            record = handover.with_user(user)
            for step in steps:
                with self.subTest(user=user.login, step=step):
                    self.assertEqual(record[step], step in allowed)
        handover.with_user(self.user_head_1).action_approve_unit_head()
        handover.invalidate_recordset()
        self.assertTrue(handover.with_user(self.user_office).can_approve_office)
        self.assertFalse(handover.with_user(self.user_head_1).can_approve_office)
        handover.with_user(self.user_office).action_approve_office()
        handover.with_user(self.user_hr).action_approve_hr()
        self.start(handover)
        handover.invalidate_recordset()
        self.assertTrue(handover.with_user(self.user_supervisor).can_confirm_presence)
        self.assertFalse(handover.with_user(self.user_office).can_confirm_presence)
        self.assertTrue(handover.with_user(self.user_office).can_set_witnesses)
        self.assertFalse(handover.with_user(self.user_rm_a).can_set_witnesses)
        line = handover.line_ids[:1]
        self.assertTrue(line.with_user(self.user_rm_d).can_tick)
        self.assertFalse(line.with_user(self.user_office).can_tick)

    def test_who_requests_a_departure(self):
        with self.assertRaises(AccessError):
            self.request(user=self.user_rm_b)
        with self.assertRaises(AccessError):
            self.request(user=self.user_head_2)
        self.assertNoHandover()
        on_behalf = self.request(user=self.user_head_1)
        self.assertEqual(on_behalf.outgoing_rm_id, self.rm_a)
        on_behalf.with_user(self.user_head_1).action_submit()
        self.assertEqual(on_behalf.state, "submitted")

    def test_steps_are_not_written_directly(self):
        handover = self.request()
        fields_values = {
            "state": "done",
            "head_approved_by_id": self.user_head_1.id,
            "supervisor_confirmed": True,
            "outgoing_rm_id": self.rm_b.id,
        }
        for field_name, value in fields_values.items():
            refusal = "it is (set by the record's actions|given when)"
            with self.subTest(field=field_name), self.assertRefused(AccessError, refusal):
                handover.with_user(self.user_rm_a).write({field_name: value})
        with self.assertRefused(AccessError, "field Status: it is set by the record's actions only"):
            self.Handover.with_user(self.user_rm_a).create(
                {"outgoing_rm_id": self.rm_a.id, "incoming_rm_id": self.rm_d.id, "state": "approved"}
            )
        self.env.invalidate_all()
        self.assertEqual(handover.state, "draft")

    def test_context_defaults_do_not_set_steps(self):
        Handover = self.Handover.with_user(self.user_rm_a)
        for key, value in (
            ("default_state", "done"), ("default_hr_approved_by_id", self.user_hr.id),
            ("default_supervisor_confirmed", True), ("default_supervisor_id", self.user_supervisor.id),
        ):
            with self.subTest(key=key), self.assertRefused(AccessError, "not (by a default of the context|when)"):
                Handover.with_context({key: value}).create({"incoming_rm_id": self.rm_d.id})
        self.assertNoHandover()
        # copy() carries no step over, whatever its default asks.
        handover = Handover.create({"incoming_rm_id": self.rm_d.id})
        self.assertEqual(handover.outgoing_rm_id, self.rm_a, "defaults to the user's own RM record")
        handover.action_cancel()
        copied = handover.copy(default={"state": "approved", "hr_approved_by_id": self.user_hr.id})
        self.assertEqual((copied.state, copied.hr_approved_by_id), ("draft", self.env["res.users"]))

    def test_request_fixed_after_submission(self):
        handover = self.request()
        handover.with_user(self.user_rm_a).action_submit()
        with self.assertRefused(UserError, "field Incoming RM: it is Submitted"):
            handover.with_user(self.user_rm_a).write({"incoming_rm_id": self.rm_b.id})
        self.assertEqual(handover.incoming_rm_id, self.rm_d)

    def test_confirm_presence_for_oneself_only(self):
        handover = self.start(self.approve(self.request()))
        for user in (self.user_office, self.user_rm_a, self.user_head_1):
            with self.subTest(user=user.login), self.assertRefused(AccessError, "only the witnesses"):
                handover.with_user(user).action_confirm_presence()
        handover.with_user(self.user_supervisor).action_confirm_presence()
        self.assertEqual((handover.supervisor_confirmed, handover.center_head_confirmed), (True, False))

    def test_lines_ticked_during_the_handover_by_its_people(self):
        handover = self.approve(self.request())
        with self.assertRefused(UserError, "field Status: it is Approved"):
            handover.with_user(self.user_supervisor).action_confirm_presence()
        self.start(handover)
        line = handover.line_ids[:1]
        with self.assertRaises(AccessError):
            line.with_user(self.user_head_2).action_check()
        with self.assertRefused(AccessError, "field Handed over: it is set by the record's actions only"):
            line.with_user(self.user_rm_a).write({"checked": True})
        with self.assertRefused(AccessError, "take part in the handover"):
            line.with_user(self.user_office).action_check()
        self.assertFalse(line.checked)
        line.with_user(self.user_center_head).action_check()
        self.assertEqual((line.checked, line.checked_by_id), (True, self.user_center_head))

    def test_handovers_are_never_deleted(self):
        handover = self.request()
        for user in (self.user_rm_a, self.user_office, self.user_admin):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                handover.with_user(user).unlink()
        self.approve(handover)
        with self.assertRefused(UserError, "cannot be deleted: cancel them instead"):
            handover.unlink()
        self.assertTrue(handover.exists())

    def test_only_active_rms_get_customers(self):
        plain_rm = self.env["bank.rm"].create({
            "user_id": new_test_user(self.env, login="t_rm_e", groups=GROUP_RM, name="t_rm_e").id,
            "grade_id": self.grade_rm.id, "unit_id": self.outlet_1.id,
        })
        self.approve(self.request())
        # RM a is leaving: their customers move only through the handover.
        with self.assertRefused(UserError, "t_rm_a is leaving.*Primary RM"):
            self.customer_a.with_user(self.user_head_1).write({"bank_rm_id": plain_rm.id})
        with self.assertRefused(UserError, "t_rm_a is leaving.*Backup RM"):
            self.customer_b.with_user(self.user_head_2).write({"bank_backup_rm_id": False})
        # And nobody gives new customers to a leaving RM.
        with self.assertRefused(UserError, "t_rm_a is no longer an active RM.*Backup RM"):
            self.customer_c.with_user(self.user_admin).write({"bank_backup_rm_id": self.rm_a.id})
        with self.assertRefused(UserError, "no longer an active RM"):
            self.env["res.partner"].with_user(self.user_rm_a).create({"name": "New", "is_bank_customer": True})
        self.env.invalidate_all()
        self.assertEqual(self.customer_a.bank_rm_id, self.rm_a)
        self.assertEqual(self.customer_b.bank_backup_rm_id, self.rm_a)
        self.assertFalse(self.customer_c.bank_backup_rm_id)


@tagged("post_install", "-at_install")
class TestRmLeaving(HandoverCase):
    """An RM who still has customers is not set to Left, nor archived, nor their user."""

    def test_left_refused_while_the_rm_has_customers(self):
        with self.assertRefused(UserError, "t_rm_a still serves 4 customers as primary RM and 1 as backup"):
            self.rm_a.with_user(self.user_office).write({"state": "left"})
        with self.assertRefused(UserError, "no done handover"):
            self.rm_a.with_user(self.user_admin).action_archive()
        with self.assertRefused(UserError, "cannot be set to Left"):
            self.user_rm_a.action_archive()
        self.env.invalidate_all()
        self.assertEqual(self.rm_a.state, "active")
        self.assertTrue(self.rm_a.active and self.user_rm_a.active)

    def test_left_refused_while_the_handover_is_not_done(self):
        handover = self.witness(self.start(self.approve(self.request())))
        self.assertEqual(self.rm_a.state, "leaving")
        with self.assertRefused(UserError, "before a done handover"):
            self.rm_a.with_user(self.user_office).write({"state": "left"})
        self.tick_all(handover).with_user(self.user_supervisor).action_done()
        self.rm_a.with_user(self.user_office).write({"state": "left"})
        self.assertEqual(self.rm_a.state, "left")

    def test_rm_without_customers_may_leave(self):
        self.rm_d.customer_ids.bank_rm_id = self.rm_b
        (self.rm_d.backup_customer_ids).bank_backup_rm_id = False
        self.rm_d.with_user(self.user_office).write({"state": "left"})
        self.user_rm_d.action_archive()
        self.assertFalse(self.user_rm_d.active)
