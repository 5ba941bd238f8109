# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .bank_dossier import DOSSIER_STATES

# Kinds of item a handover list carries: the customers (A and B roles), the electronic files of
# the primary customers, and their physical dossiers (bank.dossier, one line per dossier not
# closed, the bag number as reference). A new kind adds its value here, its own fields, its
# lines in bank.handover._prepare_item_lines(), its identity in _item_key() below and its move
# on done in bank.handover._transfer_other_items().
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
    """

    _name = "bank.handover.line"
    _description = "Handover list item"
    _order = "handover_id, sequence, id"

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

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Handover list items are prepared by the handover only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._("Handover list items are ticked with their buttons, during the handover only.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        for line in self:
            if line.handover_id.state in ("done", "filed", "cancelled"):
                raise UserError(
                    self.env._(
                        "Handover %(handover)s is %(state)s: its list is kept as it was.",
                        handover=line.handover_id.name,
                        state=line.handover_id._state_label(),
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
        self.check_access("read")
        for handover in self.handover_id:
            if handover.state != "in_progress":
                raise UserError(
                    self.env._(
                        "Handover %(handover)s is %(state)s: items can be ticked only during the handover "
                        "(field Handed over).",
                        handover=handover.name,
                        state=handover._state_label(),
                    )
                )
            handover._check_participant()
        # sudo: lines are never written by users directly; the caller was checked above.
        self.sudo().write({
            "checked": checked,
            "checked_by_id": self.env.uid if checked else False,
            "checked_at": fields.Datetime.now() if checked else False,
        })

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
