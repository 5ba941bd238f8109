# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import PREFIX
from .test_appraisal_core import AppraisalCase

# Each new action, the menu that opens it, and the roles that see that menu, implied groups included
# (a supervisor is also an RM; a bank administrator is also the office): views/bank_appraisal_views.xml,
# views/bank_kpi_views.xml, views/bank_appraisal_plan_views.xml, views/bank_pay_band_views.xml.
SUPERVISORS = ("user_supervisor", "user_center_head")
OFFICE = ("user_office", "user_admin")
ACTIONS = {
    "bank_appraisal_action_mine": ("bank_appraisal_menu_mine", ("user_rm_a", *SUPERVISORS)),
    "bank_appraisal_action_review": ("bank_appraisal_menu_review", SUPERVISORS),
    "bank_appraisal_action_publish": ("bank_appraisal_menu_publish", OFFICE),
    "bank_appraisal_action": ("bank_appraisal_menu_all", (*SUPERVISORS, *OFFICE, "user_hr")),
    "bank_appraisal_action_analysis": ("bank_appraisal_menu_analysis", (*SUPERVISORS, *OFFICE, "user_hr")),
    "bank_appraisal_action_coefficients": ("bank_appraisal_menu_coefficients", OFFICE),
    "bank_kpi_action": ("bank_kpi_menu", ("user_admin",)),
    "bank_appraisal_plan_action": ("bank_appraisal_plan_menu", ("user_admin",)),
    "bank_pay_band_action": ("bank_pay_band_menu", ("user_admin",)),
}
ROLES = ("user_rm_a", "user_supervisor", "user_center_head", "user_office", "user_hr", "user_admin", "user_plain")


