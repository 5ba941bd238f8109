# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import format_amount

from .bank_guard_mixin import (
    BankGuardMixin,
    check_staff_values,
    drop_action_fields,
    guard_create_values,
    guard_write_values,
)

WEALTH_TEAM_XMLID = "bank_relationship_manager.crm_team_wealth"
POST_SALE_TYPE_XMLID = "bank_relationship_manager.mail_activity_type_post_sale"
POST_SALE_DAYS_PARAM = "bank_relationship_manager.post_sale_followup_days"
POST_SALE_DAYS_DEFAULT = 7


class CrmLead(models.Model):
    """A wealth-management opportunity: the product category sold and, through the stages of
    the wealth team, the seed's five-step sales process. Winning one plans a post-sale
    follow-up on the customer, once.

    Odoo's own teams are left alone: every hook below returns at once, without a query, for
    leads outside the wealth team (CRM's lead-assignment performance tests count queries).
    """

    _inherit = "crm.lead"
    # crm.lead is Odoo's model: it calls the guard's helpers (models/bank_guard_mixin.py) for its
    # bank fields instead of inheriting bank.guard.mixin. The customer's unit is what the record
    # rules read; the follow-up flag is set by winning only.
    _bank_action_fields = frozenset({"bank_unit_id", "bank_post_sale_planned"})
    _bank_fixed_fields = frozenset()
    _bank_system_write = BankGuardMixin._bank_system_write

    bank_product_category_id = fields.Many2one(
        "bank.product.category", string="Product category", index="btree_not_null", tracking=True,
        ondelete="restrict", help="The family of bank products this opportunity sells (funds, insurance...).",
    )
    # Stored on the lead so that the unit heads' and supervisors' record rules compare fields
    # of the lead itself in SQL (nothing user-specific read into the cached rule domain).
    bank_unit_id = fields.Many2one(
        related="partner_id.bank_unit_id", store=True, index="btree_not_null", string="Customer's unit",
    )
    bank_is_wealth = fields.Boolean(
        string="Wealth opportunity", compute="_compute_bank_is_wealth",
        help="The opportunity belongs to the wealth team: it moves through the five steps only.",
    )
    bank_post_sale_planned = fields.Boolean(
        string="Post-sale follow-up planned", readonly=True, copy=False,
        help="Set when the opportunity is first won: the post-sale follow-up is planned only once.",
    )

    @api.depends("team_id")
    def _compute_bank_is_wealth(self):
        wealth_team_id = self._bank_wealth_team_id()
        for lead in self:
            lead.bank_is_wealth = bool(wealth_team_id) and lead.team_id.id == wealth_team_id

    @api.constrains("expected_revenue", "team_id")
    def _check_bank_expected_revenue(self):
        wealth_team_id = self._bank_wealth_team_id()
        for lead in self:
            if lead.team_id.id != wealth_team_id or not lead.expected_revenue:
                continue
            if not math.isfinite(lead.expected_revenue) or lead.expected_revenue < 0:
                raise ValidationError(self.env._(
                    "Opportunity %(lead)s: the field %(field)s must be a finite amount of zero or more, not %(value)s.",
                    lead=lead.name, field=self._bank_field_label("expected_revenue"),
                    value=lead.expected_revenue,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        guard_create_values(self, vals_list, self._bank_action_fields)
        check_staff_values(self, vals_list, creating=True)
        for vals in vals_list:
            self._bank_check_finite_amount(vals, lambda vals=vals: vals.get("name") or "")
        return super().create(vals_list)

    def write(self, vals):
        check_staff_values(self, [vals])
        self._bank_check_finite_amount(vals, lambda: ", ".join(self.mapped("name")))
        guard_write_values(self, vals, self._bank_action_fields, self._bank_fixed_fields)
        return super().write(vals)

    def copy_data(self, default=None):
        return drop_action_fields(self, super().copy_data(default), self._bank_action_fields)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        """The wealth pipeline shows its own five columns only, not Odoo's shared stages."""
        wealth_team_id = self.env.context.get("bank_wealth_pipeline") and self._bank_wealth_team_id()
        if not wealth_team_id:
            return super()._read_group_stage_ids(stages, domain)
        # sudo: the wealth team's stages are the columns, whatever the stage rules show.
        stage_ids = stages.sudo()._search(
            Domain("id", "in", stages.ids) | Domain("team_ids", "in", [wealth_team_id]), order=stages._order
        )
        return stages.browse(stage_ids)

    def _stage_find(self, team_id=False, domain=None, order="sequence, id", limit=1):
        """Leads of the wealth team move through its own stages only (a new one starts at
        "Update contact plan", winning one ends at "Celebrate"); other teams are unchanged."""
        wealth_team_id = self._bank_wealth_team_id()
        team_ids = {team_id} if team_id else set()
        team_ids.update(self.team_id.ids)
        if not wealth_team_id or team_ids != {wealth_team_id}:
            return super()._stage_find(team_id=team_id, domain=domain, order=order, limit=limit)
        search_domain = Domain("team_ids", "in", [wealth_team_id]) & Domain(domain or Domain.TRUE)
        return self.env["crm.stage"].search(search_domain, order=order, limit=limit)

    def _handle_won_lost(self, old_status_by_lead, new_status_by_lead):
        """Winning a wealth opportunity for the first time plans its post-sale follow-up."""
        result = super()._handle_won_lost(old_status_by_lead, new_status_by_lead)
        reached_won = [
            lead_id for lead_id, status in new_status_by_lead.items()
            if status["is_won"] and not old_status_by_lead.get(lead_id, {}).get("is_won")
        ]
        if reached_won:
            wealth_team_id = self._bank_wealth_team_id()
            leads = self.browse(reached_won).filtered(
                lambda lead: lead.team_id.id == wealth_team_id and not lead.bank_post_sale_planned
            )
            if leads:
                leads._bank_plan_post_sale()
        return result

    # ------------------------------------------------------------
    # BUSINESS LOGIC
    # ------------------------------------------------------------

    @api.model
    def _bank_wealth_team_id(self):
        """Id of the wealth team (xml ids are cached per registry: no query once looked up)."""
        return self.env["ir.model.data"]._xmlid_to_res_id(WEALTH_TEAM_XMLID, raise_if_not_found=False)

    @api.model
    def _bank_check_finite_amount(self, vals, lead_name):
        # lead_name: a callable, only called (and the names only read) when refusing.
        """NaN and infinities must never reach the database (rounding them crashes or stores
        them): refuse them with a message naming the opportunity and the field. No query.
        Bank staff are refused earlier by check_staff_values (models/bank_guard_mixin.py); this
        check is for everyone else, which the mixin leaves alone: the superuser, Odoo's CRM users."""
        value = vals.get("expected_revenue")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(self.env._(
                "Opportunity %(lead)s: the field %(field)s must be a finite amount, not %(value)s.",
                lead=lead_name(), field=self._bank_field_label("expected_revenue"), value=value,
            ))

    @api.model
    def _bank_field_label(self, field_name):
        """The field's label in the user's language, for error messages."""
        return self._fields[field_name]._description_string(self.env)

    @api.model
    def _bank_post_sale_days(self):
        # sudo: system parameters are readable by administrators only; this one is not secret.
        value = self.env["ir.config_parameter"].sudo().get_param(POST_SALE_DAYS_PARAM, POST_SALE_DAYS_DEFAULT)
        try:
            days = int(value)
        except (TypeError, ValueError):
            days = -1
        if days < 0:
            raise UserError(self.env._(
                "The system parameter %(key)s must be a whole number of days (zero or more), not %(value)s.",
                key=POST_SALE_DAYS_PARAM, value=value,
            ))
        return days

    def _bank_plan_post_sale(self):
        """Plan one post-sale follow-up on the customer of each lead, for the salesperson (or
        the customer's primary RM), due the configured number of days after today."""
        activity_type = self.env.ref(POST_SALE_TYPE_XMLID)
        deadline = self.env.company._bank_today() + timedelta(days=self._bank_post_sale_days())
        partner_model_id = self.env["ir.model"]._get_id("res.partner")
        values = []
        for lead in self:
            partner = lead.partner_id
            if not partner:
                raise UserError(self.env._(
                    "Opportunity %(lead)s: set the field %(field)s before marking it won, so that its "
                    "post-sale follow-up can be planned on the customer.",
                    lead=lead.name, field=self._bank_field_label("partner_id"),
                ))
            # sudo: the customer's RM gets the follow-up, whoever won the deal.
            user = lead.user_id or partner.sudo().bank_rm_user_id or self.env.user
            note = self.env._("Won opportunity: %(lead)s", lead=lead.name)
            if lead.bank_product_category_id:
                note = self.env._(
                    "Won opportunity: %(lead)s (%(category)s, %(amount)s)",
                    lead=lead.name, category=lead.bank_product_category_id.name,
                    amount=format_amount(
                        self.env, lead.expected_revenue, lead.company_currency or self.env.company.currency_id
                    ),
                )
            values.append({
                "res_model_id": partner_model_id,
                "res_id": partner.id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "date_deadline": deadline,
                "summary": self.env._("Post-sale follow-up: %(lead)s", lead=lead.name),
                "note": note,
            })
        # sudo: the follow-up belongs on the customer's file, which the salesperson who won the
        # deal may not be allowed to write (e.g. when they are not the customer's RM).
        self.env["mail.activity"].sudo().create(values)
        # The flag is written by this method only (an action field of the guard).
        self._bank_system_write({"bank_post_sale_planned": True})
