# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, models

# Every third demo customer's holdings grew over the year, every third shrank (README, "Customer
# value"); the smallest customers were visited twice a month (a visit costs more than they earn).
_TRENDS = {0: (0.55, 0.07), 1: (1.6, -0.08), 2: (1.0, 0.0)}
_LOSS_MAKERS = 4


class BankCustomerValueDemoData(models.AbstractModel):
    """Twelve months of value snapshots of the demo customers, for the demo database."""

    _name = "bank.customer.value.demo.data"
    _description = "Demo customer value generator"

    @api.model
    def _generate_values(self, months=12):
        Value = self.env["bank.customer.value"]
        customers = self.env["res.partner"].search(
            [("is_bank_customer", "=", True), ("bank_rm_id", "!=", False)], order="id"
        )
        if not customers or Value.search_count([("partner_id", "in", customers.ids)], limit=1):
            return
        today = self.env.company._bank_today()
        this_month = today.replace(day=1)
        first_month = this_month - relativedelta(months=months)
        self._backfill_balances(customers, first_month)
        self._visits(customers, first_month, this_month)
        month = first_month
        while month < this_month:
            Value.generate_month(month)
            if month < this_month - relativedelta(months=1):
                Value.action_close_month(month)
            month += relativedelta(months=1)

    @api.model
    def _backfill_balances(self, customers, first_month):
        """A balance on the first of each month before the six months of holdings
        (demo/bank_demo_data.py), with a trend per customer, through load_balances."""
        rows = []
        accounts = self.env["bank.account"].search([("partner_id", "in", customers.ids), ("balance_date", "!=", False)])
        index = {partner.id: position for position, partner in enumerate(customers)}
        oldest = dict(self.env["bank.balance"]._read_group(
            [("account_id", "in", accounts.ids)], ["account_id"], ["date:min"],
        ))
        for account in accounts:
            start, step = _TRENDS[index[account.partner_id.id] % 3]
            month, k = first_month, 0
            while True:
                if month >= oldest[account]:
                    break
                if not account.open_date or account.open_date <= month:
                    rows.append({"account_no": account.account_no, "date": month,
                                 "balance": round(account.balance * (start + step * k), 2)})
                month += relativedelta(months=1)
                k += 1
        if rows:
            self.env["bank.balance"].load_balances(rows)

    @api.model
    def _visits(self, customers, first_month, this_month):
        """The smallest customers got two visits every month: they cost the bank more than they earn."""
        small = customers.sorted(lambda partner: (partner.bank_aum, partner.id))[:_LOSS_MAKERS]
        vals_list = []
        month = first_month
        while month < this_month:
            for customer in small:
                for day in (5, 20):
                    vals_list.append({
                        "partner_id": customer.id, "rm_id": customer.bank_rm_id.id,
                        "date": month + datetime.timedelta(days=day - 1), "channel": "visit",
                        "log_type": "service", "summary": "Helped with a transfer abroad", "outcome": "done",
                        "minutes": 60,
                    })
            month += relativedelta(months=1)
        self.env["bank.maintenance.log"].create(vals_list)
