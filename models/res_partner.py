# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import math

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools.sql import drop_index, make_index_name

from ..tools import id_number
from ..tools.cron_batches import process_in_batches
from .bank_guard_mixin import (
    BankGuardMixin,
    check_staff_values,
    drop_action_fields,
    guard_create_values,
    guard_error,
    guard_write_values,
)
from .bank_maintenance_band import MAINTENANCE_LEVELS
from .res_partner_assignment import _ROLE_FIELDS

# The guard (models/bank_guard_mixin.py, docs/guards.md), applied to the bank fields only.
# Written by the tier engine only: a tier cannot be set by hand, over the API or otherwise.
_ENGINE_FIELDS = frozenset({
    "bank_tier_id", "bank_tier_reason", "bank_tier_date", "bank_tier_failing_since", "bank_evaluated_on",
    "bank_aum", "bank_maintenance_level", "bank_is_potential", "bank_potential_reason", "bank_tier_gap",
    "bank_potential_lead_id", "bank_potential_tier_id",
})
# Dates of a customer that lie before this day are typing errors.
_OLDEST_BIRTHDAY = datetime.date(1900, 1, 1)
_OLDEST_EVALUATION = datetime.date(1970, 1, 1)
# Customers evaluated per batch: one set of metric queries each.
_EVALUATION_BATCH = 2000


