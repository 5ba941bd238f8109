# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from .bank_maintenance_log import LOG_TYPES


class MailActivityType(models.Model):
    """An activity type of a customer's maintenance writes a maintenance log when done."""

    _inherit = "mail.activity.type"

    bank_log_type = fields.Selection(
        LOG_TYPES,
        string="Maintenance log type",
        help="When set, marking such an activity on a bank customer as done writes a maintenance log "
        "of this type (客户维护档案).",
    )
    bank_default_minutes = fields.Integer(
        string="Default minutes", default=10, help="Minutes logged when the done form does not say."
    )
