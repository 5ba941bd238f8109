# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import threading
from collections.abc import Iterable

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools import contact_mask, id_number

_EXACT_OPERATORS = ("in", "=")
_PARTIAL_OPERATORS = ("like", "ilike", "=like", "=ilike")
_STAFF_GROUPS = (
    "bank_relationship_manager.group_bank_rm",
    "bank_relationship_manager.group_bank_office",
    "bank_relationship_manager.group_bank_hr",
)
# Contact fields of a customer shown masked to bank staff who do not serve them (docs/security.md,
# class i), with the function that masks each value as read.
CONTACT_MASKS = {
    "phone": contact_mask.mask_phone,
    "phone_sanitized": contact_mask.mask_phone,
    "email": contact_mask.mask_email,
    "email_normalized": contact_mask.mask_email,
    "email_formatted": contact_mask.mask_email_formatted,
}
# Stored contact fields: in SQL (domains, order, group-by, aggregates) they read as empty for the
# customers the user does not serve, so that no search can tell a right guess from a wrong one.
_SQL_MASKED = frozenset({"phone", "phone_sanitized", "email", "email_normalized"})
# Set while the ORM fetches column values into the record cache: the cache holds clear values
# (the business code needs them); masking applies when values leave through read or export.
_fetching = threading.local()


