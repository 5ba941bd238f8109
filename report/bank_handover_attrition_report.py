# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL

from ..tools.currency_sql import company_rate_factor

# The window of the analysis: customers handed over in the last 90 days (issue 14).
ATTRITION_DAYS = 90


class BankHandoverAttritionReport(models.Model):
    """Handover attrition: each customer handed over in the last 90 days, AUM at the handover and now.

    One row per customer line of a done or filed handover (models/bank_handover_line.py). The AUM
    is the one of the tier engine (models/bank_tier_engine.py, ``_metrics``): the balances of the
    deposit and investment accounts on the day, each account's newest balance not after it, in
    company currency at that day's rate. The handover's day is its ``done_at`` in the bank's time
    zone. A query rather than a stored view: the window and "now" follow the bank's date today
    (models/res_company.py). Rows are scoped like the customers (security/bank_reporting_security.xml)."""

    _name = "bank.handover.attrition.report"
    _description = "Handover attrition"
    _auto = False
    _order = "handover_date desc, id"
    _rec_name = "partner_id"
    _depends = {
        "bank.handover": ["state", "done_at", "outgoing_rm_id", "incoming_rm_id", "unit_id"],
        "bank.handover.line": ["handover_id", "line_type", "partner_id", "rm_role"],
        "bank.account": ["partner_id", "kind", "currency_id", "balance", "balance_date"],
        "bank.balance": ["account_id", "date", "balance"],
        "res.partner": ["bank_rm_id", "bank_rm_user_id", "bank_backup_rm_user_id", "bank_unit_id"],
        "res.currency.rate": ["rate", "name", "currency_id", "company_id"],
    }

    handover_id = fields.Many2one("bank.handover", string="Handover", readonly=True)
    handover_date = fields.Date(string="Handed over on", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    rm_role = fields.Selection(
        [("primary", "Primary RM (A role)"), ("backup", "Backup RM (B role)")],
        string="Outgoing RM's role", readonly=True,
    )
    outgoing_rm_id = fields.Many2one("bank.rm", string="Outgoing RM", readonly=True)
    successor_rm_id = fields.Many2one("bank.rm", string="Successor RM", readonly=True)
    rm_id = fields.Many2one("bank.rm", string="RM now", readonly=True, help="The customer's primary RM today.")
    unit_id = fields.Many2one("bank.org.unit", string="Unit", readonly=True, help="The customer's unit today.")
    customer_rm_user_id = fields.Many2one("res.users", string="Customer's RM user", readonly=True)
    customer_backup_rm_user_id = fields.Many2one("res.users", string="Customer's backup RM user", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    aum_at_handover = fields.Monetary(string="AUM at the handover", readonly=True, currency_field="currency_id")
    aum_now = fields.Monetary(string="AUM now", readonly=True, currency_field="currency_id")
    aum_change = fields.Monetary(
        string="AUM change", readonly=True, currency_field="currency_id", help="AUM now less AUM at the handover.",
    )
    aum_lost = fields.Boolean(string="AUM fell", readonly=True)

    @property
    def _table_query(self):
        company = self.env.company
        today = company._bank_today()

        def factor(day):
            return SQL("SELECT %s AS factor", company_rate_factor(company, SQL("a.currency_id"), day))

        return SQL(
            """
            WITH moved AS (
                SELECT l.id, l.handover_id, l.partner_id, l.rm_role, h.outgoing_rm_id,
                       h.incoming_rm_id AS successor_rm_id,
                       (h.done_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS handover_date
                  FROM bank_handover_line l
                  JOIN bank_handover h ON h.id = l.handover_id
                 WHERE l.line_type = 'customer' AND l.partner_id IS NOT NULL
                   AND h.state IN ('done', 'filed') AND h.done_at IS NOT NULL
                   AND (h.done_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date > %(since)s
            ), aum AS (
                SELECT m.id,
                       SUM(bal.at_handover * rate_then.factor) AS at_handover,
                       SUM(bal.now * rate_now.factor) AS now
                  FROM moved m
                  JOIN bank_account a ON a.partner_id = m.partner_id AND a.kind IN ('deposit', 'investment')
                  CROSS JOIN LATERAL (
                      SELECT COALESCE(CASE WHEN a.balance_date <= m.handover_date THEN a.balance END,
                                      (SELECT b.balance FROM bank_balance b
                                        WHERE b.account_id = a.id AND b.date <= m.handover_date
                                        ORDER BY b.date DESC LIMIT 1)) AS at_handover,
                             COALESCE(CASE WHEN a.balance_date <= %(today)s THEN a.balance END,
                                      (SELECT b.balance FROM bank_balance b
                                        WHERE b.account_id = a.id AND b.date <= %(today)s
                                        ORDER BY b.date DESC LIMIT 1)) AS now
                  ) bal
                  CROSS JOIN LATERAL (%(factor_then)s) rate_then
                  CROSS JOIN LATERAL (%(factor_now)s) rate_now
                 GROUP BY m.id
            )
            SELECT m.id, m.handover_id, m.handover_date, m.partner_id, m.rm_role, m.outgoing_rm_id,
                   m.successor_rm_id, p.bank_rm_id AS rm_id, p.bank_unit_id AS unit_id,
                   p.bank_rm_user_id AS customer_rm_user_id, p.bank_backup_rm_user_id AS customer_backup_rm_user_id,
                   %(currency)s AS currency_id, 1 AS customer_count,
                   COALESCE(aum.at_handover, 0) AS aum_at_handover, COALESCE(aum.now, 0) AS aum_now,
                   COALESCE(aum.now, 0) - COALESCE(aum.at_handover, 0) AS aum_change,
                   COALESCE(aum.now, 0) < COALESCE(aum.at_handover, 0) AS aum_lost
              FROM moved m
              JOIN res_partner p ON p.id = m.partner_id
         LEFT JOIN aum ON aum.id = m.id
            """,
            tz=company.bank_tz or "Asia/Shanghai",
            since=fields.Date.subtract(today, days=ATTRITION_DAYS),
            today=today,
            currency=company.currency_id.id,
            factor_then=factor(SQL("m.handover_date")),
            factor_now=factor(SQL("%s::date", today)),
        )
