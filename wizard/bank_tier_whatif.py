# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import dataclasses

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.res_company import bank_today

# Customers listed per tier and movement in the preview (the counts are always complete).
_LISTED = 20


class _SameForEveryLanguage(dict):
    """The rule-set cache of the engine, answering one draft rule set for every language."""

    def __init__(self, rule_set):
        super().__init__()
        self.rule_set = rule_set

    def __contains__(self, lang):
        return True

    def __getitem__(self, lang):
        return self.rule_set


class BankTierWhatif(models.TransientModel):
    """Change thresholds on a copy of the rules and see who would enter or leave each tier
    before applying: the preview runs the engine of the nightly evaluation on every customer."""

    _name = "bank.tier.whatif"
    _description = "Tier what-if"
    _inherit = ["bank.guard.mixin"]

    date = fields.Date(required=True, default=bank_today)
    line_ids = fields.One2many("bank.tier.whatif.line", "wizard_id", string="Thresholds")
    result_ids = fields.One2many("bank.tier.whatif.result", "wizard_id", string="Effect", readonly=True)
    previewed = fields.Boolean(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "line_ids" in fields_list:
            conditions = self.env["bank.tier.condition"].search([("rule_id.active", "=", True)])
            values["line_ids"] = [
                fields.Command.create({"condition_id": c.id, "new_amount": c.amount}) for c in conditions
            ]
        return values

    def _draft_rule_set(self):
        """The engine's rule set with the new thresholds, converted like the real ones."""
        self.ensure_one()
        engine = self.env["bank.tier.engine"]
        rule_set = engine._rule_set(self.date)
        new_amounts = {line.condition_id.id: line for line in self.line_ids}
        by_rule = {rule.id: rule for tier in rule_set for rule in tier.rules}
        for rule_id, rule in by_rule.items():
            records = self.env["bank.tier.rule"].browse(rule_id).condition_ids
            for index, record in enumerate(records):
                line = new_amounts.get(record.id)
                if line and line.new_amount != record.amount:
                    factor = rule.conditions[index].amount / record.amount
                    rule.conditions[index] = dataclasses.replace(rule.conditions[index],
                                                                 amount=line.new_amount * factor)
        return rule_set

    @api.model
    def _count_moves(self, rule_set, date, bands=None):
        """Who would move with ``rule_set``: ``{(tier_id, movement): partner ids}``, and with
        ``bands`` (``(aum_from, from_inclusive, level)`` sorted by start) also
        ``{(level, movement): partner ids}`` of the maintenance levels, keyed by the level's code.
        Every customer goes through the engine of the nightly evaluation; the customers are
        handled by id and never read as records (a million of them would fill the ORM cache:
        docs/scaling.md, "A million customers evaluated on demand")."""
        engine = self.env["bank.tier.engine"]
        Band = self.env["bank.maintenance.band"]
        Partner = self.env["res.partner"].with_context(active_test=False)
        customer_ids = list(Partner._search([("is_bank_customer", "=", True)], order="id"))
        moves = {}  # (tier_id or level, kind) -> partner ids
        for start in range(0, len(customer_ids), 2000):
            states, decisions = engine._decide_batch(
                customer_ids[start:start + 2000], date, _SameForEveryLanguage(rule_set), explain=False, counting=True
            )
            for partner_id, decision in decisions.items():
                if bands is not None:
                    old_level, new_level = states[partner_id]["level"], Band._level_for(bands, decision["aum"])
                    if old_level != new_level:
                        if old_level:
                            moves.setdefault((old_level, "leave"), []).append(partner_id)
                        if new_level:
                            moves.setdefault((new_level, "enter"), []).append(partner_id)
                old, new = states[partner_id]["tier_id"] or False, decision["tier_id"]
                if old == new:
                    if old:
                        moves.setdefault((old, "stay"), []).append(partner_id)
                    continue
                if old:
                    moves.setdefault((old, "leave"), []).append(partner_id)
                if new:
                    moves.setdefault((new, "enter"), []).append(partner_id)
        return moves

    def action_preview(self):
        self.ensure_one()
        self.line_ids._check_new_amount()
        moves = self._count_moves(self._draft_rule_set(), self.date)
        self.result_ids.unlink()
        self.write({
            "previewed": True,
            "result_ids": [
                fields.Command.create({
                    "tier_id": tier_id,
                    "movement": kind,
                    "count": len(ids),
                    "partner_ids": [fields.Command.set(ids[:_LISTED])],
                })
                for (tier_id, kind), ids in sorted(moves.items())
            ],
        })
        return self._reopen()

    def action_propose(self):
        """Draft a change request with the changed thresholds: they apply once a second
        administrator approves it (models/bank_config_change.py)."""
        self.ensure_one()
        self.line_ids._check_new_amount()
        changed = self.line_ids.filtered(lambda line: line.new_amount != line.condition_id.amount)
        if not changed:
            raise UserError(self.env._("No threshold was changed (field New threshold)."))
        change = self.env["bank.config.change"].create({
            "name": self.env._("New thresholds: %(rules)s", rules=", ".join(changed.rule_id.mapped("name"))),
            "line_ids": [
                fields.Command.create({
                    "res_model": "bank.tier.condition",
                    "res_id": line.condition_id.id,
                    "values": {"amount": line.new_amount},
                })
                for line in changed
            ],
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": change._name,
            "res_id": change.id,
            "view_mode": "form",
            "target": "current",
        }

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
