# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from .bank_maintenance_band import MAINTENANCE_LEVELS


class ResCompany(models.Model):
    """When customers get a written value analysis (models/bank_value_analysis.py): each quarter,
    monthly from a maintenance level up."""

    _inherit = "res.company"

    bank_value_analysis_monthly_level = fields.Selection(
        MAINTENANCE_LEVELS, string="Monthly value analysis from", default="branch",
        help="Customers maintained at this level or above get a written value analysis every month, the other "
             "tiered customers every quarter. Empty: every quarter for everyone.",
    )
