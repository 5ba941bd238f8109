# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import html2plaintext

from .bank_maintenance_log import CONTACT_CHANNELS, LOG_OUTCOMES
from .bank_maintenance_log_outcome import CHECK_MODES, SATISFACTION_LEVELS


class MailActivity(models.Model):
    """Activities on bank customers follow the A/B roles, and the maintenance ones leave a trace.

    While the primary RM is absent or leaving, a new activity meant for them goes to the backup RM
    (or, without an available backup, to the head of the customer's unit), so that the customer is
    served meanwhile. Marking a maintenance activity (birthday, holiday, periodic contact, …: any
    type with a maintenance log type) as done writes the customer's maintenance log; the done form
    (``bank.activity.done``) passes the channel, outcome and minutes in the context."""

    _inherit = "mail.activity"

    bank_log_type = fields.Selection(related="activity_type_id.bank_log_type", string="Maintenance log type")
    # The balance date a large-fund-movement activity reports (models/bank_balance_load.py): one
    # activity per customer and date, whatever the language its summary was written in.
    bank_movement_date = fields.Date(string="Movement date", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        self._bank_redirect_to_backup(vals_list)
        return super().create(vals_list)

    def _action_done(self, feedback=False, attachment_ids=None):
        log_vals = self._bank_maintenance_log_vals(feedback)
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if log_vals:
            # The deadline is the system's (an action field of the log), written after the log.
            deadlines = [vals.pop("activity_deadline", False) for vals in log_vals]
            # As the user who did the contact: the log's access rules apply to them.
            logs = self.env["bank.maintenance.log"].create(log_vals)
            by_deadline = defaultdict(lambda: self.env["bank.maintenance.log"])
            for log, deadline in zip(logs, deadlines, strict=True):
                if deadline:
                    by_deadline[deadline] |= log
            for deadline, group in by_deadline.items():
                group._bank_system_write({"activity_deadline": deadline})
        return result

    def action_bank_open_done_form(self):
        """The done form of a maintenance activity: asks for channel, outcome and minutes."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mark as done"),
            "res_model": "bank.activity.done",
            "view_mode": "form",
            "target": "new",
            "context": {"default_activity_id": self.id},
        }

    def _bank_maintenance_log_vals(self, feedback):
        """Values of the logs that marking these activities done writes (before they vanish)."""
        activities = self.filtered(
            lambda a: a.res_model == "res.partner" and a.res_id and a.activity_type_id.bank_log_type
        )
        if not activities:
            return []
        ctx = self.env.context
        channels = dict(CONTACT_CHANNELS)
        outcomes = dict(LOG_OUTCOMES)
        # sudo: the customer's flags and preferred channel decide the log, whoever marks it done.
        partners = self.env["res.partner"].sudo().browse(activities.mapped("res_id"))
        customers = {partner.id: partner for partner in partners if partner.is_bank_customer}
        # sudo: the caller's own RM record, whatever the RM rules let them read.
        rm = self.env["bank.rm"].sudo().search([("user_id", "=", self.env.uid)], limit=1)
        text = html2plaintext(feedback).strip() if feedback else ""
        # sudo: the ledger names the loan a post-loan check was planned for, whoever does it.
        planned = self.env["bank.maintenance.plan"].sudo().search([
            ("activity_id", "in", activities.ids), ("kind", "=", "post_loan"),
        ])
        loans = {plan.activity_id.id: plan.ref_id for plan in planned}
        vals_list = []
        for activity in activities:
            partner = customers.get(activity.res_id)
            if not partner:
                continue
            channel = ctx.get("bank_log_channel")
            if channel not in channels:
                channel = partner.preferred_contact if partner.preferred_contact in channels else "phone"
            outcome = ctx.get("bank_log_outcome")
            vals_list.append({
                "partner_id": partner.id,
                "rm_id": rm.id or partner.bank_rm_id.id,
                "date": self.env.company._bank_today(),
                "channel": channel,
                "log_type": activity.activity_type_id.bank_log_type,
                "summary": text or activity.summary or activity.activity_type_id.name,
                "outcome": outcome if outcome in outcomes else "done",
                "minutes": ctx["bank_log_minutes"] if "bank_log_minutes" in ctx
                else activity.activity_type_id.bank_default_minutes or 10,
                "activity_type_id": activity.activity_type_id.id,
                "activity_deadline": activity.date_deadline,
                **self._bank_log_outcome_vals(activity, loans),
            })
        return vals_list

    def _bank_log_outcome_vals(self, activity, loans):
        """What the done form found out (models/bank_maintenance_log_outcome.py): the customer's
        satisfaction, and for a post-loan check the loan, on site or off site, the findings and
        whether a risk signal was raised. Values outside the selections are dropped."""
        ctx = self.env.context
        vals = {}
        if ctx.get("bank_log_satisfaction") in dict(SATISFACTION_LEVELS):
            vals["satisfaction"] = ctx["bank_log_satisfaction"]
        if activity.activity_type_id.bank_log_type == "post_loan":
            if loans.get(activity.id):
                vals["account_id"] = loans[activity.id]
            if ctx.get("bank_log_check_mode") in dict(CHECK_MODES):
                vals["check_mode"] = ctx["bank_log_check_mode"]
            if isinstance(ctx.get("bank_log_findings"), str):
                vals["findings"] = ctx["bank_log_findings"]
            vals["risk_signal"] = bool(ctx.get("bank_log_risk_signal"))
        return vals

    @api.model
    def _bank_redirect_to_backup(self, vals_list):
        partner_model_id = self.env["ir.model"]._get_id("res.partner")
        targets = [
            vals for vals in vals_list
            if vals.get("res_id")
            and (vals.get("res_model") == "res.partner" or vals.get("res_model_id") == partner_model_id)
        ]
        if not targets:
            return
        # sudo: the assignment follows the customer's RMs, whoever schedules the activity.
        partners = self.env["res.partner"].sudo().browse({vals["res_id"] for vals in targets})
        by_id = {partner.id: partner for partner in partners}  # iterating keeps one prefetch for all
        for vals in targets:
            partner = by_id[vals["res_id"]]
            user_id = vals.get("user_id")  # no default: an activity may be left unassigned
            if not user_id or not partner.is_bank_customer or partner.bank_rm_user_id.id != user_id:
                continue
            if partner.bank_rm_id._is_available():
                continue
            backup = partner.bank_backup_rm_id
            if backup and backup._is_available():
                vals["user_id"] = backup.user_id.id
            elif partner.bank_unit_id.head_user_id:
                vals["user_id"] = partner.bank_unit_id.head_user_id.id
