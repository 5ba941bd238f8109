# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

from ..tools.contact_mask import mask_email
from .bank_guard_mixin import check_field_values, check_readable_partners

# Odoo models that carry bank data: checked for bank staff only, so that everyone else keeps
# Odoo's behaviour (and its query counts).
_STAFF_CHECKED_MODELS = frozenset({"res.partner", "crm.lead"})
_STAFF_GROUPS = (
    "bank_relationship_manager.group_bank_rm",
    "bank_relationship_manager.group_bank_office",
    "bank_relationship_manager.group_bank_hr",
)


class Base(models.AbstractModel):
    """The value and pointer checks of docs/guards.md on every bank model, mixin or not.

    ``bank.guard.mixin`` guards the fields a model declares; two checks hold for every model of
    the add-on (``bank.*``) and for customers and opportunities written by bank staff, whatever
    path the values take (create, write, x2many commands, ``load()``):

    - ``check_readable_partners``: a many2one to ``res.partner`` points only to a contact the
      user may read (display names are read as superuser);
    - ``check_field_values``: amounts are finite, integers fit the column, dates are real,
      plausible dates — a clear error naming the record and the field instead of a traceback.
    """

    _inherit = "base"

    @api.model_create_multi
    def create(self, vals_list):
        if self._bank_checks_values():
            check_field_values(self, vals_list)
            check_readable_partners(self, vals_list, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        if self._bank_checks_values():
            check_field_values(self, [vals])
            check_readable_partners(self, [vals])
        return super().write(vals)

    def _message_get_suggested_recipients_batch(self, *args, **kwargs):
        """The chatter suggests recipients with their e-mail address (``/mail/thread/data``): a
        customer's address is masked there too for staff who do not serve the customer
        (docs/security.md, class i)."""
        result = super()._message_get_suggested_recipients_batch(*args, **kwargs)
        Partner = self.env["res.partner"]
        partner_ids = {
            values["partner_id"] for recipients in result.values() for values in recipients
            if values.get("partner_id")
        }
        if not partner_ids or not Partner._bank_masks_contacts():
            return result
        hidden = set(Partner.browse(partner_ids)._bank_contact_hidden().ids)
        for recipients in result.values():
            for values in recipients:
                if values.get("partner_id") in hidden:
                    values["email"] = mask_email(values.get("email")) or values.get("email")
        return result

    def _bank_checks_values(self):
        if self.env.su:
            return False
        if self._name.startswith("bank."):
            return True
        if self._name in _STAFF_CHECKED_MODELS:
            user = self.env.user
            return any(user.has_group(group) for group in _STAFF_GROUPS)
        return False
