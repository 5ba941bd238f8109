# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

BANK_STAFF_GROUPS = ("group_bank_rm", "group_bank_office", "group_bank_hr")


class ResUsers(models.Model):
    """Users: an RM's user is not archived while the RM still serves customers; bank staff land
    on their workbench (models/bank_workbench.py) unless they chose another home action."""

    _inherit = "res.users"

    # The dashboard's RM filter (data/files/relationship_banking_dashboard.json) reaches activities
    # through their user: mail.activity has no RM of its own.
    bank_rm_ids = fields.One2many("bank.rm", "user_id", string="RM records", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._bank_set_home_action()
        return users

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            # sudo: whoever archives a user, the check must see every RM record of that user.
            rms = self.env["bank.rm"].sudo().search([("user_id", "in", self.ids)])
            if rms:
                rms._check_can_leave()
        result = super().write(vals)
        if "group_ids" in vals:
            self._bank_set_home_action()
        return result

    def _bank_set_home_action(self):
        """Bank staff without a home action get the workbench (issue 16: they landed in Discuss)."""
        action = self.env.ref("bank_relationship_manager.bank_workbench_action", raise_if_not_found=False)
        if not action:
            return
        staff = self.filtered(lambda user: not user.action_id and any(
            user.has_group(f"bank_relationship_manager.{group}") for group in BANK_STAFF_GROUPS
        ))
        if staff:
            # sudo: the home action is set by the add-on when the groups change, whoever changes them.
            staff.sudo().write({"action_id": action.id})
