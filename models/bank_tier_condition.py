# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Metrics summed over product categories; annual_income is the customer's own field.
METRICS = [
    ("balance", "Balance on the day"),
    ("xun_avg_6m", "Half-year 10-day average"),
    ("contract_amount", "Contract amount"),
    ("max_contract_amount", "Largest single contract"),
    ("annual_income", "Annual income"),
]
METRICS_WITHOUT_CATEGORIES = {"annual_income"}


class BankTierCondition(models.Model):
    """A threshold on one metric, summed over some product categories, in some currency."""

    _name = "bank.tier.condition"
    _description = "Tier condition"
    _order = "rule_id, id"
    _inherit = ["bank.config.mixin"]
    # Four eyes (models/bank_config_mixin.py): every field of a threshold.
    _bank_action_fields = frozenset({"rule_id", "metric", "category_ids", "operator", "amount", "currency_id"})
    _bank_config_free_fields = frozenset()

    rule_id = fields.Many2one("bank.tier.rule", string="Rule", required=True, ondelete="cascade", index=True)
    metric = fields.Selection(METRICS, required=True)
    category_ids = fields.Many2many("bank.product.category", string="Product categories")
    operator = fields.Selection([(">=", "at least"), (">", "more than")], required=True, default=">=")
    amount = fields.Monetary(string="Threshold", required=True)
    currency_id = fields.Many2one(
        "res.currency", string="Currency", required=True, default=lambda self: self.env.company.currency_id
    )

    @api.depends("metric", "category_ids", "operator", "amount", "currency_id")
    def _compute_display_name(self):
        for condition in self:
            if not condition.metric:
                condition.display_name = False
                continue
            categories = ", ".join(condition.category_ids.mapped("code"))
            condition.display_name = (
                f"{condition._metric_label()}{f' [{categories}]' if categories else ''} "
                f"{condition.operator} {condition.amount:,.0f} {condition.currency_id.name or ''}"
            )

    @api.constrains("amount", "metric", "category_ids")
    def _check_condition(self):
        for condition in self:
            label = f"{condition.rule_id.name} / {condition._metric_label()}"
            if not math.isfinite(condition.amount) or condition.amount <= 0:
                raise ValidationError(
                    self.env._("Condition %(condition)s: the Threshold must be a positive amount.", condition=label)
                )
            if condition.metric not in METRICS_WITHOUT_CATEGORIES and not condition.category_ids:
                raise ValidationError(
                    self.env._(
                        "Condition %(condition)s: this metric sums balances over product categories: "
                        "choose at least one (field Product categories).",
                        condition=label,
                    )
                )

    def _metric_label(self):
        return dict(self._fields["metric"]._description_selection(self.env))[self.metric]
