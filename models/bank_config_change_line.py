# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import copy
import json

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .bank_guard_mixin import check_field_values

CONFIG_MODELS = [
    ("bank.vip.tier", "Tier"),
    ("bank.tier.rule", "Tier rule"),
    ("bank.tier.condition", "Tier condition"),
    ("bank.maintenance.band", "Maintenance band"),
    ("bank.rm.grade", "RM grade"),
    ("bank.unit.level", "Staffing level"),
]
_NAMES = {name for name, _label in CONFIG_MODELS}


class BankConfigChangeLine(models.Model):
    """The proposed values of one configuration record (an existing one, or a new one when
    ``res_id`` is empty), in the format of ``write``/``create``: x2many commands included, so
    that a new tier can come with its rules and their conditions."""

    _name = "bank.config.change.line"
    _description = "Configuration change: proposed values"
    _inherit = ["bank.guard.mixin"]
    _order = "change_id, id"
    # The guard (models/bank_guard_mixin.py): lines change with their draft only; what the
    # record held when the change was submitted is the system's.
    _bank_action_fields = frozenset({"old_values"})
    _bank_fixed_fields = frozenset({"change_id"})
    _bank_locked_states = frozenset({"submitted", "applied", "rejected"})
    _bank_state_field = "change_state"

    change_id = fields.Many2one("bank.config.change", required=True, index=True, ondelete="cascade")
    change_state = fields.Selection(related="change_id.state", string="State of the change")
    res_model = fields.Selection(CONFIG_MODELS, string="Kind", required=True)
    res_id = fields.Many2oneReference(
        string="Record", model_field="res_model", help="Empty for a new record, created when the change is approved."
    )
    record_name = fields.Char(string="Record name", compute="_compute_record_name")
    values = fields.Json(string="Proposed values")
    values_text = fields.Text(
        string="Proposed values (JSON)", compute="_compute_values_text", inverse="_inverse_values_text",
        help='Field names and values, e.g. {"amount": 600000} or {"downgrade_grace_days": 30}.',
    )
    old_values = fields.Json(string="Values when submitted", readonly=True)
    summary = fields.Text(compute="_compute_summary", help="Each field proposed: the value now, then the proposed one.")

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        for line in self:
            record = line._bank_target()
            line.record_name = record.display_name if record else self.env._("New record")

    @api.depends("values")
    def _compute_values_text(self):
        for line in self:
            line.values_text = json.dumps(line.values, ensure_ascii=False) if line.values else False

    def _inverse_values_text(self):
        for line in self:
            try:
                values = json.loads(line.values_text or "{}")
            except ValueError as error:
                raise ValidationError(self.env._(
                    "Proposed values of %(record)s: not valid JSON (field Proposed values (JSON)): %(error)s",
                    record=line.record_name, error=error,
                )) from None
            line.values = values

    @api.depends("values", "old_values", "res_model", "res_id")
    @api.depends_context("lang")
    def _compute_summary(self):
        for line in self:
            if not line.res_model or not isinstance(line.values, dict):
                line.summary = False
                continue
            record = line._bank_target()
            Model = self.env[line.res_model]
            old = line.old_values if line.old_values else (record._bank_snapshot(line.values) if record else {})
            lines = []
            for name, value in line.values.items():
                field = Model._fields.get(name)
                if not field:
                    continue
                label = field.get_description(self.env)["string"]
                new_text = line._bank_format(field, value, old.get(name))
                if record:
                    lines.append(f"{label}: {line._bank_format(field, old.get(name))} → {new_text}")
                else:
                    lines.append(f"{label}: {new_text}")
            line.summary = "\n".join(lines)

    @api.constrains("res_model", "res_id", "values")
    def _check_values(self):
        for line in self:
            name = line.record_name or line.res_model
            if not isinstance(line.values, dict) or not line.values:
                raise ValidationError(self.env._(
                    "Change %(change)s, %(record)s: propose at least one field and its value (field Proposed values).",
                    change=line.change_id.name, record=name,
                ))
            if line.res_id and not line._bank_target():
                raise ValidationError(self.env._(
                    "Change %(change)s: the record to change does not exist (field Record).",
                    change=line.change_id.name,
                ))
            line._bank_check_vals(self.env[line.res_model], line.values)

    def _bank_check_vals(self, Model, vals):
        """Only fields a change request may set (``_bank_config_fields``), x2many commands that
        stay within the configuration models."""
        allowed = Model._bank_config_fields()
        for name, value in vals.items():
            field = Model._fields.get(name)
            if name not in allowed or not field:
                raise ValidationError(self.env._(
                    "Change %(change)s, %(record)s: %(field)s is not something a change request sets "
                    "(field Proposed values; allowed: %(allowed)s).",
                    change=self.change_id.name, record=self.record_name or self.res_model, field=name,
                    allowed=", ".join(sorted(allowed)),
                ))
            if field.type not in ("one2many", "many2many"):
                # Applied as the system on approval: the values are checked here, as a user's
                # write would be (finite amounts, whole numbers, real dates; docs/security.md, h).
                check_field_values(Model, [{name: value}])
                continue
            comodel = self.env[field.comodel_name]
            for command in value if isinstance(value, list) else [None]:
                if isinstance(command, int) and field.type == "many2many":
                    continue  # a plain list of ids
                ok = isinstance(command, list) and command and command[0] in (0, 1, 2, 3, 4, 5, 6)
                if ok and command[0] in (0, 1):
                    ok = field.type == "one2many" and comodel._name in _NAMES and len(command) == 3 \
                        and isinstance(command[2], dict)
                    if ok:
                        self._bank_check_vals(comodel, command[2])
                if not ok:
                    raise ValidationError(self.env._(
                        "Change %(change)s, %(record)s: %(field)s takes a list of record commands "
                        "(field Proposed values).",
                        change=self.change_id.name, record=self.record_name or self.res_model, field=name,
                    ))

    # ------------------------------------------------------------------
    # Helpers of the change
    # ------------------------------------------------------------------

    def _bank_target(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return None
        return self.env[self.res_model].with_context(active_test=False).browse(self.res_id).exists() or None

    def _bank_take_snapshot(self):
        """Record what the records hold now, for the summary and for the approval's check."""
        for line in self:
            record = line._bank_target()
            line._bank_system_write({"old_values": record._bank_snapshot(line.values) if record else False})

    def _bank_check_unchanged(self):
        """The approver approves what was submitted: refuse when a record changed since."""
        for line in self:
            record = line._bank_target()
            if line.res_id and (not record or record._bank_snapshot(line.values) != (line.old_values or {})):
                raise ValidationError(self.env._(
                    "Change %(change)s: %(record)s changed since the request was submitted; reject it and "
                    "propose the change again (field Proposed values).",
                    change=line.change_id.name, record=line.record_name,
                ))

    def _bank_apply(self):
        """Write or create the records, through the guard's choke point."""
        for line in self:
            values = copy.deepcopy(line.values)
            Model = self.env[line.res_model].with_context(active_test=False)
            if line.res_id:
                Model.browse(line.res_id)._bank_system_write(values)
            else:
                record = Model._bank_system_create([values])
                line._bank_system_write({"res_id": record.id})

    def _bank_format(self, field, value, old=None):
        """A proposed (or current) value as the approver reads it."""
        env = self.env
        if value is None or value is False and field.type != "boolean":
            return "-"
        if field.type == "many2one":
            return env[field.comodel_name].browse(value).exists().display_name or "-"
        if field.type == "many2many":
            ids = set(old or [])
            for command in value if isinstance(value, list) else []:
                if isinstance(command, int):
                    ids.add(command)
                elif command[0] == 6:
                    ids = set(command[2])
                elif command[0] == 4:
                    ids.add(command[1])
                elif command[0] == 3:
                    ids.discard(command[1])
                elif command[0] == 5:
                    ids = set()
            return ", ".join(env[field.comodel_name].browse(sorted(ids)).exists().mapped("display_name")) or "-"
        if field.type == "one2many":
            if not isinstance(value, list):
                return "-"
            if value and isinstance(value[0], int):
                return env._("%(count)s records", count=len(value))
            return env._(
                "%(new)s new, %(changed)s changed, %(removed)s removed",
                new=sum(1 for c in value if c[0] == 0), changed=sum(1 for c in value if c[0] == 1),
                removed=sum(1 for c in value if c[0] in (2, 3)),
            )
        if field.type == "selection":
            return dict(field._description_selection(env)).get(value, str(value))
        if field.type == "boolean":
            return env._("Yes") if value else env._("No")
        if field.type in ("float", "monetary") and isinstance(value, (int, float)):
            return f"{value:,.2f}"
        return str(value)
