# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .bank_guard_mixin import value_error

_PARAM = "bank_relationship_manager."
# The value-class rules and the potential score's income reference (docs/value.md), with their defaults.
VALUE_SETTINGS = {
    "value_grow_potential": 60.0,
    "value_watch_drop_pct": 20.0,
    "value_income_reference": 500000.0,
}


class ResConfigSettings(models.TransientModel):
    """The customer value settings (客户价值, docs/value.md) on Odoo's settings screen."""

    _inherit = "res.config.settings"

    bank_value_grow_potential = fields.Float(
        string="Grow: potential score from", config_parameter=_PARAM + "value_grow_potential",
        default=VALUE_SETTINGS["value_grow_potential"],
        help="A customer who does not lose money is to grow when the potential score reaches this (0-100).",
    )
    bank_value_watch_drop_pct = fields.Float(
        string="Watch: contribution fell by more than (%)", config_parameter=_PARAM + "value_watch_drop_pct",
        default=VALUE_SETTINGS["value_watch_drop_pct"],
        help="A customer is to watch when the contribution fell by more than this share of the previous month's.",
    )
    bank_value_income_reference = fields.Float(
        string="Potential: full marks from annual income", config_parameter=_PARAM + "value_income_reference",
        default=VALUE_SETTINGS["value_income_reference"],
        help="An annual income of this amount or more gives the income part of the potential score in full.",
    )

    @api.constrains("bank_value_grow_potential", "bank_value_watch_drop_pct", "bank_value_income_reference")
    def _check_bank_value_settings(self):
        for settings in self:
            if not 0 <= settings.bank_value_grow_potential <= 100:
                raise value_error(settings, "bank_value_grow_potential", self.env._("a score lies between 0 and 100."))
            if not 0 <= settings.bank_value_watch_drop_pct <= 100:
                raise value_error(settings, "bank_value_watch_drop_pct", self.env._(
                    "a share lies between 0 and 100 %."
                ))
            if settings.bank_value_income_reference <= 0:
                raise value_error(settings, "bank_value_income_reference", self.env._("it must be positive."))

    @api.model
    def _bank_value_settings(self):
        """The value settings as numbers (a missing or broken parameter: its default)."""
        # sudo: system parameters are readable by administrators only; these settings are not secret.
        get = self.env["ir.config_parameter"].sudo().get_param
        values = {}
        for key, default in VALUE_SETTINGS.items():
            try:
                values[key] = float(get(_PARAM + key, default))
            except (TypeError, ValueError):
                values[key] = default
        return values
