# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL


class BankVipTimeShare(models.Model):
    """Per RM and month, the share of logged contact minutes spent on tiered customers.

    The seed (001) asks RMs to spend at least 70 % of their time on VIP customers; the tier is the
    one the customer had when the contact was logged."""

    _name = "bank.vip.time.share"
    _description = "VIP time share"
    _auto = False
    _order = "month desc, rm_id"
    # Pending writes to these fields are flushed before the view is read (as Odoo's
    # account.invoice.report does): a log written in the same transaction is counted at once.
    _depends = {
        "bank.maintenance.log": ["rm_id", "date", "minutes", "tier_id"],
        "bank.rm": ["user_id", "unit_id"],
    }

    rm_id = fields.Many2one("bank.rm", string="RM", readonly=True)
    rm_user_id = fields.Many2one("res.users", string="RM user", readonly=True)
    unit_id = fields.Many2one("bank.org.unit", string="Unit", readonly=True)
    month = fields.Date(readonly=True)
    minutes_total = fields.Integer(string="Minutes logged", readonly=True)
    minutes_vip = fields.Integer(string="Minutes on tiered customers", readonly=True)
    contact_count = fields.Integer(string="Contacts", readonly=True)
    vip_share = fields.Float(string="VIP time share (%)", readonly=True, aggregator="avg", digits=(16, 1))
    target = fields.Float(string="Target (%)", compute="_compute_target", digits=(16, 1))
    meets_target = fields.Boolean(compute="_compute_target")

    def _compute_target(self):
        target = self.env["bank.rm"]._vip_time_share_target() * 100
        for row in self:
            row.target = target
            row.meets_target = row.vip_share >= target

    @property
    def _table_query(self):
        return SQL("""
            SELECT MIN(l.id) AS id, l.rm_id, rm.user_id AS rm_user_id, rm.unit_id,
                   date_trunc('month', l.date)::date AS month,
                   SUM(l.minutes) AS minutes_total,
                   SUM(l.minutes) FILTER (WHERE l.tier_id IS NOT NULL) AS minutes_vip,
                   COUNT(*) AS contact_count,
                   ROUND(100.0 * COALESCE(SUM(l.minutes) FILTER (WHERE l.tier_id IS NOT NULL), 0)
                         / NULLIF(SUM(l.minutes), 0), 1) AS vip_share
              FROM bank_maintenance_log l
              JOIN bank_rm rm ON rm.id = l.rm_id
             GROUP BY l.rm_id, rm.user_id, rm.unit_id, date_trunc('month', l.date)
        """)
