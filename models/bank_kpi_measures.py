# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The measures of the computed KPIs (models/bank_kpi.py): one set-based query per KPI for all
the appraised RMs at once, and the records behind each RM's figure.

Every measure is written once, as the SQL of its *rows*: ``(rm_id, res_model, res_id, num, den)``,
one row per record that makes the figure. The actuals add them up per RM (a count or amount is
``sum(num)``, a percentage ``100 * sum(num) / sum(den)``); the drill-down opens the ``res_id``
of the same rows for one RM, so that what the RM is shown is exactly what was counted.

Dates: the period's bounds are the bank's days (models/res_company.py); datetime columns (the
assignment history, the opportunities' closing, the check-outs' due time) are compared by their
date in the bank's time zone (``bank_tz`` of the KPI's company)."""

import datetime

from odoo import fields, models
from odoo.tools import SQL, format_date

# measure: (the models of its records, what the rows add up to, the figure when nothing counts)
_MEASURES = {
    "new_tiered": ("bank.tier.history", "sum", 0.0),
    "aum_growth": ("res.partner", "sum", 0.0),
    "sales_won_count": ("crm.lead", "sum", 0.0),
    "sales_won_amount": ("crm.lead", "sum", 0.0),
    "contacts_logged": ("bank.maintenance.log", "sum", 0.0),
    "vip_time_share": ("bank.maintenance.log", "percent", 0.0),
    # Nothing due, nothing late: the share done on time is whole.
    "activities_on_time": ("bank.maintenance.log", "percent", 100.0),
    "complaints_on_time": ("bank.complaint", "percent", 100.0),
    "potential_converted": ("bank.tier.history", "sum", 0.0),
    "late_checkouts": ("bank.dossier.checkout", "sum", 0.0),
}


class BankKpiMeasures(models.Model):
    _inherit = "bank.kpi"

    # ------------------------------------------------------------------
    # Public entry points (called by the appraisal)
    # ------------------------------------------------------------------

    def _bank_actuals(self, rms, date_from, date_to):
        """``{rm_id: float}``: this KPI's actual for every RM of ``rms`` over the bank's days
        ``date_from`` to ``date_to`` (both included); the neutral figure of the measure (0, or
        100 for the shares done on time) for an RM of whom nothing counts. Manual KPIs: ``{}``.

        One SQL query for all the RMs (plus, for the AUM growth, the fixed look-ups of the
        product categories and exchange rates), whatever their number. It reads the database
        as the system, past every record rule: the appraisal is computed by the bank, not seen
        through the eyes of whoever presses the button (the drill-down then shows each user
        only what their rules let them read)."""
        self.ensure_one()
        if self.source == "manual" or not self.measure:
            return {}
        _models, kind, neutral = _MEASURES[self.measure]
        figures = {rm_id: neutral for rm_id in rms.ids}
        if not rms:
            return figures
        self.env.flush_all()
        rows = self._bank_rows(rms.ids, date_from, date_to)
        for rm_id, num, den in self.env.execute_query(SQL(
            "SELECT r.rm_id, sum(r.num), sum(r.den) FROM (%s) r GROUP BY r.rm_id", rows,
        )):
            if kind == "percent":
                figures[rm_id] = 100.0 * float(num) / float(den) if den else neutral
            else:
                figures[rm_id] = float(num or 0.0)
        return figures

    def _bank_drill_action(self, rm, date_from, date_to, open_activities=False):
        """A window action on exactly the records that make ``rm``'s actual over the period
        (for a percentage: every record of the denominator), so that the appraised RM can check
        every point. For ``activities_on_time`` it opens the logs of the activities done;
        ``open_activities=True`` opens instead the activities still open past their deadline,
        the other part of its denominator."""
        self.ensure_one()
        rm.ensure_one()
        if self.source == "manual" or not self.measure:
            return False
        model = _MEASURES[self.measure][0]
        if self.measure == "activities_on_time" and open_activities:
            model = "mail.activity"
        ids = self._bank_drill_ids(rm, date_from, date_to, model)
        context = {"active_test": False, "create": False}
        if self.measure == "vip_time_share":
            context["group_by"] = ["tier_id"]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "%(kpi)s of %(rm)s, %(date_from)s – %(date_to)s",
                kpi=self.name, rm=rm.display_name,
                date_from=format_date(self.env, date_from), date_to=format_date(self.env, date_to),
            ),
            "res_model": model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", ids)],
            "context": context,
        }

    def _bank_drill_ids(self, rm, date_from, date_to, model=None):
        """Ids of the records of ``model`` (default: the measure's) behind ``rm``'s actual."""
        self.ensure_one()
        model = model or _MEASURES[self.measure][0]
        self.env.flush_all()
        rows = self._bank_rows([rm.id], date_from, date_to)
        return [res_id for (res_id,) in self.env.execute_query(SQL(
            "SELECT DISTINCT r.res_id FROM (%s) r WHERE r.rm_id = %s AND r.res_model = %s ORDER BY 1",
            rows, rm.id, model,
        ))]

    # ------------------------------------------------------------------
    # Shared SQL
    # ------------------------------------------------------------------

    def _bank_rows(self, rm_ids, date_from, date_to):
        return getattr(self, f"_bank_rows_{self.measure}")(list(rm_ids), date_from, date_to)

    def _bank_tz_name(self):
        return (self.company_id or self.env.company).bank_tz or "Asia/Shanghai"

    def _bank_local_date(self, column):
        """The bank's date of a UTC datetime column (Odoo stores naive UTC)."""
        return SQL("((%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date", column, self._bank_tz_name())

    def _bank_rm_on_day(self, partner, day):
        """SQL expression: the primary RM (bank.rm id, NULL when none) of the customer ``partner``
        on the bank's day ``day`` (two SQL expressions, e.g. columns of the caller's query).

        From the assignment history (models/bank_assignment_history.py, rows of ``bank_rm_id``,
        dated by their bank date): the RM the newest change on or before the day gave; without
        one, the RM the first change after the day took away; without any change, the
        customer's current primary RM. Indexed look-ups on the customer's history rows."""
        local = self._bank_local_date(SQL("h.date"))
        return SQL(
            """NULLIF(COALESCE(
                   (SELECT COALESCE(h.new_res_id, 0) FROM bank_assignment_history h
                     WHERE h.partner_id = %(partner)s AND h.field_name = 'bank_rm_id' AND %(local)s <= %(day)s
                     ORDER BY h.date DESC, h.id DESC LIMIT 1),
                   (SELECT COALESCE(h.old_res_id, 0) FROM bank_assignment_history h
                     WHERE h.partner_id = %(partner)s AND h.field_name = 'bank_rm_id' AND %(local)s > %(day)s
                     ORDER BY h.date, h.id LIMIT 1),
                   (SELECT p.bank_rm_id FROM res_partner p WHERE p.id = %(partner)s)
               ), 0)""",
            partner=partner, day=day, local=local,
        )

    def _bank_tier_entries(self, date_from, date_to, evidence=None):
        """SQL of the tier entries of the period: per customer, the first tier-history row dated
        in the period from no tier into a tier (one of ``tier_ids`` if set), among the rows that
        satisfy ``evidence`` (an SQL condition on ``h``), attributed to the customer's primary RM
        on the day of the change. Columns: id, partner_id, date, rm_id."""
        conditions = [
            SQL("h.date BETWEEN %s AND %s", date_from, date_to),
            SQL("h.old_tier_id IS NULL AND h.new_tier_id IS NOT NULL"),
        ]
        if self.tier_ids:
            conditions.append(SQL("h.new_tier_id = ANY(%s)", self.tier_ids.ids))
        if evidence:
            conditions.append(evidence)
        return SQL(
            """SELECT e.id, e.partner_id, e.date, %(rm)s AS rm_id
                 FROM (SELECT DISTINCT ON (h.partner_id) h.id, h.partner_id, h.date
                         FROM bank_tier_history h
                        WHERE %(where)s
                        ORDER BY h.partner_id, h.date, h.id) e""",
            rm=self._bank_rm_on_day(SQL("e.partner_id"), SQL("e.date")),
            where=SQL(" AND ").join(conditions),
        )

    # ------------------------------------------------------------------
    # The measures: rows (rm_id, res_model, res_id, num, den)
    # ------------------------------------------------------------------

    def _bank_rows_new_tiered(self, rm_ids, date_from, date_to):
        """New tiered customers: the customers who entered a tier from no tier during the period
        (tier history, ``old_tier_id`` empty; only ``tier_ids`` if set), counted once each, for
        the RM who was their primary RM on the day of the change (the first such change in the
        period if there were several). Opens the tier-history rows."""
        return SQL(
            """SELECT t.rm_id, 'bank.tier.history' AS res_model, t.id AS res_id, 1 AS num, 0 AS den
                 FROM (%s) t WHERE t.rm_id = ANY(%s)""",
            self._bank_tier_entries(date_from, date_to), rm_ids,
        )

    def _bank_rows_potential_converted(self, rm_ids, date_from, date_to):
        """Potential customers converted: the new tiered customers (as ``new_tiered``, same
        attribution) who had been flagged potential before. The evidence is the opportunity the
        tier engine opens, once, when it first flags a customer potential
        (``res.partner.bank_potential_lead_id``, models/bank_tier_engine.py): it must have been
        created before the tier-history row was written and no later than the day of the change.
        (``bank_is_potential`` itself is no evidence: it is cleared as soon as the customer is
        in a tier.) Opens the tier-history rows."""
        evidence = SQL(
            """EXISTS (SELECT 1 FROM res_partner p JOIN crm_lead l ON l.id = p.bank_potential_lead_id
                        WHERE p.id = h.partner_id AND l.create_date <= h.create_date
                          AND %s <= h.date)""",
            self._bank_local_date(SQL("l.create_date")),
        )
        return SQL(
            """SELECT t.rm_id, 'bank.tier.history' AS res_model, t.id AS res_id, 1 AS num, 0 AS den
                 FROM (%s) t WHERE t.rm_id = ANY(%s)""",
            self._bank_tier_entries(date_from, date_to, evidence), rm_ids,
        )

    def _bank_aum_categories(self):
        if self.category_ids:
            return self.category_ids.ids
        return self.env["bank.product.category"].with_context(active_test=False).search(
            [("kind", "in", ("deposit", "investment"))]
        ).ids

    def _bank_rows_aum_growth(self, rm_ids, date_from, date_to):
        """AUM growth of the book: the customers whose primary RM on the last day of the period
        is the RM (a customer handed over during the period counts wholly for the RM holding
        them at the end, none for the former one); the sum over their accounts of the deposit
        and investment categories (only ``category_ids`` if set) of the balance on the last day
        minus the balance on the day before the period, each in company currency at the rate of
        its day. The balance of an account on a day is its newest balance row dated on or
        before it (0 before the first). A currency without a rate on or before a day is an
        error, never converted 1:1 (as the tier engine: models/bank_tier_engine_metrics.py).
        Opens the customers of the book."""
        start = date_from - datetime.timedelta(days=1)
        categories = self._bank_aum_categories()
        # The customers who may be in an RM's book: held now, or moved to or from one of them.
        candidates = SQL(
            """SELECT p.id FROM res_partner p WHERE p.bank_rm_id = ANY(%(rms)s)
               UNION
               SELECT h.partner_id FROM bank_assignment_history h
                WHERE h.field_name = 'bank_rm_id' AND (h.old_res_id = ANY(%(rms)s) OR h.new_res_id = ANY(%(rms)s))""",
            rms=rm_ids,
        )
        currency_ids = [c for (c,) in self.env.execute_query(SQL(
            "SELECT DISTINCT a.currency_id FROM bank_account a WHERE a.category_id = ANY(%s) AND a.partner_id IN (%s)",
            categories, candidates,
        ))]
        company = self.company_id or self.env.company
        engine = self.env["bank.tier.engine"].with_company(company)
        currencies = self.env["res.currency"].browse(currency_ids)
        end_rates = engine._rates(date_to, currencies)
        start_rates = engine._rates(start, currencies)
        ids = list(end_rates)

        def balance_on(day):
            return SQL(
                """COALESCE((SELECT b.balance FROM bank_balance b WHERE b.account_id = a.id AND b.date <= %s
                              ORDER BY b.date DESC LIMIT 1), 0)""",
                day,
            )

        return SQL(
            """WITH book AS (
                   SELECT c.id AS partner_id, %(rm)s AS rm_id FROM (%(candidates)s) c
               ),
               rates AS (
                   SELECT * FROM unnest(%(ids)s::int[], %(end_f)s::float8[], %(start_f)s::float8[])
                          AS r(currency_id, end_factor, start_factor)
               )
               SELECT book.rm_id, 'res.partner' AS res_model, book.partner_id AS res_id,
                      COALESCE((SELECT sum(%(end_bal)s * r.end_factor - %(start_bal)s * r.start_factor)
                                  FROM bank_account a JOIN rates r ON r.currency_id = a.currency_id
                                 WHERE a.partner_id = book.partner_id AND a.category_id = ANY(%(categories)s)), 0)
                          AS num,
                      0 AS den
                 FROM book
                WHERE book.rm_id = ANY(%(rms)s)""",
            rm=self._bank_rm_on_day(SQL("c.id"), SQL("%s::date", date_to)),
            candidates=candidates, ids=ids, end_f=[end_rates[i] for i in ids],
            start_f=[start_rates[i] for i in ids], end_bal=balance_on(date_to), start_bal=balance_on(start),
            categories=categories, rms=rm_ids,
        )

    def _bank_rows_sales(self, rm_ids, date_from, date_to, amount):
        team_id = self.team_id.id or self.env["crm.lead"]._bank_wealth_team_id() or None
        return SQL(
            """SELECT rm.id AS rm_id, 'crm.lead' AS res_model, l.id AS res_id, %(num)s AS num, 0 AS den
                 FROM crm_lead l JOIN bank_rm rm ON rm.user_id = l.user_id
                WHERE rm.id = ANY(%(rms)s) AND l.active AND l.won_status = 'won' AND l.team_id = %(team)s
                  AND %(closed)s BETWEEN %(date_from)s AND %(date_to)s""",
            num=SQL("COALESCE(l.expected_revenue, 0)") if amount else SQL("1"),
            rms=rm_ids, team=team_id, closed=self._bank_local_date(SQL("l.date_closed")),
            date_from=date_from, date_to=date_to,
        )

    def _bank_rows_sales_won_count(self, rm_ids, date_from, date_to):
        """Sales won (count): the active opportunities won (CRM's ``won_status``: a won stage at
        100 %) whose closing date is in the period, of the pipeline ``team_id`` (empty: the
        wealth pipeline), whose salesperson is the RM's user. Opens the opportunities."""
        return self._bank_rows_sales(rm_ids, date_from, date_to, amount=False)

    def _bank_rows_sales_won_amount(self, rm_ids, date_from, date_to):
        """Sales won (amount): the expected revenue, in company currency (CRM keeps it so), of
        the opportunities counted by ``sales_won_count``. Opens the opportunities."""
        return self._bank_rows_sales(rm_ids, date_from, date_to, amount=True)

    def _bank_rows_contacts_logged(self, rm_ids, date_from, date_to):
        """Contacts logged: the maintenance logs whose RM is the RM, dated in the period (only
        ``channel`` if set), whatever unit the RM was in or the customer belongs to. Opens the
        logs."""
        channel = SQL(" AND l.channel = %s", self.channel) if self.channel else SQL()
        return SQL(
            """SELECT l.rm_id, 'bank.maintenance.log' AS res_model, l.id AS res_id, 1 AS num, 0 AS den
                 FROM bank_maintenance_log l
                WHERE l.rm_id = ANY(%s) AND l.date BETWEEN %s AND %s%s""",
            rm_ids, date_from, date_to, channel,
        )

    def _bank_rows_vip_time_share(self, rm_ids, date_from, date_to):
        """VIP time share: 100 x the minutes of the RM's maintenance logs of the period on
        customers who were in a tier when the contact was logged (the log's tier) / all the
        minutes of the RM's logs of the period (as report/bank_vip_time_share.py); 0 when the RM
        logged no minute. Opens every log of the period (the denominator), grouped by tier."""
        return SQL(
            """SELECT l.rm_id, 'bank.maintenance.log' AS res_model, l.id AS res_id,
                      CASE WHEN l.tier_id IS NOT NULL THEN l.minutes ELSE 0 END AS num, l.minutes AS den
                 FROM bank_maintenance_log l
                WHERE l.rm_id = ANY(%s) AND l.date BETWEEN %s AND %s""",
            rm_ids, date_from, date_to,
        )

    def _bank_rows_activities_on_time(self, rm_ids, date_from, date_to):
        """Planned activities done on time: among the RM's planned maintenance activities (types
        with a maintenance log type) due in the period, the share done on or before their
        deadline. Done ones are the RM's logs whose ``activity_deadline`` is in the period (on
        time when logged on or before it); still open ones are the active activities on
        customers assigned to the RM's user, due in the period and before the bank's today
        (late). Those due today or later and still open are not counted yet; none due: 100
        (nothing was late). Opens the logs (the open ones: ``open_activities=True``)."""
        today = (self.company_id or self.env.company)._bank_today()
        return SQL(
            """SELECT l.rm_id, 'bank.maintenance.log' AS res_model, l.id AS res_id,
                      CASE WHEN l.date <= l.activity_deadline THEN 1 ELSE 0 END AS num, 1 AS den
                 FROM bank_maintenance_log l
                WHERE l.rm_id = ANY(%(rms)s) AND l.activity_deadline BETWEEN %(date_from)s AND %(date_to)s
               UNION ALL
               SELECT rm.id, 'mail.activity', a.id, 0, 1
                 FROM mail_activity a
                 JOIN mail_activity_type t ON t.id = a.activity_type_id
                 JOIN bank_rm rm ON rm.user_id = a.user_id
                WHERE rm.id = ANY(%(rms)s) AND a.active AND a.res_model = 'res.partner'
                  AND t.bank_log_type IS NOT NULL
                  AND a.date_deadline BETWEEN %(date_from)s AND %(date_to)s AND a.date_deadline < %(today)s""",
            rms=rm_ids, date_from=date_from, date_to=date_to, today=today,
        )

    def _bank_rows_complaints_on_time(self, rm_ids, date_from, date_to):
        """Complaints resolved on time: among the complaints received in the period whose
        responsible RM is the RM, not cancelled, the share resolved on or before their deadline.
        A complaint still unresolved counts as late once its deadline is past (before the
        bank's today); before that it is not counted yet. None: 100 (nothing was late). Opens
        the complaints counted."""
        today = (self.company_id or self.env.company)._bank_today()
        return SQL(
            """SELECT c.responsible_rm_id AS rm_id, 'bank.complaint' AS res_model, c.id AS res_id,
                      CASE WHEN c.date_resolved <= c.deadline THEN 1 ELSE 0 END AS num, 1 AS den
                 FROM bank_complaint c
                WHERE c.responsible_rm_id = ANY(%s) AND c.date_received BETWEEN %s AND %s
                  AND c.state != 'cancelled' AND (c.date_resolved IS NOT NULL OR c.deadline < %s)""",
            rm_ids, date_from, date_to, today,
        )

    def _bank_rows_late_checkouts(self, rm_ids, date_from, date_to):
        """Late dossier returns (lower is better): the check-outs borrowed by the RM's user
        (``borrower_id``) that were handed out, due back (``due_at``, its bank date) in the
        period, and returned after their due time, or still out while their due time is past
        (now). Opens the check-outs."""
        return SQL(
            """SELECT rm.id AS rm_id, 'bank.dossier.checkout' AS res_model, k.id AS res_id, 1 AS num, 0 AS den
                 FROM bank_dossier_checkout k JOIN bank_rm rm ON rm.user_id = k.borrower_id
                WHERE rm.id = ANY(%s) AND k.state IN ('out', 'returned')
                  AND %s BETWEEN %s AND %s
                  AND (k.returned_at > k.due_at OR (k.returned_at IS NULL AND k.due_at < %s))""",
            rm_ids, self._bank_local_date(SQL("k.due_at")), date_from, date_to, fields.Datetime.now(),
        )
