# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

# Customers listed per tier or level and movement in the preview (the counts are complete).
_LISTED = 20
# Changes to these models move customers: the preview counts who, the approval re-evaluates.
EVALUATED_MODELS = ("bank.vip.tier", "bank.tier.rule", "bank.tier.condition", "bank.maintenance.band")


class BankConfigChange(models.Model):
    """Four eyes on the configuration (docs/guards.md): a change of tiers, rules, thresholds,
    maintenance bands or the grade-to-level rule, drafted and submitted by one administrator,
    applied only when a second one approves it.

    Submitting tries the change in a savepoint (its errors show then) and stores the what-if
    of the same engine as the nightly evaluation: who would enter, leave or stay in each tier
    and maintenance level. The approver reads that preview; approving applies the lines through
    the guard's choke point and re-evaluates every customer. The nightly engine only ever reads
    the configuration records themselves, so a proposal changes nothing until it is applied."""

    _name = "bank.config.change"
    _description = "Configuration change request"
    _inherit = ["bank.guard.mixin", "mail.thread"]
    _order = "id desc"
    _mail_post_access = "read"
    # The guard (models/bank_guard_mixin.py): who did what and when only through the steps.
    _bank_action_fields = frozenset({
        "state", "requested_by_id", "submitted_on", "approved_by_id", "approved_on", "rejected_by_id",
        "rejected_on", "preview_ids", "preview_date",
    })
    _bank_locked_states = frozenset({"submitted", "applied", "rejected"})
    _bank_steps = {"submit": ("draft",), "approve": ("submitted",), "reject": ("submitted",)}

    name = fields.Char(string="Change", required=True, tracking=True)
    description = fields.Text(string="Reason", tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("submitted", "Submitted"), ("applied", "Approved and applied"),
         ("rejected", "Rejected")],
        required=True, default="draft", readonly=True, tracking=True,
    )
    requested_by_id = fields.Many2one(
        "res.users", string="Requested by", required=True, readonly=True, index=True, ondelete="restrict",
        default=lambda self: self.env.user, tracking=True,
    )
    submitted_on = fields.Datetime(readonly=True, tracking=True)
    approved_by_id = fields.Many2one(
        "res.users", string="Approved by", readonly=True, ondelete="restrict", tracking=True
    )
    approved_on = fields.Datetime(readonly=True, tracking=True)
    rejected_by_id = fields.Many2one(
        "res.users", string="Rejected by", readonly=True, ondelete="restrict", tracking=True
    )
    rejected_on = fields.Datetime(readonly=True, tracking=True)
    line_ids = fields.One2many("bank.config.change.line", "change_id", string="Proposed values")
    preview_ids = fields.One2many("bank.config.change.preview", "change_id", string="Effect", readonly=True)
    preview_date = fields.Date(string="Effect as of", readonly=True)
    can_submit = fields.Boolean(compute="_compute_bank_can")
    can_approve = fields.Boolean(compute="_compute_bank_can")
    can_reject = fields.Boolean(compute="_compute_bank_can")

    @api.model
    def _bank_prepare_create(self, vals_list):
        for vals in vals_list:
            if not self.env.su:
                vals["requested_by_id"] = self.env.uid

    def _bank_may_unlink(self):
        if self.state != "draft" or self.requested_by_id != self.env.user:
            return self.env._("only its author may delete a draft; a submitted request is kept.")
        return None

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    def _bank_may_submit(self):
        if self.requested_by_id != self.env.user:
            return self.env._("only %(user)s, who drafted it, may submit it.", user=self.requested_by_id.name)
        if not self.line_ids:
            return self.env._("it proposes nothing yet (field Proposed values).")
        return None

    def _bank_may_approve(self):
        if self.requested_by_id == self.env.user:
            return self.env._(
                "you drafted it: a second administrator must approve it (four eyes)."
            )
        if not self.env.user.has_group("bank_relationship_manager.group_bank_admin"):
            return self.env._("only an administrator may decide on it.")
        return None

    def _bank_may_reject(self):
        # The author may withdraw their own request; rejecting changes nothing.
        if not self.env.user.has_group("bank_relationship_manager.group_bank_admin"):
            return self.env._("only an administrator may decide on it.")
        return None

    def action_submit(self):
        for change in self._bank_start_step("submit"):
            date = self.env.company._bank_today()
            preview = change._bank_preview(date)
            change.line_ids._bank_take_snapshot()
            change._bank_system_write({
                "state": "submitted",
                "submitted_on": fields.Datetime.now(),
                "preview_date": date,
                "preview_ids": [fields.Command.clear()] + [fields.Command.create(vals) for vals in preview],
            })
        return True

    def action_approve(self):
        for change in self._bank_start_step("approve"):
            change.line_ids._bank_check_unchanged()
            change.line_ids._bank_apply()
            change._bank_system_write({
                "state": "applied",
                "approved_by_id": self.env.uid,
                "approved_on": fields.Datetime.now(),
            })
            if change._bank_moves_customers():
                self.env["res.partner"]._bank_queue_evaluation()
        return True

    def action_reject(self):
        for change in self._bank_start_step("reject"):
            change._bank_system_write({
                "state": "rejected",
                "rejected_by_id": self.env.uid,
                "rejected_on": fields.Datetime.now(),
            })
        return True

    # ------------------------------------------------------------------
    # The preview
    # ------------------------------------------------------------------

    def _bank_moves_customers(self):
        return any(model in EVALUATED_MODELS for model in self.line_ids.mapped("res_model"))

    def _bank_preview(self, date):
        """The what-if of the change as of ``date``: the lines are applied in a savepoint, the
        engine reads the rule set and the bands from the database as the nightly run does, and
        the savepoint is rolled back. Any error of the change (a rule without conditions, a grade
        that no longer fits its RMs) is raised here, so it shows when submitting."""
        self.ensure_one()
        savepoint = self.env.cr.savepoint()
        try:
            self.line_ids._bank_apply()
            self.env.flush_all()
            rule_set = self.env["bank.tier.engine"]._rule_set(date)
            bands = [
                (band.aum_from, band.from_inclusive, band.level)
                for band in self.env["bank.maintenance.band"].search([], order="aum_from")
            ]
        finally:
            # Rolled back whatever happened; the cursor's caches are cleared with it.
            savepoint.close(rollback=True)
        if not self._bank_moves_customers():
            return []
        moves = self.env["bank.tier.whatif"]._count_moves(rule_set, date, bands)
        tier_names = {tier.id: tier.name for tier in rule_set}
        existing = self.env["bank.vip.tier"].with_context(active_test=False).browse(
            [key for key, _kind in moves if isinstance(key, int)]
        ).exists()
        levels = dict(self.env["bank.maintenance.band"]._fields["level"]._description_selection(self.env))
        order = {"enter": 0, "leave": 1, "stay": 2}
        rows = []
        for (key, kind), ids in moves.items():
            is_tier = isinstance(key, int)
            rows.append({
                "kind": "tier" if is_tier else "level",
                "subject": tier_names.get(key, "") if is_tier else levels.get(key, key),
                "tier_id": key if is_tier and key in existing.ids else False,
                "level": False if is_tier else key,
                "movement": kind,
                "count": len(ids),
                "partner_ids": [fields.Command.set(ids[:_LISTED])],
            })
        return sorted(rows, key=lambda row: (row["kind"] != "tier", row["subject"], order[row["movement"]]))

