# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

LOAN_ALARM_DAYS_PARAM = "bank_relationship_manager.loan_alarm_days"
LOAN_ALARM_DAYS_DEFAULT = 10


class BankAccount(models.Model):
    """A customer's holding in one product: a deposit, a fund position, a loan.

    ``balance`` and ``balance_date`` mirror the newest ``bank.balance`` row; they are kept
    by ``bank.balance.load_balances`` in the same statement batch as the rows themselves.
    """

    _name = "bank.account"
    _description = "Bank account"
    _inherit = ["bank.guard.mixin"]
    _order = "partner_id, category_id, account_no"
    # The guard (models/bank_guard_mixin.py): the latest balance and the loan figures are
    # load_balances' (set-based SQL); an account stays with the customer it was opened for (the
    # rules read partner_id).
    _bank_action_fields = frozenset({
        "balance", "balance_date", "kind", "days_overdue", "arrears_amount", "loan_figures_date",
        "loan_exception_since",
    })
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
    # Loan exceptions (SPEC §9a): set by the balance feed only (load_balances' optional keys).
    days_overdue = fields.Integer(
        string="Days overdue", readonly=True, index="btree_not_null",
        help="Loans: days the repayment is overdue, as of the feed's newest row carrying it.",
    )
    arrears_amount = fields.Monetary(
        string="Arrears", readonly=True,
        help="Loans: interest or instalments due and unpaid (欠息), in the account's currency.",
    )
    loan_figures_date = fields.Date(
        string="Loan figures as of", readonly=True,
        help="Date of the feed's row that gave the days overdue and arrears.",
    )
    loan_exception_since = fields.Date(
        string="In exception since", readonly=True, index="btree_not_null",
        help="First day of the current exception (overdue or in arrears); empty once the feed clears the loan.",
    )
    loan_status = fields.Selection(
        [("normal", "Normal"), ("exception", "Exception"), ("alarm", "Alarm")],
        string="Loan status", compute="_compute_loan_status", search="_search_loan_status",
        help="Exception: overdue or in arrears. Alarm: overdue beyond the alarm days of the settings.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)

    _account_no_company_uniq = models.Constraint(
        "UNIQUE(company_id, account_no)", "An account number must be unique within its company."
    )

    def init(self):
        # Half of each page left free (docs/scaling.md): the nightly feed updates every loaded
        # account's latest balance, and with room in its page the update is HOT (no index entry
        # written): 60,000 accounts 1.7 s -> 0.24-0.34 s, 98-100 % HOT, the following nights too.
        # A row moves into such a page at its first update after this is set.
        self.env.cr.execute("ALTER TABLE bank_account SET (fillfactor = 50)")

    @api.depends("kind", "days_overdue", "arrears_amount")
    def _compute_loan_status(self):
        alarm_days = self._bank_loan_alarm_days()
        for account in self:
            if account.kind != "loan" or not (account.days_overdue > 0 or account.arrears_amount > 0):
                account.loan_status = "normal"
            elif account.days_overdue > alarm_days:
                account.loan_status = "alarm"
            else:
                account.loan_status = "exception"

    def _search_loan_status(self, operator, value):
        if operator not in ("=", "in"):
            return NotImplemented
        values = {value} if operator == "=" else set(value)
        exception = Domain("kind", "=", "loan") & (Domain("days_overdue", ">", 0) | Domain("arrears_amount", ">", 0))
        alarm = Domain("kind", "=", "loan") & Domain("days_overdue", ">", self._bank_loan_alarm_days())
        parts = []
        if "alarm" in values:
            parts.append(alarm)
        if "exception" in values:
            parts.append(exception & ~alarm)
        if "normal" in values:
            parts.append(~exception)
        return Domain.OR(parts) if parts else Domain.FALSE

    @api.model
    def _bank_loan_alarm_days(self):
        """Days overdue beyond which a loan exception is an alarm (setting, default 10)."""
        # sudo: system parameters are readable by administrators only; this day count is not secret.
        value = self.env["ir.config_parameter"].sudo().get_param(LOAN_ALARM_DAYS_PARAM, LOAN_ALARM_DAYS_DEFAULT)
        try:
            return int(value)
        except (TypeError, ValueError):
            return LOAN_ALARM_DAYS_DEFAULT

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