class TestAppraisalViews(AppraisalCase):
    """The appraisal's screens open as the roles that use them, and only the reviewer's entries
    in the form's KPI lines are saved."""

    def open_action(self, user, xmlid):
        """What the web client does for the action: its views, then the first page of records."""
        action = self.env.ref(PREFIX + xmlid).sudo()
        Model = self.env[action.res_model].with_user(user).with_context(uid=user.id)
        modes = action.view_mode.split(",")
        views = [(action.view_id.id if action.view_id.type == mode else False, mode) for mode in modes]
        result = Model.get_views([*views, (action.search_view_id.id, "search")])
        fields_spec = {name: {} for name in result["models"][action.res_model]["fields"]
                       if Model._fields[name].type not in ("one2many", "many2many")}
        domain = safe_eval(action.domain or "[]", {"uid": user.id})
        Model.web_search_read(domain, fields_spec, limit=80)
        for mode in ("pivot", "graph"):
            if mode in modes:
                Model.formatted_read_group(domain, ["unit_id", "date_from:month"], ["total_score:avg", "__count"])
        return result

    def test_each_action_opens_as_its_roles_and_its_menu_shows_to_them_only(self):
        self.generate()
        Menu = self.env["ir.ui.menu"]
        for xmlid, (menu_xmlid, roles) in ACTIONS.items():
            menu = self.env.ref(PREFIX + menu_xmlid)
            for role in ROLES:
                user = getattr(self, role)
                # The web client shows a menu when it and every menu above it are visible.
                visible_ids = Menu.with_user(user)._visible_menu_ids()
                visible = all(int(menu_id) in visible_ids for menu_id in menu.parent_path.strip("/").split("/"))
                with self.subTest(action=xmlid, role=role):
                    self.assertEqual(visible, role in roles)
                    if role in roles:
                        result = self.open_action(user, xmlid)
                        self.assertIn("list", result["views"])

    def test_publish_list_has_the_month_button_and_coefficients_group(self):
        arch = self.env["bank.appraisal"].with_user(self.user_office).get_views(
            [(self.env.ref(PREFIX + "bank_appraisal_view_list_publish").id, "list")]
        )["views"]["list"]["arch"]
        self.assertIn('name="action_publish_month"', arch)
        arch = self.env["bank.appraisal"].with_user(self.user_rm_a).get_views(
            [(self.env.ref(PREFIX + "bank_appraisal_view_list_publish").id, "list")]
        )["views"]["list"]["arch"]
        self.assertNotIn("action_publish_month", arch, "only the office sees the publish buttons")
        # The coefficient distribution groups by the stored coefficient.
        self.enter(self.generate().filtered(lambda a: a.rm_id == self.rm_a), 96, 5)
        groups = self.env["bank.appraisal"].with_user(self.user_office).formatted_read_group(
            [("rm_id", "in", self.rms.ids)], ["pay_coefficient"], ["__count"])
        self.assertEqual({g["pay_coefficient"]: g["__count"] for g in groups}, {1.3: 1, 0.0: 2})

    def test_form_explains_the_bottom_flag_and_hides_steps_by_can_fields(self):
        arch = self.env["bank.appraisal"].with_user(self.user_hr).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="bottom_flag_note"', arch, "where the flag shows, the product says what it means")
        for step in ("compute", "review", "send_back", "publish", "correct"):
            self.assertRegex(arch, f'name="action_{step}"[^>]*invisible="not can_{step}"')

    def test_reviewer_saves_the_manual_values_from_the_form(self):
        appraisal = self.generate().filtered(lambda a: a.rm_id == self.rm_a)
        with Form(appraisal.with_user(self.user_supervisor)) as form:
            for index in range(len(form.line_ids)):
                with form.line_ids.edit(index) as line:
                    line.manual_value = 96 if line.kpi_id == self.kpi_x else 5
            form.supervisor_score = 90
        self.assertEqual(appraisal.line_ids.mapped("manual_value"), [96.0, 5.0])
        self.assertEqual((appraisal.total_score, appraisal.supervisor_score), (120.0, 90.0))
        # The RM's form shows the lines read-only.
        with Form(appraisal.with_user(self.user_rm_a)) as form:
            with self.assertRaises(AssertionError):
                with form.line_ids.edit(0) as line:
                    line.manual_value = 100

    def test_commands_on_the_lines_are_the_line_guard_s(self):
        appraisal = self.generate().filtered(lambda a: a.rm_id == self.rm_a)
        other = self.generate().filtered(lambda a: a.rm_id == self.rm_b)
        line = appraisal.line_ids[:1]
        with self.assertRefused(AccessError, "Entered value"):
            appraisal.with_user(self.user_rm_a).write({"line_ids": [Command.update(line.id, {"manual_value": 100})]})
        as_supervisor = appraisal.with_user(self.user_supervisor)
        for command, regex in (
            (Command.create({"kpi_id": self.kpi_x.id}), "come from its plan"),
            (Command.delete(line.id), "not allowed to delete"),
            (Command.unlink(line.id), "not allowed to delete"),
            (Command.update(line.id, {"weight": 100}), "Weight"),
            (Command.link(other.line_ids[:1].id), "field Appraisal|read"),
        ):
            with self.subTest(command=command), self.assertRefused(AccessError, regex):
                as_supervisor.write({"line_ids": [command]})
        self.assertEqual(len(appraisal.line_ids), 2)
        self.assertEqual(appraisal.line_ids.mapped("manual_value"), [0.0, 0.0])
        self.assertEqual(other.line_ids.appraisal_id, other)
        # Once reviewed, nothing more (the locked state), even through the appraisal.
        self.enter(appraisal, 80, 10)
        as_supervisor.action_review()
        with self.assertRefused(AccessError, "(?i)reviewed"):
            as_supervisor.write({"line_ids": [Command.update(line.id, {"manual_value": 1})]})


class TestAppraisalConfigurationViews(AppraisalCase):
    """Plans through their form: lines while a draft, read-only once in force."""

    def test_admin_builds_a_plan_in_the_form_then_it_is_read_only(self):
        with Form(self.env["bank.appraisal.plan"].with_user(self.user_admin)) as form:
            form.name = "T form plan"
            form.date_start = date(2027, 2, 1)
            for kpi, weight in ((self.kpi_x, 70), (self.kpi_y, 30)):
                with form.line_ids.new() as line:
                    line.kpi_id = kpi
                    line.weight = weight
                    line.target = 10
            self.assertEqual(form.weight_total, 100)
        plan = form.record
        self.assertTrue(plan.can_activate)
        plan.action_activate()
        self.assertEqual((plan.state, plan.can_activate, plan.can_new_version), ("active", False, True))
        with Form(plan) as form, self.assertRaises(AssertionError):
            with form.line_ids.edit(0) as line:
                line.weight = 50
        self.assertEqual(plan.line_ids.mapped("weight"), [70.0, 30.0])
        self.assertFalse(plan.with_user(self.user_office).can_new_version, "only the bank's administrator")

    def test_settings_link_to_the_pay_bands(self):
        admin = self.env.ref("base.user_admin")
        arch = self.env["res.config.settings"].with_user(admin).get_views([(False, "form")])["views"]["form"]["arch"]
        action = self.env.ref(PREFIX + "bank_pay_band_action")
        self.assertIn(f'name="{action.id}"', arch)
        self.assertIn('name="bank_annual_weight_supervisor"', arch)


