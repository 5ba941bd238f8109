# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
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
