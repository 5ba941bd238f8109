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


# The accounts a balance loading summed the nightly way (``_append_loaded``), until the transaction ends.
APPENDED = SQL.identifier("pg_temp", "bank_xun_appended")

# The days of a 旬 of 8, 9, 10 or 11 days weigh XUN_UNIT / length each (an integer), so that the
# weighted sums below stay exact decimals: a 旬 whose balance is B all along adds XUN_UNIT x B.
XUN_UNIT = 3960  # the least common multiple of 8, 9, 10 and 11


def xun_index(first):
    """The rank of the 旬 starting on the date ``first`` (the 1st, 11th or 21st): consecutive 旬
    have consecutive ranks."""
    return first.year * 36 + (first.month - 1) * 3 + (first.day - 1) // 10


def xun_index_sql(first):
    """SQL: ``xun_index`` of the date expression ``first`` (the first day of a 旬)."""
    return SQL(
        "(extract(year FROM %(f)s)::int * 36 + (extract(month FROM %(f)s)::int - 1) * 3"
        " + (extract(day FROM %(f)s)::int - 1) / 10)",
        f=first,
    )


def xun_increment_sql(row, prev):
    """SQL: what the 旬 of ``row`` adds to the account's weighted cumulative sum, the empty 旬
    since the ``prev`` row included (``prev.xun_first`` NULL: the account's first row; before
    it the balance is 0). ``row``/``prev`` name the columns, e.g. ``{"xun_first": SQL(...)}``."""
    weight = SQL("(%s / (%s - %s + 1))", XUN_UNIT, row["xun_last"], row["xun_first"])
    return SQL(
        """(%(weight)s * %(own)s + CASE WHEN %(p_first)s IS NULL THEN 0 ELSE
               %(prev_last)s * (%(unit)s * (%(k)s - %(p_k)s - 1) + %(weight)s * (%(first_date)s - %(first)s)) END)""",
        weight=weight, own=row["own_sum"], p_first=prev["xun_first"], prev_last=prev["last_exact"],
        unit=XUN_UNIT, k=xun_index_sql(row["xun_first"]), p_k=xun_index_sql(prev["xun_first"]),
        first_date=row["first_date"], first=row["xun_first"],
    )


