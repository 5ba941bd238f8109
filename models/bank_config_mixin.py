# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .bank_guard_mixin import guard_error


class BankConfigMixin(models.AbstractModel):
    """Configuration under four eyes: tiers, rules, conditions, grades, staffing levels, bands.

    What decides a customer's tier, who maintains them or where an RM may work changes only
    through a change request (``bank.config.change``) that a second administrator approves
    (docs/guards.md, "Four eyes on the configuration"). The guard refuses users, administrators
    included, every direct way in: ``_bank_action_fields`` on write (hence x2many commands and
    ``load()``), and the whole record on create (form, ``copy``, x2many, import) and unlink. The
    default data, loaded as superuser, and the approved change, applied through the guard's
    choke point, pass.
    """

    _name = "bank.config.mixin"
    _inherit = ["bank.guard.mixin"]
    _description = "Bank configuration changed under four eyes"

    # Fields a change request may set besides the guarded ones (labels and the like).
    _bank_config_free_fields = frozenset({"name"})

    @api.model
    def _bank_config_fields(self):
        """The fields a change request may set on a record of this model."""
        return self._bank_action_fields | self._bank_config_free_fields

    @api.model
    def _bank_may_create(self):
        return self.env._("it is created by an approved change request only (Configuration › Change requests).")

    def _bank_may_unlink(self):
        return self.env._("it is removed by an approved change request only (archive it there).")

    def action_bank_propose_change(self):
        """Draft a change request for this record, its proposed values first the current ones,
        and open it: the administrator edits them there and submits."""
        self.ensure_one()
        self.check_access("read")
        names = sorted(
            name for name in self._bank_config_fields() if self._fields[name].type != "one2many"
        )
        change = self.env["bank.config.change"].create({
            "name": self.env._("Change of %(record)s", record=self.display_name),
            "line_ids": [fields.Command.create({
                "res_model": self._name, "res_id": self.id, "values": self._bank_snapshot(names),
            })],
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": change._name,
            "res_id": change.id,
            "view_mode": "form",
            "target": "current",
        }

    def _bank_guard_write(self, vals):
        guarded = self._bank_action_fields.intersection(vals)
        if guarded:
            raise self._bank_config_refusal(sorted(guarded)[0])
        return super()._bank_guard_write(vals)

    def _bank_config_refusal(self, field_name):
        return guard_error(self[:1] or self, field_name, self.env._(
            "it changes only through a change request approved by a second administrator "
            "(Configuration › Change requests)."
        ))

    def _bank_snapshot(self, names):
        """The record's values of ``names`` in the format of ``write`` (ids for relations)."""
        self.ensure_one()
        record = self.with_context(active_test=False)
        snapshot = {}
        for name in names:
            field = self._fields.get(name)
            if not field:
                continue
            value = record[name]
            if field.type == "many2one":
                snapshot[name] = value.id or False
            elif field.type in ("one2many", "many2many"):
                snapshot[name] = sorted(value.ids)
            else:
                snapshot[name] = value
        return snapshot
