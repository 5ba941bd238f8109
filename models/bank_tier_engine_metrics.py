# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The tier engine's figures: exchange rates, the customers' metrics computed set-based in SQL
and what the customers have now (the rules and decisions are in bank_tier_engine.py)."""

import calendar
import datetime

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .bank_balance_xun import XUN_UNIT, xun_index, xun_index_sql
from .bank_tier_engine import XUN_COUNT, xun_windows


class BankTierEngineMetrics(models.AbstractModel):
    _inherit = "bank.tier.engine"

    # ------------------------------------------------------------------
    # Rates and metrics
    # ------------------------------------------------------------------

    @api.model
    def _rates(self, date, currencies):
        """``{currency_id: factor}`` turning an amount of the currency into company currency at ``date``."""
        company = self.env.company
        rates = {company.currency_id.id: 1.0}
        for currency in currencies - company.currency_id:
            has_rate = self.env["res.currency.rate"].search_count(
                [
                    ("currency_id", "=", currency.id),
                    ("name", "<=", date),
                    ("company_id", "in", [company.id, False]),
                ],
                limit=1,
            )
            if not has_rate:
                raise UserError(
                    self.env._(
                        "No exchange rate of %(currency)s on or before %(date)s: add one to the currency "
                        "before evaluating tiers (amounts are never converted 1:1).",
                        currency=currency.name,
                        date=date,
                    )
                )
            rates[currency.id] = currency._get_conversion_rate(currency, company.currency_id, company, date)
        return rates

    @api.model
    def _metrics(self, partner_ids, date, xun_category_ids=None):
        """``{partner_id: {(metric, category_id): value}}`` in company currency, for a batch.

        ``xun_category_ids``: the categories whose 10-day averages are wanted (those the rules
        read, ``_xun_categories``); the averages of the others read 0. None: every category.
        The averages cost two look-ups per account, the other figures none.

        One set-based query for the whole batch, one pass over its accounts: the balances on
        the day, the contract amounts and the half-year 10-day averages, summed per customer,
        category and currency in the account's currency; the rates turn them into company
        currency here. The 10-day average is a weighted sum over the days of the window (each
        day weighs 1 / (18 x length of its 旬)): the difference of two cumulative sums that
        loading keeps per 旬 (``bank.balance.xun``), so that no day is generated and no daily
        row is read.
        """
        self.env.flush_all()
        # The sorts of a batch fit in memory rather than spilling to disk, and PostgreSQL does
        # not JIT-compile these short queries (measured: 0.28 s of compilation for a 0.2 s
        # query, in every batch). For this transaction only: SET LOCAL ends with it.
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        self.env.cr.execute("SET LOCAL jit = off")
        windows = xun_windows(date)
        (w_start, _first_end), (last_first, w_end) = windows[0], windows[-1]
        # C(end of the window) - C(before it), two indexed look-ups per account, whatever the
        # number of balances. C of a 旬 is that of the account's newest row up to it, plus its
        # last balance carried over the 旬 since.
        k_end, k_before = xun_index(last_first), xun_index(w_start) - 1

        # Accounts of other categories skip the look-ups: the condition on the outer row is
        # checked once per account before the index is read.
        wanted = SQL("TRUE") if xun_category_ids is None else SQL("a.category_id = ANY(%s)", list(xun_category_ids))

        def cumulative(alias, condition, k):
            return SQL(
                """LEFT JOIN LATERAL (
                       SELECT x.cum_weighted + %(unit)s * x.last_balance::numeric * (%(k)s - %(index)s) AS c
                         FROM bank_balance_xun x
                        WHERE x.account_id = a.id AND %(wanted)s AND %(condition)s
                        ORDER BY x.xun_first DESC LIMIT 1) %(alias)s ON true""",
                unit=XUN_UNIT, k=k, index=xun_index_sql(SQL("x.xun_first")), condition=condition,
                alias=SQL.identifier(alias), wanted=wanted,
            )

        # The balance on the day is the account's newest balance when it is not after the day
        # (the nightly case, no look-up), else one indexed look-up. The sums are exact decimals
        # in SQL and reach Python as floats (a million Decimal values cost seconds to parse).
        rows = self.env.execute_query(SQL(
            """SELECT a.partner_id, a.category_id, a.currency_id,
                      sum(coalesce(CASE WHEN a.balance_date <= %(date)s THEN a.balance END,
                                   (SELECT b.balance FROM bank_balance b
                                     WHERE b.account_id = a.id AND b.date <= %(date)s
                                     ORDER BY b.date DESC LIMIT 1)))::float8,
                      sum(a.contract_amount) FILTER (WHERE a.active)::float8,
                      max(a.contract_amount) FILTER (WHERE a.active)::float8,
                      sum(coalesce(e.c, 0) - coalesce(s.c, 0))::float8
                 FROM bank_account a %(end)s %(start)s
                WHERE a.partner_id = ANY(%(ids)s)
                GROUP BY 1, 2, 3""",
            date=date, ids=list(partner_ids),
            end=cumulative("e", SQL("x.xun_first <= %s", w_end), k_end),
            start=cumulative("s", SQL("x.xun_first < %s", w_start), k_before),
        ))
        rates = self._rates(date, self.env["res.currency"].browse({row[2] for row in rows}))
        scale = float(XUN_COUNT * XUN_UNIT)
        # A plain loop over plain dicts: it runs for every account group of a million customers.
        metric_names = ("balance", "contract_amount", "xun_avg_6m", "max_contract_amount")
        metrics, category_keys = {}, {}
        for partner_id, category_id, currency_id, balance, total_amount, largest, weighted in rows:
            keys = category_keys.get(category_id)
            if keys is None:
                keys = category_keys[category_id] = tuple((metric, category_id) for metric in metric_names)
            balance_key, amount_key, xun_key, largest_key = keys
            factor, values = rates[currency_id], metrics.get(partner_id)
            if values is None:
                values = metrics[partner_id] = {}
            values[balance_key] = values.get(balance_key, 0.0) + (balance or 0.0) * factor
            values[amount_key] = values.get(amount_key, 0.0) + (total_amount or 0.0) * factor
            values[xun_key] = values.get(xun_key, 0.0) + (weighted or 0.0) * factor / scale
            # The largest contract across currencies, 0 without an active account (contract
            # amounts are never negative: bank_account.py, _check_contract_amount).
            values[largest_key] = max(values.get(largest_key, 0.0), (largest or 0.0) * factor)
        return metrics

    @api.model
    def _outlook(self, partner_ids, date, xun_category_ids=None):
        """What the 10-day averages become when the current 旬 closes with today's balances
        carried forward: the metrics as of the 旬's last day, with the days left in it."""
        next_day = date + datetime.timedelta(days=1)
        first = next_day.replace(day=1 if next_day.day <= 10 else 11 if next_day.day <= 20 else 21)
        last = (
            first + datetime.timedelta(days=9) if first.day < 21
            else next_day.replace(day=calendar.monthrange(next_day.year, next_day.month)[1])
        )
        return {
            "metrics": self._metrics(partner_ids, last, xun_category_ids),
            "last": last,
            "days": (last - date).days,
            "length": (last - first).days + 1,
        }

    # ------------------------------------------------------------------
    # States
    # ------------------------------------------------------------------

    @api.model
    def _states(self, partner_ids):
        """What the customers have now, read in one query."""
        self.env["res.partner"].flush_model()
        rows = self.env.execute_query(SQL(
            """SELECT p.id, p.bank_tier_id, p.bank_tier_failing_since, coalesce(p.annual_income, 0),
                      p.bank_is_potential, p.bank_potential_lead_id, rm_partner.lang, p.bank_maintenance_level
                 FROM res_partner p
                 LEFT JOIN bank_rm rm ON rm.id = p.bank_rm_id
                 LEFT JOIN res_users rm_user ON rm_user.id = rm.user_id
                 LEFT JOIN res_partner rm_partner ON rm_partner.id = rm_user.partner_id
                WHERE p.id = ANY(%s)""",
            list(partner_ids),
        ))
        asset_categories = set(
            self.env["bank.product.category"].with_context(active_test=False)
            .search([("kind", "in", ("deposit", "investment"))]).ids
        )
        return {
            row[0]: {
                "tier_id": row[1],
                "failing_since": row[2],
                "income": float(row[3]),
                "is_potential": row[4],
                "lead_id": row[5],
                # Reasons are written in the language of the RM who reads them.
                "lang": row[6] or self.env.lang or "en_US",
                "level": row[7] or False,
                "asset_category_ids": asset_categories,
            }
            for row in rows
        }
