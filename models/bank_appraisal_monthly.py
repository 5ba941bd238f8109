# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date as Date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_round

from ..tools.cron_batches import process_in_batches, without_conflict
from .bank_appraisal_line import bank_achievement, bank_line_score
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
        # Drafts another run inserted first are found on a second reading (tools/cron_batches.py).
        without_conflict(self.env, lambda: self._bank_monthly_drafts(month_start, month_end), self._name)
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
        """The month's current appraisals of every RM who served, the missing ones inserted as
        drafts by one statement (their owners as they are today)."""
        rms = self._bank_rms_served(month_start, month_end)
        # sudo: the run sees every appraisal of the month, whoever starts it.
        existing = self.sudo().search([
            ("period", "=", "monthly"), ("date_from", "=", month_start), ("rm_id", "in", rms.ids),
            ("superseded", "=", False),
        ])
        # sudo: the RMs' users, units and grades are copied onto the appraisal for the record rules.
        missing = (rms - existing.rm_id).sudo()
        return (existing | self._bank_insert_drafts(missing, "monthly", month_start, month_end)).sudo(False)

    @api.model
    def _bank_insert_drafts(self, rms, period, date_from, date_to):
        """Draft appraisals of ``rms`` for the period, by one INSERT whatever their number: the
        monthly run's own choke point for the records it creates in bulk (docs/guards.md: like the
        tier engine's figures). What ``_bank_system_create`` would do for drafts, without the
        per-100-rows batches of the ORM: the stored name as ``_compute_name`` makes it, no chatter
        (the creation of a draft is no event)."""
        if not rms:
            return self.browse()
        names = [self._bank_name(rm.name, period, date_from, date_to) for rm in rms]
        now = self.env.cr.now()
        ids = [row[0] for row in self.env.execute_query(SQL(
            """INSERT INTO bank_appraisal (rm_id, rm_user_id, unit_id, grade_id, company_id, name, period, date_from,
                                           date_to, state, total_score, pay_coefficient, superseded, create_uid,
                                           create_date, write_uid, write_date)
               SELECT r.rm_id, r.user_id, r.unit_id, r.grade_id, r.company_id, r.name, %(period)s, %(date_from)s,
                      %(date_to)s, 'draft', 0, 0, FALSE, %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM unnest(%(rms)s::int[], %(users)s::int[], %(units)s::int[], %(grades)s::int[],
                             %(companies)s::int[], %(names)s::varchar[])
                      AS r(rm_id, user_id, unit_id, grade_id, company_id, name)
               RETURNING id""",
            period=period, date_from=date_from, date_to=date_to, uid=self.env.uid, now=now,
            rms=rms.ids, users=[rm.user_id.id or None for rm in rms], units=[rm.unit_id.id or None for rm in rms],
            grades=[rm.grade_id.id or None for rm in rms], companies=[rm.company_id.id for rm in rms], names=names,
        ))]
        return self.browse(ids)

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
        self._bank_write_lines(plans, actuals)
        self._bank_rank()

    def _bank_write_lines(self, plans, actuals):
        """Replace the KPI lines of these appraisals (draft or computed) by those of their plans,
        scored, and write their totals and state: one DELETE, one INSERT of the lines and one
        UPDATE of the appraisals, whatever their number (the ORM would write them 100 rows a
        query, then recompute the scores and update them 100 rows a query again). The monthly
        run's choke point for the figures it writes in bulk (docs/guards.md), as ``_bank_rank``;
        the scoring is the line's own (models/bank_appraisal_line.py). The values the reviewer
        entered for manual KPIs are kept across a recompute."""
        appraisals = self.sudo()
        self.env["bank.appraisal"].flush_model()
        self.env["bank.appraisal.line"].flush_model()
        manual = {
            (appraisal_id, kpi_id): float(value) for appraisal_id, kpi_id, value in self.env.execute_query(SQL(
                """SELECT appraisal_id, kpi_id, manual_value FROM bank_appraisal_line
                    WHERE appraisal_id = ANY(%s) AND source = 'manual'""",
                appraisals.ids,
            ))
        }
        self.env.cr.execute(SQL("DELETE FROM bank_appraisal_line WHERE appraisal_id = ANY(%s)", appraisals.ids))
        # sudo: the bands apply to every appraisal, whoever computes it; one search for all.
        bands = self.env["bank.pay.band"].sudo().search([])
        lines = {name: [] for name in (
            "appraisal", "kpi", "sequence", "source", "higher", "weight", "target", "cap", "measured", "manual",
            "actual", "achievement", "score", "rm", "user", "unit",
        )}
        totals = {name: [] for name in ("appraisal", "plan", "score", "coefficient")}
        for appraisal in appraisals:
            plan = plans.get(appraisal.rm_id.id)
            total = 0.0
            for plan_line in plan.line_ids if plan else ():
                kpi = plan_line.kpi_id
                measured = float_round(actuals.get(kpi.id, {}).get(appraisal.rm_id.id, 0.0), precision_digits=2)
                manual_value = manual.get((appraisal.id, kpi.id), 0.0)
                actual = manual_value if kpi.source == "manual" else measured
                achievement = bank_achievement(actual, plan_line.target, plan_line.cap, kpi.higher_is_better)
                score = bank_line_score(plan_line.weight, achievement)
                total += score
                for name, value in (
                    ("appraisal", appraisal.id), ("kpi", kpi.id), ("sequence", plan_line.sequence),
                    ("source", kpi.source), ("higher", kpi.higher_is_better), ("weight", plan_line.weight),
                    ("target", plan_line.target), ("cap", plan_line.cap), ("measured", measured),
                    ("manual", manual_value), ("actual", actual), ("achievement", achievement), ("score", score),
                    ("rm", appraisal.rm_id.id), ("user", appraisal.rm_user_id.id or None),
                    ("unit", appraisal.unit_id.id or None),
                ):
                    lines[name].append(value)
            total = round(total, 2)
            totals["appraisal"].append(appraisal.id)
            totals["plan"].append(plan.id if plan else None)
            totals["score"].append(total)
            totals["coefficient"].append(bands._bank_coefficient(total, appraisal.company_id or self.env.company))
        now, uid = self.env.cr.now(), self.env.uid
        if lines["appraisal"]:
            self.env.cr.execute(SQL(
                """INSERT INTO bank_appraisal_line (appraisal_id, kpi_id, sequence, source, higher_is_better, weight,
                                                    target, cap, measured, manual_value, actual, achievement, score,
                                                    rm_id, rm_user_id, unit_id, create_uid, create_date, write_uid,
                                                    write_date)
                   SELECT l.*, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM unnest(%(appraisal)s::int[], %(kpi)s::int[], %(sequence)s::int[], %(source)s::varchar[],
                                 %(higher)s::bool[], %(weight)s::numeric[], %(target)s::numeric[], %(cap)s::numeric[],
                                 %(measured)s::numeric[], %(manual)s::numeric[], %(actual)s::numeric[],
                                 %(achievement)s::numeric[], %(score)s::numeric[], %(rm)s::int[], %(user)s::int[],
                                 %(unit)s::int[]) AS l""",
                uid=uid, now=now, **lines,
            ))
        self.env.cr.execute(SQL(
            """UPDATE bank_appraisal a
                  SET state = 'computed', computed_on = %(now)s, plan_id = t.plan_id, total_score = t.score,
                      pay_coefficient = t.coefficient, write_uid = %(uid)s, write_date = %(now)s
                 FROM unnest(%(appraisal)s::int[], %(plan)s::int[], %(score)s::numeric[], %(coefficient)s::numeric[])
                      AS t(id, plan_id, score, coefficient)
                WHERE a.id = t.id AND a.state IN ('draft', 'computed')""",
            uid=uid, now=fields.Datetime.now(), **totals,
        ))
        self.env["bank.appraisal.line"].invalidate_model()
        self.env["bank.appraisal"].invalidate_model()

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
