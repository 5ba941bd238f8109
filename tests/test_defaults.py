# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from lxml import etree

from odoo.tests import tagged

from .common import BankCase


@tagged("post_install", "-at_install")
class TestDefaults(BankCase):
    """Amounts in the company's currency and no invented records in bank screens (issue 16)."""

    def test_band_amounts_in_the_company_currency(self):
        # Bands are loaded with the add-on, often before the bank sets its currency: their amounts
        # compare the customer's AUM in company currency and must be shown in it, whenever set.
        band = self.env.ref("bank_relationship_manager.maintenance_band_branch")
        for code in ("USD", "CNY"):
            currency = self.env.ref(f"base.{code}")
            currency.active = True
            self.env.company.currency_id = currency
            self.env.invalidate_all()
            self.assertEqual(band.currency_id, currency)
            self.assertEqual(band.with_user(self.user_office).read(["currency_id"])[0]["currency_id"][0], currency.id)

    def test_no_sample_records_in_bank_screens(self):
        # An RM with no opportunity saw Odoo's English sample cards in USD (issue 16): no view that
        # an action of the add-on opens shows invented records.
        data = self.env["ir.model.data"].search([
            ("module", "=", "bank_relationship_manager"), ("model", "=", "ir.actions.act_window"),
        ])
        actions = self.env["ir.actions.act_window"].browse(data.mapped("res_id"))
        self.assertGreater(len(actions), 30)
        checked = 0
        for action in actions:
            views = [(view_id, mode) for view_id, mode in action.views if mode != "form"]
            if not views:
                continue
            result = self.env[action.res_model].get_views(views)
            for mode, view in result["views"].items():
                with self.subTest(action=action.name, mode=mode):
                    self.assertNotIn('sample="1"', view["arch"])
                    checked += 1
        self.assertGreater(checked, 60)

    def test_amounts_never_cut_in_lists(self):
        # Odoo 19's list gives a monetary column a fixed 105 px (web's column_width_hook.js): an AUM
        # of ¥ 12,345,678.90 was cut (issue 16). Every amount column of every list that an action of
        # the add-on opens is given room for hundreds of millions.
        data = self.env["ir.model.data"].search([
            ("module", "=", "bank_relationship_manager"), ("model", "=", "ir.actions.act_window"),
        ])
        checked = 0
        for action in self.env["ir.actions.act_window"].browse(data.mapped("res_id")):
            views = [(view_id, mode) for view_id, mode in action.views if mode == "list"]
            if not views:
                continue
            model = self.env[action.res_model]
            arch = etree.fromstring(model.get_views(views)["views"]["list"]["arch"])
            for node in arch.iter("field"):
                field = model._fields.get(node.get("name"))
                if not field or field.type != "monetary" or node.get("column_invisible") in ("1", "True"):
                    continue
                with self.subTest(action=action.name, field=field.name):
                    self.assertGreaterEqual(int((node.get("width") or "0").removesuffix("px")), 140)
                    checked += 1
        self.assertGreater(checked, 20)
