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
