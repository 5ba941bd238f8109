# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import BaseCase, tagged

from ..tools import id_number


@tagged("post_install", "-at_install")
class TestIdNumber(BaseCase):
    """The GB 11643 check digit and the masking rule, on their own."""

    def test_check_digit(self):
        self.assertEqual(id_number.prc_check_char("11010519491231002"), "X")
        self.assertEqual(id_number.prc_check_char("11010519900101123"), "2")
        self.assertIsNone(id_number.prc_id_error("11010519491231002X"))
        self.assertIsNone(id_number.prc_id_error("11010519491231002x"), "a lower-case x is what clerks type")
        self.assertIsNone(id_number.prc_id_error(" 110105 19900101 1232 "))
        self.assertEqual(id_number.prc_id_error("110105199001011233"), "check_digit")
        self.assertEqual(id_number.prc_id_error("110105194912310029"), "check_digit")

    def test_shapes(self):
        self.assertIsNone(id_number.prc_id_error("110105491231002"), "legacy 15-digit cards have no check digit")
        for bad in ("11010519491231002", "1101051949123100211", "11010519491231X02X", "ABCDEFGHIJKLMNOPQR"):
            self.assertEqual(id_number.prc_id_error(bad), "shape", bad)

    def test_mask(self):
        cases = {
            "11010519491231002X": "1101**********002X",
            "110105491231002": "1101*******1002",
            "E12345678": "E1*****78",
            "G1234567": "G1****67",
            "1234": "1**4",
            "12": "**",
        }
        for value, masked in cases.items():
            self.assertEqual(id_number.mask(value), masked)
            self.assertNotEqual(id_number.mask(value), value)
            self.assertEqual(len(id_number.mask(value)), len(value))
        self.assertFalse(id_number.mask(False))
        self.assertEqual(id_number.mask(""), "")
