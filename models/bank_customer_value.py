# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The monthly customer value snapshot (客户价值分析, seed 003; SPEC §9a): what each customer earned
the bank and cost it in a month, its potential and its value class (docs/value.md)."""
from datetime import date as Date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.cron_batches import process_in_batches
from .bank_guard_mixin import guard_error

# Customers snapshotted per batch: one INSERT ... SELECT each.
VALUE_BATCH = 5000

VALUE_CLASSES = [("grow", "Grow"), ("keep", "Keep"), ("watch", "Watch"), ("loss", "Loss-making")]

# Everything a snapshot records: set by the monthly run only, frozen once the month is closed.
_FIGURES = frozenset({
    "partner_id", "date", "rm_id", "unit_id", "tier_id", "company_id", "currency_id", "aum", "avg_deposit",
    "avg_investment", "avg_loan", "loan_outstanding", "categories_held", "contacts", "income", "risk_cost",
    "service_cost", "cost", "contribution", "prev_value_id", "contribution_prev", "change_prev", "change_prev_pct",
    "last_year_value_id", "contribution_last_year", "change_last_year", "change_last_year_pct", "potential_score",
    "value_class", "corrected_id",
})


class BankCustomerValue(models.Model):
    """One customer's value in one month, as the monthly run computed it. Never rewritten once
    the month is closed and never deleted: a correction is a new row that references the old."""

    _name = "bank.customer.value"
    _description = "Customer value snapshot"
    _inherit = ["bank.guard.mixin"]
    _order = "date desc, contribution desc, id desc"
    _allow_sudo_commands = False
    # The guard (models/bank_guard_mixin.py, docs/guards.md): the run's figures; the rules read
    # partner_id. A closed month is sealed, for the superuser too.
    _bank_action_fields = _FIGURES | {"state"}
    _bank_sealed_fields = _FIGURES | {"state"}
    _bank_sealed_states = frozenset({"closed"})
    _bank_steps = {"correct": ("open", "closed")}

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="restrict")
    date = fields.Date(string="Month", required=True, index=True, help="The month's last day.")
    rm_id = fields.Many2one(
        "bank.rm", string="RM", index=True, help="The customer's primary RM when the month was taken."
    )
    unit_id = fields.Many2one("bank.org.unit", string="Unit", index=True)
    tier_id = fields.Many2one("bank.vip.tier", string="Tier", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True)
    aum = fields.Monetary(string="AUM at month end", help="Deposits and investments on the month's last day.")
    avg_deposit = fields.Monetary(string="Average deposits")
    avg_investment = fields.Monetary(string="Average investments")
    avg_loan = fields.Monetary(string="Average loans")
    loan_outstanding = fields.Monetary(string="Loans outstanding", help="Loan balances on the month's last day.")
    categories_held = fields.Integer(
        string="Product categories held", aggregator="avg", help="Categories with a balance on the month's last day."
    )
    contacts = fields.Integer(string="Contacts", help="Maintenance logs of the month.")
    income = fields.Monetary(string="Estimated income", help="Average balances × the categories' annual margins.")
    risk_cost = fields.Monetary(string="Risk cost", help="Average loans × the loan categories' annual risk cost.")
    service_cost = fields.Monetary(string="Service cost", help="The month's contacts at the channels' costs.")
    cost = fields.Monetary(string="Estimated cost", help="Risk cost + service cost.")
    contribution = fields.Monetary(help="Estimated income − estimated cost.")
    prev_value_id = fields.Many2one("bank.customer.value", string="Previous month", ondelete="restrict")
    contribution_prev = fields.Monetary(string="Contribution previous month")
    change_prev = fields.Monetary(string="Change vs previous month")
    change_prev_pct = fields.Float(string="Change vs previous month (%)", digits=(16, 2), aggregator="avg")
    last_year_value_id = fields.Many2one("bank.customer.value", string="Same month last year", ondelete="restrict")
    contribution_last_year = fields.Monetary(string="Contribution same month last year")
    change_last_year = fields.Monetary(string="Change vs last year")
    change_last_year_pct = fields.Float(string="Change vs last year (%)", digits=(16, 2), aggregator="avg")
    potential_score = fields.Float(
        string="Potential", digits=(5, 1), aggregator="avg",
        help="0-100: income, life stage, gap to the next tier, the potential flag, product categories not held.",
    )
    value_class = fields.Selection(VALUE_CLASSES, string="Value class", index=True)
    state = fields.Selection([("open", "Open"), ("closed", "Closed")], default="open", required=True, index=True)
    corrected_id = fields.Many2one(
        "bank.customer.value", string="Corrects", ondelete="restrict", index="btree_not_null",
        help="The snapshot this row corrects: the old row is kept as it was.",
    )
    correction_ids = fields.One2many("bank.customer.value", "corrected_id", string="Corrected by")
    is_current = fields.Boolean(
        string="Current", compute="_compute_is_current", search="_search_is_current",
        help="Not corrected by a later row.",
    )
    can_correct = fields.Boolean(compute="_compute_bank_can")

    # One original per customer and month (a rerun inserts nothing); a row is corrected once.
    _partner_month_uniq = models.UniqueIndex("(partner_id, date) WHERE corrected_id IS NULL")
    _corrected_uniq = models.Constraint("UNIQUE(corrected_id)", "A snapshot is corrected once: correct the newest.")

    @api.depends("partner_id", "date")
    def _compute_display_name(self):
        for value in self:
            month = value.date.strftime("%Y-%m") if value.date else ""
            value.display_name = f"{value.partner_id.display_name or ''} {month}"

    @api.depends("correction_ids")
    def _compute_is_current(self):
        for value in self:
            value.is_current = not value.correction_ids

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        current = (operator == "=") == bool(value)
        return [("correction_ids", "=" if current else "!=", False)]

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        # Not even as superuser: the snapshots are the archive the seed asks to keep (docs/value.md).
        raise guard_error(self[:1], None, self.env._("value snapshots are kept: they are never deleted."))

    # ------------------------------------------------------------------
    # Public API and cron
    # ------------------------------------------------------------------

    @api.model
    def generate_month(self, date):
        """Snapshot every customer for the month containing ``date`` (administrator); a customer
        who has one already is left as is. Returns the number of snapshots created."""
        self._bank_check_admin("date")
        month_start, month_end = self._bank_month_bounds(date)
        run = self._bank_run_settings(month_start, month_end)
        Partner = self._bank_customers()
        created = 0
        while True:
            batch = Partner.search(self._bank_missing_domain(month_end), limit=VALUE_BATCH, order="id")
            if not batch:
                return created
            created += batch._bank_value_snapshot(run)

    @api.model
    def action_close_month(self, date):
        """Freeze the snapshots of the month containing ``date`` (administrator): from then on
        nobody changes them. Returns the number closed."""
        self._bank_check_admin("state")
        _month_start, month_end = self._bank_month_bounds(date)
        self.flush_model()
        # Raw SQL: one statement for the month, the run's choke point (docs/guards.md), after the
        # caller was checked; open rows only (a closed row is sealed).
        closed = self.env.execute_query(SQL(
            """UPDATE bank_customer_value SET state = 'closed', write_uid = %(uid)s, write_date = %(now)s
                WHERE date = %(date)s AND state = 'open' RETURNING id""",
            uid=self.env.uid, now=fields.Datetime.now(), date=month_end,
        ))
        self.invalidate_model(["state", "write_uid", "write_date"])
        return len(closed)

    @api.model
    def _cron_generate_month(self):
        """Monthly (on the first): the previous month's snapshots, in batches that each commit. A
        customer snapshotted no longer matches the batch domain, so a run that crashed midway is
        finished by the next one without redoing or skipping anyone."""
        today = self.env.company._bank_today()
        month_start, month_end = self._bank_month_bounds(today.replace(day=1) - relativedelta(days=1))
        run = self._bank_run_settings(month_start, month_end)
        process_in_batches(
            self._bank_customers(), self._bank_missing_domain(month_end), VALUE_BATCH,
            lambda batch: batch._bank_value_snapshot(run),
        )

    def action_correct(self):
        """Recompute this snapshot from today's data into a new row that references it (the old
        row is kept as it was); open the new row."""
        self.ensure_one()
        self._bank_start_step("correct")
        run = self._bank_run_settings(*self._bank_month_bounds(self.date))
        ids = self._bank_customers().browse(self.partner_id.id)._bank_value_snapshot(
            run, corrected_id=self.id, state=self.state, return_ids=True,
        )
        return {
            "type": "ir.actions.act_window", "res_model": self._name, "res_id": ids[0], "view_mode": "form",
            "target": "current",
        }

    def _bank_may_correct(self):
        if not (self.env.su or self.env.user.has_group("bank_relationship_manager.group_bank_admin")):
            return self.env._("only an administrator corrects a value snapshot.")
        if self.correction_ids:
            return self.env._("it is corrected already: correct the newest row.")
        return None

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _bank_check_admin(self, field_name):
        if self.env.su or self.env.user.has_group("bank_relationship_manager.group_bank_admin"):
            return
        raise guard_error(self, field_name, self.env._(
            "only an administrator takes or closes the monthly value snapshots, not %(user)s.",
            user=self.env.user.name,
        ))

    @api.model
    def _bank_month_bounds(self, day):
        try:
            day = fields.Date.to_date(day)
        except (TypeError, ValueError):
            day = None
        if not isinstance(day, Date) or not 1900 <= day.year <= 2199:
            raise ValidationError(self.env._(
                "Customer value snapshot: %(date)s is not a date (parameter date).", date=day
            ))
        start = day.replace(day=1)
        return start, start + relativedelta(months=1, days=-1)

    @api.model
    def _bank_customers(self):
        # sudo: the run snapshots every customer, whoever starts it (an administrator, checked).
        return self.env["res.partner"].sudo()

    @api.model
    def _bank_missing_domain(self, month_end):
        return [("is_bank_customer", "=", True), ("bank_value_ids", "not any", [("date", "=", month_end)])]

    @api.model
    def _bank_run_settings(self, month_start, month_end):
        """What every batch of a run reads: the rates at the month's end, the value settings and
        the number of active product categories (the potential score's cross-selling part)."""
        return {
            "start": month_start,
            "end": month_end,
            "rates": self.env["res.partner"]._bank_state_rates(month_end),
            "categories": self.env["bank.product.category"].search_count([]),
            "company": self.env.company,
            **self.env["res.config.settings"]._bank_value_settings(),
        }
