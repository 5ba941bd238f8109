# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import api, fields, models


class BankHandoverDemoData(models.AbstractModel):
    """Demo: 陈静, whose departure request is on its way, took one of her customers' dossiers out
    to prepare the handover meeting. Once the request is approved and the handover prepared, the
    list shows her dossiers, and done waits until the outlet head has received that bag back."""

    _name = "bank.handover.demo.data"
    _description = "Demo dossier out with a leaving RM"

    @api.model
    def _generate_handover_dossier(self):
        rm = self.env.ref("bank_relationship_manager.rm_chenjing", raise_if_not_found=False)
        if not rm:
            return
        Checkout = self.env["bank.dossier.checkout"]
        if Checkout.search_count([("borrower_id", "=", rm.user_id.id), ("state", "in", ("approved", "out"))]):
            return
        busy = Checkout.search([("state", "in", ("requested", "approved", "out"))]).dossier_id
        dossier = self.env["bank.dossier"].search(
            [("partner_rm_user_id", "=", rm.user_id.id), ("state", "=", "in_custody"), ("id", "not in", busy.ids)],
            order="bag_no", limit=1,
        )
        if not dossier:
            return
        line = Checkout.with_user(rm.user_id).create({
            "dossier_id": dossier.id,
            "purpose": "整理客户资料，准备工作移交",
            "due_at": fields.Datetime.now() + datetime.timedelta(days=7),
        })
        as_head = self.env["bank.dossier.demo.data"]._as_custodian(dossier, line)
        as_head.action_approve()
        as_head.action_hand_out()
