# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .bank_guard_mixin import value_error
from .bank_maintenance_log import CONTACT_CHANNELS


class BankServiceCost(models.Model):
    """What one contact with a customer costs the bank, by channel (a visit costs more than an
    SMS): the service cost of the monthly value snapshot counts the month's maintenance logs at
    these prices (docs/value.md). A channel without a price costs nothing."""

    _name = "bank.service.cost"
    _description = "Service cost per contact"
    _inherit = ["bank.guard.mixin"]
    _order = "company_id, cost desc, channel"
    _rec_name = "channel"
    # The guard (models/bank_guard_mixin.py): the company rule reads company_id.
    _bank_fixed_fields = frozenset({"company_id"})

    channel = fields.Selection(CONTACT_CHANNELS, required=True)
    cost = fields.Monetary(
        string="Cost per contact", required=True, currency_field="currency_id",
        help="Staff time and material of one contact through this channel, in company currency.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")

    _channel_company_uniq = models.Constraint(
        "UNIQUE(company_id, channel)", "A channel has one service cost per company."
    )

    @api.constrains("cost")
    def _check_cost(self):
        for line in self:
            if line.cost < 0:
                raise value_error(line, "cost", self.env._("a cost cannot be negative."))
