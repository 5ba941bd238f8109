# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The printed lists laid out for print (README "Printed lists"): the handover list and the dossier
check-out register rendered by wkhtmltopdf in Chinese, as the users who print them, and read back
from the PDF (values made here, never the template's labels, whose translation is not this test's):
each row's cells on one line in the columns' order (an empty tier or backup RM leaves its cell in
place), the running header (bank, unit, date, page x / y) on every page, the register in
landscape, and as many pages as the rows need (no page with nothing but the header)."""
import datetime
import io
import re

from pypdf import PdfReader

from odoo.tests import tagged
from odoo.tools.misc import format_date

from .dossier_common import DossierCase
from .handover_common import HandoverCase

HANDOVER = "bank_relationship_manager.report_bank_handover"
REGISTER = "bank_relationship_manager.report_bank_dossier_register"
BANK = "测试农商银行"
NOW = datetime.datetime(2026, 12, 7, 2, 0)  # 10:00 in Beijing


class PrintedPdf:
    """A rendered PDF read back: each page's size and its text laid out as printed (pypdf's layout
    mode keeps the cells of a table row on one line, at the column's position)."""

    def __init__(self, pdf):
        reader = PdfReader(io.BytesIO(pdf))
        self.sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]
        # (a space between two words of a cell comes back as a tab)
        self.pages = [page.extract_text(extraction_mode="layout").replace("\t", " ") for page in reader.pages]

    def line_of(self, key):
        """(page index, line) of the one line holding ``key``."""
        found = [(index, line) for index, page in enumerate(self.pages) for line in page.splitlines() if key in line]
        if len(found) != 1:
            raise AssertionError(f"{key!r} found on {len(found)} lines, expected one:\n" + "\n".join(self.pages))
        return found[0]


