# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from markupsafe import escape

from odoo import api, fields, models, modules
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.tools import format_amount

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
# The departure request (离岗申请) is approved in this order, each step by its own group.
APPROVAL_STEPS = [("unit_head", "Unit head"), ("office", "RM office"), ("hr", "HR")]
_STEP_FIELDS = {
    "unit_head": ("head_approved_by_id", "head_approved_at"),
    "office": ("office_approved_by_id", "office_approved_at"),
    "hr": ("hr_approved_by_id", "hr_approved_at"),
}
_STEP_GROUPS = {
    "unit_head": "bank_relationship_manager.group_bank_unit_head",
    "office": "bank_relationship_manager.group_bank_office",
    "hr": "bank_relationship_manager.group_bank_hr",
}
# Fields written by the handover's steps only, never by a user directly.
_GUARDED_FIELDS = {
    "name", "outgoing_rm_id", "outgoing_user_id", "incoming_user_id", "unit_id", "incoming_unit_id",
    "company_id", "state", "rejection_reason", "head_approved_by_id", "head_approved_at",
    "office_approved_by_id", "office_approved_at", "hr_approved_by_id", "hr_approved_at",
    "supervisor_confirmed", "supervisor_confirmed_at", "center_head_confirmed", "center_head_confirmed_at",
    "line_ids", "done_by_id", "done_at", "filed_by_id", "filed_at", "list_attachment_id",
}
# Fields a user may give when creating a request; everything else is set by the actions.
_CREATE_FIELDS = {"outgoing_rm_id", "incoming_rm_id", "reason", "reason_note", "date_planned"}
# Fields of the request itself, editable while it is a draft.
_DRAFT_FIELDS = {"incoming_rm_id", "reason", "reason_note", "date_planned"}
# The witnesses, set (or changed) after approval and before the handover is done.
_WITNESS_FIELDS = {"supervisor_id", "center_head_id"}
_INTRO_DAYS_PARAM = "bank_relationship_manager.handover_intro_call_days"


