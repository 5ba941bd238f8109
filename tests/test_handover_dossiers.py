# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import io
from unittest.mock import patch

from pypdf import PdfReader

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .handover_common import HandoverCase

SUMMARY_FIELDS = ["partner_id", "bag_no", "open_date", "state", "unit_id"]


@tagged("post_install", "-at_install")
class TestHandoverDossiers(HandoverCase):
    """The customers' dossiers in RM a's handover to RM d, each step as the user who takes it.

    Customer A's dossier is locked in the cabinet of outlet 1 (head 1), customer VIP's is a
    draft RM a still compiles, customer A3's old dossier is closed; customer B (RM b's, RM a
    backup) has a dossier kept at outlet 2.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Dossier = cls.env["bank.dossier"]

        def compile_dossier(user, partner, description):
            return Dossier.with_user(user).create({
                "partner_id": partner.id,
                "open_date": "2026-01-15",
                "item_ids": [Command.create({"document_type": "id_copy", "description": description})],
            }).with_env(cls.env)

        cls.dossier_a = compile_dossier(cls.user_rm_a, cls.customer_a, "ID card copy of A")
        cls.dossier_a.with_user(cls.user_head_1).action_lock()
        cls.dossier_vip = compile_dossier(cls.user_rm_a, cls.customer_vip, "ID card copy of VIP")
        cls.dossier_a3_closed = compile_dossier(cls.user_rm_a, cls.customer_a3, "Old file of A3")
        cls.dossier_a3_closed.with_user(cls.user_head_1).action_close()
        cls.dossier_b = compile_dossier(cls.user_rm_b, cls.customer_b, "ID card copy of B")
        cls.dossier_b.with_user(cls.user_head_2).action_lock()
        cls.listed = cls.dossier_a | cls.dossier_vip

    # Helpers: the check-out register, as its users.

    def borrow(self, user=None, dossier=None, hand_out=True):
        line = self.env["bank.dossier.checkout"].with_user(user or self.user_rm_a).create({
            "dossier_id": (dossier or self.dossier_a).id,
            "purpose": "Visit before the handover",
            "due_at": fields.Datetime.now() + datetime.timedelta(days=3),
        }).with_env(self.env)
        if hand_out:
            line.with_user(self.user_head_1).action_approve()
            line.with_user(self.user_head_1).action_hand_out()
        return line

    def dossier_lines(self, handover, user=None):
        handover = handover.with_user(user) if user else handover
        return handover.line_ids.filtered(lambda line: line.line_type == "dossier")

    def ledger(self, dossier):
        return self.env["bank.dossier.ledger"].search([("dossier_id", "=", dossier.id)], order="seq")

    # ------------------------------------------------------------------
    # Preparation
    # ------------------------------------------------------------------

    def test_preparation_lists_the_dossiers(self):
        self.assertEqual(self.dossier_a3_closed.state, "closed")
        handover = self.start(self.approve(self.request()))
        # As the incoming RM, a participant who cannot read the dossiers yet.
        lines = self.dossier_lines(handover, self.user_rm_d)
        self.assertEqual(lines.dossier_id, self.listed, "every dossier of the primary customers not closed")
        by_dossier = {line.dossier_id: line for line in lines}
        line_a = by_dossier[self.dossier_a]
        self.assertEqual(
            (line_a.reference, line_a.partner_id, line_a.name, line_a.dossier_state, line_a.dossier_unit_id),
            (self.dossier_a.bag_no, self.customer_a, "Customer A", "in_custody", self.outlet_1),
        )
        self.assertEqual(by_dossier[self.dossier_vip].dossier_state, "draft")
        self.assertEqual(by_dossier[self.dossier_vip].reference, self.dossier_vip.bag_no)
        self.assertFalse(any(lines.mapped("checked")))
        with self.assertRaises(AccessError):
            self.dossier_a.with_user(self.user_rm_d).read(SUMMARY_FIELDS)
        # The dossier lines are ticked like any item, by a participant, and are needed for done.
        self.tick_all(self.witness(handover))
        lines[:1].with_user(self.user_center_head).action_uncheck()
        with self.assertRefused(UserError, "1 items of the list not handed over yet: Customer"):
            handover.with_user(self.user_supervisor).action_done()
        self.assertNothingMoved(handover)
        # Nobody adds, changes or removes a dossier line by hand.
        with self.assertRaises(AccessError):
            lines.with_user(self.user_rm_a).write({"reference": "DA-FAKE"})
        with self.assertRaises(AccessError):
            self.env["bank.handover.line"].with_user(self.user_office).create({
                "handover_id": handover.id, "line_type": "dossier", "dossier_id": self.dossier_b.id,
            })

    def test_refresh_follows_the_dossiers(self):
        handover = self.start(self.approve(self.request()))
        # Since the list was made, head 1 locked the VIP dossier, and A3 got a new dossier.
        self.dossier_vip.with_user(self.user_head_1).action_lock()
        new_a3 = self.env["bank.dossier"].with_user(self.user_rm_a).create(
            {"partner_id": self.customer_a3.id}
        ).with_env(self.env)
        self.tick_all(self.witness(handover))
        with self.assertRefused(UserError, "1 dossiers of the listed customers are not on the list.*" + new_a3.bag_no):
            handover.with_user(self.user_supervisor).action_done()
        self.assertNothingMoved(handover)
        handover.with_user(self.user_rm_a).action_refresh_lines()
        lines = self.dossier_lines(handover)
        self.assertEqual(lines.dossier_id, self.listed | new_a3)
        self.assertEqual(lines.filtered(lambda line: line.dossier_id == self.dossier_vip).dossier_state, "in_custody")
        self.assertEqual(lines.filtered("checked").dossier_id, self.listed, "ticks are kept")
        self.tick_all(handover)
        handover.with_user(self.user_supervisor).action_done()
        self.assertEqual(new_a3.partner_rm_user_id, self.user_rm_d)

    # ------------------------------------------------------------------
    # Done: refused while a dossier is with the outgoing RM
    # ------------------------------------------------------------------

    def test_done_refused_while_a_dossier_is_out_to_the_outgoing_rm(self):
        checkout = self.borrow()
        self.assertEqual((self.dossier_a.state, self.dossier_a.borrower_id), ("checked_out", self.user_rm_a))
        handover = self.ready_handover()
        seq = self.dossier_a.sudo().ledger_seq
        # The checklist of the form says it, as the outgoing RM reads it.
        self.assertIn(self.dossier_a.bag_no, handover.with_user(self.user_rm_a).missing_summary)
        with self.assertRefused(
            UserError, f"dossier {self.dossier_a.bag_no} is checked out to t_rm_a .*custodian of .*T Outlet 1 "
                       "must receive it back first"
        ):
            handover.with_user(self.user_supervisor).action_done()
        self.assertNothingMoved(handover)
        self.assertEqual((self.dossier_a.state, self.dossier_a.partner_rm_user_id), ("checked_out", self.user_rm_a))
        self.assertEqual(self.dossier_a.sudo().ledger_seq, seq, "no ledger entry")
        # Head 1 receives the bag back: the handover can be done.
        checkout.with_user(self.user_head_1).action_return()
        handover.invalidate_recordset(["missing_summary"])  # (a new request in the web client)
        self.assertFalse(handover.with_user(self.user_rm_a).missing_summary)
        handover.with_user(self.user_supervisor).action_done()
        self.assertEqual(handover.state, "done")
        self.assertEqual(self.dossier_lines(handover).filtered(
            lambda line: line.dossier_id == self.dossier_a).dossier_state, "in_custody")

    def test_done_refused_while_a_request_of_the_outgoing_rm_is_open(self):
        """A request still pending (or approved) would let the custodian hand the bag to an RM
        who no longer serves the customer: it is rejected first."""
        requested = self.borrow(hand_out=False)
        handover = self.ready_handover()
        with self.assertRefused(UserError, f"dossier {self.dossier_a.bag_no} has an open check-out request of "
                                           "t_rm_a \\(Requested\\)"):
            handover.with_user(self.user_supervisor).action_done()
        requested.with_user(self.user_head_1).action_approve()
        with self.assertRefused(UserError, f"dossier {self.dossier_a.bag_no} .*\\(Approved\\).*must reject it first"):
            handover.with_user(self.user_supervisor).action_done()
        self.assertNothingMoved(handover)
        requested.with_user(self.user_head_1).action_reject()
        handover.with_user(self.user_supervisor).action_done()
        self.assertEqual(handover.state, "done")
        # The departed RM cannot ask for the dossier any more.
        with self.assertRaises(AccessError):
            self.borrow(hand_out=False)

    def test_dossier_out_to_someone_else_stays_out(self):
        """The handover moves the customer, not the paper: a bag out to the backup RM stays
        out to them, and its custodian receives it back as usual."""
        checkout = self.borrow(user=self.user_rm_b)
        handover = self.ready_handover()
        handover.with_user(self.user_supervisor).action_done()
        self.assertEqual((self.dossier_a.state, self.dossier_a.borrower_id), ("checked_out", self.user_rm_b))
        self.assertIn("Checked out", self.ledger(self.dossier_a)[-1].details)
        checkout.with_user(self.user_head_1).action_return()
        self.assertEqual(self.dossier_a.state, "in_custody")

    # ------------------------------------------------------------------
    # Done: the dossiers move
    # ------------------------------------------------------------------

    def test_done_moves_the_dossiers(self):
        handover = self.ready_handover()
        seq = {dossier: dossier.sudo().ledger_seq for dossier in self.listed}
        # Before: RM a reads the summaries, RM d does not.
        self.assertEqual(self.dossier_a.with_user(self.user_rm_a).bag_no, self.dossier_a.bag_no)
        handover.with_user(self.user_supervisor).action_done()

        # The incoming RM reads the summaries at once (same process, docs/security.md item 5) ...
        summary = self.dossier_a.with_user(self.user_rm_d).read(SUMMARY_FIELDS)[0]
        self.assertEqual((summary["bag_no"], summary["state"]), (self.dossier_a.bag_no, "in_custody"))
        self.assertEqual(
            self.env["bank.dossier"].with_user(self.user_rm_d).search([("id", "in", self.listed.ids)]), self.listed
        )
        # ... and compiles the draft dossier the outgoing RM left; the locked one stays locked.
        self.dossier_vip.with_user(self.user_rm_d).write({"item_ids": [Command.create(
            {"document_type": "risk_assessment", "description": "Risk questionnaire of VIP"}
        )]})
        with self.assertRaises(AccessError):
            self.dossier_a.item_ids.with_user(self.user_rm_d).read(["description"])
        # The outgoing RM no longer reads them, through any path.
        for dossier in self.listed:
            with self.assertRaises(AccessError):
                dossier.with_user(self.user_rm_a).read(SUMMARY_FIELDS)
        Dossier = self.env["bank.dossier"].with_user(self.user_rm_a)
        self.assertFalse(Dossier.search([("id", "in", self.listed.ids)]))
        self.assertEqual(Dossier.search_count([("partner_id", "in", self.portfolio.ids)]), 0)
        self.assertFalse(Dossier.name_search(self.dossier_a.bag_no))
        # B role: the incoming RM, now backup of customer B, reads B's dossier (not on the list).
        self.assertEqual(self.dossier_b.with_user(self.user_rm_d).bag_no, self.dossier_b.bag_no)
        with self.assertRaises(AccessError):
            self.dossier_b.with_user(self.user_rm_a).read(SUMMARY_FIELDS)

        # The paper stays in its cabinet, with its custodian.
        self.assertEqual(self.dossier_a.unit_id, self.outlet_1)
        self.assertEqual(self.dossier_a.with_user(self.user_head_1).state, "in_custody")
        self.assertTrue(self.dossier_a.with_user(self.user_head_1).bank_is_custodian)

        # Each dossier's custody ledger and chatter record the handover; the chain holds.
        for dossier in self.listed:
            entries = self.ledger(dossier)
            self.assertEqual(len(entries), seq[dossier] + 1)
            last = entries[-1]
            self.assertEqual((last.event, last.user_id), ("handover", self.user_supervisor))
            self.assertIn(f"{dossier.bag_no} | Handover {handover.name}", last.details)
            self.assertIn("from t_rm_a to t_rm_d", last.details)
            self.assertIn("T Outlet 1", last.details)
            note = dossier.message_ids.filtered(lambda m, h=handover: h.name in str(m.body))
            self.assertEqual(len(note), 1)
            self.assertIn("RM handover", str(note.body))
            self.assertEqual(note.author_id, self.user_supervisor.partner_id)
        self.assertIsNone(self.env["bank.dossier.ledger"]._bank_verify(self.listed.ids))
        # The head of outlet 1 sees the handover entry in the ledger of the dossier they keep.
        self.assertEqual(
            self.env["bank.dossier.ledger"].with_user(self.user_head_1).search(
                [("dossier_id", "=", self.dossier_a.id), ("event", "=", "handover")]
            ).details,
            self.ledger(self.dossier_a)[-1].details,
        )
        # The lines keep the dossiers as they were handed over, and stay as they are.
        lines = self.dossier_lines(handover, self.user_rm_d)
        self.assertTrue(all(lines.mapped("checked")))
        with self.assertRefused(UserError, "field Handover status: it is (Done|Filed)"):
            lines[:1].with_user(self.user_rm_d).action_uncheck()

    def test_transfer_is_atomic_with_the_dossiers(self):
        """An error at the end of done (rendering the list) leaves the dossiers as they were:
        no ledger entry, no chatter note, still the outgoing RM's."""
        handover = self.ready_handover()
        seq = {dossier: dossier.sudo().ledger_seq for dossier in self.listed}
        messages = {dossier: len(dossier.message_ids) for dossier in self.listed}
        Handover = type(self.env["bank.handover"])
        reached = []

        def failing_render(record):
            # Inside the transaction: the dossiers have moved and the ledger has its entries.
            self.assertEqual(self.dossier_a.partner_rm_user_id, self.user_rm_d)
            self.assertEqual(self.ledger(self.dossier_a)[-1].event, "handover")
            reached.append(True)
            raise UserError("wkhtmltopdf crashed")

        with patch.object(Handover, "_attach_handover_list", failing_render), \
                self.assertRefused(UserError, "wkhtmltopdf crashed"):
            handover.with_user(self.user_supervisor).action_done()
        self.assertTrue(reached)
        self.assertNothingMoved(handover)
        for dossier in self.listed:
            self.assertEqual(dossier.partner_rm_user_id, self.user_rm_a)
            self.assertEqual(dossier.sudo().ledger_seq, seq[dossier])
            self.assertEqual(len(self.ledger(dossier)), seq[dossier])
            self.assertEqual(len(dossier.message_ids), messages[dossier])
            self.assertEqual(dossier.with_user(self.user_rm_a).bag_no, dossier.bag_no, "RM a still reads it")
        with self.assertRaises(AccessError):
            self.dossier_a.with_user(self.user_rm_d).read(SUMMARY_FIELDS)
        self.assertIsNone(self.env["bank.dossier.ledger"]._bank_verify(self.listed.ids))
        # Done again, without the crash.
        handover.with_user(self.user_supervisor).action_done()
        self.assertEqual(self.listed.mapped("partner_rm_user_id"), self.user_rm_d)

    # ------------------------------------------------------------------
    # The handover list
    # ------------------------------------------------------------------

    def test_handover_list_prints_the_bag_numbers(self):
        handover = self.ready_handover()
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "bank_relationship_manager.bank_handover_report_list", handover.ids
        )
        html = html.decode()
        self.assertIn("Physical dossiers", html)
        for dossier in self.listed:
            self.assertIn(dossier.bag_no, html)
        self.assertNotIn(self.dossier_a3_closed.bag_no, html, "closed dossiers are not handed over")
        self.assertNotIn(self.dossier_b.bag_no, html, "the backup customers' dossiers stay with their primary RM")
        for label in ("In custody", "Draft", "Bag kept at", "T Outlet 1"):
            self.assertIn(label, html)

        handover.with_user(self.user_supervisor).action_done()
        attachment = handover.list_attachment_id
        raw = attachment.with_user(self.user_rm_d).raw
        if attachment.mimetype == "application/pdf":
            # (words come out separated by tabs or new lines)
            text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages).split())
        else:
            self.assertEqual(attachment.mimetype, "text/html")
            text = raw.decode()
        self.assertIn("Physical dossiers", text)
        for dossier in self.listed:
            self.assertIn(dossier.bag_no, text)
