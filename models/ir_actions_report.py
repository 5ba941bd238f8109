# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io

from odoo import models
from odoo.tools.misc import format_date

from ..tools.pdf_header import stamp_header

# The bank's printed registers: a running header (bank, unit, date, page x / y) on every page.
RUNNING_HEADER_REPORTS = frozenset({
    "bank_relationship_manager.report_bank_handover",
    "bank_relationship_manager.report_bank_dossier_register",
})


class IrActionsReport(models.Model):
    """Stamp the running header of the bank's lists on the PDF wkhtmltopdf made (why not Odoo's
    own header: tools/pdf_header.py)."""

    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        streams = super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        report = self._get_report(report_ref)
        if report.report_name not in RUNNING_HEADER_REPORTS:
            return streams
        for res_id, stream_data in streams.items():
            stream = stream_data.get("stream")
            if not stream or stream_data.get("attachment"):
                continue
            # One stream per record (the whole print when wkhtmltopdf could not split it).
            record = self.env[report.model].browse(res_id or (res_ids or [])[:1])
            stream_data["stream"] = io.BytesIO(self._bank_stamp_running_header(stream.getvalue(), record))
        return streams

    def _bank_stamp_running_header(self, pdf, record):
        """The PDF with "bank · unit" and "date · page x / y" at the top of each page, in the reader's language."""
        company = record[:1].company_id if "company_id" in record else self.env.company
        unit = record[:1].unit_id if "unit_id" in record else False
        left = " · ".join(name for name in ((company or self.env.company).name, unit and unit.name) if name)
        printed_on = format_date(self.env, self.env.company._bank_today())
        label = self.env._("Page")

        def right(page, pages):
            return f"{printed_on} · {label} {page} / {pages}"

        return stamp_header(pdf, left, right)
