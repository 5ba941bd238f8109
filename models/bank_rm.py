# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class BankRm(models.Model):
    """A relationship manager (客户经理): one per user, with a grade, a unit and customers."""

    _name = "bank.rm"
    _description = "Relationship manager"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"

    user_id = fields.Many2one(
        "res.users", string="User", required=True, index=True, ondelete="restrict", tracking=True
    )
    name = fields.Char(related="user_id.name", store=True, readonly=True)
    employee_no = fields.Char(string="Employee number", tracking=True)
    grade_id = fields.Many2one("bank.rm.grade", string="Grade", required=True, tracking=True, ondelete="restrict")
    unit_id = fields.Many2one("bank.org.unit", string="Unit", required=True, index=True, tracking=True)
    role = fields.Selection(
        [("wealth", "Wealth manager"), ("marketing", "Marketing manager")],
        required=True,
        default="wealth",
        tracking=True,
        help="Wealth managers (理财经理) maintain existing customers; "
        "marketing managers (营销经理) develop new ones.",
    )
    state = fields.Selection(
        [("active", "Active"), ("leaving", "Leaving"), ("left", "Left")],
        required=True,
        default="active",
        tracking=True,
    )
    customer_ids = fields.One2many("res.partner", "bank_rm_id", string="Customers (primary)")
    backup_customer_ids = fields.One2many("res.partner", "bank_backup_rm_id", string="Customers (backup)")
    customer_count = fields.Integer(compute="_compute_customer_counts", string="Customers")
    backup_customer_count = fields.Integer(compute="_compute_customer_counts", string="Backup customers")
    company_id = fields.Many2one(related="unit_id.company_id", store=True, index=True)
    active = fields.Boolean(default=True, tracking=True)

    _user_uniq = models.Constraint("UNIQUE(user_id)", "A user can be the relationship manager only once.")

    def _compute_customer_counts(self):
        # sudo: counts of the RM's portfolio are shown to colleagues who cannot open the customers.
        partners = self.env["res.partner"].sudo()
        primary = dict(partners._read_group([("bank_rm_id", "in", self.ids)], ["bank_rm_id"], ["__count"]))
        backup = dict(
            partners._read_group([("bank_backup_rm_id", "in", self.ids)], ["bank_backup_rm_id"], ["__count"])
        )
        for rm in self:
            rm.customer_count = primary.get(rm, 0)
            rm.backup_customer_count = backup.get(rm, 0)

    @api.constrains("grade_id", "unit_id")
    def _check_grade_fits_unit(self):
        for rm in self:
            if rm.grade_id and rm.unit_id and not rm.grade_id._fits(rm.unit_id):
                raise ValidationError(
                    self.env._(
                        "RM %(rm)s: the grade %(grade)s cannot staff %(unit)s (field Grade); "
                        "this grade may staff: %(levels)s.",
                        rm=rm.name,
                        grade=rm.grade_id.name,
                        unit=rm.unit_id.display_name,
                        levels=", ".join(rm.grade_id.allowed_unit_levels.mapped("name")) or "-",
                    )
                )

    @api.constrains("user_id")
    def _check_user_group(self):
        for rm in self:
            if not rm.user_id.has_group("bank_relationship_manager.group_bank_rm"):
                raise ValidationError(
                    self.env._(
                        "RM %(rm)s: the user must belong to the group Relationship Manager (field User).",
                        rm=rm.user_id.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_customers(self):
        if self.env["res.partner"].sudo().search_count(
            ["|", ("bank_rm_id", "in", self.ids), ("bank_backup_rm_id", "in", self.ids)], limit=1
        ):
            raise UserError(
                self.env._("An RM who serves customers cannot be deleted: hand the customers over, then archive.")
            )

    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("bank_relationship_manager.res_partner_action_customers")
        action["domain"] = ["|", ("bank_rm_id", "=", self.id), ("bank_backup_rm_id", "=", self.id)]
        action["context"] = {"default_bank_rm_id": self.id}
        return action
