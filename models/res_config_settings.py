# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math

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

    # Customer state and post-loan checks (models/res_partner_state.py, models/bank_post_loan.py).
    bank_assets_falling_months = fields.Integer(
        string="Assets falling: month-end drops", config_parameter=_PARAM + "assets_falling_months", default=3,
        help="A customer's assets are falling when their AUM dropped at this many consecutive month-ends.",
    )
    bank_dormant_days = fields.Integer(
        string="Dormant after (days)", config_parameter=_PARAM + "dormant_days", default=180,
        help="A customer is dormant when no balance of theirs changed for this many days.",
    )
    bank_loan_alarm_days = fields.Integer(
        string="Loan alarm beyond (days overdue)", config_parameter=_PARAM + "loan_alarm_days", default=10,
        help="A loan overdue for more days than this is an alarm for the unit head too (10: day 11 is an alarm).",
    )
    bank_post_loan_min_amount = fields.Float(
        string="Post-loan checks from (contract amount)", config_parameter=_PARAM + "post_loan_min_amount",
        default=100000, help="Loans of at least this contract amount (company currency) get periodic post-loan checks.",
    )
    bank_post_loan_interval_days = fields.Integer(
        string="Post-loan check interval (days)", config_parameter=_PARAM + "post_loan_interval_days", default=90,
    )

    # The appraisal (models/res_company_appraisal.py): company fields checked together by the
    # company's constraint (the three annual weights add up to 100). Not related fields like
    # bank_tz: their inverse writes the company one field at a time, so changing the weights would
    # trip the constraint halfway; ``set_values`` writes them in one ``write``. Only system
    # administrators (base.group_system) reach this screen.
    bank_appraisal_cap = fields.Float(string="Default achievement cap (%)")
    bank_annual_weight_monthly = fields.Float(string="Annual weight of the monthly scores (%)")
    bank_annual_weight_peer = fields.Float(string="Annual weight of the peer review (%)")
    bank_annual_weight_supervisor = fields.Float(string="Annual weight of the supervisor (%)")
    bank_bottom_share = fields.Float(string="Bottom share (%)")
    bank_bottom_count = fields.Integer(string="Bottom count")
    bank_bottom_min_ranked = fields.Integer(string="Flag at least one from")

    def _bank_appraisal_setting_names(self):
        return [
            "bank_appraisal_cap", "bank_annual_weight_monthly", "bank_annual_weight_peer",
            "bank_annual_weight_supervisor", "bank_bottom_share", "bank_bottom_count", "bank_bottom_min_ranked",
        ]

    @api.model
    def get_values(self):
        values = super().get_values()
        company = self.env.company
        values.update({name: company[name] for name in self._bank_appraisal_setting_names()})
        return values

    def set_values(self):
        super().set_values()
        values = {name: self[name] for name in self._bank_appraisal_setting_names()}
        company = self.company_id
        if any(company[name] != value for name, value in values.items()):
            company.write(values)

    @api.constrains(
        "bank_assets_falling_months", "bank_dormant_days", "bank_loan_alarm_days", "bank_post_loan_min_amount",
        "bank_post_loan_interval_days",
    )
    def _check_bank_state_settings(self):
        for settings in self:
            if not 1 <= settings.bank_assets_falling_months <= 12:
                raise ValidationError(self.env._(
                    "Settings: the month-end drops of falling assets must be between 1 and 12."
                ))
            if not 1 <= settings.bank_dormant_days <= 3660:
                raise ValidationError(self.env._("Settings: the dormant days must be between 1 and 3660."))
            if not 0 <= settings.bank_loan_alarm_days <= 365:
                raise ValidationError(self.env._(
                    "Settings: the days overdue of a loan alarm must be between 0 and 365."
                ))
            amount = settings.bank_post_loan_min_amount
            if not (math.isfinite(amount) and amount > 0):
                raise ValidationError(self.env._(
                    "Settings: the contract amount of post-loan checks must be a finite amount above 0."
                ))
            if not 1 <= settings.bank_post_loan_interval_days <= 3660:
                raise ValidationError(self.env._(
                    "Settings: the post-loan check interval must be between 1 and 3660 days."
                ))

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