class ResPartner(models.Model):
    """A bank customer: profile, identity document, tiers and their evaluation (the RMs who serve
    them in res_partner_assignment.py, the masking in res_partner_privacy.py)."""

    _inherit = "res.partner"
    # res.partner is Odoo's model: it calls the guard's helpers for its bank fields instead of
    # inheriting bank.guard.mixin, so that contacts that are not customers pay nothing.
    # Stored related owners (the rules read them; writing them would write THROUGH to the RM's
    # user) and the engine's figures are set by the system only.
    _bank_action_fields = _ENGINE_FIELDS | {"bank_rm_user_id", "bank_backup_rm_user_id"}
    _bank_fixed_fields = frozenset()
    # Every field whose writes are guarded here: the record rules read nothing else.
    _bank_guarded_fields = _bank_action_fields | set(_ROLE_FIELDS) | {"is_bank_customer"}
    _bank_system_write = BankGuardMixin._bank_system_write

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

    bank_tier_id = fields.Many2one("bank.vip.tier", string="Tier", readonly=True, index=True, tracking=True)
    bank_tier_reason = fields.Text(string="Why this tier", readonly=True)
    bank_tier_date = fields.Date(string="Tier since", readonly=True)
    bank_tier_failing_since = fields.Date(
        string="Failing the tier since", readonly=True, help="First day of the downgrade grace period, if any."
    )
    # Not indexed: the nightly run finds its batches by id (tools/cron_batches.py), and an index on
    # this date would make its rewrite of every customer a non-HOT update (init below).
    bank_evaluated_on = fields.Date(string="Evaluated on", readonly=True)
    bank_aum = fields.Monetary(string="AUM", currency_field="bank_currency_id", readonly=True)
    bank_maintenance_level = fields.Selection(MAINTENANCE_LEVELS, string="Maintained by", readonly=True)
    bank_is_potential = fields.Boolean(string="Potential customer", readonly=True, index=True)
    bank_potential_reason = fields.Text(string="Why potential", readonly=True)
    bank_tier_gap = fields.Monetary(
        string="Gap to next tier", currency_field="bank_currency_id", readonly=True,
        help="Smallest total shortfall, over the rules of the tiers, of a potential customer.",
    )
    bank_potential_tier_id = fields.Many2one(
        "bank.vip.tier", string="Tier in reach", readonly=True,
        help="The tier whose rule the gap to next tier is measured on (the tier engine's choice).",
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

    def init(self):
        super().init()
        # The nightly evaluation and state check rewrite every customer, in columns none of which
        # is indexed but the seldom changing tier, potential flag and state: with free room in its
        # page the rewrite is HOT and skips the table's indexes (docs/scaling.md, "The nightly
        # rewrites of the customers made HOT"). Half of each page is kept free, as for
        # bank_account; a row moves into such a page at its first rewrite after this is set.
        # Odoo keeps an index whose field lost ``index=True``: the two date marks' are dropped here.
        self.env.cr.execute("ALTER TABLE res_partner SET (fillfactor = 50)")
        for field in ("bank_evaluated_on", "bank_state_date"):
            drop_index(self.env.cr, make_index_name(self._table, field), self._table)

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends_context("uid")
    @api.depends("bank_rm_user_id", "bank_backup_rm_user_id", "bank_unit_id", "bank_unit_id.head_user_id",
                 "bank_unit_id.oversight_user_ids")
    def _compute_bank_access_flags(self):
        # bank_is_served decides every mask of the customer's ID number and contact details
        # (models/res_partner_privacy.py), so it follows a change of the unit's head or
        # supervisors within the same transaction too.
        served = self._bank_search_served()
        may_assign = self._bank_may_assign()
        for partner in self:
            partner.bank_is_served = partner in served
            partner.bank_can_assign = may_assign

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

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("birthday")
    def _check_birthday(self):
        today = self.env.company._bank_today()
        for partner in self:
            if partner.birthday and not _OLDEST_BIRTHDAY <= partner.birthday <= today:
                raise ValidationError(
                    self.env._(
                        "Customer %(name)s: %(date)s is not a plausible birthday (field Birthday): it must "
                        "lie between %(oldest)s and today.",
                        name=partner.display_name, date=partner.birthday, oldest=_OLDEST_BIRTHDAY,
                    )
                )

    @api.constrains("bank_id_number_full")
    def _check_bank_id_number(self):
        # bank_id_type is checked from write(): a constraint on it would run before the
        # inverse of bank_id_number stores the number written in the same call.
        # sudo: the clear number is a base.group_system field, checked for whoever writes it.
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
        store NaN or fail on rounding with an obscure message (docs/security.md item 9). Not
        the mixin's check_staff_values: that one checks bank staff only (and no sign), this one
        every writer, the superuser and Odoo users editing contacts included."""
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
        if not self.env.su:
            guard_create_values(self, vals_list, self._bank_action_fields)
            check_staff_values(self, vals_list, creating=True)
        own_rm = self._bank_current_rm() if customer_vals else None
        for vals in vals_list:
            self._bank_check_amounts(vals, vals.get("name"))
        self._bank_check_role_fields_on_create(vals_list, own_rm)
        for vals in customer_vals:
            if own_rm and not vals.get("bank_rm_id"):
                vals["bank_rm_id"] = own_rm.id
            self._bank_check_handover_guard(vals, vals.get("name"))
            if vals.get("bank_customer_no"):
                self._bank_check_customer_no_unique(vals["bank_customer_no"], vals.get("name"), vals_list)
            else:
                vals["bank_customer_no"] = self.env["ir.sequence"].next_by_code("bank.customer.no")
        return super().create(vals_list)

    def copy_data(self, default=None):
        return drop_action_fields(self, super().copy_data(default), self._bank_action_fields | set(_ROLE_FIELDS))

    def write(self, vals):
        self._bank_check_guarded_write(vals)
        check_staff_values(self, [vals])
        assignment = self._bank_assignment_before(vals)
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
        if assignment:
            self._bank_record_assignment(assignment)
            self._bank_move_opportunities(assignment)
        if "bank_id_type" in vals and "bank_id_number" not in vals:
            self._check_bank_id_number()
        if "bank_id_number" in vals:
            # The written value was cached for the writer only: other users' cached (masked or
            # clear) values are stale now, whatever they were computed from.
            self.invalidate_recordset(["bank_id_number"])
        if vals.get("is_bank_customer"):
            for partner in self.filtered(lambda p: not p.bank_customer_no):
                # Numbering is not the user's choice: write() refuses this field to them.
                number = self.env["ir.sequence"].next_by_code("bank.customer.no")
                partner._bank_system_write({"bank_customer_no": number})
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_bank_customer(self):
        if self.filtered("is_bank_customer") and not self._bank_is_admin():
            raise UserError(
                self.env._("Bank customers carry history and cannot be deleted: archive them instead.")
            )

    def action_bank_evaluate(self, date=None):
        """Evaluate the tier of these customers as of ``date`` (default today).

        Any number of customers (a whole city branch: bench/tiers.py): the customers among them
        are found by id in the database, not read as records (a million records would have
        every column fetched at once), and the ORM cache is emptied after each batch, so that
        the batches' customers, history and opportunities do not pile up in memory
        (docs/scaling.md, "A million customers evaluated on demand")."""
        self.check_access("write")
        if not self._bank_is_admin() and not self.env.user.has_group("bank_relationship_manager.group_bank_unit_head"):
            raise AccessError(self.env._("Only unit heads and administrators may evaluate tiers."))
        date = self._bank_evaluation_date(date)
        # sudo: evaluation writes computed tier fields that no business user may write by hand.
        engine = self.env["bank.tier.engine"].sudo()
        rule_sets = {self.env.lang: engine._rule_set(date)}  # refuses a missing rate before any work
        customer_ids = list(self.with_context(active_test=False)._search(
            Domain("id", "in", self.ids) & Domain("is_bank_customer", "=", True), order="id",
        ))
        for start in range(0, len(customer_ids), _EVALUATION_BATCH):
            engine._evaluate_and_apply(customer_ids[start:start + _EVALUATION_BATCH], date, rule_sets)
            self.env.invalidate_all()  # (flushes first)
        return True

    @api.model
    def _bank_queue_evaluation(self):
        """Every customer evaluated again as of today, by the evaluation's cron started at once
        in the background (``ir.cron._trigger``), not in the caller's request: an approved
        change of rules moves customers over the whole bank, and a city branch's million take
        minutes to evaluate, beyond Odoo's ``limit_time_real`` of a request (docs/scaling.md, "A
        million customers evaluated on demand"). One statement clears their mark of the day, so
        that the cron's batches take them all; the mark is the engine's own (no business user
        writes it: the system choke point of the evaluation, like ``_evaluate_and_apply``)."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET bank_evaluated_on = NULL WHERE is_bank_customer AND bank_evaluated_on IS NOT NULL"
        )
        self.invalidate_model(["bank_evaluated_on"])
        # sudo: starting the job is the system's part of an approval; the approver need not manage crons.
        self.env.ref("bank_relationship_manager.ir_cron_bank_evaluate").sudo()._trigger()

    def _bank_evaluation_date(self, date):
        """The date of an on-demand evaluation, checked: a parameter comes from the caller
        (docs/security.md, class e). A date in the future would mark the customers evaluated
        ahead of time, and the nightly run (which selects ``bank_evaluated_on < today``) would
        never evaluate them again."""
        today = self.env.company._bank_today()
        if not date:
            return today
        names = ", ".join(self[:3].mapped("display_name")) or "-"
        try:
            day = fields.Date.to_date(date)
        except (TypeError, ValueError):
            day = None
        if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
            raise ValidationError(self.env._(
                "Customer %(name)s: %(value)s is not a date (parameter date of the evaluation).",
                name=names, value=repr(date),
            ))
        if not _OLDEST_EVALUATION <= day <= today:
            raise ValidationError(self.env._(
                "Customer %(name)s: the evaluation date %(date)s must lie between %(oldest)s and today "
                "(parameter date of the evaluation).",
                name=names, date=day, oldest=_OLDEST_EVALUATION,
            ))
        return day

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
        """The customer's balance history (report/bank_balance_history_report.py): AUM and loans as two
        lines, carried forward between balance dates, by day, 旬 or month."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_relationship_manager.bank_balance_history_report_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        # Months first: Date › Day then shows the days (the graph keeps the finest interval of a date in
        # its place), unticking it returns to the months.
        action["context"] = {"search_default_group_date": 1, "search_default_group_series": 2}
        action["display_name"] = self.env._("Balance history of %(name)s", name=self.display_name)
        return action

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _bank_is_admin(self):
        return self.env.su or self.env.user.has_group("bank_relationship_manager.group_bank_admin")

    def _bank_check_guarded_write(self, vals):
        """The guard of docs/guards.md on the bank fields: the engine's and the system's fields
        are refused, the assignment and the numbering need their role. ``readonly`` in a view
        protects nothing over RPC (docs/security.md item 1)."""
        if self.env.su:
            return
        guard_write_values(self, vals, self._bank_action_fields, self._bank_fixed_fields)
        for field_name in sorted(set(_ROLE_FIELDS).intersection(vals)):
            self._bank_check_role(field_name)
        if "is_bank_customer" in vals and not vals["is_bank_customer"] and self.filtered("is_bank_customer"):
            if not self._bank_is_admin():
                raise guard_error(self, "is_bank_customer", self.env._(
                    "only bank administrators may turn a customer back into a contact."
                ))
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

