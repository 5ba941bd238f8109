# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The unit's monthly report (月度报告, report/bank_unit_monthly_report.py): a hand-made November 2026
of outlet 1 against its figures (the helper and the rendered report), the other outlet's records
left out, who may print which unit (ORM and JSON-RPC), the PDF through wkhtmltopdf in Chinese."""
import datetime
import io
import re

from lxml import html as lxml_html
from pypdf import PdfReader

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .annual_common import AnnualCase
from .common import PREFIX, JsonRpcMixin, frozen_clock, load_chinese

REPORT = "bank_relationship_manager.report_bank_unit_monthly"
D = datetime.date
NOV_END = D(2026, 11, 30)
# The Chinese of the headings checked in the PDF (as in the PO fragment of this report).
HEADINGS = {
    "Unit monthly report": "机构月度报告",
    "Customers and AUM by tier at month end": "月末各层级客户数及资产规模",
    "New VIP customers": "新增VIP客户",
    "Lost VIP customers": "流失VIP客户",
    "Maintenance activities by RM": "各客户经理维护活动",
    "Complaints": "客户投诉",
    "Dossier exceptions": "档案异常",
    "Appraisal ranking of the month": "本月考核排名",
    "Customer value of the month": "本月客户价值",
}


def text(node):
    return " ".join(node.text_content().split())


class MonthlyCase(AnnualCase):
    """November 2026 (today 3 December) of outlet 1 (head 1; RMs a, d and e) and outlet 2 (RM b):

    - tiers: customer A gold → VIP on 5 Nov (up); 王一 (RM a) none → gold on 8 Nov (a new VIP); 李二
      (RM d) VIP → none on 20 Nov (a lost VIP); customer B (outlet 2) none → VIP on 10 Nov;
    - value snapshots of 30 November: A VIP 900,000 (grow, +120), 王一 gold 300,000 (loss, -20),
      李二 no tier 50,000 (keep, +5), B VIP 700,000 (grow, +80); an October one of A is left out;
    - contacts: RM a two in November on A (one in October), RM d one on 李二, RM b one on B; an open
      periodic-contact activity of RM a on 王一 due 20 November (overdue), one on A due 10 December;
    - complaints: A mis-selling received 2 Nov, untouched (overdue); 王一 attitude received 16 Nov,
      closed 18 Nov; A fees received 26 Oct, resolved 10 Nov; B waiting received 5 Nov (outlet 2);
    - dossiers: A's locked, checked out on 3 Nov due 5 Nov and returned on 7 Nov (late), checked out
      again on 10 Nov due 13 Nov, not returned; 王一's and 李二's
      drafts (opened by their first tier);
    - appraisals of November published for the five RMs (a 120, d and e 100 in outlet 1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_vip = cls.env.ref(PREFIX + "tier_vip")
        cls.tier_gold = cls.env.ref(PREFIX + "tier_wealth_gold")
        Partner = cls.env["res.partner"]
        cls.customer_wang = Partner.create({"name": "王一", "is_bank_customer": True, "bank_rm_id": cls.rm_a.id})
        cls.customer_li = Partner.create({"name": "李二", "is_bank_customer": True, "bank_rm_id": cls.rm_d.id})
        cls.customer_a.name = "张三"
        # Customer A's dossier, compiled and locked before its first tier.
        cls.dossier_a = cls.env["bank.dossier"].with_user(cls.user_rm_a).create({
            "partner_id": cls.customer_a.id, "open_date": "2026-01-15",
            "item_ids": [Command.create({"document_type": "id_copy", "description": "ID card copy"})],
        }).with_env(cls.env)
        cls.dossier_a.with_user(cls.user_head_1).action_lock()
        history = [
            (cls.customer_a, D(2026, 10, 1), False, cls.tier_gold),
            (cls.customer_li, D(2026, 9, 1), False, cls.tier_vip),
            (cls.customer_a, D(2026, 11, 5), cls.tier_gold, cls.tier_vip),
            (cls.customer_wang, D(2026, 11, 8), False, cls.tier_gold),
            (cls.customer_li, D(2026, 11, 20), cls.tier_vip, False),
            (cls.customer_b, D(2026, 11, 10), False, cls.tier_vip),
        ]
        cls.env["bank.tier.history"]._bank_system_create([{
            "partner_id": partner.id, "date": day, "old_tier_id": old.id if old else False,
            "new_tier_id": new.id if new else False, "reason": "test",
        } for partner, day, old, new in history])
        company = cls.env.company
        snapshots = [
            (cls.customer_a, cls.rm_a, cls.outlet_1, NOV_END, cls.tier_vip, 900000, 120, "grow"),
            (cls.customer_wang, cls.rm_a, cls.outlet_1, NOV_END, cls.tier_gold, 300000, -20, "loss"),
            (cls.customer_li, cls.rm_d, cls.outlet_1, NOV_END, False, 50000, 5, "keep"),
            (cls.customer_b, cls.rm_b, cls.outlet_2, NOV_END, cls.tier_vip, 700000, 80, "grow"),
            (cls.customer_a, cls.rm_a, cls.outlet_1, D(2026, 10, 31), cls.tier_gold, 800000, 99, "loss"),
        ]
        cls.env["bank.customer.value"]._bank_system_create([{
            "partner_id": partner.id, "rm_id": rm.id, "unit_id": unit.id, "date": day,
            "tier_id": tier.id if tier else False, "aum": aum, "contribution": contribution,
            "value_class": value_class, "company_id": company.id, "currency_id": company.currency_id.id,
        } for partner, rm, unit, day, tier, aum, contribution, value_class in snapshots])
        Log = cls.env["bank.maintenance.log"]
        for partner, rm, day in ((cls.customer_a, cls.rm_a, "2026-11-03"), (cls.customer_a, cls.rm_a, "2026-11-17"),
                                 (cls.customer_a, cls.rm_a, "2026-10-30"), (cls.customer_li, cls.rm_d, "2026-11-12"),
                                 (cls.customer_b, cls.rm_b, "2026-11-04")):
            Log.create({"partner_id": partner.id, "rm_id": rm.id, "date": day, "channel": "phone",
                        "summary": f"Call {day}", "minutes": 5})
        periodic = cls.env.ref(PREFIX + "mail_activity_type_periodic_contact")
        model_partner = cls.env["ir.model"]._get_id("res.partner")
        cls.env["mail.activity"].create([{
            "res_model_id": model_partner, "res_id": partner.id, "activity_type_id": periodic.id,
            "user_id": cls.user_rm_a.id, "date_deadline": deadline, "summary": "Periodic contact",
        } for partner, deadline in ((cls.customer_wang, "2026-11-20"), (cls.customer_a, "2026-12-10"))])
        Complaint = cls.env["bank.complaint"]

        def complaint(user, partner, category, received):
            return Complaint.with_user(user).create({
                "partner_id": partner.id, "description": "test", "category": category, "channel": "phone",
                "date_received": received,
            })

        complaint(cls.user_rm_a, cls.customer_a, "mis_selling", "2026-11-02")
        attitude = complaint(cls.user_rm_a, cls.customer_wang, "attitude", "2026-11-16")
        fees = complaint(cls.user_rm_a, cls.customer_a, "fees", "2026-10-26")
        complaint(cls.user_rm_b, cls.customer_b, "waiting", "2026-11-05")
        with frozen_clock(cls.cr, datetime.datetime(2026, 11, 3, 2, 0)):
            cls.checkout_late = cls.env["bank.dossier.checkout"].with_user(cls.user_rm_a).create({
                "dossier_id": cls.dossier_a.id, "purpose": "Signature of a contract",
                "due_at": datetime.datetime(2026, 11, 5, 2, 0),
            }).with_env(cls.env)
            cls.checkout_late.with_user(cls.user_head_1).action_approve()
            cls.checkout_late.with_user(cls.user_head_1).action_hand_out()
        with frozen_clock(cls.cr, datetime.datetime(2026, 11, 7, 2, 0)):
            cls.checkout_late.with_user(cls.user_head_1).action_return()
        with frozen_clock(cls.cr, datetime.datetime(2026, 11, 10, 2, 0)):
            fees.with_user(cls.user_rm_a).write({"resolution": "已退还费用"})
            fees.with_user(cls.user_rm_a).action_resolve()
            cls.checkout = cls.env["bank.dossier.checkout"].with_user(cls.user_rm_a).create({
                "dossier_id": cls.dossier_a.id, "purpose": "Customer visit",
                "due_at": datetime.datetime(2026, 11, 13, 2, 0),
            }).with_env(cls.env)
            cls.checkout.with_user(cls.user_head_1).action_approve()
            cls.checkout.with_user(cls.user_head_1).action_hand_out()
        with frozen_clock(cls.cr, datetime.datetime(2026, 11, 18, 2, 0)):
            attitude.with_user(cls.user_rm_a).write({"resolution": "已致歉", "root_cause": "服务态度"})
            attitude.with_user(cls.user_rm_a).action_resolve()
            attitude.with_user(cls.user_head_1).action_close()

    def wizard(self, user=None, unit=None):
        return self.env["bank.unit.monthly.report"].with_user(user or self.user_head_1).create({
            "unit_id": (unit or self.outlet_1).id, "month": "2026-11-01",
        })

    def publish_november(self, publish=None):
        return self.monthly(self.month, {self.rm_a: (96, 5), self.rm_b: (100, 10), self.rm_c: (40, 20)},
                            publish=self.rms if publish is None else publish)

    def html(self, wizard, user=None):
        return self.env["ir.actions.report"].with_user(user or self.user_head_1)._render_qweb_html(
            REPORT, wizard.ids,
        )[0].decode()

    def table(self, tree, row_class, key):
        """{data-<key>: {cell class: text}} of the rows of ``row_class``."""
        return {
            row.get(f"data-{key}"): {
                cls.removeprefix("o_bank_"): text(cell)
                for cell in row.xpath("./td[@class]") for cls in cell.get("class").split() if cls.startswith("o_bank_")
            }
            for row in tree.xpath(f"//tr[contains(concat(' ', @class, ' '), ' {row_class} ')]")
        }


@tagged("post_install", "-at_install")
class TestUnitMonthlyFigures(MonthlyCase):

    def figures(self, user, unit=None):
        Report = self.env["report.bank_relationship_manager.report_bank_unit_monthly"].with_user(user)
        return Report._bank_monthly_figures((unit or self.outlet_1).with_user(user), D(2026, 11, 14))

    def test_figures_by_hand(self):
        self.publish_november()
        f = self.figures(self.user_head_1)
        self.assertEqual((f["date_from"], f["date_to"]), (D(2026, 11, 1), NOV_END))
        tiers = {row["tier"]: row for row in f["tier_rows"] if row["customers"] or row["ups"] or row["downs"]}
        grid = {tier: (row["customers"], row["aum"], row["ups"], row["downs"]) for tier, row in tiers.items()}
        self.assertEqual(grid, {
            self.tier_vip: (1, 900000, 1, 1), self.tier_gold: (1, 300000, 1, 0),
            self.env["bank.vip.tier"]: (1, 50000, 0, 0),
        })
        self.assertEqual((f["customer_total"], f["aum_total"], f["ups_total"], f["downs_total"]), (3, 1250000, 2, 1))
        self.assertEqual(f["new_vips"].partner_id, self.customer_wang)
        self.assertEqual(f["lost_vips"].partner_id, self.customer_li)
        rms = {row["rm"]: row for row in f["rm_rows"]}
        self.assertEqual(set(rms), {self.rm_a, self.rm_d})
        self.assertEqual((rms[self.rm_a]["done"], rms[self.rm_a]["unplanned"], rms[self.rm_a]["overdue"]), (2, 2, 1))
        self.assertEqual((rms[self.rm_d]["done"], rms[self.rm_d]["overdue"]), (1, 0))
        self.assertEqual(f["maintenance_total"]["done"], 3)
        complaints = {row["category"]: (row["received"], row["closed"], row["overdue"]) for row in f["complaint_rows"]}
        self.assertEqual(complaints["mis_selling"], (1, 0, 1))
        self.assertEqual(complaints["attitude"], (1, 1, 0))
        self.assertEqual(complaints["fees"], (0, 0, 0), "resolved on 10 November: not overdue at month end")
        self.assertEqual(complaints["waiting"], (0, 0, 0), "outlet 2's")
        self.assertEqual(f["complaint_total"], {"received": 2, "closed": 1, "overdue": 1})
        self.assertEqual(f["checkouts_overdue"], self.checkout)
        self.assertEqual(f["checkouts_returned_late"], self.checkout_late)
        self.assertEqual(f["draft_dossiers"], 2, "王一's and 李二's")
        classes = {row["value_class"]: (row["customers"], row["contribution"]) for row in f["class_rows"]}
        self.assertEqual(classes, {"grow": (1, 120), "keep": (1, 5), "watch": (0, 0), "loss": (1, -20)})
        self.assertEqual((f["value_customers"], f["contribution_total"], f["loss_count"]), (3, 105, 1))
        self.assertTrue(f["appraisals_hidden"], "a unit head reads no appraisal (security/bank_appraisal_security.xml)")

    def test_supervisor_and_office_see_the_ranking(self):
        self.publish_november()
        for user in (self.user_supervisor, self.user_office):
            with self.subTest(user=user.login):
                f = self.figures(user)
                self.assertFalse(f["appraisals_hidden"])
                self.assertFalse(f["provisional"])
                self.assertEqual(f["appraisals"].rm_id, self.rm_a | self.rm_d | self.rm_e)
                self.assertEqual(f["appraisals"].mapped("rank"), [1, 3, 3])
                # The same customers as the unit head's.
                self.assertEqual((f["customer_total"], f["loss_count"]), (3, 1))

    def test_provisional_ranking(self):
        self.publish_november(publish=self.rm_a | self.rm_b | self.rm_c)
        f = self.figures(self.user_office)
        self.assertTrue(f["provisional"])
        self.assertEqual(set(f["appraisals"].mapped("state")), {"published", "computed"})

    def test_other_unit_and_parent(self):
        f = self.figures(self.user_head_2, self.outlet_2)
        self.assertEqual((f["customer_total"], f["aum_total"], f["ups_total"]), (1, 700000, 1))
        self.assertEqual(f["new_vips"].partner_id, self.customer_b)
        self.assertEqual([row["rm"] for row in f["rm_rows"]], [self.rm_b])
        self.assertEqual(f["complaint_total"], {"received": 1, "closed": 0, "overdue": 1}, "due 12 November")
        self.assertFalse(f["checkouts_overdue"])
        # The sub-branch's supervisor: both outlets.
        f = self.figures(self.user_supervisor, self.sub_branch)
        self.assertEqual((f["customer_total"], f["aum_total"], f["contribution_total"]), (4, 1950000, 185))
        self.assertEqual(f["complaint_total"]["received"], 3)
        # Rendered anyway for another unit, head 1 reads none of outlet 2's records.
        f = self.figures(self.user_head_1, self.outlet_2)
        self.assertEqual((f["customer_total"], f["maintenance_total"]["done"], f["complaint_total"]["received"]),
                         (0, 0, 0))

    def test_query_budget(self):
        self.publish_november()
        Report = self.env["report.bank_relationship_manager.report_bank_unit_monthly"].with_user(self.user_head_1)
        unit = self.outlet_1.with_user(self.user_head_1)
        self.env.invalidate_all()
        # Once to fill the registry's caches (record rules, groups); then every query counted: one per
        # figure (grouped or searched), whatever the number of customers, plus the records' reads.
        Report._bank_monthly_figures(unit, D(2026, 11, 1))
        self.env.invalidate_all()
        with self.assertQueryCount(18):
            Report._bank_monthly_figures(unit, D(2026, 11, 1))


@tagged("post_install", "-at_install")
class TestUnitMonthlyReport(MonthlyCase):

    def test_rendered_figures(self):
        self.publish_november()
        wizard = self.wizard()
        self.assertEqual(wizard.date_from, D(2026, 11, 1))
        html = self.html(wizard)
        tree = lxml_html.fromstring(html)
        [unit] = tree.xpath("//td[contains(@class, 'o_bank_monthly_unit')]")
        self.assertIn(self.outlet_1.display_name, text(unit))
        self.assertEqual(text(tree.xpath("//td[contains(@class, 'o_bank_monthly_month')]")[0]), "2026-11")
        tiers = self.table(tree, "o_bank_monthly_tier", "tier")
        vip, gold = tiers[str(self.tier_vip.id)], tiers[str(self.tier_gold.id)]
        self.assertEqual((vip["customers"], vip["ups"], vip["downs"]), ("1", "1", "1"))
        self.assertIn("900,000.00", vip["aum"])
        self.assertEqual((gold["customers"], gold["ups"], gold["downs"]), ("1", "1", "0"))
        self.assertEqual(tiers["0"]["customers"], "1", "李二 has no tier at month end")
        [total] = tree.xpath("//tr[contains(@class, 'o_bank_monthly_tier_total')]")
        self.assertIn("1,250,000.00", text(total))
        self.assertEqual([int(row.get("data-partner")) for row in tree.xpath(
            "//tr[contains(@class, 'o_bank_monthly_new_vip')]")], self.customer_wang.ids)
        [lost] = tree.xpath("//tr[contains(@class, 'o_bank_monthly_lost_vip')]")
        self.assertIn("李二", text(lost))
        self.assertIn(self.rm_d.name, text(lost), "listed with their RM")
        rms = self.table(tree, "o_bank_monthly_rm", "rm")
        self.assertEqual(rms[str(self.rm_a.id)], {"done": "2", "on_time": "0", "late": "0", "unplanned": "2",
                                                  "overdue": "1"})
        complaints = self.table(tree, "o_bank_monthly_complaint", "category")
        self.assertEqual(complaints["mis_selling"], {"received": "1", "closed": "0", "overdue": "1"})
        self.assertEqual(complaints["attitude"], {"received": "1", "closed": "1", "overdue": "0"})
        self.assertEqual([int(row.get("data-checkout")) for row in tree.xpath(
            "//tr[contains(@class, 'o_bank_monthly_checkout_overdue')]")], self.checkout.ids)
        self.assertEqual([int(row.get("data-checkout")) for row in tree.xpath(
            "//tr[contains(@class, 'o_bank_monthly_checkout_late')]")], self.checkout_late.ids)
        self.assertEqual(text(tree.xpath("//p[contains(@class, 'o_bank_monthly_drafts')]//strong")[0]), "2")
        self.assertTrue(tree.xpath("//p[contains(@class, 'o_bank_monthly_appraisals_hidden')]"))
        values = self.table(tree, "o_bank_monthly_value_class", "class")
        self.assertEqual(values["loss"]["customers"], "1")
        self.assertIn("20.00", values["loss"]["contribution"])
        self.assertIn("-", values["loss"]["contribution"])
        self.assertEqual(text(tree.xpath("//p[contains(@class, 'o_bank_monthly_loss')]//strong")[0]), "1")
        # Outlet 2's customer, contact and complaint are absent.
        self.assertNotIn(self.customer_b.name, html)
        self.assertNotIn(f'data-rm="{self.rm_b.id}"', html)

    def test_office_prints_any_unit_with_the_ranking(self):
        self.publish_november()
        for unit in (self.outlet_1, self.outlet_2, self.center):
            with self.subTest(unit=unit.name):
                wizard = self.wizard(self.user_office, unit)
                self.assertTrue(wizard.can_print)
                self.assertEqual(wizard.action_print()["report_name"], REPORT)
        tree = lxml_html.fromstring(self.html(self.wizard(self.user_office), self.user_office))
        ranking = self.table(tree, "o_bank_monthly_appraisal", "rm")
        self.assertEqual(ranking[str(self.rm_a.id)], {"rank": "1", "score": "120.00", "coefficient": "1.30",
                                                      "state": "Published"})
        self.assertEqual(ranking[str(self.rm_d.id)]["rank"], "3")
        self.assertEqual(set(ranking), {str(rm.id) for rm in self.rm_a | self.rm_d | self.rm_e})

    def test_who_may_print(self):
        self.assertTrue(self.wizard(self.user_head_1).can_print)
        self.assertTrue(self.wizard(self.user_supervisor, self.outlet_2).can_print, "the sub-branch's supervisor")
        self.assertEqual(self.wizard(self.user_head_1).unit_id, self.outlet_1, "their unit by default")
        office_wizard = self.env["bank.unit.monthly.report"].with_user(self.user_office).create({
            "unit_id": self.center.id,
        })
        self.assertEqual(office_wizard.month, D(2026, 11, 1), "last month by default")
        for user, unit in ((self.user_head_1, self.outlet_2), (self.user_supervisor, self.center),
                           (self.user_rm_a, self.outlet_1), (self.user_hr, self.outlet_1)):
            with self.subTest(user=user.login):
                wizard = self.wizard(user, unit)
                self.assertFalse(wizard.can_print)
                with self.assertRefused(AccessError, f"may not print the monthly report of {unit.display_name}"):
                    wizard.action_print()
                with self.assertRefused(AccessError, unit.display_name):
                    self.html(wizard, user)


@tagged("post_install", "-at_install")
class TestUnitMonthlyReportHttp(JsonRpcMixin, HttpCase, MonthlyCase):

    def test_rm_and_hr_refused_over_rpc(self):
        model = "bank.unit.monthly.report"
        for login in ("t_rm_a", "t_hr"):
            with self.subTest(login=login):
                [wizard_id], error = self.call(login, model, "create", [[{"unit_id": self.outlet_1.id}]])
                self.assertIsNone(error)
                _result, error = self.call(login, model, "action_print", [[wizard_id]])
                self.assertIn(f"may not print the monthly report of {self.outlet_1.display_name}", error)
        # The report's URL refuses them too, naming no customer.
        [wizard_id], _error = self.call("t_rm_a", model, "create", [[{"unit_id": self.outlet_1.id}]])
        response = self.url_open(f"/report/html/{REPORT}/{wizard_id}")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("张三", response.text)
        [wizard_id], error = self.call("t_head_1", model, "create", [[{"unit_id": self.outlet_1.id}]])
        result, error = self.call("t_head_1", model, "action_print", [[wizard_id]])
        self.assertIsNone(error)
        self.assertEqual(result["report_name"], REPORT)
        response = self.url_open(f"/report/html/{REPORT}/{wizard_id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("张三", response.text)

    def test_pdf_in_chinese(self):
        self.publish_november()
        load_chinese(self.env)
        self.env.ref(REPORT).update_field_translations("arch_db", {"zh_CN": HEADINGS})
        self.outlet_1.name = "国贸月报网点"
        wizard = self.wizard()
        pdf, kind = self.env["ir.actions.report"].with_user(self.user_head_1).with_context(
            lang="zh_CN", force_report_rendering=True,
        )._render_qweb_pdf(REPORT, wizard.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        extracted = "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
        for heading in HEADINGS.values():
            # (The layout's web fonts carry the Latin text, which pypdf does not extract: its Chinese.)
            self.assertIn(re.sub("[ -~]", "", heading), extracted)
        self.assertIn("国贸月报网点", extracted)
        for name in ("王一", "李二", "张三"):
            self.assertIn(name, extracted)
