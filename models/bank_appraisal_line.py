# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


def bank_achievement(actual, target, cap, higher_is_better):
    """Achievement (%) of ``actual`` against ``target``: actual / target (higher is better) or
    2 − actual / target (lower is better), between 0 and the cap (100 without one); 0 without a
    target. Shared by the line's compute and the monthly run's bulk write
    (models/bank_appraisal_monthly.py)."""
    if target <= 0:
        return 0.0
    ratio = actual / target
    percent = 100.0 * (ratio if higher_is_better else 2.0 - ratio)
    return round(max(0.0, min(percent, cap or 100.0)), 1)


def bank_line_score(weight, achievement):
    """Score of a line: weight × achievement / 100, to the cent."""
    return round(weight * achievement / 100.0, 2)


class BankAppraisalLine(models.Model):
    """One KPI of an appraisal: actual, target, achievement, weight and score.

    Weight, target and cap are copied from the plan when the appraisal is computed, so that a new
    plan version never rewrites it. A computed KPI's actual is measured by the system
    (``measured``); a manual KPI's is entered by the reviewing supervisor (``manual_value``,
    the review step). Scoring: achievement = actual / target (higher is better) or
    2 − actual / target (lower is better, symmetric around the target), as a percentage between 0
    and the cap; score = weight × achievement / 100."""

    _name = "bank.appraisal.line"
    _description = "Appraisal KPI line"
    _inherit = ["bank.guard.mixin"]
    _order = "sequence, id"
    _bank_state_field = "appraisal_state"
    # The guard (models/bank_guard_mixin.py): every figure is the system's but the manual value,
    # which the reviewer enters while the appraisal is computed (the review step).
    _bank_action_fields = frozenset({
        "appraisal_id", "kpi_id", "sequence", "weight", "target", "cap", "higher_is_better", "source", "measured",
        "rm_id", "rm_user_id", "unit_id",
    })
    _bank_field_steps = {"manual_value": "review"}
    _bank_steps = {"review": ("computed",)}
    _bank_locked_states = frozenset({"reviewed", "published"})
    _bank_sealed_fields = frozenset({"weight", "target", "cap", "measured", "manual_value", "kpi_id"})
    _bank_sealed_states = frozenset({"published"})

    appraisal_id = fields.Many2one("bank.appraisal", required=True, index=True, ondelete="cascade", readonly=True)
    appraisal_state = fields.Selection(related="appraisal_id.state", string="Appraisal state")
    rm_id = fields.Many2one(related="appraisal_id.rm_id", store=True, index=True)
    rm_user_id = fields.Many2one(related="appraisal_id.rm_user_id", store=True, index=True)
    unit_id = fields.Many2one(related="appraisal_id.unit_id", store=True, index=True)
    date_from = fields.Date(related="appraisal_id.date_from")
    date_to = fields.Date(related="appraisal_id.date_to")
    sequence = fields.Integer(readonly=True)
    kpi_id = fields.Many2one("bank.kpi", string="KPI", required=True, readonly=True, ondelete="restrict")
    kpi_unit = fields.Selection(related="kpi_id.unit", string="Unit of measure")
    source = fields.Selection([("computed", "Computed"), ("manual", "Entered by the supervisor")], readonly=True)
    higher_is_better = fields.Boolean(readonly=True)
    weight = fields.Float(readonly=True, digits=(16, 2))
    target = fields.Float(readonly=True, digits=(16, 2))
    cap = fields.Float(string="Cap (%)", readonly=True, digits=(16, 1))
    measured = fields.Float(readonly=True, digits=(16, 2))
    manual_value = fields.Float(string="Entered value", digits=(16, 2))
    actual = fields.Float(compute="_compute_actual", store=True, digits=(16, 2))
    achievement = fields.Float(string="Achievement (%)", compute="_compute_score", store=True, digits=(16, 1))
    score = fields.Float(compute="_compute_score", store=True, digits=(16, 2))
    can_review = fields.Boolean(compute="_compute_bank_can")

    @api.depends("source", "measured", "manual_value")
    def _compute_actual(self):
        for line in self:
            line.actual = line.manual_value if line.source == "manual" else line.measured

    @api.depends("actual", "target", "cap", "weight", "higher_is_better")
    def _compute_score(self):
        for line in self:
            line.achievement = line._bank_achievement()
            line.score = bank_line_score(line.weight, line.achievement)

    def _bank_achievement(self):
        return bank_achievement(self.actual, self.target, self.cap, self.higher_is_better)

    @api.model
    def _bank_may_create(self):
        if not self.env.su:
            return self.env._("the lines of an appraisal come from its plan when it is computed.")
        return None

    def _bank_may_unlink(self):
        return self.env._("the lines of an appraisal are replaced when it is computed, not deleted by hand.")

    def _bank_may_review(self):
        return self.appraisal_id._bank_may_review()

    @api.constrains("manual_value")
    def _check_manual_value(self):
        for line in self:
            if line.source != "manual" and line.manual_value:
                raise ValidationError(self.env._(
                    "Appraisal %(appraisal)s, KPI %(kpi)s: a computed KPI is measured, not entered (field Entered "
                    "value).", appraisal=line.appraisal_id.display_name, kpi=line.kpi_id.name,
                ))
            if line.source == "manual" and not 0 <= line.manual_value <= 100:
                raise ValidationError(self.env._(
                    "Appraisal %(appraisal)s, KPI %(kpi)s: enter a value between 0 and 100 (field Entered value).",
                    appraisal=line.appraisal_id.display_name, kpi=line.kpi_id.name,
                ))

    def action_open_records(self):
        """The records that make the actual: the appraised RM can check every point."""
        self.ensure_one()
        self.check_access("read")
        if self.source != "computed":
            return False
        appraisal = self.appraisal_id
        return self.kpi_id._bank_drill_action(appraisal.rm_id, appraisal.date_from, appraisal.date_to)
