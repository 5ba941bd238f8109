# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL

from ..models.bank_balance import _OLDEST_BALANCE_DATE
from ..models.bank_balance_xun import xun_first_sql, xun_last_sql
from ..tools.currency_sql import company_rate_factor

# The history shown: at most this many years back from the bank's date today (issue 16).
HISTORY_YEARS = 3
# Row ids: (customer id × _ID_DAYS + days since 1970) × 2 + series (0 AUM, 1 loans).
_ID_DAYS = 100_000
_EPOCH = datetime.date(1970, 1, 1)


class BankBalanceHistoryReport(models.Model):
    """Balance history: per customer and day, the AUM (deposits + investments) and the loans.

    Balances are rows only on the dates they change or are loaded (models/bank_balance.py); each
    account's balance holds from its date until the account's next one (carried forward), in company
    currency at each day's rate, computed as the tier engine does (models/bank_tier_engine_metrics.py:
    the newest rate not after the day, company rates first; a currency without a rate on the day is
    left out, never taken 1:1). The window of a customer runs from their first balance date (no earlier
    than HISTORY_YEARS back, the newest older balance carried into it) to the bank's date today;
    dates after today or before 1970 (which the loading refuses) are ignored, so that no row of
    the database can make the window absurd. One row per customer, day and series (AUM or
    loans), so that a line graph draws the two as separate lines; the measure's aggregate is the
    average, so that a 旬 or a month shows the period's daily average (日均).

    A query rather than a stored view: the window follows the bank's date today. Rows are scoped
    like the customers (security/bank_reporting_security.xml)."""

    _name = "bank.balance.history.report"
    _description = "Balance history"
    _auto = False
    _order = "date desc, series"
    _rec_name = "partner_id"
    _depends = {
        "bank.balance": ["account_id", "date", "balance"],
        "bank.account": ["partner_id", "company_id", "kind", "currency_id"],
        "res.partner": ["bank_rm_user_id", "bank_backup_rm_user_id", "bank_unit_id", "is_bank_customer"],
        "res.currency.rate": ["rate", "name", "currency_id", "company_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Date(readonly=True)
    xun = fields.Char(
        string="10-day period (旬)", readonly=True,
        help="The 旬 holding the day: 1st-10th, 11th-20th or 21st to the month's end.",
    )
    series = fields.Selection(
        [("aum", "AUM (deposits + investments)"), ("loans", "Loans")], string="Series", readonly=True,
    )
    amount = fields.Monetary(
        string="Balance", readonly=True, currency_field="currency_id", aggregator="avg",
        help="The balance of the day, in company currency. Grouped by 10-day period or month: the "
        "period's daily average.",
    )
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    unit_id = fields.Many2one("bank.org.unit", string="Unit", readonly=True)
    customer_rm_user_id = fields.Many2one("res.users", string="Customer's RM user", readonly=True)
    customer_backup_rm_user_id = fields.Many2one("res.users", string="Customer's backup RM user", readonly=True)

    @property
    def _table_query(self):
        company = self.env.company
        today = company._bank_today()
        # A few milliseconds a customer, but estimated high enough for PostgreSQL to JIT-compile it
        # (200 ms); as models/res_partner_value.py does, for this transaction only.
        self.env.cr.execute("SET LOCAL jit = off")
        # Everything hangs off the customer (LATERAL): a filter on the customer, the action's and the
        # record rules', reaches res_partner first, and only the customers asked for are computed.
        return SQL(
            """
            SELECT (p.id::bigint * %(id_days)s + (v.day - %(epoch)s::date)) * 2 + v.series_no AS id,
                   p.id AS partner_id, v.day AS date,
                   to_char(%(xun_first)s, 'YYYY-MM-DD') || '~' || to_char(%(xun_last)s, 'DD') AS xun,
                   v.series, v.amount, %(currency)s AS currency_id, %(company)s AS company_id,
                   p.bank_unit_id AS unit_id, p.bank_rm_user_id AS customer_rm_user_id,
                   p.bank_backup_rm_user_id AS customer_backup_rm_user_id
              FROM res_partner p
             CROSS JOIN LATERAL (
                   -- Each account's first plausible date, on the (account, date) index.
                   SELECT CASE WHEN min(f.date) IS NOT NULL
                               THEN GREATEST(min(f.date), %(oldest)s::date) END AS first_day
                     FROM bank_account a
                    CROSS JOIN LATERAL (
                          SELECT b.date FROM bank_balance b
                           WHERE b.account_id = a.id AND b.date BETWEEN %(floor)s AND %(today)s
                           ORDER BY b.date LIMIT 1) f
                    WHERE a.partner_id = p.id AND a.company_id = %(company)s
                      AND a.kind IN ('deposit', 'investment', 'loan')
             ) w
             CROSS JOIN LATERAL (
                   SELECT d.day::date AS day, s.series_no, s.series,
                          COALESCE(sum(e.amount), 0) AS amount
                     FROM generate_series(w.first_day, %(today)s::date, interval '1 day') AS d(day)
                    CROSS JOIN (VALUES (0, 'aum'), (1, 'loans')) AS s(series_no, series)
                     LEFT JOIN (
                          -- Each balance expanded over the days it holds: from its date (or the
                          -- window's first day) to the day before the account's next balance.
                          SELECT g.day::date AS day, pt.series, pt.balance * (%(factor)s) AS amount
                            FROM (
                                 -- The account's balances of the window and the newest one before it.
                                 SELECT a.currency_id, b.balance,
                                        CASE WHEN a.kind = 'loan' THEN 'loans' ELSE 'aum' END AS series,
                                        GREATEST(b.date, w.first_day) AS start_day,
                                        lead(GREATEST(b.date, w.first_day), 1, %(today)s::date + 1)
                                            OVER (PARTITION BY a.id ORDER BY b.date) AS end_day
                                   FROM bank_account a
                                   JOIN bank_balance b ON b.account_id = a.id
                                  WHERE a.partner_id = p.id AND a.company_id = %(company)s
                                    AND a.kind IN ('deposit', 'investment', 'loan')
                                    AND b.date <= %(today)s
                                    AND b.date >= COALESCE(
                                        (SELECT max(c.date) FROM bank_balance c
                                          WHERE c.account_id = a.id AND c.date BETWEEN %(floor)s AND w.first_day),
                                        w.first_day)
                            ) pt
                           CROSS JOIN LATERAL generate_series(pt.start_day, pt.end_day - 1, interval '1 day') AS g(day)
                           WHERE pt.start_day < pt.end_day
                     ) e ON e.day = d.day AND e.series = s.series
                    GROUP BY 1, 2, 3
             ) v
             WHERE p.is_bank_customer
            """,
            id_days=_ID_DAYS, epoch=_EPOCH, currency=company.currency_id.id, company=company.id,
            xun_first=xun_first_sql(SQL("v.day")), xun_last=xun_last_sql(SQL("v.day")),
            oldest=today - relativedelta(years=HISTORY_YEARS), floor=_OLDEST_BALANCE_DATE, today=today,
            factor=company_rate_factor(company, SQL("pt.currency_id"), SQL("g.day::date")),
        )
