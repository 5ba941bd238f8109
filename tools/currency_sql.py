# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Currency conversion inside the reports' SQL, as the tier engine converts (models/bank_tier_engine.py)."""
from odoo.tools import SQL


def company_rate_factor(company, currency, day):
    """An SQL expression: an amount of ``currency`` (an SQL column) times it is in ``company``'s
    currency at ``day`` (the newest rate not after it, company rates first). NULL for a currency
    without a rate on or before the day: its amounts are then left out, never taken 1:1."""
    def rate(currency_sql):
        return SQL(
            """(SELECT r.rate FROM res_currency_rate r
                 WHERE r.currency_id = %s AND r.name <= %s
                   AND (r.company_id = %s OR r.company_id IS NULL)
                 ORDER BY r.company_id NULLS LAST, r.name DESC LIMIT 1)""",
            currency_sql, day, company.id,
        )
    company_currency = company.currency_id.id
    return SQL(
        "CASE WHEN %s = %s THEN 1.0 ELSE COALESCE(%s, 1.0) / %s END",
        currency, company_currency, rate(company_currency), rate(currency),
    )
