# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .bank_guard_mixin import guard_error

APPRAISAL_STATES = [
    ("draft", "Draft"),
    ("computed", "Computed"),
    ("reviewed", "Reviewed"),
    ("published", "Published"),
]
APPRAISAL_PERIODS = [("monthly", "Monthly"), ("annual", "Annual"), ("special", "Special")]

GROUP_OFFICE = "bank_relationship_manager.group_bank_office"
GROUP_SUPERVISOR = "bank_relationship_manager.group_bank_supervisor"


class BankAppraisal(models.Model):
    """The appraisal of one RM for one period (考核): monthly, tied to performance pay, or annual.

    Every figure comes from the records the bank already holds (models/bank_kpi_measures.py), so
    the RM can trace each point; draft → computed (the system) → reviewed (the supervisor of the
    RM's unit or above enters the manual KPIs, a score and a comment) → published (the RM office).
    A published appraisal is sealed for everyone, administrators and later data corrections
    included: a correction is a new appraisal that references it (``action_correct``). The monthly
    run is in models/bank_appraisal_monthly.py, the annual one in models/bank_appraisal_annual.py."""

    _name = "bank.appraisal"
    _description = "RM appraisal"
    _inherit = ["bank.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, rank, id"
    # The guard (models/bank_guard_mixin.py): the system sets the figures, owners and states; the
    # reviewer writes the supervisor's part in the review step; published appraisals are sealed.
    # ``line_ids`` is not an action field so that the form saves the manual values entered in its
    # lines: every command on them is the line's own guard's (no create, no unlink, no field but
    # the manual value, and that in the review step only; tests/test_appraisal_views.py).
    _bank_action_fields = frozenset({
        "state", "rm_user_id", "unit_id", "grade_id", "plan_id", "company_id", "monthly_score", "monthly_count",
        "peer_score", "peer_review_count", "rank", "unit_rank", "bottom_flag", "computed_on", "reviewed_by_id",
        "reviewed_on", "published_by_id", "published_on", "superseded", "corrected_id",
    })
    _bank_fixed_fields = frozenset({"rm_id", "period", "date_from", "date_to"})
    _bank_field_steps = {"supervisor_score": "review", "supervisor_comment": "review"}
    _bank_locked_states = frozenset({"reviewed", "published"})
    _bank_sealed_fields = frozenset({
        "rm_id", "period", "date_from", "date_to", "line_ids", "monthly_score", "monthly_count", "peer_score",
        "peer_review_count", "supervisor_score", "supervisor_comment", "total_score", "pay_coefficient", "rank",
        "unit_rank", "bottom_flag", "unit_id", "grade_id", "plan_id", "corrected_id",
    })
    _bank_sealed_states = frozenset({"published"})
    _bank_steps = {
        "compute": ("draft", "computed"),
        "review": ("computed",),
        "send_back": ("reviewed",),
        "publish": ("reviewed",),
        "correct": ("published",),
    }

    name = fields.Char(compute="_compute_name", store=True)
    rm_id = fields.Many2one("bank.rm", string="RM", required=True, index=True, ondelete="restrict")
    # Stored owners that the record rules read (docs/guards.md: action fields).
    rm_user_id = fields.Many2one("res.users", string="RM user", index=True, readonly=True)
    unit_id = fields.Many2one("bank.org.unit", string="Unit", index=True, readonly=True,
                              help="The RM's unit when the appraisal was made.")
    grade_id = fields.Many2one("bank.rm.grade", string="Grade", readonly=True)
    plan_id = fields.Many2one("bank.appraisal.plan", string="Plan", readonly=True, ondelete="restrict")
    period = fields.Selection(APPRAISAL_PERIODS, required=True, default="monthly")
    date_from = fields.Date(string="From", required=True, index=True)
    date_to = fields.Date(string="To", required=True)
    line_ids = fields.One2many("bank.appraisal.line", "appraisal_id", string="KPIs", readonly=True)
    monthly_score = fields.Float(string="Mean monthly score", readonly=True, digits=(16, 2),
                                 help="Annual: the mean of the year's published monthly scores.")
    monthly_count = fields.Integer(string="Monthly appraisals", readonly=True)
    peer_score = fields.Float(string="Peer score", readonly=True, digits=(16, 2),
                              help="Annual: the mean of the colleagues' reviews.")
    peer_review_count = fields.Integer(string="Peer reviews", readonly=True)
    supervisor_score = fields.Float(string="Supervisor score", digits=(16, 2), tracking=True)
    supervisor_comment = fields.Text(string="Supervisor's comment")
    total_score = fields.Float(string="Score", compute="_compute_total_score", store=True, digits=(16, 2),
                               aggregator="avg")
    pay_coefficient = fields.Float(string="Pay coefficient", compute="_compute_pay_coefficient", store=True,
                                   digits=(16, 2), aggregator="avg")
    rank = fields.Integer(string="Ranking", readonly=True,
                          help="Competition rank among the company's RMs (1, 2, 2, 4).")
    unit_rank = fields.Integer(string="Ranking in unit", readonly=True)
    bottom_flag = fields.Boolean(
        string="Bottom of the ranking", readonly=True,
        help="Annual: among the lowest ranked, for a review and an improvement plan. Ranking last is not by "
        "itself a ground for dismissal.",
    )
    state = fields.Selection(APPRAISAL_STATES, required=True, default="draft", readonly=True, tracking=True,
                             copy=False, index=True)
    computed_on = fields.Datetime(readonly=True)
    reviewed_by_id = fields.Many2one("res.users", string="Reviewed by", readonly=True)
    reviewed_on = fields.Datetime(readonly=True)
    published_by_id = fields.Many2one("res.users", string="Published by", readonly=True)
    published_on = fields.Datetime(readonly=True)
    corrected_id = fields.Many2one("bank.appraisal", string="Corrects", readonly=True, index=True,
                                   help="The published appraisal this one corrects.")
    superseded = fields.Boolean(readonly=True, help="A published correction replaces this appraisal.")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    can_compute = fields.Boolean(compute="_compute_bank_can")
    can_review = fields.Boolean(compute="_compute_bank_can")
    can_send_back = fields.Boolean(compute="_compute_bank_can")
    can_publish = fields.Boolean(compute="_compute_bank_can")
    can_correct = fields.Boolean(compute="_compute_bank_can")

    _rm_period_uniq = models.UniqueIndex(
        "(rm_id, period, date_from, COALESCE(corrected_id, 0))",
        "An RM has one appraisal per period (a correction references the appraisal it corrects).",
    )

    @api.depends("rm_id.name", "period", "date_from", "date_to")
    def _compute_name(self):
        for appraisal in self:
            appraisal.name = self._bank_name(
                appraisal.rm_id.name, appraisal.period, appraisal.date_from, appraisal.date_to,
            )

    @api.model
    def _bank_name(self, rm_name, period, date_from, date_to):
        """The stored name, the same in every language (it is stored once, whoever's language made
        it; the period's label is shown by its own field): the RM and the month (2026-11), the
        year (2026) or the dates (2026-01-01–2026-03-31)."""
        if period == "monthly" and date_from:
            label = date_from.strftime("%Y-%m")
        elif period == "annual" and date_from:
            label = str(date_from.year)
        else:
            label = f"{date_from or ''}–{date_to or ''}"
        return f"{rm_name or ''} {label}"

    @api.depends("period", "line_ids.score", "monthly_score", "monthly_count", "peer_score", "peer_review_count",
                 "supervisor_score")
    def _compute_total_score(self):
        for appraisal in self:
            if appraisal.period == "annual":
                appraisal.total_score = appraisal._bank_annual_total()
            else:
                appraisal.total_score = round(sum(appraisal.line_ids.mapped("score")), 2)

    def _bank_annual_total(self):
        """The weighted mean of the annual parts that exist: a part without figures (no published
        month in the year, no colleague to review an RM alone in their unit) is left out and the
        other weights count in proportion, so nobody is ranked down for what they could not have.
        The supervisor's part always counts (entered at the review)."""
        company = self.company_id or self.env.company
        parts = [(self.supervisor_score, company.bank_annual_weight_supervisor)]
        if self.monthly_count:
            parts.append((self.monthly_score, company.bank_annual_weight_monthly))
        if self.peer_review_count:
            parts.append((self.peer_score, company.bank_annual_weight_peer))
        weight = sum(w for _score, w in parts)
        return round(sum(score * w for score, w in parts) / weight, 2) if weight else 0.0

    @api.depends("period", "total_score")
    def _compute_pay_coefficient(self):
        # sudo: the bands apply to every appraisal, whoever computes it; one search for all.
        bands = self.env["bank.pay.band"].sudo().search([])
        for appraisal in self:
            company = appraisal.company_id or self.env.company
            appraisal.pay_coefficient = (
                bands._bank_coefficient(appraisal.total_score, company) if appraisal.period == "monthly" else 0.0
            )

    @api.constrains("supervisor_score")
    def _check_supervisor_score(self):
        for appraisal in self:
            if not 0 <= appraisal.supervisor_score <= 100:
                raise ValidationError(self.env._(
                    "Appraisal %(appraisal)s: the supervisor's score is between 0 and 100 (field Supervisor score).",
                    appraisal=appraisal.name,
                ))

    # ------------------------------------------------------------------
    # Who may take the steps
    # ------------------------------------------------------------------

    def _bank_may_compute(self):
        return self._bank_office_only()

    def _bank_may_publish(self):
        return self._bank_office_only()

    def _bank_may_correct(self):
        return self._bank_office_only()

    def _bank_may_review(self):
        """The supervisor of the RM's unit or of a unit above it (or the centre head), never the RM."""
        if self.env.su:
            return None
        user = self.env.user
        if user == self.rm_user_id:
            return self.env._("an RM does not review their own appraisal.")
        # sudo: who oversees the RM's unit decides, whatever units the reviewer may read.
        if not user.has_group(GROUP_SUPERVISOR) or user not in self.sudo().unit_id.oversight_user_ids:
            return self.env._("only a supervisor of the RM's unit or above reviews the appraisal, not %(user)s.",
                              user=user.name)
        return None

    def _bank_may_send_back(self):
        if self.env.su or self.env.user.has_group(GROUP_OFFICE):
            return None
        return self._bank_may_review()

    def _bank_office_only(self):
        if not self.env.su and not self.env.user.has_group(GROUP_OFFICE):
            return self.env._("only the RM management office does this, not %(user)s.", user=self.env.user.name)
        return None

    @api.model
    def _bank_may_create(self):
        if not self.env.su:
            return self.env._("appraisals are made by the monthly and annual runs, not by hand.")
        return None

    def _bank_may_unlink(self):
        return self.env._("appraisals are never deleted; a published one is corrected by a new appraisal.")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_compute(self):
        """Measure (again) every KPI: the same records give the same figures."""
        self._bank_start_step("compute")
        self._bank_compute()
        return True

    def action_review(self):
        self._bank_start_step("review")
        # The annual figures are measured again at the review: peer reviews given after the run count.
        annual = self.filtered(lambda a: a.period == "annual")
        if annual:
            annual._bank_compute()
        for appraisal in self:
            missing = appraisal.line_ids.filtered(lambda line: line.source == "manual" and not line.manual_value)
            if missing:
                raise UserError(self.env._(
                    "Appraisal %(appraisal)s: enter the supervisor's KPIs first (field Entered value of %(kpis)s).",
                    appraisal=appraisal.name, kpis=", ".join(missing.kpi_id.mapped("name")),
                ))
        self._bank_system_write({
            "state": "reviewed", "reviewed_by_id": self.env.uid, "reviewed_on": fields.Datetime.now(),
        })
        self._bank_rank()
        return True

    def action_send_back(self):
        self._bank_start_step("send_back")._bank_system_write({
            "state": "computed", "reviewed_by_id": False, "reviewed_on": False,
        })
        return True

    def action_publish(self):
        self._bank_start_step("publish")
        self._bank_rank()
        self._bank_system_write({
            "state": "published", "published_by_id": self.env.uid, "published_on": fields.Datetime.now(),
        })
        # A published correction replaces the appraisal it corrects (which stays, sealed).
        self.corrected_id._bank_system_write({"superseded": True})
        self._bank_after_publish()
        return True

    def action_correct(self):
        """A new appraisal of the same RM and period that references this one: the correction is
        computed, reviewed and published like the original, which stays as it was."""
        self.ensure_one()
        self._bank_start_step("correct")
        correction = self._bank_system_create([{
            "rm_id": self.rm_id.id, "period": self.period, "date_from": self.date_from, "date_to": self.date_to,
            "corrected_id": self.id, "company_id": self.company_id.id, "rm_user_id": self.rm_user_id.id,
            "unit_id": self.unit_id.id, "grade_id": self.grade_id.id,
        }])
        correction._bank_compute()
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": correction.id, "view_mode": "form"}

    def action_publish_month(self):
        """The office publishes every reviewed appraisal of the same months as these at once."""
        self._bank_office_only_or_raise()
        months = set(self.mapped("date_from"))
        reviewed = self.search([
            ("period", "=", "monthly"), ("date_from", "in", list(months)), ("state", "=", "reviewed"),
        ])
        reviewed.action_publish()
        return True

    def _bank_office_only_or_raise(self):
        problem = self._bank_office_only()
        if problem:
            raise guard_error(self, "state", problem)

    def _bank_after_publish(self):
        """Hook: what follows a publication (the annual bottom flag's review)."""
