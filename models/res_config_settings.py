# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

_PARAM = "bank_relationship_manager."


class ResConfigSettings(models.TransientModel):
    """The maintenance-planning settings of Relationship Banking, on Odoo's settings screen."""

    _inherit = "res.config.settings"

    bank_tz = fields.Selection(related="company_id.bank_tz", readonly=False)
    bank_birthday_greeting_days = fields.Integer(
        string="Birthday greeting (days before)", config_parameter=_PARAM + "birthday_greeting_days", default=3
    )
    bank_holiday_greeting_days = fields.Integer(
        string="Holiday greeting (days before)", config_parameter=_PARAM + "holiday_greeting_days", default=3
    )
    bank_maturity_followup_days = fields.Integer(
        string="Maturity follow-up (days before)", config_parameter=_PARAM + "maturity_followup_days", default=7
    )
    bank_contact_interval_days = fields.Integer(
        string="Contact interval without tier (days)", config_parameter=_PARAM + "contact_interval_days",
        default=90,
    )
    bank_vip_time_share_target = fields.Float(
        string="VIP time share target", config_parameter=_PARAM + "vip_time_share_target", default=0.7,
        help="Share of logged minutes an RM should spend on tiered customers (0.7 = 70 %).",
    )

    @api.constrains(
        "bank_birthday_greeting_days", "bank_holiday_greeting_days", "bank_maturity_followup_days",
        "bank_contact_interval_days", "bank_vip_time_share_target",
    )
    def _check_bank_planning_settings(self):
        for settings in self:
            for name in ("bank_birthday_greeting_days", "bank_holiday_greeting_days", "bank_maturity_followup_days"):
                if not 0 <= settings[name] <= 60:
                    raise ValidationError(self.env._(
                        "Settings: %(field)s must be between 0 and 60 days.", field=self._fields[name].string
                    ))
            if not 1 <= settings.bank_contact_interval_days <= 3660:
                raise ValidationError(self.env._(
                    "Settings: the contact interval without tier must be between 1 and 3660 days."
                ))
            if not 0 < settings.bank_vip_time_share_target <= 1:
                raise ValidationError(self.env._(
                    "Settings: the VIP time share target must be a share above 0 and at most 1 (0.7 = 70 %)."
                ))
