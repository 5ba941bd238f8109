# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .bank_maintenance_band import MAINTENANCE_LEVELS


class BankConfigChangePreview(models.Model):
    """One row of a change request's what-if: how many customers would enter, leave or stay in
    a tier or a maintenance level, computed when the change was submitted."""

    _name = "bank.config.change.preview"
    _description = "Configuration change: effect on customers"
    _inherit = ["bank.guard.mixin"]
    _order = "change_id, id"
    # The guard (models/bank_guard_mixin.py): written by the change's submission only.
    _bank_action_fields = frozenset({"change_id", "kind", "subject", "tier_id", "level", "movement", "count",
                                     "partner_ids"})

    change_id = fields.Many2one("bank.config.change", required=True, index=True, ondelete="cascade")
    kind = fields.Selection([("tier", "Tier"), ("level", "Maintenance level")], required=True)
    subject = fields.Char(string="Tier or level")
    tier_id = fields.Many2one("bank.vip.tier", string="Tier", ondelete="set null")
    level = fields.Selection(MAINTENANCE_LEVELS, string="Maintenance level")
    movement = fields.Selection([("enter", "Would enter"), ("leave", "Would leave"), ("stay", "Would stay")])
    count = fields.Integer()
    partner_ids = fields.Many2many("res.partner", string="Customers (first 20)")

    @api.model
    def _bank_may_create(self):
        return self.env._("it is computed when the change request is submitted.")
