# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError


class BankTierHistory(models.Model):
    """One change of a customer's tier, with the figures that decided it. Never rewritten."""

    _name = "bank.tier.history"
    _description = "Tier change"
    _order = "date desc, id desc"
    _allow_sudo_commands = False

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    date = fields.Date(required=True, index=True)
    old_tier_id = fields.Many2one("bank.vip.tier", string="From tier", ondelete="restrict")
    new_tier_id = fields.Many2one("bank.vip.tier", string="To tier", ondelete="restrict")
    reason = fields.Text(required=True)

    def write(self, vals):
        raise UserError(self.env._("Tier history cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Tier history cannot be deleted."))
