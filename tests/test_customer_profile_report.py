# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customer profile (客户档案/价值分析报告, report/bank_customer_profile.py): each section against
the records made here, the ID number masked for readers who do not serve the customer, the PDF
through wkhtmltopdf in Chinese, an RM of another unit refused (ORM and RPC), the Print menu, and
the copy attached to a written analysis when it is acknowledged."""
import datetime
import io
import json
from unittest.mock import patch

from lxml import html as lxml_html
from pypdf import PdfReader

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.bank_relationship_manager.tools import id_number
from odoo.addons.base.models.ir_actions_report import IrActionsReport

from .common import ID_A
from .test_value_analysis import ASSESSMENT, SEP, AnalysisCase

REPORT = "bank_relationship_manager.report_bank_customer_profile"
ACTION = "bank_relationship_manager.action_report_bank_customer_profile"
OCT, NOV = datetime.date(2026, 10, 31), datetime.date(2026, 11, 30)


def text(node):
    return " ".join(node.text_content().split())


class ProfileCase(AnalysisCase):
    """Customer A of tests/test_customer_value.py (a demand deposit, a credit loan, contacts around
    November), today 7 December 2026, with snapshots of August to November, a tier and its reason,
    a loan overdue 12 days, three complaints (two open) and contacts on both sides of the quarter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loan.maturity_date = datetime.date(2029, 9, 15)
        # The tier engine's reason (written by the engine only: here as the superuser).
        cls.customer_a.bank_tier_reason = "AUM 90,000 in the tier's range"
        Log = cls.env["bank.maintenance.log"]
        cls.log_before, cls.log_first = (Log.create({
            "partner_id": cls.customer_a.id, "rm_id": cls.rm_a.id, "date": day, "channel": "phone",
            "summary": f"Call {day}", "minutes": 5,
        }) for day in ("2026-09-06", "2026-09-07"))
        cls.Balance.load_balances([{"account_no": "T-LOAN-A", "date": "2026-12-04", "balance": -50000,
                                    "days_overdue": 12, "arrears_amount": 300}])
        Complaint = cls.env["bank.complaint"].with_user(cls.user_rm_a)
        cls.complaint_new, cls.complaint_started, cls.complaint_resolved = (Complaint.create({
            "partner_id": cls.customer_a.id, "description": f"理财产品收益与宣传不符 {n}",
            "category": "mis_selling", "channel": "phone",
        }) for n in range(3))
        (cls.complaint_started | cls.complaint_resolved).action_start()
        cls.complaint_resolved.resolution = "已向客户说明产品风险并致歉"
        cls.complaint_resolved.action_resolve()

    def setUp(self):
        super().setUp()
        self.generate(OCT, NOV)

    def html(self, user, partner=None):
        return self.env["ir.actions.report"].with_user(user)._render_qweb_html(
            REPORT, (partner or self.customer_a).ids,
        )[0].decode()

    def tree(self, user, partner=None):
        return lxml_html.fromstring(self.html(user, partner))

    def id_shown(self, user):
        [cell] = self.tree(user).xpath("//td[contains(@class, 'o_bank_profile_id_number')]")
        return text(cell)

    def acknowledge_q3(self):
        self.Analysis._bank_plan(SEP)
        analysis = self.planned(self.customer_a)
        analysis.with_user(self.user_rm_a).write(ASSESSMENT)
        analysis.with_user(self.user_rm_a).action_submit()
        analysis.with_user(self.user_head_1).action_acknowledge()
        return analysis


