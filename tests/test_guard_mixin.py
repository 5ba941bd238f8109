# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .common import BankCase


@tagged("post_install", "-at_install")
class TestGuardMixin(BankCase):
    """The one guard mechanism (docs/guards.md) covers every bank model."""

    def bank_models(self):
        for name in self.env.registry:
            model = self.env[name]
            # Wizards too: their values (minutes, amounts, dates) are checked like any other.
            if name.startswith("bank.") and not model._abstract and model._auto:
                yield name, model

    def test_every_bank_model_uses_the_guard(self):
        mixin = type(self.env["bank.guard.mixin"])
        outside = sorted(name for name, model in self.bank_models() if not isinstance(model, mixin))
        self.assertEqual(outside, [], "bank models that do not inherit bank.guard.mixin")

    def test_declared_fields_exist(self):
        mixin = type(self.env["bank.guard.mixin"])
        for name, model in self.bank_models():
            if not isinstance(model, mixin):
                continue
            declared = model._bank_action_fields | model._bank_fixed_fields
            with self.subTest(model=name):
                self.assertFalse(declared - set(model._fields), "guarded fields that the model does not have")
                for step in model._bank_steps:
                    if f"can_{step}" in model._fields:
                        self.assertEqual(model._fields[f"can_{step}"].compute, "_compute_bank_can")

    def test_copy_never_carries_action_fields(self):
        """What the actions set (state, approvals) is dropped from copies, even when asked for."""
        request = self.env["bank.escalation"].with_user(self.user_rm_a).create(
            {"partner_id": self.customer_a.id, "reason": "Large purchase planned"}
        )
        request.with_user(self.user_supervisor).action_accept()
        values = request.with_user(self.user_rm_a).copy_data({"state": "accepted", "decided_by_id": self.user_rm_a.id})
        self.assertFalse({"state", "decided_by_id"} & set(values[0]))
