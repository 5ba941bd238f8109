# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

# (category code, days overdue, arrears): two loans of the demo customers go wrong, one beyond the
# alarm days (README, "Customer state and post-loan checks").
_EXCEPTIONS = [("LOAN_CREDIT", 6, 320.0), ("LOAN_MORTGAGE", 15, 2400.0)]


class BankCustomerStateDemoData(models.AbstractModel):
    """Two loans in exception, then tonight's state flags and post-loan checks, for the demo database."""

    _name = "bank.customer.state.demo.data"
    _description = "Demo customer state generator"

    @api.model
    def _generate_loan_exceptions(self):
        today = self.env.company._bank_today()
        rows = []
        for code, days, arrears in _EXCEPTIONS:
            loan = self.env["bank.account"].search(
                [("category_id.code", "=", code), ("partner_id.bank_rm_id", "!=", False)], order="id", limit=1
            )
            if loan and not loan.loan_figures_date:
                rows.append({"account_no": loan.account_no, "date": today, "balance": loan.balance,
                             "days_overdue": days, "arrears_amount": arrears})
        if not rows:
            return
        self.env["bank.balance"].load_balances(rows)
        Partner = self.env["res.partner"]
        customers = Partner.search([("is_bank_customer", "=", True)])
        customers._bank_update_state(today, Partner._bank_state_settings(today))
        self.env["bank.maintenance.plan"]._cron_plan_post_loan(today, commit=False)
