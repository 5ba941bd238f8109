# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Implausible values (class h) and untrusted parameters (class e): a clear error naming the
record and the field (or parameter), and nothing changed."""
import base64
import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.bank_guard_mixin import check_field_values
from .common import ID_A, PREFIX, BankCase

TODAY = datetime.date(2026, 12, 3)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestBadValues(BankCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["bank.account"].create({
            "partner_id": cls.customer_a.id,
            "category_id": cls.env.ref(PREFIX + "product_category_dep_demand").id,
            "account_no": "T-BAD-A",
            "open_date": "2020-06-01",
        })

    # ------------------------------------------------------------------
    # Balances
    # ------------------------------------------------------------------

    def test_balance_dates_outside_the_window(self):
        Balance = self.env["bank.balance"].with_user(self.user_admin)
        for day in ("9999-12-31", "0001-01-01", "2020-05-31", "2026-12-11", "2026-02-30"):
            with self.subTest(day=day), self.assertRefused(UserError, r"Row 1 \(account T-BAD-A\)"):
                Balance.load_balances([{"account_no": "T-BAD-A", "date": day, "balance": 10}])
        self.assertFalse(self.env["bank.balance"].search([("account_id", "=", self.account.id)]))
        # The window: from the account's opening to a few days ahead.
        result = Balance.load_balances([
            {"account_no": "T-BAD-A", "date": "2020-06-01", "balance": 10},
            {"account_no": "T-BAD-A", "date": "2026-12-10", "balance": 20},
        ])
        self.assertEqual(result["created"], 2)
        self.assertEqual(self.account.balance_date, datetime.date(2026, 12, 10))

    def test_balance_dates_through_the_csv_wizard(self):
        wizard = self.env["bank.balance.import"].with_user(self.user_admin).create({
            "file": base64.b64encode(b"account_no,date,balance\nT-BAD-A,9999-12-31,10\n"),
        })
        wizard.action_import()
        self.assertEqual(wizard.state, "error")
        self.assertIn("9999-12-31", wizard.error_text)
        self.assertIn("Date", wizard.error_text)
        self.assertFalse(self.env["bank.balance"].search([("account_id", "=", self.account.id)]))

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------

    def test_birthday_window(self):
        customer = self.customer_a.with_user(self.user_head_1)
        for day in ("2026-12-04", "1899-12-31", "9999-12-31"):
            with self.subTest(day=day), self.assertRefused(ValidationError, r"Customer A.*Birthday"):
                customer.write({"birthday": day})
        self.assertFalse(self.customer_a.birthday)
        customer.write({"birthday": "1949-12-31"})
        self.assertEqual(self.customer_a.birthday, datetime.date(1949, 12, 31))

    def test_full_width_id_number_checked(self):
        full_width = "".join(chr(ord(c) + 0xFEE0) for c in ID_A[:-1]) + "１"  # wrong check digit
        with self.assertRefused(ValidationError, "check digit"):
            self.customer_a.with_user(self.user_head_1).write({"bank_id_number": full_width})
        self.env.invalidate_all()
        self.assertEqual(self.customer_a.sudo().bank_id_number_full, ID_A)

    def test_non_finite_amounts_refused(self):
        Partner = self.env["res.partner"].with_user(self.user_head_1)
        for value in (float("nan"), float("inf"), "1e309", "abc"):
            with self.subTest(value=value), self.assertRefused(ValidationError, "Annual income"):
                self.customer_a.with_user(self.user_head_1).write({"annual_income": value})
            with self.subTest(value=value), self.assertRaises(ValidationError):
                Partner.create({"name": "T new", "is_bank_customer": True, "annual_income": value})
        # Every Float/Monetary field of the add-on's models, through the same check.
        admin = self.user_admin
        condition = self.env.ref(PREFIX + "tier_vip").rule_ids[:1].condition_ids[:1]
        band = self.env["bank.maintenance.band"].search([], limit=1)
        for record, field_name in ((condition, "amount"), (band, "aum_from")):
            # Thresholds and bands change only through a change request (four eyes), whose
            # proposed values are checked the same way.
            for value in (float("nan"), float("-inf")):
                with self.subTest(model=record._name, value=value):
                    with self.assertRaises(AccessError):
                        record.with_user(admin).write({field_name: value})
                    with self.assertRefused(ValidationError, "finite"):
                        self.env["bank.config.change"].with_user(admin).create({"name": "Bad", "line_ids": [
                            (0, 0, {"res_model": record._name, "res_id": record.id, "values": {field_name: value}}),
                        ]})
        cases = [
            (self.account.with_user(admin), "contract_amount"),
        ]
        for record, field_name in cases:
            label = record._fields[field_name].get_description(self.env)["string"]
            for value in (float("nan"), float("-inf")):
                with self.subTest(model=record._name, value=value):
                    before = record.sudo()[field_name]
                    with self.assertRefused(ValidationError, f"field {label}: .*finite"):
                        record.write({field_name: value})
                    self.assertEqual(record.sudo()[field_name], before)

    def test_every_numeric_and_date_field_is_covered(self):
        """The class, not the examples: every stored Float, Monetary, Integer, Date and Datetime
        field of the add-on's models (and the add-on's fields on customers) refuses what cannot
        be stored, through the check that create and write run (models/bank_guard_mixin.py)."""
        bad = {
            "float": float("nan"), "monetary": float("inf"), "integer": 10 ** 12,
            "date": "2026-02-30", "datetime": "9999-12-31 10:00:00",
        }
        checked = 0
        mixin = type(self.env["bank.guard.mixin"])
        for model_name in self.env:
            Model = self.env[model_name].with_user(self.user_admin)
            if not (model_name.startswith("bank.") or model_name == "res.partner") or Model._abstract:
                continue
            if not Model._auto:
                continue  # SQL views: nothing is written to them
            if model_name == "res.partner":
                Model = Model.with_user(self.user_head_1)
            for name, field in Model._fields.items():
                if field.type not in bad or not field.store or field._module != "bank_relationship_manager":
                    continue
                with self.subTest(model=model_name, field=name):
                    # Bank models run the check in the mixin's create and write; customers in
                    # res.partner's, through check_staff_values.
                    self.assertTrue(isinstance(Model, mixin) or model_name == "res.partner")
                    with self.assertRaises(ValidationError):
                        check_field_values(Model, [{name: bad[field.type]}])
                    checked += 1
        self.assertGreater(checked, 40)

    def test_invalid_dates_and_integers_refused(self):
        log_vals = {"partner_id": self.customer_a.id, "rm_id": self.rm_a.id, "summary": "Call"}
        Log = self.env["bank.maintenance.log"].with_user(self.user_rm_a)
        with self.assertRefused(ValidationError, r"field Date: '2026-02-30' is not a valid date"):
            Log.create(dict(log_vals, date="2026-02-30"))
        with self.assertRefused(ValidationError, r"field Minutes: .* too large"):
            Log.create(dict(log_vals, minutes=10 ** 12))
        with self.assertRefused(ValidationError, "not a plausible contact date"):
            Log.create(dict(log_vals, date="1900-01-01"))
        with self.assertRefused(ValidationError, "in the future"):
            Log.create(dict(log_vals, date="2026-12-04"))
        self.assertFalse(self.env["bank.maintenance.log"].search([("partner_id", "=", self.customer_a.id)]))
        log = Log.create(dict(log_vals, date="2026-12-01", minutes=30))
        self.assertEqual(log.minutes, 30)
        with self.assertRefused(ValidationError, "not a valid date"):
            self.customer_a.with_user(self.user_head_1).write({"birthday": "2026-02-30"})

    # ------------------------------------------------------------------
    # Class e: parameters of public methods
    # ------------------------------------------------------------------

    def test_evaluation_date_checked(self):
        customer = self.customer_a.with_user(self.user_head_1)
        for day in ("9999-12-31", "2026-12-04", "1800-01-01", "2026-02-30", "soon", 12):
            with self.subTest(day=day), self.assertRefused(
                ValidationError, r"Customer A: .*parameter date of the evaluation"
            ):
                customer.action_bank_evaluate(date=day)
        self.assertFalse(self.customer_a.bank_evaluated_on)

    def test_text_parameters_checked(self):
        request = self.env["bank.escalation"].with_user(self.user_rm_a).create(
            {"partner_id": self.customer_a.id, "reason": "Large purchase planned"}
        )
        for note in ({"x": 1}, [1, 2], 3):
            with self.subTest(note=note), self.assertRefused(UserError, "the note must be text"):
                request.with_user(self.user_supervisor).action_accept(note=note)
        self.assertEqual(request.state, "requested")
        request.with_user(self.user_supervisor).action_accept("We visit together on Friday")
        self.assertEqual(request.state, "accepted")
