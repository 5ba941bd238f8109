# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL

# Gap bands, in company currency: (key, label, upper bound excluded; None for the last).
GAP_BANDS = [
    ("lt_50k", "Under 50,000", 50000),
    ("50k_100k", "50,000 to 100,000", 100000),
    ("100k_200k", "100,000 to 200,000", 200000),
    ("ge_200k", "200,000 and more", None),
]


class BankPotentialReport(models.Model):
    """Potential customers by gap band: one row per potential customer, with the gap to the tier in
    reach and its band.

    The gap, the flag and the tier in reach are written by the tier engine (models/bank_tier_engine.py)
    in company currency; the band is cut here in SQL, so that bands need no stored field kept in step
    with the engine's set-based writes. Rows are scoped like the customers
    (security/bank_reporting_security.xml)."""

    _name = "bank.potential.report"
    _description = "Potential customers by gap band"
    _auto = False
    _order = "gap, id"
    _rec_name = "partner_id"
    _depends = {
        "res.partner": ["is_bank_customer", "active", "bank_is_potential", "bank_tier_gap", "bank_potential_tier_id",
                        "bank_tier_id", "bank_rm_id", "bank_rm_user_id", "bank_backup_rm_user_id", "bank_unit_id",
                        "bank_aum", "company_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    rm_id = fields.Many2one("bank.rm", string="RM", readonly=True)
    unit_id = fields.Many2one("bank.org.unit", string="Unit", readonly=True)
    tier_id = fields.Many2one("bank.vip.tier", string="Tier", readonly=True)
    target_tier_id = fields.Many2one(
        "bank.vip.tier", string="Tier in reach", readonly=True,
        help="The tier whose rule the gap is measured on.",
    )
    gap_band = fields.Selection([(key, label) for key, label, _upper in GAP_BANDS], string="Gap band", readonly=True)
    customer_rm_user_id = fields.Many2one("res.users", string="Customer's RM user", readonly=True)
    customer_backup_rm_user_id = fields.Many2one("res.users", string="Customer's backup RM user", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    gap = fields.Monetary(string="Gap to the tier", readonly=True, currency_field="currency_id")
    aum = fields.Monetary(string="AUM", readonly=True, currency_field="currency_id")

    @property
    def _table_query(self):
        band = SQL(" ").join(
            SQL("WHEN coalesce(p.bank_tier_gap, 0) < %s THEN %s", upper, key)
            for key, _label, upper in GAP_BANDS if upper is not None
        )
        return SQL(
            """
            SELECT p.id, p.id AS partner_id, 1 AS customer_count, p.bank_rm_id AS rm_id, p.bank_unit_id AS unit_id,
                   p.bank_tier_id AS tier_id, p.bank_potential_tier_id AS target_tier_id,
                   p.bank_rm_user_id AS customer_rm_user_id, p.bank_backup_rm_user_id AS customer_backup_rm_user_id,
                   c.currency_id, coalesce(p.bank_tier_gap, 0) AS gap, coalesce(p.bank_aum, 0) AS aum,
                   CASE %(band)s ELSE %(last)s END AS gap_band
              FROM res_partner p
              JOIN res_company c ON c.id = coalesce(p.company_id, %(company)s)
             WHERE p.is_bank_customer AND p.active AND p.bank_is_potential
            """,
            band=band, last=GAP_BANDS[-1][0], company=self.env.company.id,
        )
