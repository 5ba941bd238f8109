# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import random

from odoo import api, models

# Profiles of the demo customers, in the order of their records: every tier, potential
# customers and each maintenance level show up. Amounts in CNY unless the account says USD.
#   (label, [(category code, currency, balance target, contract amount)])
_PROFILES = [
    ("private banking", [("DEP_TIME", "CNY", 4200000, 0), ("WEALTH", "CNY", 2600000, 2600000)]),
    ("vip deposits", [("DEP_DEMAND", "CNY", 260000, 0), ("DEP_TIME", "CNY", 900000, 0)]),
    ("vip deposits", [("DEP_TIME", "CNY", 620000, 0)]),
    ("vip funds", [("FUND", "CNY", 780000, 600000), ("DEP_DEMAND", "CNY", 120000, 0)]),
    ("vip credit loan", [("LOAN_CREDIT", "CNY", 70000, 80000), ("DEP_DEMAND", "CNY", 40000, 0)]),
    ("vip housing loan", [("LOAN_HOUSING", "CNY", 3100000, 3500000), ("DEP_DEMAND", "CNY", 90000, 0)]),
    ("gold fx", [("DEP_FX", "USD", 52000, 0)]),
    ("gold deposits and mortgage", [("DEP_TIME", "CNY", 260000, 0), ("LOAN_MORTGAGE", "CNY", 380000, 420000)]),
    ("gold fx wealth", [("WEALTH_FX", "USD", 35000, 35000), ("DEP_DEMAND", "CNY", 60000, 0)]),
    ("potential deposits", [("DEP_TIME", "CNY", 450000, 0)]),
    ("potential funds", [("FUND", "CNY", 430000, 400000)]),
    ("ordinary", [("DEP_DEMAND", "CNY", 85000, 0)]),
    ("ordinary", [("DEP_DEMAND", "CNY", 150000, 0), ("INSURANCE", "CNY", 60000, 60000)]),
    ("ordinary", [("DEP_TIME", "CNY", 230000, 0)]),
]


class BankDemoData(models.AbstractModel):
    """Six months of holdings for the demo customers, loaded through load_balances."""

    _name = "bank.demo.data"
    _description = "Demo holdings generator"

    @api.model
    def _generate_holdings(self, days=183):
        customers = self.env["res.partner"].search(
            [("is_bank_customer", "=", True), ("bank_customer_no", "!=", False)], order="id"
        )
        if self.env["bank.account"].search_count([("partner_id", "in", customers.ids)], limit=1):
            return
        rng = random.Random(20261122)
        categories = {c.code: c for c in self.env["bank.product.category"].search([])}
        currencies = {"CNY": self.env.ref("base.CNY"), "USD": self.env.ref("base.USD")}
        today = self.env.company._bank_today()
        start = today - datetime.timedelta(days=days)
        account_values, rows = [], []
        for index, partner in enumerate(customers):
            label, holdings = _PROFILES[index % len(_PROFILES)]
            for number, (code, currency, target, contract) in enumerate(holdings, start=1):
                account_no = f"62{partner.id:08d}{number:02d}"
                account_values.append({
                    "partner_id": partner.id,
                    "category_id": categories[code].id,
                    "currency_id": currencies[currency].id,
                    "account_no": account_no,
                    "open_date": start - datetime.timedelta(days=rng.randint(30, 2000)),
                    "contract_amount": contract,
                    "maturity_date": (today + datetime.timedelta(days=rng.randint(20, 700)))
                    if code.startswith(("DEP_TIME", "WEALTH", "LOAN")) else False,
                })
                # A balance a week around the target, then the target itself today.
                day = start
                while day < today:
                    rows.append({"account_no": account_no, "date": day,
                                 "balance": round(target * rng.uniform(0.93, 1.07), 2)})
                    day += datetime.timedelta(days=7)
                rows.append({"account_no": account_no, "date": today, "balance": round(target, 2)})
        self.env["bank.account"].create(account_values)
        self.env["bank.balance"].load_balances(rows)
        customers.action_bank_evaluate(today)
