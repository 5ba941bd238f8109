# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_HR, GROUP_OFFICE, GROUP_RM, GROUP_SUPERVISOR, GROUP_UNIT_HEAD, TourClockMixin, load_chinese


@tagged("post_install", "-at_install")
class TestHandoverDossierTours(TourClockMixin, HttpCase):
    """The dossiers in a handover as the outlet head (their custodian) sees them, in Chinese,
    in headless Chromium."""

    # 17:30 UTC on 31 August is 1 September in Shanghai (TourClockMixin).
    reference_now = datetime.datetime(2026, 8, 31, 17, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)

        def user(login, groups, name):
            return new_test_user(cls.env, login, groups=groups, name=name, lang="zh_CN", tz="Asia/Shanghai")

        supervisor = user("tour_hd_sup", GROUP_SUPERVISOR, "Tour Dossier Supervisor")
        center_head = user("tour_hd_center", GROUP_SUPERVISOR, "Tour Dossier Centre Head")
        cls.head = user("tour_hd_head", GROUP_UNIT_HEAD, "Tour Dossier Head")
        office = user("tour_hd_office", GROUP_OFFICE, "Tour Dossier Office")
        hr = user("tour_hd_hr", GROUP_HR, "Tour Dossier HR")
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "Tour HD Branch", "code": "THD", "level": "branch"})
        sub_branch = Unit.create({"name": "Tour HD Sub-branch", "code": "THD-S", "level": "sub_branch",
                                  "parent_id": branch.id, "supervisor_user_id": supervisor.id})
        Unit.create({"name": "Tour HD Centre", "code": "THD-C", "level": "center", "parent_id": branch.id,
                     "center_head_user_id": center_head.id})
        outlet = Unit.create({"name": "Tour HD Outlet", "code": "THD-S-1", "level": "outlet",
                              "parent_id": sub_branch.id, "has_wealth_room": True, "head_user_id": cls.head.id})
        grade = cls.env.ref("bank_relationship_manager.rm_grade_rm")
        rms = {}
        for letter in "BC":
            rm_user = user(f"tour_hd_rm_{letter.lower()}", GROUP_RM, f"Tour Dossier RM {letter}")
            rms[letter] = cls.env["bank.rm"].create({"user_id": rm_user.id, "grade_id": grade.id, "unit_id": outlet.id})
        cls.rms = rms
        rm_c = rms["C"].user_id
        customer = cls.env["res.partner"].create(
            {"name": "档案交接客户", "is_bank_customer": True, "bank_rm_id": rms["C"].id}
        )
        # The customer's dossier, locked in the outlet's cabinet, is out with RM C.
        cls.dossier = cls.env["bank.dossier"].with_user(rm_c).create({
            "partner_id": customer.id,
            "item_ids": [Command.create({"document_type": "account_form", "description": "个人客户开户申请书"})],
        }).with_user(cls.head)
        cls.dossier.action_lock()
        checkout = cls.env["bank.dossier.checkout"].with_user(rm_c).create({
            "dossier_id": cls.dossier.id, "purpose": "上门拜访前核对客户资料",
            "due_at": cls.reference_now + datetime.timedelta(days=3),
        }).with_user(cls.head)
        checkout.action_approve()
        checkout.action_hand_out()
        cls.checkout = checkout.with_user(cls.env.user)
        # RM C's handover to RM B: approved, prepared, both witnesses present, every item ticked.
        handover = cls.env["bank.handover"].with_user(rm_c).create(
            {"incoming_rm_id": rms["B"].id, "reason": "transfer"}
        )
        handover.with_user(rm_c).action_submit()
        handover.with_user(cls.head).action_approve_unit_head()
        handover.with_user(office).action_approve_office()
        handover.with_user(hr).action_approve_hr()
        handover.with_user(rm_c).action_start()
        handover.with_user(supervisor).action_confirm_presence()
        handover.with_user(center_head).action_confirm_presence()
        handover.line_ids.with_user(rms["B"].user_id).action_check()
        cls.handover = handover.with_user(cls.env.user)
        cls.dossier = cls.dossier.with_user(cls.env.user)

    def test_custodian_receives_the_dossier_and_closes_the_handover_tour(self):
        self.assertEqual(self.handover.line_ids.filtered(lambda line: line.line_type == "dossier").dossier_id,
                         self.dossier)
        self.start_tour("/odoo", "bank_handover_dossier_tour", login="tour_hd_head")
        self.assertEqual((self.checkout.state, self.checkout.received_by_id), ("returned", self.head))
        self.assertEqual((self.handover.state, self.handover.done_by_id), ("done", self.head))
        self.assertEqual(self.dossier.state, "in_custody")
        self.assertEqual(self.dossier.partner_rm_user_id, self.rms["B"].user_id)
        ledger = self.env["bank.dossier.ledger"].search([("dossier_id", "=", self.dossier.id)], order="seq")
        self.assertEqual(ledger.mapped("event")[-2:], ["returned", "handover"])
        self.assertEqual(ledger[-1].user_id, self.head)
