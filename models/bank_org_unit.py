# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

UNIT_LEVELS = [
    ("branch", "Branch"),
    ("sub_branch", "Sub-branch"),
    ("outlet", "Outlet"),
    ("center", "Center"),
]

# Which parent levels each level may hang under (a branch may sit under a higher branch).
_ALLOWED_PARENT_LEVELS = {
    "branch": {"branch"},
    "sub_branch": {"branch"},
    "outlet": {"branch", "sub_branch"},
    "center": {"branch", "sub_branch"},
}
# What the stored oversight users are computed from (_compute_oversight_user_ids).
_OVERSIGHT_SOURCES = frozenset({"supervisor_user_id", "center_head_user_id", "parent_id"})


class BankOrgUnit(models.Model):
    """A unit of the bank's network: branch, sub-branch, outlet or specialised center."""

    _name = "bank.org.unit"
    _description = "Bank organisational unit"
    _inherit = ["bank.guard.mixin", "mail.thread"]
    _order = "complete_name, id"
    # The guard (models/bank_guard_mixin.py): the stored oversight users that the record rules
    # read are computed from the supervisors up the tree, never written; a unit keeps its company.
    _bank_action_fields = frozenset({"oversight_user_ids", "complete_name", "parent_path"})
    _bank_fixed_fields = frozenset({"company_id"})
    _parent_store = True
    _rec_name = "complete_name"

    name = fields.Char(required=True, tracking=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    code = fields.Char(required=True, tracking=True)
    level = fields.Selection(UNIT_LEVELS, required=True, default="outlet", tracking=True)
    parent_id = fields.Many2one("bank.org.unit", string="Parent unit", index=True, ondelete="restrict", tracking=True)
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("bank.org.unit", "parent_id", string="Child units")
    has_wealth_room = fields.Boolean(
        string="Private wealth room", tracking=True, help="The unit has a private wealth room (私人理财室)."
    )
    staffing_code = fields.Char(
        compute="_compute_staffing_code",
        help="Level used by the grade rule: an outlet without wealth room counts apart.",
    )
    head_user_id = fields.Many2one(
        "res.users",
        string="Unit head",
        index=True,
        tracking=True,
        help="Head of the unit and custodian of its customers' dossiers.",
    )
    supervisor_user_id = fields.Many2one(
        "res.users",
        string="RM supervisor",
        index=True,
        tracking=True,
        help="Sub-branch RM supervisor: oversees this unit and the units below it.",
    )
    center_head_user_id = fields.Many2one(
        "res.users",
        string="Wealth-centre head",
        index=True,
        tracking=True,
        help="Head of the wealth centre: oversees this unit and the units below it.",
    )
    oversight_user_ids = fields.Many2many(
        "res.users",
        "bank_org_unit_oversight_user_rel",
        "unit_id",
        "user_id",
        string="Overseen by",
        compute="_compute_oversight_user_ids",
        store=True,
        recursive=True,
        help="Supervisors and centre heads of this unit or of any unit above it. "
        "Stored so that record rules compare it in SQL and follow a transfer at once.",
    )
    rm_ids = fields.One2many("bank.rm", "unit_id", string="Relationship managers")
    rm_count = fields.Integer(compute="_compute_rm_count", string="RMs")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True, tracking=True)

    _code_company_uniq = models.Constraint(
        "UNIQUE(company_id, code)", "The code of a unit must be unique within its company."
    )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for unit in self:
            unit.complete_name = (
                f"{unit.parent_id.complete_name} / {unit.name}" if unit.parent_id else unit.name
            )

    @api.model_create_multi
    def create(self, vals_list):
        units = super().create(vals_list)
        units._flush_oversight()
        return units

    def write(self, vals):
        result = super().write(vals)
        if _OVERSIGHT_SOURCES.intersection(vals):
            self._flush_oversight()
        return result

    def _flush_oversight(self):
        """Store the recomputed oversight users at once. Odoo does not flush a pending many2many
        before a domain on it is searched, so the served customers
        (``res.partner._bank_served_domain``) would still count the former supervisors until the
        flush (docs/security.md, class p)."""
        self.flush_model(["oversight_user_ids"])

    @api.depends("level", "has_wealth_room")
    def _compute_staffing_code(self):
        for unit in self:
            unit.staffing_code = "outlet_basic" if unit.level == "outlet" and not unit.has_wealth_room else unit.level

    @api.depends("supervisor_user_id", "center_head_user_id", "parent_id.oversight_user_ids")
    def _compute_oversight_user_ids(self):
        for unit in self:
            unit.oversight_user_ids = (
                unit.supervisor_user_id | unit.center_head_user_id | unit.parent_id.oversight_user_ids
            )

    def _compute_rm_count(self):
        counts = dict(self.env["bank.rm"]._read_group([("unit_id", "in", self.ids)], ["unit_id"], ["__count"]))
        for unit in self:
            unit.rm_count = counts.get(unit, 0)

    @api.constrains("parent_id")
    def _check_parent(self):
        for unit in self.filtered("parent_id"):
            if unit.parent_id.level not in _ALLOWED_PARENT_LEVELS[unit.level]:
                raise ValidationError(
                    self.env._(
                        "Unit %(unit)s: a %(level)s cannot be placed under the %(parent_level)s %(parent)s "
                        "(field Parent unit).",
                        unit=unit.display_name,
                        level=unit._level_label(unit.level),
                        parent_level=unit._level_label(unit.parent_id.level),
                        parent=unit.parent_id.display_name,
                    )
                )

    @api.constrains("head_user_id", "supervisor_user_id", "center_head_user_id")
    def _check_role_users(self):
        checks = [
            ("head_user_id", "bank_relationship_manager.group_bank_unit_head"),
            ("supervisor_user_id", "bank_relationship_manager.group_bank_supervisor"),
            ("center_head_user_id", "bank_relationship_manager.group_bank_supervisor"),
        ]
        for unit in self:
            for field_name, group_xmlid in checks:
                user = unit[field_name]
                if user and not user.has_group(group_xmlid):
                    raise ValidationError(
                        self.env._(
                            "Unit %(unit)s: %(user)s cannot be %(field)s, being not in the group %(group)s.",
                            unit=unit.display_name,
                            user=user.name,
                            field=unit._fields[field_name].get_description(self.env)["string"],
                            group=self.env.ref(group_xmlid).name,
                        )
                    )

    @api.constrains("level", "has_wealth_room")
    def _check_rm_grades(self):
        self.rm_ids._check_grade_fits_unit()

    def _custodian_user(self):
        """Who is reminded of the unit's overdue files: its head, else its nearest overseer
        (nobody for no unit)."""
        return self.head_user_id or self.supervisor_user_id or self.oversight_user_ids[:1]

    def _level_label(self, level):
        """Translated label of a level value, for messages."""
        return dict(self._fields["level"]._description_selection(self.env))[level]
