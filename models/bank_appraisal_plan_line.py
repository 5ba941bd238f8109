# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BankAppraisalPlanLine(models.Model):
    """One KPI of a plan: its weight (the plan's weights add up to 100), its target and the cap
    on its achievement. Read-only once the plan is in force (models/bank_appraisal_plan.py)."""

    _name = "bank.appraisal.plan.line"
    _description = "Appraisal plan KPI"
    _inherit = ["bank.guard.mixin"]
    _order = "sequence, id"
    _bank_fixed_fields = frozenset({"plan_id"})
    _bank_locked_states = frozenset({"active", "retired"})
    _bank_state_field = "plan_state"

    sequence = fields.Integer(default=10)
    plan_id = fields.Many2one("bank.appraisal.plan", required=True, index=True, ondelete="cascade")
    plan_state = fields.Selection(related="plan_id.state")
    kpi_id = fields.Many2one("bank.kpi", string="KPI", required=True, ondelete="restrict")
    weight = fields.Float(required=True, digits=(16, 2), help="Points out of the plan's 100.")
    target = fields.Float(required=True, digits=(16, 2),
                          help="The actual that scores 100 %; for lower-is-better KPIs the most that still does.")
    cap = fields.Float(string="Achievement cap (%)", required=True, digits=(16, 1),
                       default=lambda self: self.env.company.bank_appraisal_cap,
                       help="Achievement counts up to this percentage (e.g. 120).")

    @api.model
    def _bank_prepare_create(self, vals_list):
        """A line joins a draft plan only: the lines of a plan in force are what its appraisals
        copied (whatever way the line comes in: the plan's form, a direct create, an import)."""
        if self.env.su:  # the default data and new versions (drafts) are the system's
            return
        plans = self.env["bank.appraisal.plan"].browse({vals["plan_id"] for vals in vals_list if vals.get("plan_id")})
        for plan in plans:
            if plan.state != "draft":
                raise ValidationError(self.env._(
                    "Appraisal plan %(plan)s is %(state)s: its KPIs change in a new version (field KPIs).",
                    plan=plan.name, state=plan._bank_state_label(),
                ))

    @api.constrains("weight", "target", "cap")
    def _check_figures(self):
        for line in self:
            name = f"{line.plan_id.name} / {line.kpi_id.name}"
            if line.weight <= 0 or line.weight > 100:
                raise ValidationError(self.env._(
                    "Appraisal plan %(line)s: the weight must be above 0 and at most 100 (field Weight).", line=name,
                ))
            if line.target <= 0:
                raise ValidationError(self.env._(
                    "Appraisal plan %(line)s: the target must be positive (field Target).", line=name,
                ))
            if not 100 <= line.cap <= 200:
                raise ValidationError(self.env._(
                    "Appraisal plan %(line)s: the cap must be between 100 and 200 %% (field Achievement cap).",
                    line=name,
                ))
