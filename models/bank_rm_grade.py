# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

GRADE_CODES = [
    ("senior", "Senior RM"),
    ("intermediate", "Intermediate RM"),
    ("rm", "RM"),
    ("assistant", "RM assistant"),
    ("lobby", "Lobby manager"),
]


class BankRmGrade(models.Model):
    """A grade of relationship manager and the unit levels it may staff (the seed's rule)."""

    _name = "bank.rm.grade"
    _description = "RM grade"
    _order = "rank desc, id"
    _inherit = ["bank.config.mixin"]
    # Four eyes (models/bank_config_mixin.py): the grade-to-level rule.
    _bank_action_fields = frozenset({"code", "rank", "allowed_unit_levels", "active"})

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(GRADE_CODES, required=True)
    rank = fields.Integer(required=True, help="Higher is more senior.")
    allowed_unit_levels = fields.Many2many(
        "bank.unit.level",
        string="Allowed unit levels",
        help="Levels of unit that may be staffed with RMs of this grade.",
    )
    rm_count = fields.Integer(compute="_compute_rm_count", string="RMs")
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "A grade code must be unique.")

    def _compute_rm_count(self):
        counts = dict(self.env["bank.rm"]._read_group([("grade_id", "in", self.ids)], ["grade_id"], ["__count"]))
        for grade in self:
            grade.rm_count = counts.get(grade, 0)

    @api.constrains("allowed_unit_levels")
    def _check_rms_still_fit(self):
        self.env["bank.rm"].search([("grade_id", "in", self.ids)])._check_grade_fits_unit()

    def _fits(self, unit):
        """Whether RMs of this grade may staff ``unit``."""
        self.ensure_one()
        return unit.staffing_code in self.allowed_unit_levels.mapped("code")
