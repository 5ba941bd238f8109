# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_UNIT_HEAD, load_chinese


@tagged("post_install", "-at_install")
class TestDossierTours(HttpCase):
    """The dossier screens as the RM and the unit head use them, in Chinese, in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "档案巡回分行", "code": "DTOUR", "level": "branch"})
        cls.head = new_test_user(cls.env, "tour_dossier_head", groups=GROUP_UNIT_HEAD, name="巡回网点负责人",
                                 lang="zh_CN", tz="Asia/Shanghai")
        outlet = Unit.create({
            "name": "档案巡回网点", "code": "DTOUR-1", "level": "outlet", "parent_id": branch.id,
            "has_wealth_room": True, "head_user_id": cls.head.id,
        })
        grade = cls.env.ref("bank_relationship_manager.rm_grade_rm")
        cls.rm = new_test_user(cls.env, "tour_dossier_rm", groups=GROUP_RM, name="巡回客户经理", lang="zh_CN",
                               tz="Asia/Shanghai")
        other = new_test_user(cls.env, "tour_dossier_rm_2", groups=GROUP_RM, name="另一客户经理", lang="zh_CN")
        Rm = cls.env["bank.rm"]
        rm = Rm.create({"user_id": cls.rm.id, "grade_id": grade.id, "unit_id": outlet.id})
        rm_2 = Rm.create({"user_id": other.id, "grade_id": grade.id, "unit_id": outlet.id})
        Partner = cls.env["res.partner"]
        customer = Partner.create({"name": "档案巡回客户", "is_bank_customer": True, "bank_rm_id": rm.id})
        stranger = Partner.create({"name": "他人档案客户", "is_bank_customer": True, "bank_rm_id": rm_2.id})
        draft_customer = Partner.create({"name": "档案草稿客户", "is_bank_customer": True, "bank_rm_id": rm_2.id})
        Dossier = cls.env["bank.dossier"]
        item = Command.create({"document_type": "account_form", "description": "个人客户开户申请书", "page_count": 2})
        cls.dossier = Dossier.with_user(cls.rm).create({"partner_id": customer.id, "item_ids": [item]})
        cls.dossier.with_user(cls.head).action_lock()
        Dossier.with_user(other).create({"partner_id": stranger.id, "item_ids": [item]}).with_user(
            cls.head).action_lock()
        cls.draft = Dossier.with_user(other).create({"partner_id": draft_customer.id, "item_ids": [item]})

    def test_register_pdf(self):
        """The printed register, as the unit head prints it (wkhtmltopdf through the running server)."""
        line = self.env["bank.dossier.checkout"].with_user(self.rm).create(
            {"dossier_id": self.dossier.id, "purpose": "年度客户价值分析"}
        )
        line.with_user(self.head).action_approve()
        wizard = self.env["bank.dossier.register.report"].with_user(self.head).create({})
        self.assertEqual(wizard.unit_id, self.dossier.unit_id, "the head's own unit by default")
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "bank_relationship_manager.report_bank_dossier_register")
        pdf, kind = self.env["ir.actions.report"].with_user(self.head).with_context(
            force_report_rendering=True
        )._render_qweb_pdf("bank_relationship_manager.report_bank_dossier_register", wizard.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreater(len(pdf), 1000)

    def test_rm_requests_and_head_hands_out(self):
        self.start_tour("/odoo", "bank_dossier_rm_tour", login="tour_dossier_rm")
        line = self.env["bank.dossier.checkout"].search([("dossier_id", "=", self.dossier.id)])
        self.assertEqual((line.state, line.borrower_id, line.purpose),
                         ("requested", self.rm, "周五上门拜访前核对客户资料"))
        self.start_tour("/odoo", "bank_dossier_head_tour", login="tour_dossier_head")
        self.assertEqual((line.state, line.approved_by_id, line.handed_out_by_id), ("out", self.head, self.head))
        self.assertEqual((self.dossier.state, self.dossier.borrower_id), ("checked_out", self.rm))
        self.assertEqual(self.draft.state, "in_custody")
        self.assertEqual(self.env["bank.dossier.ledger"].search([("dossier_id", "=", self.dossier.id)]).mapped(
            "user_id"), self.rm | self.head)
