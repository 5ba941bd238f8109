# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import ast

from odoo.tests import TransactionCase, tagged

MODULE = "bank_relationship_manager"
# Rule fields written by users on purpose, with why (keep this list short and argued).
OWNED_BY_USERS = {
    # The unit head invites the attendees: being invited is what lets an RM read the minutes.
    ("bank.monthly.meeting", "attendee_ids"),
    # An opportunity's customer: an RM links their opportunity only to a customer they may read
    # (check_staff_values), so the rule it feeds shows it only to whoever serves that customer.
    ("crm.lead", "partner_id"),
}


def rule_fields(domain_text):
    """The first path component of every ``(path, operator, value)`` leaf of a rule's domain."""
    names = set()
    for node in ast.walk(ast.parse(domain_text, mode="eval")):
        if isinstance(node, ast.Tuple) and len(node.elts) == 3:
            first = node.elts[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value.split(".")[0])
    return names


@tagged("post_install", "-at_install")
class TestRuleFieldsGuarded(TransactionCase):
    """No field that a record rule of the add-on reads may be written by a user: each is in the
    guard of its model (models/bank_guard_mixin.py), or a compute that cannot be written. A new
    rule on a writable field fails here."""

    def test_every_rule_field_is_guarded(self):
        data = self.env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", "ir.rule")])
        rule_ids = data.mapped("res_id")
        rules = self.env["ir.rule"].browse(rule_ids)
        self.assertGreater(len(rules), 50, "the add-on's rules were found")
        checked, problems = set(), []
        for rule in rules:
            model = self.env[rule.model_id.model]
            if not model._auto:  # SQL views cannot be written
                continue
            guarded = (
                set(getattr(model, "_bank_action_fields", ()))
                | set(getattr(model, "_bank_fixed_fields", ()))
                | set(getattr(model, "_bank_guarded_fields", ()))
                # Written only by whoever may take the step that owns the field (the managers
                # who choose the witnesses, the custodian who places a dossier): docs/guards.md.
                | set(getattr(model, "_bank_field_steps", {}))
            )
            for name in rule_fields(rule.domain_force):
                field = model._fields.get(name)
                self.assertTrue(field, f"rule {rule.name}: {model._name} has no field {name}")
                checked.add((model._name, name))
                plain_compute = field.compute and not field.store and not field.inverse
                if name in guarded or plain_compute or (model._name, name) in OWNED_BY_USERS:
                    continue
                problems.append(f"{model._name}.{name} (rule {rule.name})")
        self.assertFalse(problems, "fields read by record rules but writable by users: " + ", ".join(problems))
        self.assertIn(("res.partner", "bank_rm_user_id"), checked)
        self.assertIn(("bank.complaint", "responsible_user_id"), checked)

    def test_the_check_can_fail(self):
        self.assertEqual(rule_fields("['|', ('a.b', '=', user.id), ('c', 'in', [1]), (1, '=', 1)]"), {"a", "c"})
        partner = self.env["res.partner"]
        self.assertNotIn("occupation", partner._bank_guarded_fields, "a plain profile field is not guarded")
