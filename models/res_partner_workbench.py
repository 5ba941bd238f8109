# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class ResPartner(models.Model):
    """Customers with overdue maintenance, for the unit head's workbench (models/bank_workbench.py).

    Searched with one sub-select on the activities: Odoo's ``activity_state`` search computes every
    activity's state in each assignee's time zone, and a count on ``mail.activity`` checks the access
    to every activity's document; for a unit head of 20,000 customers both took minutes
    (bench/workbench.py). Overdue is against the bank's date, as everywhere in the add-on.
    """

    _inherit = "res.partner"

    bank_has_overdue_activity = fields.Boolean(
        string="Overdue maintenance", compute="_compute_bank_has_overdue_activity",
        search="_search_bank_has_overdue_activity",
        help="An open maintenance activity of the customer is past its deadline (the bank's date).",
    )

    def _bank_overdue_partner_ids_sql(self):
        return SQL(
            """SELECT a.res_id FROM mail_activity a
                 JOIN mail_activity_type t ON t.id = a.activity_type_id AND t.bank_log_type IS NOT NULL
                WHERE a.res_model = 'res.partner' AND a.active AND a.date_deadline < %s""",
            self.env.company._bank_today(),
        )

    def _compute_bank_has_overdue_activity(self):
        overdue = {row[0] for row in self.env.execute_query(SQL(
            "%s AND a.res_id = ANY(%s)", self._bank_overdue_partner_ids_sql(), self.ids,
        ))} if self.ids else set()
        for partner in self:
            partner.bank_has_overdue_activity = partner.id in overdue

    def _search_bank_has_overdue_activity(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Overdue maintenance: search it as true or false."))
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", self._bank_overdue_partner_ids_sql())]
