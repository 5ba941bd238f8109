# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.bank_maintenance_log import CONTACT_CHANNELS, LOG_OUTCOMES
from ..models.bank_maintenance_log_outcome import CHECK_MODES, SATISFACTION_LEVELS


class BankActivityDone(models.TransientModel):
    """The done form of a maintenance activity: how the customer was reached, with what outcome
    and how long it took, so that the maintenance log written on done says it."""

    _name = "bank.activity.done"
    _description = "Mark a maintenance activity as done"
    _inherit = ["bank.guard.mixin"]

    activity_id = fields.Many2one("mail.activity", string="Activity", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", compute="_compute_partner_id")
    activity_type_id = fields.Many2one(related="activity_id.activity_type_id")
    channel = fields.Selection(CONTACT_CHANNELS, required=True, default="phone")
    outcome = fields.Selection(LOG_OUTCOMES, required=True, default="done")
    minutes = fields.Integer(required=True, default=10)
    summary = fields.Text(help="What was said or done; becomes the log's summary and the activity's feedback.")
    bank_log_type = fields.Selection(related="activity_id.activity_type_id.bank_log_type")
    satisfaction = fields.Selection(SATISFACTION_LEVELS, help="How satisfied the customer says they are.")
    check_mode = fields.Selection(CHECK_MODES, string="Check", default="on_site")
    findings = fields.Text(help="Post-loan checks: what the check found (use of funds, business, collateral).")
    risk_signal = fields.Boolean(string="Raise a risk signal", help="The check raises a risk warning signal.")

    @api.depends("activity_id")
    def _compute_partner_id(self):
        for wizard in self:
            activity = wizard.activity_id
            wizard.partner_id = activity.res_id if activity.res_model == "res.partner" else False

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        activity = self.env["mail.activity"].browse(values.get("activity_id"))
        if activity.exists() and activity.res_model == "res.partner":
            partner = self.env["res.partner"].browse(activity.res_id)
            if "channel" in fields_list and partner.preferred_contact in dict(CONTACT_CHANNELS):
                values["channel"] = partner.preferred_contact
            if "minutes" in fields_list and activity.activity_type_id.bank_default_minutes:
                values["minutes"] = activity.activity_type_id.bank_default_minutes
        return values

    def action_done(self):
        self.ensure_one()
        if not self.activity_id.exists() or not self.activity_id.active:
            raise UserError(self.env._("The activity was already done or cancelled: nothing was logged."))
        self.activity_id.check_access("write")
        post_loan = self.bank_log_type == "post_loan"
        if post_loan and not (self.findings or "").strip():
            raise UserError(self.env._(
                "Post-loan check of %(customer)s: fill in the field %(field)s first.",
                customer=self.partner_id.display_name, field=self._fields["findings"]._description_string(self.env),
            ))
        self.activity_id.with_context(
            bank_log_channel=self.channel, bank_log_outcome=self.outcome, bank_log_minutes=self.minutes,
            bank_log_satisfaction=self.satisfaction or False,
            bank_log_check_mode=self.check_mode if post_loan else False,
            bank_log_findings=self.findings if post_loan else False,
            bank_log_risk_signal=post_loan and self.risk_signal,
        ).action_feedback(feedback=self.summary or False)
        return {"type": "ir.actions.act_window_close"}
