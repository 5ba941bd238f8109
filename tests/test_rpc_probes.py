# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The probes of docs/security.md replayed through the JSON-RPC route of the web client."""
import json

from odoo.tests import HttpCase, tagged

from .common import ID_A, ID_B, BankCase

PHONE_A = "+86 13812345678"


@tagged("post_install", "-at_install")
class TestRpcProbes(HttpCase, BankCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a.write({"phone": PHONE_A, "email": "zhang.san@example.com"})
        cls.user_rm_a.group_ids += cls.env.ref("base.group_no_one")
        cls.user_office.group_ids += cls.env.ref("base.group_no_one")

    def call(self, login, model, method, args, kwargs=None):
        """Log in as ``login`` (test users' password is their login) and call ``model.method``
        as the web client does; return (result, error message)."""
        if getattr(getattr(self, "session", None), "login", None) != login:
            self.authenticate(login, login)
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "model": model, "method": method, "args": args, "kwargs": kwargs or {},
            }}),
            headers={"Content-Type": "application/json"},
        )
        payload = response.json()
        if "error" in payload:
            return None, payload["error"]["data"]["message"]
        return payload["result"], None

    def test_id_number_and_phone_are_no_oracle(self):
        scope = [("id", "=", self.customer_a.id)]
        for field_name, right, wrong in (
            ("bank_id_number", ID_A, ID_B), ("phone", PHONE_A, "+86 13812345679"),
            ("phone_mobile_search", "13812345678", "13812345679"),
        ):
            for operator in ("=", "ilike", "!="):
                with self.subTest(field=field_name, operator=operator):
                    counts = [
                        self.call("t_office", "res.partner", "search_count", [scope + [(field_name, operator, v)]])[0]
                        for v in (right, wrong)
                    ]
                    self.assertEqual(counts[0], counts[1])
        # The RM who serves A finds A by the number.
        found, _error = self.call("t_rm_a", "res.partner", "search_count", [[("bank_id_number", "=", ID_A)]])
        self.assertEqual(found, 1)

    def test_phone_masked_over_rpc(self):
        spec = {"phone": {}, "email": {}, "bank_id_number": {}}
        result, error = self.call("t_office", "res.partner", "web_search_read", [[("id", "=", self.customer_a.id)]],
                                  {"specification": spec})
        self.assertFalse(error)
        record = result["records"][0]
        self.assertEqual(record["phone"], "+86 138****5678")
        self.assertEqual(record["email"], "z***@example.com")
        self.assertEqual(record["bank_id_number"], "1101**********002X")
        groups, error = self.call("t_office", "res.partner", "web_read_group",
                                  [[("id", "=", self.customer_a.id)], ["phone"], ["__count"]])
        self.assertFalse(error)
        self.assertNotIn("5678", json.dumps(groups))
        named, _error = self.call("t_office", "res.partner", "web_read", [[self.customer_a.id]],
                                  {"specification": {"display_name": {}}, "context": {"show_email": True}})
        self.assertNotIn("zhang", named[0]["display_name"])
        result, _error = self.call("t_rm_a", "res.partner", "web_read", [[self.customer_a.id]],
                                   {"specification": {"phone": {}}})
        self.assertEqual(result[0]["phone"], PHONE_A)

    def test_chatter_suggests_no_clear_address(self):
        self.authenticate("t_office", "t_office")
        data = self.make_jsonrpc_request("/mail/data", {"fetch_params": [["mail.thread", {
            "thread_model": "res.partner", "thread_id": self.customer_a.id, "request_list": ["suggestedRecipients"],
        }]]})
        self.assertNotIn("zhang.san@example.com", json.dumps(data))
        self.assertIn("z***@example.com", json.dumps(data))

    def test_debug_access_error_names_no_customer(self):
        self.authenticate("t_rm_a", "t_rm_a")
        self.url_open("/odoo?debug=1")  # debug mode on for the session, as a user switches it on
        _result, error = self.call("t_rm_a", "res.partner", "read", [[self.customer_c.id], ["name"]])
        self.assertTrue(error)
        self.assertNotIn("Customer C", error)
        self.assertIn(str(self.customer_c.id), error)

    def test_parent_id_hands_no_name(self):
        values = {"name": "Probe", "parent_id": self.customer_c.id}
        result, error = self.call("t_rm_a", "res.partner", "create", [values])
        self.assertFalse(result)
        self.assertNotIn("Customer C", error)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Probe")]))

    def test_evaluation_date_over_rpc(self):
        _result, error = self.call("t_head_1", "res.partner", "action_bank_evaluate", [[self.customer_a.id]],
                                   {"date": "9999-12-31"})
        self.assertIn("parameter date of the evaluation", error)
        self.assertFalse(self.customer_a.bank_evaluated_on)
