# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from .bank_maintenance_log import CONTACT_CHANNELS, LOG_TYPES


class BankWeeklySummaryLine(models.Model):
    """One figure of a weekly summary: the week's contacts of one channel or of one type."""

    _name = "bank.weekly.summary.line"
    _description = "Weekly summary breakdown"
    _inherit = ["bank.guard.mixin"]
    _order = "summary_id, kind, contact_count desc, id"
    # Figures of the summary's actions (models/bank_guard_mixin.py): nobody types them.
    _bank_action_fields = frozenset({
        "summary_id", "kind", "channel", "log_type", "contact_count", "minutes", "rm_id", "date_from",
    })

    summary_id = fields.Many2one("bank.weekly.summary", required=True, index=True, ondelete="cascade")
    kind = fields.Selection([("channel", "By channel"), ("type", "By type")], required=True)
    channel = fields.Selection(CONTACT_CHANNELS)
    log_type = fields.Selection(LOG_TYPES, string="Type")
    contact_count = fields.Integer(string="Contacts")
    minutes = fields.Integer()
    # Stored copies for the rules and the pivot.
    rm_id = fields.Many2one(related="summary_id.rm_id", store=True, index=True)
    date_from = fields.Date(related="summary_id.date_from", store=True, string="Week of")
