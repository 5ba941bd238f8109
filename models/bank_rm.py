# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class BankRm(models.Model):
    """A relationship manager (客户经理): one per user, with a grade, a unit and customers."""

    _name = "bank.rm"
    _description = "Relationship manager"
    _inherit = ["bank.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    # The guard (models/bank_guard_mixin.py): the customers' record rules read the RM's user
    # (through the customers' stored RM users), so an RM record keeps its user; absence is set by
    # the Absent/Back actions; the company follows the unit.
    _bank_action_fields = frozenset({"is_absent", "company_id", "name", "date_left"})
    _bank_fixed_fields = frozenset({"user_id"})

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
    date_joined = fields.Date(string="Serving since", tracking=True,
                              help="The first day the RM served; the appraisal counts the months from it.")
    date_left = fields.Date(string="Left on", readonly=True, copy=False,
                            help="Set when the RM leaves; their last month is still appraised.")
    customer_ids = fields.One2many("res.partner", "bank_rm_id", string="Customers (primary)")
    backup_customer_ids = fields.One2many("res.partner", "bank_backup_rm_id", string="Customers (backup)")
    customer_count = fields.Integer(compute="_compute_customer_counts", string="Customers")
    backup_customer_count = fields.Integer(compute="_compute_customer_counts", string="Backup customers")
    company_id = fields.Many2one(related="unit_id.company_id", store=True, index=True)
    active = fields.Boolean(default=True, tracking=True)
    is_absent = fields.Boolean(
        string="Absent",
        tracking=True,
        copy=False,
        help="Marked absent by the unit head or the RM office: while absent (or leaving), new "
        "activities for the RM's customers go to their backup RM (A/B roles).",
    )
    handover_ids = fields.One2many("bank.handover", "outgoing_rm_id", string="Handovers")
    vip_time_share = fields.Float(
        string="VIP time share this month (%)", compute="_compute_vip_time_share", digits=(16, 1),
        help="Share of this month's logged contact minutes spent on tiered customers.",
    )
    vip_time_share_target = fields.Float(
        string="VIP time share target (%)", compute="_compute_vip_time_share", digits=(16, 1)
    )
    minutes_logged = fields.Integer(string="Minutes logged this month", compute="_compute_vip_time_share")

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

    @api.depends_context("uid")
    def _compute_vip_time_share(self):
        month = self.env.company._bank_today().replace(day=1)
        # As the user: the share's own record rules decide whose figures they see (an RM sees
        # their own; heads, supervisors and the office their units'); colleagues' read as zero.
        Share = self.env["bank.vip.time.share"]
        rows = Share.search([("rm_id", "in", self.ids), ("month", "=", month)]) if Share.has_access("read") else Share
        by_rm = {row.rm_id.id: row for row in rows}
        target = self._vip_time_share_target() * 100
        for rm in self:
            row = by_rm.get(rm.id)
            rm.minutes_logged = row.minutes_total if row else 0
            rm.vip_time_share = row.vip_share if row else 0.0
            rm.vip_time_share_target = target

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
        # sudo: every customer of the RM counts, including those the caller cannot read.
        if self.env["res.partner"].sudo().search_count(
            ["|", ("bank_rm_id", "in", self.ids), ("bank_backup_rm_id", "in", self.ids)], limit=1
        ):
            raise UserError(
                self.env._("An RM who serves customers cannot be deleted: hand the customers over, then archive.")
            )

    def write(self, vals):
        if vals.get("state") == "left" or ("active" in vals and not vals["active"]):
            self._check_can_leave()
        result = super().write(vals)
        if vals.get("state") == "left":
            self.filtered(lambda rm: not rm.date_left)._bank_system_write(
                {"date_left": self.env.company._bank_today()}
            )
        return result

    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("bank_relationship_manager.res_partner_action_customers")
        action["domain"] = ["|", ("bank_rm_id", "=", self.id), ("bank_backup_rm_id", "=", self.id)]
        action["context"] = {"default_bank_rm_id": self.id}
        return action

    def action_view_vip_time_share(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("bank_relationship_manager.bank_vip_time_share_action")
        action["domain"] = [("rm_id", "=", self.id)]
        return action

    def action_mark_absent(self):
        """The unit head (or the office) marks the RM absent: the backup RM takes new activities."""
        self._check_may_mark_absent()
        # Unit heads have no write access to RM records; the caller was checked above.
        self._bank_system_write({"is_absent": True})
        return True

    def action_mark_back(self):
        self._check_may_mark_absent()
        self._bank_system_write({"is_absent": False})
        return True

    def action_view_handovers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("bank_relationship_manager.bank_handover_action")
        action["domain"] = ["|", ("outgoing_rm_id", "=", self.id), ("incoming_rm_id", "=", self.id)]
        action["context"] = {"default_outgoing_rm_id": self.id}
        return action

    @api.model
    def _vip_time_share_target(self):
        """The share of time an RM should spend on tiered customers (setting, default 70 %)."""
        # sudo: system parameters are readable by administrators only; this one is not secret.
        value = self.env["ir.config_parameter"].sudo().get_param(
            "bank_relationship_manager.vip_time_share_target", "0.7"
        )
        try:
            return float(value)
        except ValueError:
            return 0.7

    def _is_available(self):
        """Whether the RM serves their customers today: active, not leaving, not absent."""
        self.ensure_one()
        return self.active and self.state == "active" and not self.is_absent

    def _check_may_mark_absent(self):
        """Absence is set by the RM office, or by the head or a supervisor of the RM's unit."""
        user = self.env.user
        if self.env.su or user.has_group("bank_relationship_manager.group_bank_office"):
            return
        self.check_access("read")
        # sudo: the RM's unit decides who may mark them absent, read after the check above.
        for rm in self.sudo():
            if user not in rm.unit_id.head_user_id | rm.unit_id.oversight_user_ids:
                raise AccessError(
                    self.env._(
                        "RM %(rm)s: only the head or a supervisor of %(unit)s, or the RM office, "
                        "may mark the RM absent or back (field Absent).",
                        rm=rm.name,
                        unit=rm.unit_id.display_name,
                    )
                )

    def _check_can_leave(self):
        """An RM who still serves customers leaves only after a done handover moved them all."""
        # sudo: the customers of an RM are counted whoever asks; only counts are shown.
        partners = self.env["res.partner"].sudo()
        primary = dict(partners._read_group([("bank_rm_id", "in", self.ids)], ["bank_rm_id"], ["__count"]))
        backup = dict(
            partners._read_group([("bank_backup_rm_id", "in", self.ids)], ["bank_backup_rm_id"], ["__count"])
        )
        # sudo: the RM's handovers are listed in the refusal, whatever the caller may read.
        for rm in self.sudo():
            if primary.get(rm) or backup.get(rm):
                done = rm.handover_ids.filtered(lambda h: h.state in ("done", "filed"))
                raise UserError(
                    self.env._(
                        "RM %(rm)s still serves %(primary)s customers as primary RM and %(backup)s as backup "
                        "RM: the RM cannot be set to Left (field State) nor archived, nor their user archived, "
                        "before a done handover has moved these customers to a successor (%(handovers)s).",
                        rm=rm.name,
                        primary=primary.get(rm, 0),
                        backup=backup.get(rm, 0),
                        handovers=", ".join(done.mapped("name")) or self.env._("no done handover"),
                    )
                )
