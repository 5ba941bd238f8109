# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .bank_guard_mixin import guard_error

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("filed", "Filed"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("draft", "submitted", "approved", "in_progress")
# The request itself: given at creation and editable while it is a draft.
REQUEST_FIELDS = ("incoming_rm_id", "reason", "reason_note", "date_planned")


class BankHandover(models.Model):
    """An RM's departure and the witnessed handover of their customers (离任/转岗交接).

    The seed's case study is a handover done between two people alone: no witnesses, no
    written list, nothing filed, and a customer who suffered for it. Here the customers move
    only when the departure request carries its three approvals, both witnesses have
    confirmed their own presence and every item of the list is ticked; the list is then
    rendered as a PDF, attached, and filed by the RM office.

    The model is spread over one file per concern, each an ``_inherit`` of this one: the
    approvals (bank_handover_approval.py), the witnesses (bank_handover_witness.py), the list
    (built by bank.handover.line, bank_handover_line.py), the checks of done
    (bank_handover_done.py) and the transfer itself (bank_handover_transfer.py).
    """

    _name = "bank.handover"
    _description = "RM handover"
    _inherit = ["bank.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    # Done and filed handovers are locked (no write access for anyone): their participants
    # may still comment on them.
    _mail_post_access = "read"
    # The guard (models/bank_guard_mixin.py, docs/guards.md): every step of the handover is an
    # action; the request's details change while it is a draft, the witnesses while it is approved
    # or in progress (by a manager); done, filed and cancelled handovers are locked.
    _bank_action_fields = frozenset({
        "name", "outgoing_user_id", "incoming_user_id", "unit_id", "incoming_unit_id", "company_id", "state",
        "rejection_reason", "head_approved_by_id", "head_approved_at", "office_approved_by_id",
        "office_approved_at", "hr_approved_by_id", "hr_approved_at", "supervisor_confirmed",
        "supervisor_confirmed_at", "center_head_confirmed", "center_head_confirmed_at", "line_ids", "done_by_id",
        "done_at", "filed_by_id", "filed_at", "list_attachment_id",
    })
    _bank_fixed_fields = frozenset({"outgoing_rm_id"})
    _bank_locked_states = frozenset({"done", "filed", "cancelled"})
    _bank_steps = {
        "submit": ("draft",),
        "approve_unit_head": ("submitted",),
        "approve_office": ("submitted",),
        "approve_hr": ("submitted",),
        "reject": ("submitted",),
        "cancel": OPEN_STATES,
        "start": ("approved",),
        "refresh": ("in_progress",),
        "confirm_presence": ("in_progress",),
        "done": ("in_progress",),
        "file": ("done",),
        "edit_request": ("draft",),
        "set_witnesses": ("approved", "in_progress"),
    }
    _bank_field_steps = {
        **dict.fromkeys(REQUEST_FIELDS, "edit_request"),
        "supervisor_id": "set_witnesses",
        "center_head_id": "set_witnesses",
    }

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    outgoing_rm_id = fields.Many2one(
        "bank.rm", string="Outgoing RM", required=True, index=True, tracking=True, ondelete="restrict",
        default=lambda self: self.env["bank.rm"].search([("user_id", "=", self.env.uid)], limit=1),
    )
    # Stored users and units: the record rules compare them in SQL (docs/security.md item 5).
    outgoing_user_id = fields.Many2one(
        related="outgoing_rm_id.user_id", store=True, index=True, string="Outgoing RM user"
    )
    incoming_rm_id = fields.Many2one(
        "bank.rm", string="Incoming RM", index=True, tracking=True, ondelete="restrict",
        help="The proposed successor, who takes over the customers.",
    )
    incoming_user_id = fields.Many2one(
        related="incoming_rm_id.user_id", store=True, index=True, string="Incoming RM user"
    )
    unit_id = fields.Many2one(
        "bank.org.unit",
        string="Unit",
        compute="_compute_unit_id",
        store=True,
        precompute=True,
        index=True,
        help="The outgoing RM's unit when the request was made: the post the successor takes over.",
    )
    incoming_unit_id = fields.Many2one(
        related="incoming_rm_id.unit_id", store=True, index=True, string="Incoming RM's unit"
    )
    company_id = fields.Many2one(related="outgoing_rm_id.company_id", store=True, index=True)
    reason = fields.Selection(
        [("resignation", "Resignation"), ("transfer", "Transfer"), ("promotion", "Promotion"), ("other", "Other")],
        required=True,
        default="transfer",
        tracking=True,
    )
    reason_note = fields.Text(string="Details")
    date_planned = fields.Date(string="Planned departure", tracking=True)
    state = fields.Selection(STATES, string="Status", required=True, default="draft", readonly=True, index=True,
                             tracking=True, copy=False)

    line_ids = fields.One2many("bank.handover.line", "handover_id", string="Handover list", readonly=True)
    customer_count = fields.Integer(compute="_compute_counts", string="Customers (primary)")
    line_count = fields.Integer(compute="_compute_counts", string="Items")
    checked_count = fields.Integer(compute="_compute_counts", string="Items handed over")

    done_by_id = fields.Many2one("res.users", string="Done by", readonly=True, copy=False)
    done_at = fields.Datetime(string="Done on", readonly=True, copy=False)
    filed_by_id = fields.Many2one("res.users", string="Filed by", readonly=True, tracking=True, copy=False)
    filed_at = fields.Datetime(string="Filed on", readonly=True, copy=False)
    list_attachment_id = fields.Many2one("ir.attachment", string="Handover list (PDF)", readonly=True, copy=False)

    # The buttons (views/bank_handover_views.xml) show when the click would succeed.
    can_submit = fields.Boolean(compute="_compute_bank_can")
    can_cancel = fields.Boolean(compute="_compute_bank_can")
    can_start = fields.Boolean(compute="_compute_bank_can")
    can_refresh = fields.Boolean(compute="_compute_bank_can")
    can_file = fields.Boolean(compute="_compute_bank_can")
    can_edit_request = fields.Boolean(compute="_compute_bank_can")

    # One open handover per RM, enforced by the database too (two simultaneous requests).
    _one_open_per_rm = models.UniqueIndex(
        "(outgoing_rm_id) WHERE state IN ('draft', 'submitted', 'approved', 'in_progress')",
        "An RM has at most one open handover.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("outgoing_rm_id")
    def _compute_unit_id(self):
        for handover in self:
            # sudo: the RM's unit, whatever units the requester may read.
            handover.unit_id = handover.outgoing_rm_id.sudo().unit_id

    @api.depends("line_ids.checked", "line_ids.line_type", "line_ids.rm_role")
    def _compute_counts(self):
        for handover in self:
            # sudo: counts only, shown to everyone who reads the request (HR included).
            lines = handover.sudo().line_ids
            handover.line_count = len(lines)
            handover.checked_count = len(lines.filtered("checked"))
            handover.customer_count = len(
                lines.filtered(lambda line: line.line_type == "customer" and line.rm_role == "primary")
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("outgoing_rm_id", "incoming_rm_id")
    def _check_rms(self):
        # sudo: the other open handovers and the successor's record, wherever they are.
        for handover in self.sudo():
            handover._check_no_other_open_handover()
            if handover.incoming_rm_id and handover.state in OPEN_STATES:
                error = handover._incoming_problem()
                if error:
                    raise ValidationError(error)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _bank_prepare_create(self, vals_list):
        """The reference from the sequence; an RM has one open handover (said before the unique
        index says it)."""
        # Pending state changes (a cancelled handover) must reach the unique index first.
        self.flush_model(["state", "outgoing_rm_id"])
        for vals in vals_list:
            rm_id = vals.get("outgoing_rm_id") or self.default_get(["outgoing_rm_id"]).get("outgoing_rm_id")
            if rm_id:
                # sudo: the other open handover may be one the user cannot read.
                self.sudo()._check_rm_free(self.env["bank.rm"].browse(rm_id))
            # sudo: the sequence is the system's.
            vals["name"] = self.env["ir.sequence"].sudo().next_by_code("bank.handover") or "/"

    @api.model_create_multi
    def create(self, vals_list):
        handovers = super().create(vals_list)
        if not self.env.su:
            for handover in handovers:
                problem = handover._bank_may_submit()
                if problem:
                    raise guard_error(handover, "outgoing_rm_id", problem)
        return handovers

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        if self.filtered(lambda h: h.state != "draft" or h.head_approved_by_id):
            raise UserError(
                self.env._("Handovers carry history and cannot be deleted: cancel them instead.")
            )

    # ------------------------------------------------------------------
    # Actions: the departure request
    # ------------------------------------------------------------------

    def action_submit(self):
        """The outgoing RM (or their unit head on their behalf) submits the departure request."""
        for handover in self._bank_start_step("submit"):
            if not handover.incoming_rm_id:
                raise UserError(
                    self.env._(
                        "Handover %(handover)s: propose a successor (field Incoming RM) before submitting.",
                        handover=handover.name,
                    )
                )
            # sudo: the successor's record and their other handovers, wherever they are.
            error = handover.sudo()._incoming_problem()
            if error:
                raise ValidationError(error)
            handover._bank_system_write({"state": "submitted"})
            handover._schedule_todo(
                handover.unit_id.head_user_id or handover.unit_id.supervisor_user_id,
                self.env._("Approve the departure request of %(rm)s", rm=handover.outgoing_rm_id.name),
            )
        return True

    def action_cancel(self):
        """Cancel an open handover (it stays, for the record); a leaving RM is active again."""
        for handover in self._bank_start_step("cancel"):
            handover._bank_system_write({"state": "cancelled"})
            if handover.outgoing_rm_id.state == "leaving":
                # sudo: the RM record is not writable by unit heads; the cancel step was checked.
                handover.outgoing_rm_id.sudo().write({"state": "active"})
            handover._close_todos()
        return True

    def action_start(self):
        """Prepare the handover: the list is filled and the witnesses proposed from the units."""
        for handover in self._bank_start_step("start"):
            values = {"state": "in_progress"}
            # sudo: the units above the RM's, whatever units the user may read.
            supervisor, center_head = handover.sudo()._propose_witnesses()
            if not handover.supervisor_id and supervisor:
                values["supervisor_id"] = supervisor.id
            if not handover.center_head_id and center_head:
                values["center_head_id"] = center_head.id
            handover._bank_system_write(values)
            self.env["bank.handover.line"]._bank_refresh_list(handover)
            for witness in handover.supervisor_id | handover.center_head_id:
                handover._schedule_todo(
                    witness,
                    self.env._("Witness the handover of %(rm)s", rm=handover.outgoing_rm_id.name),
                )
        return True

    def action_refresh_lines(self):
        """Bring the list up to date with the outgoing RM's portfolio (ticks are kept)."""
        for handover in self._bank_start_step("refresh"):
            self.env["bank.handover.line"]._bank_refresh_list(handover)
        return True

    def action_file(self):
        """The RM office files the handover list (报客户经理管理机构备案); it is locked from then on."""
        for handover in self._bank_start_step("file"):
            handover._bank_system_write({
                "state": "filed",
                "filed_by_id": self.env.uid,
                "filed_at": fields.Datetime.now(),
            })
            handover.message_post(body=self.env._("Handover list filed with the RM office by %(user)s.",
                                                  user=self.env.user.name))
        return True

    def action_view_list(self):
        """Open the attached handover list."""
        self.ensure_one()
        if not self.list_attachment_id:
            raise UserError(self.env._("Handover %(handover)s has no list attached yet.", handover=self.name))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.list_attachment_id.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Steps: who may take them (the rule of the action and of its button)
    # ------------------------------------------------------------------

    def _bank_may_submit(self):
        """Who may request (and submit) a departure: the RM, their unit head, or the RM office."""
        if self.outgoing_user_id == self.env.user or self._may_manage():
            return None
        return self.env._(
            "a departure request for %(rm)s is made by the RM, the head or a supervisor of %(unit)s, "
            "or the RM office.",
            rm=self.outgoing_rm_id.name, unit=self.unit_id.display_name,
        )

    def _bank_may_cancel(self):
        if self._may_manage() or (self.state in ("draft", "submitted") and self.outgoing_user_id == self.env.user):
            return None
        return self.env._(
            "only the RM office, the head or a supervisor of %(unit)s (or the outgoing RM before approval) "
            "may cancel it.",
            unit=self.unit_id.display_name,
        )

    def _bank_may_start(self):
        if self._may_manage() or self.outgoing_user_id == self.env.user:
            return None
        return self.env._(
            "only the outgoing RM, the RM office, or the head or a supervisor of %(unit)s may prepare the handover.",
            unit=self.unit_id.display_name,
        )

    def _bank_may_refresh(self):
        return self._participant_problem()

    def _bank_may_file(self):
        if self.env.su or self.env.user.has_group("bank_relationship_manager.group_bank_office"):
            return None
        return self.env._("only the RM office files handover lists.")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _may_manage(self):
        """The RM office, and the head or supervisors of the outgoing RM's unit."""
        self.ensure_one()
        user = self.env.user
        return self.env.su or user.has_group("bank_relationship_manager.group_bank_office") or (
            user in self._unit_managers()
        )

    def _unit_managers(self):
        # sudo: the unit's managers decide, whatever the user may read of units.
        unit = self.sudo().unit_id
        return unit.head_user_id | unit.oversight_user_ids

    def _participant_problem(self, managers=False):
        """The people at the meeting: both RMs and both witnesses (and, to close it, the managers)."""
        self.ensure_one()
        user = self.env.user
        if self.env.su or user in (
            self.outgoing_user_id | self.incoming_user_id | self.supervisor_id | self.center_head_id
        ):
            return None
        if managers and self._may_manage():
            return None
        return self.env._("only the two RMs and the two witnesses take part in the handover.")

    def _incoming_problem(self, done=False):
        """Why the proposed successor cannot take over, or False."""
        self.ensure_one()
        incoming = self.incoming_rm_id
        _ = self.env._
        if incoming == self.outgoing_rm_id:
            return _("Handover %(handover)s: the successor must be another RM than %(rm)s (field Incoming RM).",
                     handover=self.name, rm=incoming.name)
        if not incoming.active or incoming.state != "active":
            return _("Handover %(handover)s: the successor %(rm)s is not an active RM (field Incoming RM).",
                     handover=self.name, rm=incoming.name)
        if done and incoming.is_absent:
            return _("Handover %(handover)s: the successor %(rm)s is marked absent (field Incoming RM).",
                     handover=self.name, rm=incoming.name)
        if not incoming.grade_id._fits(self.unit_id):
            return _("Handover %(handover)s: the successor %(rm)s, %(grade)s, cannot staff %(unit)s "
                     "(field Incoming RM).",
                     handover=self.name, rm=incoming.name, grade=incoming.grade_id.name,
                     unit=self.unit_id.display_name)
        other = self.search([("outgoing_rm_id", "=", incoming.id), ("state", "in", OPEN_STATES)], limit=1)
        if other:
            return _("Handover %(handover)s: the successor %(rm)s is leaving too (handover %(other)s) "
                     "(field Incoming RM).", handover=self.name, rm=incoming.name, other=other.name)
        return False

    def _check_no_other_open_handover(self):
        self.ensure_one()
        if self.state in OPEN_STATES:
            self._check_rm_free(self.outgoing_rm_id, exclude=self)

    @api.model
    def _check_rm_free(self, rm, exclude=None):
        """An RM has one open handover at a time."""
        domain = [("outgoing_rm_id", "=", rm.id), ("state", "in", OPEN_STATES)]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        other = self.search(domain, limit=1)
        if other:
            raise ValidationError(
                self.env._(
                    "RM %(rm)s already has an open handover, %(other)s: finish or cancel it first "
                    "(field Outgoing RM).",
                    rm=rm.name,
                    other=other.name,
                )
            )

    def _schedule_todo(self, user, summary):
        if user:
            # sudo: the request's author may not be allowed to assign work to the approver.
            self.sudo().activity_schedule("mail.mail_activity_data_todo", user_id=user.id, summary=summary)

    def _close_todos(self, user=None):
        """The to-dos of a finished step are done."""
        # sudo: the to-dos belong to the approvers and witnesses.
        activities = self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
            and (user is None or a.user_id == user)
        )
        activities.action_feedback()

    def _field_label(self, field_name):
        return self._fields[field_name].get_description(self.env)["string"]

    def _state_label(self, state=None):
        return self._bank_state_label(state)
