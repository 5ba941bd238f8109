# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import datetime

from odoo import api, fields, models
from odoo.tools import SQL

# (document type, description, pages) of a typical bag.
_BAG = [
    ("account_form", "个人客户开户申请书", 2),
    ("id_copy", "居民身份证复印件", 1),
    ("risk_assessment", "个人客户风险评估问卷", 4),
    ("product_contract", "理财产品认购协议", 6),
]


class BankDossierDemoData(models.AbstractModel):
    """Demo dossiers: the drafts the tier evaluation opened are compiled, most are locked by their
    unit head, and the register shows every state (pending, out, overdue, returned, rejected)."""

    _name = "bank.dossier.demo.data"
    _description = "Demo dossiers generator"

    @api.model
    def _generate_dossiers(self):
        Dossier = self.env["bank.dossier"]
        dossiers = Dossier.search([("state", "=", "draft")], order="id")
        if not dossiers or Dossier.search_count([("state", "!=", "draft")], limit=1):
            return
        scan = base64.b64encode(b"%PDF-1.4\n% demo scan of a dossier document\n%%EOF\n")
        for index, dossier in enumerate(dossiers):
            bag = _BAG[: 2 + index % 3]
            self.env["bank.dossier.item"].create([
                {
                    "dossier_id": dossier.id,
                    "sequence": number,
                    "document_type": doc_type,
                    "description": description,
                    "page_count": pages,
                    "file": scan if number == 1 else False,
                    "file_name": f"{dossier.bag_no}-{number}.pdf" if number == 1 else False,
                }
                for number, (doc_type, description, pages) in enumerate(bag, start=1)
            ])
        # Two drafts stay with their RMs, still being compiled.
        locked = dossiers[:-2]
        for dossier in locked:
            self._as_custodian(dossier, dossier).action_lock()
        now = fields.Datetime.now()
        # One RM per register line, so that the register shows several borrowers; never an RM who
        # keeps the dossier themself (a custodian does not approve their own request).
        served, seen = self.env["bank.dossier"], set()
        for dossier in locked.filtered("partner_rm_user_id"):
            custodian = dossier.unit_id.head_user_id or dossier.unit_id.supervisor_user_id
            if dossier.partner_rm_user_id.id not in seen and dossier.partner_rm_user_id != custodian:
                seen.add(dossier.partner_rm_user_id.id)
                served |= dossier

        def request(dossier, purpose, days):
            return self.env["bank.dossier.checkout"].with_user(dossier.partner_rm_user_id).create({
                "dossier_id": dossier.id,
                "purpose": purpose,
                "due_at": now + datetime.timedelta(days=days),
            })

        plans = [
            ("requested", "客户来访，核对理财产品认购协议"),
            ("out", "上门拜访前核对客户资料"),
            ("overdue", "年度客户价值分析"),
            ("returned", "办理大额存单续存"),
            ("rejected", "复核风险评估问卷"),
        ]
        for (outcome, purpose), dossier in zip(plans, served, strict=False):
            line = request(dossier, purpose, 5)
            as_head = self._as_custodian(dossier, line)
            if outcome == "requested":
                continue
            if outcome == "rejected":
                as_head.action_reject()
                continue
            as_head.action_approve()
            as_head.action_hand_out()
            if outcome == "returned":
                as_head.action_return()
            elif outcome == "overdue":
                # Demo only: the bag went out twelve days ago and was due back two days ago. The
                # ledger keeps the true time the demo was generated; the register line is backdated.
                self.env.flush_all()
                self.env.execute_query(SQL(
                    "UPDATE bank_dossier_checkout SET out_at = %s, due_at = %s, requested_at = %s WHERE id = %s",
                    now - datetime.timedelta(days=12), now - datetime.timedelta(days=2),
                    now - datetime.timedelta(days=13), line.id,
                ))
                line.invalidate_recordset()
                line._bank_notify_overdue()

    @api.model
    def _as_custodian(self, dossier, record):
        """``record`` as the custodian of the dossier acts on it (its unit head, else the supervisor,
        else the installer's superuser environment)."""
        unit = dossier.unit_id
        head = unit.head_user_id or unit.supervisor_user_id
        return record.with_user(head) if head else record.with_env(self.env)
