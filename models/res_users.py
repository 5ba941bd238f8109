# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResUsers(models.Model):
    """Users: an RM's user is not archived while the RM still serves customers."""

    _inherit = "res.users"

    # The dashboard's RM filter (data/files/relationship_banking_dashboard.json) reaches activities
    # through their user: mail.activity has no RM of its own.
    bank_rm_ids = fields.One2many("bank.rm", "user_id", string="RM records", readonly=True)

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            # sudo: whoever archives a user, the check must see every RM record of that user.
            rms = self.env["bank.rm"].sudo().search([("user_id", "in", self.ids)])
            if rms:
                rms._check_can_leave()
        return super().write(vals)
