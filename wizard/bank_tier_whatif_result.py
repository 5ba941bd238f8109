# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class BankTierWhatifResult(models.TransientModel):
    _name = "bank.tier.whatif.result"
    _description = "Tier what-if effect"
    _inherit = ["bank.guard.mixin"]
    _order = "tier_id, movement"

    wizard_id = fields.Many2one("bank.tier.whatif", required=True, ondelete="cascade")
    tier_id = fields.Many2one("bank.vip.tier", required=True)
    movement = fields.Selection([("enter", "Would enter"), ("leave", "Would leave"), ("stay", "Would stay")])
    count = fields.Integer()
    partner_ids = fields.Many2many("res.partner", string="Customers (first 20)")
