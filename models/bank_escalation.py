# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .bank_guard_mixin import guard_error
from .res_company import bank_today


class BankEscalation(models.Model):
    """An RM asks the sub-branch to maintain an important customer jointly (提请上级联合维护).

    At most one request per customer and calendar month (in the database too); the request is an
    activity for the sub-branch RM supervisor above the customer's unit, who accepts or declines."""

    _name = "bank.escalation"
    _description = "Joint maintenance request"
    _inherit = ["bank.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "request_date desc, id desc"
    # The guard (models/bank_guard_mixin.py): the decision and its author only through Accept or
    # Decline; the request is dated and signed by its author, for the customer it was made for.
    _bank_action_fields = frozenset({
        "state", "decided_by_id", "decided_on", "supervisor_user_id", "requested_by_id", "request_date",
        "month", "name", "partner_rm_user_id", "partner_backup_rm_user_id", "unit_id",
    })
    _bank_fixed_fields = frozenset({"partner_id"})
    _bank_locked_states = frozenset({"accepted", "declined"})
    _bank_steps = {"decide": ("requested",)}

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="restrict",
        domain=[("is_bank_customer", "=", True)], tracking=True,
    )
    requested_by_id = fields.Many2one(
        "res.users", string="Requested by", required=True, readonly=True, index=True,
        default=lambda self: self.env.user, ondelete="restrict",
    )
    request_date = fields.Date(required=True, readonly=True, default=bank_today)
    month = fields.Date(
        compute="_compute_month", store=True, index=True, help="First day of the request's calendar month."
    )
    reason = fields.Text(required=True, tracking=True)
    supervisor_user_id = fields.Many2one(
        "res.users", string="Sub-branch supervisor", readonly=True, index=True, ondelete="restrict",
        help="The RM supervisor of the sub-branch above the customer's unit, who decides.",
    )
    # Stored owners of the customer: record rules compare them to the user in SQL.
    partner_rm_user_id = fields.Many2one(related="partner_id.bank_rm_user_id", store=True, index=True)
    partner_backup_rm_user_id = fields.Many2one(related="partner_id.bank_backup_rm_user_id", store=True, index=True)
    unit_id = fields.Many2one(related="partner_id.bank_unit_id", store=True, index=True, string="Unit")
    state = fields.Selection(
        [("requested", "Requested"), ("accepted", "Accepted"), ("declined", "Declined")],
        required=True, default="requested", readonly=True, tracking=True,
    )
    decision_note = fields.Text(tracking=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True, ondelete="restrict")
    decided_on = fields.Date(readonly=True)
    can_decide = fields.Boolean(compute="_compute_bank_can", help="The user may accept or decline it.")

    _partner_month_uniq = models.Constraint(
        "UNIQUE(partner_id, month)", "A customer can be escalated for joint maintenance once per month."
    )

    @api.depends("partner_id", "request_date")
    def _compute_name(self):
        for request in self:
            request.name = self.env._(
                "Joint maintenance: %(customer)s (%(month)s)",
                customer=request.partner_id.name or "",
                month=request.request_date.strftime("%Y-%m") if request.request_date else "",
            )

    @api.depends("request_date")
    def _compute_month(self):
        for request in self:
            request.month = request.request_date.replace(day=1) if request.request_date else False

    @api.model
    def _bank_prepare_create(self, vals_list):
        today = self.env.company._bank_today()
        for vals in vals_list:
            if not self.env.su:
                vals["request_date"] = today
                vals["requested_by_id"] = self.env.uid
            partner_id = vals.get("partner_id", self.env.context.get("default_partner_id"))
            partner = self.env["res.partner"].browse(partner_id)
            self._check_may_request(partner)
            date = fields.Date.to_date(vals.get("request_date")) or today
            self._check_once_a_month(partner, date)
            vals["supervisor_user_id"] = self._supervisor_for(partner).id

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_escalation")
        for request in requests:
            # sudo: the RM schedules the decision for the supervisor, who may be outside their rules.
            request.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                user_id=request.supervisor_user_id.id,
                note=request.reason,
            )
        return requests

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Joint maintenance requests are kept; decline them instead."))

    def action_accept(self, note=None):
        return self._decide("accepted", note)

    def action_decline(self, note=None):
        return self._decide("declined", note)

    def _bank_may_decide(self):
        deciders = self.supervisor_user_id | self.unit_id.oversight_user_ids
        if not self.env.su and self.env.user not in deciders:
            return self.env._(
                "only %(supervisor)s or a supervisor above the unit may accept or decline it.",
                supervisor=self.supervisor_user_id.name,
            )
        return None

    def _decide(self, state, note):
        # A parameter from the caller (docs/security.md, class e): text or nothing.
        if note is not None and note is not False and not isinstance(note, str):
            raise guard_error(self[:1] or self, "decision_note", self.env._("the note must be text."))
        note = (note or "").strip() or None
        today = self.env.company._bank_today()
        for request in self._bank_start_step("decide"):
            request._bank_system_write({
                "state": state,
                "decided_by_id": self.env.uid,
                "decided_on": today,
                "decision_note": note or request.decision_note,
            })
            activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_escalation")
            # sudo: the activity is the named supervisor's; any decider above the unit closes it.
            request.sudo().activity_ids.filtered(
                lambda a, activity_type=activity_type: a.activity_type_id == activity_type
            ).action_feedback(feedback=dict(self._fields["state"].selection)[state])
            if state == "accepted":
                # The supervisor now follows the customer's chatter: joint maintenance. sudo: the
                # decider may not read the customer (message_subscribe would then skip them silently).
                request.partner_id.sudo().message_subscribe(partner_ids=self.env.user.partner_id.ids)
        return True

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _check_may_request(self, partner):
        if not partner.exists() or not partner.is_bank_customer:
            raise UserError(self.env._("A joint maintenance request needs a bank customer (field Customer)."))
        partner.check_access("read")
        user = self.env.user
        if self.env.su or user.has_group("bank_relationship_manager.group_bank_unit_head"):
            return
        if user not in partner.bank_rm_user_id | partner.bank_backup_rm_user_id:
            raise AccessError(self.env._(
                "%(customer)s: only the customer's RMs may request joint maintenance (field Customer).",
                customer=partner.display_name,
            ))

    @api.model
    def _check_once_a_month(self, partner, date):
        month = date.replace(day=1)
        # sudo: the limit counts every request for the customer, including those of colleagues.
        existing = self.sudo().search([("partner_id", "=", partner.id), ("month", "=", month)], limit=1)
        if existing:
            raise UserError(self.env._(
                "%(customer)s: joint maintenance was already requested in %(month)s (%(request)s, by %(user)s); "
                "a customer can be escalated once per calendar month (field Customer).",
                customer=partner.display_name, month=month.strftime("%Y-%m"), request=existing.name,
                user=existing.requested_by_id.name,
            ))

    @api.model
    def _supervisor_for(self, partner):
        """The RM supervisor of the nearest sub-branch above the customer's unit (else of the
        nearest unit above that has one)."""
        # sudo: the supervisor comes from the unit tree, whatever units the requester's companies show.
        unit = partner.sudo().bank_unit_id
        fallback = self.env["res.users"]
        while unit:
            if unit.supervisor_user_id:
                if unit.level == "sub_branch":
                    return unit.supervisor_user_id
                fallback = fallback or unit.supervisor_user_id
            unit = unit.parent_id
        if not fallback:
            raise UserError(self.env._(
                "%(customer)s: no RM supervisor is set above %(unit)s (field RM supervisor of the units), "
                "so nobody could decide on joint maintenance.",
                # sudo: the customer's unit is named in the refusal, as it was walked above.
                customer=partner.display_name, unit=partner.sudo().bank_unit_id.display_name or "-",
            ))
        return fallback
