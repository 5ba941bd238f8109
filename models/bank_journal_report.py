# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

REPORT_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("acknowledged", "Acknowledged"),
]

# Channels that count as a visit (约访): the customer was met in person.
VISIT_CHANNELS = ("visit", "meeting")

# Fields of a report that only the actions change (the guard of models/bank_guard_mixin.py): the
# owner and the stored fields the record rules read, the state and its steps, the figures.
REPORT_GUARDED = frozenset({
    "rm_id", "rm_user_id", "unit_id", "supervisor_user_id", "state", "submitted_date", "acknowledged_by_id",
    "acknowledged_date", "contact_count", "visit_count", "minutes_total", "customer_count", "won_count",
    "won_amount", "complaint_count", "figures_date", "company_id",
})


class BankJournalReport(models.AbstractModel):
    """What the weekly and the annual summaries share: an RM's report on a period, its figures
    read from the period's logs, sales and complaints, and its way up to the supervisor.

    The report is written by its RM (draft), submitted to the supervisor of the RM's unit (the
    nearest RM supervisor up the tree, else the unit head), who acknowledges it; a supervisor
    above may acknowledge it too. The state, the owner, the period and the figures change only
    through the actions: ``write()`` refuses them (readonly is only a UI hint)."""

    _name = "bank.journal.report"
    _description = "RM periodic report"
    _inherit = ["bank.guard.mixin", "mail.thread", "mail.activity.mixin"]
    # Supervisors who may only read the report still comment on it in the chatter.
    _mail_post_access = "read"
    _bank_action_fields = REPORT_GUARDED
    _bank_locked_states = frozenset({"submitted", "acknowledged"})
    _bank_steps = {"submit": ("draft",), "acknowledge": ("submitted",), "refresh": ("draft",)}

    rm_id = fields.Many2one(
        "bank.rm", string="RM", required=True, index=True, ondelete="restrict", readonly=True,
        default=lambda self: self._default_rm_id(),
    )
    # Stored owners: record rules compare them to user.id in SQL.
    rm_user_id = fields.Many2one(related="rm_id.user_id", store=True, index=True, string="RM user")
    unit_id = fields.Many2one(
        "bank.org.unit", string="Unit", compute="_compute_unit_id", store=True, precompute=True, index=True,
        help="The RM's unit when the report was written: its head and supervisors read it.",
    )
    supervisor_user_id = fields.Many2one(
        "res.users", string="Submitted to", readonly=True, index=True, copy=False, tracking=True,
        help="The RM supervisor of the unit (or, without one up the tree, the unit head) when it was submitted.",
    )
    state = fields.Selection(REPORT_STATES, required=True, default="draft", readonly=True, copy=False,
                             tracking=True, index=True)
    submitted_date = fields.Datetime(string="Submitted on", readonly=True, copy=False)
    acknowledged_by_id = fields.Many2one("res.users", string="Acknowledged by", readonly=True, copy=False)
    acknowledged_date = fields.Datetime(string="Acknowledged on", readonly=True, copy=False)
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    # Figures of the period, refreshed by the actions (stored: the pivot sums them).
    contact_count = fields.Integer(string="Contacts", readonly=True)
    visit_count = fields.Integer(string="Visits", readonly=True, help="Contacts by visit or meeting (约访).")
    minutes_total = fields.Integer(string="Minutes", readonly=True)
    customer_count = fields.Integer(string="Customers contacted", readonly=True)
    won_count = fields.Integer(string="Opportunities won", readonly=True)
    won_amount = fields.Monetary(string="Amount won", readonly=True, currency_field="currency_id")
    complaint_count = fields.Integer(string="Complaints", readonly=True,
                                     help="Complaints received about the RM's customers in the period.")
    figures_date = fields.Datetime(string="Figures as of", readonly=True, copy=False)
    is_mine = fields.Boolean(compute="_compute_user_flags", string="Mine")
    can_submit = fields.Boolean(compute="_compute_bank_can")
    can_acknowledge = fields.Boolean(compute="_compute_bank_can")
    can_refresh = fields.Boolean(compute="_compute_bank_can")

    @api.model
    def _default_rm_id(self):
        # sudo: the caller's own RM record, to default the report's owner.
        return self.env["bank.rm"].sudo().search([("user_id", "=", self.env.uid)], limit=1).id

    @api.depends("rm_id")
    def _compute_unit_id(self):
        # Only on rm_id: a snapshot, the report stays with the unit where it was written.
        for report in self:
            # sudo: the RM's unit is copied whatever the writer may read of the RM.
            report.unit_id = report.rm_id.sudo().unit_id

    @api.depends_context("uid")
    def _compute_user_flags(self):
        for report in self:
            report.is_mine = report.rm_user_id == self.env.user

    def _compute_currency_id(self):
        for report in self:
            report.currency_id = report.company_id.currency_id or self.env.company.currency_id

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        reports = super().create(vals_list)
        reports._bank_refresh_figures()
        return reports

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        sent = self.filtered(lambda r: r.state != "draft")
        if sent:
            raise UserError(self.env._(
                "%(reports)s: a submitted report is part of the RM's record and cannot be deleted.",
                reports=", ".join(sent.mapped("display_name")),
            ))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_refresh_figures(self):
        """Read the period's figures again (drafts only: a submitted report keeps what was sent)."""
        self._bank_start_step("refresh")._bank_refresh_figures()
        return True

    def action_submit(self):
        """The RM submits the report to the supervisor, who gets an activity to acknowledge it."""
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_journal_acknowledge")
        for report in self._bank_start_step("submit"):
            supervisor = report._bank_find_supervisor()
            if not supervisor:
                raise UserError(self.env._(
                    "%(report)s: neither the unit %(unit)s nor a unit above it has an RM supervisor or a "
                    "head to submit it to (fields RM supervisor, Unit head).",
                    report=report.display_name, unit=report.unit_id.display_name or "-",
                ))
            report._bank_refresh_figures()
            report._bank_system_write({
                "state": "submitted",
                "supervisor_user_id": supervisor.id,
                "submitted_date": fields.Datetime.now(),
            })
            # sudo: the RM plans the supervisor's activity on their own report.
            report.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                user_id=supervisor.id,
                summary=self.env._("Acknowledge %(report)s", report=report.display_name),
            )
        return True

    def action_acknowledge(self):
        """The supervisor it was submitted to (or a supervisor above) acknowledges the report."""
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_journal_acknowledge")
        for report in self._bank_start_step("acknowledge"):
            # The supervisors only read the report: the step above allows this one change.
            report._bank_system_write({
                "state": "acknowledged",
                "acknowledged_by_id": self.env.uid,
                "acknowledged_date": fields.Datetime.now(),
            })
            # sudo: the supervisor closes the acknowledgement activity, whoever it was planned for.
            report.sudo().activity_ids.filtered(
                lambda a, activity_type=activity_type: a.activity_type_id == activity_type
            ).action_feedback(feedback=self.env._("Acknowledged by %(user)s", user=self.env.user.name))
        return True

    def _bank_may_submit(self):
        return self._bank_owner_problem()

    def _bank_may_refresh(self):
        return self._bank_owner_problem()

    def _bank_may_acknowledge(self):
        if self.env.su:
            return None
        user = self.env.user
        # sudo: the oversight of the unit is read to decide, not shown.
        if user != self.rm_user_id and (
            user == self.supervisor_user_id or user in self.sudo().unit_id.oversight_user_ids
        ):
            return None
        return self.env._(
            "only %(supervisor)s, to whom it was submitted, or a supervisor of the unit %(unit)s or above "
            "may acknowledge it, not %(user)s.",
            supervisor=self.supervisor_user_id.name, unit=self.unit_id.display_name or "-", user=user.name,
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _bank_period(self):
        """(first day, last day) of the report's period."""
        raise NotImplementedError

    def _bank_owner_problem(self):
        if not self.env.su and self.rm_user_id != self.env.user:
            # sudo: the RM's name in the refusal, which the caller may not otherwise read.
            return self.env._(
                "only its RM %(rm)s submits or refreshes it (field RM).", rm=self.rm_id.sudo().name,
            )
        return None

    def _bank_find_supervisor(self):
        """The RM supervisor of the nearest unit up the tree (never the RM), else the unit head."""
        # sudo: the org chart is read to route the report, whatever the RM may open.
        unit = self.sudo().unit_id
        node = unit
        while node:
            if node.supervisor_user_id and node.supervisor_user_id != self.rm_user_id:
                return node.supervisor_user_id
            node = node.parent_id
        head = unit.head_user_id
        return head if head != self.rm_user_id else self.env["res.users"]

    def _bank_figures(self, date_from, date_to):
        """The figures of ``self.rm_id`` from ``date_from`` to ``date_to`` (both included), each by one
        ``_read_group`` over the period: never a loop over the logs."""
        self.ensure_one()
        rm = self.rm_id
        # sudo: the figures sum the RM's own period whatever the reader may open (leads, other
        # users' activities); every domain below is restricted to this RM.
        Log = self.env["bank.maintenance.log"].sudo()
        log_domain = [("rm_id", "=", rm.id), ("date", ">=", date_from), ("date", "<=", date_to)]
        [(count, minutes, customers)] = Log._read_group(
            log_domain, [], ["__count", "minutes:sum", "partner_id:count_distinct"]
        )
        [(visits,)] = Log._read_group(log_domain + [("channel", "in", VISIT_CHANNELS)], [], ["__count"])
        # The bank's days: a deal closed at 07:00 Beijing on Monday (23:00 UTC on Sunday) is Monday's.
        tz = self.env.company._bank_tz()
        start, end = (
            tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            for day in (date_from, date_to + timedelta(days=1))
        )
        # sudo: the RM's won deals, whoever reads the report (the domain is this RM's).
        [(won, amount)] = self.env["crm.lead"].sudo().with_context(active_test=False)._read_group(
            [("user_id", "=", rm.user_id.id), ("won_status", "=", "won"),
             ("date_closed", ">=", start), ("date_closed", "<", end)],
            [], ["__count", "expected_revenue:sum"],
        )
        # sudo: the complaints of the RM's customers, whoever reads the report (the domain is this RM's).
        [(complaints,)] = self.env["bank.complaint"].sudo()._read_group(
            [("partner_id.bank_rm_id", "=", rm.id),
             ("date_received", ">=", date_from), ("date_received", "<=", date_to)],
            [], ["__count"],
        )
        return {
            "contact_count": count,
            "visit_count": visits,
            "minutes_total": minutes or 0,
            "customer_count": customers,
            "won_count": won,
            "won_amount": amount or 0.0,
            "complaint_count": complaints,
        }

    def _bank_refresh_figures(self):
        now = fields.Datetime.now()
        for report in self:
            vals = report._bank_figures(*report._bank_period())
            vals["figures_date"] = now
            # Figures are computed, never typed (action fields of the guard).
            report._bank_system_write(vals)
