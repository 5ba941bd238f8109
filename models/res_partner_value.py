# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customer's value snapshots (models/bank_customer_value.py) and the one statement that takes
them for a batch of customers (the formula: docs/value.md)."""
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .bank_customer_value import VALUE_CLASSES


class ResPartner(models.Model):
    _inherit = "res.partner"

    bank_value_ids = fields.One2many("bank.customer.value", "partner_id", string="Value snapshots")
    bank_value_count = fields.Integer(string="Number of value snapshots", compute="_compute_bank_value_count")
    # The newest month's value on the customer form's header (views/res_partner_form_views.xml).
    bank_value_date = fields.Date(string="Value month", compute="_compute_bank_value_latest")
    bank_value_class = fields.Selection(VALUE_CLASSES, string="Value class", compute="_compute_bank_value_latest")
    bank_value_contribution = fields.Monetary(
        string="Contribution", currency_field="bank_currency_id", compute="_compute_bank_value_latest",
        help="Estimated income − estimated cost in the newest month of value snapshots.",
    )

    @api.depends("bank_value_ids")
    def _compute_bank_value_count(self):
        Value = self.env["bank.customer.value"]
        # Users without access to the snapshots (HR, plain users) see no count rather than an error.
        counts = dict(Value._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"],
        )) if Value.has_access("read") else {}
        for partner in self:
            partner.bank_value_count = counts.get(partner, 0)

    @api.depends_context("uid")
    def _compute_bank_value_latest(self):
        """The newest current snapshot of each customer of the batch, as the user reads them:
        two queries for the batch (the newest month per customer, then those rows)."""
        Value = self.env["bank.customer.value"]
        ids = [partner.id for partner in self if isinstance(partner.id, int) and partner.is_bank_customer]
        latest = {}
        if ids and Value.has_access("read"):
            current = [("partner_id", "in", ids), ("is_current", "=", True)]
            months = {partner.id: month for partner, month in Value._read_group(current, ["partner_id"], ["date:max"])}
            if months:
                for value in Value.search([*current, ("date", "in", list(set(months.values())))]):
                    if months.get(value.partner_id.id) == value.date:
                        latest[value.partner_id.id] = value
        for partner in self:
            value = latest.get(partner.id)
            partner.bank_value_date = value.date if value else False
            partner.bank_value_class = value.value_class if value else False
            partner.bank_value_contribution = value.contribution if value else 0.0

    def action_bank_values(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("bank_relationship_manager.bank_customer_value_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"search_default_current": 1}
        return action

    def _bank_value_snapshot(self, run, corrected_id=None, state="open", return_ids=False):
        """Insert the snapshots of these customers for the run's month by one statement: the
        monthly run's choke point for the rows it creates (docs/guards.md, like the appraisal
        run's ``_bank_insert_drafts``), called after the run checked its caller. A customer who
        has a snapshot of the month already gets none (unless this is a correction of
        ``corrected_id``). Returns the number created (their ids with ``return_ids``)."""
        self.env.flush_all()
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        self.env.cr.execute("SET LOCAL jit = off")
        ids = [row[0] for row in self.env.execute_query(self._bank_value_sql(run, corrected_id, state))]
        self.env["bank.customer.value"].invalidate_model()
        self.invalidate_recordset(["bank_value_ids", "bank_value_count"])
        return ids if return_ids else len(ids)

    def _bank_value_sql(self, run, corrected_id, state):
        start, end = run["start"], run["end"]
        company = run["company"]
        conflict = SQL(
            "ON CONFLICT (partner_id, date) WHERE corrected_id IS NULL DO NOTHING" if not corrected_id else ""
        )
        return SQL(
            """WITH targets AS (SELECT unnest(%(ids)s::int[]) AS partner_id),
               rates AS (SELECT * FROM unnest(%(currencies)s::int[], %(factors)s::float8[]) AS r(currency_id, factor)),
               acc AS (
                   SELECT a.id, a.partner_id, a.category_id, a.kind, r.factor,
                          coalesce(c.margin_rate, 0)::float8 AS margin_rate,
                          coalesce(c.risk_cost_rate, 0)::float8 AS risk_cost_rate
                     FROM targets t
                     JOIN bank_account a ON a.partner_id = t.partner_id
                     JOIN rates r ON r.currency_id = a.currency_id
                     JOIN bank_product_category c ON c.id = a.category_id
               ),
               -- The per-旬 sums of the month and, carried forward into it, the newest row before it
               -- (models/bank_balance_xun.py): a row's last balance holds from its 旬's end until the
               -- day before the next row's first balance.
               xrows AS (
                   SELECT acc.id AS account_id, x.xun_first, x.xun_last, x.day_sum, x.last_balance,
                          x.next_first_date, true AS inside
                     FROM acc JOIN bank_balance_xun x ON x.account_id = acc.id
                                                      AND x.xun_first BETWEEN %(start)s AND %(end)s
                   UNION ALL
                   SELECT acc.id, prev.xun_first, prev.xun_last, 0, prev.last_balance, prev.next_first_date, false
                     FROM acc CROSS JOIN LATERAL (
                          SELECT x.xun_first, x.xun_last, x.last_balance, x.next_first_date FROM bank_balance_xun x
                           WHERE x.account_id = acc.id AND x.xun_first < %(start)s
                           ORDER BY x.xun_first DESC LIMIT 1) prev
               ),
               sums AS (
                   SELECT account_id,
                          sum(CASE WHEN inside THEN day_sum ELSE 0 END
                              + last_balance * greatest(0, least(coalesce(next_first_date - 1, %(end)s), %(end)s)
                                                           - greatest(xun_last + 1, %(start)s) + 1)) AS day_sum,
                          (array_agg(last_balance ORDER BY xun_first DESC))[1] AS end_balance
                     FROM xrows GROUP BY account_id
               ),
               held AS (
                   SELECT acc.partner_id, acc.category_id, acc.kind, acc.margin_rate, acc.risk_cost_rate,
                          abs(s.day_sum) * acc.factor / %(days)s AS average, abs(s.end_balance) * acc.factor AS closing
                     FROM acc JOIN sums s ON s.account_id = acc.id
               ),
               holdings AS (
                   SELECT partner_id,
                          sum(closing) FILTER (WHERE kind IN ('deposit', 'investment')) AS aum,
                          sum(average) FILTER (WHERE kind = 'deposit') AS avg_deposit,
                          sum(average) FILTER (WHERE kind = 'investment') AS avg_investment,
                          sum(average) FILTER (WHERE kind = 'loan') AS avg_loan,
                          sum(closing) FILTER (WHERE kind = 'loan') AS loan_outstanding,
                          count(DISTINCT category_id) FILTER (WHERE closing > 0) AS categories_held,
                          sum(average * margin_rate) / 100 * %(year_share)s AS income,
                          sum(average * risk_cost_rate) FILTER (WHERE kind = 'loan') / 100 * %(year_share)s
                              AS risk_cost
                     FROM held GROUP BY partner_id
               ),
               service AS (
                   SELECT l.partner_id, count(*) AS contacts, sum(coalesce(sc.cost, 0)) AS cost
                     FROM bank_maintenance_log l
                LEFT JOIN bank_service_cost sc ON sc.company_id = l.company_id AND sc.channel = l.channel
                    WHERE l.partner_id = ANY(%(ids)s) AND l.date BETWEEN %(start)s AND %(end)s
                    GROUP BY l.partner_id
               ),
               figures AS (
                   SELECT p.id AS partner_id, p.bank_rm_id, p.bank_unit_id, p.bank_tier_id,
                          coalesce(p.annual_income, 0)::float8 AS annual_income,
                          extract(year FROM age(%(end)s::date, p.birthday)) AS age,
                          coalesce(p.bank_is_potential, false) AS is_potential,
                          coalesce(p.bank_tier_gap, 0)::float8 AS tier_gap,
                          round(coalesce(h.aum, 0)::numeric, 2) AS aum,
                          round(coalesce(h.avg_deposit, 0)::numeric, 2) AS avg_deposit,
                          round(coalesce(h.avg_investment, 0)::numeric, 2) AS avg_investment,
                          round(coalesce(h.avg_loan, 0)::numeric, 2) AS avg_loan,
                          round(coalesce(h.loan_outstanding, 0)::numeric, 2) AS loan_outstanding,
                          coalesce(h.categories_held, 0) AS categories_held,
                          coalesce(sv.contacts, 0) AS contacts,
                          round(coalesce(h.income, 0)::numeric, 2) AS income,
                          round(coalesce(h.risk_cost, 0)::numeric, 2) AS risk_cost,
                          round(coalesce(sv.cost, 0)::numeric, 2) AS service_cost
                     FROM targets t JOIN res_partner p ON p.id = t.partner_id
                LEFT JOIN holdings h ON h.partner_id = t.partner_id
                LEFT JOIN service sv ON sv.partner_id = t.partner_id
               ),
               scored AS (
                   SELECT f.*, f.risk_cost + f.service_cost AS cost,
                          f.income - f.risk_cost - f.service_cost AS contribution,
                          round((
                              25 * least(1, greatest(f.annual_income, 0) / %(income_ref)s)
                              + CASE WHEN f.age IS NULL THEN 0 WHEN f.age < 25 THEN 10 WHEN f.age < 45 THEN 20
                                     WHEN f.age < 60 THEN 15 ELSE 5 END
                              + CASE WHEN f.tier_gap > 0 THEN 20 * f.aum::float8 / (f.aum::float8 + f.tier_gap)
                                     ELSE 0 END
                              + CASE WHEN f.is_potential THEN 15 ELSE 0 END
                              + CASE WHEN %(categories)s > 0
                                     THEN 20 * greatest(%(categories)s - f.categories_held, 0)::float8 / %(categories)s
                                     ELSE 0 END
                          )::numeric, 1) AS potential_score
                     FROM figures f
               ),
               compared AS (
                   SELECT s.*, pv.id AS prev_id, pv.contribution AS prev_c, ly.id AS ly_id, ly.contribution AS ly_c
                     FROM scored s
                LEFT JOIN bank_customer_value pv ON pv.partner_id = s.partner_id AND pv.date = %(prev_end)s
                      AND NOT EXISTS (SELECT 1 FROM bank_customer_value w WHERE w.corrected_id = pv.id)
                LEFT JOIN bank_customer_value ly ON ly.partner_id = s.partner_id AND ly.date = %(ly_end)s
                      AND NOT EXISTS (SELECT 1 FROM bank_customer_value w WHERE w.corrected_id = ly.id)
               )
               INSERT INTO bank_customer_value (
                   partner_id, date, rm_id, unit_id, tier_id, company_id, currency_id, aum, avg_deposit,
                   avg_investment, avg_loan, loan_outstanding, categories_held, contacts, income, risk_cost,
                   service_cost, cost, contribution, prev_value_id, contribution_prev, change_prev, change_prev_pct,
                   last_year_value_id, contribution_last_year, change_last_year, change_last_year_pct,
                   potential_score, value_class, state, corrected_id, create_uid, create_date, write_uid, write_date)
               SELECT c.partner_id, %(end)s, c.bank_rm_id, c.bank_unit_id, c.bank_tier_id, %(company)s, %(currency)s,
                      c.aum, c.avg_deposit, c.avg_investment, c.avg_loan, c.loan_outstanding, c.categories_held,
                      c.contacts, c.income, c.risk_cost, c.service_cost, c.cost, c.contribution,
                      c.prev_id, c.prev_c, c.contribution - c.prev_c,
                      CASE WHEN c.prev_c <> 0 THEN round((c.contribution - c.prev_c) * 100 / abs(c.prev_c), 2) END,
                      c.ly_id, c.ly_c, c.contribution - c.ly_c,
                      CASE WHEN c.ly_c <> 0 THEN round((c.contribution - c.ly_c) * 100 / abs(c.ly_c), 2) END,
                      c.potential_score,
                      CASE WHEN c.contribution < 0 THEN 'loss'
                           WHEN c.potential_score >= %(grow)s::numeric THEN 'grow'
                           WHEN c.prev_c > 0 AND (c.prev_c - c.contribution) * 100 > %(watch)s::numeric * c.prev_c
                                THEN 'watch'
                           ELSE 'keep' END,
                      %(state)s, %(corrected)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM compared c
               %(conflict)s
               RETURNING id""",
            ids=self.ids, currencies=list(run["rates"]), factors=list(run["rates"].values()),
            start=start, end=end, days=(end - start).days + 1, year_share=((end - start).days + 1) / 365.0,
            income_ref=float(run["value_income_reference"]), categories=run["categories"],
            prev_end=start - relativedelta(days=1),
            ly_end=start - relativedelta(years=1) + relativedelta(months=1, days=-1),
            grow=run["value_grow_potential"], watch=run["value_watch_drop_pct"],
            company=company.id, currency=company.currency_id.id, state=state, corrected=corrected_id,
            uid=self.env.uid, now=fields.Datetime.now(), conflict=conflict,
        )
