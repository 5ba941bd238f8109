# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .bank_journal_report import REPORT_GUARDED


class BankAnnualSummary(models.Model):
    """The RM's annual summary (年度总结): the year's work and sales, a self-assessment and the
    plan for the coming year, submitted and acknowledged as the weekly summary is."""

    _name = "bank.annual.summary"
    _description = "RM annual summary"
    _inherit = ["bank.journal.report"]
    _order = "year desc, rm_id"

    name = fields.Char(compute="_compute_name", store=True)
    year = fields.Integer(
        required=True, index=True,
        default=lambda self: self.env.company._bank_today().year,
    )
    self_assessment = fields.Text(
        string="Self-assessment", help="The year's work: what went well, what did not, and why."
    )
    next_year_plan = fields.Text(
        string="Plans for next year", help="Ideas and suggestions for next year's wealth-management work."
    )

    _bank_action_fields = REPORT_GUARDED
    _bank_fixed_fields = frozenset({"year"})

    _rm_year_uniq = models.Constraint("UNIQUE(rm_id, year)", "An RM writes one annual summary per year.")

    @api.depends("year", "rm_id")
    def _compute_name(self):
        for summary in self:
            summary.name = " ".join(filter(None, [str(summary.year or ""), summary.rm_id.name]))

    @api.constrains("year")
    def _check_year(self):
        this_year = self.env.company._bank_today().year
        for summary in self:
            if not 2000 <= summary.year <= this_year:
                raise ValidationError(self.env._(
                    "Annual summary %(summary)s: the year must be between 2000 and %(this_year)s "
                    "(field Year: %(year)s).",
                    summary=summary.display_name, this_year=this_year, year=summary.year,
                ))

    def _bank_period(self):
        return date(self.year, 1, 1), date(self.year, 12, 31)
