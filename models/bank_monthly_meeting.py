# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .res_company import bank_today


class BankMonthlyMeeting(models.Model):
    """The monthly RM meeting of a unit (月度例会): the month's work reported to the sub-branch,
    problems met and how they were solved, experience shared, and the bank's guidance."""

    _name = "bank.monthly.meeting"
    _description = "Monthly RM meeting"
    _inherit = ["bank.guard.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _mail_post_access = "read"
    # The guard (models/bank_guard_mixin.py): the unit's heads and supervisors read its minutes
    # through unit_id, so a meeting stays with the unit it was held in.
    _bank_action_fields = frozenset({"month"})
    _bank_fixed_fields = frozenset({"unit_id", "company_id"})

    name = fields.Char(compute="_compute_name", store=True)
    unit_id = fields.Many2one("bank.org.unit", string="Unit", required=True, index=True, ondelete="restrict",
                              tracking=True)
    date = fields.Date(required=True, default=bank_today, tracking=True)
    month = fields.Date(compute="_compute_month", store=True, index=True, help="First day of the meeting's month.")
    chair_user_id = fields.Many2one("res.users", string="Chaired by", default=lambda self: self.env.user,
                                    required=True, tracking=True)
    attendee_ids = fields.Many2many("res.users", "bank_monthly_meeting_user_rel", "meeting_id", "user_id",
                                    string="Attendees")
    minutes = fields.Html(string="Minutes", sanitize_style=True,
                          help="The month's work, problems met and solutions, experience and lessons.")
    decisions = fields.Html(help="Guidance and decisions for the next period.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)

    _unit_month_uniq = models.Constraint(
        "UNIQUE(unit_id, month)", "A unit holds one monthly RM meeting per month."
    )

    @api.depends("unit_id", "month")
    def _compute_name(self):
        for meeting in self:
            meeting.name = " ".join(filter(None, [
                meeting.month and meeting.month.strftime("%Y-%m"), meeting.unit_id.name,
            ]))

    @api.depends("date")
    def _compute_month(self):
        for meeting in self:
            meeting.month = meeting.date and meeting.date.replace(day=1)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._(
            "Meeting minutes are the unit's record and cannot be deleted (%(meetings)s).",
            meetings=", ".join(self.mapped("display_name")),
        ))
