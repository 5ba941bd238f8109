# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

PLAN_STATES = [("draft", "Draft"), ("active", "In force"), ("retired", "Retired")]


class BankAppraisalPlan(models.Model):
    """Which KPIs, with which weights and targets, appraise the RMs of a grade or role (考核方案).

    A plan is versioned: once in force its lines never change (an appraisal copies them, and a
    recomputation must give the same figures); a change is a new version, in force from a later
    month. For a month, an RM gets the most specific plan in force on the month's first day (grade
    and role, then grade, then role, then none; then the latest start, the highest version)."""

    _name = "bank.appraisal.plan"
    _description = "Appraisal plan"
    _inherit = ["bank.guard.mixin", "mail.thread"]
    _order = "date_start desc, version desc, id desc"
    # The guard (models/bank_guard_mixin.py): versions and states change through the actions only.
    _bank_action_fields = frozenset({"state", "version", "previous_id"})
    _bank_locked_states = frozenset({"active", "retired"})
    _bank_steps = {
        "activate": ("draft",),
        "retire": ("active",),
        "new_version": ("active", "retired"),
    }

    name = fields.Char(required=True, translate=True, tracking=True)
    grade_ids = fields.Many2many("bank.rm.grade", string="Grades", help="Empty: every grade.")
    role = fields.Selection(
        [("wealth", "Wealth manager"), ("marketing", "Marketing manager")],
        help="Empty: both roles.",
    )
    date_start = fields.Date(string="In force from", required=True, tracking=True,
                             help="The first month this version appraises (its first day).")
    version = fields.Integer(default=1, readonly=True)
    previous_id = fields.Many2one("bank.appraisal.plan", string="Previous version", readonly=True, copy=False)
    line_ids = fields.One2many("bank.appraisal.plan.line", "plan_id", string="KPIs", copy=True)
    weight_total = fields.Float(compute="_compute_weight_total", string="Total weight")
    state = fields.Selection(PLAN_STATES, required=True, default="draft", readonly=True, tracking=True, copy=False)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    can_activate = fields.Boolean(compute="_compute_bank_can")
    can_retire = fields.Boolean(compute="_compute_bank_can")
    can_new_version = fields.Boolean(compute="_compute_bank_can")

    @api.depends("line_ids.weight")
    def _compute_weight_total(self):
        for plan in self:
            plan.weight_total = sum(plan.line_ids.mapped("weight"))

    @api.constrains("date_start")
    def _check_date_start(self):
        for plan in self:
            if plan.date_start.day != 1:
                raise ValidationError(self.env._(
                    "Appraisal plan %(plan)s: a plan comes into force on the first day of a month "
                    "(field In force from: %(date)s).", plan=plan.name, date=plan.date_start,
                ))

    def _bank_may_activate(self):
        return self._bank_may_configure()

    def _bank_may_retire(self):
        return self._bank_may_configure()

    def _bank_may_new_version(self):
        return self._bank_may_configure()

    def _bank_may_configure(self):
        if not self.env.su and not self.env.user.has_group("bank_relationship_manager.group_bank_admin"):
            return self.env._("only an administrator of the bank changes appraisal plans.")
        return None

    def action_activate(self):
        for plan in self._bank_start_step("activate"):
            plan._check_complete()
        self._bank_system_write({"state": "active"})
        return True

    def action_retire(self):
        self._bank_start_step("retire")._bank_system_write({"state": "retired"})
        return True

    def action_new_version(self):
        """A draft copy, one version up, in force from the month after the current one."""
        self.ensure_one()
        self._bank_start_step("new_version")
        today = self.env.company._bank_today()
        next_month = fields.Date.add(today.replace(day=1), months=1)
        new = self.copy({"date_start": max(next_month, fields.Date.add(self.date_start, months=1))})
        new._bank_system_write({"version": self.version + 1, "previous_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
        }

    def _check_complete(self):
        if not self.line_ids:
            raise ValidationError(self.env._(
                "Appraisal plan %(plan)s: add at least one KPI (field KPIs).", plan=self.name,
            ))
        if float_compare(self.weight_total, 100.0, precision_digits=2):
            raise ValidationError(self.env._(
                "Appraisal plan %(plan)s: the weights add up to %(total)s, not 100 (field Weight).",
                plan=self.name, total=round(self.weight_total, 2),
            ))
        kpis = self.line_ids.kpi_id
        if len(kpis) != len(self.line_ids):
            raise ValidationError(self.env._(
                "Appraisal plan %(plan)s: each KPI appears once (field KPI).", plan=self.name,
            ))

    @api.model
    def _bank_plans_for(self, rms, month_start):
        """``{rm_id: plan}`` for the month beginning ``month_start``: one search, then the most
        specific plan per RM chosen in memory (plans are few)."""
        plans = self.search([
            ("state", "in", ("active", "retired")), ("date_start", "<=", month_start),
            ("company_id", "in", rms.company_id.ids or self.env.company.ids),
        ])
        # The retired ones still appraise the months before their retirement's successor: only
        # the newest start per (grades, role) applies.
        result = {}
        for rm in rms:
            best, best_key = None, None
            for plan in plans:
                if plan.company_id != rm.company_id:
                    continue
                if plan.grade_ids and rm.grade_id not in plan.grade_ids:
                    continue
                if plan.role and plan.role != rm.role:
                    continue
                key = (bool(plan.grade_ids), bool(plan.role), plan.date_start, plan.version, plan.id)
                if best_key is None or key > best_key:
                    best, best_key = plan, key
            if best and best.state == "active":
                result[rm.id] = best
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        for plan in self:
            if plan.state != "draft":
                raise ValidationError(self.env._(
                    "Appraisal plan %(plan)s has been in force: retire it instead of deleting it.", plan=plan.name,
                ))