class TestAppraisalSettings(AppraisalCase):
    """The appraisal's company settings on the bank's settings screen."""

    def test_admin_saves_and_bad_weights_are_refused(self):
        admin = self.env.ref("base.user_admin")
        Settings = self.env["res.config.settings"].with_user(admin)
        Settings.create({
            "bank_appraisal_cap": 130, "bank_annual_weight_monthly": 50, "bank_annual_weight_peer": 25,
            "bank_annual_weight_supervisor": 25, "bank_bottom_share": 10, "bank_bottom_count": 2,
            "bank_bottom_min_ranked": 10,
        }).execute()
        company = self.env.company
        saved = ("bank_appraisal_cap", "bank_annual_weight_monthly", "bank_annual_weight_peer",
                 "bank_annual_weight_supervisor", "bank_bottom_share", "bank_bottom_count", "bank_bottom_min_ranked")
        self.assertEqual([company[name] for name in saved], [130, 50, 25, 25, 10, 2, 10])
        with self.assertRefused(ValidationError, f"Company {company.name}: the weights .* add up to 100"):
            Settings.create({"bank_annual_weight_monthly": 60}).execute()
        with self.assertRefused(ValidationError, "achievement cap"):
            Settings.create({"bank_appraisal_cap": 90}).execute()
        company.invalidate_recordset()
        self.assertEqual([company[name] for name in saved], [130, 50, 25, 25, 10, 2, 10])

    def test_only_system_administrators_reach_the_settings(self):
        for user in (self.user_admin, self.user_office, self.user_rm_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["res.config.settings"].with_user(user).create({"bank_annual_weight_monthly": 100})
        self.assertEqual(self.env.company.bank_annual_weight_monthly, 60)


@tagged("post_install", "-at_install")
class TestAppraisalFormRpc(HttpCase, AppraisalCase):
    """The form's save over JSON-RPC (``web_save``, as the web client sends it): the reviewer's
    manual values pass, the RM's are refused."""

    def call(self, login, model, method, args, kwargs=None):
        from .test_rpc_probes import TestRpcProbes

        return TestRpcProbes.call(self, login, model, method, args, kwargs)

    def test_web_save_of_the_lines(self):
        appraisal = self.generate().filtered(lambda a: a.rm_id == self.rm_a)
        line_x = appraisal.line_ids.filtered(lambda line: line.kpi_id == self.kpi_x)
        save = {"line_ids": [[1, line_x.id, {"manual_value": 40}]], "supervisor_score": 70}
        _result, error = self.call("t_rm_a", "bank.appraisal", "web_save", [appraisal.ids, save],
                                   {"specification": {}})
        self.assertRegex(error or "", "Entered value|Supervisor score")
        line_x.invalidate_recordset()
        self.assertEqual(line_x.manual_value, 0.0)
        _result, error = self.call("t_supervisor", "bank.appraisal", "web_save", [appraisal.ids, save],
                                   {"specification": {}})
        self.assertIsNone(error)
        self.env.invalidate_all()
        self.assertEqual((line_x.manual_value, appraisal.supervisor_score), (40.0, 70.0))
        _result, error = self.call("t_supervisor", "bank.appraisal", "web_save",
                                   [appraisal.ids, {"line_ids": [[0, 0, {"kpi_id": self.kpi_x.id}]]}],
                                   {"specification": {}})
        self.assertRegex(error or "", "come from its plan")