class LayoutMixin:
    """Rendering through wkhtmltopdf as ``user`` in Chinese, and the checks both lists share."""

    def render(self, report, records, user):
        self.env["res.lang"]._activate_lang("zh_CN")
        user.lang = "zh_CN"
        pdf, kind = self.env["ir.actions.report"].with_user(user).with_context(
            lang="zh_CN", force_report_rendering=True,
        )._render_qweb_pdf(report, records.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return PrintedPdf(pdf)

    def assertRow(self, printed, cells, key=None):
        """The cells on one line, in this order (the line is the one holding ``key``, or the first cell)."""
        _page, line = printed.line_of(key or cells[0])
        position = 0
        for cell in cells:
            found = line.find(cell, position)
            self.assertGreaterEqual(found, 0, f"{cell!r} is not after the previous cells in {line!r}")
            position = found + len(cell)
        return line

    def assertRunningHeader(self, printed, unit):
        """Bank, unit, the bank's date and "x / N" at the top of each of the N pages."""
        pages = len(printed.pages)
        today = format_date(self.env(context=dict(self.env.context, lang="zh_CN")), NOW.date())
        for number, text in enumerate(printed.pages, start=1):
            head = next(line for line in text.splitlines() if line.strip())
            with self.subTest(page=number):
                self.assertIn(BANK, head)
                self.assertIn(unit, head)
                self.assertIn(today, head)
                self.assertRegex(head, rf"\b{number} / {pages}\s*$")

    def assertNoEmptyPage(self, printed, content):
        """Every page carries more than the header: ``content(text)`` finds something of the list on it."""
        for number, text in enumerate(printed.pages, start=1):
            body = "\n".join(text.splitlines()[1:])
            self.assertTrue(content(body), f"page {number} of {len(printed.pages)} holds no row:\n{text}")


@tagged("post_install", "-at_install")
class TestHandoverListLayout(LayoutMixin, HandoverCase):
    """The handover list as the RM supervisor prints it (the witness who closes the handover): RM a's
    portfolio of tests/handover_common.py in Chinese, customer A3 without tier and without backup RM."""

    reference_now = NOW

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.name = BANK
        cls.outlet_1.name = "国贸营业部"
        for customer, name in ((cls.customer_a, "王建国"), (cls.customer_a2, "李秀英"),
                               (cls.customer_vip, "张伟"), (cls.customer_a3, "刘洋")):
            customer.name = name
        for user, name in ((cls.user_rm_b, "赵备岗"), (cls.user_rm_d, "孙接任"), (cls.user_rm_a, "周离任"),
                           (cls.user_supervisor, "钱督导"), (cls.user_center_head, "郑中心")):
            user.name = name
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.tier_vip.with_context(lang="zh_CN").name = "贵宾"

    def test_columns_in_place_whatever_is_empty(self):
        handover = self.ready_handover()
        printed = self.render(HANDOVER, handover, self.user_supervisor)
        self.assertEqual(len(printed.pages), 1, "four customers, a file and the signatures fit on one page")
        rows = {
            self.customer_a: ("王建国", "—", "150,000.00", "赵备岗", "✓"),
            self.customer_a2: ("李秀英", "—", "0.00", "孙接任", "✓"),
            self.customer_vip: ("张伟", "贵宾", "820,000.00", "—", "✓"),
            self.customer_a3: ("刘洋", "—", "0.00", "—", "✓"),
        }
        lines = {}
        for customer, cells in rows.items():
            with self.subTest(customer=customer.name):
                lines[customer] = self.assertRow(printed, (customer.bank_customer_no, *cells))
        # The columns at the same place on every row, the empty ones included: the tier, the backup
        # RM and the tick start where they start on the rows that have a value there.
        def starts(customer):
            line, position = lines[customer], 0
            found = []
            for cell in rows[customer]:
                position = line.find(cell, position)
                found.append(position)
                position += len(cell)
            return found

        tier_column, backup_column, tick_column = starts(self.customer_vip)[1], *starts(self.customer_a)[3:]
        for customer in rows:
            with self.subTest(customer=customer.name):
                _name, tier, _aum, backup, tick = starts(customer)
                self.assertAlmostEqual(tier, tier_column, delta=1)
                self.assertAlmostEqual(backup, backup_column, delta=1)
                self.assertAlmostEqual(tick, tick_column, delta=1)
        self.assertRunningHeader(printed, "国贸营业部")
        self.assertSignaturesLast(printed)

    def assertSignaturesLast(self, printed):
        """The witnesses' signature boxes (their names print only there) together on the last page."""
        for witness in ("钱督导", "郑中心"):
            pages = [index for index, text in enumerate(printed.pages) if witness in text]
            self.assertEqual(pages, [len(printed.pages) - 1], f"{witness}'s signature box on the last page")

    def test_long_list_pages_as_the_rows_need(self):
        """Forty more customers: the list runs over pages, each with its header and rows, the
        signatures kept together after the last row, no empty page after them."""
        self.env["res.partner"].create([
            {"name": f"批量客户{n:02d}", "is_bank_customer": True, "bank_rm_id": self.rm_a.id} for n in range(40)
        ])
        handover = self.ready_handover()
        self.assertEqual(len(handover.line_ids.filtered(lambda line: line.line_type == "customer")), 45)
        printed = self.render(HANDOVER, handover, self.user_supervisor)
        self.assertGreater(len(printed.pages), 1)
        self.assertRunningHeader(printed, "国贸营业部")
        numbers = [line.reference for line in handover.line_ids if line.line_type == "customer"]
        for reference in numbers:
            self.assertRow(printed, (reference, "—"))
        self.assertNoEmptyPage(printed, lambda body: any(number in body for number in numbers) or "钱督导" in body)
        self.assertSignaturesLast(printed)
        # The total printed with the last row, on its page.
        primary = handover.line_ids.filtered(lambda line: line.line_type == "customer" and line.rm_role == "primary")
        last_row, _line = printed.line_of(primary[-1].reference)
        total, _line = printed.line_of("970,000.00")
        self.assertEqual(total, last_row)

    def test_list_attached_when_done_has_the_header(self):
        handover = self.ready_handover()
        self.env["res.lang"]._activate_lang("zh_CN")
        self.user_supervisor.lang = "zh_CN"
        handover.with_user(self.user_supervisor).with_context(lang="zh_CN").action_done()
        printed = PrintedPdf(handover.list_attachment_id.raw)
        self.assertRunningHeader(printed, "国贸营业部")
        self.assertRow(printed, (self.customer_a3.bank_customer_no, "刘洋", "—", "0.00", "—"))


@tagged("post_install", "-at_install")
class TestRegisterLayout(LayoutMixin, DossierCase):
    """The check-out register as the unit head prints it, for outlet 1 in Chinese."""

    reference_now = NOW
    PURPOSE = "年度客户价值分析及理财产品到期续作面谈前核对客户身份证明与风险测评问卷"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.name = BANK
        cls.outlet_1.name = "国贸营业部"
        cls.customer_a.name = "王建国"
        cls.user_rm_a.name = "周借阅"
        cls.user_head_1.name = "吴主任"

    def lend(self, count):
        """``count`` check-outs of customer A's dossier: each handed out and back, the last one still out."""
        lines = self.env["bank.dossier.checkout"]
        for number in range(count):
            line = self.request(purpose=f"{number:02d} {self.PURPOSE}")
            self.hand_out(line)
            if number < count - 1:
                line.with_user(self.user_head_1).action_return()
            lines |= line
        return lines

    def print_register(self):
        wizard = self.env["bank.dossier.register.report"].with_user(self.user_head_1).create({
            "unit_id": self.outlet_1.id, "date_from": self.today, "date_to": self.today,
        })
        return wizard, self.render(REGISTER, wizard, self.user_head_1)

    def test_landscape_columns_in_order(self):
        lines = self.lend(3)
        wizard, printed = self.print_register()
        self.assertEqual(wizard.checkout_ids, lines)
        self.assertEqual(len(printed.pages), 1)
        width, height = printed.sizes[0]
        self.assertGreater(width, height, "landscape")
        self.assertAlmostEqual(width, 842, delta=2, msg="A4")
        for number in range(len(lines)):
            with self.subTest(line=number):
                # Each name whole on the row's first line (not a character a line), the purpose
                # wrapping inside its own cell between the borrower and the approver.
                self.assertRow(printed, (self.dossier_a.bag_no, "王建国", "周借阅", f"{number:02d} 年度客户", "吴主任"),
                               key=f"{number:02d} 年度客户")
        self.assertRunningHeader(printed, "国贸营业部")

    def test_long_register_pages_as_the_rows_need(self):
        self.lend(30)
        wizard, printed = self.print_register()
        self.assertEqual(len(wizard.checkout_ids), 30)
        self.assertGreater(len(printed.pages), 1)
        self.assertTrue(all(width > height for width, height in printed.sizes))
        self.assertRunningHeader(printed, "国贸营业部")
        for number in range(30):
            self.assertRow(printed, ("王建国", "周借阅", f"{number:02d} 年度客户"), key=f"{number:02d} 年度客户")
        self.assertNoEmptyPage(printed, lambda body: re.search(r"\b\d\d 年度客户", body))
        self.assertIn("29 年度客户", printed.pages[-1], "the last row on the last page")

    def test_empty_register_one_page(self):
        wizard, printed = self.print_register()
        self.assertFalse(wizard.checkout_ids)
        self.assertEqual(len(printed.pages), 1)
        width, height = printed.sizes[0]
        self.assertGreater(width, height)
        self.assertRunningHeader(printed, "国贸营业部")
