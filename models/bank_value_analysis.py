# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The RM's written value analysis of a customer (客户价值分析, seed 003; SPEC §9a): written on the
figures of a monthly snapshot (models/bank_customer_value.py), acknowledged by the unit head, then
kept as it was so that its accuracy can be checked later (docs/value.md)."""
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, modules
from odoo.exceptions import UserError
from odoo.http import request

from ..tools.cron_batches import process_in_batches
from .bank_customer_value import VALUE_CLASSES
from .bank_guard_mixin import guard_error, value_error
from .bank_maintenance_band import MAINTENANCE_LEVELS

# Customers whose analyses one batch plans (one search of snapshots, one create of each kind).
ANALYSIS_BATCH = 1000

ANALYSIS_STATES = [("draft", "Draft"), ("submitted", "Submitted"), ("acknowledged", "Acknowledged")]
PERIODS = [("quarter", "Quarter"), ("month", "Month")]
PLANS = [("deepen", "Deepen"), ("keep", "Keep"), ("reduce", "Reduce")]

# The snapshot's figures, copied when the analysis is planned: kept with the analysis.
FIGURES = (
    "tier_id", "aum", "income", "cost", "contribution", "contribution_prev", "change_prev", "change_prev_pct",
    "contribution_last_year", "change_last_year", "change_last_year_pct", "potential_score", "value_class",
    "currency_id",
)
# The RM's assessment: written in draft, by the customer's primary RM only.
ASSESSMENT = ("current_value", "potential", "difference_reason", "plan")
# Set by the system: the planning, the owners the record rules and the lists read, the steps.
SYSTEM = frozenset({
    "partner_id", "value_id", "value_date", "period", "date_from", "date_to", "rm_id", "unit_id", "company_id",
    "state", "submitted_date", "reviewer_user_id", "acknowledged_by_id", "acknowledged_date", *FIGURES,
})


class BankValueAnalysis(models.Model):
    """One customer's value analysis for a quarter (a month for the top maintenance level).

    Planned by the system with the period's figures (never created by hand), written and
    submitted by the customer's primary RM, acknowledged (or sent back) by the head of the
    customer's unit or a supervisor above. Acknowledged, it is sealed for everyone, the
    superuser included; submitted, it is never deleted."""

    _name = "bank.value.analysis"
    _description = "Customer value analysis"
    _inherit = ["bank.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _allow_sudo_commands = False
    # Heads and supervisors only read the analysis and still comment on it in the chatter.
    _mail_post_access = "read"
    # The guard (models/bank_guard_mixin.py, docs/guards.md).
    _bank_action_fields = SYSTEM
    _bank_field_steps = dict.fromkeys(ASSESSMENT, "submit")
    _bank_locked_states = frozenset({"submitted", "acknowledged"})
    _bank_sealed_fields = SYSTEM | frozenset(ASSESSMENT)
    _bank_sealed_states = frozenset({"acknowledged"})
    _bank_steps = {"submit": ("draft",), "acknowledge": ("submitted",), "send_back": ("submitted",)}

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="restrict",
                                 readonly=True)
    value_id = fields.Many2one(
        "bank.customer.value", string="Value snapshot", required=True, ondelete="restrict", readonly=True,
        help="The snapshot whose figures the analysis is written on: the period's latest.",
    )
    value_date = fields.Date(string="Figures of", readonly=True, help="The month of the snapshot (its last day).")
    period = fields.Selection(PERIODS, string="Period type", required=True, readonly=True)
    date_from = fields.Date(string="From", required=True, index=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    period_label = fields.Char(string="Period", compute="_compute_name", store=True)
    rm_id = fields.Many2one("bank.rm", string="RM", index=True, readonly=True,
                            help="The customer's primary RM when it was planned, then when it was submitted.")
    unit_id = fields.Many2one("bank.org.unit", string="Unit", index=True, readonly=True,
                              help="The customer's unit when it was planned, then when it was submitted.")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one("res.currency", readonly=True)
    tier_id = fields.Many2one("bank.vip.tier", string="Tier", readonly=True)
    aum = fields.Monetary(string="AUM at month end", readonly=True)
    income = fields.Monetary(string="Estimated income", readonly=True)
    cost = fields.Monetary(string="Estimated cost", readonly=True)
    contribution = fields.Monetary(readonly=True)
    contribution_prev = fields.Monetary(string="Contribution previous month", readonly=True)
    change_prev = fields.Monetary(string="Change vs previous month", readonly=True)
    change_prev_pct = fields.Float(string="Change vs previous month (%)", digits=(16, 2), readonly=True)
    contribution_last_year = fields.Monetary(string="Contribution same month last year", readonly=True)
    change_last_year = fields.Monetary(string="Change vs last year", readonly=True)
    change_last_year_pct = fields.Float(string="Change vs last year (%)", digits=(16, 2), readonly=True)
    potential_score = fields.Float(string="Potential", digits=(5, 1), readonly=True, aggregator="avg")
    value_class = fields.Selection(VALUE_CLASSES, string="Value class", readonly=True, index=True)
    history_ids = fields.Many2many(
        "bank.customer.value", string="Trend", compute="_compute_history_ids",
        help="The customer's snapshots of the twelve months up to the analysis's figures.",
    )
    current_value = fields.Text(string="Current value", help="What the customer brings the bank today, and why.")
    potential = fields.Text(string="Potential value", help="What the customer may bring, from what we know of them.")
    difference_reason = fields.Text(
        string="Reasons for the difference",
        help="Why the contribution differs from what was expected of the customer.",
    )
    plan = fields.Selection(PLANS, help="What to do with the relationship: deepen it, keep it or reduce it.")
    state = fields.Selection(ANALYSIS_STATES, required=True, default="draft", readonly=True, index=True,
                             tracking=True, copy=False)
    submitted_date = fields.Datetime(string="Submitted on", readonly=True, copy=False)
    reviewer_user_id = fields.Many2one(
        "res.users", string="Submitted to", readonly=True, copy=False,
        help="The head of the customer's unit (or, without one, its nearest supervisor) when it was submitted.",
    )
    acknowledged_by_id = fields.Many2one("res.users", string="Acknowledged by", readonly=True, copy=False)
    acknowledged_date = fields.Datetime(string="Acknowledged on", readonly=True, copy=False)
    can_submit = fields.Boolean(compute="_compute_bank_can")
    can_acknowledge = fields.Boolean(compute="_compute_bank_can")
    can_send_back = fields.Boolean(compute="_compute_bank_can")

    # One analysis per customer and period: the scheduler's reruns plan nothing twice.
    _partner_period_uniq = models.Constraint(
        "UNIQUE(partner_id, period, date_from)", "A customer has one value analysis per period."
    )

    @api.depends("partner_id.name", "period", "date_from")
    def _compute_name(self):
        for analysis in self:
            start = analysis.date_from
            if not start:
                label = ""
            elif analysis.period == "quarter":
                label = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
            else:
                label = start.strftime("%Y-%m")
            analysis.period_label = label
            analysis.name = " ".join(filter(None, [analysis.partner_id.name, label]))

    @api.depends("partner_id", "value_date")
    def _compute_history_ids(self):
        # The reader's own rules apply: the snapshots are readable exactly where the analysis is.
        Value = self.env["bank.customer.value"]
        for analysis in self:
            if not analysis.value_date:
                analysis.history_ids = Value
                continue
            analysis.history_ids = Value.search([
                ("partner_id", "=", analysis.partner_id.id), ("is_current", "=", True),
                ("date", ">", analysis.value_date - relativedelta(months=12)), ("date", "<=", analysis.value_date),
            ], order="date desc")

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _bank_may_create(self):
        return self.env._("value analyses are planned by the system each period: write the one in your activities.")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        # Not even as superuser: a submitted analysis is the archive the seed asks to keep.
        sent = self.filtered(lambda a: a.state != "draft")
        if sent:
            raise guard_error(sent[:1], None, self.env._(
                "a submitted value analysis is kept: it is never deleted."
            ))

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    def action_submit(self):
        """The primary RM submits the analysis: the write activity is done, the reviewer (the
        head of the customer's unit, else its nearest supervisor) gets one to acknowledge it."""
        write_type, ack_type = self._bank_activity_types()
        for analysis in self._bank_start_step("submit"):
            for field_name in ("current_value", "potential", "plan"):
                if not analysis[field_name]:
                    raise value_error(analysis, field_name, self.env._("write it before submitting the analysis."))
            # sudo: the customer's current unit and RM are read to route the analysis.
            partner = analysis.partner_id.sudo()
            reviewer = analysis._bank_find_reviewer(partner.bank_unit_id)
            if not reviewer:
                raise UserError(self.env._(
                    "%(analysis)s: the unit %(unit)s has no head and no supervisor above it to acknowledge "
                    "it (fields Unit head, RM supervisor).",
                    analysis=analysis.display_name, unit=partner.bank_unit_id.display_name or "-",
                ))
            analysis._bank_system_write({
                "state": "submitted", "submitted_date": fields.Datetime.now(), "reviewer_user_id": reviewer.id,
                "rm_id": partner.bank_rm_id.id, "unit_id": partner.bank_unit_id.id,
            })
            analysis._bank_close_activities(write_type, self.env._("Submitted"))
            # sudo: the RM plans the reviewer's activity on their own analysis.
            analysis.sudo().activity_schedule(
                activity_type_id=ack_type.id, user_id=reviewer.id,
                summary=self.env._("Acknowledge the value analysis %(analysis)s", analysis=analysis.name),
            )
        return True

    def action_acknowledge(self):
        """The head of the customer's unit (or a supervisor above) acknowledges it: sealed from now on."""
        _write_type, ack_type = self._bank_activity_types()
        for analysis in self._bank_start_step("acknowledge"):
            # The reviewers only read the analysis: the step above allows this one change.
            analysis._bank_system_write({
                "state": "acknowledged", "acknowledged_by_id": self.env.uid,
                "acknowledged_date": fields.Datetime.now(),
            })
            analysis._bank_close_activities(ack_type, self.env._("Acknowledged by %(user)s", user=self.env.user.name))
            analysis._bank_attach_profile()
        return True

    def _bank_attach_profile(self):
        """Hook of the acknowledgment: keep the customer profile (report/bank_customer_profile.py) as
        it was printed that day, attached to the analysis. Rendered as the acknowledging user, with
        the ID number masked (the archive is read by whoever reads the analysis): a PDF where
        wkhtmltopdf is installed, HTML otherwise (as models/bank_handover_transfer.py; Odoo stores
        it as text/plain for users who may not write views)."""
        self.ensure_one()
        Report = self.env["ir.actions.report"].with_context(bank_profile_archive=True)
        report = "bank_relationship_manager.report_bank_customer_profile"
        # wkhtmltopdf fetches the report's styles from the web server: not while the module's data
        # load (the demo's acknowledged analyses: no server yet), nor in a browser test (one
        # request at a time).
        in_browser_test = bool(modules.module.current_test and request)
        if Report.get_wkhtmltopdf_state() == "ok" and self.env.registry.ready and not in_browser_test:
            content, _kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
                report, self.partner_id.ids,
            )
            extension, mimetype = "pdf", "application/pdf"
        else:
            content, _kind = Report._render_qweb_html(report, self.partner_id.ids)
            extension, mimetype = "html", "text/html"
        if isinstance(content, str):
            content = content.encode()
        # sudo: the acknowledged analysis is sealed; its archived profile is the system's record of
        # the acknowledgment, rendered above with the acknowledging user's rights.
        return self.env["ir.attachment"].sudo().create({
            "name": self.env._("Customer profile %(analysis)s.%(ext)s", analysis=self.name, ext=extension),
            "raw": content,
            "mimetype": mimetype,
            "res_model": self._name,
            "res_id": self.id,
        })

    def action_send_back(self):
        """The reviewer sends the analysis back to the RM, who gets a write activity again."""
        write_type, ack_type = self._bank_activity_types()
        for analysis in self._bank_start_step("send_back"):
            analysis._bank_system_write({"state": "draft", "submitted_date": False, "reviewer_user_id": False})
            analysis._bank_close_activities(ack_type, self.env._("Sent back by %(user)s", user=self.env.user.name))
            # sudo: the customer's primary RM, whoever sends it back.
            rm_user = analysis.partner_id.sudo().bank_rm_user_id
            if rm_user:
                analysis.sudo().activity_schedule(
                    activity_type_id=write_type.id, user_id=rm_user.id,
                    summary=self.env._("Write the value analysis %(analysis)s", analysis=analysis.name),
                )
        return True

    def _bank_may_submit(self):
        if self.env.su:
            return None
        # sudo: the customer's primary RM is read to decide, not shown beyond their name.
        rm_user = self.partner_id.sudo().bank_rm_user_id
        if rm_user != self.env.user:
            return self.env._(
                "only the customer's primary RM %(rm)s writes and submits it, not %(user)s.",
                rm=rm_user.name or "-", user=self.env.user.name,
            )
        return None

    def _bank_may_acknowledge(self):
        if self.env.su:
            return None
        user = self.env.user
        # sudo: the customer's unit, its head and supervisors are read to decide.
        partner = self.partner_id.sudo()
        unit = partner.bank_unit_id
        if user != partner.bank_rm_user_id and unit and (
            user == unit.head_user_id or user in unit.oversight_user_ids
        ):
            return None
        return self.env._(
            "only the head of the customer's unit %(unit)s or a supervisor above it acknowledges or sends it "
            "back, not %(user)s.",
            unit=unit.display_name or "-", user=user.name,
        )

    def _bank_may_send_back(self):
        return self._bank_may_acknowledge()

    # ------------------------------------------------------------------
    # Planning (the cron)
    # ------------------------------------------------------------------

    @api.model
    def _cron_plan(self):
        """Monthly, after the snapshots: plan the analyses of the month that just ended, in
        batches that each commit. A customer planned no longer matches the batch domain: a run
        that crashed midway is finished by the next one."""
        today = self.env.company._bank_today()
        self._bank_plan(today.replace(day=1) - relativedelta(days=1), commit=True)

    @api.model
    def _bank_plan(self, month_end, commit=False):
        """Plan the analyses of the periods ending with the month of ``month_end``: the month for
        customers maintained at the monthly level or above, the quarter for the other tiered
        customers when the month ends a quarter. Customers planned already are left as they are.
        ``commit``: commit after each batch (the cron only)."""
        month_start = fields.Date.to_date(month_end).replace(day=1)
        month_end = month_start + relativedelta(months=1, days=-1)
        monthly = self._bank_monthly_levels()
        passes = [("month", month_start, [("bank_maintenance_level", "in", monthly)])] if monthly else []
        if month_end.month % 3 == 0:
            passes.append(("quarter", month_start - relativedelta(months=2), [
                "|", ("bank_maintenance_level", "=", False), ("bank_maintenance_level", "not in", monthly or [""]),
            ]))
        # sudo: the run plans every customer's analysis, whoever starts it (the cron).
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        for period, start, level_domain in passes:
            domain = [
                ("is_bank_customer", "=", True), ("bank_tier_id", "!=", False), ("bank_rm_id", "!=", False),
                *level_domain,
                ("bank_value_ids", "any", [("date", ">=", start), ("date", "<=", month_end)]),
                ("bank_value_analysis_ids", "not any", [("period", "=", period), ("date_from", "=", start)]),
            ]

            def process(batch, period=period, start=start):
                return self._bank_plan_batch(batch, period, start, month_end)

            if commit:
                process_in_batches(Partner, domain, ANALYSIS_BATCH, process)
                continue
            while batch := Partner.search(domain, limit=ANALYSIS_BATCH, order="id"):
                process(batch)

    @api.model
    def _bank_monthly_levels(self):
        """The maintenance levels analysed monthly: the company's setting and those above it."""
        keys = [key for key, _label in MAINTENANCE_LEVELS]
        level = self.env.company.bank_value_analysis_monthly_level
        return keys[keys.index(level):] if level in keys else []

    @api.model
    def _bank_plan_batch(self, partners, period, start, end):
        """The drafts of a batch on the period's latest snapshot, and one write activity each for
        the primary RM: one search, one create of each kind (no query per customer)."""
        Value = self.env["bank.customer.value"].sudo()
        latest = {}
        for value in Value.search([
            ("partner_id", "in", partners.ids), ("date", ">=", start), ("date", "<=", end), ("is_current", "=", True),
        ], order="date desc, id desc"):
            latest.setdefault(value.partner_id.id, value)
        vals_list = []
        for partner in partners:
            value = latest.get(partner.id)
            if not value:
                continue
            vals = {field_name: value[field_name] for field_name in FIGURES}
            vals = {key: val.id if isinstance(val, models.BaseModel) else val for key, val in vals.items()}
            vals.update({
                "partner_id": partner.id, "value_id": value.id, "value_date": value.date, "period": period,
                "date_from": start, "date_to": end, "rm_id": partner.bank_rm_id.id,
                "unit_id": partner.bank_unit_id.id, "company_id": value.company_id.id,
            })
            vals_list.append(vals)
        analyses = self._bank_system_create(vals_list).sudo()
        write_type, _ack_type = self._bank_activity_types()
        model_id = self.env["ir.model"]._get_id(self._name)
        deadline = self.env.company._bank_today() + relativedelta(days=write_type.delay_count or 10)
        # sudo: the system plans the RM's activity; mail_activity_quick_update: no e-mail per activity.
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create([{
            "res_model_id": model_id, "res_id": analysis.id, "activity_type_id": write_type.id,
            "user_id": analysis.partner_id.bank_rm_user_id.id, "date_deadline": deadline,
            "summary": self.env._("Write the value analysis %(analysis)s", analysis=analysis.name),
        } for analysis in analyses])
        return analyses

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _bank_activity_types(self):
        ref = self.env.ref
        return (ref("bank_relationship_manager.mail_activity_type_value_analysis_write"),
                ref("bank_relationship_manager.mail_activity_type_value_analysis_acknowledge"))

    def _bank_close_activities(self, activity_type, feedback):
        # sudo: the step's user closes the activity of the step, whoever it was planned for.
        self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        ).action_feedback(feedback=feedback)

    @api.model
    def _bank_find_reviewer(self, unit):
        """The head of ``unit``, else the nearest RM supervisor or centre head up the tree."""
        if unit.head_user_id:
            return unit.head_user_id
        node = unit
        while node:
            reviewer = node.supervisor_user_id or node.center_head_user_id
            if reviewer:
                return reviewer
            node = node.parent_id
        return self.env["res.users"]
