# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

DOCUMENT_TYPES = [
    ("id_copy", "Copy of the ID document"),
    ("account_form", "Account opening form"),
    ("risk_assessment", "Risk assessment questionnaire"),
    ("product_contract", "Product contract"),
    ("loan_file", "Loan documents"),
    ("asset_proof", "Proof of income or assets"),
    ("service_record", "Service and visit records"),
    ("other", "Other document"),
]


class BankDossierItem(models.Model):
    """One document in a customer's dossier bag, with its scan. Readable by the custodian side,
    and by the borrower while the dossier is checked out to them (record rules); editable only
    while the dossier is a draft (record rules for the scans, write() for everything)."""

    _name = "bank.dossier.item"
    _description = "Dossier document"
    _inherit = ["bank.guard.mixin"]
    _order = "dossier_id, sequence, id"
    _allow_sudo_commands = False
    # The guard (models/bank_guard_mixin.py): a document stays in its dossier. The contents of a
    # locked dossier are sealed for everyone, the superuser too: _bank_check_draft_for_items locks
    # the dossier's row before it decides, so that nothing slips in while the custodian locks it.
    _bank_fixed_fields = frozenset({"dossier_id"})

    dossier_id = fields.Many2one("bank.dossier", string="Dossier", required=True, index=True, ondelete="restrict")
    sequence = fields.Integer(default=10)
    document_type = fields.Selection(DOCUMENT_TYPES, string="Document type", required=True, default="account_form")
    description = fields.Char(required=True)
    page_count = fields.Integer(string="Pages", required=True, default=1)
    file = fields.Binary(string="Scan", attachment=True, copy=False)
    file_name = fields.Char(string="File name")
    dossier_state = fields.Selection(related="dossier_id.state", string="Dossier state")

    @api.constrains("page_count")
    def _check_page_count(self):
        for item in self:
            if item.page_count <= 0:
                raise ValidationError(self.env._(
                    "Dossier %(bag)s, document %(doc)s: the number of pages must be at least 1 (field Pages).",
                    bag=item.dossier_id.bag_no, doc=item.description,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        dossiers = self.env["bank.dossier"].browse({vals.get("dossier_id") for vals in vals_list} - {None, False})
        dossiers._bank_check_draft_for_items()
        return super().create(vals_list)

    def write(self, vals):
        self.dossier_id._bank_check_draft_for_items()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self.dossier_id._bank_check_draft_for_items()

