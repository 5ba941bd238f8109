# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class BankHandoverReject(models.TransientModel):
    """Asks the approver why the departure request goes back to draft."""

    _name = "bank.handover.reject"
    _description = "Reject a departure request"
    _inherit = ["bank.guard.mixin"]

    handover_id = fields.Many2one("bank.handover", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self.handover_id.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
