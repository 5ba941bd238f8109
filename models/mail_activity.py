# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models


class MailActivity(models.Model):
    """Activities on bank customers follow the A/B roles: while the primary RM is absent or
    leaving, a new activity meant for them goes to the backup RM (or, without an available
    backup, to the head of the customer's unit), so that the customer is served meanwhile."""

    _inherit = "mail.activity"

    @api.model_create_multi
    def create(self, vals_list):
        self._bank_redirect_to_backup(vals_list)
        return super().create(vals_list)

    @api.model
    def _bank_redirect_to_backup(self, vals_list):
        partner_model_id = self.env["ir.model"]._get_id("res.partner")
        targets = [
            vals for vals in vals_list
            if vals.get("res_id")
            and (vals.get("res_model") == "res.partner" or vals.get("res_model_id") == partner_model_id)
        ]
        if not targets:
            return
        # sudo: the assignment follows the customer's RMs, whoever schedules the activity.
        partners = self.env["res.partner"].sudo().browse({vals["res_id"] for vals in targets})
        by_id = {partner.id: partner for partner in partners}  # iterating keeps one prefetch for all
        for vals in targets:
            partner = by_id[vals["res_id"]]
            user_id = vals.get("user_id")  # no default: an activity may be left unassigned
            if not user_id or not partner.is_bank_customer or partner.bank_rm_user_id.id != user_id:
                continue
            if partner.bank_rm_id._is_available():
                continue
            backup = partner.bank_backup_rm_id
            if backup and backup._is_available():
                vals["user_id"] = backup.user_id.id
            elif partner.bank_unit_id.head_user_id:
                vals["user_id"] = partner.bank_unit_id.head_user_id.id
