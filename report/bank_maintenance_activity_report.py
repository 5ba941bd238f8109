# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL

from ..models.bank_maintenance_log import LOG_TYPES

ACTIVITY_STATUSES = [
    ("planned", "Planned"),
    ("overdue", "Overdue"),
    ("done_on_time", "Done on time"),
    ("done_late", "Done late"),
    ("unplanned", "Contact without plan"),
]


class BankMaintenanceActivityReport(models.Model):
    """Maintenance work of the bank's customers, planned and done, in one table to pivot.

    One row per open maintenance activity on a customer (planned, or overdue past its deadline) and
    one per maintenance log (done on time or late against the deadline of the activity it completed,
    or a contact without plan). A query rather than a stored view: "overdue" is read against the
    bank's date today (models/res_company.py ``_bank_today``), which a view would take from the
    database server's clock. The rows are scoped like the customers they concern
    (security/bank_relationship_manager_security.xml)."""

    _name = "bank.maintenance.activity.report"
    _description = "Maintenance activities analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    # Pending writes to these fields are flushed before the report is read (as bank.vip.time.share).
    _depends = {
        "mail.activity": ["res_model", "res_id", "activity_type_id", "user_id", "date_deadline", "active"],
        "mail.activity.type": ["bank_log_type"],
        "bank.maintenance.log": ["partner_id", "rm_id", "date", "log_type", "activity_type_id",
                                 "activity_deadline", "minutes"],
        "res.partner": ["is_bank_customer", "bank_rm_user_id", "bank_backup_rm_user_id", "bank_unit_id",
                        "bank_tier_id"],
        "bank.rm": ["user_id"],
    }

    source = fields.Selection([("activity", "Open activity"), ("log", "Maintenance log")], readonly=True)
    status = fields.Selection(ACTIVITY_STATUSES, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    rm_id = fields.Many2one(
        "bank.rm", string="RM", readonly=True,
        help="The RM the activity is assigned to, or who made the contact.",
    )
    unit_id = fields.Many2one("bank.org.unit", string="Unit", readonly=True, help="The customer's unit.")
    tier_id = fields.Many2one("bank.vip.tier", string="Customer tier", readonly=True)
    customer_rm_user_id = fields.Many2one("res.users", string="Customer's RM user", readonly=True)
    customer_backup_rm_user_id = fields.Many2one("res.users", string="Customer's backup RM user", readonly=True)
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity type", readonly=True)
    log_type = fields.Selection(LOG_TYPES, string="Kind", readonly=True)
    date_deadline = fields.Date(string="Due on", readonly=True)
    date_done = fields.Date(string="Done on", readonly=True)
    date = fields.Date(readonly=True, help="The due date of an open activity, the day of a contact.")
    days_overdue = fields.Integer(string="Days overdue", readonly=True, aggregator="max")
    minutes = fields.Integer(string="Minutes", readonly=True)
    on_time_rate = fields.Float(
        string="Done on time (%)", readonly=True, aggregator="avg", digits=(16, 1),
        help="Among the planned activities done, the share done by their deadline.",
    )

    @property
    def _table_query(self):
        today = self.env.company._bank_today()
        return SQL(
            """
            SELECT a.id * 2 AS id,
                   'activity' AS source,
                   CASE WHEN a.date_deadline < %(today)s THEN 'overdue' ELSE 'planned' END AS status,
                   p.id AS partner_id, rm.id AS rm_id, p.bank_unit_id AS unit_id, p.bank_tier_id AS tier_id,
                   p.bank_rm_user_id AS customer_rm_user_id, p.bank_backup_rm_user_id AS customer_backup_rm_user_id,
                   a.activity_type_id, t.bank_log_type AS log_type,
                   a.date_deadline, NULL::date AS date_done, a.date_deadline AS date,
                   GREATEST(%(today)s - a.date_deadline, 0) AS days_overdue,
                   0 AS minutes, NULL::numeric AS on_time_rate
              FROM mail_activity a
              JOIN mail_activity_type t ON t.id = a.activity_type_id AND t.bank_log_type IS NOT NULL
              JOIN res_partner p ON p.id = a.res_id AND p.is_bank_customer
              LEFT JOIN bank_rm rm ON rm.user_id = a.user_id
             WHERE a.res_model = 'res.partner' AND a.active
            UNION ALL
            SELECT l.id * 2 + 1 AS id,
                   'log' AS source,
                   CASE WHEN l.activity_deadline IS NULL THEN 'unplanned'
                        WHEN l.date <= l.activity_deadline THEN 'done_on_time'
                        ELSE 'done_late' END AS status,
                   p.id AS partner_id, l.rm_id, p.bank_unit_id AS unit_id, p.bank_tier_id AS tier_id,
                   p.bank_rm_user_id AS customer_rm_user_id, p.bank_backup_rm_user_id AS customer_backup_rm_user_id,
                   l.activity_type_id, l.log_type,
                   l.activity_deadline AS date_deadline, l.date AS date_done, l.date AS date,
                   0 AS days_overdue,
                   l.minutes,
                   CASE WHEN l.activity_deadline IS NULL THEN NULL
                        WHEN l.date <= l.activity_deadline THEN 100.0 ELSE 0.0 END AS on_time_rate
              FROM bank_maintenance_log l
              JOIN res_partner p ON p.id = l.partner_id AND p.is_bank_customer
            """,
            today=today,
        )
