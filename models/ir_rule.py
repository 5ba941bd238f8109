# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models
from odoo.exceptions import AccessError

# Models outside the add-on whose records name bank customers.
_NAMELESS_MODELS = frozenset({"res.partner", "crm.lead", "mail.activity"})


class IrRule(models.Model):
    """Access errors name no record the user may not read (docs/security.md, class d).

    In debug mode Odoo's refusal lists up to six forbidden records by their display name, read
    as superuser: an RM read 56 customer names in 12 calls. For the add-on's models and the
    models above, the refusal gives the model, the ids and the rules, never a name."""

    _inherit = "ir.rule"

    def _make_access_error(self, operation, records):
        if not (records._name.startswith("bank.") or records._name in _NAMELESS_MODELS):
            return super()._make_access_error(operation, records)
        self = self.with_context(self.env.user.context_get())
        model = records._name
        description = self.env["ir.model"]._get(model).name or model
        operations = {
            "read": self.env._("read"),
            "write": self.env._("write"),
            "create": self.env._("create"),
            "unlink": self.env._("unlink"),
        }
        message = self.env._(
            "Sorry, %(user)s doesn't have '%(operation)s' access to:",
            user=f"{self.env.user.name} (id={self.env.user.id})", operation=operations[operation],
        )
        message += "\n" + self.env._("- %(description)s (%(model)s)", description=description, model=model)
        # Membership, not the debug flag of the session: the details below name nothing, so they
        # may show whenever the user is in the debug group (and the ORM can be tested alike).
        if self.env.user._has_group("base.group_no_one") and self.env.user._is_internal():
            # The debug details, without names: the record ids and the rules that refused. sudo:
            # ir.rule is readable by system administrators only (as in Odoo's own access error).
            rules = self._get_failing(records, mode=operation).sudo()
            message += "\n" + self.env._("Records: %(ids)s", ids=", ".join(str(i) for i in records.ids[:6]))
            message += "\n\n" + self.env._(
                "Blame the following rules:\n%s", "\n".join(f"- {rule.name}" for rule in rules)
            )
        records.invalidate_recordset()
        return AccessError(message)
