# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import format_date

from .bank_guard_mixin import guard_error


class BankTierHistory(models.Model):
    """One change of a customer's tier, with the figures that decided it. Never rewritten."""

    _name = "bank.tier.history"
    _description = "Tier change"
    _inherit = ["bank.guard.mixin"]
    _order = "date desc, id desc"
    _allow_sudo_commands = False
    # Append-only (docs/guards.md): written by the tier engine through _bank_system_create.
    _bank_action_fields = frozenset({"partner_id", "date", "old_tier_id", "new_tier_id", "reason"})

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    date = fields.Date(required=True, index=True)
    old_tier_id = fields.Many2one("bank.vip.tier", string="From tier", ondelete="restrict")
    new_tier_id = fields.Many2one("bank.vip.tier", string="To tier", ondelete="restrict")
    reason = fields.Text(required=True)
    # Stored for the dashboard's "tier changes per month" chart and the analyses: grouped by in SQL.
    direction = fields.Selection(
        [("up", "Up"), ("down", "Down")], compute="_compute_direction", store=True,
        help="Up: the customer reached a tier of higher rank (or a first tier); down: a lower one or none.",
    )

    # Not on the ranks: the direction is that of the day of the change, like the rest of the row.
    @api.depends("old_tier_id", "new_tier_id")
    def _compute_direction(self):
        for change in self:
            old_rank = change.old_tier_id.rank if change.old_tier_id else None
            new_rank = change.new_tier_id.rank if change.new_tier_id else None
            if new_rank is None:
                change.direction = "down"
            elif old_rank is None or new_rank > old_rank:
                change.direction = "up"
            else:
                change.direction = "down"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise guard_error(self, "new_tier_id", self.env._("tier changes are written by the tier evaluation only."))
        records = super().create(vals_list)
        records._bank_open_dossiers()
        return records

    def write(self, vals):
        # Not even as superuser: the history is appended, never rewritten.
        raise guard_error(self, sorted(vals)[0] if vals else "reason", self.env._("tier history cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise guard_error(self, "reason", self.env._("tier history cannot be deleted."))

    def _bank_open_dossiers(self):
        """Customers who reach a tier for the first time get a draft dossier for their RM to
        compile (客户档案的建立): one search for those who have one, one create for the rest."""
        reached = self.filtered("new_tier_id")
        if not reached:
            return
        # sudo: the tier engine writes history as superuser; the dossier is the bank's, not the caller's.
        Dossier = self.env["bank.dossier"].sudo()
        for day, rows in reached.grouped("date").items():
            Dossier._bank_open_for_partners(
                rows.partner_id,
                open_date=day,
                reason=self.env._("first reached a tier on %(date)s", date=format_date(self.env, day)),
            )
