# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import csv
import io
import json
import zipfile

from odoo import http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from ..tools import id_number
from ..tools.contact_mask import mask_email, mask_phone
from .common import GROUP_RM, ID_A, ID_B, PREFIX, BankCase, JsonRpcMixin

PHONE_A = "+86 13812345678"
EMAIL_A = "zhang.san@example.com"
PHONE_B = "13900001111"
EMAIL_B = "li.si@example.com"
# The users who may export, in the order tried for a list: the first who reads its model exports it.
EXPORTERS = ("t_office", "t_head_1", "t_supervisor", "t_bank_admin")


@tagged("post_install", "-at_install")
class TestExports(JsonRpcMixin, HttpCase, BankCase):
    """Every list of the add-on can be exported by those allowed to export (unit heads, supervisors,
    the RM office; security/bank_export_security.xml), with the masked fields of customers they do
    not serve staying masked (models/res_partner_privacy.py); RMs are refused, at the controller too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a.write({"phone": PHONE_A, "email": EMAIL_A})
        cls.customer_b.write({"phone": PHONE_B, "email": EMAIL_B})
        cls.users = {user.login: user for user in (cls.user_office, cls.user_head_1, cls.user_supervisor,
                                                    cls.user_admin)}

    def test_who_may_export(self):
        allowed = {user.login: user.has_group("base.group_allow_export") for user in (
            self.user_rm_a, self.user_head_1, self.user_supervisor, self.user_office, self.user_admin, self.user_hr,
        )}
        self.assertEqual(allowed, {"t_rm_a": False, "t_head_1": True, "t_supervisor": True, "t_office": True,
                                   "t_bank_admin": True, "t_hr": False})
        self.assertNotIn(self.env.ref("base.group_allow_export"),
                         self.env.ref(GROUP_RM).all_implied_ids)

    def list_views(self):
        data = self.env["ir.model.data"].search([("module", "=", "bank_relationship_manager"),
                                                 ("model", "=", "ir.ui.view")])
        return self.env["ir.ui.view"].browse(data.mapped("res_id")).filtered(lambda view: view.type == "list")

    def test_every_list_exports(self):
        views = self.list_views()
        self.assertGreater(len(views), 30)
        no_exporter = []
        for view in views:
            arch = view._get_combined_arch()
            exporter = next((self.users[login] for login in EXPORTERS
                             if self.env[view.model].with_user(self.users[login]).has_access("read")), None)
            if not exporter:
                no_exporter.append(view.model)
                continue
            Model = self.env[view.model].with_user(exporter)
            readable = Model.fields_get(attributes=["type"])
            names = [name for name in arch.xpath("/list/field/@name") if name in readable]
            with self.subTest(view=view.xml_id or view.name, user=exporter.login):
                records = Model.search([], limit=5)
                rows = records.export_data(names)["datas"]
                self.assertGreaterEqual(len(rows), len(records))
                self.assertTrue(all(len(row) == len(names) for row in rows))
        # Lists of models no exporter reads (HR's own registers), if any, are named here.
        self.assertEqual(sorted(set(no_exporter)), [])

    def customer_list_fields(self):
        view = self.env.ref(PREFIX + "res_partner_view_list_bank_customer")
        names = view._get_combined_arch().xpath("/list/field/@name")
        self.assertIn("phone", names)
        self.assertIn("bank_id_number", names)
        return [*names, "email"]

    def exported(self, user, partners, names):
        rows = partners.with_user(user).export_data(names)["datas"]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def test_masked_fields_stay_masked(self):
        names = self.customer_list_fields()
        customers = self.customer_a | self.customer_b
        masked_a = {"bank_id_number": id_number.mask(ID_A), "phone": mask_phone(PHONE_A), "email": mask_email(EMAIL_A)}
        clear_a = {"bank_id_number": ID_A, "phone": PHONE_A, "email": EMAIL_A}
        masked_b = {"bank_id_number": id_number.mask(ID_B), "phone": mask_phone(PHONE_B), "email": mask_email(EMAIL_B)}
        clear_b = {"bank_id_number": ID_B, "phone": PHONE_B, "email": EMAIL_B}
        self.assertNotEqual(masked_a["phone"], PHONE_A)

        def sensitive(rows):
            return [{key: row[key] for key in clear_a} for row in rows]

        # The office reads every customer and serves none; a unit head reads only the customers of
        # their unit, whom they serve; the supervisor those of the units they oversee.
        self.assertEqual(sensitive(self.exported(self.user_office, customers, names)), [masked_a, masked_b])
        self.assertEqual(sensitive(self.exported(self.user_head_1, self.customer_a, names)), [clear_a])
        self.assertEqual(sensitive(self.exported(self.user_supervisor, customers, names)), [clear_a, clear_b])

    def post_export(self, login, fmt, partners, names):
        self.authenticate(login, login)
        fields_info = self.env["res.partner"].fields_get(names, attributes=["string"])
        params = {
            "model": "res.partner", "ids": partners.ids, "domain": [], "import_compat": False, "context": {},
            "fields": [{"name": name, "label": fields_info[name]["string"]} for name in names],
        }
        return self.url_open(f"/web/export/{fmt}", data={
            "data": json.dumps(params), "csrf_token": http.Request.csrf_token(self),
        })

    def test_masked_through_the_export_controllers(self):
        names = ["name", "bank_id_number", "phone", "email"]
        customers = self.customer_a | self.customer_b
        response = self.post_export("t_office", "csv", customers, names)
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        # (Odoo's CSV writer puts a quote before a leading "+", "-" or "=": no formula in a spreadsheet.)
        self.assertEqual(rows[1:], [
            ["Customer A", id_number.mask(ID_A), "'" + mask_phone(PHONE_A), mask_email(EMAIL_A)],
            ["Customer B", id_number.mask(ID_B), mask_phone(PHONE_B), mask_email(EMAIL_B)],
        ])
        response = self.post_export("t_office", "xlsx", customers, names)
        self.assertEqual(response.status_code, 200)
        strings = self.xlsx_strings(response)
        for shown in (id_number.mask(ID_A), mask_phone(PHONE_A), mask_email(EMAIL_A), id_number.mask(ID_B),
                      mask_phone(PHONE_B), mask_email(EMAIL_B)):
            self.assertIn(shown, strings)
        for hidden in (ID_A, PHONE_A, EMAIL_A, ID_B, PHONE_B, EMAIL_B):
            self.assertNotIn(hidden, strings)
        # The head of outlet 1 serves customer A: in clear.
        response = self.post_export("t_head_1", "xlsx", self.customer_a, names)
        self.assertEqual(response.status_code, 200)
        strings = self.xlsx_strings(response)
        for shown in (ID_A, PHONE_A, EMAIL_A):
            self.assertIn(shown, strings)

    def xlsx_strings(self, response):
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return book.read("xl/sharedStrings.xml").decode()

    def test_rm_refused(self):
        # RM a serves customer A, yet may not take the list out of the bank.
        names = ["name", "phone"]
        with self.assertRaisesRegex(UserError, "rights to export"):
            self.customer_a.with_user(self.user_rm_a).export_data(names)
        for fmt in ("csv", "xlsx"):
            with self.subTest(fmt=fmt):
                response = self.post_export("t_rm_a", fmt, self.customer_a, names)
                self.assertEqual(response.status_code, 500)
                self.assertIn("rights to export", response.text)
                self.assertNotIn(PHONE_A, response.text)
        _result, error = self.call("t_rm_a", "res.partner", "export_data", [self.customer_a.ids, names])
        self.assertRegex(error, "rights to export")
