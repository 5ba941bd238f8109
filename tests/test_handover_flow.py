# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import io
from unittest.mock import patch

from pypdf import PdfReader

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .handover_common import HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverFlow(HandoverCase):
    """From the departure request to the filed list, each step as the user who takes it."""

    reference_now = datetime.datetime(2026, 12, 7, 2, 0)  # 10:00 in Beijing

    def test_full_flow_from_request_to_filed(self):
        handover = self.request()
        self.assertEqual(handover.state, "draft")
        self.assertRegex(handover.name, r"^HO/\d{4}/\d{4}$")
        self.assertEqual(handover.unit_id, self.outlet_1)

        # The departure request, approved in turn; each approval records who and when.
        handover.with_user(self.user_rm_a).action_submit()
        self.assertEqual((handover.state, handover.approval_step), ("submitted", "unit_head"))
        handover.with_user(self.user_head_1).action_approve_unit_head()
        self.assertEqual(handover.head_approved_by_id, self.user_head_1)
        self.assertTrue(handover.head_approved_at)
        self.assertEqual(handover.approval_step, "office")
        handover.with_user(self.user_office).action_approve_office()
        self.assertEqual(handover.office_approved_by_id, self.user_office)
        self.assertEqual(self.rm_a.state, "active", "the RM leaves only once HR approves")
        handover.with_user(self.user_hr).action_approve_hr()
        self.assertEqual((handover.state, handover.hr_approved_by_id), ("approved", self.user_hr))
        self.assertTrue(handover.hr_approved_at)
        self.assertEqual(self.rm_a.state, "leaving")

        # Preparing the handover fills the list and proposes the witnesses from the units.
        handover.with_user(self.user_rm_a).action_start()
        self.assertEqual(handover.state, "in_progress")
        self.assertEqual(handover.supervisor_id, self.user_supervisor, "the sub-branch's RM supervisor")
        self.assertEqual(handover.center_head_id, self.user_center_head, "the branch's wealth-centre head")
        primary = handover.line_ids.filtered(lambda line: line.line_type == "customer" and line.rm_role == "primary")
        backup = handover.line_ids.filtered(lambda line: line.line_type == "customer" and line.rm_role == "backup")
        files = handover.line_ids.filtered(lambda line: line.line_type == "file")
        self.assertEqual(primary.partner_id, self.portfolio)
        self.assertEqual(backup.partner_id, self.customer_b)
        self.assertEqual(files.attachment_id, self.document)
        vip_line = primary.filtered(lambda line: line.partner_id == self.customer_vip)
        self.assertEqual((vip_line.tier_id, vip_line.aum), (self.tier_vip, 820000))
        self.assertEqual(vip_line.reference, self.customer_vip.bank_customer_no)
        self.assertFalse(any(handover.line_ids.mapped("checked")))
        self.assertEqual(handover.customer_count, 4)

        # The meeting: both witnesses confirm their own presence, the items are ticked.
        handover.with_user(self.user_supervisor).action_confirm_presence()
        self.assertTrue(handover.supervisor_confirmed)
        self.assertFalse(handover.center_head_confirmed, "no one confirms for another")
        handover.with_user(self.user_center_head).action_confirm_presence()
        self.assertTrue(handover.center_head_confirmed and handover.center_head_confirmed_at)
        handover.line_ids.with_user(self.user_rm_d).action_check()
        self.assertEqual(handover.line_ids.mapped("checked_by_id"), self.user_rm_d)
        self.assertEqual(handover.checked_count, handover.line_count)
        self.assertFalse(handover.missing_summary)

        # Done, by a witness.
        handover.with_user(self.user_supervisor).action_done()
        self.assertEqual((handover.state, handover.done_by_id), ("done", self.user_supervisor))
        self.assertEqual(self.portfolio.mapped("bank_rm_id"), self.rm_d)
        self.assertEqual(self.customer_a.bank_backup_rm_id, self.rm_b, "the backup stays")
        self.assertFalse(self.customer_a2.bank_backup_rm_id, "the successor was the backup: cleared")
        self.assertEqual(self.customer_b.bank_backup_rm_id, self.rm_d, "the B role moves too")
        self.assertEqual(self.customer_b.bank_rm_id, self.rm_b)
        self.assertEqual(self.rm_a.customer_count + self.rm_a.backup_customer_count, 0)
        # Each customer's chatter says what changed and why.
        log = self.customer_a.message_ids.filtered(lambda m: handover.name in str(m.body))
        self.assertIn("the primary RM changes from t_rm_a to t_rm_d", str(log.body))
        log_b = self.customer_b.message_ids.filtered(lambda m: handover.name in str(m.body))
        self.assertIn("the backup RM changes from t_rm_a to t_rm_d", str(log_b.body))
        # Access moved at once, in the same process (docs/security.md item 5).
        self.assertEqual(self.customer_a.with_user(self.user_rm_d).name, "Customer A")
        with self.assertRaises(AccessError):
            self.customer_a.with_user(self.user_rm_a).read(["name"])
        self.assertFalse(
            self.env["res.partner"].with_user(self.user_rm_a).search([("id", "in", self.portfolio.ids)])
        )

        # The RM office files the list, which locks the handover.
        with self.assertRefused(AccessError, "RM office"):
            handover.with_user(self.user_supervisor).action_file()
        handover.with_user(self.user_office).action_file()
        self.assertEqual((handover.state, handover.filed_by_id), ("filed", self.user_office))
        self.assertTrue(handover.filed_at)
        for user in (self.user_office, self.user_rm_a, self.user_admin):
            with self.assertRaises(AccessError):
                handover.with_user(user).write({"date_planned": "2030-01-01"})
        with self.assertRaises(AccessError):
            handover.list_attachment_id.with_user(self.user_office).unlink()
        with self.assertRefused(UserError, "field Handover status: it is (Done|Filed)"):
            handover.line_ids[:1].with_user(self.user_rm_d).action_uncheck()
        self.assertTrue(handover.list_attachment_id.exists())

        # With every customer handed over, the RM can leave.
        self.rm_a.with_user(self.user_office).write({"state": "left"})
        self.assertEqual(self.rm_a.state, "left")
        self.user_rm_a.action_archive()
        self.assertFalse(self.user_rm_a.active)

    def test_activities_moved_and_introduction_calls(self):
        handover = self.ready_handover()
        other_rm_activity = self.customer_c.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.user_rm_a.id, summary="Not on the list"
        )
        today = self.today
        handover.with_user(self.user_center_head).action_done()
        self.assertEqual(self.activity_rm_a.user_id, self.user_rm_d, "RM a's activity moved to RM d")
        self.assertEqual(self.activity_head.user_id, self.user_head_1, "other people's activities stay")
        self.assertEqual(other_rm_activity.user_id, self.user_rm_a, "customers not on the list keep theirs")
        calls = self.intro_calls()
        self.assertEqual(sorted(calls.mapped("res_id")), sorted(self.portfolio.ids))
        self.assertEqual(calls.user_id, self.user_rm_d)
        self.assertTrue(all(today < call.date_deadline <= today + datetime.timedelta(days=3) for call in calls))
        by_customer = {call.res_id: call.date_deadline for call in calls}
        self.assertEqual(by_customer[self.customer_vip.id], min(by_customer.values()), "VIP customers first")
        self.assertLessEqual(by_customer[self.customer_a.id], by_customer[self.customer_a3.id], "larger AUM first")
        self.assertIn(self.customer_vip.name, self.env["mail.activity"].browse(
            next(c.id for c in calls if c.res_id == self.customer_vip.id)).note)
        # The incoming RM sees their new activities.
        self.assertEqual(
            self.env["mail.activity"].with_user(self.user_rm_d).search_count([("id", "in", calls.ids)]), len(calls)
        )

    def test_introduction_call_days_are_configurable(self):
        self.env["ir.config_parameter"].set_param("bank_relationship_manager.handover_intro_call_days", "1")
        handover = self.ready_handover()
        handover.with_user(self.user_supervisor).action_done()
        today = self.today
        self.assertEqual(set(self.intro_calls().mapped("date_deadline")), {today + datetime.timedelta(days=1)})

    def test_bad_introduction_call_setting_changes_nothing(self):
        handover = self.ready_handover()
        self.env["ir.config_parameter"].set_param("bank_relationship_manager.handover_intro_call_days", "three")
        with self.assertRefused(UserError, "handover_intro_call_days.*three"):
            handover.with_user(self.user_supervisor).action_done()
        self.assertNothingMoved(handover)

    def test_handover_list_pdf_attached(self):
        handover = self.ready_handover()
        handover.with_user(self.user_supervisor).action_done()
        attachment = handover.list_attachment_id
        self.assertEqual((attachment.res_model, attachment.res_id), ("bank.handover", handover.id))
        # The incoming RM, a participant, can download it.
        self.assertTrue(attachment.with_user(self.user_rm_d).raw)
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            self.assertEqual(attachment.mimetype, "text/html")
            self.skipTest("wkhtmltopdf is not installed: the list was attached as HTML")
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(attachment.raw)).pages)
        self.assertIn(handover.name, text)
        for customer in self.portfolio:
            self.assertIn(customer.bank_customer_no, text)
        self.assertIn("820,000", text, "the AUM of the VIP customer")
        self.assertIn("Signature", text)

    def test_handover_list_html(self):
        handover = self.ready_handover()
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "bank_relationship_manager.bank_handover_report_list", handover.ids
        )
        html = html.decode()
        self.assertIn("draft: not done yet", html)
        for customer in self.portfolio | self.customer_b:
            self.assertIn(customer.name, html)
        self.assertIn(self.tier_vip.name, html)
        self.assertIn("820,000.00", html)
        self.assertIn("Risk questionnaire.pdf", html)
        for role in ("Outgoing RM", "Incoming RM", "RM supervisor (witness)", "Wealth-centre head (witness)"):
            self.assertIn(role, html)
        for person in (self.user_rm_a, self.user_rm_d, self.user_supervisor, self.user_center_head):
            self.assertIn(person.name, html)

    def test_transfer_is_atomic(self):
        """An error in the middle of done (after the customers moved, while rendering the
        list) leaves everything as it was."""
        handover = self.ready_handover()
        Handover = type(self.env["bank.handover"])
        reached = []

        def failing_render(record):
            # Inside the transaction: the customers have moved, the activities too.
            self.assertEqual(self.customer_a.bank_rm_id, self.rm_d)
            self.assertTrue(self.intro_calls())
            reached.append(True)
            raise UserError("wkhtmltopdf crashed")

        with patch.object(Handover, "_attach_handover_list", failing_render), \
                self.assertRefused(UserError, "wkhtmltopdf crashed"):
            handover.with_user(self.user_supervisor).action_done()
        self.assertTrue(reached, "the error happened in the middle of the transfer")
        self.assertNothingMoved(handover)
        # And it can be done afterwards.
        handover.with_user(self.user_supervisor).action_done()
        self.assertEqual(self.portfolio.mapped("bank_rm_id"), self.rm_d)

    def test_refresh_list_follows_the_portfolio(self):
        handover = self.start(self.approve(self.request()))
        handover.line_ids[:1].with_user(self.user_rm_a).action_check()
        late = self.env["res.partner"].create({"name": "Late customer", "is_bank_customer": True,
                                               "bank_rm_id": self.rm_d.id})
        # Assigned to RM a after the list was made (by a superuser script: business users cannot
        # give customers to a leaving RM).
        late.bank_rm_id = self.rm_a
        self.tick_all(self.witness(handover))
        with self.assertRefused(UserError, "not on the list.*Late customer"):
            handover.with_user(self.user_supervisor).action_done()
        handover.with_user(self.user_rm_a).action_refresh_lines()
        self.assertIn(late, handover.line_ids.partner_id)
        self.assertEqual(len(handover.line_ids.filtered("checked")), len(handover.line_ids) - 1)
        self.tick_all(handover)
        handover.with_user(self.user_supervisor).action_done()
        self.assertEqual(late.bank_rm_id, self.rm_d)

    def test_rejection_sends_back_to_draft(self):
        handover = self.request()
        handover.with_user(self.user_rm_a).action_submit()
        handover.with_user(self.user_head_1).action_approve_unit_head()
        with self.assertRefused(UserError, "needs a reason"):
            handover.with_user(self.user_office).action_reject("  ")
        with self.assertRefused(AccessError, "not by t_hr"):
            handover.with_user(self.user_hr).action_reject("Not HR's turn")
        wizard = self.env["bank.handover.reject"].with_user(self.user_office).create(
            {"handover_id": handover.id, "reason": "The successor is needed at Wangjing"}
        )
        wizard.action_reject()
        self.assertEqual(handover.state, "draft")
        self.assertEqual(handover.rejection_reason, "The successor is needed at Wangjing")
        self.assertFalse(handover.head_approved_by_id | handover.office_approved_by_id)
        # Corrected and submitted again, it starts over with the unit head.
        handover.with_user(self.user_rm_a).write({"reason": "promotion"})
        handover.with_user(self.user_rm_a).action_submit()
        self.assertEqual(handover.approval_step, "unit_head")

    def test_cancel_makes_the_rm_active_again(self):
        handover = self.approve(self.request())
        self.assertEqual(self.rm_a.state, "leaving")
        with self.assertRefused(AccessError, "may cancel"):
            handover.with_user(self.user_rm_a).action_cancel()
        handover.with_user(self.user_head_1).action_cancel()
        self.assertEqual((handover.state, self.rm_a.state), ("cancelled", "active"))
        # A new request can be made now.
        self.assertEqual(self.request().state, "draft")
