# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import SQL

from .bank_maintenance_log_outcome import SATISFACTION_LEVELS

SATISFACTION_TRENDS = [("up", "Improving"), ("same", "Steady"), ("down", "Worsening")]


class ResPartner(models.Model):
    """The customer's satisfaction (客户满意度管理, seed 003): the latest answer, from the post-sale
    follow-ups and other contacts logged with one and from closed complaints, and its trend (the
    latest against the one before)."""

    _inherit = "res.partner"

    bank_satisfaction = fields.Selection(
        SATISFACTION_LEVELS, string="Satisfaction", compute="_compute_bank_satisfaction",
        help="The customer's latest answer, at a follow-up or when a complaint was closed.",
    )
    bank_satisfaction_date = fields.Date(string="Satisfaction asked on", compute="_compute_bank_satisfaction")
    bank_satisfaction_trend = fields.Selection(
        SATISFACTION_TRENDS, string="Satisfaction trend", compute="_compute_bank_satisfaction",
        help="The latest answer against the one before.",
    )

    @api.depends_context("uid")
    def _compute_bank_satisfaction(self):
        customers = self.filtered(lambda partner: partner.is_bank_customer and partner.id)
        answers = self._bank_satisfaction_by_partner(customers.ids) if customers else {}
        for partner in self:
            latest, previous, day = answers.get(partner.id, (False, False, False))
            partner.bank_satisfaction = latest
            partner.bank_satisfaction_date = day
            partner.bank_satisfaction_trend = latest and previous and (
                "up" if latest > previous else "down" if latest < previous else "same"
            )

    @api.model
    def _bank_satisfaction_by_partner(self, partner_ids, date=None):
        """``{partner_id: (latest, previous, latest_date)}`` of the answers given on or before
        ``date`` (default: all), in one query for all the customers (the value snapshots read it too)."""
        self.env["bank.maintenance.log"].flush_model(["partner_id", "date", "satisfaction"])
        self.env["bank.complaint"].flush_model(["partner_id", "date_closed", "satisfaction", "state"])
        limit = SQL("AND day <= %s", date) if date else SQL()
        rows = self.env.execute_query(SQL(
            """WITH answers AS (
                   SELECT partner_id, date AS day, satisfaction, id, 1 AS source FROM bank_maintenance_log
                    WHERE partner_id = ANY(%(ids)s) AND satisfaction IS NOT NULL
                   UNION ALL
                   SELECT partner_id, date_closed, satisfaction, id, 2 FROM bank_complaint
                    WHERE partner_id = ANY(%(ids)s) AND satisfaction IS NOT NULL AND state = 'closed'
                      AND date_closed IS NOT NULL
               ), ranked AS (
                   SELECT partner_id, day, satisfaction,
                          row_number() OVER (PARTITION BY partner_id ORDER BY day DESC, source DESC, id DESC) AS n
                     FROM answers WHERE TRUE %(limit)s
               )
               SELECT partner_id, n, satisfaction, day FROM ranked WHERE n <= 2""",
            ids=list(partner_ids), limit=limit,
        ))
        result = {}
        for partner_id, n, satisfaction, day in rows:
            latest, previous, latest_day = result.get(partner_id, (False, False, False))
            if n == 1:
                result[partner_id] = (satisfaction, previous, day)
            else:
                result[partner_id] = (latest, satisfaction, latest_day)
        return result