@tagged("post_install", "-at_install")
class TestProfileContent(ProfileCase):

    def test_identity_rms_and_tier(self):
        tree = self.tree(self.user_rm_a)
        cell = {cls: text(tree.xpath(f"//td[contains(@class, '{cls}')]")[0]) for cls in (
            "o_bank_profile_name", "o_bank_profile_id_number", "o_bank_profile_unit", "o_bank_profile_rm",
            "o_bank_profile_backup_rm", "o_bank_profile_tier", "o_bank_profile_tier_reason",
        )}
        self.assertEqual(cell["o_bank_profile_name"], "Customer A")
        self.assertEqual(cell["o_bank_profile_id_number"], ID_A, "the primary RM serves the customer")
        self.assertEqual(cell["o_bank_profile_unit"], self.outlet_1.display_name)
        self.assertEqual(cell["o_bank_profile_rm"], self.rm_a.display_name)
        self.assertEqual(cell["o_bank_profile_backup_rm"], self.rm_b.display_name)
        self.assertIn(self.customer_a.bank_tier_id.name, cell["o_bank_profile_tier"])
        self.assertEqual(cell["o_bank_profile_tier_reason"], "AUM 90,000 in the tier's range")

    def test_holdings_by_category(self):
        tree = self.tree(self.user_rm_a)
        rows = {row.get("data-account"): row for row in tree.xpath("//tr[contains(@class, 'o_bank_profile_account')]")}
        self.assertEqual(set(rows), {"T-DEP-A", "T-LOAN-A"})
        self.assertIn("90,000.00", text(rows["T-DEP-A"].xpath("./td[contains(@class, 'o_bank_balance')]")[0]))
        self.assertIn("50,000.00", text(rows["T-LOAN-A"].xpath("./td[contains(@class, 'o_bank_balance')]")[0]))
        self.assertEqual(text(rows["T-LOAN-A"].xpath("./td[contains(@class, 'o_bank_maturity')]")[0]), "09/15/2029")
        totals = {int(row.get("data-category")): text(row.xpath("./td[contains(@class, 'o_bank_total')]")[0])
                  for row in tree.xpath("//tr[contains(@class, 'o_bank_profile_category_total')]")}
        self.assertEqual(set(totals), {self.demand.category_id.id, self.loan.category_id.id})
        self.assertIn("90,000.00", totals[self.demand.category_id.id])
        self.assertIn("50,000.00", totals[self.loan.category_id.id])

    def test_trend_contribution_and_value_class(self):
        tree = self.tree(self.user_rm_a)
        months = tree.xpath("//tr[contains(@class, 'o_bank_profile_month')]")
        self.assertEqual([row.get("data-month") for row in months][::11], ["2025-12-31", "2026-11-30"],
                         "the twelve month ends before today")
        self.assertEqual(len(months), 12)
        filled = {row.get("data-month"): row for row in months if row.xpath("./td[contains(@class, 'o_bank_aum')]")}
        self.assertEqual(sorted(filled), ["2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30"])

        def cell(month, cls):
            return text(filled[month].xpath(f"./td[contains(@class, '{cls}')]")[0])

        # The figures of tests/test_customer_value.py (test_figures_by_hand).
        self.assertIn("30,000.00", cell("2026-10-31", "o_bank_aum"))
        self.assertIn("90,000.00", cell("2026-11-30", "o_bank_aum"))
        self.assertIn("86.00", cell("2026-10-31", "o_bank_contribution"))
        self.assertIn("69.00", cell("2026-11-30", "o_bank_contribution"))
        self.assertIn("248.00", cell("2026-10-31", "o_bank_income"))
        self.assertIn("162.00", cell("2026-10-31", "o_bank_cost"))
        self.assertEqual(cell("2026-11-30", "o_bank_value_class"), "Grow")
        total = sum(self.snapshot(self.customer_a, day).contribution for day in (
            datetime.date(2026, 8, 31), SEP, OCT, NOV))
        [total_row] = tree.xpath("//tr[contains(@class, 'o_bank_profile_contribution_total')]")
        self.assertIn(f"{total:,.2f}", text(total_row))
        # The chart: a bar per month with a snapshot, scaled on the highest AUM, and the line through them.
        bars = tree.xpath("//*[local-name()='rect'][contains(@class, 'o_bank_chart_bar')]")
        self.assertEqual([float(bar.get("data-aum")) for bar in bars], [0, 0, 30000, 90000])
        self.assertEqual([float(bar.get("height")) for bar in bars], [0, 0, 54.7, 164.0])
        [line] = tree.xpath("//*[local-name()='polyline']")
        self.assertEqual(len(line.get("points").split()), 4)

    def test_latest_acknowledged_analysis(self):
        self.Analysis._bank_plan(SEP)
        analysis = self.planned(self.customer_a)
        analysis.with_user(self.user_rm_a).write(ASSESSMENT)
        analysis.with_user(self.user_rm_a).action_submit()
        self.assertFalse(self.tree(self.user_rm_a).xpath("//table[contains(@class, 'o_bank_profile_analysis')]"),
                         "a submitted analysis is not acknowledged yet")
        analysis.with_user(self.user_head_1).action_acknowledge()
        [block] = self.tree(self.user_rm_a).xpath("//table[contains(@class, 'o_bank_profile_analysis')]")
        self.assertEqual(int(block.get("data-analysis")), analysis.id)
        self.assertIn(ASSESSMENT["current_value"], text(block))
        self.assertEqual(text(block.xpath(".//td[contains(@class, 'o_bank_plan')]")[0]), "Deepen")

    def test_contacts_complaints_and_loan_exceptions(self):
        tree = self.tree(self.user_rm_a)
        logs = self.env["bank.maintenance.log"].browse(
            int(row.get("data-log")) for row in tree.xpath("//tr[contains(@class, 'o_bank_profile_contact')]")
        )
        # From 7 September (three months before today) on: not 6 September, nor November last year.
        self.assertEqual(sorted(str(day) for day in logs.mapped("date")), [
            "2026-09-07", "2026-10-31", "2026-11-01", "2026-11-15", "2026-11-30", "2026-12-01",
        ])
        self.assertIn(self.log_first, logs)
        self.assertNotIn(self.log_before, logs)
        complaints = {int(row.get("data-complaint"))
                      for row in tree.xpath("//tr[contains(@class, 'o_bank_profile_complaint')]")}
        self.assertEqual(complaints, {self.complaint_new.id, self.complaint_started.id}, "open complaints only")
        [loan] = tree.xpath("//tr[contains(@class, 'o_bank_profile_loan')]")
        self.assertEqual(loan.get("data-account"), "T-LOAN-A")
        self.assertEqual(text(loan.xpath("./td[contains(@class, 'o_bank_days')]")[0]), "12")
        self.assertIn("300.00", text(loan.xpath("./td[contains(@class, 'o_bank_arrears')]")[0]))
        self.assertEqual(text(loan.xpath("./td[contains(@class, 'o_bank_loan_status')]")[0]), "Alarm")
        # The feed clears the loan: no exception left.
        self.Balance.load_balances([{"account_no": "T-LOAN-A", "date": "2026-12-05", "balance": -50000,
                                     "days_overdue": 0, "arrears_amount": 0}])
        self.assertFalse(self.tree(self.user_rm_a).xpath("//tr[contains(@class, 'o_bank_profile_loan')]"))


