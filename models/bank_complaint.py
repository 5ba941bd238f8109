# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from ..tools.cron_batches import process_in_batches
from .bank_guard_mixin import guard_error
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
    _inherit = ["bank.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_received desc, id desc"
    # The guard (models/bank_guard_mixin.py): states, dates of the steps and the stored owners
    # that the record rules read change only through the actions and the cron; the customer is
    # the one the complaint was recorded for.
    _bank_action_fields = frozenset({
        "name", "state", "deadline", "overdue_notified", "date_resolved", "date_closed", "company_id",
        "user_id", "unit_id", "responsible_user_id",
    })
    _bank_fixed_fields = frozenset({"partner_id"})
    _bank_locked_states = frozenset({"closed", "cancelled"})
    _bank_steps = {
        "start": ("new",),
        "resolve": ("new", "in_progress"),
        "close": ("resolved",),
        "cancel": ("new", "in_progress"),
    }

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
    can_start = fields.Boolean(compute="_compute_bank_can")
    can_resolve = fields.Boolean(compute="_compute_bank_can")
    can_close = fields.Boolean(compute="_compute_bank_can")
    can_cancel = fields.Boolean(compute="_compute_bank_can")

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

    @api.constrains("partner_id", "responsible_rm_id")
    def _check_responsible_rm(self):
        """The responsible RM is one who may serve the customer: their primary or backup RM or an
        RM of the customer's unit. Any other RM would be handed the complaint, and through its
        stored responsible user, read and write access to it (docs/security.md, class d)."""
        # sudo: the customer's RMs and unit decide, whoever records the complaint.
        for complaint in self.sudo():
            rm, partner = complaint.responsible_rm_id, complaint.partner_id
            if not rm or rm in partner.bank_rm_id | partner.bank_backup_rm_id:
                continue
            if partner.bank_unit_id and rm.unit_id == partner.bank_unit_id:
                continue
            raise ValidationError(self.env._(
                "Complaint %(complaint)s: %(rm)s is neither an RM of the customer nor of the customer's "
                "unit (field Responsible RM).",
                complaint=complaint.name, rm=rm.name,
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

    @api.model
    def _bank_prepare_create(self, vals_list):
        # sudo: the reference sequence is read by everyone who records a complaint.
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if not self.env.su and "responsible_rm_id" in vals:
                self._bank_check_responsible(vals)
            vals["name"] = sequence.next_by_code("bank.complaint") or "/"

    def write(self, vals):
        if "responsible_rm_id" in vals and not self.env.su:
            self._bank_check_responsible(vals)
        return super().write(vals)

    @api.model
    def _bank_check_responsible(self, vals):
        """The responsible RM reads and works on the complaint (the record rules read it): the unit
        head or a supervisor chooses them; others leave the customer's primary RM."""
        if self.env.user.has_group("bank_relationship_manager.group_bank_unit_head"):
            return
        partner = self.env["res.partner"].browse(vals.get("partner_id") or self.partner_id.id)
        # sudo: the customer's primary RM is the only choice, whoever records the complaint.
        if (vals["responsible_rm_id"] or False) != partner.sudo().bank_rm_id.id:
            raise guard_error(self, "responsible_rm_id", self.env._(
                "the head of the unit or a supervisor chooses another responsible RM than the customer's primary RM."
            ))

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
        self._bank_start_step("start")._bank_system_write({"state": "in_progress"})
        return True

    def action_resolve(self):
        self._bank_start_step("resolve")._check_filled("resolution")
        self._bank_system_write({"state": "resolved", "date_resolved": self.env.company._bank_today()})
        self._done_overdue_activities()
        return True

    def action_close(self):
        self._bank_start_step("close")._check_filled("root_cause")
        self._bank_system_write({"state": "closed", "date_closed": self.env.company._bank_today()})
        return True

    def action_cancel(self):
        """A complaint recorded by mistake or withdrawn by the customer: the resolution says why."""
        self._bank_start_step("cancel")._check_filled("resolution")
        self._bank_system_write({"state": "cancelled"})
        self._done_overdue_activities()
        return True

    def _bank_may_start(self):
        return self._bank_may_work()

    def _bank_may_resolve(self):
        return self._bank_may_work()

    def _bank_may_cancel(self):
        return self._bank_may_work()

    def _bank_may_close(self):
        if not self.env.su and not self.env.user.has_group("bank_relationship_manager.group_bank_unit_head"):
            return self.env._(
                "the head of the unit (or a supervisor) closes it after reviewing the root cause, not %(user)s.",
                user=self.env.user.name,
            )
        return self._bank_may_work()

    def _bank_may_work(self):
        """Steps are taken by those who may write the complaint (its responsible RM, the unit)."""
        if not self.env.su and not self.has_access("write"):
            return self.env._("only its responsible RM or the head or a supervisor of the unit may do this.")
        return None

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
                        state=complaint._bank_state_label(), rm=complaint.responsible_rm_id.name or "-",
                    ),
                })
        if values:
            # sudo: the cron plans the activity for the unit head, who may read the complaint.
            self.env["mail.activity"].sudo().create(values)
        self._bank_system_write({"overdue_notified": True})

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _check_filled(self, field_name):
        label = self._fields[field_name].get_description(self.env)["string"]
        for complaint in self:
            if not (complaint[field_name] or "").strip():
                raise UserError(self.env._(
                    "Complaint %(complaint)s: fill in the field %(field)s first.",
                    complaint=complaint.name, field=label,
                ))

    def _done_overdue_activities(self):
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_complaint_overdue")
        # sudo: the unit head's reminder is done once the complaint is answered, whoever answered it.
        activities = self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        if activities:
            activities.action_feedback(feedback=self.env._("Answered"))
