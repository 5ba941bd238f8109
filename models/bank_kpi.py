# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .bank_maintenance_log import CONTACT_CHANNELS

# What a computed KPI counts; the set-based query of each is in models/bank_kpi_measures.py.
KPI_MEASURES = [
    ("new_tiered", "New tiered customers"),
    ("aum_growth", "AUM growth of the book"),
    ("sales_won_count", "Wealth sales won (count)"),
    ("sales_won_amount", "Wealth sales won (amount)"),
    ("contacts_logged", "Contacts logged"),
    ("vip_time_share", "VIP time share"),
    ("activities_on_time", "Planned activities done on time"),
    ("complaints_on_time", "Complaints resolved before their deadline"),
    ("potential_converted", "Potential customers converted to a tier"),
    ("late_checkouts", "Dossier check-outs returned late"),
]

KPI_UNITS = [
    ("count", "Count"),
    ("amount", "Amount"),
    ("percent", "Percent"),
    ("points", "Points"),
]


class BankKpi(models.Model):
    """A key performance indicator of the RM appraisal (考核指标).

    Computed KPIs are measured from the records the add-on already holds (logs, opportunities,
    balances, tier history, …) by one set-based query for all RMs at once; manual ones (teamwork,
    customer feedback, use of tools: seed 001) are entered by the supervisor in the review. An
    administrator adds KPIs of the computed kinds with their own parameters (which product
    categories, which channel, which tiers) without code; what a KPI measures and its code never
    change once it exists (a new meaning is a new KPI), so past appraisals keep their sense."""

    _name = "bank.kpi"
    _description = "Appraisal KPI"
    _inherit = ["bank.guard.mixin"]
    _order = "sequence, id"
    _bank_fixed_fields = frozenset({"code", "source", "measure"})

    sequence = fields.Integer(default=10)
    code = fields.Char(required=True, index=True, help="Stable identifier that outside reports rely on.")
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True, help="Exactly what the KPI counts, shown to the appraised RM.")
    kind = fields.Selection(
        [("result", "Result"), ("process", "Process"), ("teamwork", "Teamwork"), ("feedback", "Customer feedback")],
        required=True, default="result",
    )
    source = fields.Selection([("computed", "Computed"), ("manual", "Entered by the supervisor")],
                              required=True, default="computed")
    measure = fields.Selection(KPI_MEASURES, help="What a computed KPI counts.")
    higher_is_better = fields.Boolean(string="Higher is better", default=True)
    unit = fields.Selection(KPI_UNITS, required=True, default="count")
    # Parameters of the computed kinds (empty: every one counts).
    category_ids = fields.Many2many(
        "bank.product.category", string="Product categories",
        help="AUM growth: the product categories whose balances count (empty: every deposit and investment).",
    )
    channel = fields.Selection(CONTACT_CHANNELS, help="Contacts logged: only this channel (empty: any channel).")
    tier_ids = fields.Many2many(
        "bank.vip.tier", string="Tiers",
        help="New tiered customers and potential customers converted: only these tiers (empty: any tier).",
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales team",
        help="Sales won: the pipeline whose won opportunities count (empty: the wealth pipeline).",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "A KPI code is unique.")

    @api.constrains("source", "measure")
    def _check_measure(self):
        for kpi in self:
            if kpi.source == "computed" and not kpi.measure:
                raise ValidationError(self.env._(
                    "KPI %(kpi)s: a computed KPI says what it measures (field Measure).", kpi=kpi.name,
                ))
            if kpi.source == "manual" and kpi.measure:
                raise ValidationError(self.env._(
                    "KPI %(kpi)s: a KPI entered by the supervisor measures nothing itself (field Measure).",
                    kpi=kpi.name,
                ))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if "bank.appraisal.line" in self.env and (
            # sudo: any appraisal line counts, including those the administrator's rules hide.
            self.env["bank.appraisal.line"].sudo().search_count([("kpi_id", "in", self.ids)], limit=1)
        ):
            raise ValidationError(self.env._(
                "KPIs used by an appraisal are archived, not deleted: %(kpis)s.", kpis=", ".join(self.mapped("name")),
            ))

    # The measures (models/bank_kpi_measures.py) implement, for computed KPIs:
    #   _bank_actuals(rms, date_from, date_to) -> {rm_id: float}   one query for all RMs
    #   _bank_drill_action(rm, date_from, date_to) -> window action on the records that make the actual
