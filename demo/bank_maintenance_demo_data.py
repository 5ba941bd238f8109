# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import random

from odoo import api, models

_SUMMARIES = {
    "periodic": ["Quarterly check-in call", "Reviewed the portfolio together", "Asked about family news"],
    "maturity": ["Time deposit matures: proposed a renewal", "Wealth product matures: discussed options"],
    "sale": ["Presented a fund to diversify", "Explained the new wealth product"],
    "service": ["Helped with a transfer abroad", "Updated the contact details"],
    "birthday": ["Birthday wishes and a small gift"],
    "holiday": ["Mid-Autumn greetings and mooncakes"],
}
_CHANNELS = ["phone", "phone", "phone", "wechat", "wechat", "visit", "meeting", "sms", "email"]


class BankMaintenanceDemoData(models.AbstractModel):
    """A few weeks of contacts of the demo RMs, then tonight's planning, for the demo database."""

    _name = "bank.maintenance.demo.data"
    _description = "Demo maintenance generator"

    @api.model
    def _generate_logs(self, weeks=6):
        Log = self.env["bank.maintenance.log"]
        customers = self.env["res.partner"].search(
            [("is_bank_customer", "=", True), ("bank_rm_id", "!=", False)], order="id"
        )
        if Log.search_count([("partner_id", "in", customers.ids)], limit=1):
            return
        rng = random.Random(20261203)
        today = self.env.company._bank_today()
        vals_list = []
        for index, customer in enumerate(customers):
            # Tiered customers are contacted more often, as the seed asks (70 % of the time).
            contacts = rng.randint(2, 4) if customer.bank_tier_id else rng.randint(0, 2)
            if index % 9 == 4:
                contacts = 0  # never contacted: tonight's planning asks for a periodic contact
            for _contact in range(contacts):
                log_type = rng.choice(["periodic", "periodic", "sale", "service", "maturity"])
                vals_list.append({
                    "partner_id": customer.id,
                    "rm_id": customer.bank_rm_id.id,
                    "date": today - datetime.timedelta(days=rng.randint(0, weeks * 7)),
                    "channel": rng.choice(_CHANNELS),
                    "log_type": log_type,
                    "summary": rng.choice(_SUMMARIES[log_type]),
                    "outcome": rng.choice(["done", "done", "done", "follow_up", "not_reached"]),
                    "minutes": rng.choice([5, 10, 15, 20, 30, 45, 60]),
                })
        Log.create(vals_list)
        self.env["bank.maintenance.plan"]._cron_plan(today, commit=False)
