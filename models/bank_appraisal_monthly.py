# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date as Date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.cron_batches import process_in_batches
from .bank_guard_mixin import guard_error

# RMs computed per batch (and per KPI query) by the cron: one query per KPI per batch.
_COMPUTE_BATCH = 1000


class BankAppraisal(models.Model):
    """The monthly run: every RM who served in the month gets an appraisal, each KPI measured for
    all of them by one query (models/bank_kpi_measures.py), scored against the plan in force."""

    _inherit = "bank.appraisal"

    # ------------------------------------------------------------------
    # Public API and cron
    # ------------------------------------------------------------------

    @api.model
    def generate_monthly(self, date):
        """Create, or recompute while not yet reviewed, the monthly appraisals of every RM who
        served in the month containing ``date`` (RM office or administrator); return their ids."""
        self._bank_check_may_generate()
        month_start, month_end = self._bank_month_bounds(date)
        appraisals = self._bank_monthly_drafts(month_start, month_end)
        appraisals.filtered(lambda a: a.state in ("draft", "computed"))._bank_compute()
        return appraisals.ids

    @api.model
    def _cron_generate_monthly(self):
        """Daily: the previous month's appraisals are created, then computed in batches that each
        commit (``state`` leaves draft): a run that crashed midway is finished by the next one,
        and the appraisals already computed are left as they are."""
        today = self.env.company._bank_today()
        month_start = today.replace(day=1) - relativedelta(months=1)
        month_end = today.replace(day=1) - relativedelta(days=1)
        self._bank_monthly_drafts(month_start, month_end)
        domain = [("period", "=", "monthly"), ("date_from", "=", month_start), ("state", "=", "draft")]
        process_in_batches(self, domain, _COMPUTE_BATCH, lambda batch: batch._bank_compute())

    def _bank_check_may_generate(self):
        if self.env.su or self.env.user.has_group("bank_relationship_manager.group_bank_office"):
            return
        raise guard_error(self, "state", self.env._(
            "only the RM management office or an administrator runs the appraisal, not %(user)s.",
            user=self.env.user.name,
        ))

    @api.model
    def _bank_month_bounds(self, day):
        try:
            day = fields.Date.to_date(day)
        except (TypeError, ValueError):
            day = None
        if not isinstance(day, Date) or not 1900 <= day.year <= 2199:
            raise ValidationError(self.env._("Appraisal: %(date)s is not a date (parameter date).", date=day))
        start = day.replace(day=1)
        return start, start + relativedelta(months=1, days=-1)

    # ------------------------------------------------------------------
    # Who is appraised
    # ------------------------------------------------------------------

    @api.model
    def _bank_rms_served(self, date_from, date_to):
        """RMs of the company who served at some time between the dates: joined by the end, not
        left before the start (an RM who left or moved mid-month is appraised on what they did)."""
        # sudo: every RM of the company is appraised, whoever starts the run.
        return self.env["bank.rm"].sudo().with_context(active_test=False).search([
            ("company_id", "=", self.env.company.id),
            "|", ("date_joined", "=", False), ("date_joined", "<=", date_to),
            "|", ("date_left", "=", False), ("date_left", ">=", date_from),
            "|", ("state", "!=", "left"), ("date_left", "!=", False),
        ]).sudo(False)

    @api.model
    def _bank_monthly_drafts(self, month_start, month_end):
        """The month's current appraisals of every RM who served, the missing ones created as
        drafts by one create (their owners as they are today)."""
        rms = self._bank_rms_served(month_start, month_end)
        # sudo: the run sees every appraisal of the month, whoever starts it.
        existing = self.sudo().search([
            ("period", "=", "monthly"), ("date_from", "=", month_start), ("rm_id", "in", rms.ids),
            ("superseded", "=", False),
        ])
        missing = rms - existing.rm_id
        # sudo: the RMs' users, units and grades are copied onto the appraisal for the record rules.
        created = self._bank_system_create([{
            "rm_id": rm.id, "period": "monthly", "date_from": month_start, "date_to": month_end,
            "rm_user_id": rm.sudo().user_id.id, "unit_id": rm.sudo().unit_id.id, "grade_id": rm.sudo().grade_id.id,
            "company_id": rm.sudo().company_id.id,
        } for rm in missing]) if missing else self.browse()
        return (existing | created).sudo(False)

    # ------------------------------------------------------------------
    # Computing
    # ------------------------------------------------------------------

    def _bank_compute(self):
        """Measure and score these appraisals (draft or computed), month by month: one query per
        KPI for all their RMs, one delete and one create of the lines, one rank update."""
        for (period, date_from, date_to), group in self.grouped(
            lambda a: (a.period, a.date_from, a.date_to)
        ).items():
            if period == "monthly":
                group._bank_compute_monthly(date_from, date_to)
            else:
                group._bank_compute_other(period)
        return True

    def _bank_compute_other(self, period):
        """Hook of the annual run (models/bank_appraisal_annual.py)."""
        raise ValidationError(self.env._("Appraisal: the %(period)s period is computed by its own run.",
                                         period=period))

    def _bank_compute_monthly(self, date_from, date_to):
        # sudo: the system measures what the RMs did, whatever the caller may read.
        appraisals = self.sudo()
        rms = appraisals.rm_id
        plans = self.env["bank.appraisal.plan"].sudo()._bank_plans_for(rms, date_from)
        kpis = self.env["bank.kpi"].sudo().browse()
        for plan in set(plans.values()):
            kpis |= plan.line_ids.kpi_id
        actuals = {
            kpi.id: kpi._bank_actuals(rms, date_from, date_to)
            for kpi in kpis.filtered(lambda k: k.source == "computed")
        }
        manual = {
            (line.appraisal_id.id, line.kpi_id.id): line.manual_value
            for line in appraisals.line_ids if line.source == "manual"
        }
        appraisals.line_ids._bank_system_unlink()
        line_vals = []
        for appraisal in appraisals:
            plan = plans.get(appraisal.rm_id.id)
            for plan_line in plan.line_ids if plan else ():
                kpi = plan_line.kpi_id
                line_vals.append({
                    "appraisal_id": appraisal.id,
                    "kpi_id": kpi.id,
                    "sequence": plan_line.sequence,
                    "source": kpi.source,
                    "higher_is_better": kpi.higher_is_better,
                    "weight": plan_line.weight,
                    "target": plan_line.target,
                    "cap": plan_line.cap,
                    "measured": actuals.get(kpi.id, {}).get(appraisal.rm_id.id, 0.0),
                    "manual_value": manual.get((appraisal.id, kpi.id), 0.0),
                })
        self.env["bank.appraisal.line"]._bank_system_create(line_vals)
        now = fields.Datetime.now()
        for plan, group in appraisals.grouped(lambda a: plans.get(a.rm_id.id)).items():
            group._bank_system_write({"state": "computed", "computed_on": now, "plan_id": plan.id if plan else False})
        self._bank_rank()

    def _bank_rank(self):
        """Competition ranks (1, 2, 2, 4) of the periods of these appraisals, in the company and in
        the unit, written by one statement on the appraisals not yet published (a published rank
        is sealed). Counted: the current appraisal of each RM (not superseded; a correction once
        published), computed or beyond."""
        if not self:
            return
        self.env["bank.appraisal"].flush_model()
        keys = {(a.company_id.id, a.period, a.date_from) for a in self.sudo()}
        for company_id, period, date_from in keys:
            # Raw SQL: the ranks are one window function over the period; the guard's choke point
            # for figures written in bulk (docs/guards.md), on unpublished appraisals only.
            self.env.cr.execute(SQL("""
                UPDATE bank_appraisal a
                   SET rank = r.rank, unit_rank = r.unit_rank
                  FROM (SELECT id,
                               RANK() OVER (ORDER BY total_score DESC) AS rank,
                               RANK() OVER (PARTITION BY unit_id ORDER BY total_score DESC) AS unit_rank
                          FROM bank_appraisal
                         WHERE company_id = %(company)s AND period = %(period)s AND date_from = %(date_from)s
                           AND state != 'draft' AND NOT COALESCE(superseded, FALSE)
                           AND (corrected_id IS NULL OR state = 'published')) r
                 WHERE a.id = r.id AND a.state != 'published'
                   AND (a.rank IS DISTINCT FROM r.rank OR a.unit_rank IS DISTINCT FROM r.unit_rank)
            """, company=company_id, period=period, date_from=date_from))
        self.env["bank.appraisal"].invalidate_model(["rank", "unit_rank"])
        self._bank_after_rank()

    def _bank_after_rank(self):
        """Hook: what depends on the ranks (the annual bottom flag)."""
