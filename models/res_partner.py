# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

from ..tools import id_number
from ..tools.cron_batches import process_in_batches
from .bank_maintenance_band import MAINTENANCE_LEVELS

# Fields that move a customer between RMs or units: only unit heads and above may write them.
_ASSIGNMENT_FIELDS = ("bank_rm_id", "bank_backup_rm_id", "bank_unit_id")
# Written by the tier engine only: a tier cannot be set by hand, over the API or otherwise.
_ENGINE_FIELDS = (
    "bank_tier_id", "bank_tier_reason", "bank_tier_date", "bank_tier_failing_since", "bank_evaluated_on",
    "bank_aum", "bank_maintenance_level", "bank_is_potential", "bank_potential_reason", "bank_tier_gap",
    "bank_potential_lead_id",
)
_EXACT_OPERATORS = ("in", "=")
_PARTIAL_OPERATORS = ("like", "ilike", "=like", "=ilike")
# Customers evaluated per batch: one set of metric queries each.
_EVALUATION_BATCH = 2000


class ResPartner(models.Model):
    """A bank customer: profile, identity document and the RMs (A and B roles) who serve them."""

    _inherit = "res.partner"

    is_bank_customer = fields.Boolean(string="Bank customer", index=True, tracking=True, copy=False)
    bank_customer_no = fields.Char(string="Customer number", copy=False, readonly=True, tracking=True)
    bank_id_type = fields.Selection(
        [
            ("prc_id", "PRC resident ID card"),
            ("passport", "Passport"),
            ("hk_macao_permit", "Mainland travel permit (HK/Macao)"),
            ("taiwan_permit", "Mainland travel permit (Taiwan)"),
            ("other", "Other"),
        ],
        string="ID document type",
        default="prc_id",
    )
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
    birthday = fields.Date()
    occupation = fields.Char()
    bank_currency_id = fields.Many2one("res.currency", compute="_compute_bank_currency_id")
    annual_income = fields.Monetary(string="Annual income", currency_field="bank_currency_id")
    risk_profile = fields.Selection(
        [
            ("conservative", "Conservative"),
            ("moderate", "Moderate"),
            ("balanced", "Balanced"),
            ("growth", "Growth"),
            ("aggressive", "Aggressive"),
        ],
        string="Risk profile",
    )
    investment_preference = fields.Selection(
        [
            ("deposit", "Savings deposits"),
            ("wealth", "Wealth-management products"),
            ("fund", "Funds"),
            ("insurance", "Insurance"),
            ("fx", "Foreign exchange"),
            ("precious_metal", "Precious metals"),
            ("mixed", "Diversified"),
        ],
        string="Investment preference",
    )
    preferred_contact = fields.Selection(
        [("phone", "Phone"), ("sms", "SMS"), ("email", "Email"), ("visit", "Visit"), ("letter", "Letter")],
        string="Preferred contact",
    )
    bank_family_notes = fields.Text(string="Family")
    bank_habit_notes = fields.Text(string="Habits and schedule")
    bank_interest_notes = fields.Text(string="Interests")
    bank_rm_id = fields.Many2one(
        "bank.rm", string="Primary RM", index=True, tracking=True, ondelete="restrict", copy=False
    )
    bank_backup_rm_id = fields.Many2one(
        "bank.rm", string="Backup RM", index=True, tracking=True, ondelete="restrict", copy=False
    )
    # Stored owners: record rules compare them to the user in SQL, so access follows a
    # reassignment at once (no per-user cached data) and the RM's customer list stays indexed.
    bank_rm_user_id = fields.Many2one(related="bank_rm_id.user_id", store=True, index=True, string="Primary RM user")
    bank_backup_rm_user_id = fields.Many2one(
        related="bank_backup_rm_id.user_id", store=True, index=True, string="Backup RM user"
    )
    bank_unit_id = fields.Many2one(
        "bank.org.unit",
        string="Unit",
        compute="_compute_bank_unit_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        help="The unit that serves the customer: the primary RM's unit unless set otherwise.",
    )

    bank_tier_id = fields.Many2one("bank.vip.tier", string="Tier", readonly=True, index=True, tracking=True)
    bank_tier_reason = fields.Text(string="Why this tier", readonly=True)
    bank_tier_date = fields.Date(string="Tier since", readonly=True)
    bank_tier_failing_since = fields.Date(
        string="Failing the tier since", readonly=True, help="First day of the downgrade grace period, if any."
    )
    bank_evaluated_on = fields.Date(string="Evaluated on", readonly=True, index=True)
    bank_aum = fields.Monetary(string="AUM", currency_field="bank_currency_id", readonly=True)
    bank_maintenance_level = fields.Selection(MAINTENANCE_LEVELS, string="Maintained by", readonly=True)
    bank_is_potential = fields.Boolean(string="Potential customer", readonly=True, index=True)
    bank_potential_reason = fields.Text(string="Why potential", readonly=True)
    bank_tier_gap = fields.Monetary(
        string="Gap to next tier", currency_field="bank_currency_id", readonly=True,
        help="Smallest total shortfall, over the rules of the tiers, of a potential customer.",
    )
    bank_potential_lead_id = fields.Many2one("crm.lead", string="Potential opportunity", readonly=True, copy=False)
    bank_tier_history_ids = fields.One2many("bank.tier.history", "partner_id", string="Tier history")
    bank_account_ids = fields.One2many("bank.account", "partner_id", string="Accounts")
    bank_maintenance_log_ids = fields.One2many("bank.maintenance.log", "partner_id", string="Maintenance log")
    bank_last_contact_date = fields.Date(
        string="Last contact", compute="_compute_bank_last_contact_date", store=True, index=True,
        help="Date of the newest logged contact: the daily planning plans a periodic contact once it is "
        "older than the tier's contact interval.",
    )
    bank_is_served = fields.Boolean(
        compute="_compute_bank_access_flags",
        help="The current user serves this customer: sees and edits the ID number in full.",
    )
    bank_can_assign = fields.Boolean(
        compute="_compute_bank_access_flags",
        help="The current user may change the RMs and the unit of this customer.",
    )

    _bank_customer_no_uniq = models.Constraint(
        "UNIQUE(bank_customer_no)", "The customer number must be unique."
    )

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

    @api.depends_context("uid")
    @api.depends("bank_rm_user_id", "bank_backup_rm_user_id", "bank_unit_id")
    def _compute_bank_access_flags(self):
        served = self._bank_filter_served()
        may_assign = self._bank_may_assign()
        for partner in self:
            partner.bank_is_served = partner in served
            partner.bank_can_assign = may_assign

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

    def _compute_bank_currency_id(self):
        for partner in self:
            partner.bank_currency_id = (partner.company_id or self.env.company).currency_id

    @api.depends("bank_maintenance_log_ids.date")
    def _compute_bank_last_contact_date(self):
        # Only bank customers have logs: contacts and CRM partners cost no query.
        customers = self.filtered(lambda partner: partner.is_bank_customer and partner.id)
        # sudo: the date sums up the whole history, including contacts logged by colleagues.
        newest = dict(self.env["bank.maintenance.log"].sudo()._read_group(
            [("partner_id", "in", customers.ids)], ["partner_id"], ["date:max"],
        )) if customers else {}
        for partner in self:
            partner.bank_last_contact_date = newest.get(partner, False)

    @api.depends("bank_rm_id.unit_id")
    def _compute_bank_unit_id(self):
        for partner in self:
            if partner.bank_rm_id:
                partner.bank_unit_id = partner.bank_rm_id.unit_id

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("bank_rm_id", "bank_backup_rm_id")
    def _check_backup_rm(self):
        for partner in self:
            if partner.bank_backup_rm_id and partner.bank_backup_rm_id == partner.bank_rm_id:
                raise ValidationError(
                    self.env._(
                        "Customer %(name)s: the Backup RM must differ from the Primary RM (%(rm)s).",
                        name=partner.display_name,
                        rm=partner.bank_rm_id.name,
                    )
                )

    @api.constrains("bank_id_number_full")
    def _check_bank_id_number(self):
        # bank_id_type is checked from write(): a constraint on it would run before the
        # inverse of bank_id_number stores the number written in the same call.
        for partner in self.sudo():
            if partner.bank_id_type != "prc_id" or not partner.bank_id_number_full:
                continue
            error = id_number.prc_id_error(partner.bank_id_number_full)
            if error == "check_digit":
                raise ValidationError(
                    self.env._(
                        "Customer %(name)s: the ID number %(number)s has a wrong check digit "
                        "(GB 11643 gives %(expected)s as the last character).",
                        name=partner.display_name,
                        number=id_number.mask(partner.bank_id_number_full),
                        expected=id_number.prc_check_char(partner.bank_id_number_full[:17]),
                    )
                )
            if error:
                raise ValidationError(
                    self.env._(
                        "Customer %(name)s: a PRC resident ID number has 18 characters "
                        "(17 digits and a digit or X) or, for old cards, 15 digits (field ID number).",
                        name=partner.display_name,
                    )
                )

    @api.model
    def _bank_check_amounts(self, vals, name):
        """Refuse NaN, infinities and negative incomes before they reach the ORM, which would
        store NaN or fail on rounding with an obscure message (SECURITY.md item 9)."""
        value = vals.get("annual_income")
        if value is None or value is False:
            return
        try:
            amount = float(value)
        except (TypeError, ValueError):
            amount = math.nan
        if not math.isfinite(amount) or amount < 0:
            raise ValidationError(
                self.env._(
                    "Customer %(name)s: the Annual income must be a finite amount of zero or more, not %(value)s.",
                    name=name or "-",
                    value=value,
                )
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Contacts that are not bank customers pass through untouched (no extra query).
        customer_vals = [vals for vals in vals_list if vals.get("is_bank_customer")]
        own_rm = self._bank_current_rm() if customer_vals else None
        for vals in vals_list:
            self._bank_check_amounts(vals, vals.get("name"))
        for vals in customer_vals:
            if own_rm and not vals.get("bank_rm_id"):
                vals["bank_rm_id"] = own_rm.id
            self._bank_check_handover_guard(vals, vals.get("name"))
            if vals.get("bank_customer_no"):
                self._bank_check_customer_no_unique(vals["bank_customer_no"], vals.get("name"), vals_list)
            else:
                vals["bank_customer_no"] = self.env["ir.sequence"].next_by_code("bank.customer.no")
        return super().create(vals_list)

    def write(self, vals):
        self._bank_check_guarded_write(vals)
        if "annual_income" in vals:
            self._bank_check_amounts(vals, ", ".join(self.mapped("display_name")))
        if vals.get("bank_customer_no"):
            for partner in self:
                self._bank_check_customer_no_unique(vals["bank_customer_no"], partner.display_name, [vals], partner)
        if vals.get("is_bank_customer") and "bank_rm_id" not in vals:
            # An RM who turns a contact into a customer becomes their primary RM, so that the
            # new customer does not fall out of everyone's portfolio.
            own_rm = self._bank_current_rm()
            if own_rm and not self.filtered("bank_rm_id"):
                vals = dict(vals, bank_rm_id=own_rm.id)
        res = super().write(vals)
        if "bank_id_type" in vals and "bank_id_number" not in vals:
            self._check_bank_id_number()
        if "bank_id_number" in vals:
            # The written value was cached for the writer only: other users' cached (masked or
            # clear) values are stale now, whatever they were computed from.
            self.invalidate_recordset(["bank_id_number"])
        if vals.get("is_bank_customer"):
            for partner in self.filtered(lambda p: not p.bank_customer_no):
                # sudo: numbering is not the user's choice; write() refuses this field to them.
                partner.sudo().bank_customer_no = self.env["ir.sequence"].next_by_code("bank.customer.no")
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_bank_customer(self):
        if self.filtered("is_bank_customer") and not self._bank_is_admin():
            raise UserError(
                self.env._("Bank customers carry history and cannot be deleted: archive them instead.")
            )

    def action_bank_evaluate(self, date=None):
        """Evaluate the tier of these customers as of ``date`` (default today)."""
        self.check_access("write")
        if not self._bank_is_admin() and not self.env.user.has_group("bank_relationship_manager.group_bank_unit_head"):
            raise AccessError(self.env._("Only unit heads and administrators may evaluate tiers."))
        date = fields.Date.to_date(date) if date else self.env.company._bank_today()
        # sudo: evaluation writes computed tier fields that no business user may write by hand.
        engine = self.env["bank.tier.engine"].sudo()
        rule_sets = {self.env.lang: engine._rule_set(date)}  # refuses a missing rate before any work
        customers = self.filtered("is_bank_customer")
        for start in range(0, len(customers), _EVALUATION_BATCH):
            engine._evaluate_and_apply(customers[start:start + _EVALUATION_BATCH].ids, date, rule_sets)
        return True

    @api.model
    def _cron_bank_evaluate(self):
        """Nightly evaluation of every customer, in batches that commit as they go.

        A customer evaluated today is marked (``bank_evaluated_on``), so a run that crashed
        midway is finished by the next one without redoing or skipping anyone.
        """
        date = self.env.company._bank_today()
        engine = self.env["bank.tier.engine"]
        rule_sets = {self.env.lang: engine._rule_set(date)}
        domain = [
            ("is_bank_customer", "=", True),
            "|", ("bank_evaluated_on", "=", False), ("bank_evaluated_on", "<", date),
        ]
        process_in_batches(
            self.with_context(active_test=False), domain, _EVALUATION_BATCH,
            lambda batch: engine._evaluate_and_apply(batch.ids, date, rule_sets),
        )

    def action_bank_request_escalation(self):
        """Open a joint maintenance request (提请上级联合维护) for this customer."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request joint maintenance"),
            "res_model": "bank.escalation",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def action_view_bank_balances(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("bank_relationship_manager.bank_balance_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["display_name"] = self.env._("Balance history of %(name)s", name=self.display_name)
        return action

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

    def _bank_current_rm(self):
        return self.env["bank.rm"].sudo().search([("user_id", "=", self.env.uid)], limit=1)

    def _bank_is_admin(self):
        return self.env.su or self.env.user.has_group("bank_relationship_manager.group_bank_admin")

    def _bank_may_assign(self):
        return self.env.su or self.env.user.has_group("bank_relationship_manager.group_bank_unit_head") or (
            self._bank_is_admin()
        )

    def _bank_check_guarded_write(self, vals):
        """Refuse writes that only unit heads (assignment) or administrators (numbers) may make.

        ``readonly`` in a view protects nothing over RPC (SECURITY.md item 1).
        """
        if self.env.su:
            return
        if any(f in vals for f in _ENGINE_FIELDS):
            raise AccessError(self.env._("Tiers, AUM and potential flags are set by the tier evaluation only."))
        if any(f in vals for f in _ASSIGNMENT_FIELDS) and not self._bank_may_assign():
            raise AccessError(
                self.env._("Only unit heads and above may change the RMs or the unit of a customer.")
            )
        if "bank_customer_no" in vals and not self._bank_is_admin():
            raise AccessError(self.env._("Only bank administrators may change a customer number."))
        if "is_bank_customer" in vals and not vals["is_bank_customer"] and self.filtered("is_bank_customer"):
            if not self._bank_is_admin():
                raise AccessError(self.env._("Only bank administrators may turn a customer back into a contact."))
        self._bank_check_handover_guard(vals)

    def _bank_check_customer_no_unique(self, number, name, vals_list, partner=None):
        """Refuse a customer number that is already taken (before the database refuses it rudely)."""
        in_batch = sum(1 for vals in vals_list if vals.get("bank_customer_no") == number)
        domain = Domain("bank_customer_no", "=", number)
        if partner:
            domain &= Domain("id", "!=", partner.id)
        # sudo: the number must be unique among all customers, including those the user cannot see.
        if in_batch > 1 or self.sudo().with_context(active_test=False).search_count(domain, limit=1):
            raise ValidationError(
                self.env._(
                    "Customer %(name)s: the Customer number %(number)s is already used by another customer.",
                    name=name or "-",
                    number=number,
                )
            )

    def _bank_check_handover_guard(self, vals, name=None):
        """Customers of a leaving RM move only through their handover (with its approvals,
        witnesses and filed list), and nobody is given to an RM who is leaving or has left."""
        if self.env.su:
            return
        Rm = self.env["bank.rm"].sudo()
        for field_name in ("bank_rm_id", "bank_backup_rm_id"):
            if field_name not in vals:
                continue
            label = self._fields[field_name].get_description(self.env)["string"]
            target = Rm.browse(vals[field_name] or [])
            if target and target.state != "active":
                raise UserError(
                    self.env._(
                        "Customer %(name)s: %(rm)s is no longer an active RM and cannot be given "
                        "customers (field %(field)s).",
                        name=name or ", ".join(self.mapped("display_name")) or "-",
                        rm=target.name,
                        field=label,
                    )
                )
            # sudo: the current RM of each customer is checked even where the user cannot read it.
            for partner in self.sudo():
                current = partner[field_name]
                if current and current != target and current.state == "leaving":
                    raise UserError(
                        self.env._(
                            "Customer %(name)s: %(rm)s is leaving, and their customers move only through "
                            "the handover, witnessed and filed (field %(field)s).",
                            name=partner.display_name,
                            rm=current.name,
                            field=label,
                        )
                    )
