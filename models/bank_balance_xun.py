# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import SQL


def xun_first_sql(day):
    """SQL: the first day of the 旬 (1-10, 11-20, 21-end of month) holding the date ``day``."""
    return SQL(
        "(date_trunc('month', %(d)s)::date + CASE WHEN extract(day FROM %(d)s) <= 10 THEN 0"
        " WHEN extract(day FROM %(d)s) <= 20 THEN 10 ELSE 20 END)",
        d=day,
    )


def xun_last_sql(day):
    """SQL: the last day of the 旬 holding the date ``day``."""
    return SQL(
        "(CASE WHEN extract(day FROM %(d)s) <= 20 THEN %(first)s + 9"
        " ELSE (date_trunc('month', %(d)s) + interval '1 month' - interval '1 day')::date END)",
        d=day, first=xun_first_sql(day),
    )


class BankBalanceXun(models.Model):
    """The balances of an account summed per 旬, kept up to date as balances are written.

    The half-year 10-day average reads about 18 of these rows per account instead of some
    180 daily rows (and generates no day). A row only depends on the balances dated inside
    its own 旬: ``day_sum`` is the sum of the carried-forward balance from ``first_date`` (the
    first balance of the 旬) to the 旬's last day, ``last_balance`` the newest balance of the
    旬. The days before ``first_date`` carry the ``last_balance`` of the previous row forward,
    which the evaluation query adds, so loading one day never touches other 旬.
    """

    _name = "bank.balance.xun"
    _description = "Balance sums per 10-day period"
    _inherit = ["bank.guard.mixin"]
    _log_access = False
    # The guard (models/bank_guard_mixin.py): kept by the balance loading only.
    _bank_action_fields = frozenset({
        "account_id", "xun_first", "xun_last", "first_date", "day_sum", "last_balance", "next_first_date",
    })
    _order = "account_id, xun_first"

    account_id = fields.Many2one("bank.account", string="Account", required=True, ondelete="cascade")
    xun_first = fields.Date(string="First day of the 10-day period", required=True)
    xun_last = fields.Date(string="Last day of the 10-day period", required=True)
    first_date = fields.Date(string="First balance date", required=True)
    day_sum = fields.Float(string="Sum of daily balances", required=True)
    last_balance = fields.Float(string="Last balance", required=True)
    next_first_date = fields.Date(
        string="Next balance date after the period",
        help="First balance date of the account's next row: the last balance of this row is carried "
        "forward until the day before.",
    )

    # Also the index of the evaluation's look-ups (account, then 旬).
    _account_xun_uniq = models.Constraint("UNIQUE(account_id, xun_first)", "One row per account and 10-day period.")

    def init(self):
        # A database that had balances before these sums existed gets them once, on update.
        self.env.cr.execute(
            "SELECT EXISTS (SELECT 1 FROM bank_balance) AND NOT EXISTS (SELECT 1 FROM bank_balance_xun)"
        )
        if self.env.cr.fetchone()[0]:
            self._rebuild()

    @api.model
    def _refresh(self, account_ids, dates):
        """Recompute the rows of the 旬 touched by balances written on (account, date) pairs."""
        if not account_ids:
            return
        self._refresh_pairs(SQL(
            "SELECT * FROM unnest(%s::int[], %s::date[]) AS v(account_id, day)", list(account_ids), list(dates)
        ))

    @api.model
    def _refresh_pairs(self, pairs):
        """``_refresh`` for the (account_id, day) rows of the query ``pairs`` (the balance loading
        passes its temporary table rather than arrays of a million elements)."""
        self.env["bank.balance"].flush_model()
        cr = self.env.cr
        # The rows whose link may have moved: those new or with a new first balance date (their own
        # link, and the link of the row before them); a 旬 written again from the same first date
        # links as before, which spares the look-ups for most rows of a nightly load.
        relink = SQL.identifier("pg_temp", "bank_balance_xun_relink")
        cr.execute(SQL("DROP TABLE IF EXISTS %s", relink))
        cr.execute(SQL("CREATE TEMPORARY TABLE %s (account_id int, xun_first date) ON COMMIT DROP", relink))
        cr.execute(SQL(
            """WITH touched AS (
                   SELECT DISTINCT v.account_id, %(first)s AS xun_first, %(last)s AS xun_last
                     FROM (%(pairs)s) v
               ),
               upserted AS (%(upsert)s)
               INSERT INTO %(relink)s
               SELECT u.account_id, u.xun_first
                 FROM upserted u
                 LEFT JOIN bank_balance_xun o ON o.account_id = u.account_id AND o.xun_first = u.xun_first
                WHERE o.first_date IS DISTINCT FROM u.first_date""",
            first=xun_first_sql(SQL("v.day")), last=xun_last_sql(SQL("v.day")), pairs=pairs,
            upsert=self._upsert_sql(), relink=relink,
        ))
        # (``o`` above is the table as it was before the statement: PostgreSQL runs every part of
        # one statement on the same snapshot.)
        cr.execute(SQL(
            """WITH affected AS (
                   SELECT account_id, xun_first FROM %(relink)s
                   UNION
                   SELECT t.account_id, p.xun_first FROM %(relink)s t CROSS JOIN LATERAL (
                          SELECT x.xun_first FROM bank_balance_xun x
                           WHERE x.account_id = t.account_id AND x.xun_first < t.xun_first
                           ORDER BY x.xun_first DESC LIMIT 1) p
               )
               UPDATE bank_balance_xun x SET next_first_date = n.first_date
                 FROM affected a LEFT JOIN LATERAL (
                      SELECT y.first_date FROM bank_balance_xun y
                       WHERE y.account_id = a.account_id AND y.xun_first > a.xun_first
                       ORDER BY y.xun_first LIMIT 1) n ON true
                WHERE x.account_id = a.account_id AND x.xun_first = a.xun_first
                  AND x.next_first_date IS DISTINCT FROM n.first_date""",
            relink=relink,
        ))
        cr.execute(SQL("DROP TABLE %s", relink))
        self.invalidate_model()

    @api.model
    def _rebuild(self):
        """Recompute every row from the balances (after a bulk load written directly in SQL),
        in one pass over the balances in (account, date) order: the order of their unique
        index, which is also the order of (account, 旬, date)."""
        self.env["bank.balance"].flush_model()
        self.env.cr.execute("TRUNCATE bank_balance_xun")
        self.env.cr.execute(SQL(
            """WITH daily AS (
                   SELECT b.account_id, b.date, b.balance::float8 AS balance,
                          %(first)s AS xun_first, %(last)s AS xun_last,
                          lead(b.date) OVER (PARTITION BY b.account_id ORDER BY b.date) AS next_date
                     FROM bank_balance b
               ),
               sums AS (
                   SELECT account_id, xun_first, xun_last, min(date) AS first_date,
                          sum(balance * (least(coalesce(next_date, xun_last + 1), xun_last + 1) - date)) AS day_sum,
                          (array_agg(balance ORDER BY date DESC))[1] AS last_balance
                     FROM daily GROUP BY account_id, xun_first, xun_last
               )
               INSERT INTO bank_balance_xun (account_id, xun_first, xun_last, first_date, day_sum, last_balance,
                                             next_first_date)
               SELECT account_id, xun_first, xun_last, first_date, day_sum, last_balance,
                      lead(first_date) OVER (PARTITION BY account_id ORDER BY xun_first)
                 FROM sums""",
            first=xun_first_sql(SQL("b.date")), last=xun_last_sql(SQL("b.date")),
        ))
        self.env.cr.execute("ANALYZE bank_balance_xun")
        self.invalidate_model()

    @api.model
    def _upsert_sql(self):
        """The statement filling the rows of a ``touched (account_id, xun_first, xun_last)`` CTE,
        returning each row's key and first balance date."""
        return SQL(
            """WITH daily AS (
                   SELECT t.account_id, t.xun_first, t.xun_last, b.date, b.balance::float8 AS balance,
                          coalesce(lead(b.date) OVER w, t.xun_last + 1) - b.date AS days,
                          row_number() OVER (PARTITION BY t.account_id, t.xun_first ORDER BY b.date DESC) AS newest
                     FROM touched t
                     JOIN bank_balance b ON b.account_id = t.account_id AND b.date BETWEEN t.xun_first AND t.xun_last
                   WINDOW w AS (PARTITION BY t.account_id, t.xun_first ORDER BY b.date)
               )
               INSERT INTO bank_balance_xun (account_id, xun_first, xun_last, first_date, day_sum, last_balance)
               SELECT account_id, xun_first, xun_last, min(date), sum(balance * days),
                      min(balance) FILTER (WHERE newest = 1)
                 FROM daily GROUP BY account_id, xun_first, xun_last
               ON CONFLICT (account_id, xun_first) DO UPDATE
                  SET first_date = EXCLUDED.first_date, day_sum = EXCLUDED.day_sum,
                      last_balance = EXCLUDED.last_balance
               RETURNING account_id, xun_first, first_date"""
        )
