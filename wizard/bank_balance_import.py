# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import binascii
import csv
import io

from odoo import fields, models
from odoo.exceptions import UserError

_COLUMNS = ["account_no", "date", "balance"]
# Optional columns of loan accounts (SPEC §9a): empty cells on the other rows.
_LOAN_COLUMNS = ["days_overdue", "arrears_amount"]


class BankBalanceImport(models.TransientModel):
    """Load a CSV of balances (``account_no,date,balance``, optionally followed by the loan
    columns ``days_overdue,arrears_amount``) through ``load_balances``' fast path: the same
    validation and the same all-or-nothing rule as the API, the lines streamed (one at a time)
    into it rather than held as a list."""

    _name = "bank.balance.import"
    _description = "Import balances"
    _inherit = ["bank.guard.mixin"]

    file = fields.Binary(string="CSV file", required=True)
    filename = fields.Char()
    state = fields.Selection([("draft", "Draft"), ("error", "Refused"), ("done", "Loaded")], default="draft")
    error_text = fields.Text(string="Errors", readonly=True)
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)

    def action_import(self):
        self.ensure_one()
        try:
            rows = self._read_rows()
            # The savepoint makes "nothing loaded" hold even if a later step failed midway.
            with self.env.cr.savepoint():
                result = self.env["bank.balance"]._load_balance_stream(rows)
        except UserError as error:
            self.write({"state": "error", "error_text": str(error), "created_count": 0, "updated_count": 0})
        else:
            self.write(
                {"state": "done", "error_text": False, "created_count": result["created"],
                 "updated_count": result["updated"]}
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _read_rows(self):
        """The file's lines as rows, one at a time: the text is decoded as it is read, so a file of a
        million lines is held once (as bytes), never as a list of rows."""
        try:
            raw = base64.b64decode(self.file or b"", validate=True)
        except binascii.Error as error:
            raise UserError(self.env._("The file is not a UTF-8 CSV file.")) from error
        reader = csv.reader(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=""))
        try:
            header = [cell.strip().lower() for cell in next(reader, [])]
        except UnicodeDecodeError as error:
            raise UserError(self.env._("The file is not a UTF-8 CSV file.")) from error
        if header not in (_COLUMNS, _COLUMNS + _LOAN_COLUMNS):
            raise UserError(
                self.env._(
                    "The first line must be exactly %(expected)s (or %(with_loans)s), not %(found)s.",
                    expected=",".join(_COLUMNS),
                    with_loans=",".join(_COLUMNS + _LOAN_COLUMNS),
                    found=",".join(header) or self.env._("an empty line"),
                )
            )
        return self._csv_rows(reader, header)

    def _csv_rows(self, reader, header):
        # Every line counts, so that "Row N" in the errors is the N-th line after the header;
        # a line with the wrong number of cells is passed on as a bad row.
        try:
            for cells in reader:
                yield dict(zip(header, cells, strict=True)) if len(cells) == len(header) else None
        except UnicodeDecodeError as error:
            # Found while loading, before anything is written: the whole file is refused.
            raise UserError(self.env._("The file is not a UTF-8 CSV file.")) from error
