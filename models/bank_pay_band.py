# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BankPayBand(models.Model):
    """A band of the monthly score and its performance-pay coefficient (绩效工资系数): a score at
    or above ``min_score`` (and below the next band) earns ``coefficient``. The coefficient is
    stored on the appraisal when it is computed, so a changed band never rewrites the past."""

    _name = "bank.pay.band"
    _description = "Performance-pay band"
    _inherit = ["bank.guard.mixin"]
    _order = "min_score desc, id"
    _rec_name = "min_score"

    min_score = fields.Float(string="From score", required=True, digits=(16, 2))
    coefficient = fields.Float(string="Pay coefficient", required=True, digits=(16, 2))
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)

    _min_score_uniq = models.Constraint("UNIQUE(company_id, min_score)", "Each band starts at its own score.")

    @api.constrains("min_score", "coefficient")
    def _check_figures(self):
        for band in self:
            if band.min_score < 0 or band.coefficient < 0:
                raise ValidationError(self.env._(
                    "Pay band from %(score)s: the score and the coefficient cannot be negative "
                    "(fields From score, Pay coefficient).", score=band.min_score,
                ))

    def _bank_coefficient(self, score, company):
        """The coefficient of ``score`` among these bands (all of them, read once by the caller):
        the band of ``company`` with the highest start at or below the score; 0 below every band."""
        for band in self.sorted("min_score", reverse=True):
            if band.company_id == company and score >= band.min_score - 1e-9:
                return band.coefficient
        return 0.0
