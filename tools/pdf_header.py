# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A running header drawn on every page of a rendered PDF: "bank · unit" on the left, "date ·
page x / y" on the right, free of the ORM.

Why not Odoo's header (``div.header`` with its ``page``/``topage`` spans): wkhtmltopdf draws it
only when built with patched Qt, and Debian's is not (docs/runtime.md: "headers and footers are
missing"); the page count is only known once the body is laid out. So the header is stamped on
the finished PDF instead, in the top margin the report's paper format leaves free."""
import io
import logging
import os

from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

_logger = logging.getLogger(__name__)

FONT_NAME = "BankReportHeader"
# TrueType fonts with Chinese glyphs (embedded, so the text can be read back and prints alike
# everywhere); the same families the reports' own CSS asks for. OpenType CFF fonts (Noto CJK)
# are not usable by reportlab.
FONT_FILES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),
)
# Without any of them: the PDF standard's Chinese font, drawn by the reader's own CJK font.
FALLBACK_FONT = "STSong-Light"
FONT_SIZE = 8
MM = 72 / 25.4
TOP = 8 * MM  # the header's baseline, from the top of the page
SIDE = 10 * MM

_font = []


def header_font():
    """The name of the font the header is drawn in, registered once per process."""
    if not _font:
        for path, index in FONT_FILES:
            if os.path.exists(path):
                try:
                    pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index or 0))
                except Exception:  # noqa: BLE001 - an unreadable font file: try the next one
                    _logger.warning("Report header: cannot use the font %s", path, exc_info=True)
                    continue
                _font.append(FONT_NAME)
                break
        else:
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
            _font.append(FALLBACK_FONT)
    return _font[0]


def stamp_header(pdf, left, right):
    """Return ``pdf`` (bytes) with ``left`` and ``right(page, pages)`` drawn at the top of each page.

    Pages keep their own size (portrait or landscape); ``right`` gets 1-based page numbers."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    pages = len(writer.pages)
    font = header_font()
    for number, page in enumerate(writer.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        overlay = io.BytesIO()
        sheet = canvas.Canvas(overlay, pagesize=(width, height))
        sheet.setFont(font, FONT_SIZE)
        sheet.drawString(SIDE, height - TOP, left)
        sheet.drawRightString(width - SIDE, height - TOP, right(number, pages))
        sheet.setLineWidth(0.5)
        sheet.line(SIDE, height - TOP - 2.5 * MM, width - SIDE, height - TOP - 2.5 * MM)
        sheet.showPage()
        sheet.save()
        page.merge_page(PdfReader(overlay).pages[0])
    result = io.BytesIO()
    writer.write(result)
    return result.getvalue()
