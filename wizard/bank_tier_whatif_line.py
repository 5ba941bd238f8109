# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BankTierWhatifLine(models.TransientModel):
    _name = "bank.tier.whatif.line"
    _description = "Tier what-if threshold"
    _inherit = ["bank.guard.mixin"]

    wizard_id = fields.Many2one("bank.tier.whatif", required=True, ondelete="cascade")
    condition_id = fields.Many2one("bank.tier.condition", required=True, ondelete="cascade")
    tier_id = fields.Many2one(related="condition_id.rule_id.tier_id")
    rule_id = fields.Many2one(related="condition_id.rule_id")
    currency_id = fields.Many2one(related="condition_id.currency_id")
    current_amount = fields.Monetary(related="condition_id.amount", string="Current threshold")
    new_amount = fields.Monetary(string="New threshold", required=True)

    @api.constrains("new_amount")
    def _check_new_amount(self):
        for line in self:
            if not line.new_amount or line.new_amount <= 0 or line.new_amount != line.new_amount:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the New threshold must be a positive amount.", rule=line.rule_id.name
                    )
                )
