# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..models.bank_appraisal import GROUP_OFFICE


class BankAppraisalRun(models.TransientModel):
    """The RM office runs the monthly appraisal of a month or the annual one of a year from the UI
    (``bank.appraisal.generate_monthly`` / ``generate_annual``) and lands on the appraisals."""

    _name = "bank.appraisal.run"
    _description = "Run the appraisal"
    _inherit = ["bank.guard.mixin"]
    _bank_steps = {"run": ()}

    period = fields.Selection([("monthly", "Monthly"), ("annual", "Annual")], required=True, default="monthly")
    month = fields.Date(string="Month", default=lambda self: self._default_month(),
                        help="Any day of the month to appraise.")
    year = fields.Integer(default=lambda self: self.env.company._bank_today().year - 1)
    can_run = fields.Boolean(compute="_compute_bank_can")

    @api.model
    def _default_month(self):
        return self.env.company._bank_today().replace(day=1) - relativedelta(months=1)

    def _bank_may_run(self):
        if self.env.su or self.env.user.has_group(GROUP_OFFICE):
            return None
        return self.env._("only the RM management office or an administrator runs the appraisal, not %(user)s.",
                          user=self.env.user.name)

    def action_run(self):
        self.ensure_one()
        self._bank_start_step("run")
        Appraisal = self.env["bank.appraisal"]
        if self.period == "annual":
            ids = Appraisal.generate_annual(self.year)
            name = self.env._("Annual appraisals %(year)s", year=self.year)
        else:
            ids = Appraisal.generate_monthly(self.month)
            name = self.env._("Monthly appraisals %(month)s", month=Appraisal._bank_month_bounds(self.month)[0]
                              .strftime("%Y-%m"))
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "bank.appraisal",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", ids)],
            "target": "current",
        }
