# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io

from lxml import html as lxml_html
from pypdf import PdfReader

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .annual_common import AnnualCase
from .common import JsonRpcMixin

REPORT = "bank_relationship_manager.report_bank_appraisal_ranking"


class RankingCase(AnnualCase):
    """The appraisal ranking (考核排名表) of November 2026 and of 2026 for the five RMs of AnnualCase:
    a, d and e in outlet 1, b in outlet 2 (both under the sub-branch of the supervisor), c in the
    wealth centre (its head's). Monthly scores (docs/appraisal.md): a 120, b 112, d and e 100 (a
    tie), c 30."""

    def publish_november(self, publish=None):
        return self.monthly(self.month, {
            self.rm_a: (96, 5), self.rm_b: (100, 10), self.rm_c: (40, 20),
        }, publish=self.rms if publish is None else publish)

    def wizard(self, user=None, **values):
        return self.env["bank.appraisal.ranking.report"].with_user(user or self.user_office).create(
            {"period": "monthly", "month": self.month, **values}
        )

    def rows(self, wizard, user=None):
        """The report's rows as the user renders it: [(rm, {column class: text})]."""
        html = self.env["ir.actions.report"].with_user(user or self.user_office)._render_qweb_html(
            REPORT, wizard.ids,
        )[0].decode()
        tree = lxml_html.fromstring(html)
        rows = []
        for row in tree.xpath("//tr[contains(@class, 'o_bank_ranking_row')]"):
            cells = {
                cls.removeprefix("o_bank_"): " ".join(cell.text_content().split())
                for cell in row.xpath("./td[@class]")
                for cls in cell.get("class").split() if cls.startswith("o_bank_")
            }
            rows.append((self.env["bank.rm"].browse(int(row.get("data-rm"))), cells))
        return rows, html


