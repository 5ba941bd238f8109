# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What the customer form shows at the top (views/res_partner_form_views.xml): the header's next
planned contact, the smart buttons' counts and the holdings by kind, each computed for the whole
batch of partners with one ``_read_group`` per model, as the reading user (record rules apply)."""
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

# Smart-button counts: field -> (model, partner field). One grouped count per model and batch.
_COUNTS = {
    "bank_log_count": ("bank.maintenance.log", "partner_id"),
    "bank_opportunity_count": ("crm.lead", "partner_id"),
    "bank_dossier_count": ("bank.dossier", "partner_id"),
    "bank_complaint_count": ("bank.complaint", "partner_id"),
    "bank_tier_change_count": ("bank.tier.history", "partner_id"),
}
# Holdings by kind of product (bank.product.category.kind), in company currency.
_KIND_TOTALS = {"deposit": "bank_deposit_total", "investment": "bank_investment_total", "loan": "bank_loan_total"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The search makes "customers I serve" a filter (the list's default for RMs): the same
    # customers whose contact details the user reads in clear (models/res_partner_privacy.py).
    bank_is_served = fields.Boolean(search="_search_bank_is_served")
    bank_tier_color = fields.Integer(related="bank_tier_id.color", string="Tier colour")
    bank_next_contact_date = fields.Date(
        string="Next planned contact", compute="_compute_bank_activities",
        help="Deadline of the earliest open maintenance activity (greeting, periodic contact, follow-up).",
    )
    bank_account_count = fields.Integer(string="Number of accounts", compute="_compute_bank_holdings")
    bank_deposit_total = fields.Monetary(
        string="Deposits", currency_field="bank_currency_id", compute="_compute_bank_holdings",
        help="Latest balances of the deposit accounts, in company currency.",
    )
    bank_investment_total = fields.Monetary(
        string="Investments", currency_field="bank_currency_id", compute="_compute_bank_holdings",
        help="Latest balances of the investment products, in company currency.",
    )
    bank_loan_total = fields.Monetary(
        string="Loans", currency_field="bank_currency_id", compute="_compute_bank_holdings",
        help="Latest outstanding balances of the loans, in company currency.",
    )
    bank_next_maturity_date = fields.Date(
        string="Next maturity", compute="_compute_bank_next_maturity_date",
        help="Earliest maturity, today or later, of the customer's time deposits, products and loans.",
    )
    bank_activity_count = fields.Integer(string="Number of open activities", compute="_compute_bank_activities")
    bank_log_count = fields.Integer(string="Contacts logged", compute="_compute_bank_counts")
    bank_opportunity_count = fields.Integer(string="Number of opportunities", compute="_compute_bank_counts")
    bank_dossier_count = fields.Integer(string="Dossiers", compute="_compute_bank_counts")
    bank_complaint_count = fields.Integer(string="Complaints", compute="_compute_bank_counts")
    bank_tier_change_count = fields.Integer(string="Tier changes", compute="_compute_bank_counts")

    # ------------------------------------------------------------------
    # Computes (one grouped query per model for the whole batch)
    # ------------------------------------------------------------------

    def _bank_form_customers(self):
        """The stored bank customers of the batch: contacts cost no query."""
        return self.filtered(lambda partner: isinstance(partner.id, int) and partner.is_bank_customer)

    @api.depends_context("uid")
    def _compute_bank_counts(self):
        customers = self._bank_form_customers()
        counts = {}
        for fname, (model_name, partner_field) in _COUNTS.items():
            Model = self.env[model_name]
            # A role without access to the model (the office and opportunities) sees no count.
            if not customers or not Model.has_access("read"):
                counts[fname] = {}
                continue
            counts[fname] = dict(Model._read_group(
                [(partner_field, "in", customers.ids)], [partner_field], ["__count"],
            ))
        for partner in self:
            for fname in _COUNTS:
                partner[fname] = counts[fname].get(partner, 0)

    @api.depends_context("uid")
    def _compute_bank_activities(self):
        counts = defaultdict(int)
        earliest = {}
        for res_id, activity_type, count, deadline in self._bank_open_activities():
            counts[res_id] += count
            if activity_type.bank_log_type and deadline and (res_id not in earliest or deadline < earliest[res_id]):
                earliest[res_id] = deadline
        for partner in self:
            partner.bank_activity_count = counts[partner.id]
            partner.bank_next_contact_date = earliest.get(partner.id, False)

    def _bank_open_activities(self):
        """``[(res_id, activity type, count, earliest deadline)]`` of the open activities of the
        batch's customers, as the user reads them (mail.activity follows the document's access)."""
        customers = self._bank_form_customers()
        if not customers:
            return []
        return self.env["mail.activity"]._read_group(
            [("res_model", "=", "res.partner"), ("res_id", "in", customers.ids)],
            ["res_id", "activity_type_id"], ["__count", "date_deadline:min"],
        )

    @api.depends_context("uid")
    def _compute_bank_holdings(self):
        customers = self._bank_form_customers()
        Account = self.env["bank.account"]
        rows = Account._read_group(
            [("partner_id", "in", customers.ids)], ["partner_id", "kind", "currency_id"], ["__count", "balance:sum"],
        ) if customers and Account.has_access("read") else []
        factors = self._bank_form_rates({currency for _p, _k, currency, _c, _s in rows})
        counts = defaultdict(int)
        totals = defaultdict(float)
        for partner, kind, currency, count, balance in rows:
            counts[partner.id] += count
            if kind in _KIND_TOTALS and currency.id in factors:
                totals[partner.id, kind] += abs(balance or 0.0) * factors[currency.id]
        for partner in self:
            partner.bank_account_count = counts[partner.id]
            for kind, fname in _KIND_TOTALS.items():
                partner[fname] = totals[partner.id, kind]

    @api.depends_context("uid")
    def _compute_bank_next_maturity_date(self):
        customers = self._bank_form_customers()
        Account = self.env["bank.account"]
        earliest = dict(Account._read_group(
            [("partner_id", "in", customers.ids), ("maturity_date", ">=", self.env.company._bank_today())],
            ["partner_id"], ["maturity_date:min"],
        )) if customers and Account.has_access("read") else {}
        for partner in self:
            partner.bank_next_maturity_date = earliest.get(partner, False)

    def _bank_form_rates(self, currencies):
        """``{currency_id: factor}`` into company currency today, for the currencies held: one
        without a rate is left out of the totals rather than counted 1:1 (as in the customer
        state's AUM, models/res_partner_state.py)."""
        engine = self.env["bank.tier.engine"]
        today = self.env.company._bank_today()
        rates = {self.env.company.currency_id.id: 1.0}
        for currency in currencies:
            if currency.id in rates:
                continue
            try:
                rates.update(engine._rates(today, currency))
            except UserError:
                continue
        return rates

    def _search_bank_is_served(self, operator, value):
        if operator == "=":
            operator, value = "in", [value]
        if operator != "in":
            return NotImplemented
        served = self._bank_served_domain(self.env.uid)
        if True in value:
            return Domain.TRUE if False in value else served
        return ~served if False in value else Domain.FALSE

    # ------------------------------------------------------------------
    # Smart buttons: each opens the existing action, filtered on the customer
    # ------------------------------------------------------------------

    def _bank_form_action(self, xmlid, domain, name, context=None):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(f"bank_relationship_manager.{xmlid}")
        action["domain"] = domain
        action["context"] = context or {}
        action["display_name"] = self.env._("%(what)s of %(name)s", what=name, name=self.display_name)
        return action

    def action_bank_accounts(self):
        return self._bank_form_action(
            "bank_account_action", [("partner_id", "=", self.id)], self.env._("Accounts"),
        )

    def action_bank_maintenance_logs(self):
        return self._bank_form_action(
            "bank_maintenance_log_action", [("partner_id", "=", self.id)], self.env._("Maintenance log"),
            {"default_partner_id": self.id},
        )

    def action_bank_activities(self):
        return self._bank_form_action(
            "mail_activity_action_bank_maintenance",
            [("res_model", "=", "res.partner"), ("res_id", "=", self.id)], self.env._("Activities"),
        )

    def action_bank_opportunities(self):
        action = self._bank_form_action(
            "crm_lead_action_wealth_pipeline", [("partner_id", "=", self.id)], self.env._("Opportunities"),
            {"default_partner_id": self.id, "default_type": "opportunity", "bank_wealth_pipeline": True},
        )
        # The list first: a customer's few opportunities read better as rows than as a pipeline.
        action["views"] = sorted(action["views"], key=lambda view: view[1] != "list")
        return action

    def action_bank_dossiers(self):
        return self._bank_form_action(
            "bank_dossier_action", [("partner_id", "=", self.id)], self.env._("Dossiers"),
            {"default_partner_id": self.id},
        )

    def action_bank_complaints(self):
        return self._bank_form_action(
            "bank_complaint_action", [("partner_id", "=", self.id)], self.env._("Complaints"),
            {"default_partner_id": self.id},
        )

    def action_bank_tier_changes(self):
        return self._bank_form_action(
            "bank_tier_history_action", [("partner_id", "=", self.id)], self.env._("Tier changes"),
        )
