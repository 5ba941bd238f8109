# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from ..tools.cron_batches import process_in_batches
from .res_company import bank_today

COMPLAINT_STATES = [
    ("new", "New"),
    ("in_progress", "In progress"),
    ("resolved", "Resolved"),
    ("closed", "Case closed"),
    ("cancelled", "Cancelled"),
]

# Working days (Monday to Friday) the bank gives itself to answer a complaint.
RESPONSE_WORKING_DAYS = 5
# Cron batch size of the overdue check.
_OVERDUE_BATCH = 100

# Fields only the actions (or the cron) change.
_GUARDED = {"name", "state", "deadline", "overdue_notified", "date_resolved", "date_closed", "company_id"}


def add_working_days(day, count):
    """``day`` plus ``count`` working days, skipping Saturdays and Sundays."""
    added = 0
    while added < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            added += 1
    return day


class BankComplaint(models.Model):
    """A customer's complaint (客户投诉): answered within five working days by the responsible
    RM, analysed for its root cause and an improvement (seed 000: the RM handles the complaints
    of the customers they serve, analyses them and suggests improvements).

    Never deleted: cancelled or closed instead. The head of the customer's unit gets one
    activity when a complaint passes its deadline unresolved."""

    _name = "bank.complaint"
    _description = "Customer complaint"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_received desc, id desc"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="restrict", tracking=True,
        domain=[("is_bank_customer", "=", True)],
    )
    # Stored: record rules compare the unit's head and overseers to user.id in SQL.
    unit_id = fields.Many2one(related="partner_id.bank_unit_id", store=True, index=True, string="Unit")
    responsible_rm_id = fields.Many2one(
        "bank.rm", string="Responsible RM", index=True, ondelete="restrict", tracking=True,
        compute="_compute_responsible_rm_id", store=True, readonly=False, precompute=True,
        help="The RM who answers the customer: the customer's primary RM unless set otherwise.",
    )
    responsible_user_id = fields.Many2one(
        related="responsible_rm_id.user_id", store=True, index=True, string="Responsible user"
    )
    user_id = fields.Many2one("res.users", string="Received by", default=lambda self: self.env.user,
                              readonly=True, ondelete="restrict")
    channel = fields.Selection([
        ("phone", "Phone"),
        ("counter", "At the counter"),
        ("letter", "Letter"),
        ("email", "Email"),
        ("online", "Online banking / app"),
        ("hotline", "Customer-service hotline"),
        ("regulator", "Through the regulator"),
    ], required=True, default="counter", tracking=True)
    category = fields.Selection([
        ("attitude", "Service attitude"),
        ("waiting", "Waiting time"),
        ("product", "Product"),
        ("fees", "Fees and charges"),
        ("mis_selling", "Mis-selling"),
        ("other", "Other"),
    ], required=True, default="attitude", tracking=True)
    description = fields.Text(required=True)
    date_received = fields.Date(string="Received on", required=True, index=True,
                                default=bank_today, tracking=True)
    deadline = fields.Date(
        compute="_compute_deadline", store=True, precompute=True, readonly=True, index=True, tracking=True,
        help=f"Received date plus {RESPONSE_WORKING_DAYS} working days (Saturdays and Sundays skipped).",
    )
    state = fields.Selection(COMPLAINT_STATES, required=True, default="new", readonly=True, copy=False,
                             tracking=True, index=True, group_expand=True)
    resolution = fields.Text(help="What was done for the customer; required to resolve or cancel.")
    root_cause = fields.Text(string="Root cause", help="Why it happened; required to close.")
    improvement = fields.Text(string="Improvement suggestion")
    date_resolved = fields.Date(string="Resolved on", readonly=True, copy=False)
    date_closed = fields.Date(string="Closed on", readonly=True, copy=False)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue")
    overdue_notified = fields.Boolean(readonly=True, copy=False, index=True,
                                      help="The unit head got the overdue activity (once).")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("partner_id")
    def _compute_responsible_rm_id(self):
        for complaint in self:
            # sudo: the customer's primary RM is the default, whoever records the complaint.
            complaint.responsible_rm_id = complaint.partner_id.sudo().bank_rm_id

    @api.depends("date_received")
    def _compute_deadline(self):
        for complaint in self:
            complaint.deadline = complaint.date_received and add_working_days(
                complaint.date_received, RESPONSE_WORKING_DAYS
            )

    @api.depends("deadline", "state")
    def _compute_is_overdue(self):
        today = self.env.company._bank_today()
        for complaint in self:
            complaint.is_overdue = (
                complaint.state in ("new", "in_progress") and bool(complaint.deadline) and complaint.deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        overdue = Domain("state", "in", ["new", "in_progress"]) & Domain(
            "deadline", "<", self.env.company._bank_today()
        )
        return overdue if (operator == "=") == value else ~overdue

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------

    @api.constrains("partner_id")
    def _check_partner(self):
        for complaint in self:
            if not complaint.partner_id.is_bank_customer:
                raise ValidationError(self.env._(
                    "Complaint %(complaint)s: %(partner)s is not a bank customer (field Customer).",
                    complaint=complaint.name, partner=complaint.partner_id.display_name,
                ))

    @api.constrains("date_received")
    def _check_date_received(self):
        today = self.env.company._bank_today()
        for complaint in self:
            if complaint.date_received > today:
                raise ValidationError(self.env._(
                    "Complaint %(complaint)s: it cannot be received in the future (field Received on: %(date)s).",
                    complaint=complaint.name, date=complaint.date_received,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                guarded = _GUARDED & set(vals)
                if guarded:
                    raise UserError(self.env._(
                        "Complaint: %(fields)s are set by the add-on, not when recording a complaint.",
                        fields=", ".join(sorted(guarded)),
                    ))
        # sudo: the reference sequence is read by everyone who records a complaint.
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            vals["name"] = sequence.next_by_code("bank.complaint") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            guarded = _GUARDED & set(vals)
            if guarded:
                raise UserError(self.env._(
                    "Complaint %(complaints)s: %(fields)s change only through the buttons.",
                    complaints=", ".join(self.mapped("name")), fields=", ".join(sorted(guarded)),
                ))
            done = self.filtered(lambda c: c.state in ("closed", "cancelled"))
            if done and set(vals) - {"message_main_attachment_id"}:
                raise UserError(self.env._(
                    "Complaint %(complaints)s is %(state)s and cannot be changed (field State).",
                    complaints=", ".join(done.mapped("name")), state=done[:1]._state_label(),
                ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._(
            "Complaints are never deleted (%(complaints)s): cancel or close them instead.",
            complaints=", ".join(self.mapped("name")),
        ))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_start(self):
        self._check_transition("new")
        # sudo: the state changes only here, after the access and state checks.
        self.sudo().write({"state": "in_progress"})
        return True

    def action_resolve(self):
        self._check_transition("new", "in_progress")
        self._check_filled("resolution")
        self.sudo().write({"state": "resolved", "date_resolved": self.env.company._bank_today()})
        self._done_overdue_activities()
        return True

    def action_close(self):
        self._check_transition("resolved")
        if not self.env.su and not self.env.user.has_group("bank_relationship_manager.group_bank_unit_head"):
            raise UserError(self.env._(
                "Complaint %(complaints)s: the head of the unit (or a supervisor) closes it after reviewing the "
                "root cause, not %(user)s.",
                complaints=", ".join(self.mapped("name")), user=self.env.user.name,
            ))
        self._check_filled("root_cause")
        self.sudo().write({"state": "closed", "date_closed": self.env.company._bank_today()})
        return True

    def action_cancel(self):
        """A complaint recorded by mistake or withdrawn by the customer: the resolution says why."""
        self._check_transition("new", "in_progress")
        self._check_filled("resolution")
        self.sudo().write({"state": "cancelled"})
        self._done_overdue_activities()
        return True

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_overdue(self):
        """Daily: one activity for the head of the customer's unit on every complaint past its
        deadline and not resolved, once. Each batch creates its activities and marks its
        complaints in one transaction, then commits: a crashed run is finished by the next."""
        domain = Domain("is_overdue", "=", True) & Domain("overdue_notified", "=", False)
        process_in_batches(self, domain, _OVERDUE_BATCH, lambda batch: batch._bank_notify_overdue())

    def _bank_notify_overdue(self):
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_complaint_overdue")
        today = self.env.company._bank_today()
        model_id = self.env["ir.model"]._get_id(self._name)
        values = []
        for complaint in self:
            user = complaint.unit_id._custodian_user()
            if user:
                values.append({
                    "res_model_id": model_id,
                    "res_id": complaint.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": today,
                    "summary": self.env._("Complaint %(complaint)s overdue", complaint=complaint.name),
                    "note": self.env._(
                        "Received on %(received)s, due by %(deadline)s, still %(state)s: see that "
                        "%(rm)s answers the customer.",
                        received=complaint.date_received, deadline=complaint.deadline,
                        state=complaint._state_label(), rm=complaint.responsible_rm_id.name or "-",
                    ),
                })
        if values:
            # sudo: the cron plans the activity for the unit head, who may read the complaint.
            self.env["mail.activity"].sudo().create(values)
        self.sudo().write({"overdue_notified": True})

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _check_transition(self, *states):
        self.check_access("write")
        for complaint in self:
            if complaint.state not in states:
                raise UserError(self.env._(
                    "Complaint %(complaint)s is %(state)s: this step needs it %(expected)s (field State).",
                    complaint=complaint.name, state=complaint._state_label(),
                    expected=" / ".join(complaint._state_label(s) for s in states),
                ))

    def _check_filled(self, field_name):
        label = self._fields[field_name].get_description(self.env)["string"]
        for complaint in self:
            if not (complaint[field_name] or "").strip():
                raise UserError(self.env._(
                    "Complaint %(complaint)s: fill in the field %(field)s first.",
                    complaint=complaint.name, field=label,
                ))

    def _state_label(self, state=None):
        return dict(self._fields["state"]._description_selection(self.env))[state or self.state]

    def _done_overdue_activities(self):
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_complaint_overdue")
        # sudo: the unit head's reminder is done once the complaint is answered, whoever answered it.
        activities = self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        if activities:
            activities.action_feedback(feedback=self.env._("Answered"))