class TestRankingReport(RankingCase):

    def test_monthly_ranking_of_the_company(self):
        self.publish_november()
        rows, html = self.rows(self.wizard())
        self.assertEqual([rm for rm, _cells in rows], [self.rm_a, self.rm_b, self.rm_d, self.rm_e, self.rm_c])
        figures = {rm: (c["rank"], c["score"], c["unit_rank"], c["coefficient"]) for rm, c in rows}
        self.assertEqual(figures[self.rm_a], ("1", "120.00", "1", "1.30"))
        self.assertEqual(figures[self.rm_b], ("2", "112.00", "1", "1.30"))
        self.assertEqual(figures[self.rm_d], ("3", "100.00", "2", "1.15"), "a tie shares the rank")
        self.assertEqual(figures[self.rm_e], ("3", "100.00", "2", "1.15"))
        self.assertEqual(figures[self.rm_c], ("5", "30.00", "1", "0.00"))
        self.assertIn("Appraisal ranking", html)
        for signature in ("Prepared by", "Checked by", "Date"):
            self.assertIn(signature, html)
        self.assertNotIn("o_bank_bottom_note", html, "no bottom flag on a monthly ranking")

    def test_official_ranking_holds_published_appraisals_only(self):
        self.publish_november(publish=self.rm_a | self.rm_b | self.rm_d | self.rm_e)
        rows, html = self.rows(self.wizard())
        self.assertNotIn(self.rm_c, [rm for rm, _cells in rows], "c's appraisal is not published yet")
        self.assertIn("Official ranking", html)
        rows, html = self.rows(self.wizard(include_unpublished=True))
        self.assertEqual([rm for rm, _cells in rows][-1], self.rm_c)
        self.assertIn("Provisional ranking", html)
        self.assertIn("Computed", html, "the status of c's appraisal")

    def test_a_published_correction_replaces_the_original(self):
        appraisals = self.publish_november()
        original = appraisals[self.rm_c]
        action = original.with_user(self.user_office).action_correct()
        correction = self.env["bank.appraisal"].browse(action["res_id"])
        rows, _html = self.rows(self.wizard())
        self.assertEqual([rm for rm, _cells in rows].count(self.rm_c), 1, "the unpublished correction is not shown")
        self.enter(correction, 80, 10, user=self.user_center_head)
        correction.with_user(self.user_center_head).action_review()
        correction.with_user(self.user_office).action_publish()
        rows, _html = self.rows(self.wizard())
        self.assertEqual([rm for rm, _cells in rows].count(self.rm_c), 1)
        self.assertEqual(dict(rows)[self.rm_c]["score"], "100.00", "the correction, not the original")

    def test_scope_is_a_unit_and_the_units_below(self):
        self.publish_november()
        rows, html = self.rows(self.wizard(unit_id=self.outlet_1.id))
        self.assertEqual([rm for rm, _cells in rows], [self.rm_a, self.rm_d, self.rm_e])
        self.assertEqual([c["rank"] for _rm, c in rows], ["1", "3", "3"], "ranks stay those of the company")
        self.assertIn("T Outlet 1", html)
        rows, _html = self.rows(self.wizard(unit_id=self.sub_branch.id))
        self.assertEqual([rm for rm, _cells in rows], [self.rm_a, self.rm_b, self.rm_d, self.rm_e])

    def test_annual_ranking(self):
        self.publish_november()
        for author, rm, score in (
            (self.user_rm_d, self.rm_a, 90), (self.user_rm_e, self.rm_a, 80),
            (self.user_rm_a, self.rm_d, 70), (self.user_rm_e, self.rm_d, 60),
            (self.user_rm_a, self.rm_e, 50), (self.user_rm_d, self.rm_e, 70),
        ):
            self.peer_review(author, rm, score)
        annual = self.by_rm(self.run_annual())
        self.env.company.write({"bank_bottom_count": 1})
        for rm, score in ((self.rm_a, 90), (self.rm_d, 80), (self.rm_e, 70), (self.rm_b, 80), (self.rm_c, 60)):
            self.supervise(annual[rm], score)
            annual[rm].with_user(self.reviewer_of(rm)).action_review()
        self.env["bank.appraisal"].browse([a.id for a in annual.values()]).with_user(self.user_office).action_publish()
        rows, html = self.rows(self.wizard(period="annual", year=2026))
        self.assertEqual([rm for rm, _cells in rows], [self.rm_a, self.rm_b, self.rm_d, self.rm_e, self.rm_c])
        figures = {rm: (c["rank"], c["monthly"], c["peer"], c["supervisor"], c["score"], c["bottom"])
                   for rm, c in rows}
        # 60 % monthly mean + 20 % peers + 20 % supervisor (company defaults); without peer reviews
        # (B and C are alone in their units) the monthly and supervisor parts share the weight.
        self.assertEqual(figures[self.rm_a], ("1", "120.00 (1)", "85.00 (2)", "90.00", "107.00", ""))
        self.assertEqual(figures[self.rm_b], ("2", "112.00 (1)", "0.00 (0)", "80.00", "104.00", ""))
        self.assertEqual(figures[self.rm_d], ("3", "100.00 (1)", "65.00 (2)", "80.00", "89.00", ""))
        self.assertEqual(figures[self.rm_e], ("4", "100.00 (1)", "60.00 (2)", "70.00", "86.00", ""))
        self.assertEqual(figures[self.rm_c], ("5", "30.00 (1)", "0.00 (0)", "60.00", "37.50", "Flagged for review"))
        self.assertIn("not a dismissal", html, "the note says what the flag means")
        self.assertNotIn("o_bank_coefficient", html)


