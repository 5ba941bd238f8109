# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """The written value analysis's rhythm (models/res_company_value_analysis.py) on the settings screen."""

    _inherit = "res.config.settings"

    bank_value_analysis_monthly_level = fields.Selection(
        related="company_id.bank_value_analysis_monthly_level", readonly=False,
    )