class ResPartner(models.Model):
    """Privacy of bank customers: what a user who does not serve the customer sees masked.

    The ID number, the phone number and the e-mail address of a bank customer are personal
    financial information (JR/T 0171-2020, C2): shown in clear only to the users who serve the
    customer (primary or backup RM, head and supervisors of the unit), masked for every other
    bank staff member in reads, lists, forms and exports, and never matched, ordered or grouped
    by their clear value in SQL (docs/security.md, classes a and i). Contacts that are not bank
    customers, users who are not bank staff and the superuser keep Odoo's behaviour.
    """

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
    @api.depends("bank_id_number_full", "bank_is_served")
    def _compute_bank_id_number(self):
        served = self._bank_filter_served()
        # sudo: the clear value is only read here, and shown only to users who serve the customer;
        # its column alone (read field by field, it would prefetch every column of the partners).
        self.sudo().fetch(["bank_id_number_full"])
        for partner in self:
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
        """Every operator matches only customers whose number the user sees in clear.

        An exact or partial match on a customer the user sees masked would tell a right guess
        from a wrong one (four ``search_count`` calls recover a number). Negative operators are
        answered by Odoo as the complement of the positive one, so a masked customer matches
        every negative search and no positive one: nothing is learnt either way."""
        if operator not in _EXACT_OPERATORS + _PARTIAL_OPERATORS:
            return NotImplemented
        if operator in _EXACT_OPERATORS:
            values = [value] if isinstance(value, str) or not isinstance(value, Iterable) else list(value)
            value = [id_number.normalize(v) if isinstance(v, str) else v for v in values]
            operator = "in"
        domain = Domain("bank_id_number_full", operator, value)
        if not self.env.su:
            domain &= self._bank_served_domain(self.env.uid)
        # sudo: the clear field is not searchable by business users; the outer search still
        # applies their record rules, and the domain above keeps to the customers they serve.
        return Domain("id", "in", self.sudo().with_context(active_test=False)._search(domain))

    @api.constrains("phone", "email")
    def _check_bank_contact_not_masked(self):
        for partner in self.filtered("is_bank_customer"):
            for field_name in ("phone", "email"):
                if "***" in (partner[field_name] or ""):
                    raise ValidationError(self.env._(
                        "Customer %(name)s: the field %(field)s cannot contain '***' (a masked value was "
                        "sent back).",
                        name=partner.display_name, field=self._fields[field_name]._description_string(self.env),
                    ))

    # ------------------------------------------------------------------
    # Contact details: reads, exports and SQL
    # ------------------------------------------------------------------

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load)
        masked = [name for name in fnames if name in CONTACT_MASKS]
        show_email = "display_name" in fnames and self.env.context.get("show_email")
        if not (masked or show_email) or not self._bank_masks_contacts():
            return result
        hidden = set(self._bank_contact_hidden().ids)
        if not hidden:
            return result
        for values in result:
            if values["id"] not in hidden:
                continue
            for name in masked:
                values[name] = CONTACT_MASKS[name](values[name]) or values[name]
            if show_email:
                values["display_name"] = self.browse(values["id"]).with_context(show_email=False).display_name
        return result

    @api.depends_context("uid")
    def _compute_display_name(self):
        """``show_email`` puts the e-mail address into the name. Many2one names are computed as
        superuser, so the decision looks at the real user (``uid``), not at ``su``: bank staff
        see the address masked in the name of a customer they do not serve, through any many2one."""
        super()._compute_display_name()
        if not self.env.context.get("show_email") or self.env.uid == SUPERUSER_ID:
            return
        user = self.env.user
        if not any(user.has_group(group) for group in _STAFF_GROUPS):
            return
        customers = self.filtered(lambda p: isinstance(p.id, int) and p.is_bank_customer)
        if not customers:
            return
        # sudo: decides masking only, for the real user's own customers.
        served = set(customers.sudo().with_context(active_test=False)._search(
            Domain("id", "in", customers.ids) & self._bank_served_domain(self.env.uid)
        ))
        for partner in customers:
            if partner.id not in served and partner.email and partner.display_name:
                partner.display_name = partner.display_name.replace(
                    partner.email, contact_mask.mask_email(partner.email)
                )

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        """Exports read the record cache, not ``_read_format``: the masked values are put in the
        cache of the hidden customers for the export, and dropped right after it."""
        fnames = {path[0] for path in fields if path and path[0] in CONTACT_MASKS}
        hidden = self._bank_contact_hidden() if fnames and self._bank_masks_contacts() else self.browse()
        if not hidden:
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        fnames = list(fnames)
        hidden.flush_recordset(fnames)
        hidden.fetch([name for name in fnames if self._fields[name].store])
        for partner in hidden:
            for name in fnames:
                field = self._fields[name]
                field._update_cache(partner, CONTACT_MASKS[name](partner[name]) or False)
        try:
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        finally:
            hidden.invalidate_recordset(fnames, flush=False)

    def _fetch_query(self, query, fields):
        _fetching.depth = getattr(_fetching, "depth", 0) + 1
        try:
            return super()._fetch_query(query, fields)
        finally:
            _fetching.depth -= 1

    def _field_to_sql(self, alias, field_expr, query=None):
        """In domains, ``order``, group-bys and aggregates, a contact field of a customer the user
        does not serve reads as empty (NULL): ``=``, ``in``, ``ilike``, their negations, sorting
        and grouping all behave as if the value were unknown. Values fetched into the record
        cache stay clear (``_fetch_query``): the business code needs them."""
        sql = super()._field_to_sql(alias, field_expr, query)
        if field_expr not in _SQL_MASKED or getattr(_fetching, "depth", 0) or not self._bank_masks_contacts():
            return sql
        return SQL(
            "(CASE WHEN %(customer)s IS NOT TRUE OR %(id)s IN %(served)s THEN %(value)s END)",
            customer=SQL.identifier(alias, "is_bank_customer"),
            id=SQL.identifier(alias, "id"),
            served=self._bank_served_query().subselect(),
            value=sql,
        )

    def _search_phone_mobile_search(self, operator, value):
        # phone_validation searches the phone columns in raw SQL: keep to the partners whose
        # phone the user sees in clear, whatever the operator.
        domain = super()._search_phone_mobile_search(operator, value)
        if not self._bank_masks_contacts():
            return domain
        return Domain(domain) & (Domain("is_bank_customer", "=", False) | Domain(
            "id", "in", self._bank_served_query()
        ))

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _bank_served_domain(self, uid):
        """Customers that user ``uid`` serves: as primary or backup RM, unit head or supervisor.

        The units are read first (a few ids): ``bank_unit_id IN (ids)`` and the two owner columns
        are three index scans, where a join to the units made PostgreSQL read every partner
        (docs/scaling.md: 1,000,000 partners)."""
        units = self.env["bank.org.unit"].with_context(active_test=False)._search(
            Domain("head_user_id", "=", uid) | Domain("oversight_user_ids", "in", [uid])
        )
        return (
            Domain("bank_rm_user_id", "=", uid)
            | Domain("bank_backup_rm_user_id", "=", uid)
            | Domain("bank_unit_id", "in", list(units))
        )

    def _bank_filter_served(self):
        """The records of ``self`` the current user serves (new records count as served).

        Read from ``bank_is_served``: the ORM computes it once for the records being read and
        computes it again when a customer's RMs or unit change, so a list's ID numbers, contact
        masks and access flags share one query (docs/scaling.md, "The RM's list")."""
        if self.env.su:
            return self
        return self.filtered("bank_is_served")

    def _bank_search_served(self):
        """The records of ``self`` the current user serves, asked of the database: the source of
        ``bank_is_served``. New records count as served."""
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

    def _bank_masks_contacts(self):
        """Whether contact details of customers the user does not serve are masked for this user:
        bank staff, not the superuser. Other internal users never read a bank customer (record
        rules), so they keep Odoo's behaviour and queries."""
        if self.env.su:
            return False
        user = self.env.user
        return any(user.has_group(group) for group in _STAFF_GROUPS)

    def _bank_contact_hidden(self):
        """The bank customers of ``self`` whose contact details the user sees masked."""
        stored = self.filtered(lambda p: isinstance(p.id, int))
        stored.fetch(["is_bank_customer"])  # its column alone, not every column of the partners
        customers = stored.filtered("is_bank_customer")
        return customers - customers._bank_filter_served()

    def _bank_served_query(self):
        """The ids of the customers the user serves, as a subquery."""
        # sudo: only the ids of the user's own customers come out, for masking decisions.
        return self.sudo().with_context(active_test=False)._search(self._bank_served_domain(self.env.uid))
