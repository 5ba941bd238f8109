# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .bank_dossier import DOSSIER_STATES

# Kinds of item a handover list carries: the customers (A and B roles), the electronic files of
# the primary customers, and their physical dossiers (bank.dossier, one line per dossier not
# closed, the bag number as reference). A new kind adds its value here, its own fields, its
# lines in _bank_prepare_items(), its identity in _item_key() below and its move on done in
# bank.handover._transfer_other_items() (bank_handover_transfer.py).
LINE_TYPES = [
    ("customer", "Customer"),
    ("file", "Electronic file"),
    ("dossier", "Physical dossier"),
]
RM_ROLES = [("primary", "Primary RM (A role)"), ("backup", "Backup RM (B role)")]


class BankHandoverLine(models.Model):
    """One item of the handover list (移交清单): a customer, an electronic file or a dossier.

    Lines are written by the handover's actions only; during the handover meeting the
    participants tick each item as it is handed over, and who ticked it and when is kept.
    The list is built here too (_bank_refresh_list), from the outgoing RM's portfolio.
    """

    _name = "bank.handover.line"
    _description = "Handover list item"
    _inherit = ["bank.guard.mixin"]
    _order = "handover_id, sequence, id"
    # The guard (models/bank_guard_mixin.py): lines are prepared by the handover (the system); users
    # only tick them, through action_check / action_uncheck, as participants of the meeting. The
    # customer and dossier of an item never change; the list of a closed handover is kept as it was.
    _bank_action_fields = frozenset({
        "sequence", "line_type", "rm_role", "attachment_id", "reference", "name", "tier_id", "currency_id",
        "aum", "backup_rm_name", "dossier_state", "dossier_unit_id", "checked", "checked_by_id", "checked_at",
        "company_id",
    })
    _bank_fixed_fields = frozenset({"handover_id", "partner_id", "dossier_id"})
    _bank_state_field = "handover_state"
    _bank_locked_states = frozenset({"done", "filed", "cancelled"})
    _bank_steps = {"tick": ("in_progress",)}

    handover_id = fields.Many2one("bank.handover", required=True, index=True, ondelete="cascade")
    handover_state = fields.Selection(related="handover_id.state", string="Handover status")
    sequence = fields.Integer(default=10)
    line_type = fields.Selection(LINE_TYPES, string="Item", required=True, default="customer")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, ondelete="restrict")
    rm_role = fields.Selection(RM_ROLES, string="Outgoing RM's role")
    attachment_id = fields.Many2one("ir.attachment", string="Document", ondelete="set null")
    dossier_id = fields.Many2one("bank.dossier", string="Dossier", index="btree_not_null", ondelete="restrict")
    reference = fields.Char(help="Customer number, file name or dossier bag number.")
    name = fields.Char(string="Description")
    # Snapshots taken when the list is prepared and again on done: the filed list says what
    # was handed over, whatever happens to the customer afterwards.
    tier_id = fields.Many2one("bank.vip.tier", string="Tier")
    currency_id = fields.Many2one("res.currency", string="Currency")
    aum = fields.Monetary(string="AUM", currency_field="currency_id")
    backup_rm_name = fields.Char(string="Backup RM")
    # The dossier as it stood: its status and the unit whose cabinet keeps the bag.
    dossier_state = fields.Selection(DOSSIER_STATES, string="Dossier status")
    dossier_unit_id = fields.Many2one("bank.org.unit", string="Bag kept at", ondelete="restrict")
    checked = fields.Boolean(string="Handed over", readonly=True)
    checked_by_id = fields.Many2one("res.users", string="Ticked by", readonly=True)
    checked_at = fields.Datetime(string="Ticked at", readonly=True)
    company_id = fields.Many2one(related="handover_id.company_id", store=True, index=True)
    can_tick = fields.Boolean(compute="_compute_bank_can", help="The user may tick or untick the item.")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        for line in self:
            if line.handover_id.state in ("done", "filed", "cancelled"):
                raise UserError(
                    self.env._(
                        "Handover %(handover)s is %(state)s: its list is kept as it was.",
                        handover=line.handover_id.name,
                        state=line.handover_id._bank_state_label(),
                    )
                )

    def action_check(self):
        """A participant of the handover meeting ticks the items as they are handed over."""
        self._set_checked(True)
        return True

    def action_uncheck(self):
        self._set_checked(False)
        return True

    def _set_checked(self, checked):
        self._bank_start_step("tick")
        self._bank_system_write({
            "checked": checked,
            "checked_by_id": self.env.uid if checked else False,
            "checked_at": fields.Datetime.now() if checked else False,
        })

    def _bank_may_tick(self):
        return self.handover_id._participant_problem()

    def _item_key(self):
        """What identifies an item on the list, to refresh it without duplicates."""
        self.ensure_one()
        return self._item_key_from_vals({
            "line_type": self.line_type,
            "partner_id": self.partner_id.id,
            "rm_role": self.rm_role,
            "attachment_id": self.attachment_id.id,
            "dossier_id": self.dossier_id.id,
        })

    @api.model
    def _item_key_from_vals(self, vals):
        return (
            vals.get("line_type"),
            vals.get("partner_id") or False,
            vals.get("rm_role") or False,
            vals.get("attachment_id") or False,
            vals.get("dossier_id") or False,
        )

    # ------------------------------------------------------------------
    # Building the list
    # ------------------------------------------------------------------

    @api.model
    def _bank_refresh_list(self, handover):
        """Add the items missing from ``handover``'s list and drop those no longer the outgoing
        RM's; the caller (a step of the handover) has checked the user."""
        handover.ensure_one()
        # sudo: the list is the system's, built from the outgoing RM's whole portfolio.
        handover = handover.sudo()
        lines = handover.line_ids
        wanted = {self._item_key_from_vals(vals): vals for vals in self._bank_prepare_items(handover)}
        existing = {line._item_key(): line for line in lines}
        stale = lines.browse([line.id for key, line in existing.items() if key not in wanted])
        stale.unlink()
        new = [vals for key, vals in wanted.items() if key not in existing]
        if new:
            self._bank_system_create(new)
        # A dossier listed earlier may have gone out or come back since: its line says so now.
        lines.browse(
            [line.id for key, line in existing.items() if key in wanted and line.line_type == "dossier"]
        )._bank_update_dossier_snapshots()

    @api.model
    def _bank_prepare_items(self, handover):
        """Values of every item the outgoing RM hands over, in list order.

        The customers where the RM is primary (A role) or backup (B role), then the electronic
        files (the documents attached to the customer records of their primary customers), then
        the physical dossiers of the primary customers (bag number, status, where it is kept).
        """
        handover.ensure_one()
        rm = handover.outgoing_rm_id
        Partner = self.env["res.partner"]
        primary = Partner.search([("bank_rm_id", "=", rm.id)], order="name, id")
        backup = Partner.search([("bank_backup_rm_id", "=", rm.id)], order="name, id")
        values = []
        for role, partners, sequence in (("primary", primary, 10), ("backup", backup, 20)):
            for partner in partners:
                values.append({
                    "handover_id": handover.id,
                    "sequence": sequence,
                    "line_type": "customer",
                    "partner_id": partner.id,
                    "rm_role": role,
                    **self._bank_customer_snapshot(partner),
                })
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", primary.ids)], order="res_id, name, id"
        )
        for attachment in attachments:
            partner = primary.browse(attachment.res_id)
            values.append({
                "handover_id": handover.id,
                "sequence": 30,
                "line_type": "file",
                "partner_id": partner.id,
                "attachment_id": attachment.id,
                "reference": attachment.name,
                "name": partner.name,
            })
        for dossier in self._bank_dossiers_of(primary):
            values.append({
                "handover_id": handover.id,
                "sequence": 40,
                "line_type": "dossier",
                "partner_id": dossier.partner_id.id,
                "dossier_id": dossier.id,
                "name": dossier.partner_id.name,
                **self._bank_dossier_snapshot(dossier),
            })
        return values

    @api.model
    def _bank_dossiers_of(self, partners):
        """The dossiers handed over with the customers: every one not closed (draft, in custody or
        checked out); a closed dossier belongs to a customer who left and stays where it is."""
        return self.env["bank.dossier"].search(
            [("partner_id", "in", partners.ids), ("state", "!=", "closed")], order="bag_no, id"
        )

    def _bank_update_dossier_snapshots(self):
        """Bring these dossier lines' snapshots up to date, writing only those that changed."""
        for line in self:
            snapshot = self._bank_dossier_snapshot(line.dossier_id)
            if (line.reference, line.dossier_state, line.dossier_unit_id.id) != (
                snapshot["reference"], snapshot["dossier_state"], snapshot["dossier_unit_id"]
            ):
                line._bank_system_write(snapshot)

    @api.model
    def _bank_dossier_snapshot(self, dossier):
        """What the list records of a dossier: its bag number, status and the unit that keeps it."""
        return {
            "reference": dossier.bag_no,
            "dossier_state": dossier.state,
            "dossier_unit_id": dossier.unit_id.id,
        }

    @api.model
    def _bank_customer_snapshot(self, partner):
        """What the list records of a customer: number, name, tier, AUM, backup RM."""
        return {
            "reference": partner.bank_customer_no,
            "name": partner.name,
            "tier_id": partner.bank_tier_id.id,
            "currency_id": partner.bank_currency_id.id,
            "aum": partner.bank_aum,
            "backup_rm_name": partner.bank_backup_rm_id.name or False,
        }
