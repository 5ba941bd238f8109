# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models

from ..tools.contact_mask import mask_email


class Base(models.AbstractModel):
    """Mail's suggested recipients (defined on every model by ``mail``) mask a customer's address
    for staff who do not serve the customer (docs/security.md, class i)."""

    _inherit = "base"

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
