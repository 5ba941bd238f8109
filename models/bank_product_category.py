# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .bank_guard_mixin import value_error


class BankProductCategory(models.Model):
    """A family of bank products (demand deposits, funds, pledge loans...): what tier
    conditions sum balances over, and what a customer's holdings earn the bank (the monthly
    value snapshot, docs/value.md)."""

    _name = "bank.product.category"
    _description = "Bank product category"
    _inherit = ["bank.guard.mixin"]
    _order = "sequence, code"
    # The guard (models/bank_guard_mixin.py): accounts, balances, tier conditions and outside
    # feeds rely on a category's code, and its kind decides whether balances count in the AUM.
    _bank_fixed_fields = frozenset({"code", "kind"})

    code = fields.Char(required=True)
    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        [("deposit", "Deposit"), ("investment", "Investment"), ("loan", "Loan")],
        required=True,
        help="Deposits and investments count in the customer's assets (AUM); loans do not.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    # Contribution parameters (客户价值, docs/value.md): administrators' configuration.
    margin_rate = fields.Float(
        string="Annual margin (%)", digits=(6, 3),
        help="What the bank earns per year on the average balance, in percent: the net interest margin of a "
        "deposit or a loan, the fee rate of an investment product.",
    )
    risk_cost_rate = fields.Float(
        string="Annual risk cost (%)", digits=(6, 3),
        help="Loans: the expected credit loss per year on the average outstanding balance, in percent.",
    )

    _code_uniq = models.Constraint("UNIQUE(code)", "A product category code must be unique.")

    @api.constrains("margin_rate", "risk_cost_rate", "kind")
    def _check_contribution_rates(self):
        for category in self:
            for field_name in ("margin_rate", "risk_cost_rate"):
                if not 0 <= category[field_name] <= 100:
                    raise value_error(category, field_name, self.env._(
                        "a rate is a percentage between 0 and 100."
                    ))
            if category.kind != "loan" and category.risk_cost_rate:
                raise value_error(category, "risk_cost_rate", self.env._("only loans carry a risk cost."))
