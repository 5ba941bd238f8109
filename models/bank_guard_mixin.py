# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The add-on's one guard and approval mechanism (docs/guards.md).

Odoo's ``readonly`` is a hint to the web client only: ``create``, ``write``, ``copy``, x2many
commands and ``load()`` accept any field over RPC, and ``default_<field>`` keys of the context
feed ``create`` (docs/security.md). Every bank model inherits ``bank.guard.mixin`` and declares
what its users may not write; the mixin enforces it on every path into the database, with one
exception type and one message shape, and computes from the same rule whether a button may be
pressed (the pattern of ``hr_holidays``' ``_check_approval_update`` / ``can_approve``).
"""
import datetime
import math

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# Fields of mail.thread / mail.activity.mixin that Odoo itself writes as the user on a record
# that is otherwise locked (attaching a document, following, scheduling an activity).
MAIL_FIELDS = frozenset({
    "message_main_attachment_id", "message_follower_ids", "message_ids", "activity_ids",
    "website_message_ids", "message_partner_ids",
})


class BankGuardError(AccessError):
    """The one refusal of the guard: names the record, the field and why.

    A subclass of ``AccessError`` (itself a ``UserError``): the web client shows it as a
    refusal, and RPC callers can tell it from a validation error.
    """


def guard_error(record, field_name, why):
    """Build the guard's refusal for ``record`` (or a model) and ``field_name``.

    One message shape everywhere: "<record>, field <label>: <why>"; a refusal of the whole
    record (creating or deleting it) has no field: "<record>: <why>".
    """
    env = record.env
    if not field_name:
        return BankGuardError(env._("%(record)s: %(why)s", record=_record_name(record), why=why))
    return BankGuardError(env._(
        "%(record)s, field %(field)s: %(why)s", record=_record_name(record), field=_field_label(record, field_name),
        why=why,
    ))


def value_error(record, field_name, why):
    """The refusal of a value that cannot be stored, in the guard's message shape."""
    env = record.env
    return ValidationError(env._(
        "%(record)s, field %(field)s: %(why)s", record=_record_name(record), field=_field_label(record, field_name),
        why=why,
    ))


def _field_label(record, field_name):
    field = record._fields.get(field_name)
    return field.get_description(record.env)["string"] if field else field_name


def _record_name(record):
    # The record's own name only when the user may read it (display names are read as
    # superuser; docs/security.md, "names through many2ones").
    model_label = record.env["ir.model"]._get(record._name).name or record._name
    named = record[:1].id and record[:1]._filtered_access("read")
    return named.display_name if named else model_label


# Plausible dates of any bank record: a year of four digits the business can mean. Tighter
# windows (not in the future, not before the account was opened) are the models' constraints.
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2199, 12, 31)
_INT_MIN, _INT_MAX = -(2 ** 31), 2 ** 31 - 1


def check_field_values(model, vals_list):
    """Refuse values the database would store wrongly or reject with a traceback (docs/guards.md):
    NaN and infinities in ``Float``/``Monetary`` fields, integers beyond the 32-bit column,
    dates that do not exist (``2026-02-30``) or are implausible (``0001-01-01``, ``9999-12-31``).
    The refusal names the record and the field; nothing is written."""
    for vals in vals_list:
        for name, value in vals.items():
            field = model._fields.get(name)
            if field is None or value is None or value is False or not field.store and not field.inverse:
                continue
            why = _value_problem(model, field, value)
            if why:
                raise value_error(model, name, why)


