# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from .bank_maintenance_log_outcome import SATISFACTION_LEVELS


class BankComplaint(models.Model):
    """The customer's satisfaction with how the complaint was handled, asked when it is closed."""

    _inherit = "bank.complaint"
    # The guard (models/bank_guard_mixin.py): recorded by whoever closes the case (the unit head or
    # a supervisor) while it is resolved; read-only once closed (a locked state).
    _bank_field_steps = {"satisfaction": "close"}

    satisfaction = fields.Selection(
        SATISFACTION_LEVELS, string="Customer satisfaction", tracking=True,
        help="Asked when the case is closed: how satisfied the customer is with the answer.",
    )
