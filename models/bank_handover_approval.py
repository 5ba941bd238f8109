# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

# The departure request (离岗申请) is approved in this order, each step by its own group.
APPROVAL_STEPS = [("unit_head", "Unit head"), ("office", "RM office"), ("hr", "HR")]
STEP_FIELDS = {
    "unit_head": ("head_approved_by_id", "head_approved_at"),
    "office": ("office_approved_by_id", "office_approved_at"),
    "hr": ("hr_approved_by_id", "hr_approved_at"),
}
_STEP_GROUPS = {
    "unit_head": "bank_relationship_manager.group_bank_unit_head",
    "office": "bank_relationship_manager.group_bank_office",
    "hr": "bank_relationship_manager.group_bank_hr",
}


class BankHandover(models.Model):
    """The departure request's approvals: the unit head, the RM office and HR in turn, each by a
    different person who is neither of the two RMs; or a rejection back to draft."""

    _inherit = "bank.handover"

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
    can_approve_unit_head = fields.Boolean(compute="_compute_bank_can")
    can_approve_office = fields.Boolean(compute="_compute_bank_can")
    can_approve_hr = fields.Boolean(compute="_compute_bank_can")
    can_reject = fields.Boolean(compute="_compute_bank_can")

    @api.depends("state", "head_approved_by_id", "office_approved_by_id", "hr_approved_by_id")
    def _compute_approval_step(self):
        for handover in self:
            handover.approval_step = handover._next_step() if handover.state == "submitted" else False

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

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
        reason = (reason or "").strip() if isinstance(reason, str) else ""
        if not reason:
            raise UserError(self.env._("A rejection needs a reason (field Reason of the last rejection)."))
        for handover in self._bank_start_step("reject"):
            values = {"state": "draft", "rejection_reason": reason}
            for by_field, at_field in STEP_FIELDS.values():
                values.update({by_field: False, at_field: False})
            handover._bank_system_write(values)
            handover._close_todos()
            handover.message_post(
                body=self.env._("Departure request rejected by %(user)s: %(reason)s",
                                user=self.env.user.name, reason=reason),
            )
        return True

    def action_open_reject_wizard(self):
        self.ensure_one()
        self._bank_start_step("reject")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject the departure request"),
            "res_model": "bank.handover.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_handover_id": self.id},
        }

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    def _bank_may_approve_unit_head(self):
        return self._approval_problem("unit_head")

    def _bank_may_approve_office(self):
        return self._approval_problem("office")

    def _bank_may_approve_hr(self):
        return self._approval_problem("hr")

    def _bank_may_reject(self):
        return self._approver_problem(self.approval_step)

    def _approve(self, step):
        for handover in self._bank_start_step(f"approve_{step}"):
            by_field, at_field = STEP_FIELDS[step]
            values = {by_field: self.env.uid, at_field: fields.Datetime.now()}
            if step == "hr":
                values["state"] = "approved"
            handover._bank_system_write(values)
            handover._close_todos()
            handover.message_post(
                body=self.env._("Approved (%(step)s) by %(user)s.", step=handover._step_label(step),
                                user=self.env.user.name),
            )
            if step == "hr":
                # sudo: HR has no write access to RM records; the departure is approved now.
                handover.outgoing_rm_id.sudo().write({"state": "leaving"})
        return True

    def _approval_problem(self, step):
        """Why the user may not approve ``step`` now: the turn, then the approver."""
        if self.approval_step != step:
            return self.env._(
                "the departure request is approved in turn by the unit head, the RM office and HR; "
                "it now waits for: %(step)s.",
                step=self._step_label(self.approval_step),
            )
        return self._approver_problem(step)

    def _approver_problem(self, step):
        """The approver of ``step``: of its group, not one of the RMs, not an earlier approver."""
        self.ensure_one()
        if self.env.su:
            return None
        user = self.env.user
        if user in self.outgoing_user_id | self.incoming_user_id:
            return self.env._("%(user)s is one of the two RMs and cannot approve the request.", user=user.name)
        if not step:
            return self.env._("the request waits for no approval.")
        if not user.has_group(_STEP_GROUPS[step]) or (step == "unit_head" and user not in self._unit_managers()):
            return self.env._(
                "the step %(step)s is approved by %(who)s, not by %(user)s.",
                step=self._step_label(step),
                who=self.env._("the head or a supervisor of %(unit)s", unit=self.unit_id.display_name)
                if step == "unit_head" else self.env.ref(_STEP_GROUPS[step]).name,
                user=user.name,
            )
        if user in self.head_approved_by_id | self.office_approved_by_id | self.hr_approved_by_id:
            return self.env._(
                "%(user)s already approved an earlier step; each step is approved by a different person.",
                user=user.name,
            )
        return None

    def _next_step(self):
        self.ensure_one()
        for step, (by_field, _at_field) in STEP_FIELDS.items():
            if not self[by_field]:
                return step
        return False

    def _step_label(self, step):
        return dict(self._fields["approval_step"]._description_selection(self.env)).get(step, "-")
