# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .bank_guard_mixin import guard_error

ASSIGNMENT_FIELDS = [
    ("bank_rm_id", "Primary RM"),
    ("bank_backup_rm_id", "Backup RM"),
    ("bank_unit_id", "Unit"),
]


class BankAssignmentHistory(models.Model):
    """One change of a customer's primary RM, backup RM or unit: who, when and why.

    Chatter tracking is no audit: ``tracking_disable`` / ``mail_notrack`` switch it off and
    messages can be deleted (docs/guards.md). This register is written by ``res.partner.write``
    itself whatever the context, appended through ``_bank_system_create`` only, never changed
    nor deleted (the append-only pattern of models/bank_dossier_ledger.py)."""

    _name = "bank.assignment.history"
    _description = "Customer assignment change"
    _inherit = ["bank.guard.mixin"]
    _order = "date desc, id desc"
    _allow_sudo_commands = False
    _bank_action_fields = frozenset({
        "partner_id", "field_name", "old_value", "new_value", "old_res_id", "new_res_id", "user_id", "date",
        "reason",
    })

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    field_name = fields.Selection(ASSIGNMENT_FIELDS, string="Changed", required=True)
    old_value = fields.Char(string="From")
    new_value = fields.Char(string="To")
    old_res_id = fields.Integer(string="From (id)")
    new_res_id = fields.Integer(string="To (id)")
    user_id = fields.Many2one("res.users", string="By", required=True, ondelete="restrict")
    date = fields.Datetime(string="When", required=True)
    reason = fields.Text(string="Why")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise guard_error(self, "partner_id", self.env._(
                "the assignment history is written when a customer's RMs or unit change, not by hand."
            ))
        return super().create(vals_list)

    def write(self, vals):
        # Not even as superuser: the history is appended, never rewritten.
        raise guard_error(self, sorted(vals)[0] if vals else "partner_id", self.env._(
            "the assignment history cannot be changed."
        ))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise guard_error(self, "partner_id", self.env._("the assignment history cannot be deleted."))
