# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .bank_guard_mixin import guard_error


class BankAppraisalCampaignLine(models.Model):
    """One RM on a campaign's leaderboard: the KPI's actual over the period and the rank.

    A register of the campaign's compute (models/bank_appraisal_campaign.py): every field is the
    system's, made through ``_bank_system_create`` and replaced only while the campaign is a draft;
    once the campaign is published the line is sealed for everyone, the superuser included."""

    _name = "bank.appraisal.campaign.line"
    _description = "Special campaign leaderboard line"
    _inherit = ["bank.guard.mixin"]
    _order = "rank, id"
    _bank_state_field = "campaign_state"
    _bank_action_fields = frozenset({
        "campaign_id", "campaign_state", "rm_id", "rm_user_id", "unit_id", "actual", "rank", "lagging",
    })
    _bank_sealed_fields = frozenset({"campaign_id", "rm_id", "rm_user_id", "unit_id", "actual", "rank", "lagging"})
    _bank_sealed_states = frozenset({"published"})

    campaign_id = fields.Many2one("bank.appraisal.campaign", string="Campaign", required=True, index=True,
                                  ondelete="cascade", readonly=True)
    # Stored for the record rules (an action field, docs/guards.md).
    campaign_state = fields.Selection(related="campaign_id.state", store=True, string="Campaign state")
    kpi_id = fields.Many2one(related="campaign_id.kpi_id")
    rm_id = fields.Many2one("bank.rm", string="RM", required=True, index=True, readonly=True, ondelete="restrict")
    rm_user_id = fields.Many2one("res.users", string="RM user", index=True, readonly=True)
    unit_id = fields.Many2one("bank.org.unit", string="Unit", readonly=True,
                              help="The RM's unit when the campaign was computed.")
    actual = fields.Float(readonly=True, digits=(16, 2))
    rank = fields.Integer(string="Ranking", readonly=True, help="Competition rank in the campaign (1, 2, 2, 4).")
    lagging = fields.Boolean(readonly=True, help="In the bottom quarter of the ranking: encouraged by the supervisor.")
    is_mine = fields.Boolean(string="Me", compute="_compute_is_mine")

    @api.depends_context("uid")
    def _compute_is_mine(self):
        for line in self:
            line.is_mine = line.rm_user_id == self.env.user

    @api.model
    def _bank_may_create(self):
        if not self.env.su:
            return self.env._("the leaderboard is made by the campaign's compute, not by hand.")
        return None

    def _bank_may_unlink(self):
        return self.env._("the leaderboard is replaced by the campaign's compute, not by hand.")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        """A published leaderboard is kept, the superuser included."""
        for line in self:
            if line.campaign_state == "published":
                raise guard_error(line, None, self.env._("the campaign is published: its leaderboard is kept."))
