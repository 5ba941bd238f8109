# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .res_company import bank_today

_DECISION_FIELDS = {"state", "decided_by_id", "decided_on", "supervisor_user_id", "partner_id", "month",
                    "requested_by_id"}


class BankEscalation(models.Model):
    """An RM asks the sub-branch to maintain an important customer jointly (提请上级联合维护).

    At most one request per customer and calendar month (in the database too); the request is an
    activity for the sub-branch RM supervisor above the customer's unit, who accepts or declines."""

    _name = "bank.escalation"
    _description = "Joint maintenance request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "request_date desc, id desc"

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

    @api.model_create_multi
    def create(self, vals_list):
        today = self.env.company._bank_today()
        for vals in vals_list:
            if not self.env.su:
                # The request is dated and signed by its author, not by the caller's values.
                vals["request_date"] = today
                vals["requested_by_id"] = self.env.uid
                vals["state"] = "requested"
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            self._check_may_request(partner)
            date = fields.Date.to_date(vals.get("request_date")) or today
            self._check_once_a_month(partner, date)
            vals["supervisor_user_id"] = self._supervisor_for(partner).id
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

    def write(self, vals):
        if _DECISION_FIELDS & set(vals) and not self.env.su:
            raise UserError(self.env._(
                "Joint maintenance request %(request)s: %(fields)s change only through Accept or Decline.",
                request=", ".join(self.mapped("name")), fields=", ".join(sorted(_DECISION_FIELDS & set(vals))),
            ))
        if "reason" in vals and not self.env.su and any(r.state != "requested" for r in self):
            raise UserError(self.env._("A decided joint maintenance request cannot be changed (field Reason)."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Joint maintenance requests are kept; decline them instead."))

    def action_accept(self, note=None):
        return self._decide("accepted", note)

    def action_decline(self, note=None):
        return self._decide("declined", note)

    def _decide(self, state, note):
        self.check_access("read")
        today = self.env.company._bank_today()
        for request in self:
            if request.state != "requested":
                raise UserError(self.env._(
                    "Joint maintenance request %(request)s was already decided (field State).", request=request.name
                ))
            deciders = request.supervisor_user_id | request.unit_id.oversight_user_ids
            if not self.env.su and self.env.user not in deciders:
                raise AccessError(self.env._(
                    "Joint maintenance request %(request)s: only %(supervisor)s or a supervisor above the unit "
                    "may accept or decline it.",
                    request=request.name, supervisor=request.supervisor_user_id.name,
                ))
            # sudo: the decision fields are written only here, after the check above.
            request.sudo().write({
                "state": state,
                "decided_by_id": self.env.uid,
                "decided_on": today,
                "decision_note": note or request.decision_note,
            })
            activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_escalation")
            request.sudo().activity_ids.filtered(
                lambda a, activity_type=activity_type: a.activity_type_id == activity_type
            ).action_feedback(feedback=dict(self._fields["state"].selection)[state])
            if state == "accepted":
                # The supervisor now follows the customer's chatter: joint maintenance.
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
                customer=partner.display_name, unit=partner.sudo().bank_unit_id.display_name or "-",
            ))
        return fallback
