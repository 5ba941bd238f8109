# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_HR, GROUP_OFFICE, GROUP_RM, GROUP_SUPERVISOR, GROUP_UNIT_HEAD, load_chinese


@tagged("post_install", "-at_install")
class TestHandoverTours(HttpCase):
    """The handover screens as the RM and a witness see them, in Chinese, in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)

        def user(login, groups, name):
            return new_test_user(cls.env, login, groups=groups, name=name, lang="zh_CN")

        cls.user_supervisor = user("tour_ho_sup", GROUP_SUPERVISOR, "Tour Supervisor")
        center_head = user("tour_ho_center", GROUP_SUPERVISOR, "Tour Centre Head")
        head = user("tour_ho_head", GROUP_UNIT_HEAD, "Tour Head")
        office = user("tour_ho_office", GROUP_OFFICE, "Tour Office")
        hr = user("tour_ho_hr", GROUP_HR, "Tour HR")
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "Tour HO Branch", "code": "THO", "level": "branch"})
        sub_branch = Unit.create({"name": "Tour HO Sub-branch", "code": "THO-S", "level": "sub_branch",
                                  "parent_id": branch.id, "supervisor_user_id": cls.user_supervisor.id})
        Unit.create({"name": "Tour HO Centre", "code": "THO-C", "level": "center", "parent_id": branch.id,
                     "center_head_user_id": center_head.id})
        outlet = Unit.create({"name": "Tour HO Outlet", "code": "THO-S-1", "level": "outlet",
                              "parent_id": sub_branch.id, "has_wealth_room": True, "head_user_id": head.id})
        grade = cls.env.ref("bank_relationship_manager.rm_grade_rm")
        rms = {}
        for letter in "ABC":
            rm_user = user(f"tour_ho_rm_{letter.lower()}", GROUP_RM, f"Tour RM {letter}")
            rms[letter] = cls.env["bank.rm"].create({"user_id": rm_user.id, "grade_id": grade.id, "unit_id": outlet.id})
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create([
            {"name": name, "is_bank_customer": True, "bank_rm_id": rms["C"].id} for name in ("巡回客户丙", "巡回客户丁")
        ])
        # RM C's handover to RM B: approved, prepared, the centre head present, one item left.
        handover = cls.env["bank.handover"].with_user(rms["C"].user_id).create(
            {"incoming_rm_id": rms["B"].id, "reason": "resignation"}
        )
        handover.with_user(rms["C"].user_id).action_submit()
        handover.with_user(head).action_approve_unit_head()
        handover.with_user(office).action_approve_office()
        handover.with_user(hr).action_approve_hr()
        handover.with_user(rms["C"].user_id).action_start()
        handover.with_user(center_head).action_confirm_presence()
        handover.line_ids.filtered(lambda line: line.name != "巡回客户丁").with_user(rms["B"].user_id).action_check()
        cls.handover = handover.with_user(cls.env.user)
        cls.rms = rms

    def test_rm_requests_departure_tour(self):
        self.start_tour("/odoo", "bank_handover_request_tour", login="tour_ho_rm_a")
        request = self.env["bank.handover"].search([("outgoing_rm_id", "=", self.rms["A"].id)])
        self.assertEqual(
            (request.state, request.incoming_rm_id, request.reason), ("submitted", self.rms["B"], "promotion")
        )

    def test_witness_closes_handover_tour(self):
        self.start_tour("/odoo", "bank_handover_witness_tour", login="tour_ho_sup")
        self.assertEqual(self.handover.state, "done")
        self.assertEqual(self.handover.done_by_id, self.user_supervisor)
        self.assertEqual(self.customers.bank_rm_id, self.rms["B"])
        self.assertTrue(self.handover.list_attachment_id)
