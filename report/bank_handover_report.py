# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL

from ..models.bank_handover import STATES


class BankHandoverReport(models.Model):
    """Handover analysis: one row per handover (models/bank_handover.py) with the customers and dossiers
    on its list, by state, outgoing RM, successor, unit and month.

    The counts are those of the handover list (models/bank_handover_line.py): customers of whom the
    outgoing RM is the primary RM, customers they back up, and physical dossiers. A query rather than
    stored counts on the handover: the lines are written by the handover's actions in bulk. Rows are
    scoped exactly as the handovers' read rules (security/bank_handover_security.xml), repeated in
    security/bank_reporting_security.xml on the same stored fields."""

    _name = "bank.handover.report"
    _description = "Handover analysis"
    _auto = False
    _order = "requested_at desc, id desc"
    _rec_name = "handover_id"
    _depends = {
        "bank.handover": ["name", "state", "outgoing_rm_id", "outgoing_user_id", "incoming_rm_id",
                          "incoming_user_id", "unit_id", "incoming_unit_id", "supervisor_id", "center_head_id",
                          "reason", "done_at", "company_id", "create_date"],
        "bank.handover.line": ["handover_id", "line_type", "rm_role", "partner_id", "dossier_id"],
    }

    handover_id = fields.Many2one("bank.handover", string="Handover", readonly=True)
    state = fields.Selection(STATES, string="Status", readonly=True)
    reason = fields.Selection(
        [("resignation", "Resignation"), ("transfer", "Transfer"), ("promotion", "Promotion"), ("other", "Other")],
        readonly=True,
    )
    outgoing_rm_id = fields.Many2one("bank.rm", string="Outgoing RM", readonly=True)
    incoming_rm_id = fields.Many2one("bank.rm", string="Successor RM", readonly=True)
    unit_id = fields.Many2one("bank.org.unit", string="Unit", readonly=True)
    incoming_unit_id = fields.Many2one("bank.org.unit", string="Successor's unit", readonly=True)
    # The fields the read rules compare to the user, as on the handover.
    outgoing_user_id = fields.Many2one("res.users", string="Outgoing RM user", readonly=True)
    incoming_user_id = fields.Many2one("res.users", string="Incoming RM user", readonly=True)
    supervisor_id = fields.Many2one("res.users", string="RM supervisor (witness)", readonly=True)
    center_head_id = fields.Many2one("res.users", string="Wealth-centre head (witness)", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    requested_at = fields.Datetime(string="Requested on", readonly=True)
    done_at = fields.Datetime(string="Done on", readonly=True)
    handover_count = fields.Integer(string="Handovers", readonly=True)
    customer_count = fields.Integer(string="Customers (primary)", readonly=True)
    backup_customer_count = fields.Integer(string="Customers (backup)", readonly=True)
    dossier_count = fields.Integer(string="Dossiers", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT h.id, h.id AS handover_id, h.state, h.reason, h.outgoing_rm_id, h.incoming_rm_id, h.unit_id,
                   h.incoming_unit_id, h.outgoing_user_id, h.incoming_user_id, h.supervisor_id, h.center_head_id,
                   h.company_id, h.create_date AS requested_at, h.done_at, 1 AS handover_count,
                   coalesce(l.customer_count, 0) AS customer_count,
                   coalesce(l.backup_customer_count, 0) AS backup_customer_count,
                   coalesce(l.dossier_count, 0) AS dossier_count
              FROM bank_handover h
              LEFT JOIN (
                    SELECT handover_id,
                           count(*) FILTER (WHERE line_type = 'customer' AND rm_role = 'primary') AS customer_count,
                           count(*) FILTER (WHERE line_type = 'customer' AND rm_role = 'backup')
                               AS backup_customer_count,
                           count(*) FILTER (WHERE line_type = 'dossier') AS dossier_count
                      FROM bank_handover_line
                     GROUP BY handover_id
                   ) l ON l.handover_id = h.id
            """
        )
