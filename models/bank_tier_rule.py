# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BankTierRule(models.Model):
    """One way of reaching a tier: holds when all its conditions hold."""

    _name = "bank.tier.rule"
    _description = "Tier rule"
    _order = "tier_id, sequence, id"
    _inherit = ["bank.config.mixin"]
    # Four eyes (models/bank_config_mixin.py).
    _bank_action_fields = frozenset({"tier_id", "sequence", "condition_ids", "active"})

    tier_id = fields.Many2one("bank.vip.tier", string="Tier", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    condition_ids = fields.One2many("bank.tier.condition", "rule_id", string="Conditions", copy=True)
    active = fields.Boolean(default=True)

    @api.constrains("condition_ids", "active")
    def _check_has_conditions(self):
        for rule in self:
            if rule.active and not rule.condition_ids:
                raise ValidationError(
                    self.env._("Rule %(rule)s needs at least one condition (field Conditions).", rule=rule.name)
                )
