# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""No customer name through a writable many2one or an access error (class d), access that
follows the relationship (class f) and the VIP time share as the user (class j)."""
import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PREFIX, BankCase
from .dossier_common import DossierCase


@tagged("post_install", "-at_install")
class TestAccessNames(BankCase):
    """Names, relationships and shares as the real users."""

    reference_now = datetime.datetime(2026, 12, 7, 2, 0)  # the VIP share reads this month

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debug = cls.env.ref("base.group_no_one")
        cls.user_rm_a.group_ids += cls.debug
        cls.team = cls.env.ref(PREFIX + "crm_team_wealth")

    # ------------------------------------------------------------------
    # Class d: many2ones
    # ------------------------------------------------------------------

    def test_contact_parent_must_be_readable(self):
        Partner = self.env["res.partner"].with_user(self.user_rm_a)
        with self.assertRaises(AccessError) as caught:
            Partner.create({"name": "Spouse", "parent_id": self.customer_c.id})
        self.assertNotIn("Customer C", str(caught.exception))
        self.assertIn(self.env["res.partner"]._fields["parent_id"].string, str(caught.exception))
        with self.assertRaises(AccessError):
            Partner.with_context(default_parent_id=self.customer_c.id).create({"name": "Spouse"})
        contact = Partner.create({"name": "Spouse of A", "parent_id": self.customer_a.id})
        self.assertEqual(contact.parent_id, self.customer_a)
        with self.assertRaises(AccessError):
            contact.write({"parent_id": self.customer_c.id})
        self.assertEqual(contact.parent_id, self.customer_a)
        # Non-bank users keep Odoo's behaviour with contacts.
        plain = self.env["res.partner"].with_user(self.user_plain).create({"name": "X", "parent_id": self.contact.id})
        self.assertEqual(plain.parent_id, self.contact)

    def test_complaint_customer_and_responsible(self):
        Complaint = self.env["bank.complaint"].with_user(self.user_rm_a)
        values = {"description": "Long wait", "channel": "counter", "category": "waiting"}
        with self.assertRaises(AccessError) as caught:
            Complaint.create(dict(values, partner_id=self.customer_c.id))
        self.assertNotIn("Customer C", str(caught.exception))
        # Refused by the guard (an RM does not choose the responsible RM) or, for a unit head, by
        # the constraint (only the customer's or the unit's RMs): a refusal naming the field.
        with self.assertRefused(UserError, "Responsible RM"):
            Complaint.create(dict(values, partner_id=self.customer_a.id, responsible_rm_id=self.rm_c.id))
        with self.assertRefused(ValidationError, "Responsible RM"):
            Complaint.with_user(self.user_head_1).create(
                dict(values, partner_id=self.customer_a.id, responsible_rm_id=self.rm_c.id)
            )
        complaint = Complaint.create(dict(values, partner_id=self.customer_a.id))
        self.assertEqual(complaint.responsible_rm_id, self.rm_a)
        with self.assertRefused(UserError, "Responsible RM"):
            complaint.write({"responsible_rm_id": self.rm_c.id})
        with self.assertRefused(ValidationError, "Responsible RM"):
            complaint.with_user(self.user_head_1).write({"responsible_rm_id": self.rm_c.id})
        complaint.with_user(self.user_head_1).write({"responsible_rm_id": self.rm_b.id})  # the backup RM
        self.assertEqual(complaint.responsible_user_id, self.user_rm_b)

    def test_access_error_names_no_record(self):
        """Debug mode's access error gives ids and rules, never the names of forbidden records."""
        lead = self.env["crm.lead"].create({
            "name": "Secret fund of Customer C", "partner_id": self.customer_c.id, "team_id": self.team.id,
            "user_id": self.user_rm_c.id, "type": "opportunity",
        })
        complaint = self.env["bank.complaint"].create({
            "partner_id": self.customer_c.id, "description": "x", "channel": "counter", "category": "waiting",
        })
        for record, name in ((self.customer_c, "Customer C"), (lead, "Secret fund"), (complaint, complaint.name)):
            with self.subTest(model=record._name):
                with self.assertRaises(AccessError) as caught:
                    record.with_user(self.user_rm_a).read(["display_name"])
                message = str(caught.exception)
                self.assertNotIn(name, message)
                self.assertIn(str(record.id), message, "debug mode still gives the ids")
                self.assertIn("Blame the following rules", message)

    def test_activity_on_a_customer_one_cannot_read(self):
        """An activity points to its document by model and id: it cannot be scheduled on a
        customer the user may not read (whose name it would then show)."""
        values = {
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.customer_c.id,
            "summary": "Probe", "user_id": self.user_rm_a.id,
        }
        with self.assertRaises(AccessError) as caught:
            self.env["mail.activity"].with_user(self.user_rm_a).create(values)
        self.assertNotIn("Customer C", str(caught.exception))
        activity = self.env["mail.activity"].with_user(self.user_rm_a).create(dict(values, res_id=self.customer_a.id))
        self.assertEqual(activity.res_name, "Customer A")

    # ------------------------------------------------------------------
    # Class f: opportunities follow the customer
    # ------------------------------------------------------------------

    def test_opportunities_follow_a_reassignment(self):
        lead = self.env["crm.lead"].create({
            "name": "Fund for A", "partner_id": self.customer_a.id, "team_id": self.team.id,
            "user_id": self.user_rm_a.id, "type": "opportunity",
        })
        lead.with_user(self.user_rm_a).read(["phone", "email_from"])
        with self.assertRaises(AccessError):
            lead.with_user(self.user_rm_c).read(["name"])
        # The unit head gives customer A to RM C (backup cleared): RM A no longer serves A.
        self.customer_a.write({"bank_rm_id": self.rm_c.id, "bank_backup_rm_id": False})
        self.assertEqual(lead.user_id, self.user_rm_c, "the open opportunity moved to the new RM")
        self.assertEqual(lead.team_id, self.team)
        with self.assertRaises(AccessError):
            lead.with_user(self.user_rm_a).read(["phone"])
        self.assertNotIn(lead, self.env["crm.lead"].with_user(self.user_rm_a).search([]))
        self.assertEqual(lead.with_user(self.user_rm_c).read(["name"])[0]["name"], "Fund for A")

    def test_former_owner_loses_a_lead_not_moved(self):
        """A won opportunity stays with its salesperson, who still loses access with the customer."""
        lead = self.env["crm.lead"].create({
            "name": "Old fund for A", "partner_id": self.customer_a.id, "team_id": self.team.id,
            "user_id": self.user_rm_a.id, "type": "opportunity",
        })
        lead.action_set_won()
        self.customer_a.write({"bank_rm_id": self.rm_c.id, "bank_backup_rm_id": False})
        self.assertEqual(lead.user_id, self.user_rm_a)
        with self.assertRaises(AccessError):
            lead.with_user(self.user_rm_a).read(["name"])
        lead.with_user(self.user_rm_c).read(["name"])

    # ------------------------------------------------------------------
    # Class j: the VIP time share
    # ------------------------------------------------------------------

    def test_vip_time_share_as_the_user(self):
        today = self.today
        self.env["bank.maintenance.log"].create({
            "partner_id": self.customer_b.id, "rm_id": self.rm_b.id, "summary": "Call", "date": today,
            "minutes": 40,
        })
        # Read right after the write, in the same transaction: _depends flushes the log first.
        share = self.env["bank.vip.time.share"].search([("rm_id", "=", self.rm_b.id)])
        self.assertEqual(share.minutes_total, 40)
        self.assertEqual(self.rm_b.with_user(self.user_rm_b).minutes_logged, 40)
        self.assertEqual(self.rm_b.with_user(self.user_office).minutes_logged, 40)
        # A colleague reads the RM but not the RM's share: the rules of the share hold.
        colleague = self.rm_b.with_user(self.user_rm_a)
        self.assertEqual(colleague.name, self.rm_b.name)
        self.assertEqual(colleague.minutes_logged, 0)
        self.assertFalse(self.env["bank.vip.time.share"].with_user(self.user_rm_a).search(
            [("rm_id", "=", self.rm_b.id)]
        ))


@tagged("post_install", "-at_install")
class TestCheckoutNames(DossierCase):

    def test_checkout_customer_must_be_readable(self):
        """A pending check-out's customer pointed at a customer the RM cannot read: refused, the
        message names the field only, and nothing changes."""
        line = self.request()
        with self.assertRaises(AccessError) as caught:
            line.with_user(self.user_rm_a).write({"partner_id": self.customer_c.id})
        self.assertNotIn("Customer C", str(caught.exception))
        self.assertEqual(line.partner_id, self.customer_a)
        self.assertEqual(self.dossier_a.partner_id, self.customer_a)