class BankHandover(models.Model):
    """An RM's departure and the witnessed handover of their customers (离任/转岗交接).

    The seed's case study is a handover done between two people alone: no witnesses, no
    written list, nothing filed, and a customer who suffered for it. Here the customers move
    only when the departure request carries its three approvals, both witnesses have
    confirmed their own presence and every item of the list is ticked; the list is then
    rendered as a PDF, attached, and filed by the RM office.
    """

    _name = "bank.handover"
    _description = "RM handover"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    # Done and filed handovers are locked (no write access for anyone): their participants
    # may still comment on them.
    _mail_post_access = "read"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    outgoing_rm_id = fields.Many2one(
        "bank.rm", string="Outgoing RM", required=True, index=True, tracking=True, ondelete="restrict",
        default=lambda self: self.env["bank.rm"].search([("user_id", "=", self.env.uid)], limit=1),
    )
    # Stored users and units: the record rules compare them in SQL (SECURITY.md item 5).
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
    rejection_reason = fields.Text(string="Reason of the last rejection", readonly=True, tracking=True, copy=False)

    head_approved_by_id = fields.Many2one("res.users", string="Approved by the unit head", readonly=True,
                                          tracking=True, copy=False)
    head_approved_at = fields.Datetime(string="Unit head approval on", readonly=True, copy=False)
    office_approved_by_id = fields.Many2one("res.users", string="Reviewed by the RM office", readonly=True,
                                            tracking=True, copy=False)
    office_approved_at = fields.Datetime(string="RM office review on", readonly=True, copy=False)
    hr_approved_by_id = fields.Many2one("res.users", string="Approved by HR", readonly=True, tracking=True,
                                        copy=False)
    hr_approved_at = fields.Datetime(string="HR approval on", readonly=True, copy=False)
    approval_step = fields.Selection(APPROVAL_STEPS, string="Waiting for", compute="_compute_approval_step")

    supervisor_id = fields.Many2one(
        "res.users", string="RM supervisor (witness)", index=True, tracking=True, copy=False,
        help="Sub-branch RM supervisor who witnesses the handover.",
    )
    center_head_id = fields.Many2one(
        "res.users", string="Wealth-centre head (witness)", index=True, tracking=True, copy=False,
        help="Head of the wealth centre who witnesses the handover.",
    )
    supervisor_confirmed = fields.Boolean(string="Supervisor present", readonly=True, tracking=True, copy=False)
    supervisor_confirmed_at = fields.Datetime(string="Supervisor confirmed on", readonly=True, copy=False)
    center_head_confirmed = fields.Boolean(string="Centre head present", readonly=True, tracking=True, copy=False)
    center_head_confirmed_at = fields.Datetime(string="Centre head confirmed on", readonly=True, copy=False)

    line_ids = fields.One2many("bank.handover.line", "handover_id", string="Handover list", readonly=True)
    customer_count = fields.Integer(compute="_compute_counts", string="Customers (primary)")
    line_count = fields.Integer(compute="_compute_counts", string="Items")
    checked_count = fields.Integer(compute="_compute_counts", string="Items handed over")
    missing_summary = fields.Text(
        string="Still missing",
        compute="_compute_missing_summary",
        groups="bank_relationship_manager.group_bank_rm,bank_relationship_manager.group_bank_office",
    )

    done_by_id = fields.Many2one("res.users", string="Done by", readonly=True, copy=False)
    done_at = fields.Datetime(string="Done on", readonly=True, copy=False)
    filed_by_id = fields.Many2one("res.users", string="Filed by", readonly=True, tracking=True, copy=False)
    filed_at = fields.Datetime(string="Filed on", readonly=True, copy=False)
    list_attachment_id = fields.Many2one("ir.attachment", string="Handover list (PDF)", readonly=True, copy=False)

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
            handover.unit_id = handover.outgoing_rm_id.sudo().unit_id

    @api.depends("state", "head_approved_by_id", "office_approved_by_id", "hr_approved_by_id")
    def _compute_approval_step(self):
        for handover in self:
            handover.approval_step = handover._next_step() if handover.state == "submitted" else False

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

    @api.depends(
        "state", "line_ids.checked", "supervisor_id", "center_head_id", "supervisor_confirmed",
        "center_head_confirmed", "incoming_rm_id", "head_approved_by_id", "office_approved_by_id",
        "hr_approved_by_id",
    )
    def _compute_missing_summary(self):
        for handover in self:
            # sudo: a checklist shown to the people of the handover (the field is not HR's).
            problems = handover.sudo()._done_problems() if handover.state == "in_progress" else []
            handover.missing_summary = "\n".join(f"• {problem}" for problem in problems) or False

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("outgoing_rm_id", "incoming_rm_id")
    def _check_rms(self):
        for handover in self.sudo():
            handover._check_no_other_open_handover()
            if handover.incoming_rm_id and handover.state in OPEN_STATES:
                error = handover._incoming_problem()
                if error:
                    raise ValidationError(error)

    @api.constrains("supervisor_id", "center_head_id")
    def _check_witness_groups(self):
        for handover in self:
            for field_name, group in handover._witness_groups().items():
                user = handover[field_name]
                if user and not user.has_group(group):
                    raise ValidationError(
                        self.env._(
                            "Handover %(handover)s: %(user)s cannot witness the handover as %(field)s, "
                            "being not in the group %(group)s.",
                            handover=handover.name,
                            user=user.name,
                            field=handover._field_label(field_name),
                            group=self.env.ref(group).name,
                        )
                    )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Pending state changes (a cancelled handover) must reach the unique index first.
        self.flush_model(["state", "outgoing_rm_id"])
        if not self.env.su:
            # Defaults from the context are values like any other (SECURITY.md item 2).
            context = {
                key: value for key, value in self.env.context.items()
                if not key.startswith("default_") or key[len("default_"):] in _CREATE_FIELDS
            }
            self = self.with_context(context)  # noqa: PLW0642
            for vals in vals_list:
                forbidden = sorted(
                    key for key, value in vals.items()
                    if key in self._fields and key not in _CREATE_FIELDS and not self._is_default_value(key, value)
                )
                if forbidden:
                    raise AccessError(
                        self.env._(
                            "A departure request is created with its RMs, reason and details only; "
                            "these fields are set by the handover's steps: %(fields)s.",
                            fields=", ".join(self._field_label(name) for name in forbidden),
                        )
                    )
        for vals in vals_list:
            # Before the insert, so that the unique index is not the one to answer.
            rm_id = vals.get("outgoing_rm_id") or self.default_get(["outgoing_rm_id"]).get("outgoing_rm_id")
            if rm_id:
                self.sudo()._check_rm_free(self.env["bank.rm"].browse(rm_id))
            vals["name"] = self.env["ir.sequence"].sudo().next_by_code("bank.handover") or "/"
        handovers = super().create(vals_list)
        if not self.env.su:
            handovers._check_may_request()
        return handovers

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")  # locked (done, filed) handovers first refuse as such
            self._check_write_allowed(vals)
        for field_name, confirmed in (("supervisor_id", "supervisor_confirmed"),
                                      ("center_head_id", "center_head_confirmed")):
            if field_name in vals and any(h[field_name].id != vals[field_name] for h in self):
                # A new witness confirms for themselves.
                vals = dict(vals, **{confirmed: False, f"{confirmed}_at": False})
        return super().write(vals)

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
        self.check_access("read")
        for handover in self:
            handover._check_state("draft")
            handover._check_may_request()
            if not handover.incoming_rm_id:
                raise UserError(
                    self.env._(
                        "Handover %(handover)s: propose a successor (field Incoming RM) before submitting.",
                        handover=handover.name,
                    )
                )
            error = handover.sudo()._incoming_problem()
            if error:
                raise ValidationError(error)
            # sudo: the state is written by the actions only; the caller was checked above.
            handover.sudo().write({"state": "submitted"})
            handover._schedule_todo(
                handover.unit_id.head_user_id or handover.unit_id.supervisor_user_id,
                self.env._("Approve the departure request of %(rm)s", rm=handover.outgoing_rm_id.name),
            )
        return True

    def action_approve_unit_head(self):
        """First approval: the head (or a supervisor) of the outgoing RM's unit (部门领导)."""
        return self._approve("unit_head")

    def action_approve_office(self):
        """Second approval: the RM management office reviews (客户经理管理机构审查)."""
        return self._approve("office")

    def action_approve_hr(self):
        """Last approval: HR (人教部门) approves the departure; the RM is now leaving."""
        return self._approve("hr")

    def action_reject(self, reason):
        """The approver of the current step sends the request back to draft, with a reason."""
        self.check_access("read")
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("A rejection needs a reason (field Reason of the last rejection)."))
        for handover in self:
            handover._check_state("submitted")
            handover._check_approver(handover.approval_step)
            values = {"state": "draft", "rejection_reason": reason}
            for by_field, at_field in _STEP_FIELDS.values():
                values.update({by_field: False, at_field: False})
            # sudo: as in _approve.
            handover.sudo().write(values)
            handover._close_todos()
            handover.message_post(
                body=self.env._("Departure request rejected by %(user)s: %(reason)s",
                                user=self.env.user.name, reason=reason),
            )
        return True

    def action_open_reject_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject the departure request"),
            "res_model": "bank.handover.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_handover_id": self.id},
        }

    def action_cancel(self):
        """Cancel an open handover (it stays, for the record); a leaving RM is active again."""
        self.check_access("read")
        for handover in self:
            if handover.state not in OPEN_STATES:
                raise UserError(
                    self.env._(
                        "Handover %(handover)s is %(state)s and can no longer be cancelled.",
                        handover=handover.name,
                        state=handover._state_label(),
                    )
                )
            if not handover._may_manage() and not (
                handover.state in ("draft", "submitted") and handover.outgoing_user_id == self.env.user
            ):
                raise AccessError(
                    self.env._(
                        "Handover %(handover)s: only the RM office, the head or a supervisor of %(unit)s "
                        "(or the outgoing RM before approval) may cancel it.",
                        handover=handover.name,
                        unit=handover.unit_id.display_name,
                    )
                )
            # sudo: as in _approve; the RM record is not writable by unit heads.
            handover.sudo().write({"state": "cancelled"})
            if handover.outgoing_rm_id.state == "leaving":
                handover.outgoing_rm_id.sudo().write({"state": "active"})
            handover._close_todos()
        return True

    # ------------------------------------------------------------------
    # Actions: the handover meeting
    # ------------------------------------------------------------------

    def action_start(self):
        """Prepare the handover: the list is filled and the witnesses proposed from the units."""
        self.check_access("read")
        for handover in self:
            handover._check_state("approved")
            if not handover._may_manage() and handover.outgoing_user_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Handover %(handover)s: only the outgoing RM, the RM office, or the head or a "
                        "supervisor of %(unit)s may prepare the handover.",
                        handover=handover.name,
                        unit=handover.unit_id.display_name,
                    )
                )
            # sudo: the list and the state are written by the actions only.
            handover_sudo = handover.sudo()
            values = {"state": "in_progress"}
            supervisor, center_head = handover_sudo._propose_witnesses()
            if not handover_sudo.supervisor_id and supervisor:
                values["supervisor_id"] = supervisor.id
            if not handover_sudo.center_head_id and center_head:
                values["center_head_id"] = center_head.id
            handover_sudo.write(values)
            handover_sudo._refresh_lines()
            for witness in handover_sudo.supervisor_id | handover_sudo.center_head_id:
                handover._schedule_todo(
                    witness,
                    self.env._("Witness the handover of %(rm)s", rm=handover.outgoing_rm_id.name),
                )
        return True

    def action_refresh_lines(self):
        """Bring the list up to date with the outgoing RM's portfolio (ticks are kept)."""
        self.check_access("read")
        for handover in self:
            handover._check_state("in_progress")
            handover._check_participant()
            # sudo: as in action_start.
            handover.sudo()._refresh_lines()
        return True

    def action_confirm_presence(self):
        """A witness confirms their own presence at the handover; no one confirms for another."""
        self.check_access("read")
        user = self.env.user
        for handover in self:
            handover._check_state("in_progress")
            roles = [name for name in ("supervisor_id", "center_head_id") if handover[name] == user]
            if not roles:
                raise AccessError(
                    self.env._(
                        "Handover %(handover)s: only the witnesses (%(witnesses)s) confirm their own presence.",
                        handover=handover.name,
                        witnesses=", ".join((handover.supervisor_id | handover.center_head_id).mapped("name"))
                        or "-",
                    )
                )
            if len(roles) == 2:
                raise UserError(
                    self.env._(
                        "Handover %(handover)s: the two witnesses must be two different users; "
                        "%(user)s is set as both.",
                        handover=handover.name,
                        user=user.name,
                    )
                )
            if user in handover.outgoing_user_id | handover.incoming_user_id:
                raise UserError(
                    self.env._(
                        "Handover %(handover)s: %(user)s is one of the two RMs and cannot witness the handover.",
                        handover=handover.name,
                        user=user.name,
                    )
                )
            confirmed = "supervisor_confirmed" if roles[0] == "supervisor_id" else "center_head_confirmed"
            # sudo: the confirmation is written by this action only, for the caller's own role.
            handover.sudo().write({confirmed: True, f"{confirmed}_at": fields.Datetime.now()})
            handover._close_todos(user)
            handover.message_post(
                body=self.env._("%(user)s confirms being present as %(role)s.",
                                user=user.name, role=handover._field_label(roles[0])),
            )
        return True

    def action_done(self):
        """Close the handover, in one transaction: customers, activities, introduction calls, list.

        Refused, with the list of what is missing, unless every approval, both witness
        confirmations and every item of the list are in.
        """
        self.check_access("read")
        for handover in self:
            handover._check_participant(managers=True)
            # Two users pressing Done at once: the second waits for nothing and is refused.
            handover.lock_for_update()
            handover.invalidate_recordset()
            handover._check_state("in_progress")
            # sudo: the transfer is authorised by the approvals and witnesses checked below,
            # not by the rights of the user who happens to press the button.
            handover_sudo = handover.sudo()
            handover_sudo._lock_dossiers()
            problems = handover_sudo._done_problems()
            if problems:
                raise UserError(
                    self.env._(
                        "Handover %(handover)s cannot be done yet; every customer stays with %(rm)s. "
                        "Missing:\n%(problems)s",
                        handover=handover.name,
                        rm=handover_sudo.outgoing_rm_id.name,
                        problems="\n".join(f"• {problem}" for problem in problems),
                    )
                )
            handover_sudo._transfer()
        return True

    def action_file(self):
        """The RM office files the handover list (报客户经理管理机构备案); it is locked from then on."""
        self.check_access("read")
        if not self.env.user.has_group("bank_relationship_manager.group_bank_office"):
            raise AccessError(self.env._("Only the RM office files handover lists."))
        for handover in self:
            handover._check_state("done")
            # sudo: as in _approve.
            handover.sudo().write({
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
    # Business logic
    # ------------------------------------------------------------------

    def _approve(self, step):
        self.check_access("read")
        for handover in self:
            handover._check_state("submitted")
            if handover.approval_step != step:
                raise UserError(
                    self.env._(
                        "Handover %(handover)s: the departure request is approved in turn by the unit head, "
                        "the RM office and HR; it now waits for: %(step)s.",
                        handover=handover.name,
                        step=handover._step_label(handover.approval_step),
                    )
                )
            handover._check_approver(step)
            by_field, at_field = _STEP_FIELDS[step]
            values = {by_field: self.env.uid, at_field: fields.Datetime.now()}
            if step == "hr":
                values["state"] = "approved"
            # sudo: approvals and the state are written by the actions only; the approver was checked.
            handover.sudo().write(values)
            handover._close_todos()
            handover.message_post(
                body=self.env._("Approved (%(step)s) by %(user)s.", step=handover._step_label(step),
                                user=self.env.user.name),
            )
            if step == "hr":
                # sudo: HR has no write access to RM records; the departure is approved now.
                handover.outgoing_rm_id.sudo().write({"state": "leaving"})
        return True

    def _next_step(self):
        self.ensure_one()
        for step, (by_field, _at_field) in _STEP_FIELDS.items():
            if not self[by_field]:
                return step
        return False

    def _check_approver(self, step):
        """The approver of ``step``: of its group, not one of the RMs, not an earlier approver."""
        self.ensure_one()
        user = self.env.user
        if user in self.outgoing_user_id | self.incoming_user_id:
            raise AccessError(
                self.env._(
                    "Handover %(handover)s: %(user)s is one of the two RMs and cannot approve the request.",
                    handover=self.name,
                    user=user.name,
                )
            )
        if not user.has_group(_STEP_GROUPS[step]) or (
            step == "unit_head" and user not in self._unit_managers()
        ):
            raise AccessError(
                self.env._(
                    "Handover %(handover)s: the step %(step)s is approved by %(who)s, not by %(user)s.",
                    handover=self.name,
                    step=self._step_label(step),
                    who=self.env._("the head or a supervisor of %(unit)s", unit=self.unit_id.display_name)
                    if step == "unit_head" else self.env.ref(_STEP_GROUPS[step]).name,
                    user=user.name,
                )
            )
        earlier = self.head_approved_by_id | self.office_approved_by_id | self.hr_approved_by_id
        if user in earlier:
            raise AccessError(
                self.env._(
                    "Handover %(handover)s: %(user)s already approved an earlier step; each step is "
                    "approved by a different person.",
                    handover=self.name,
                    user=user.name,
                )
            )

    def _refresh_lines(self):
        """Add the items missing from the list and drop those no longer the outgoing RM's."""
        self.ensure_one()
        wanted = {self.line_ids._item_key_from_vals(vals): vals for vals in self._prepare_item_lines()}
        existing = {line._item_key(): line for line in self.line_ids}
        stale = self.line_ids.browse([line.id for key, line in existing.items() if key not in wanted])
        stale.unlink()
        new = [vals for key, vals in wanted.items() if key not in existing]
        if new:
            self.env["bank.handover.line"].create(new)
        # A dossier listed earlier may have gone out or come back since: its line says so now.
        self._update_dossier_snapshots(self.line_ids.browse(
            [line.id for key, line in existing.items() if key in wanted and line.line_type == "dossier"]
        ))

    def _prepare_item_lines(self):
        """Values of every item the outgoing RM hands over, in list order.

        The customers where the RM is primary (A role) or backup (B role), then the electronic
        files (the documents attached to the customer records of their primary customers), then
        the physical dossiers of the primary customers (bag number, status, where it is kept).
        """
        self.ensure_one()
        rm = self.outgoing_rm_id
        Partner = self.env["res.partner"]
        primary = Partner.search([("bank_rm_id", "=", rm.id)], order="name, id")
        backup = Partner.search([("bank_backup_rm_id", "=", rm.id)], order="name, id")
        values = []
        for role, partners, sequence in (("primary", primary, 10), ("backup", backup, 20)):
            for partner in partners:
                values.append({
                    "handover_id": self.id,
                    "sequence": sequence,
                    "line_type": "customer",
                    "partner_id": partner.id,
                    "rm_role": role,
                    **self._customer_snapshot(partner),
                })
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", primary.ids)], order="res_id, name, id"
        )
        for attachment in attachments:
            partner = primary.browse(attachment.res_id)
            values.append({
                "handover_id": self.id,
                "sequence": 30,
                "line_type": "file",
                "partner_id": partner.id,
                "attachment_id": attachment.id,
                "reference": attachment.name,
                "name": partner.name,
            })
        for dossier in self._dossiers_of(primary):
            values.append({
                "handover_id": self.id,
                "sequence": 40,
                "line_type": "dossier",
                "partner_id": dossier.partner_id.id,
                "dossier_id": dossier.id,
                "name": dossier.partner_id.name,
                **self._dossier_snapshot(dossier),
            })
        return values

    def _dossiers_of(self, partners):
        """The dossiers handed over with the customers: every one not closed (draft, in custody or
        checked out); a closed dossier belongs to a customer who left and stays where it is."""
        return self.env["bank.dossier"].search(
            [("partner_id", "in", partners.ids), ("state", "!=", "closed")], order="bag_no, id"
        )

    def _update_dossier_snapshots(self, lines):
        """Bring the dossier lines' snapshots up to date, writing only those that changed."""
        for line in lines:
            snapshot = self._dossier_snapshot(line.dossier_id)
            if (line.reference, line.dossier_state, line.dossier_unit_id.id) != (
                snapshot["reference"], snapshot["dossier_state"], snapshot["dossier_unit_id"]
            ):
                line.write(snapshot)

    def _dossier_snapshot(self, dossier):
        """What the list records of a dossier: its bag number, status and the unit that keeps it."""
        return {
            "reference": dossier.bag_no,
            "dossier_state": dossier.state,
            "dossier_unit_id": dossier.unit_id.id,
        }

    def _customer_snapshot(self, partner):
        """What the list records of a customer: number, name, tier, AUM, backup RM."""
        return {
            "reference": partner.bank_customer_no,
            "name": partner.name,
            "tier_id": partner.bank_tier_id.id,
            "currency_id": partner.bank_currency_id.id,
            "aum": partner.bank_aum,
            "backup_rm_name": partner.bank_backup_rm_id.name or False,
        }

    def _propose_witnesses(self):
        """The sub-branch RM supervisor and the wealth-centre head over the outgoing RM's unit."""
        self.ensure_one()
        Users = self.env["res.users"]
        excluded = self.outgoing_user_id | self.incoming_user_id
        chain = []
        unit = self.unit_id
        while unit:
            chain.append(unit)
            unit = unit.parent_id
        supervisor = next(
            (u.supervisor_user_id for u in chain if u.supervisor_user_id and u.supervisor_user_id not in excluded),
            Users,
        )
        excluded |= supervisor
        center_head = next(
            (u.center_head_user_id for u in chain if u.center_head_user_id and u.center_head_user_id not in excluded),
            Users,
        )
        if not center_head:
            # No centre head above the unit: the wealth centre under the nearest unit above it.
            centers = self.env["bank.org.unit"].search([
                ("level", "=", "center"),
                ("parent_id", "in", [u.id for u in chain]),
                ("center_head_user_id", "!=", False),
            ])
            center_head = next(
                (
                    center.center_head_user_id
                    for u in chain
                    for center in centers
                    if center.parent_id == u and center.center_head_user_id not in excluded
                ),
                Users,
            )
        return supervisor, center_head

    def _done_problems(self):
        """What is still missing before the handover can be done, as sentences."""
        self.ensure_one()
        _ = self.env._
        problems = []
        for step, (by_field, _at_field) in _STEP_FIELDS.items():
            if not self[by_field]:
                problems.append(_("the approval of the %(step)s", step=self._step_label(step)))
        incoming = self.incoming_rm_id
        if not incoming:
            problems.append(_("a successor (field Incoming RM)"))
        else:
            error = self._incoming_problem(done=True)
            if error:
                problems.append(error)
        rms = self.outgoing_user_id | self.incoming_user_id
        witnesses = {"supervisor_id": "supervisor_confirmed", "center_head_id": "center_head_confirmed"}
        for field_name, confirmed in witnesses.items():
            user = self[field_name]
            label = self._field_label(field_name)
            if not user:
                problems.append(_("a witness: %(field)s is not set", field=label))
                continue
            group = self._witness_groups()[field_name]
            if not user.has_group(group):
                problems.append(_("%(user)s (%(field)s) is not in the group %(group)s",
                                  user=user.name, field=label, group=self.env.ref(group).name))
            if user in rms:
                problems.append(_("%(user)s (%(field)s) is one of the two RMs and cannot witness",
                                  user=user.name, field=label))
            if not self[confirmed]:
                problems.append(_("%(user)s (%(field)s) has not confirmed their presence",
                                  user=user.name, field=label))
        if self.supervisor_id and self.supervisor_id == self.center_head_id:
            problems.append(_("the two witnesses must be two different users, not %(user)s twice",
                              user=self.supervisor_id.name))
        unchecked = self.line_ids.filtered(lambda line: not line.checked)
        if unchecked:
            names = ", ".join(unchecked[:10].mapped(lambda line: line.name or line.reference or "-"))
            problems.append(_("%(count)s items of the list not handed over yet: %(names)s%(more)s",
                              count=len(unchecked), names=names, more=", …" if len(unchecked) > 10 else ""))
        listed = self.line_ids.filtered(lambda line: line.line_type == "customer")
        Partner = self.env["res.partner"]
        unlisted = (
            Partner.search([("bank_rm_id", "=", self.outgoing_rm_id.id)])
            - listed.filtered(lambda line: line.rm_role == "primary").partner_id
        ) | (
            Partner.search([("bank_backup_rm_id", "=", self.outgoing_rm_id.id)])
            - listed.filtered(lambda line: line.rm_role == "backup").partner_id
        )
        if unlisted:
            problems.append(_("%(count)s customers of %(rm)s are not on the list (refresh it): %(names)s",
                              count=len(unlisted), rm=self.outgoing_rm_id.name,
                              names=", ".join(unlisted[:10].mapped("name"))))
        return problems + self._dossier_problems()

    def _dossier_problems(self):
        """The dossiers stop the handover while the outgoing RM has one out, or a request of
        theirs is still open in the register (the custodian could otherwise hand a bag to an RM
        who no longer serves the customer), and while a dossier of a listed customer is missing
        from the list."""
        self.ensure_one()
        _ = self.env._
        problems = []
        rm = self.outgoing_rm_id
        for line in self._open_checkouts_of_outgoing():
            dossier = line.dossier_id
            unit = dossier.unit_id.display_name or "-"
            if line.state == "out":
                problems.append(_("dossier %(bag)s is checked out to %(rm)s (due back %(due)s): the custodian "
                                  "of %(unit)s must receive it back first",
                                  bag=dossier.bag_no, rm=rm.name, due=line._bank_format_due(), unit=unit))
            else:
                problems.append(_("dossier %(bag)s has an open check-out request of %(rm)s (%(state)s): the "
                                  "custodian of %(unit)s must reject it first",
                                  bag=dossier.bag_no, rm=rm.name, state=line._bank_state_label(), unit=unit))
        primary = self.line_ids.filtered(
            lambda line: line.line_type == "customer" and line.rm_role == "primary"
        ).partner_id
        unlisted = self._dossiers_of(primary) - self.line_ids.dossier_id
        if unlisted:
            problems.append(_("%(count)s dossiers of the listed customers are not on the list (refresh it): %(bags)s",
                              count=len(unlisted), bags=", ".join(unlisted[:10].mapped("bag_no"))))
        return problems

    def _open_checkouts_of_outgoing(self):
        """The outgoing RM's lines of the check-out register still open, whatever the dossier."""
        self.ensure_one()
        return self.env["bank.dossier.checkout"].search(
            [("borrower_id", "=", self.outgoing_user_id.id), ("state", "in", ("requested", "approved", "out"))],
            order="id",
        )

    def _lock_dossiers(self):
        """Lock the rows of the dossiers that done decides on (those listed, and those of the
        outgoing RM's open check-outs) before reading their state: a custody step on one of them
        in another transaction then fails to serialise with this one, and the request retried
        sees the other's outcome (as the custody actions do, SECURITY.md item 11)."""
        self.ensure_one()
        dossiers = self.line_ids.dossier_id | self._open_checkouts_of_outgoing().dossier_id
        if dossiers:
            dossiers._bank_lock_head()
            dossiers.invalidate_recordset()
            dossiers.checkout_ids.invalidate_recordset()

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

    def _transfer(self):
        """The done step proper (called as superuser, after every check): one transaction."""
        self.ensure_one()
        self._introduction_call_days()  # a bad setting refuses before anything moves
        outgoing, incoming = self.outgoing_rm_id, self.incoming_rm_id
        customer_lines = self.line_ids.filtered(lambda line: line.line_type == "customer")
        primary = customer_lines.filtered(lambda line: line.rm_role == "primary").partner_id
        backup = customer_lines.filtered(lambda line: line.rm_role == "backup").partner_id
        # The list as it stands on the day: tiers and AUM of that day.
        for line in customer_lines:
            line.write(self._customer_snapshot(line.partner_id))

        # The customers' chatter says what changed and why, logged in one batch below rather
        # than tracked field by field (a message per customer would cost seconds per thousand).
        primary, backup = primary.with_context(mail_notrack=True), backup.with_context(mail_notrack=True)
        _ = self.env._
        bodies = {
            partner.id: _("Handover %(handover)s: the primary RM changes from %(out)s to %(in)s.",
                          handover=self.name, out=outgoing.name, **{"in": incoming.name})
            for partner in primary
        }
        # A role: the incoming RM becomes primary; a backup that was the incoming RM is cleared.
        was_backup = primary.filtered(lambda p: p.bank_backup_rm_id == incoming)
        was_backup.write({"bank_backup_rm_id": False, "bank_rm_id": incoming.id})
        (primary - was_backup).write({"bank_rm_id": incoming.id})
        # B role: the incoming RM becomes backup, unless already the customer's primary RM.
        is_primary = backup.filtered(lambda p: p.bank_rm_id == incoming)
        is_primary.write({"bank_backup_rm_id": False})
        (backup - is_primary).write({"bank_backup_rm_id": incoming.id})
        # Recomputed here, under mail_notrack: the stored related RM users and the unit follow.
        (primary | backup).flush_recordset(["bank_rm_user_id", "bank_backup_rm_user_id", "bank_unit_id"])
        for partner in backup:
            bodies[partner.id] = _("Handover %(handover)s: the backup RM changes from %(out)s to %(in)s.",
                                   handover=self.name, out=outgoing.name,
                                   **{"in": "-" if partner in is_primary else incoming.name})
        (primary | backup)._message_log_batch(
            bodies={partner_id: escape(body) for partner_id, body in bodies.items()},
            author_id=self.env.user.partner_id.id,
        )

        # Quick update: one summary below rather than a notification per activity.
        Activity = self.env["mail.activity"].with_context(mail_activity_quick_update=True)
        moved = Activity.search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", (primary | backup).ids),
            ("user_id", "=", outgoing.user_id.id),
        ])
        moved.write({"user_id": incoming.user_id.id})
        calls = Activity.create(self._introduction_call_values(primary))
        self._transfer_other_items()

        self.write({"state": "done", "done_by_id": self.env.uid, "done_at": fields.Datetime.now()})
        self._attach_handover_list()
        self.message_post(
            body=self.env._(
                "Handover done: %(primary)s customers (and %(backup)s as backup RM) moved from %(out)s to "
                "%(in)s, %(moved)s open activities moved, %(calls)s introduction calls planned; the handover "
                "list is attached.",
                primary=len(primary), backup=len(backup), out=outgoing.name, **{"in": incoming.name},
                moved=len(moved), calls=len(calls),
            ),
            partner_ids=incoming.user_id.partner_id.ids,
            attachment_ids=self.list_attachment_id.ids,
        )

    def _transfer_other_items(self):
        """On done, the dossiers follow their customers, in the same transaction.

        The paper stays in its custodian's cabinet: the dossier's unit and custody do not change
        (a bag out to someone else stays out; none can be out to the outgoing RM, see
        _dossier_problems). The electronic record's RM side follows the customer: the dossier's
        stored RM users are related to the customer's, so the incoming RM reads its summary and
        the outgoing RM no longer does as soon as the customers moved. Each dossier's custody
        ledger and chatter record the handover.
        """
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.line_type == "dossier")
        if not lines:
            return
        self._update_dossier_snapshots(lines)
        dossiers = lines.dossier_id
        # Recomputed now: the record rules compare these stored fields in SQL.
        dossiers.flush_recordset(["partner_rm_user_id", "partner_backup_rm_user_id"])
        _ = self.env._
        texts = {
            dossier.id: _("Handover %(handover)s: the customer's primary RM changes from %(out)s to %(in)s; "
                          "the bag stays at %(unit)s (%(state)s).",
                          handover=self.name, out=self.outgoing_rm_id.name, **{"in": self.incoming_rm_id.name},
                          state=dossier._bank_state_label(), unit=dossier.unit_id.display_name or "-")
            for dossier in dossiers
        }
        # One append for all the dossiers (the ledger chains each dossier's rows itself).
        self.env["bank.dossier.ledger"].create([
            {"dossier_id": dossier.id, "event": "handover", "details": dossier._bank_ledger_details(texts[dossier.id])}
            for dossier in dossiers
        ])
        labels = dict(self.env["bank.dossier.ledger"]._fields["event"]._description_selection(self.env))
        dossiers._message_log_batch(
            bodies={
                dossier_id: escape(_("%(event)s: %(text)s", event=labels["handover"], text=text))
                for dossier_id, text in texts.items()
            },
            author_id=self.env.user.partner_id.id,
        )

    def _introduction_call_values(self, partners):
        """One introduction call per customer, VIP customers first: the highest tiers and
        largest AUM get the earliest due dates, spread over the configured number of days."""
        days = self._introduction_call_days()
        today = self.env.company._bank_today()
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_introduction_call")
        ordered = partners.sorted(
            key=lambda p: (0 if p.bank_tier_id else 1, -p.bank_tier_id.rank, -p.bank_aum, p.name or "", p.id)
        )
        model_id = self.env["ir.model"]._get_id("res.partner")
        outgoing, incoming = self.outgoing_rm_id, self.incoming_rm_id
        values = []
        for position, partner in enumerate(ordered):
            due = today + datetime.timedelta(days=1 + position * days // len(ordered))
            values.append({
                "res_model_id": model_id,
                "res_id": partner.id,
                "activity_type_id": activity_type.id,
                "user_id": incoming.user_id.id,
                "date_deadline": due,
                "summary": self.env._("Introduce yourself as the new RM"),
                "note": self.env._(
                    "Handover %(handover)s: %(customer)s was served by %(out)s. Tier: %(tier)s; AUM: %(aum)s.",
                    handover=self.name,
                    customer=partner.name,
                    out=outgoing.name,
                    tier=partner.bank_tier_id.name or "-",
                    aum=format_amount(self.env, partner.bank_aum, partner.bank_currency_id),
                ),
            })
        return values

    @api.model
    def _introduction_call_days(self):
        raw = self.env["ir.config_parameter"].sudo().get_param(_INTRO_DAYS_PARAM, "3")
        try:
            days = int(raw)
        except (TypeError, ValueError):
            days = 0
        if days < 1:
            raise UserError(
                self.env._(
                    "The setting %(param)s must be a whole number of days, 1 or more, not %(value)s.",
                    param=_INTRO_DAYS_PARAM,
                    value=raw,
                )
            )
        return days

    def _attach_handover_list(self):
        """Render the handover list (移交清单) and attach it: a PDF where wkhtmltopdf is installed."""
        self.ensure_one()
        Report = self.env["ir.actions.report"]
        report = self.env.ref("bank_relationship_manager.bank_handover_report_list")
        # As Odoo does for tests (ir_actions_report._pre_render_qweb_pdf): a browser test
        # serves one request at a time, so wkhtmltopdf could not fetch the report's styles
        # from the server while this request waits for it; HTML is rendered there instead.
        in_browser_test = bool(modules.module.current_test and request)
        if Report.get_wkhtmltopdf_state() == "ok" and not in_browser_test:
            content, _kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(report, self.ids)
            extension, mimetype = "pdf", "application/pdf"
        else:
            content, _kind = Report._render_qweb_html(report, self.ids)
            extension, mimetype = "html", "text/html"
        if isinstance(content, str):
            content = content.encode()
        attachment = self.env["ir.attachment"].create({
            "name": self.env._("Handover list %(handover)s.%(ext)s", handover=self.name.replace("/", "-"),
                               ext=extension),
            "raw": content,
            "mimetype": mimetype,
            "res_model": self._name,
            "res_id": self.id,
        })
        self.list_attachment_id = attachment

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _check_state(self, *states):
        self.ensure_one()
        if self.state not in states:
            raise UserError(
                self.env._(
                    "Handover %(handover)s is %(state)s: this step needs the status %(expected)s.",
                    handover=self.name,
                    state=self._state_label(),
                    expected=" / ".join(self._state_label(state) for state in states),
                )
            )

    def _check_may_request(self):
        """Who may request (and submit) a departure: the RM, their unit head, or the RM office."""
        for handover in self:
            if handover.outgoing_user_id == self.env.user or handover._may_manage():
                continue
            raise AccessError(
                self.env._(
                    "Handover %(handover)s: a departure request for %(rm)s is made by the RM, the head or a "
                    "supervisor of %(unit)s, or the RM office.",
                    handover=handover.name,
                    rm=handover.outgoing_rm_id.name,
                    unit=handover.unit_id.display_name,
                )
            )

    def _may_manage(self):
        """The RM office, and the head or supervisors of the outgoing RM's unit."""
        self.ensure_one()
        user = self.env.user
        return self.env.su or user.has_group("bank_relationship_manager.group_bank_office") or (
            user in self._unit_managers()
        )

    def _unit_managers(self):
        unit = self.sudo().unit_id
        return unit.head_user_id | unit.oversight_user_ids

    def _check_participant(self, managers=False):
        """The people at the meeting: both RMs and both witnesses (and, to close it, the managers)."""
        self.ensure_one()
        user = self.env.user
        if self.env.su or user in (
            self.outgoing_user_id | self.incoming_user_id | self.supervisor_id | self.center_head_id
        ):
            return
        if managers and self._may_manage():
            return
        raise AccessError(
            self.env._(
                "Handover %(handover)s: only the two RMs and the two witnesses take part in the handover.",
                handover=self.name,
            )
        )

    def _check_write_allowed(self, vals):
        """``readonly`` protects nothing over RPC (SECURITY.md item 1): each field has its time and its people."""
        own = set(vals) & (_GUARDED_FIELDS | _DRAFT_FIELDS | _WITNESS_FIELDS)
        guarded = own & _GUARDED_FIELDS
        if guarded:
            raise AccessError(
                self.env._(
                    "These fields of a handover are set by its steps only: %(fields)s.",
                    fields=", ".join(self._field_label(name) for name in sorted(guarded)),
                )
            )
        for handover in self:
            if own & _DRAFT_FIELDS and handover.state != "draft":
                raise UserError(
                    self.env._(
                        "Handover %(handover)s is %(state)s: the request (%(fields)s) can be changed only "
                        "while it is a draft.",
                        handover=handover.name,
                        state=handover._state_label(),
                        fields=", ".join(self._field_label(name) for name in sorted(own & _DRAFT_FIELDS)),
                    )
                )
            if own & _WITNESS_FIELDS:
                if handover.state not in ("approved", "in_progress"):
                    raise UserError(
                        self.env._(
                            "Handover %(handover)s is %(state)s: witnesses are set once the request is "
                            "approved and until the handover is done.",
                            handover=handover.name,
                            state=handover._state_label(),
                        )
                    )
                if not handover._may_manage():
                    raise AccessError(
                        self.env._(
                            "Handover %(handover)s: the witnesses are chosen by the RM office or the head or a "
                            "supervisor of %(unit)s.",
                            handover=handover.name,
                            unit=handover.unit_id.display_name,
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

    @api.model
    def _witness_groups(self):
        return {
            "supervisor_id": "bank_relationship_manager.group_bank_supervisor",
            "center_head_id": "bank_relationship_manager.group_bank_unit_head",
        }

    @api.model
    def _is_default_value(self, field_name, value):
        """Values the web client sends for untouched fields of a new record."""
        if field_name == "state":
            return value == "draft"
        return value in (False, None, "", [], 0)

    def _field_label(self, field_name):
        return self._fields[field_name].get_description(self.env)["string"]

    def _state_label(self, state=None):
        return dict(self._fields["state"]._description_selection(self.env))[state or self.state]

    def _step_label(self, step):
        return dict(self._fields["approval_step"]._description_selection(self.env)).get(step, "-")
