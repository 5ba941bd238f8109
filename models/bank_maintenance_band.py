# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAINTENANCE_LEVELS = [("rm", "RM"), ("sub_branch", "Sub-branch"), ("branch", "Branch")]


class BankMaintenanceBand(models.Model):
    """Who maintains a customer, by assets (维护层级): a band starts at ``aum_from``.

    The customer's level is the band with the highest start their AUM reaches; whether the
    start itself belongs to the band is ``from_inclusive`` (the seed: 1,000,000 is already
    sub-branch, 5,000,000 still sub-branch, above it branch).
    """

    _name = "bank.maintenance.band"
    _description = "Maintenance band"
    _order = "aum_from, id"
    _inherit = ["bank.config.mixin"]
    # Four eyes (models/bank_config_mixin.py): who maintains a customer, by assets.
    _bank_action_fields = frozenset({"level", "aum_from", "from_inclusive", "active"})

    name = fields.Char(required=True, translate=True)
    level = fields.Selection(MAINTENANCE_LEVELS, required=True)
    aum_from = fields.Monetary(string="AUM from", required=True, default=0.0)
    from_inclusive = fields.Boolean(string="Including the start", default=True)
    # Bands compare the customer's AUM, which is in company currency: the band's amount is too. A stored
    # currency would keep the one of the day the data was loaded (USD before the bank set CNY).
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    active = fields.Boolean(default=True)

    @api.depends_context("company")
    def _compute_currency_id(self):
        self.currency_id = self.env.company.currency_id

    @api.constrains("aum_from")
    def _check_aum_from(self):
        for band in self:
            if not math.isfinite(band.aum_from) or band.aum_from < 0:
                raise ValidationError(
                    self.env._("Band %(band)s: AUM from must be a finite amount of zero or more.", band=band.name)
                )

    @api.model
    def _level_for(self, bands, aum):
        """The level of ``aum`` among ``bands`` given as (aum_from, from_inclusive, level), sorted by start."""
        level = False
        for aum_from, inclusive, band_level in bands:
            if aum > aum_from or (inclusive and aum == aum_from):
                level = band_level
        return level
