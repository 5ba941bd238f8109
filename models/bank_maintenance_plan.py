# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import calendar
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from ..tools.activity_sql import insert_activities_sql, notify_due
from ..tools.cron_batches import without_conflict

_logger = logging.getLogger(__name__)

# Occasions planned per transaction: each batch writes its ledger rows and activities, then commits.
_PLAN_BATCH = 2000

PLAN_KINDS = [
    ("birthday", "Birthday greeting"),
    ("holiday", "Holiday greeting"),
    ("periodic", "Periodic contact"),
    ("maturity", "Maturity follow-up"),
]

_ACTIVITY_TYPES = {
    "birthday": "bank_relationship_manager.mail_activity_type_birthday",
    "holiday": "bank_relationship_manager.mail_activity_type_holiday",
    "periodic": "bank_relationship_manager.mail_activity_type_periodic_contact",
    "maturity": "bank_relationship_manager.mail_activity_type_maturity",
}

_PARAM = "bank_relationship_manager."


class BankMaintenancePlan(models.Model):
    """The ledger of planned maintenance occasions: one row per customer, kind and occasion.

    The daily planning (``_cron_plan``) inserts a row and creates the activity in the same
    transaction; the unique key makes a second run, a crashed run's rerun or a concurrent run
    plan nothing twice, even after the RM has done (and so removed) the activity."""

    _name = "bank.maintenance.plan"
    _description = "Planned maintenance occasion"
    _inherit = ["bank.guard.mixin"]
    # The guard (models/bank_guard_mixin.py): the ledger of occasions is the planning's alone
    # (claimed in SQL by the nightly run); users only read it.
    _bank_action_fields = frozenset({
        "partner_id", "kind", "occasion_date", "ref_id", "user_id", "date_deadline", "planned_on", "activity_id",
    })
    _order = "occasion_date desc, id desc"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    kind = fields.Selection(PLAN_KINDS, required=True)
    occasion_date = fields.Date(
        required=True, help="The birthday, holiday or maturity date; for a periodic contact, the day it was planned."
    )
    ref_id = fields.Integer(
        string="Reference", default=0, required=True,
        help="The holiday (holiday greetings) or the account (maturity follow-ups); 0 otherwise.",
    )
    user_id = fields.Many2one("res.users", string="Assigned to", ondelete="set null")
    date_deadline = fields.Date(string="Due date")
    planned_on = fields.Date(required=True)
    # Indexed: every activity done or deleted looks its ledger row up (ON DELETE SET NULL).
    activity_id = fields.Many2one("mail.activity", string="Activity", ondelete="set null", index="btree_not_null")

    _occasion_uniq = models.Constraint(
        "UNIQUE(partner_id, kind, occasion_date, ref_id)", "A maintenance occasion is planned once."
    )

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_plan(self, today=None, commit=True):
        """Daily: plan birthday and holiday greetings, periodic contacts and maturity follow-ups.

        Every kind is planned in batches of ``_PLAN_BATCH`` occasions, each committed with its
        ledger rows: a run that crashed midway is finished by the next one without duplicates.
        ``commit=False`` plans in the caller's transaction (demo data, a module update)."""
        today = fields.Date.to_date(today) if today else self.env.company._bank_today()
        settings = self._plan_settings()
        total = 0
        for kind, _label in PLAN_KINDS:
            total += self._plan_kind(kind, today, settings, commit)
        _logger.info("maintenance planning of %s: %s activities planned", today, total)
        return total

    @api.model
    def _plan_settings(self):
        # sudo: system parameters are readable by administrators only; these day counts are not secret.
        get = self.env["ir.config_parameter"].sudo().get_param
        return {
            "birthday": int(get(_PARAM + "birthday_greeting_days", 3)),
            "holiday": int(get(_PARAM + "holiday_greeting_days", 3)),
            "maturity": int(get(_PARAM + "maturity_followup_days", 7)),
            "interval": int(get(_PARAM + "contact_interval_days", 90)),
        }

    @api.model
    def _plan_kind(self, kind, today, settings, commit=True):
        """The kind's candidates are computed once, into a temporary table (it outlives the
        batches' commits, in this session only), then claimed ``_PLAN_BATCH`` at a time: a
        million customers cost one pass over them, not one per batch. A crashed or concurrent
        run recomputes its own; the ledger's unique key keeps anything from being planned twice."""
        activity_type = self.env.ref(_ACTIVITY_TYPES[kind])
        self.env.flush_all()
        self.env.execute_query(SQL("DROP TABLE IF EXISTS pg_temp.bank_plan_candidate"))
        # One pass over the customers: compiling it (JIT) cost more than it saved (1.2 s of 4.6 s
        # at a million customers). SET LOCAL: until this transaction's end.
        self.env.execute_query(SQL("SET LOCAL jit = off"))
        self.env.execute_query(SQL(
            """CREATE TEMPORARY TABLE bank_plan_candidate AS
               SELECT row_number() OVER () AS seq, c.* FROM (%s) c""",
            self._candidates_sql(kind, today, settings, activity_type, limit=None),
        ))
        self.env.execute_query(SQL("CREATE INDEX ON bank_plan_candidate (seq)"))
        if commit:
            # Committed, the candidates outlive a batch rolled back by ``without_conflict`` below.
            self.env["ir.cron"]._commit_progress()
        planned, last = 0, 0

        def step():
            rows = self.env.execute_query(SQL(
                """SELECT partner_id, user_id, occasion_date, ref_id, deadline FROM bank_plan_candidate
                    WHERE seq > %(last)s AND seq <= %(last)s + %(limit)s ORDER BY seq""",
                last=last, limit=_PLAN_BATCH,
            ))
            return rows, (self._plan_batch(kind, today, activity_type, rows) if rows else 0)

        while True:
            # Committed batches: one that another run planned first is read again and its claims
            # skipped (tools/cron_batches.py, tests/test_cron_concurrency.py).
            rows, count = without_conflict(self.env, step, self._name) if commit else step()
            if not rows:
                break
            last += _PLAN_BATCH
            planned += count
            if commit and self.env["ir.cron"]._commit_progress(len(rows)) <= 0:
                break
        self.env.execute_query(SQL("DROP TABLE IF EXISTS pg_temp.bank_plan_candidate"))
        if planned:
            # The candidates' anti-joins (NOT EXISTS in the ledger, in the open activities) are
            # planned from these tables' statistics; left to autovacuum, they still described the
            # tables before the day's rows, and a same-day rerun compared every candidate with
            # every ledger row of its holiday: 222 s instead of < 5 s at 100,000 customers (make
            # bench). Sampled, about 0.1 s each; a run that plans nothing pays nothing.
            self.env.execute_query(SQL("ANALYZE bank_maintenance_plan"))
            self.env.execute_query(SQL("ANALYZE mail_activity"))
        return planned

    # ------------------------------------------------------------------
    # Set-based candidates
    # ------------------------------------------------------------------

    @api.model
    def _served_sql(self):
        """Customers of an RM who has not left, with who serves them today: the primary RM, or
        the backup while the primary is absent or leaving (A/B roles), else the unit head."""
        return SQL("""
            SELECT p.id AS partner_id, p.birthday, p.bank_tier_id, p.bank_last_contact_date,
                   COALESCE(
                       CASE WHEN rm.state = 'active' AND NOT COALESCE(rm.is_absent, FALSE) THEN rm.user_id END,
                       CASE WHEN b.active AND b.state = 'active' AND NOT COALESCE(b.is_absent, FALSE)
                            THEN b.user_id END,
                       u.head_user_id,
                       rm.user_id
                   ) AS user_id
              FROM res_partner p
              JOIN bank_rm rm ON rm.id = p.bank_rm_id AND rm.active AND rm.state IN ('active', 'leaving')
         LEFT JOIN bank_rm b ON b.id = p.bank_backup_rm_id
         LEFT JOIN bank_org_unit u ON u.id = p.bank_unit_id
             WHERE p.is_bank_customer AND p.active
        """)

    @api.model
    def _birthday_days(self, today, horizon):
        """The birthdays (month * 100 + day) greeted from ``today`` to ``horizon``: 29 February
        too when the window holds 28 February of a common year."""
        days = [today + timedelta(days=n) for n in range((horizon - today).days + 1)]
        keys = {day.month * 100 + day.day for day in days}
        if any(day.month == 2 and day.day == 28 and not calendar.isleap(day.year) for day in days):
            keys.add(229)
        return sorted(keys)

    @api.model
    def _candidates_sql(self, kind, today, settings, activity_type, limit=_PLAN_BATCH):
        """``(partner_id, user_id, occasion_date, ref_id, date_deadline)`` not planned yet, the
        first ``limit`` (``None``: all)."""
        served = self._served_sql()
        if kind == "birthday":
            horizon = today + timedelta(days=settings["birthday"])
            # The birthday in this year and the next (a window crossing New Year); 29 February
            # is greeted on 28 February in other years.
            candidates = SQL("""
                SELECT s.partner_id, s.user_id, occ.day AS occasion_date, 0 AS ref_id, occ.day AS deadline
                  FROM served s
                 CROSS JOIN LATERAL (VALUES (%(year)s), (%(year)s + 1)) AS y(yr)
                 CROSS JOIN LATERAL (
                     SELECT make_date(
                         y.yr, EXTRACT(MONTH FROM s.birthday)::int,
                         CASE WHEN EXTRACT(MONTH FROM s.birthday) = 2 AND EXTRACT(DAY FROM s.birthday) = 29
                               AND NOT (mod(y.yr, 4) = 0 AND (mod(y.yr, 100) <> 0 OR mod(y.yr, 400) = 0))
                              THEN 28 ELSE EXTRACT(DAY FROM s.birthday)::int END
                     ) AS day
                 ) AS occ
                 WHERE s.birthday IS NOT NULL AND occ.day BETWEEN %(today)s AND %(horizon)s
                   -- first the birthdays whose day of the year falls in the window (a cheap
                   -- superset: computing both years' dates of a million birthdays took seconds)
                   AND (date_part('month', s.birthday) * 100 + date_part('day', s.birthday))::int = ANY(%(days)s)
            """, year=today.year, today=today, horizon=horizon, days=self._birthday_days(today, horizon))
        elif kind == "holiday":
            horizon = today + timedelta(days=settings["holiday"])
            candidates = SQL("""
                SELECT s.partner_id, s.user_id, h.date AS occasion_date, h.id AS ref_id, h.date AS deadline
                  FROM served s
                  JOIN bank_holiday h ON h.active AND h.date BETWEEN %(today)s AND %(horizon)s
                 WHERE s.bank_tier_id IS NOT NULL
            """, today=today, horizon=horizon)
        elif kind == "maturity":
            horizon = today + timedelta(days=settings["maturity"])
            candidates = SQL("""
                SELECT s.partner_id, s.user_id, a.maturity_date AS occasion_date, a.id AS ref_id,
                       a.maturity_date AS deadline
                  FROM served s
                  JOIN bank_account a ON a.partner_id = s.partner_id AND a.active
                   AND a.maturity_date BETWEEN %(today)s AND %(horizon)s
            """, today=today, horizon=horizon)
        else:
            # Overdue for a contact by the tier's interval (no tier: the setting), and no periodic
            # contact already open for the customer.
            candidates = SQL("""
                SELECT s.partner_id, s.user_id, %(today)s::date AS occasion_date, 0 AS ref_id,
                       %(today)s::date AS deadline
                  FROM served s
             LEFT JOIN bank_vip_tier t ON t.id = s.bank_tier_id
                 WHERE (s.bank_last_contact_date IS NULL
                        OR s.bank_last_contact_date
                           < %(today)s::date - COALESCE(NULLIF(t.contact_interval_days, 0), %(interval)s))
                   AND NOT EXISTS (
                       SELECT 1 FROM mail_activity act
                        WHERE act.res_model = 'res.partner' AND act.res_id = s.partner_id
                          AND act.activity_type_id = %(type_id)s AND act.active
                   )
            """, today=today, interval=settings["interval"], type_id=activity_type.id)
        return SQL("""
            WITH served AS (%(served)s), candidates AS (%(candidates)s)
            SELECT c.partner_id, c.user_id, c.occasion_date, c.ref_id, c.deadline
              FROM candidates c
             WHERE NOT EXISTS (
                 SELECT 1 FROM bank_maintenance_plan pl
                  WHERE pl.partner_id = c.partner_id AND pl.kind = %(kind)s
                    AND pl.occasion_date = c.occasion_date AND pl.ref_id = c.ref_id
             )
             ORDER BY c.partner_id, c.occasion_date, c.ref_id
             %(limit)s
        """, served=served, candidates=candidates, kind=kind,
            limit=SQL("LIMIT %s", limit) if limit else SQL())

    # ------------------------------------------------------------------
    # One batch
    # ------------------------------------------------------------------

    @api.model
    def _plan_batch(self, kind, today, activity_type, rows):
        """Claim the occasions ``(partner_id, user_id, occasion_date, ref_id, deadline)`` in the
        ledger and create the activities of those claimed, in one statement: the activity's id
        is drawn with the claim, the activities inserted set-based (tools/activity_sql.py)."""
        # Summaries in the language of the RM who reads them (one pass per language of the batch).
        # A plain summary, no HTML note: without one, the activity shows its (translated) type.
        langs = {user.id: user.lang for user in self.env["res.users"].browse({row[1] for row in rows if row[1]})}
        labels = {}
        for lang in set(langs.values()) | {self.env.lang}:
            refs = {row[3] for row in rows if langs.get(row[1], self.env.lang) == lang}
            labels[lang] = self.with_context(lang=lang)._plan_summaries(kind, refs)
        summaries = [labels[langs.get(row[1], self.env.lang)].get(row[3]) or None for row in rows]
        source = SQL("""
            SELECT * FROM unnest(%(partners)s::int[], %(users)s::int[], %(occasions)s::date[], %(refs)s::int[],
                                 %(deadlines)s::date[], %(summaries)s::varchar[])
                       AS r(partner_id, user_id, occasion_date, ref_id, deadline, summary)
        """, partners=[r[0] for r in rows], users=[r[1] for r in rows], occasions=[r[2] for r in rows],
            refs=[r[3] for r in rows], deadlines=[r[4] for r in rows], summaries=summaries)
        counts = self.env.execute_query(SQL("""
            WITH src AS MATERIALIZED (%(source)s),
            claimed AS (
                INSERT INTO bank_maintenance_plan
                       (partner_id, kind, occasion_date, ref_id, user_id, date_deadline, planned_on, activity_id,
                        create_uid, write_uid, create_date, write_date)
                SELECT r.partner_id, %(kind)s, r.occasion_date, r.ref_id, r.user_id, r.deadline, %(today)s,
                       nextval('mail_activity_id_seq'), %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM src r
                ON CONFLICT (partner_id, kind, occasion_date, ref_id) DO NOTHING
                RETURNING partner_id, occasion_date, ref_id, user_id, date_deadline, activity_id
            ),
            activity AS (
                SELECT c.activity_id, c.partner_id AS res_id, c.user_id, c.date_deadline, r.summary
                  FROM claimed c
                  JOIN src r USING (partner_id, occasion_date, ref_id)
            ),
            inserted AS (%(insert)s RETURNING user_id, date_deadline)
            SELECT user_id, count(*) FILTER (WHERE date_deadline <= %(server_today)s), count(*)
              FROM inserted GROUP BY user_id
        """, source=source, kind=kind, today=today, uid=self.env.uid, now=self.env.cr.now(),
            insert=insert_activities_sql(self.env, "res.partner", activity_type, SQL("activity")),
            server_today=fields.Date.today()))
        # (every row claimed is inserted: its customer exists, the ledger's foreign key says so)
        notify_due(self.env, "res.partner", {user_id: due for user_id, due, _count in counts})
        self.invalidate_model(["activity_id"])
        return sum(count for _user, _due, count in counts)

    @api.model
    def _plan_summaries(self, kind, refs):
        """``{ref_id: summary}`` where the activity's summary says more than its type: the
        holiday's name or the account's maturity, in the context's language."""
        if not refs:
            return {}
        if kind == "holiday":
            return {holiday.id: holiday.name for holiday in self.env["bank.holiday"].browse(refs)}
        if kind == "maturity":
            # sudo: the cron's summary names the account the RM serves; read once for the batch.
            return {
                account.id: self.env._(
                    "%(account)s (%(category)s) matures on %(date)s",
                    account=account.account_no, category=account.category_id.name,
                    date=format_date(self.env, account.maturity_date),
                )
                for account in self.env["bank.account"].sudo().browse(refs)
            }
        return {}
