# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import GROUP_RM, GROUP_SUPERVISOR, BankCase


@tagged("post_install", "-at_install")
class TestOrgValidation(BankCase):
    """The seed's grade-to-level rule and the shape of the organisation, refused with clear errors."""

    def test_default_grades(self):
        grades = self.env["bank.rm.grade"].search([])
        self.assertEqual(
            set(grades.mapped("code")), {"senior", "intermediate", "rm", "assistant", "lobby"}, "five default grades"
        )
        self.assertEqual(grades.sorted("rank", reverse=True).mapped("code")[0], "senior")

        def levels(grade):
            return set(grade.allowed_unit_levels.mapped("code"))

        self.assertEqual(levels(self.grade_senior), {"branch", "center"})
        self.assertEqual(levels(self.grade_intermediate), {"branch", "center", "sub_branch", "outlet"})
        self.assertNotIn("outlet_basic", levels(self.grade_rm))
        self.assertIn("outlet_basic", levels(self.grade_lobby))
        self.assertIn("outlet_basic", levels(self.grade_assistant))

    def test_senior_rm_in_outlet_refused(self):
        with self.assertRefused(ValidationError, r"RM t_rm_a: the grade Senior RM cannot staff .*T Outlet 1"):
            self.rm_a.grade_id = self.grade_senior
        self.env.invalidate_all()
        self.assertEqual(self.rm_a.grade_id, self.grade_rm, "nothing was written")

    def test_outlet_without_wealth_room_takes_lobby_and_assistants_only(self):
        user = new_test_user(self.env, login="t_rm_x", groups=GROUP_RM)
        Rm = self.env["bank.rm"]
        with self.assertRefused(ValidationError, r"field Grade"):
            Rm.create({"user_id": user.id, "grade_id": self.grade_rm.id, "unit_id": self.outlet_2.id})
        self.assertFalse(Rm.search([("user_id", "=", user.id)]), "nothing was created")
        assistant = Rm.create({"user_id": user.id, "grade_id": self.grade_assistant.id, "unit_id": self.outlet_2.id})
        self.assertEqual(assistant.unit_id, self.outlet_2)

    def test_moving_rm_to_unfit_unit_refused(self):
        with self.assertRefused(ValidationError, "cannot staff"):
            self.rm_a.unit_id = self.outlet_2  # an RM grade in an outlet without wealth room
        self.env.invalidate_all()
        self.assertEqual(self.rm_a.unit_id, self.outlet_1)

    def test_closing_wealth_room_refused_while_unfit_rm_there(self):
        with self.assertRefused(ValidationError, "RM t_rm_a"):
            self.outlet_1.has_wealth_room = False
        self.env.invalidate_all()
        self.assertTrue(self.outlet_1.has_wealth_room)

    def test_narrowing_grade_levels_refused_while_rms_hold_it(self):
        outlet_level = self.env.ref("bank_relationship_manager.unit_level_outlet")
        with self.assertRefused(ValidationError, "RM t_rm_a"):
            self.grade_rm.allowed_unit_levels = [(3, outlet_level.id)]
        self.env.invalidate_all()
        self.assertIn(outlet_level, self.grade_rm.allowed_unit_levels)

    def test_unit_tree(self):
        with self.assertRefused(ValidationError, "field Parent unit"):
            self.sub_branch.parent_id = self.center
        with self.assertRaises(UserError):
            self.branch.parent_id = self.branch
        self.assertEqual(self.center.complete_name, "T Branch / T Wealth Centre")
        self.assertEqual(self.outlet_1.staffing_code, "outlet")
        self.assertEqual(self.outlet_2.staffing_code, "outlet_basic")

    def test_unit_code_unique_per_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["bank.org.unit"].create({"name": "Dup", "code": "TB", "level": "branch"})
        other_company = self.env["res.company"].create({"name": "Other bank"})
        unit = self.env["bank.org.unit"].create(
            {"name": "Other", "code": "TB", "level": "branch", "company_id": other_company.id}
        )
        self.assertEqual(unit.code, "TB")

    def test_unit_roles_need_their_groups(self):
        with self.assertRefused(ValidationError, "t_rm_a cannot be Unit head"):
            self.outlet_1.head_user_id = self.user_rm_a
        with self.assertRefused(ValidationError, "t_head_1 cannot be RM supervisor"):
            self.sub_branch.supervisor_user_id = self.user_head_1
        self.env.invalidate_all()
        self.assertEqual(self.outlet_1.head_user_id, self.user_head_1)

    def test_oversight_follows_the_tree(self):
        self.assertIn(self.user_supervisor, self.outlet_1.oversight_user_ids)
        self.assertIn(self.user_supervisor, self.outlet_2.oversight_user_ids)
        self.assertNotIn(self.user_supervisor, self.center.oversight_user_ids)
        self.assertEqual(self.center.oversight_user_ids, self.user_center_head)
        # A new supervisor at the branch reaches every unit below.
        boss = new_test_user(self.env, login="t_boss", groups=GROUP_SUPERVISOR)
        self.branch.supervisor_user_id = boss
        for unit in (self.sub_branch, self.outlet_1, self.outlet_2, self.center):
            self.assertIn(boss, unit.oversight_user_ids, unit.name)

    def test_rm_user_unique_and_in_group(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["bank.rm"].create(
                {"user_id": self.user_rm_a.id, "grade_id": self.grade_rm.id, "unit_id": self.outlet_1.id}
            )
        with self.assertRefused(ValidationError, "field User"):
            self.env["bank.rm"].create(
                {"user_id": self.user_plain.id, "grade_id": self.grade_rm.id, "unit_id": self.outlet_1.id}
            )
