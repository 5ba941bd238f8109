# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BankVipTier(models.Model):
    """A customer tier (VIP, wealth gold...): reached when any of its rules holds.

    A tier flagged ``is_potential_rule`` is never given to a customer: its rules only mark
    customers as potential (e.g. a high annual income without the assets yet).
    """

    _name = "bank.vip.tier"
    _description = "Customer tier"
    # NULLS LAST: ordering customers by their tier (the customer list's default order,
    # views/res_partner_form_views.xml) puts the customers without a tier after the tiered ones.
    _order = "rank desc nulls last, id"
    _inherit = ["bank.config.mixin"]
    # Four eyes (models/bank_config_mixin.py): what decides the tier changes by approved request only.
    _bank_action_fields = frozenset({
        "code", "rank", "contact_interval_days", "downgrade_grace_days", "is_potential_rule", "rule_ids", "active",
    })
    _bank_config_free_fields = frozenset({"name", "color"})

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    rank = fields.Integer(required=True, help="Higher is better: a customer gets the highest tier reached.")
    contact_interval_days = fields.Integer(
        string="Contact every (days)", default=30, help="How often the RM must contact a customer of this tier."
    )
    downgrade_grace_days = fields.Integer(
        string="Downgrade grace (days)",
        default=0,
        help="A customer who stops qualifying keeps the tier until they have failed for this many days in a row.",
    )
    color = fields.Integer()
    is_potential_rule = fields.Boolean(
        string="Marks potential customers only",
        help="Customers meeting a rule of this tier are flagged as potential customers; "
        "the tier itself is never given.",
    )
    rule_ids = fields.One2many("bank.tier.rule", "tier_id", string="Rules")
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "A tier code must be unique.")

    @api.constrains("contact_interval_days", "downgrade_grace_days")
    def _check_days(self):
        for tier in self:
            if tier.contact_interval_days <= 0 or tier.downgrade_grace_days < 0:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s: the contact interval must be positive and the downgrade grace zero or more.",
                        tier=tier.name,
                    )
                )