@tagged("post_install", "-at_install")
class TestProfileAccess(ProfileCase):

    def test_id_masked_unless_the_reader_serves_the_customer(self):
        masked = id_number.mask(ID_A)
        self.assertNotEqual(masked, ID_A)
        self.assertEqual(self.id_shown(self.user_office), masked, "the RM office reads every customer, masked")
        for user in (self.user_rm_a, self.user_rm_b, self.user_head_1, self.user_supervisor):
            with self.subTest(user=user.login):
                self.assertEqual(self.id_shown(user), ID_A)

    def test_rm_of_another_unit_refused(self):
        for user in (self.user_rm_c, self.user_head_2, self.user_hr):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.html(user)
        with self.assertRefused(UserError, "Plain contact"):
            self.html(self.user_admin, self.contact)

    def test_print_menu_of_the_customer_form(self):
        action = self.env.ref(ACTION)
        for user, shown in ((self.user_rm_a, True), (self.user_head_1, True), (self.user_office, True),
                            (self.user_plain, False)):
            with self.subTest(user=user.login):
                views = self.env["res.partner"].with_user(user).get_views([(False, "form")], {"toolbar": True})
                printed = [item["id"] for item in views["views"]["form"]["toolbar"].get("print", [])]
                self.assertEqual(action.id in printed, shown)


@tagged("post_install", "-at_install")
class TestProfilePdf(HttpCase, ProfileCase):
    """The PDF through wkhtmltopdf, the report route over HTTP and the copy kept on acknowledgment."""

    def rendered_bodies(self):
        """Patch wkhtmltopdf's runner to keep the HTML it was given (the PDF's Latin text is not extracted)."""
        bodies = []
        original = IrActionsReport._run_wkhtmltopdf

        def run(report, bodies_in, *args, **kwargs):
            bodies.extend(str(body) for body in bodies_in)
            return original(report, bodies_in, *args, **kwargs)

        return bodies, patch.object(IrActionsReport, "_run_wkhtmltopdf", run)

    def test_pdf_in_chinese_masked_for_the_office(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.customer_a.name = "王档案测试"
        self.outlet_1.name = "国贸档案网点"
        bodies, patcher = self.rendered_bodies()
        with patcher:
            pdf, kind = self.env["ir.actions.report"].with_user(self.user_office).with_context(
                lang="zh_CN", force_report_rendering=True,
            )._render_qweb_pdf(REPORT, self.customer_a.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        extracted = "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
        self.assertIn("王档案测试", extracted)
        self.assertIn("国贸档案网点", extracted)
        page = "".join(bodies)
        self.assertIn(id_number.mask(ID_A), page)
        self.assertNotIn(ID_A, page, "the office does not serve the customer")

    def test_report_route(self):
        url = f"/report/html/{REPORT}/{self.customer_a.id}"
        self.authenticate("t_rm_a", "t_rm_a")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(ID_A, response.text)
        self.authenticate("t_office", "t_office")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(id_number.mask(ID_A), response.text)
        self.assertNotIn(ID_A, response.text)
        self.authenticate("t_rm_c", "t_rm_c")
        response = self.url_open(url)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("Customer A", response.text)
        response = self.url_open(
            "/web/dataset/call_kw/res.partner/read",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "model": "res.partner", "method": "read", "args": [self.customer_a.ids, ["name"]], "kwargs": {},
            }}),
            headers={"Content-Type": "application/json"},
        )
        self.assertIn("error", response.json())

    def test_profile_attached_on_acknowledgment(self):
        bodies, patcher = self.rendered_bodies()
        with patcher:
            analysis = self.acknowledge_q3()
        [attachment] = self.env["ir.attachment"].search([
            ("res_model", "=", "bank.value.analysis"), ("res_id", "=", analysis.id),
        ])
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        self.assertIn(analysis.name, attachment.name)
        page = "".join(bodies)
        self.assertIn(ASSESSMENT["current_value"], page, "the analysis just acknowledged is in it")
        self.assertIn(id_number.mask(ID_A), page)
        self.assertNotIn(ID_A, page, "the kept copy is read by whoever reads the analysis: masked")
        # Readable with the analysis: by the RM; not by an RM of another unit.
        self.assertEqual(attachment.with_user(self.user_rm_a).raw[:4], b"%PDF")
        with self.assertRaises(AccessError):
            attachment.with_user(self.user_rm_c).read(["raw"])
