# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class BankProductCategory(models.Model):
    """A family of bank products (demand deposits, funds, pledge loans...): what tier
    conditions sum balances over."""

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

    _code_uniq = models.Constraint("UNIQUE(code)", "A product category code must be unique.")
