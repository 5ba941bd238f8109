# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class BankHoliday(models.Model):
    """A public holiday before which tiered customers get a greeting (节日问候)."""

    _name = "bank.holiday"
    _description = "Holiday"
    _inherit = ["bank.guard.mixin"]
    _order = "date, id"

    name = fields.Char(required=True, translate=True)
    date = fields.Date(required=True, index=True)
    active = fields.Boolean(default=True)

    _name_date_uniq = models.Constraint("UNIQUE(name, date)", "A holiday is entered once per date.")
