# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL

from ..models.bank_maintenance_band import MAINTENANCE_LEVELS


class BankContactSlaReport(models.Model):
    """Contact-SLA compliance: one row per tiered customer, contacted within the tier's interval or not.

    The interval is the tier's ``contact_interval_days`` (models/bank_vip_tier.py), the one the daily
    planning reads to plan a periodic contact (models/bank_maintenance_plan.py). A query rather than
    a stored view: "within" is read against the bank's date today (models/res_company.py), which a
    view would take from the database server's clock. Rows are scoped like the customers
    (security/bank_relationship_manager_security.xml)."""

    _name = "bank.contact.sla.report"
    _description = "Contact-SLA compliance"
    _auto = False
    _order = "days_past_due desc, id"
    _rec_name = "partner_id"
    _depends = {
        "res.partner": ["is_bank_customer", "active", "bank_tier_id", "bank_rm_id", "bank_rm_user_id",
                        "bank_backup_rm_user_id", "bank_unit_id", "bank_maintenance_level",
                        "bank_last_contact_date"],
        "bank.vip.tier": ["contact_interval_days"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    rm_id = fields.Many2one("bank.rm", string="RM", readonly=True)
    unit_id = fields.Many2one("bank.org.unit", string="Unit", readonly=True)
    tier_id = fields.Many2one("bank.vip.tier", string="Tier", readonly=True)
    maintenance_level = fields.Selection(MAINTENANCE_LEVELS, string="Maintained by", readonly=True)
    customer_rm_user_id = fields.Many2one("res.users", string="Customer's RM user", readonly=True)
    customer_backup_rm_user_id = fields.Many2one("res.users", string="Customer's backup RM user", readonly=True)
    last_contact_date = fields.Date(string="Last contact", readonly=True)
    contact_due_date = fields.Date(
        string="Contact due by", readonly=True,
        help="The last contact plus the tier's contact interval; empty when the customer was never contacted.",
    )
    interval_days = fields.Integer(string="Contact every (days)", readonly=True, aggregator="max")
    days_since_contact = fields.Integer(string="Days since contact", readonly=True, aggregator="max")
    days_past_due = fields.Integer(string="Days past due", readonly=True, aggregator="max")
    customer_count = fields.Integer(string="Customers", readonly=True)
    within_sla = fields.Boolean(string="Within the interval", readonly=True)
    within_rate = fields.Float(
        string="Within the interval (%)", readonly=True, aggregator="avg", digits=(16, 1),
        help="The share of the tiered customers contacted within their tier's interval.",
    )

    @property
    def _table_query(self):
        today = self.env.company._bank_today()
        return SQL(
            """
            SELECT p.id, p.id AS partner_id, 1 AS customer_count, p.bank_rm_id AS rm_id, p.bank_unit_id AS unit_id,
                   p.bank_tier_id AS tier_id, p.bank_maintenance_level AS maintenance_level,
                   p.bank_rm_user_id AS customer_rm_user_id, p.bank_backup_rm_user_id AS customer_backup_rm_user_id,
                   p.bank_last_contact_date AS last_contact_date,
                   p.bank_last_contact_date + t.contact_interval_days AS contact_due_date,
                   t.contact_interval_days AS interval_days,
                   %(today)s - p.bank_last_contact_date AS days_since_contact,
                   CASE WHEN p.bank_last_contact_date IS NULL THEN NULL
                        ELSE GREATEST(%(today)s - p.bank_last_contact_date - t.contact_interval_days, 0)
                   END AS days_past_due,
                   COALESCE(p.bank_last_contact_date >= %(today)s - t.contact_interval_days, FALSE) AS within_sla,
                   CASE WHEN p.bank_last_contact_date >= %(today)s - t.contact_interval_days THEN 100.0
                        ELSE 0.0 END AS within_rate
              FROM res_partner p
              JOIN bank_vip_tier t ON t.id = p.bank_tier_id
             WHERE p.is_bank_customer AND p.active
            """,
            today=today,
        )
