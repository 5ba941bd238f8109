# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Post-loan checks (贷后检查, seed 004: large loans and exceptions are where the checks go),
planned in the ledger of maintenance occasions (models/bank_maintenance_plan.py)."""
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.cron_batches import without_conflict
from . import bank_maintenance_plan as plan_module

_logger = logging.getLogger(__name__)

_PARAM = "bank_relationship_manager."
POST_LOAN_TYPE_XMLID = "bank_relationship_manager.mail_activity_type_post_loan_check"
# Days given for a periodic check; a loan in exception is checked at once (due the same day).
_PERIODIC_DUE_DAYS = 7


class BankMaintenancePlan(models.Model):
    """A post-loan check is an occasion of the ledger: kind ``post_loan``, the loan's account as
    reference, the planning day as occasion. The unique key plans nothing twice a day; the rules
    below keep one open check per loan."""

    _inherit = "bank.maintenance.plan"

    kind = fields.Selection(selection_add=[("post_loan", "Post-loan check")], ondelete={"post_loan": "cascade"})

    @api.model
    def _cron_plan_post_loan(self, today=None, commit=True):
        """Daily: a post-loan check for every loan of at least the configured contract amount
        (company currency) whose last check was planned the configured number of days ago or
        more (or never), and at once for every loan in exception (overdue or in arrears) not
        checked since its exception began; never while a check of the loan is still open.

        Batches of the ledger's size, each committed with its ledger rows and activities: a run
        that crashed midway is finished by the next one without duplicates."""
        today = fields.Date.to_date(today) if today else self.env.company._bank_today()
        settings = self._post_loan_settings(today)
        activity_type = self.env.ref(POST_LOAN_TYPE_XMLID)

        def step():
            self.env.flush_all()
            rows = self.env.execute_query(self._post_loan_candidates_sql(today, settings))
            return rows, (self._plan_batch("post_loan", today, activity_type, rows) if rows else 0)

        planned = 0
        while True:
            rows, count = without_conflict(self.env, step, self._name) if commit else step()
            if not rows:
                break
            planned += count
            if commit and self.env["ir.cron"]._commit_progress(len(rows)) <= 0:
                break
        _logger.info("post-loan checks of %s: %s planned", today, planned)
        return planned

    @api.model
    def _post_loan_settings(self, today):
        # sudo: system parameters are readable by administrators only; these settings are not secret.
        get = self.env["ir.config_parameter"].sudo().get_param
        try:
            amount = float(get(_PARAM + "post_loan_min_amount", 100000))
        except (TypeError, ValueError):
            amount = 100000.0
        try:
            interval = int(get(_PARAM + "post_loan_interval_days", 90))
        except (TypeError, ValueError):
            interval = 90
        return {
            "min_amount": amount,
            "interval": max(interval, 1),
            "rates": self.env["res.partner"]._bank_state_rates(today),
        }

    @api.model
    def _post_loan_candidates_sql(self, today, settings):
        """``(partner_id, user_id, occasion_date, account_id, deadline)`` of the checks to plan."""
        rates = settings["rates"]
        return SQL("""
            WITH served AS (%(served)s),
                 rates AS (SELECT * FROM unnest(%(currencies)s::int[], %(factors)s::float8[])
                                AS r(currency_id, factor)),
                 loans AS (
                     SELECT s.partner_id, s.user_id, a.id AS account_id, a.loan_exception_since,
                            (a.days_overdue > 0 OR a.arrears_amount > 0) AS in_exception
                       FROM served s
                       JOIN bank_account a ON a.partner_id = s.partner_id AND a.active AND a.kind = 'loan'
                  LEFT JOIN rates r ON r.currency_id = a.currency_id
                      WHERE a.days_overdue > 0 OR a.arrears_amount > 0
                         OR a.contract_amount * r.factor >= %(min_amount)s
                 ),
                 checks AS (
                     SELECT pl.ref_id, max(pl.occasion_date) AS last_day, bool_or(act.id IS NOT NULL) AS open
                       FROM bank_maintenance_plan pl
                  LEFT JOIN mail_activity act ON act.id = pl.activity_id AND act.active
                      WHERE pl.kind = 'post_loan' AND pl.ref_id IN (SELECT account_id FROM loans)
                      GROUP BY pl.ref_id
                 )
            SELECT l.partner_id, l.user_id, %(today)s::date AS occasion_date, l.account_id,
                   CASE WHEN l.in_exception THEN %(today)s::date ELSE %(due)s::date END AS deadline
              FROM loans l
         LEFT JOIN checks c ON c.ref_id = l.account_id
             WHERE NOT COALESCE(c.open, FALSE)
               AND (c.last_day IS NULL
                    OR c.last_day <= %(today)s::date - %(interval)s
                    OR (l.in_exception AND c.last_day < l.loan_exception_since))
             ORDER BY l.partner_id, l.account_id
             LIMIT %(limit)s
        """, served=self._served_sql(), currencies=list(rates), factors=list(rates.values()),
            min_amount=settings["min_amount"], today=today, due=today + timedelta(days=_PERIODIC_DUE_DAYS),
            interval=settings["interval"], limit=plan_module._PLAN_BATCH)

    @api.model
    def _plan_summaries(self, kind, refs):
        if kind != "post_loan":
            return super()._plan_summaries(kind, refs)
        # sudo: the cron's summary names the loan the RM serves; read once for the batch.
        labels = {}
        for account in self.env["bank.account"].sudo().browse(refs):
            if account.loan_status != "normal":
                labels[account.id] = self.env._(
                    "Post-loan check of %(account)s (%(category)s): %(days)s days overdue, "
                    "in exception since %(since)s",
                    account=account.account_no, category=account.category_id.name, days=account.days_overdue,
                    since=account.loan_exception_since or "-",
                )
            else:
                labels[account.id] = self.env._(
                    "Post-loan check of %(account)s (%(category)s)",
                    account=account.account_no, category=account.category_id.name,
                )
        return labels
