# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..tools import id_number

_EXACT_OPERATORS = ("in", "=")
_PARTIAL_OPERATORS = ("like", "ilike", "=like", "=ilike")


class ResPartner(models.Model):
    """Privacy of bank customers: what a user who does not serve the customer sees masked."""

    _inherit = "res.partner"

    bank_id_number = fields.Char(
        string="ID number",
        compute="_compute_bank_id_number",
        inverse="_inverse_bank_id_number",
        search="_search_bank_id_number",
        help="Shown in full only to the customer's RMs, unit head and supervisors; masked for everyone else.",
    )
    # The clear value. Readable through the ORM by system administrators only; everyone else
    # goes through bank_id_number, which masks it for users who do not serve the customer.
    bank_id_number_full = fields.Char(string="ID number (clear)", groups="base.group_system", copy=False)

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends_context("uid")
    @api.depends("bank_id_number_full", "bank_rm_user_id", "bank_backup_rm_user_id", "bank_unit_id")
    def _compute_bank_id_number(self):
        served = self._bank_filter_served()
        for partner in self:
            # sudo: the clear value is only read here, and shown only to users who serve the customer.
            clear = partner.sudo().bank_id_number_full
            partner.bank_id_number = clear if partner in served else id_number.mask(clear)

    def _inverse_bank_id_number(self):
        for partner in self:
            value = id_number.normalize(partner.bank_id_number) or False
            if value and "*" in value:
                raise ValidationError(
                    self.env._(
                        "Customer %(name)s: the ID number cannot contain '*' (a masked number was sent back).",
                        name=partner.display_name,
                    )
                )
            # sudo: the clear field is restricted to system administrators; the caller's right to
            # write this partner was checked by write() itself.
            partner.sudo().bank_id_number_full = value

    def _search_bank_id_number(self, operator, value):
        # sudo: the clear field is not searchable by business users; the outer search still
        # applies their record rules, so only customers they may read come back.
        partners = self.sudo().with_context(active_test=False)
        if operator in _EXACT_OPERATORS:
            values = [value] if isinstance(value, str) else list(value)
            values = [id_number.normalize(v) for v in values if v]
            return Domain("id", "in", partners._search([("bank_id_number_full", "in", values)]))
        if operator in _PARTIAL_OPERATORS:
            # A partial number would let a user who sees masked numbers guess them digit by
            # digit: partial matches are restricted to the customers the user serves.
            domain = Domain("bank_id_number_full", operator, value) & self._bank_served_domain(self.env.uid)
            return Domain("id", "in", partners._search(domain))
        return NotImplemented

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _bank_served_domain(self, uid):
        """Customers that user ``uid`` serves: as primary or backup RM, unit head or supervisor."""
        return (
            Domain("bank_rm_user_id", "=", uid)
            | Domain("bank_backup_rm_user_id", "=", uid)
            | Domain("bank_unit_id.head_user_id", "=", uid)
            | Domain("bank_unit_id.oversight_user_ids", "in", [uid])
        )

    def _bank_filter_served(self):
        """The records of ``self`` the current user serves (new records count as served)."""
        if self.env.su:
            return self
        stored = self.filtered("id").filtered(lambda p: isinstance(p.id, int))
        # sudo: decides masking only; the records themselves were already read by the user.
        served_ids = set(
            stored.sudo()
            .with_context(active_test=False)
            ._search(Domain("id", "in", stored.ids) & self._bank_served_domain(self.env.uid))
        )
        return self.filtered(lambda p: not isinstance(p.id, int) or p.id in served_ids)
