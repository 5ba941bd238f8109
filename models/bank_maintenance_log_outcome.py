# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .bank_maintenance_log import BankMaintenanceLog as _BankLog

# The customer's satisfaction (客户满意度, seed 003), asked at the post-sale follow-up and when a
# complaint is closed.
SATISFACTION_LEVELS = [
    ("1", "Very dissatisfied"),
    ("2", "Dissatisfied"),
    ("3", "Neutral"),
    ("4", "Satisfied"),
    ("5", "Very satisfied"),
]

CHECK_MODES = [("on_site", "On site"), ("off_site", "Off site")]


class BankMaintenanceLog(models.Model):
    """What a contact found out: the customer's satisfaction (post-sale follow-up) and the outcome
    of a post-loan check (贷后检查, seed 004: on site or off site, findings, risk signal raised)."""

    _inherit = "bank.maintenance.log"
    # The guard (models/bank_guard_mixin.py): the loan checked stays the one the check was for.
    _bank_fixed_fields = _BankLog._bank_fixed_fields | {"account_id"}

    account_id = fields.Many2one(
        "bank.account", string="Loan checked", index="btree_not_null", ondelete="restrict",
        help="Post-loan checks: the loan the check was planned for.",
    )
    check_mode = fields.Selection(CHECK_MODES, string="Check", help="Post-loan checks: on site or off site.")
    findings = fields.Text(help="Post-loan checks: what the check found (use of funds, business, collateral).")
    risk_signal = fields.Boolean(
        string="Risk signal raised", help="Post-loan checks: the check raised a risk warning signal (风险预警信号).",
    )
    satisfaction = fields.Selection(SATISFACTION_LEVELS, string="Satisfaction", index="btree_not_null")

    @api.constrains("account_id", "partner_id")
    def _check_account_of_customer(self):
        for log in self:
            if log.account_id and log.account_id.partner_id != log.partner_id:
                raise ValidationError(self.env._(
                    "Maintenance log %(log)s: the loan checked %(account)s is not an account of %(customer)s "
                    "(field Loan checked).",
                    log=log.summary, account=log.account_id.account_no, customer=log.partner_id.display_name,
                ))
