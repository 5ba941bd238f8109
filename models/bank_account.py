# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BankAccount(models.Model):
    """A customer's holding in one product: a deposit, a fund position, a loan.

    ``balance`` and ``balance_date`` mirror the newest ``bank.balance`` row; they are kept
    by ``bank.balance.load_balances`` in the same statement batch as the rows themselves.
    """

    _name = "bank.account"
    _description = "Bank account"
    _inherit = ["bank.guard.mixin"]
    _order = "partner_id, category_id, account_no"
    # The guard (models/bank_guard_mixin.py): the latest balance is load_balances' (set-based SQL);
    # an account stays with the customer it was opened for (the rules read partner_id).
    _bank_action_fields = frozenset({"balance", "balance_date", "kind"})
    _bank_fixed_fields = frozenset({"partner_id", "company_id"})
    _rec_name = "account_no"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        domain=[("is_bank_customer", "=", True)],
    )
    category_id = fields.Many2one("bank.product.category", string="Product category", required=True, index=True)
    kind = fields.Selection(related="category_id.kind", store=True)
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    account_no = fields.Char(string="Account number", required=True, index=True)
    open_date = fields.Date(string="Opened on")
    maturity_date = fields.Date(string="Matures on", help="Time deposits, wealth products and loans.")
    contract_amount = fields.Monetary(
        string="Contract amount", help="Loan principal or purchase amount of the product."
    )
    balance = fields.Monetary(string="Latest balance", readonly=True)
    balance_date = fields.Date(string="Balance date", readonly=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)

    _account_no_company_uniq = models.Constraint(
        "UNIQUE(company_id, account_no)", "An account number must be unique within its company."
    )

    @api.constrains("contract_amount")
    def _check_contract_amount(self):
        for account in self:
            if not math.isfinite(account.contract_amount) or account.contract_amount < 0:
                raise ValidationError(
                    self.env._(
                        "Account %(account)s: the Contract amount must be a finite amount of zero or more.",
                        account=account.account_no,
                    )
                )

    @api.constrains("open_date", "maturity_date")
    def _check_dates(self):
        for account in self:
            if account.open_date and account.maturity_date and account.maturity_date < account.open_date:
                raise ValidationError(
                    self.env._(
                        "Account %(account)s: the maturity date cannot precede the opening date (field Matures on).",
                        account=account.account_no,
                    )
                )

    def action_view_balances(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("bank_relationship_manager.bank_balance_action")
        action["domain"] = [("account_id", "in", self.ids)]
        return action