def _json_floats(value):
    """The floats anywhere in a JSON-like value (dicts, lists, tuples)."""
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_floats(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _json_floats(item)


def _value_problem(model, field, value):
    _ = model.env._
    if field.type in ("float", "monetary"):
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            return _("%(value)s is not a number.", value=repr(value))
        if not math.isfinite(number):
            return _("%(value)s is not a finite amount.", value=repr(value))
    elif field.type == "integer":
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            return _("%(value)s is not a whole number.", value=repr(value))
        if not _INT_MIN <= number <= _INT_MAX:
            return _("%(value)s is too large for a whole number.", value=repr(value))
    elif field.type == "json":
        # Proposed values of a change request and the like: PostgreSQL's jsonb refuses NaN and
        # infinities with a raw error, and they are no amounts anyway.
        for number in _json_floats(value):
            if not math.isfinite(number):
                return _("%(value)s is not a finite amount.", value=repr(number))
    elif field.type in ("date", "datetime"):
        convert = fields.Date.to_date if field.type == "date" else fields.Datetime.to_datetime
        try:
            day = convert(value)
        except (TypeError, ValueError, OverflowError):
            return _("%(value)s is not a valid date.", value=repr(value))
        if isinstance(day, datetime.datetime):
            day = day.date()
        if day and not DATE_MIN <= day <= DATE_MAX:
            return _("%(value)s is not a plausible date (between %(min)s and %(max)s).",
                     value=day, min=DATE_MIN, max=DATE_MAX)
    return None


_STAFF_GROUPS = (
    "bank_relationship_manager.group_bank_rm",
    "bank_relationship_manager.group_bank_office",
    "bank_relationship_manager.group_bank_hr",
)


def check_staff_values(model, vals_list, creating=False):
    """The value and pointer checks for Odoo's own models that carry bank data (``res.partner``,
    ``crm.lead``), which cannot inherit the mixin: for bank staff only, so that everyone else keeps
    Odoo's behaviour and query counts. Bank models get the same checks from the mixin."""
    if model.env.su or not any(model.env.user.has_group(group) for group in _STAFF_GROUPS):
        return
    check_field_values(model, vals_list)
    check_readable_partners(model, vals_list, creating=creating)


def check_readable_partners(model, vals_list, field_names=None, creating=False):
    """Refuse a many2one to ``res.partner`` that points to a contact the user may not read.

    Display names are read as superuser: pointing a writable many2one (a complaint's customer,
    a contact's parent company) at any id would hand its name and address to the writer. The
    refusal names the field, never the record. ``field_names`` limits the check (default: every
    many2one to ``res.partner`` of ``model``).
    """
    if model.env.su:
        return
    fields_ = [
        name for name, field in model._fields.items()
        if field.type == "many2one" and field.comodel_name == "res.partner" and field.store
        and (field_names is None or name in field_names)
    ]
    context = model.env.context
    wanted = {}
    for vals in vals_list:
        for name in fields_:
            # On create, a ``default_<field>`` of the context is a value like any other.
            value = vals[name] if name in vals else (context.get(f"default_{name}") if creating else None)
            if isinstance(value, models.BaseModel):
                value = value.id
            if isinstance(value, int) and value:
                wanted.setdefault(value, name)
    if not wanted:
        return
    partners = model.env["res.partner"].browse(list(wanted)).with_context(active_test=False)
    existing = partners.exists()
    readable = existing._filtered_access("read")
    for partner_id, name in wanted.items():
        if partner_id not in readable.ids:
            raise guard_error(model.browse(), name, model.env._(
                "the contact chosen does not exist or is not one you may read."
            ))


def differs_from_default(model, field_name, value):
    """Whether ``value`` differs from what the field gets by itself (its default, without the
    context's ``default_`` keys): the web client may send a field's own default back."""
    field = model._fields[field_name]
    if field.type in ("one2many", "many2many"):
        return bool(value)
    clean = model.with_context({
        key: val for key, val in model.env.context.items() if not key.startswith("default_")
    })
    default = clean.default_get([field_name]).get(field_name, False)
    return field.convert_to_cache(value, model, validate=False) != field.convert_to_cache(
        default, model, validate=False
    )


def guard_create_values(model, vals_list, action_fields):
    """Refuse ``action_fields`` in create values and in ``default_<field>`` context keys (unless
    equal to the field's own default). The mixin's create calls it; a model that cannot inherit
    the mixin (Odoo's ``res.partner``, ``crm.lead``) calls it from its own create, for its bank
    fields only, so that its other records pay nothing. No query unless such a field is given."""
    if model.env.su:
        return
    context_defaults = {
        key[len("default_"):]: value for key, value in model.env.context.items()
        if key.startswith("default_") and key[len("default_"):] in action_fields
    }
    for field_name, value in context_defaults.items():
        if differs_from_default(model, field_name, value):
            raise guard_error(model, field_name, model.env._(
                "it is set by the record's actions only, not by a default of the context."
            ))
    for vals in vals_list:
        for field_name in action_fields.intersection(vals):
            if differs_from_default(model, field_name, vals[field_name]):
                raise guard_error(model, field_name, model.env._(
                    "it is set by the record's actions only, not when the record is created."
                ))


def guard_write_values(records, vals, action_fields, fixed_fields=frozenset()):
    """Refuse ``action_fields`` and changes of ``fixed_fields`` in a user's ``write``."""
    if records.env.su:
        return
    for field_name in action_fields.intersection(vals):
        raise guard_error(records, field_name, records.env._("it is set by the record's actions only."))
    for field_name in fixed_fields.intersection(vals):
        field = records._fields[field_name]
        new = field.convert_to_cache(vals[field_name], records, validate=False)
        for record in records:
            if field.convert_to_cache(record[field_name], record, validate=False) != new:
                raise guard_error(record, field_name, records.env._(
                    "it is given when the record is created and cannot be changed afterwards."
                ))


def drop_action_fields(model, vals_list, action_fields):
    """A copy starts afresh: what the actions set is not carried over, even through ``default``."""
    if not model.env.su:
        for vals in vals_list:
            for field_name in action_fields:
                vals.pop(field_name, None)
    return vals_list


class BankGuardMixin(models.AbstractModel):
    """Guarded fields, locked states and approval steps of a bank model.

    A model declares, as class attributes:

    ``_bank_action_fields``
        Written only by the model's own actions and by the system (crons, engines): state,
        who approved and when, computed figures. Refused to users in ``create`` values and
        in ``default_<field>`` keys of the context (unless equal to the field's own default),
        in ``write`` (so in x2many commands and ``load()``, which go through both), and
        dropped from ``copy``.
    ``_bank_fixed_fields``
        Given at creation, never changed afterwards (the customer of a log, its author).
    ``_bank_locked_states``
        States in which the record is read-only to users, but for ``_bank_lock_exempt_fields``.
    ``_bank_field_steps``
        ``{field: step}``: fields a user writes only when they may take ``step`` (its states and
        its ``_bank_may_<step>``), e.g. a request's details while it is a draft, the witnesses
        chosen by a manager. At creation, only when the step's states include the initial state.
    ``_bank_sealed_fields`` / ``_bank_sealed_states``
        What a register records (a locked archive's contents, a done check-out's purpose): in
        the sealed states nobody changes these fields, the superuser and the actions included.
    ``_bank_steps``
        ``{step: allowed_states}``. ``_bank_may_<step>()`` returns why the current user may not
        take the step on the record (``None`` when they may). ``_bank_start_step`` enforces it
        in the action; a ``can_<step>`` field computed by ``_compute_bank_can`` shows the button
        only when the click would succeed.
    ``_bank_may_create()`` / ``_bank_may_unlink()``
        Why the current user may not create records of the model at all, or delete this one
        (``None`` when they may): records that only an approved action creates or removes.

    Actions write what users may not through ``_bank_system_write`` / ``_bank_system_create``,
    the one choke point that writes as superuser.
    """

    _name = "bank.guard.mixin"
    _description = "Bank guard (guarded fields, states and steps)"

    _bank_action_fields = frozenset()
    _bank_fixed_fields = frozenset()
    _bank_locked_states = frozenset()
    _bank_lock_exempt_fields = MAIL_FIELDS
    _bank_state_field = "state"
    _bank_steps = {}
    _bank_field_steps = {}
    _bank_sealed_fields = frozenset()
    _bank_sealed_states = frozenset()

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    # Recomputed when the state changes (a step taken in the same transaction hides its button).
    @api.depends(lambda self: [self._bank_state_field] if self._bank_state_field in self._fields else [])
    @api.depends_context("uid")
    def _compute_bank_can(self):
        """Every ``can_<step>`` field of the model, from the rule that the step enforces."""
        steps = [step for step in self._bank_steps if f"can_{step}" in self._fields]
        for record in self:
            for step in steps:
                record[f"can_{step}"] = not record._bank_step_problem(step)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._bank_guard_create(vals_list)
        self._bank_prepare_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._bank_guard_write(vals)
        if self._bank_sealed_fields:
            self._bank_guard_sealed(vals)
        return super().write(vals)

    def copy_data(self, default=None):
        """A copy starts afresh: what the actions set (state, approvals) is not carried over,
        even when asked for through ``default``."""
        return drop_action_fields(self, super().copy_data(default), self._bank_action_fields)

    @api.ondelete(at_uninstall=False)
    def _bank_guard_unlink(self):
        if self.env.su:
            return
        for record in self:
            problem = record._bank_may_unlink()
            if problem:
                raise guard_error(record, None, problem)

    @api.model
    def _bank_may_create(self):
        """Hook: why the current user may not create records of this model at all, or ``None``.
        Covers every way into ``create``: the form, ``copy``, x2many commands, ``load()``."""
        return None

    def _bank_may_unlink(self):
        """Hook: why the current user may not delete this record, or ``None``."""
        return None

    @api.model
    def _bank_prepare_create(self, vals_list):
        """Hook: fill in what the system sets at creation (author, date, the decider), after the
        guard checked the caller's values. Values set here are the model's, not the caller's."""

    # ------------------------------------------------------------------
    # Enforcement
    # ------------------------------------------------------------------

    def _bank_guard_create(self, vals_list):
        problem = self._bank_may_create()
        if problem:
            raise guard_error(self, None, problem)
        guard_create_values(self, vals_list, self._bank_action_fields)
        check_field_values(self, vals_list)
        initial = self._bank_initial_state() if self._bank_field_steps else None
        for field_name, step in self._bank_field_steps.items():
            if initial in self._bank_steps[step]:
                continue
            values = [vals[field_name] for vals in vals_list if field_name in vals]
            if f"default_{field_name}" in self.env.context:
                values.append(self.env.context[f"default_{field_name}"])
            if any(self._bank_differs_from_default(field_name, value) for value in values):
                raise guard_error(self, field_name, self.env._(
                    "it is set later in the record's life, not when the record is created."
                ))
        check_readable_partners(self, vals_list, creating=True)

    def _bank_guard_write(self, vals):
        guard_write_values(self, vals, self._bank_action_fields, self._bank_fixed_fields)
        check_field_values(self, [vals])
        if self._bank_locked_states:
            changed = set(vals) - self._bank_lock_exempt_fields
            state_field = self._bank_state_field
            for record in self:
                if changed and record[state_field] in self._bank_locked_states:
                    raise guard_error(record, sorted(changed)[0], self.env._(
                        "the record is %(state)s and can no longer be changed.",
                        state=record._bank_state_label(),
                    ))
        for field_name in set(self._bank_field_steps).intersection(vals):
            step = self._bank_field_steps[field_name]
            for record in self:
                problem = record._bank_step_problem(step)
                if problem:
                    raise guard_error(record, field_name, problem)
        check_readable_partners(self, [vals])

    def _bank_guard_sealed(self, vals):
        sealed = self._bank_sealed_fields.intersection(vals)
        if not sealed:
            return
        state_field = self._bank_state_field
        for record in self:
            if record[state_field] in self._bank_sealed_states:
                raise guard_error(record, sorted(sealed)[0], self.env._(
                    "the record is %(state)s: what it records can no longer be changed, by anyone.",
                    state=record._bank_state_label(),
                ))

    def _bank_initial_state(self):
        """The state a new record starts in (its field's default, whatever the context says)."""
        clean = self.with_context({
            key: val for key, val in self.env.context.items() if not key.startswith("default_")
        })
        return clean.default_get([self._bank_state_field]).get(self._bank_state_field)

    def _bank_differs_from_default(self, field_name, value):
        return differs_from_default(self, field_name, value)

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    def _bank_step_problem(self, step):
        """Why the current user may not take ``step`` on this record, or ``None``."""
        self.ensure_one()
        allowed_states = self._bank_steps[step]
        if allowed_states and self[self._bank_state_field] not in allowed_states:
            return self.env._("it is %(state)s.", state=self._bank_state_label())
        checker = getattr(self, f"_bank_may_{step}", None)
        return checker() if checker else None

    def _bank_start_step(self, step):
        """Refuse ``step`` unless the user may read every record and take it on each; return
        the records, so that an action reads ``for record in self._bank_start_step("approve")``."""
        self.check_access("read")
        for record in self:
            problem = record._bank_step_problem(step)
            if problem:
                raise guard_error(record, self._bank_state_field, problem)
        return self

    def _bank_state_label(self, state=None):
        state = state or self[self._bank_state_field]
        field = self._fields[self._bank_state_field]
        return dict(field._description_selection(self.env)).get(state, state or "-")

    # ------------------------------------------------------------------
    # The choke point
    # ------------------------------------------------------------------

    def _bank_system_write(self, vals):
        """Write fields that no user may write, for an action that has checked its caller.

        The one place where the model writes as superuser (docs/guards.md): the action calls
        it after ``_bank_start_step`` (or its own documented check), so the values come from the
        action, never from the caller's context or parameters. Returns the records as they were
        (not sudo)."""
        self.sudo().write(vals)  # sudo: the choke point; the action has checked its caller
        return self

    @api.model
    def _bank_system_create(self, vals_list):
        """Create records whose values come from an action or the system (registers, history,
        records a cron plans). Same choke point as ``_bank_system_write``; returns them not sudo."""
        # sudo: the choke point; the values come from the action or the system, not the caller.
        return self.sudo().create(vals_list).sudo(False)

    def _bank_system_unlink(self):
        """Delete records that ``_bank_may_unlink`` keeps from users, for an action that has
        checked its caller. Same choke point as ``_bank_system_write``."""
        return self.sudo().unlink()  # sudo: the choke point; the action has checked its caller