class BankBalanceXun(models.Model):
    """The balances of an account summed per 旬, kept up to date as balances are written.

    The half-year 10-day average reads two of these rows per account instead of some 180 daily
    rows (and generates no day). ``day_sum`` is the sum of the carried-forward balance from
    ``first_date`` (the first balance of the 旬) to the 旬's last day (``own_sum``, exact,
    rounded once to a float: the same float however the row was reached), ``last_balance`` the
    newest balance of the 旬; the days before ``first_date`` carry the ``last_balance`` of the
    previous row forward. ``cum_weighted`` adds up, exactly in decimals, every day of the
    account up to this 旬's end, weighted by ``XUN_UNIT`` / the length of its 旬: the average of
    the 18 旬 ending with 旬 k is (C(k) - C(k - 18)) / (18 x XUN_UNIT), where C of a 旬 without
    a row is the previous row's sum plus its last balance carried over the 旬 between.
    """

    _name = "bank.balance.xun"
    _description = "Balance sums per 10-day period"
    _inherit = ["bank.guard.mixin"]
    _log_access = False
    # The guard (models/bank_guard_mixin.py): kept by the balance loading only.
    _bank_action_fields = frozenset({
        "account_id", "xun_first", "xun_last", "first_date", "day_sum", "last_balance", "next_first_date",
        "own_sum", "cum_weighted",
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
    # Exact decimals (numeric columns): a sum kept across years must not drift, and it must not
    # depend on the order the balances came in.
    own_sum = fields.Float(
        string="Exact sum of daily balances", digits=(32, 2),
        help="The sum of daily balances, as exact decimals.",
    )
    cum_weighted = fields.Float(
        string="Weighted cumulative sum", digits=(32, 2),
        help="Every day of the account up to the end of this 10-day period, weighted so that a whole "
        "period counts 3960 times its mean balance.",
    )

    # Also the index of the evaluation's look-ups (account, then 旬).
    _account_xun_uniq = models.Constraint("UNIQUE(account_id, xun_first)", "One row per account and 10-day period.")

    def init(self):
        # A database that had balances before these sums (or before their cumulative columns)
        # existed gets them once, on update.
        self.env.cr.execute(
            """SELECT EXISTS (SELECT 1 FROM bank_balance)
                      AND (NOT EXISTS (SELECT 1 FROM bank_balance_xun)
                           OR EXISTS (SELECT 1 FROM bank_balance_xun WHERE cum_weighted IS NULL))"""
        )
        if self.env.cr.fetchone()[0]:
            self._rebuild()

    @api.model
    def _refresh(self, account_ids, dates):
        """Recompute the rows of the 旬 touched by balances written on (account, date) pairs,
        then the links and cumulative sums of the accounts' rows from the first touched 旬 on."""
        if not account_ids:
            return
        self._refresh_pairs(SQL(
            "SELECT * FROM unnest(%s::int[], %s::date[]) AS v(account_id, day)", list(account_ids), list(dates)
        ))

    @api.model
    def _append_loaded(self, loaded):
        """Apply the nightly case of a balance loading (models/bank_balance_load.py) from the rows
        as they stand, without reading the balances again; return the query of the other
        ``(account_id, day)`` pairs, for ``_refresh_pairs``.

        The nightly case: an account given one row, dated after its newest balance (the account's
        ``balance_date``), whose 旬 row of that balance ends its chain (no next row). Then only the
        newest 旬 changes: in the same 旬, the previous balance carried to the 旬's end gives way
        to the new one from its date (``own_sum`` and ``cum_weighted`` move by the difference);
        in a later 旬, a row is added after it, as ``_upsert_sql`` would add it. The results are
        those of a recomputation, to the last digit: the sums are exact decimals and ``day_sum``
        is rounded from them (tests/test_balance_bulk.py compares the two ways).
        """
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS %s", APPENDED))
        # The accounts of the nightly case: the loaded row, the account's newest balance before it
        # (``before_*``, which the large movements read), and its 旬 row as it stands after the
        # update below (in a later 旬, the new row's predecessor: first day, last day, last
        # balance, sum).
        cr.execute(SQL(
            """CREATE TEMPORARY TABLE %s (
                   account_id int, day date, balance numeric, before_date date, before_balance numeric,
                   previous_first date, previous_last date, previous_last_balance float8, previous_cum numeric)
               ON COMMIT DROP""",
            APPENDED,
        ))
        weight = SQL("(%s / (x.xun_last - x.xun_first + 1))", XUN_UNIT)
        delta = SQL("((t.balance - a.balance) * (x.xun_last + 1 - t.day))")
        # One index probe per account into the 60 M rows: PostgreSQL would rather hash them all
        # for a million accounts (33 s at a million customers; docs/scaling.md), so the other
        # joins are switched off for this statement.
        cr.execute("SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin')")
        hashjoin, mergejoin = cr.fetchone()
        cr.execute("SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)")
        cr.execute(SQL(
            """WITH appended AS (
                   UPDATE bank_balance_xun x
                      SET own_sum = CASE WHEN t.day <= x.xun_last THEN x.own_sum + %(delta)s ELSE x.own_sum END,
                          day_sum = CASE WHEN t.day <= x.xun_last THEN (x.own_sum + %(delta)s)::float8
                                         ELSE x.day_sum END,
                          last_balance = CASE WHEN t.day <= x.xun_last THEN t.balance::float8 ELSE x.last_balance END,
                          cum_weighted = CASE WHEN t.day <= x.xun_last THEN x.cum_weighted + %(weight)s * %(delta)s
                                              ELSE x.cum_weighted END,
                          next_first_date = CASE WHEN t.day <= x.xun_last THEN NULL ELSE t.day END
                     FROM (SELECT account_id, min(date) AS day, min(balance) AS balance
                             FROM %(loaded)s GROUP BY account_id HAVING count(*) = 1) t
                     JOIN bank_account a ON a.id = t.account_id AND a.balance_date < t.day
                    WHERE x.account_id = t.account_id AND x.xun_first = %(previous_first)s
                      AND x.next_first_date IS NULL
                   RETURNING x.account_id, t.day, t.balance, a.balance_date, a.balance,
                             x.xun_first, x.xun_last, x.last_balance, x.cum_weighted
               )
               INSERT INTO %(appended)s SELECT * FROM appended""",
            delta=delta, weight=weight, loaded=loaded, previous_first=xun_first_sql(SQL("a.balance_date")),
            appended=APPENDED,
        ))
        cr.execute("SELECT set_config('enable_hashjoin', %s, true), set_config('enable_mergejoin', %s, true)",
                   [hashjoin, mergejoin])
        cr.execute(SQL("ANALYZE %s", APPENDED))
        first, last = xun_first_sql(SQL("t.day")), xun_last_sql(SQL("t.day"))
        own = SQL("(t.balance * (%s + 1 - t.day))", last)
        row = {"xun_first": first, "xun_last": last, "first_date": SQL("t.day"), "own_sum": own}
        previous = {"xun_first": SQL("t.previous_first"), "last_exact": SQL("t.previous_last_balance::numeric")}
        cr.execute(SQL(
            """INSERT INTO bank_balance_xun (account_id, xun_first, xun_last, first_date, day_sum, last_balance,
                                             own_sum, cum_weighted)
               SELECT t.account_id, %(first)s, %(last)s, t.day, %(own)s::float8, t.balance::float8, %(own)s,
                      t.previous_cum + %(increment)s
                 FROM %(appended)s t
                WHERE t.day > t.previous_last""",
            first=first, last=last, own=own, increment=xun_increment_sql(row, previous), appended=APPENDED,
        ))
        self.invalidate_model()
        return SQL(
            """SELECT v.account_id, v.date AS day FROM %s v
                WHERE NOT EXISTS (SELECT 1 FROM %s t WHERE t.account_id = v.account_id)""",
            loaded, APPENDED,
        )

    @api.model
    def _refresh_pairs(self, pairs):
        """``_refresh`` for the (account_id, day) rows of the query ``pairs`` (the balance loading,
        models/bank_balance_load.py, passes its temporary table rather than arrays of a million
        elements)."""
        self.env["bank.balance"].flush_model()
        self.env.cr.execute(SQL(
            """WITH touched AS (
                   SELECT DISTINCT v.account_id, %(first)s AS xun_first, %(last)s AS xun_last
                     FROM (%(pairs)s) v
               )
               %(upsert)s""",
            first=xun_first_sql(SQL("v.day")), last=xun_last_sql(SQL("v.day")),
            pairs=pairs, upsert=self._upsert_sql(),
        ))
        # From the row before each account's first touched 旬: the next row's first date and
        # the cumulative sums, written only where they changed (a nightly load of the current
        # 旬 changes none: the upsert already chained its rows onto the previous ones). The
        # changes are collected first, then written by id: planned as one statement, PostgreSQL
        # expected millions of changed rows at a million accounts and hashed the whole table
        # (121 s for none changed; docs/scaling.md).
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS pg_temp.bank_xun_chained"))
        self.env.cr.execute(SQL(
            """CREATE TEMPORARY TABLE bank_xun_chained ON COMMIT DROP AS
               WITH touched AS (
                   SELECT v.account_id, min(%(first)s) AS k0
                     FROM (%(pairs)s) v
                    GROUP BY v.account_id
               ),
               starts AS MATERIALIZED (
                   SELECT t.account_id, t.k0,
                          coalesce((SELECT max(y.xun_first) FROM bank_balance_xun y
                                     WHERE y.account_id = t.account_id AND y.xun_first < t.k0), t.k0) AS start
                     FROM touched t
               ),
               -- The anchor looked up once per account, then an index range per account (OFFSET 0
               -- keeps the sub-query apart: joined, it became a merge join reading the whole
               -- index). A nightly load's rows are the anchor and the current 旬, not the history.
               chain AS (
                   SELECT x.*, x.xun_first < s.k0 AS is_anchor
                     FROM starts s CROSS JOIN LATERAL (
                          SELECT y.id, y.account_id, y.xun_first, y.xun_last, y.first_date, y.own_sum,
                                 y.last_balance, y.cum_weighted, y.next_first_date
                            FROM bank_balance_xun y
                           WHERE y.account_id = s.account_id AND y.xun_first >= s.start
                          OFFSET 0) x
               ),
               %(chained)s
               SELECT c.id, c.new_next, c.new_cum FROM chained c
                WHERE c.next_first_date IS DISTINCT FROM c.new_next OR c.cum_weighted IS DISTINCT FROM c.new_cum""",
            first=xun_first_sql(SQL("v.day")), pairs=pairs, chained=self._chained_sql(),
        ))
        self.env.cr.execute(SQL("ANALYZE pg_temp.bank_xun_chained"))
        self.env.cr.execute(SQL(
            """UPDATE bank_balance_xun x SET next_first_date = c.new_next, cum_weighted = c.new_cum
                 FROM pg_temp.bank_xun_chained c
                WHERE x.id = c.id"""
        ))
        self.env.cr.execute(SQL("DROP TABLE pg_temp.bank_xun_chained"))
        self.invalidate_model()

    @api.model
    def _chained_sql(self):
        """CTEs ``links, chained`` (the ``chain`` rows with ``new_next`` and ``new_cum``) over a
        ``chain`` CTE of rows (all columns, plus ``is_anchor``: a row kept as it is, whose sum the
        next rows add to)."""
        previous = {
            "xun_first": SQL("l.prev_first"), "last_exact": SQL("l.prev_last::numeric"),
        }
        row = {name: SQL.identifier("l", name) for name in ("xun_first", "xun_last", "first_date", "own_sum")}
        return SQL(
            """links AS (
                   SELECT chain.*, lag(xun_first) OVER w AS prev_first, lag(last_balance) OVER w AS prev_last,
                          lead(first_date) OVER w AS new_next
                     FROM chain
                   WINDOW w AS (PARTITION BY account_id ORDER BY xun_first)
               ),
               chained AS (
                   SELECT l.*,
                          coalesce(max(l.cum_weighted) FILTER (WHERE l.is_anchor) OVER (PARTITION BY l.account_id), 0)
                          + sum(CASE WHEN l.is_anchor THEN 0 ELSE %(increment)s END)
                            OVER (PARTITION BY l.account_id ORDER BY l.xun_first) AS new_cum
                     FROM links l
               )""",
            increment=xun_increment_sql(row, previous),
        )

    @api.model
    def _rebuild(self):
        """Recompute every row from the balances (after a bulk load written directly in SQL),
        in one pass over the balances in (account, date) order: the order of their unique
        index, which is also the order of (account, 旬, date)."""
        self.env["bank.balance"].flush_model()
        self.env.cr.execute("TRUNCATE bank_balance_xun")
        self.env.cr.execute(SQL(
            """WITH daily AS (
                   SELECT b.account_id, b.date, b.balance,
                          %(first)s AS xun_first, %(last)s AS xun_last,
                          lead(b.date) OVER (PARTITION BY b.account_id ORDER BY b.date) AS next_date
                     FROM bank_balance b
               ),
               sums AS (
                   SELECT account_id, xun_first, xun_last, min(date) AS first_date,
                          sum(balance * (least(coalesce(next_date, xun_last + 1), xun_last + 1) - date))::float8
                              AS day_sum,
                          sum(balance * (least(coalesce(next_date, xun_last + 1), xun_last + 1) - date)) AS own_sum,
                          (array_agg(balance::float8 ORDER BY date DESC))[1] AS last_balance
                     FROM daily GROUP BY account_id, xun_first, xun_last
               ),
               chain AS (
                   SELECT NULL::int AS id, sums.*, NULL::numeric AS cum_weighted, NULL::date AS next_first_date,
                          false AS is_anchor
                     FROM sums
               ),
               %(chained)s
               INSERT INTO bank_balance_xun (account_id, xun_first, xun_last, first_date, day_sum, last_balance,
                                             own_sum, next_first_date, cum_weighted)
               SELECT account_id, xun_first, xun_last, first_date, day_sum, last_balance, own_sum, new_next, new_cum
                 FROM chained""",
            first=xun_first_sql(SQL("b.date")), last=xun_last_sql(SQL("b.date")), chained=self._chained_sql(),
        ))
        self.env.cr.execute("ANALYZE bank_balance_xun")
        self.invalidate_model()

    @api.model
    def _upsert_sql(self):
        """The statement filling the rows of a ``touched (account_id, xun_first, xun_last)`` CTE,
        each chained onto the account's previous row as it stands (``_refresh`` then fixes the
        sums of rows whose previous row changed in the same statement, and of the rows after)."""
        row = {name: SQL.identifier("s", name) for name in ("xun_first", "xun_last", "first_date", "own_sum")}
        previous = {"xun_first": SQL("p.xun_first"), "last_exact": SQL("p.last_balance::numeric")}
        return SQL(
            """, daily AS (
                   SELECT t.account_id, t.xun_first, t.xun_last, b.date, b.balance,
                          coalesce(lead(b.date) OVER w, t.xun_last + 1) - b.date AS days,
                          row_number() OVER (PARTITION BY t.account_id, t.xun_first ORDER BY b.date DESC) AS newest
                     FROM touched t
                     JOIN bank_balance b ON b.account_id = t.account_id AND b.date BETWEEN t.xun_first AND t.xun_last
                   WINDOW w AS (PARTITION BY t.account_id, t.xun_first ORDER BY b.date)
               ),
               sums AS (
                   SELECT account_id, xun_first, xun_last, min(date) AS first_date,
                          sum(balance * days)::float8 AS day_sum, sum(balance * days) AS own_sum,
                          min(balance::float8) FILTER (WHERE newest = 1) AS last_balance
                     FROM daily GROUP BY account_id, xun_first, xun_last
               )
               INSERT INTO bank_balance_xun (account_id, xun_first, xun_last, first_date, day_sum, last_balance,
                                             own_sum, cum_weighted)
               SELECT s.account_id, s.xun_first, s.xun_last, s.first_date, s.day_sum, s.last_balance, s.own_sum,
                      coalesce(p.cum_weighted, 0) + %(increment)s
                 FROM sums s LEFT JOIN LATERAL (
                      SELECT x.xun_first, x.last_balance, x.cum_weighted FROM bank_balance_xun x
                       WHERE x.account_id = s.account_id AND x.xun_first < s.xun_first
                       ORDER BY x.xun_first DESC LIMIT 1) p ON true
               ON CONFLICT (account_id, xun_first) DO UPDATE
                  SET first_date = EXCLUDED.first_date, day_sum = EXCLUDED.day_sum,
                      last_balance = EXCLUDED.last_balance, own_sum = EXCLUDED.own_sum,
                      cum_weighted = EXCLUDED.cum_weighted""",
            increment=xun_increment_sql(row, previous),
        )