class TestRankingReportAccess(RankingCase):

    def test_supervisor_prints_the_units_they_oversee(self):
        self.publish_november()
        wizard = self.wizard(self.user_supervisor)
        self.assertEqual(wizard.unit_id, self.sub_branch, "their own unit by default")
        action = wizard.action_print()
        self.assertEqual(action["report_name"], REPORT)
        rows, _html = self.rows(wizard, self.user_supervisor)
        self.assertEqual([rm for rm, _cells in rows], [self.rm_a, self.rm_b, self.rm_d, self.rm_e])
        # Not a unit they do not oversee, nor the whole company.
        for unit in (self.center, self.env["bank.org.unit"]):
            other = self.wizard(self.user_supervisor, unit_id=unit.id)
            self.assertFalse(other.can_print)
            with self.assertRefused(UserError, "oversee"):
                other.action_print()
        # Rendered anyway (the report URL), the report holds what their rules let them read.
        rows, _html = self.rows(self.wizard(self.user_supervisor, unit_id=False), self.user_supervisor)
        self.assertEqual([rm for rm, _cells in rows], [self.rm_a, self.rm_b, self.rm_d, self.rm_e])
        rows, _html = self.rows(self.wizard(self.user_supervisor, unit_id=self.center.id), self.user_supervisor)
        self.assertEqual(rows, [], "the wealth centre's appraisals are not theirs")
        # The centre head prints the centre.
        rows, _html = self.rows(self.wizard(self.user_center_head), self.user_center_head)
        self.assertEqual([rm for rm, _cells in rows], [self.rm_c])

    def test_office_prints_the_whole_company(self):
        wizard = self.wizard()
        self.assertFalse(wizard.unit_id)
        self.assertTrue(wizard.can_print)
        self.assertEqual(wizard.action_print()["report_name"], REPORT)
        other = self.env["res.company"].create({"name": "T Other bank"})
        with self.assertRefused(UserError, "Company"):
            self.wizard(company_id=other.id)

    def test_rm_unit_head_and_hr_may_not_print(self):
        self.publish_november()
        for user in (self.user_rm_a, self.user_head_1, self.user_hr):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.wizard(user)
        wizard = self.wizard()
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_rm_a).action_print()
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.user_rm_a)._render_qweb_html(REPORT, wizard.ids)

    def test_bad_year(self):
        for year in (0, 1899, 2200):
            with self.subTest(year=year), self.assertRefused(ValidationError, "Year"):
                self.wizard(period="annual", year=year)
        self.assertTrue(self.wizard(period="monthly", year=0), "the year of a monthly ranking is not used")


@tagged("post_install", "-at_install")
class TestRankingReportHttp(JsonRpcMixin, HttpCase, RankingCase):
    """The printed PDF (wkhtmltopdf through the running server) and the access over JSON-RPC."""

    def test_rm_refused_over_rpc(self):
        self.publish_november()
        model = "bank.appraisal.ranking.report"
        _result, error = self.call("t_rm_a", model, "create", [[{"period": "monthly", "month": "2026-11-01"}]])
        self.assertTrue(error)
        wizard = self.wizard()
        _result, error = self.call("t_rm_a", model, "action_print", [wizard.ids])
        self.assertTrue(error)
        _result, error = self.call("t_rm_a", model, "read", [wizard.ids, ["appraisal_ids"]])
        self.assertTrue(error)
        result, error = self.call("t_office", model, "action_print", [wizard.ids])
        self.assertIsNone(error)
        self.assertEqual(result["report_name"], REPORT)
        # A supervisor reads only the appraisals of the units they oversee through the wizard.
        result, error = self.call("t_supervisor", model, "create", [[{"period": "monthly", "month": "2026-11-01"}]])
        self.assertIsNone(error)
        rows, error = self.call("t_supervisor", model, "read", [result, ["appraisal_ids"]])
        self.assertIsNone(error)
        self.assertEqual(set(rows[0]["appraisal_ids"]),
                         set(self.env["bank.appraisal"].search([("rm_id", "in", (self.rm_a | self.rm_b | self.rm_d
                                                                                  | self.rm_e).ids),
                                                                ("period", "=", "monthly")]).ids))

    def test_pdf_in_chinese(self):
        """The PDF renders, with Chinese text (the names of the unit and of the RMs are data)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.outlet_1.name = "国贸测试网点"
        self.user_rm_a.name = "王测试"
        self.publish_november()
        wizard = self.wizard(unit_id=self.outlet_1.id)
        pdf, kind = self.env["ir.actions.report"].with_user(self.user_office).with_context(
            lang="zh_CN", force_report_rendering=True,
        )._render_qweb_pdf(REPORT, wizard.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        # (Through the server, the layout's web fonts carry the Latin text, which pypdf does not
        # extract; the Chinese text falls back to the system's CJK font and is read back.)
        text = "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
        self.assertEqual(text.count("国贸测试网点"), 4, "the scope and the unit of the three RMs of outlet 1")
        self.assertEqual(text.count("王测试"), 1)
