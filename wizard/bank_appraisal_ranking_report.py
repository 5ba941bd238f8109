# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date as Date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..models.bank_appraisal import GROUP_OFFICE, GROUP_SUPERVISOR

_MONTHLY_ANNUAL = [("monthly", "Monthly"), ("annual", "Annual")]


class BankAppraisalRankingReport(models.TransientModel):
    """Print the appraisal ranking (考核排名表) of a month or a year: every RM of the company, or of
    a unit and the units below it, by rank, with the figures of their appraisal and signature lines.

    The official ranking is that of the published appraisals (a published correction replaces
    the appraisal it corrects); a provisional one, with the appraisals not yet published, may be
    printed while a period is in review. The RM office prints any scope of its company, a
    supervisor the units they oversee. The appraisals are read as the user who prints
    (``_compute_appraisal_ids``): their record rules decide what the report holds
    (security/bank_appraisal_security.xml), never a sudo()."""

    _name = "bank.appraisal.ranking.report"
    _description = "Appraisal ranking report"
    _inherit = ["bank.guard.mixin"]
    _bank_steps = {"print": ()}
    # The company is the user's, never given (docs/guards.md: an action field).
    _bank_action_fields = frozenset({"company_id"})
    # A refusal names the field it is about: the scope (the wizard has no state).
    _bank_state_field = "unit_id"

    period = fields.Selection(_MONTHLY_ANNUAL, required=True, default="monthly")
    month = fields.Date(default=lambda self: self._default_month(), help="Any day of the month of the ranking.")
    year = fields.Integer(default=lambda self: self.env.company._bank_today().year - 1)
    unit_id = fields.Many2one(
        "bank.org.unit", string="Unit", default=lambda self: self._default_unit_id(),
        help="Empty: the whole company. A unit: the RMs of the unit and of the units below it.",
    )
    include_unpublished = fields.Boolean(
        string="Include appraisals not yet published",
        help="A provisional ranking: the computed and reviewed appraisals too, with their status. The official "
        "ranking holds the published appraisals only.",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.company)
    date_from = fields.Date(compute="_compute_bounds", string="From")
    date_to = fields.Date(compute="_compute_bounds", string="To")
    appraisal_ids = fields.Many2many("bank.appraisal", compute="_compute_appraisal_ids", string="Appraisals")
    bottom_flag_note = fields.Char(compute="_compute_bottom_flag_note", string="About the bottom flag")
    can_print = fields.Boolean(compute="_compute_bank_can")

    @api.depends("period", "date_from")
    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._("Appraisal ranking %(period)s", period=wizard._report_period_label())

    @api.model
    def _default_month(self):
        return self.env.company._bank_today().replace(day=1) - relativedelta(months=1)

    @api.model
    def _default_unit_id(self):
        """A supervisor's own unit (the office prints the whole company by default)."""
        if self.env.user.has_group(GROUP_OFFICE):
            return False
        return self.env["bank.org.unit"].search([
            "|", ("supervisor_user_id", "=", self.env.uid), ("center_head_user_id", "=", self.env.uid),
        ], order="parent_path", limit=1)

    @api.depends("period", "month", "year")
    def _compute_bounds(self):
        Appraisal = self.env["bank.appraisal"]
        for wizard in self:
            wizard.date_from = wizard.date_to = False
            if wizard.period == "monthly" and wizard.month:
                wizard.date_from, wizard.date_to = Appraisal._bank_month_bounds(wizard.month)
            elif wizard.period == "annual" and 1900 <= (wizard.year or 0) <= 2199:
                wizard.date_from, wizard.date_to = Date(wizard.year, 1, 1), Date(wizard.year, 12, 31)

    @api.depends("period", "date_from", "unit_id", "include_unpublished", "company_id")
    def _compute_appraisal_ids(self):
        # As the user: the report holds what their record rules let them read, nothing more.
        Appraisal = self.env["bank.appraisal"]
        for wizard in self:
            wizard.appraisal_ids = (
                Appraisal.search(wizard._ranking_domain(), order="rank, name, id") if wizard.date_from else Appraisal
            )

    @api.depends("period")
    @api.depends_context("lang")
    def _compute_bottom_flag_note(self):
        note = self.env["bank.appraisal"]._bank_bottom_note()
        for wizard in self:
            wizard.bottom_flag_note = note if wizard.period == "annual" else False

    @api.constrains("period", "year")
    def _check_year(self):
        for wizard in self:
            if wizard.period == "annual" and not 1900 <= wizard.year <= 2199:
                raise ValidationError(self.env._(
                    "Appraisal ranking: %(year)s is not a year between 1900 and 2199 (field Year).", year=wizard.year,
                ))

    def _ranking_domain(self):
        """The current appraisals of the period in scope: published (and, provisional, computed or
        reviewed), not superseded, a correction only once published (as ``_bank_rank`` counts)."""
        self.ensure_one()
        states = ("computed", "reviewed", "published") if self.include_unpublished else ("published",)
        domain = Domain([
            ("company_id", "=", self.company_id.id), ("period", "=", self.period),
            ("date_from", "=", self.date_from), ("state", "in", states), ("superseded", "=", False),
        ]) & (Domain("corrected_id", "=", False) | Domain("state", "=", "published"))
        if self.unit_id:
            domain &= Domain("unit_id", "child_of", self.unit_id.id)
        return domain

    def _bank_may_print(self):
        """The office prints any scope; a supervisor the units they oversee; nobody else."""
        user = self.env.user
        if self.env.su or user.has_group(GROUP_OFFICE):
            return None
        if not user.has_group(GROUP_SUPERVISOR):
            return self.env._("only the RM management office and the supervisors print the appraisal ranking, "
                              "not %(user)s.", user=user.name)
        if not self.unit_id:
            return self.env._("choose one of the units you oversee: the whole company's ranking is printed by the "
                              "RM management office.")
        if user not in self.unit_id.oversight_user_ids:
            return self.env._("%(user)s does not oversee %(unit)s.", user=user.name, unit=self.unit_id.display_name)
        return None

    def action_print(self):
        self.ensure_one()
        self._bank_start_step("print")
        action = self.env.ref("bank_relationship_manager.action_report_bank_appraisal_ranking").report_action(self)
        # The wizard closes once the PDF is downloaded (web's action service reads this key).
        action["close_on_report_download"] = True
        return action

    def _report_period_label(self):
        """The period as the report heads it: 2026-11 or 2026."""
        self.ensure_one()
        if not self.date_from:
            return ""
        return self.date_from.strftime("%Y-%m") if self.period == "monthly" else str(self.date_from.year)
