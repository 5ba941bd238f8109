# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import datetime
from unittest.mock import patch

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .dossier_common import SCAN, DossierCase

# Model-level rights per role: r(ead) w(rite) c(reate) u(nlink), checked as the real users.
DOSSIER_MATRIX = {
    "bank.dossier": {"rm": "rwc", "head": "rwc", "supervisor": "rwc", "office": "r", "hr": "", "plain": "",
                     "admin": "r"},
    "bank.dossier.item": {"rm": "rwcu", "head": "rwcu", "supervisor": "rwcu", "office": "r", "hr": "",
                          "plain": "", "admin": "r"},
    "bank.dossier.checkout": {"rm": "rwc", "head": "rwc", "supervisor": "rwc", "office": "r", "hr": "",
                              "plain": "", "admin": "r"},
    "bank.dossier.ledger": {"rm": "", "head": "r", "supervisor": "r", "office": "r", "hr": "", "plain": "",
                            "admin": "r"},
}
_OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}
SUMMARY_FIELDS = ["partner_id", "bag_no", "open_date", "state", "unit_id"]


@tagged("post_install", "-at_install")
class TestDossierCustody(DossierCase):
    """The custody chain of a customer's dossier, as each real user of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.roles = {
            "rm": cls.user_rm_a, "head": cls.user_head_1, "supervisor": cls.user_supervisor,
            "office": cls.user_office, "hr": cls.user_hr, "plain": cls.user_plain, "admin": cls.user_admin,
        }

    # ------------------------------------------------------------------
    # The flow
    # ------------------------------------------------------------------

    def test_full_flow(self):
        env = self.env(context=dict(self.env.context, tracking_disable=False))
        dossier = self.dossier_a.with_env(env)
        self.assertEqual(dossier.state, "in_custody")
        self.assertRegex(dossier.bag_no, r"^DA\d{4}-\d{6}$")
        self.assertEqual(dossier.unit_id, self.outlet_1, "kept by the customer's unit")
        self.assertEqual(dossier.sudo().locked_by_id, self.user_head_1)

        # RM a asks for it; head 1 approves and hands it out.
        line = self.request().with_env(env)
        self.assertEqual((line.state, line.borrower_id), ("requested", self.user_rm_a))
        line.with_user(self.user_head_1).action_approve()
        self.assertEqual((line.state, line.approved_by_id), ("approved", self.user_head_1))
        self.assertEqual(dossier.state, "in_custody", "approved is a promise: the bag is still in the cabinet")
        line.with_user(self.user_head_1).action_hand_out()
        self.assertEqual((line.state, line.handed_out_by_id), ("out", self.user_head_1))
        self.assertTrue(line.out_at)
        self.assertEqual((dossier.state, dossier.borrower_id, dossier.current_checkout_id),
                         ("checked_out", self.user_rm_a, line))

        # The borrower reads the contents and the scan while the dossier is out to them ...
        items = self.dossier_a.with_user(self.user_rm_a).item_ids
        self.assertEqual(len(items), 2)
        self.assertEqual(items.mapped("description"), ["Account opening form", "ID card copy"])
        self.assertEqual(base64.b64decode(self.item_scan.with_user(self.user_rm_a).file), SCAN)
        self.assertEqual(self.scan.with_user(self.user_rm_a).raw, SCAN)
        # ... but not the backup RM, to whom it was not handed out.
        with self.assertRaises(AccessError):
            items.with_user(self.user_rm_b).read(["description"])

        # Head 1 receives it back: the borrower's access ends at once.
        line.with_user(self.user_head_1).action_return()
        self.assertEqual((line.state, line.received_by_id), ("returned", self.user_head_1))
        self.assertTrue(line.returned_at)
        self.assertEqual((dossier.state, dossier.borrower_id), ("in_custody", self.env["res.users"]))
        with self.assertRaises(AccessError):
            items.with_user(self.user_rm_a).read(["description"])

        # The customer leaves: the dossier is closed, never deleted, never requested again.
        self.dossier_a.with_user(self.user_head_1).action_close()
        self.assertEqual(dossier.state, "closed")
        with self.assertRefused(UserError, "is Closed"):
            self.request()

        # Every step is in the ledger and in the chatter, with who did it.
        entries = self.ledger()
        self.assertEqual(entries.mapped("event"),
                         ["created", "locked", "requested", "approved", "handed_out", "returned", "closed"])
        self.assertEqual(entries.mapped("seq"), list(range(1, 8)))
        self.assertEqual(entries.mapped("user_id"), self.user_rm_a | self.user_head_1)
        self.assertEqual([e.user_id for e in entries][2:], [self.user_rm_a] + [self.user_head_1] * 4)
        notes = dossier.message_ids.filtered(lambda m: m.message_type == "notification")
        self.assertEqual(len(notes.filtered(lambda m: m.author_id == self.user_rm_a.partner_id)), 1,
                         "the request, by the RM")
        self.assertGreaterEqual(len(notes.filtered(lambda m: m.author_id == self.user_head_1.partner_id)), 4)
        tracked = line.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertEqual(sorted(tracked.mapped("new_value_char")), ["Approved", "Out", "Returned"])
        self.assertIsNone(self.env["bank.dossier.ledger"]._bank_verify([self.dossier_a.id]))

    def test_rm_compiles_draft_then_loses_the_contents(self):
        dossier = self.dossier_c.with_user(self.user_rm_c)
        self.assertEqual(dossier.state, "draft")
        dossier.write({"open_date": "2026-02-01", "item_ids": [
            Command.create({"document_type": "account_form", "description": "Opening form", "page_count": 3}),
        ]})
        dossier.item_ids[:1].write({"page_count": 2})
        self.assertEqual(dossier.item_count, 2)
        # The RM cannot lock it: only the custodian receives the bag.
        with self.assertRefused(AccessError, "only the head of"):
            dossier.action_lock()
        with self.assertRefused(AccessError, "Kept at"):
            dossier.write({"unit_id": self.outlet_1.id})
        # A scan the RM made public, or shared by a link, while compiling ...
        dossier.item_ids[:1].write({"file": base64.b64encode(SCAN), "file_name": "opening.pdf"})
        scan = self.env["ir.attachment"].search([
            ("res_model", "=", "bank.dossier.item"), ("res_field", "=", "file"), ("res_id", "in", dossier.item_ids.ids),
        ])
        scan.with_user(self.user_rm_c).write({"public": True})
        scan.with_user(self.user_rm_c).generate_access_token()
        self.assertTrue(scan.with_user(self.user_plain).has_access("read"))
        self.dossier_c.with_user(self.user_center_head).action_lock()
        self.env.invalidate_all()
        self.assertFalse(dossier.item_ids, "locked: the RM no longer sees the contents")
        self.assertEqual(dossier.item_count, 0)
        # ... is neither public nor shared any more once locked.
        self.assertEqual((scan.public, scan.access_token), (False, False))
        for user in (self.user_plain, self.user_rm_c):
            self.assertFalse(scan.with_user(user).has_access("read"))
        with self.assertRaises(AccessError):
            scan.with_user(self.user_rm_c).write({"public": True})

    def test_tier_reached_opens_a_draft_dossier_once(self):
        vip = self.env.ref("bank_relationship_manager.tier_vip")
        gold = self.env.ref("bank_relationship_manager.tier_wealth_gold")
        History = self.env["bank.tier.history"].sudo()
        # The tier engine's call: sudo, a list of dicts, one row per change.
        History.create([
            {"partner_id": self.customer_b.id, "date": "2026-03-01", "old_tier_id": False,
             "new_tier_id": vip.id, "reason": "Funds 600,000 >= 500,000"},
            {"partner_id": self.customer_a.id, "date": "2026-03-01", "old_tier_id": False,
             "new_tier_id": vip.id, "reason": "Deposits"},
        ])
        opened = self.env["bank.dossier"].search([("partner_id", "=", self.customer_b.id)])
        self.assertEqual(len(opened), 1)
        self.assertEqual((opened.state, opened.unit_id, opened.open_date),
                         ("draft", self.outlet_2, datetime.date(2026, 3, 1)))
        self.assertRegex(opened.bag_no, r"^DA\d{4}-\d{6}$")
        self.assertIn("first reached a tier on 03/01/2026", self.ledger(opened).details)
        self.assertEqual(self.env["bank.dossier"].search_count([("partner_id", "=", self.customer_a.id)]), 1,
                         "customer A had a dossier already")
        # Later changes (up, down, up again) open nothing more.
        History.create([
            {"partner_id": self.customer_b.id, "date": "2026-04-01", "old_tier_id": vip.id,
             "new_tier_id": gold.id, "reason": "x"},
            {"partner_id": self.customer_b.id, "date": "2026-05-01", "old_tier_id": gold.id,
             "new_tier_id": False, "reason": "y"},
        ])
        self.assertEqual(self.env["bank.dossier"].search_count([("partner_id", "=", self.customer_b.id)]), 1)
        # The RM of the customer sees it, to compile it.
        self.assertEqual(opened.with_user(self.user_rm_b).read(["state"])[0]["state"], "draft")

    def test_bag_numbers_per_company(self):
        Dossier = self.env["bank.dossier"]
        company_b = self.env["res.company"].create({"name": "T Bank B"})
        sequence_a = Dossier._bank_bag_sequence(self.dossier_a.company_id)
        sequence_b = Dossier._bank_bag_sequence(company_b)
        self.assertNotEqual(sequence_a, sequence_b)
        self.assertEqual(sequence_b.company_id, company_b)
        self.assertEqual(Dossier._bank_bag_sequence(company_b), sequence_b, "created once")
        unit_b = self.env["bank.org.unit"].create(
            {"name": "B Branch", "code": "B", "level": "branch", "company_id": company_b.id}
        )
        partner_b = self.env["res.partner"].create({
            "name": "Customer of B", "is_bank_customer": True, "company_id": company_b.id,
            "bank_unit_id": unit_b.id,
        })
        dossier_b = Dossier.create({"partner_id": partner_b.id})
        self.assertEqual((dossier_b.company_id, dossier_b.unit_id), (company_b, unit_b))
        self.assertRegex(dossier_b.bag_no, r"^DA\d{4}-000001$", "company B counts from one")

    def test_access_follows_reassignment_at_once(self):
        Dossier_c = self.env["bank.dossier"].with_user(self.user_rm_c)
        self.assertFalse(Dossier_c.search([("id", "=", self.dossier_a.id)]))
        self.customer_a.with_user(self.user_admin).write({"bank_rm_id": self.rm_c.id})
        self.assertEqual(Dossier_c.search([("id", "=", self.dossier_a.id)]), self.dossier_a)
        self.assertFalse(self.env["bank.dossier"].with_user(self.user_rm_a).search([("id", "=", self.dossier_a.id)]))
        # The dossier stays where it is kept: head 1 keeps it, whatever the customer's new unit.
        self.assertTrue(self.dossier_a.with_user(self.user_head_1).has_access("read"))

    # ------------------------------------------------------------------
    # Who reads what
    # ------------------------------------------------------------------

    def test_model_matrix(self):
        for model, rights in DOSSIER_MATRIX.items():
            for role, allowed in rights.items():
                Model = self.env[model].with_user(self.roles[role])
                for letter, operation in _OPERATIONS.items():
                    with self.subTest(model=model, role=role, operation=operation):
                        self.assertEqual(Model.browse().has_access(operation), letter in allowed)

    def test_rm_reads_the_summary_only(self):
        Dossier = self.env["bank.dossier"].with_user(self.user_rm_a)
        dossier = Dossier.browse(self.dossier_a.id)
        values = dossier.read(SUMMARY_FIELDS)[0]
        self.assertEqual(values["bag_no"], self.dossier_a.bag_no)
        self.assertEqual(values["partner_id"][0], self.customer_a.id)
        self.assertEqual(Dossier.search([("partner_id", "=", self.customer_a.id)]), dossier)
        # Not the custodian's fields ...
        for field_name in ("location", "locked_by_id", "ledger_seq"):
            with self.subTest(field=field_name), self.assertRaises(AccessError):
                dossier.read([field_name])
        # ... nor the contents, through any path: the dossier, the items, their scans.
        self.assertFalse(dossier.item_ids)
        Item = self.env["bank.dossier.item"].with_user(self.user_rm_a)
        self.assertFalse(Item.search([("dossier_id", "=", self.dossier_a.id)]))
        self.assertEqual(Item.search_count([]), 0)
        self.assertFalse(Item.name_search("opening"))
        self.assertEqual(Item.web_search_read([("id", "in", self.dossier_a.sudo().item_ids.ids)],
                                              {"description": {}})["length"], 0)
        with self.assertRaises(AccessError):
            self.item_scan.with_user(self.user_rm_a).read(["description", "file"])
        Attachment = self.env["ir.attachment"].with_user(self.user_rm_a)
        with self.assertRaises(AccessError):
            self.scan.with_user(self.user_rm_a).read(["raw", "datas"])
        with self.assertRaises(AccessError):
            self.scan.with_user(self.user_rm_a).raw  # noqa: B018
        self.assertFalse(Attachment.search([("res_model", "=", "bank.dossier.item")]))
        self.assertFalse(Attachment.search([("res_model", "=", "bank.dossier.item"), ("res_field", "=", "file")]))
        self.assertFalse(Attachment.search([("id", "=", self.scan.id)]))
        # The ledger (which lists the inventory) is the custodian side's.
        with self.assertRaises(AccessError):
            self.env["bank.dossier.ledger"].with_user(self.user_rm_a).search([])
        # Another RM's customer's dossier: nothing at all.
        with self.assertRaises(AccessError):
            self.dossier_a.with_user(self.user_rm_c).read(["bag_no"])
        self.assertFalse(self.env["bank.dossier"].with_user(self.user_rm_c).search([("id", "=", self.dossier_a.id)]))
        for user in (self.user_hr, self.user_plain):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.dossier_a.with_user(user).read(["bag_no"])

    def test_custodian_side_reads_its_units(self):
        cases = [
            (self.user_head_1, True), (self.user_supervisor, True), (self.user_office, True),
            (self.user_admin, True), (self.user_head_2, False), (self.user_center_head, False),
        ]
        for user, allowed in cases:
            with self.subTest(user=user.login):
                items = self.dossier_a.sudo().item_ids.with_user(user)
                self.assertEqual(items.has_access("read"), allowed)
                self.assertEqual(self.scan.with_user(user).has_access("read"), allowed)
                self.assertEqual(self.dossier_a.with_user(user).has_access("read"), allowed)
                if allowed:
                    self.assertEqual(self.scan.with_user(user).raw, SCAN)
                    self.assertEqual(len(self.dossier_a.with_user(user).item_ids), 2)
        # The wealth centre's head keeps its dossiers, not the outlets'.
        self.assertTrue(self.dossier_c.with_user(self.user_center_head).has_access("read"))
        self.assertFalse(self.dossier_c.with_user(self.user_head_1).has_access("read"))

    # ------------------------------------------------------------------
    # Locked archive
    # ------------------------------------------------------------------

    def test_locked_dossier_refuses_every_change(self):
        item = self.item_scan
        before = (self.dossier_a.open_date, self.dossier_a.unit_id, item.description, self.scan.checksum)
        users = [self.user_rm_a, self.user_head_1, self.user_supervisor, self.user_office, self.user_admin]
        for user in users:
            with self.subTest(user=user.login):
                dossier = self.dossier_a.with_user(user)
                for vals in (
                    {"open_date": "2020-01-01"},
                    {"unit_id": self.outlet_2.id},
                    {"item_ids": [Command.create({"document_type": "other", "description": "Slipped in"})]},
                    {"item_ids": [Command.update(item.id, {"description": "Rewritten"})]},
                    {"item_ids": [Command.delete(item.id)]},
                    {"item_ids": [Command.unlink(item.id)]},
                ):
                    with self.assertRaises(UserError):
                        dossier.write(vals)
                with self.assertRaises(UserError):
                    item.with_user(user).write({"description": "Rewritten"})
                with self.assertRaises(UserError):
                    item.with_user(user).write({"file": base64.b64encode(b"forged")})
                with self.assertRaises(UserError):
                    item.with_user(user).unlink()
                with self.assertRaises(UserError):
                    self.env["bank.dossier.item"].with_user(user).create(
                        {"dossier_id": self.dossier_a.id, "document_type": "other", "description": "Slipped in"}
                    )
                # The scan cannot be replaced or removed through ir.attachment either.
                with self.assertRaises(AccessError):
                    self.scan.with_user(user).write({"raw": b"forged"})
                with self.assertRaises(AccessError):
                    self.scan.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["ir.attachment"].with_user(user).create({
                        "name": "extra.pdf", "raw": b"extra", "res_model": "bank.dossier.item", "res_id": item.id,
                    })
                with self.assertRaises(UserError):
                    dossier.unlink()
        # Not even the superuser changes a locked archive's contents, nor deletes a dossier.
        with self.assertRefused(UserError, "field Opening date: the record is In custody.*by anyone"):
            self.dossier_a.sudo().write({"open_date": "2020-01-01"})
        with self.assertRefused(UserError, "locked archive"):
            item.sudo().write({"description": "Rewritten"})
        with self.assertRefused(UserError, "locked archive"):
            item.sudo().unlink()
        with self.assertRefused(UserError, "never deleted"):
            self.dossier_a.sudo().unlink()
        with self.assertRefused(UserError, "never deleted"):
            self.dossier_c.sudo().unlink()
        # load() (the import) goes through the same write.
        xmlid = self.dossier_a.sudo()._export_rows([["id"]])[0][0]
        result = self.env["bank.dossier"].with_user(self.user_head_1).load(["id", "open_date"], [[xmlid, "2020-01-01"]])
        self.assertFalse(result["ids"])
        self.assertTrue(result["messages"])
        self.env.invalidate_all()
        self.assertEqual(
            (self.dossier_a.open_date, self.dossier_a.unit_id, item.description, self.scan.checksum), before
        )
        self.assertEqual(len(self.dossier_a.item_ids), 2)

    def test_state_and_custody_written_only_by_the_actions(self):
        line = self.request()
        for user in (self.user_rm_a, self.user_head_1, self.user_supervisor, self.user_admin):
            with self.subTest(user=user.login):
                with self.assertRefused(AccessError, "field State: it is set by the record's actions only"):
                    self.dossier_a.with_user(user).write({"state": "checked_out"})
                with self.assertRefused(AccessError, "field Checked out to: it is set by the record's actions only"):
                    self.dossier_a.with_user(user).write({"borrower_id": user.id})
                with self.assertRaises(AccessError):
                    line.with_user(user).write({"state": "approved"})
                with self.assertRaises(AccessError):
                    line.with_user(user).write({"approved_by_id": user.id})
        # A draft's state cannot be forced either, nor can a dossier or a line be born further on.
        with self.assertRefused(AccessError, "field State: it is set by the record's actions only"):
            self.dossier_c.with_user(self.user_rm_c).write({"state": "in_custody"})
        with self.assertRefused(AccessError, "field State: .*not when the record is created"):
            self.env["bank.dossier"].with_user(self.user_head_2).create(
                {"partner_id": self.customer_b.id, "state": "in_custody"}
            )
        with self.assertRefused(AccessError, "field State: .*not when the record is created"):
            self.env["bank.dossier.checkout"].with_user(self.user_rm_a).create({
                "dossier_id": self.dossier_a.id, "purpose": "x", "due_at": self._in(days=1), "state": "out",
            })
        with self.assertRefused(AccessError, "field Bag number: it is set by the record's actions only"):
            self.dossier_c.with_user(self.user_rm_c).write({"bag_no": "FORGED"})
        self.env.invalidate_all()
        self.assertEqual((self.dossier_a.state, line.state), ("in_custody", "requested"))
        self.assertEqual(self.dossier_c.state, "draft")

    # ------------------------------------------------------------------
    # The register
    # ------------------------------------------------------------------

    def test_done_register_lines_are_frozen(self):
        returned = self.hand_out(self.request(purpose="First visit"))
        returned.with_user(self.user_head_1).action_return()
        out = self.hand_out(self.request())
        rejected = self.request(user=self.user_rm_b, purpose="Second look")
        rejected.with_user(self.user_head_1).action_reject()
        # A pending request can still be corrected by its borrower (not by another RM).
        pending = self.request(purpose="Typo")
        pending.with_user(self.user_rm_a).write({"purpose": "Annual review"})
        self.assertEqual(pending.purpose, "Annual review")
        with self.assertRaises(AccessError):
            pending.with_user(self.user_rm_b).write({"purpose": "Mine now"})
        for line in (returned, out, rejected):
            for env_user in (self.user_rm_a, self.user_head_1, self.user_supervisor):
                with self.subTest(line=line.state, user=env_user.login):
                    with self.assertRaises(UserError):
                        line.with_user(env_user).write({"purpose": "Rewritten"})
                    with self.assertRaises(UserError):
                        line.with_user(env_user).write({"due_at": self._in(days=30)})
                    with self.assertRaises(UserError):
                        line.with_user(env_user).unlink()
            with self.assertRefused(UserError, "field Purpose: the record is .*can no longer be changed, by anyone"):
                line.sudo().write({"purpose": "Rewritten"})
            with self.assertRefused(UserError, "keeps every line"):
                line.sudo().unlink()
        self.assertEqual((returned.purpose, out.purpose, rejected.purpose),
                         ("First visit", "Customer visit on Friday", "Second look"))

    def test_second_open_checkout_refused(self):
        first = self.request()
        second = self.request(user=self.user_rm_b, purpose="Backup RM's visit")
        first.with_user(self.user_head_1).action_approve()
        with self.assertRefused(UserError, "already has an open check-out"):
            second.with_user(self.user_head_1).action_approve()
        first.with_user(self.user_head_1).action_hand_out()
        with self.assertRefused(UserError, "already has an open check-out"):
            second.with_user(self.user_head_1).action_approve()
        self.assertEqual(second.state, "requested")
        first.with_user(self.user_head_1).action_return()
        second.with_user(self.user_head_1).action_approve()
        self.assertEqual(second.state, "approved")

    def test_database_refuses_a_second_open_checkout(self):
        first = self.hand_out(self.request())
        second = self.request(user=self.user_rm_b)
        # Bypassing every check of the ORM: the partial unique index still refuses.
        with self.assertRaises(psycopg2.errors.UniqueViolation):
            self.env.cr.execute(SQL("UPDATE bank_dossier_checkout SET state = 'approved' WHERE id = %s", second.id))
        with self.assertRaises(psycopg2.errors.UniqueViolation):
            self.env.cr.execute(SQL(
                """INSERT INTO bank_dossier_checkout (dossier_id, borrower_id, purpose, state, due_at, requested_at)
                   VALUES (%s, %s, 'raw insert', 'out', now() + interval '1 day', now())""",
                self.dossier_a.id, self.user_rm_b.id,
            ))
        # A superuser write that skips the Python checks meets the same index.
        with self.assertRaises(psycopg2.errors.UniqueViolation):
            second.sudo().write({"state": "approved"})
            second.flush_recordset()
        self.env.invalidate_all()
        self.assertEqual((first.state, second.state), ("out", "requested"))

    def test_only_the_custodian_approves_and_hands_out(self):
        line = self.request()
        for user, error in (
            (self.user_rm_a, "only the head of"),  # the borrower, a plain RM
            (self.user_rm_b, "only the head of"),  # the backup RM
            (self.user_head_2, "doesn't have 'read' access"),  # head of another unit: cannot even read it
            (self.user_center_head, "doesn't have 'read' access"),
            (self.user_office, "only the head of"),
            (self.user_admin, "only the head of"),
        ):
            for action in ("action_approve", "action_reject"):
                with self.subTest(user=user.login, action=action), self.assertRefused(AccessError, error):
                    getattr(line.with_user(user), action)()
        self.assertEqual(line.state, "requested")
        # The supervisor above the outlet may act; a custodian may not approve their own request.
        own = self.request(user=self.user_head_1, purpose="Head's own review")
        with self.assertRefused(AccessError, "own request"):
            own.with_user(self.user_head_1).action_approve()
        own.with_user(self.user_supervisor).action_approve()
        self.assertEqual(own.approved_by_id, self.user_supervisor)
        for user in (self.user_rm_a, self.user_office, self.user_head_2):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                own.with_user(user).action_hand_out()
        own.with_user(self.user_supervisor).action_hand_out()
        with self.assertRaises(AccessError):
            own.with_user(self.user_rm_a).action_return()
        own.with_user(self.user_head_1).action_return()
        # Locking and closing are the custodian's too.
        with self.assertRefused(AccessError, "only the head of"):
            self.dossier_a.with_user(self.user_rm_a).action_close()
        with self.assertRefused(AccessError, "only the head of"):
            self.dossier_c.with_user(self.user_admin).action_lock()

    def test_bad_input_changes_nothing(self):
        entries = len(self.ledger())
        # A due date in the past, or none.
        with self.assertRefused(ValidationError, "Due back"):
            self.env["bank.dossier.checkout"].with_user(self.user_rm_a).create(
                {"dossier_id": self.dossier_a.id, "purpose": "Visit", "due_at": self._in(days=-1)}
            )
        with self.assertRefused(ValidationError, "Purpose"):
            self.request(purpose="   ")
        # A request on a draft dossier (and, in test_full_flow, on a closed one).
        with self.assertRefused(UserError, r"Dossier .* is Draft: a check-out can be requested only"):
            self.request(self.dossier_c, self.user_rm_c)
        # A request for someone else, or for a borrower who does not serve the customer.
        with self.assertRefused(AccessError, "for yourself only"):
            self.env["bank.dossier.checkout"].with_user(self.user_rm_a).create({
                "dossier_id": self.dossier_a.id, "purpose": "x", "due_at": self._in(days=1),
                "borrower_id": self.user_rm_b.id,
            })
        with self.assertRefused(ValidationError, "does not serve this customer"):
            self.env["bank.dossier.checkout"].with_user(self.user_head_1).create({
                "dossier_id": self.dossier_a.id, "purpose": "x", "due_at": self._in(days=1),
                "borrower_id": self.user_rm_c.id,
            })
        # A due date that passed between the approval and the hand-out: before the hand-out date.
        line = self.request()
        line.with_user(self.user_head_1).action_approve()
        self.env.cr.execute(SQL("UPDATE bank_dossier_checkout SET due_at = now() at time zone 'UTC' - interval '1 hour'"
                                " WHERE id = %s", line.id))
        line.invalidate_recordset()
        with self.assertRefused(ValidationError, "before the hand-out date"):
            line.with_user(self.user_head_1).action_hand_out()
        with self.assertRefused(ValidationError, "Due back"):
            line.with_user(self.user_head_1).write({"due_at": self._in(days=-2)})
        # Returning a dossier that is not out.
        with self.assertRefused(UserError, "field State: it is Approved"):
            line.with_user(self.user_head_1).action_return()
        # Two dossiers for one customer in one call.
        with self.assertRefused(ValidationError, "one open dossier at most"):
            self.env["bank.dossier"].sudo().create([{"partner_id": self.customer_b.id}] * 2)
        # Locking an empty dossier, or one already locked; pages below one.
        empty = self.env["bank.dossier"].with_user(self.user_rm_b).create({"partner_id": self.customer_b.id})
        with self.assertRefused(UserError, "is empty"):
            empty.with_user(self.user_head_2).action_lock()
        with self.assertRefused(UserError, "field State: it is In custody"):
            self.dossier_a.with_user(self.user_head_1).action_lock()
        with self.assertRefused(ValidationError, "Pages"):
            empty.with_user(self.user_rm_b).write({"item_ids": [
                Command.create({"document_type": "other", "description": "Blank", "page_count": 0}),
            ]})
        # A second open dossier for the same customer; a dossier for a mere contact.
        with self.assertRefused(ValidationError, "one open dossier at most"):
            self.env["bank.dossier"].with_user(self.user_rm_b).create({"partner_id": self.customer_b.id})
        with self.assertRefused(ValidationError, "for a bank customer"):
            self.env["bank.dossier"].sudo().create({"partner_id": self.contact.id})
        # Nothing was written by the refused steps.
        self.env.invalidate_all()
        self.assertEqual((line.state, line.out_at, self.dossier_a.state), ("approved", False, "in_custody"))
        self.assertEqual(len(self.ledger()), entries + 2, "only the valid request and approval were recorded")
        self.assertEqual(empty.state, "draft")

    def test_close_needs_the_dossier_back_and_no_pending_request(self):
        line = self.hand_out(self.request())
        with self.assertRefused(UserError, "field State: it is Checked out"):
            self.dossier_a.with_user(self.user_head_1).action_close()
        line.with_user(self.user_head_1).action_return()
        pending = self.request(user=self.user_rm_b)
        with self.assertRefused(UserError, "still pending"):
            self.dossier_a.with_user(self.user_head_1).action_close()
        pending.with_user(self.user_head_1).action_reject()
        self.dossier_a.with_user(self.user_head_1).action_close()
        self.assertEqual(self.dossier_a.state, "closed")
        self.assertTrue(self.dossier_a.closed_at)
        # Closed, the customer may get a new dossier (a customer who came back).
        again = self.env["bank.dossier"].with_user(self.user_rm_a).create({"partner_id": self.customer_a.id})
        self.assertNotEqual(again.bag_no, self.dossier_a.bag_no)

    def test_overdue_activity_once(self):
        late = self.hand_out(self.request())
        dossier_b = self.env["bank.dossier"].with_user(self.user_rm_b).create({
            "partner_id": self.customer_b.id,
            "item_ids": [Command.create({"document_type": "id_copy", "description": "ID card copy"})],
        })
        dossier_b.with_user(self.user_head_2).action_lock()
        on_time = self.hand_out(self.request(dossier_b, self.user_rm_b), self.user_head_2)
        self._backdate_due(late)
        Checkout = self.env["bank.dossier.checkout"].with_user(self.user_head_1)
        self.assertEqual(Checkout.search([("is_overdue", "=", True)]), late)
        self.run_overdue_cron()
        overdue_type = self.env.ref("bank_relationship_manager.mail_activity_type_dossier_overdue")
        self.assertEqual(len(late.activity_ids), 1)
        self.assertEqual((late.activity_ids.user_id, late.activity_ids.activity_type_id),
                         (self.user_head_1, overdue_type))
        self.assertIn(self.dossier_a.bag_no, late.activity_ids.summary)
        self.assertFalse(on_time.activity_ids)
        # The next day's run creates nothing twice.
        self.run_overdue_cron()
        self.assertEqual(len(late.activity_ids), 1)
        # The custodian sees it among their activities; returning the bag closes it.
        self.assertTrue(late.activity_ids.with_user(self.user_head_1).has_access("read"))
        late.with_user(self.user_head_1).action_return()
        self.assertFalse(late.activity_ids)

    def test_overdue_cron_resumes_after_a_crash(self):
        lines = self.hand_out(self.request())
        for partner, rm, head in ((self.customer_b, self.user_rm_b, self.user_head_2),
                                  (self.customer_c, self.user_rm_c, self.user_center_head)):
            dossier = self.env["bank.dossier"].search([("partner_id", "=", partner.id)]) or \
                self.env["bank.dossier"].with_user(rm).create({
                    "partner_id": partner.id,
                    "item_ids": [Command.create({"document_type": "id_copy", "description": "ID"})],
                })
            dossier.with_user(head).action_lock()
            lines |= self.hand_out(self.request(dossier, rm), head)
        for line in lines:
            self._backdate_due(line)
        with (
            patch("odoo.addons.bank_relationship_manager.models.bank_dossier_checkout._OVERDUE_BATCH", 1),
            self.cron_batches_commit(),
        ):
            first, _crashed = self.crash_cron_midway(
                "bank.dossier.checkout", "_bank_notify_overdue", self.env["bank.dossier.checkout"]._cron_overdue
            )
            self.assertEqual(lines.filtered("overdue_notified"), first, "the first batch was kept")
            self.env["bank.dossier.checkout"]._cron_overdue()
        self.assertTrue(all(lines.mapped("overdue_notified")))
        self.assertEqual([len(line.activity_ids) for line in lines], [1, 1, 1], "nobody reminded twice")
        self.assertEqual(lines.activity_ids.user_id, self.user_head_1 | self.user_head_2 | self.user_center_head)

    def _backdate_due(self, line):
        """The due date passed (the bag has been out longer than promised)."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "UPDATE bank_dossier_checkout SET due_at = now() at time zone 'UTC' - interval '1 day' WHERE id = %s",
            line.id,
        ))
        line.invalidate_recordset()

    def test_public_methods_on_unreadable_records(self):
        line = self.request()
        # RM c serves neither the customer nor the unit: every public method refuses, over RPC as here.
        for name in ("action_lock", "action_close", "action_request_checkout", "action_view_items",
                     "action_verify_ledger"):
            with self.subTest(method=name), self.assertRaises(AccessError):
                getattr(self.dossier_a.with_user(self.user_rm_c), name)()
        for name in ("action_approve", "action_reject", "action_hand_out", "action_return"):
            with self.subTest(method=name), self.assertRaises(AccessError):
                getattr(line.with_user(self.user_rm_c), name)()
        with self.assertRaises(AccessError):
            self.env["bank.dossier.ledger"].with_user(self.user_rm_a).action_verify()
        with self.assertRaises(AccessError):
            self.dossier_a.with_user(self.user_rm_a).action_verify_ledger()
        # The borrower opens the contents only while the dossier is out to them.
        action = self.dossier_a.with_user(self.user_rm_a).action_view_items()
        self.assertFalse(self.env["bank.dossier.item"].with_user(self.user_rm_a).search(action["domain"]))
        self.hand_out(line)
        self.assertEqual(len(self.env["bank.dossier.item"].with_user(self.user_rm_a).search(action["domain"])), 2)
        self.assertEqual(line.state, "out")

    def test_register_report(self):
        self.hand_out(self.request())
        self.request(user=self.user_rm_b, purpose="Backup visit")
        today = self.env.company._bank_today()
        Wizard = self.env["bank.dossier.register.report"].with_user(self.user_head_1)
        wizard = Wizard.create({"unit_id": self.outlet_1.id, "date_from": today, "date_to": today})
        self.assertEqual(len(wizard.checkout_ids), 2)
        html = self.env["ir.actions.report"].with_user(self.user_head_1)._render_qweb_html(
            "bank_relationship_manager.report_bank_dossier_register", wizard.ids
        )[0].decode()
        self.assertIn("Dossier check-out register", html)
        self.assertIn(self.dossier_a.bag_no, html)
        self.assertIn("Backup visit", html)
        self.assertIn("Customer A", html)
        # Another unit's head prints an empty register for their unit and cannot print outlet 1's.
        other = self.env["bank.dossier.register.report"].with_user(self.user_head_2).create(
            {"unit_id": self.outlet_1.id, "date_from": today, "date_to": today}
        )
        self.assertFalse(other.checkout_ids)
        with self.assertRefused(ValidationError, "is after the end"):
            Wizard.create({"unit_id": self.outlet_1.id, "date_from": today, "date_to": today - datetime.timedelta(1)})
        with self.assertRaises(AccessError):
            self.env["bank.dossier.register.report"].with_user(self.user_rm_a).create(
                {"unit_id": self.outlet_1.id, "date_from": today, "date_to": today}
            )
