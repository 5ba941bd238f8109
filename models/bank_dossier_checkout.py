# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import format_datetime

from ..tools.cron_batches import process_in_batches

CHECKOUT_STATES = [
    ("requested", "Requested"),
    ("approved", "Approved"),
    ("out", "Out"),
    ("returned", "Returned"),
    ("rejected", "Rejected"),
]
OPEN_STATES = ("approved", "out")
DONE_STATES = ("out", "returned", "rejected")
# A dossier goes out for this many days unless the borrower asks otherwise.
_DEFAULT_LOAN_DAYS = 3
# Cron batch size of the overdue check.
_OVERDUE_BATCH = 200


class BankDossierCheckout(models.Model):
    """One line of the check-out register (调阅登记): who asked for a dossier, why, until when,
    who approved, who handed it out and who received it back. Lines are never deleted, and
    never edited once the dossier went out or the request was refused."""

    _name = "bank.dossier.checkout"
    _description = "Dossier check-out"
    _inherit = ["bank.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "requested_at desc, id desc"
    _allow_sudo_commands = False
    # The guard (models/bank_guard_mixin.py, docs/guards.md): approval and custody only through the
    # custodian's actions (a request is born a request, whatever the values, the context's defaults,
    # copy() or an import say); the dossier and the borrower are given once; the purpose and due date
    # are the borrower's until approval, the custodian's until the bag goes out, nobody's after.
    _bank_action_fields = frozenset({
        "state", "requested_at", "approved_by_id", "approved_at", "handed_out_by_id", "out_at", "returned_at",
        "received_by_id", "rejected_by_id", "overdue_notified", "partner_id", "unit_id", "company_id",
    })
    _bank_fixed_fields = frozenset({"dossier_id", "borrower_id"})
    _bank_locked_states = frozenset(DONE_STATES)
    _bank_sealed_fields = frozenset({"purpose", "due_at"})
    _bank_sealed_states = frozenset(DONE_STATES)
    _bank_steps = {
        "approve": ("requested",),
        "reject": ("requested", "approved"),
        "hand_out": ("approved",),
        "return": ("out",),
        "edit_request": ("requested", "approved"),
    }
    _bank_field_steps = {"purpose": "edit_request", "due_at": "edit_request"}

    dossier_id = fields.Many2one(
        "bank.dossier", string="Dossier", required=True, index=True, ondelete="restrict", tracking=True
    )
    partner_id = fields.Many2one(related="dossier_id.partner_id", string="Customer", store=True, index=True)
    unit_id = fields.Many2one(related="dossier_id.unit_id", string="Kept at", store=True, index=True)
    company_id = fields.Many2one(related="dossier_id.company_id", store=True, index=True)
    borrower_id = fields.Many2one(
        "res.users", string="Borrower", required=True, index=True, ondelete="restrict", tracking=True,
        default=lambda self: self.env.user,
    )
    purpose = fields.Text(required=True, tracking=True)
    state = fields.Selection(
        CHECKOUT_STATES, required=True, default="requested", readonly=True, index=True, tracking=True
    )
    requested_at = fields.Datetime(string="Requested on", readonly=True, default=fields.Datetime.now)
    due_at = fields.Datetime(
        string="Due back", required=True, tracking=True,
        default=lambda self: fields.Datetime.now() + datetime.timedelta(days=_DEFAULT_LOAN_DAYS),
    )
    approved_by_id = fields.Many2one("res.users", string="Approved by", readonly=True, ondelete="restrict",
                                     tracking=True)
    approved_at = fields.Datetime(string="Approved on", readonly=True)
    handed_out_by_id = fields.Many2one("res.users", string="Handed out by", readonly=True, ondelete="restrict",
                                       tracking=True)
    out_at = fields.Datetime(string="Handed out on", readonly=True, tracking=True)
    returned_at = fields.Datetime(string="Returned on", readonly=True, tracking=True)
    received_by_id = fields.Many2one("res.users", string="Received by", readonly=True, ondelete="restrict",
                                     tracking=True)
    rejected_by_id = fields.Many2one("res.users", string="Rejected by", readonly=True, ondelete="restrict",
                                     tracking=True)
    overdue_notified = fields.Boolean(
        string="Overdue reminder sent", readonly=True, copy=False,
        help="The custodian got the overdue activity (once).",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue")
    bank_is_custodian = fields.Boolean(
        compute="_compute_bank_is_custodian", string="Kept by me",
        help="The current user keeps the dossier: approves, hands out.",
    )
    can_approve = fields.Boolean(compute="_compute_bank_can", help="The user may approve the request.")
    can_reject = fields.Boolean(compute="_compute_bank_can", help="The user may reject the request.")
    can_hand_out = fields.Boolean(compute="_compute_bank_can", help="The user may hand the dossier out.")
    can_return = fields.Boolean(compute="_compute_bank_can", help="The user may receive the dossier back.")

    # At most one open check-out per dossier, whatever the code path: two custodians approving
    # two requests at the same moment cannot both succeed (docs/security.md item 11).
    _dossier_open_uniq = models.UniqueIndex(
        "(dossier_id) WHERE state IN ('approved', 'out')",
        "A dossier can have one open check-out (approved or out) at a time: it is already promised or out.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("dossier_id.bag_no", "borrower_id")
    def _compute_display_name(self):
        for line in self:
            # sudo: the bag number and the borrower's name only (docs/security.md item 7: no customer name);
            # a borrower reads their line even after the customer moved to another RM.
            line_sudo = line.sudo()
            line.display_name = f"{line_sudo.dossier_id.bag_no or ''} / {line_sudo.borrower_id.name or ''}"

    @api.depends("state", "due_at")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for line in self:
            line.is_overdue = line.state == "out" and bool(line.due_at) and line.due_at < now

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        overdue = Domain("state", "=", "out") & Domain("due_at", "<", fields.Datetime.now())
        return overdue if (operator == "=") == value else ~overdue

    @api.depends_context("uid")
    @api.depends("dossier_id.unit_id")
    def _compute_bank_is_custodian(self):
        for line in self:
            line.bank_is_custodian = bool(line.dossier_id) and line.dossier_id._bank_is_custodian()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _bank_prepare_create(self, vals_list):
        """Check each request against the values it will get (the dossier of a request opened from
        the dossier's form comes as a default of the context); the system dates it."""
        now = fields.Datetime.now()
        for vals in vals_list:
            vals.update(self._add_missing_default_values(vals))
            if not self.env.su:
                vals["requested_at"] = now
            dossier = self.env["bank.dossier"].browse(vals.get("dossier_id"))
            self._bank_check_request(dossier, vals, now)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        for line in lines:
            dossier = line.dossier_id
            dossier._bank_lock_head()
            dossier._bank_log("requested", self.env._(
                "%(borrower)s asks for it until %(due)s: %(purpose)s",
                borrower=line.borrower_id.name, due=line._bank_format_due(), purpose=line.purpose,
            ), checkout=line)
        return lines

    @api.constrains("purpose", "due_at")
    def _check_request_values(self):
        for line in self.filtered(lambda line: line.state in ("requested", "approved")):
            if not (line.purpose or "").strip():
                raise ValidationError(self.env._(
                    "Check-out %(line)s: say why the dossier is needed (field Purpose).", line=line.display_name,
                ))
            if not line.due_at or line.due_at <= fields.Datetime.now():
                raise ValidationError(self.env._(
                    "Check-out %(line)s: the due date must be after the hand-out, in the future (field Due back).",
                    line=line.display_name,
                ))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._(
            "The check-out register keeps every line (%(lines)s): reject a request instead of deleting it.",
            lines=", ".join(self.mapped("display_name")),
        ))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_approve(self):
        """The custodian promises the dossier to the borrower; one open check-out per dossier."""
        for line in self._bank_start_custody_step("approve"):
            line._bank_check_no_other_open()
            try:
                with self.env.cr.savepoint():
                    line._bank_system_write({"state": "approved", "approved_by_id": self.env.uid,
                                             "approved_at": fields.Datetime.now()})
                    line.flush_recordset()
            except psycopg2.errors.UniqueViolation:
                raise UserError(self.env._(
                    "Dossier %(bag)s already has an open check-out: the request of %(borrower)s cannot be "
                    "approved now.",
                    bag=line.dossier_id.bag_no, borrower=line.borrower_id.name,
                )) from None
            line.dossier_id._bank_log("approved", self.env._(
                "request of %(borrower)s approved by %(user)s", borrower=line.borrower_id.name,
                user=self.env.user.name,
            ), checkout=line)
        return True

    def action_reject(self):
        """The custodian refuses a request (or withdraws an approval before the dossier went out)."""
        for line in self._bank_start_custody_step("reject"):
            line._bank_system_write({"state": "rejected", "rejected_by_id": self.env.uid})
            line.dossier_id._bank_log("rejected", self.env._(
                "request of %(borrower)s rejected by %(user)s", borrower=line.borrower_id.name,
                user=self.env.user.name,
            ), checkout=line)
        return True

    def action_hand_out(self):
        """The custodian hands the bag to the borrower: who handed it out, when, and until when."""
        for line in self._bank_start_custody_step("hand_out"):
            dossier = line.dossier_id
            if dossier.state != "in_custody":
                raise UserError(self.env._(
                    "Dossier %(bag)s is %(state)s: it can be handed out only from custody.",
                    bag=dossier.bag_no, state=dossier._bank_state_label(),
                ))
            now = fields.Datetime.now()
            if line.due_at <= now:
                raise ValidationError(self.env._(
                    "Check-out %(line)s: the due date %(due)s is before the hand-out date %(now)s (field Due back).",
                    line=line.display_name, due=line._bank_format_due(), now=format_datetime(self.env, now),
                ))
            line._bank_system_write({"state": "out", "handed_out_by_id": self.env.uid, "out_at": now})
            dossier._bank_system_write({"state": "checked_out", "borrower_id": line.borrower_id.id,
                                        "current_checkout_id": line.id})
            dossier._bank_log("handed_out", self.env._(
                "handed out by %(user)s to %(borrower)s, due back %(due)s", user=self.env.user.name,
                borrower=line.borrower_id.name, due=line._bank_format_due(),
            ), checkout=line)
        return True

    def action_return(self):
        """The custodian receives the bag back and locks it in the cabinet again."""
        overdue_type = self.env.ref("bank_relationship_manager.mail_activity_type_dossier_overdue")
        for line in self._bank_start_custody_step("return"):
            line._bank_system_write({"state": "returned", "received_by_id": self.env.uid,
                                     "returned_at": fields.Datetime.now()})
            line.dossier_id._bank_system_write({"state": "in_custody", "borrower_id": False,
                                                "current_checkout_id": False})
            # sudo: the custodian's reminder is done once the bag is back, whoever received it.
            line.sudo().activity_ids.filtered(
                lambda a, overdue_type=overdue_type: a.activity_type_id == overdue_type
            ).action_feedback(feedback=self.env._("Returned"))
            line.dossier_id._bank_log("returned", self.env._(
                "returned by %(borrower)s, received by %(user)s", borrower=line.borrower_id.name,
                user=self.env.user.name,
            ), checkout=line)
        return True

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_overdue(self):
        """Daily: an activity for the custodian on every check-out past its due date, once.

        Each batch creates its activities and marks its lines in one transaction, then commits:
        a run that crashed midway is finished by the next one, nothing is sent twice."""
        domain = Domain("is_overdue", "=", True) & Domain("overdue_notified", "=", False)
        process_in_batches(self, domain, _OVERDUE_BATCH, lambda batch: batch._bank_notify_overdue())

    def _bank_notify_overdue(self):
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_dossier_overdue")
        today = self.env.company._bank_today()
        values = []
        for line in self:
            user = line.dossier_id.unit_id._custodian_user()
            if user:
                values.append({
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": line.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": today,
                    "summary": self.env._("Dossier %(bag)s overdue", bag=line.dossier_id.bag_no),
                    "note": self.env._(
                        "Checked out to %(borrower)s on %(out)s, due back %(due)s: call it back.",
                        borrower=line.borrower_id.name, out=format_datetime(self.env, line.out_at),
                        due=line._bank_format_due(),
                    ),
                })
        if values:
            # sudo: the cron plans the activity for the custodian, who may read the line.
            self.env["mail.activity"].sudo().create(values)
        self._bank_system_write({"overdue_notified": True})

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _bank_check_request(self, dossier, vals, now):
        """A request is for a dossier the borrower may read, in custody (or out to someone else),
        by the borrower themself or registered by the dossier's custodian, due in the future."""
        if not dossier:
            raise ValidationError(self.env._("A check-out request needs a dossier (field Dossier)."))
        dossier.check_access("read")
        if dossier.state not in ("in_custody", "checked_out"):
            raise UserError(self.env._(
                "Dossier %(bag)s is %(state)s: a check-out can be requested only for a dossier in custody.",
                bag=dossier.bag_no, state=dossier._bank_state_label(),
            ))
        borrower = self.env["res.users"].browse(vals["borrower_id"])
        if borrower != self.env.user and not dossier._bank_is_custodian():
            raise AccessError(self.env._(
                "Dossier %(bag)s: you may request a check-out for yourself only (field Borrower).",
                bag=dossier.bag_no,
            ))
        if not dossier.with_user(borrower).has_access("read"):
            raise ValidationError(self.env._(
                "Dossier %(bag)s: %(borrower)s does not serve this customer and cannot borrow the dossier "
                "(field Borrower).",
                bag=dossier.bag_no, borrower=borrower.name,
            ))
        if not (vals.get("purpose") or "").strip():
            raise ValidationError(self.env._(
                "Dossier %(bag)s: say why the dossier is needed (field Purpose).", bag=dossier.bag_no
            ))
        due = fields.Datetime.to_datetime(vals.get("due_at"))
        if not due or due <= now:
            raise ValidationError(self.env._(
                "Dossier %(bag)s: the due date must be after the hand-out, in the future (field Due back).",
                bag=dossier.bag_no,
            ))

    def _bank_start_custody_step(self, step):
        """The custodian's step on these lines: who and the state, checked again once the dossiers'
        rows are locked (the state read then is the committed one, docs/security.md item 11)."""
        self._bank_start_step(step)
        self.dossier_id._bank_lock_head()
        self.invalidate_recordset(["state"])
        return self._bank_start_step(step)

    def _bank_may_approve(self):
        problem = self._bank_custodian_problem(self.env._("approve it"))
        if not problem and self.borrower_id == self.env.user and not self.env.su:
            problem = self.env._(
                "a custodian cannot approve their own request; another custodian of the unit or a supervisor does."
            )
        return problem

    def _bank_may_reject(self):
        return self._bank_custodian_problem(self.env._("reject it"))

    def _bank_may_hand_out(self):
        return self._bank_custodian_problem(self.env._("hand it out"))

    def _bank_may_return(self):
        return self._bank_custodian_problem(self.env._("receive it back"))

    def _bank_may_edit_request(self):
        if self.state == "approved" and not self.dossier_id._bank_is_custodian():
            return self.env._("it is approved: only the custodian may still change it.")
        return None

    def _bank_custodian_problem(self, what):
        return self.dossier_id._bank_custodian_problem(what) if self.dossier_id else self.env._("it has no dossier.")

    def _bank_check_no_other_open(self):
        self.ensure_one()
        # sudo: the other line may be another RM's, which the custodian reads anyway.
        other = self.sudo().search([
            ("dossier_id", "=", self.dossier_id.id), ("state", "in", OPEN_STATES), ("id", "!=", self.id),
        ], limit=1)
        if other:
            raise UserError(self.env._(
                "Dossier %(bag)s already has an open check-out (%(state)s, for %(borrower)s): "
                "it must be returned or rejected before another request is approved.",
                bag=self.dossier_id.bag_no, state=other._bank_state_label(), borrower=other.borrower_id.name,
            ))

    def _bank_format_due(self):
        return format_datetime(self.env, self.due_at) if self.due_at else "-"
