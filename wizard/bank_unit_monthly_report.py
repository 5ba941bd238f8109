# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..models.bank_appraisal import GROUP_OFFICE, GROUP_SUPERVISOR

GROUP_UNIT_HEAD = "bank_relationship_manager.group_bank_unit_head"


class BankUnitMonthlyReport(models.TransientModel):
    """Print the monthly report (月度报告) of a unit and the units below it for a calendar month.

    Who prints what is the print step's (``_bank_may_print``): the RM office any unit, a
    supervisor the units they oversee, a unit head the unit they head; an RM or HR is refused by
    name of the unit. The figures are gathered as the user who prints
    (report/bank_unit_monthly_report.py), so record rules scope them as well."""

    _name = "bank.unit.monthly.report"
    _description = "Unit monthly report"
    _inherit = ["bank.guard.mixin"]
    _bank_steps = {"print": ()}
    # The company is the user's, never given (docs/guards.md: an action field).
    _bank_action_fields = frozenset({"company_id"})
    # A refusal names the field it is about: the unit (the wizard has no state).
    _bank_state_field = "unit_id"

    unit_id = fields.Many2one(
        "bank.org.unit", string="Unit", required=True, default=lambda self: self._default_unit_id(),
        help="The unit of the report: its customers and those of the units below it.",
    )
    month = fields.Date(required=True, default=lambda self: self._default_month(),
                        help="Any day of the calendar month of the report.")
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.company)
    date_from = fields.Date(compute="_compute_bounds", string="From")
    date_to = fields.Date(compute="_compute_bounds", string="To")
    can_print = fields.Boolean(compute="_compute_bank_can")

    @api.depends("unit_id", "date_from")
    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._(
                "Monthly report %(unit)s %(month)s", unit=wizard.unit_id.display_name or "",
                month=wizard._report_month_label(),
            )

    @api.model
    def _default_month(self):
        """The first day of last month, in the bank's time zone."""
        return self.env.company._bank_today().replace(day=1) - relativedelta(months=1)

    @api.model
    def _default_unit_id(self):
        """The unit the user heads, else the first they oversee (the office chooses)."""
        Unit = self.env["bank.org.unit"]
        return (Unit.search([("head_user_id", "=", self.env.uid)], order="complete_name", limit=1)
                or Unit.search([("oversight_user_ids", "in", self.env.uid)], order="parent_path", limit=1))

    @api.depends("month")
    def _compute_bounds(self):
        for wizard in self:
            if wizard.month:
                wizard.date_from = wizard.month.replace(day=1)
                wizard.date_to = wizard.date_from + relativedelta(months=1, days=-1)
            else:
                wizard.date_from = wizard.date_to = False

    def _bank_may_print(self):
        """The office prints any unit; a supervisor the units they oversee; a unit head their own."""
        user = self.env.user
        if self.env.su or user.has_group(GROUP_OFFICE):
            return None
        unit = self.unit_id
        if user.has_group(GROUP_SUPERVISOR) and user in unit.oversight_user_ids:
            return None
        if user.has_group(GROUP_UNIT_HEAD) and unit.head_user_id == user:
            return None
        return self.env._(
            "%(user)s may not print the monthly report of %(unit)s: the unit's head, the supervisors who oversee "
            "it and the RM management office print it.", user=user.name, unit=unit.display_name,
        )

    def action_print(self):
        self.ensure_one()
        self._bank_start_step("print")
        action = self.env.ref("bank_relationship_manager.action_report_bank_unit_monthly").report_action(self)
        # The wizard closes once the PDF is downloaded (web's action service reads this key).
        action["close_on_report_download"] = True
        return action

    def _report_month_label(self):
        """The month as the report heads it: 2026-11."""
        self.ensure_one()
        return self.date_from.strftime("%Y-%m") if self.date_from else ""
