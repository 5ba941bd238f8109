# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customer's written value analyses (models/bank_value_analysis.py) on the customer form."""
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    bank_value_analysis_ids = fields.One2many("bank.value.analysis", "partner_id", string="Value analyses")
    bank_value_analysis_count = fields.Integer(
        string="Number of value analyses", compute="_compute_bank_value_analysis_count"
    )

    @api.depends("bank_value_analysis_ids")
    def _compute_bank_value_analysis_count(self):
        Analysis = self.env["bank.value.analysis"]
        # Users without access to the analyses (HR, plain users) see no count rather than an error.
        counts = dict(Analysis._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"],
        )) if Analysis.has_access("read") else {}
        for partner in self:
            partner.bank_value_analysis_count = counts.get(partner, 0)

    def action_bank_value_analyses(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_relationship_manager.bank_value_analysis_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {}
        return action
