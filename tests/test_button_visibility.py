# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from lxml import etree

from odoo.tests import tagged

from .common import BankCase


@tagged("post_install", "-at_install")
class TestButtonVisibility(BankCase):
    """A button shows only when the click would succeed for this user (issue 16): every button of
    the add-on's views that takes a guarded step (``action_<step>``) is hidden by the step's
    ``can_<step>`` field, which the guard computes per user and record (docs/guards.md)."""

    def test_every_step_button_follows_its_can_field(self):
        mixin = type(self.env["bank.guard.mixin"])
        views = self.env["ir.ui.view"].browse(self.env["ir.model.data"].search([
            ("module", "=", "bank_relationship_manager"), ("model", "=", "ir.ui.view"),
        ]).mapped("res_id"))
        checked, problems = 0, []
        for view in views:
            Model = self.env.get(view.model)
            if Model is None or not isinstance(Model, mixin) or not Model._bank_steps:
                continue
            arch = etree.fromstring(view.arch_db)
            for button in arch.iter("button"):
                name = button.get("name") or ""
                step = name.removeprefix("action_")
                if button.get("type") != "object" or step == name or step not in Model._bank_steps:
                    continue
                # A list's header acts on the selection, not on one record: its group decides.
                header = button.getparent()
                if header.tag == "header" and header.getparent().tag != "form" and view.type == "list":
                    self.assertTrue(button.get("groups"), f"{view.xml_id}: {name} in a list header needs groups")
                    continue
                checked += 1
                if f"can_{step}" not in (button.get("invisible") or "") or f"can_{step}" not in Model._fields:
                    problems.append(f"{view.xml_id}: {name}")
        self.assertFalse(problems, "step buttons shown whatever the user may do: " + ", ".join(problems))
        self.assertGreater(checked, 30, "the views' step buttons were found")

    def test_can_fields_differ_by_role(self):
        # The same request, read by its RM and by the unit head who decides it.
        request = self.env["bank.escalation"].with_user(self.user_rm_a).create(
            {"partner_id": self.customer_a.id, "reason": "Large purchase planned"}
        )
        as_rm = request.with_user(self.user_rm_a)
        as_supervisor = request.with_user(self.user_supervisor)
        self.assertFalse(as_rm.can_decide)
        self.assertTrue(as_supervisor.can_decide)
