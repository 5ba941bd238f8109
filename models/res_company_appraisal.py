# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class ResCompany(models.Model):
    """The appraisal's settings of the bank (Settings › Relationship Banking › Appraisal)."""

    _inherit = "res.company"

    bank_appraisal_cap = fields.Float(
        string="Default achievement cap (%)", default=120.0,
        help="A KPI's achievement counts up to this percentage, unless its plan says otherwise.",
    )
    bank_annual_weight_monthly = fields.Float(string="Annual weight of the monthly scores (%)", default=60.0)
    bank_annual_weight_peer = fields.Float(string="Annual weight of the peer review (%)", default=20.0)
    bank_annual_weight_supervisor = fields.Float(string="Annual weight of the supervisor (%)", default=20.0)
    bank_bottom_share = fields.Float(
        string="Bottom share (%)", default=5.0,
        help="Share of the ranked RMs flagged for review at the bottom of the annual ranking.",
    )
    bank_bottom_count = fields.Integer(
        string="Bottom count", default=0,
        help="When above 0, this number of RMs is flagged instead of the share.",
    )
    bank_bottom_min_ranked = fields.Integer(
        string="Flag at least one from", default=20,
        help="With at least this many RMs ranked, at least one is flagged.",
    )

    @api.constrains(
        "bank_appraisal_cap", "bank_annual_weight_monthly", "bank_annual_weight_peer",
        "bank_annual_weight_supervisor", "bank_bottom_share", "bank_bottom_count", "bank_bottom_min_ranked",
    )
    def _check_bank_appraisal_settings(self):
        for company in self:
            weights = (
                company.bank_annual_weight_monthly, company.bank_annual_weight_peer,
                company.bank_annual_weight_supervisor,
            )
            if min(weights) < 0 or float_compare(sum(weights), 100.0, precision_digits=2):
                raise ValidationError(self.env._(
                    "Company %(company)s: the weights of the annual appraisal's parts must be positive and add "
                    "up to 100 (fields Annual weight …).", company=company.name,
                ))
            if not 100 <= company.bank_appraisal_cap <= 200:
                raise ValidationError(self.env._(
                    "Company %(company)s: the achievement cap must be between 100 and 200 %% (field Default "
                    "achievement cap).", company=company.name,
                ))
            if not 0 <= company.bank_bottom_share <= 50 or company.bank_bottom_count < 0 \
                    or company.bank_bottom_min_ranked < 1:
                raise ValidationError(self.env._(
                    "Company %(company)s: the bottom share is between 0 and 50 %%, the bottom count is not "
                    "negative and the minimum ranked is at least 1 (fields Bottom share, Bottom count, Flag at "
                    "least one from).", company=company.name,
                ))
