# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from .bank_org_unit import UNIT_LEVELS


class BankUnitLevel(models.Model):
    """A staffing level of the organisation, as the grade-to-level rule speaks of it.

    The unit levels of ``bank.org.unit.level`` plus ``outlet_basic``, an outlet
    without a private wealth room: the seed staffs those with lobby managers only,
    so the grade rule must tell the two kinds of outlet apart.
    """

    _name = "bank.unit.level"
    _description = "Staffing level"
    _order = "sequence, id"
    _inherit = ["bank.config.mixin"]
    # Four eyes (models/bank_config_mixin.py): the code is what the grade rule compares.
    _bank_action_fields = frozenset({"code"})
    _bank_config_free_fields = frozenset({"name", "sequence"})

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(
        [*UNIT_LEVELS, ("outlet_basic", "Outlet without wealth room")],
        required=True,
    )
    sequence = fields.Integer(default=10)

    _code_uniq = models.Constraint("UNIQUE(code)", "A staffing level code must be unique.")
