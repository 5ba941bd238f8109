# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The probes of docs/security.md replayed through the JSON-RPC route of the web client."""
import json

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_ADMIN, ID_A, ID_B, BankCase, JsonRpcMixin

PHONE_A = "+86 13812345678"


@tagged("post_install", "-at_install")
class TestRpcProbes(JsonRpcMixin, HttpCase, BankCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a.write({"phone": PHONE_A, "email": "zhang.san@example.com"})
        cls.user_rm_a.group_ids += cls.env.ref("base.group_no_one")
        cls.user_office.group_ids += cls.env.ref("base.group_no_one")

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

    def test_context_defaults_set_no_state_over_rpc(self):
        """Class c over the web client's route: ``default_state`` and the like in the context
        create nothing already decided; the plain request still goes through."""
        values = {"partner_id": self.customer_a.id, "description": "Long wait", "channel": "counter",
                  "category": "waiting"}
        Complaint = self.env["bank.complaint"]
        before = Complaint.search_count([("partner_id", "=", self.customer_a.id)])
        for key, value in (("default_state", "closed"), ("default_date_closed", "2026-12-01")):
            with self.subTest(key=key):
                result, error = self.call("t_rm_a", "bank.complaint", "create", [values], {"context": {key: value}})
                self.assertFalse(result)
                self.assertIn("set by the record's actions only", error)
        self.assertEqual(Complaint.search_count([("partner_id", "=", self.customer_a.id)]), before)
        result, error = self.call("t_rm_a", "bank.complaint", "create", [values])
        self.assertFalse(error)
        self.assertEqual(Complaint.browse(result).state, "new")

    def test_rule_fields_not_writable_over_rpc(self):
        """Class b: the stored owner a record rule reads cannot be pointed at a colleague."""
        _result, error = self.call("t_rm_a", "res.partner", "write", [[self.customer_a.id],
                                   {"bank_rm_user_id": self.user_rm_c.id}])
        self.assertIn("set by the record's actions only", error)
        self.assertEqual(self.customer_a.bank_rm_user_id, self.user_rm_a)
        self.assertEqual(self.rm_a.user_id, self.user_rm_a, "nothing written through to the RM either")

    def test_tracking_switched_off_leaves_the_assignment_history(self):
        """Class g: a unit head who changes a backup RM with tracking_disable / mail_notrack in
        the context still leaves a row in the append-only assignment history, who and what."""
        History = self.env["bank.assignment.history"]
        for context, rm in (({"tracking_disable": True}, self.rm_c), ({"mail_notrack": True}, self.rm_b)):
            with self.subTest(context=context):
                _result, error = self.call("t_head_1", "res.partner", "write",
                                           [[self.customer_a.id], {"bank_backup_rm_id": rm.id}], {"context": context})
                self.assertFalse(error)
                row = History.search([("partner_id", "=", self.customer_a.id)], order="id desc", limit=1)
                self.assertEqual((row.field_name, row.new_res_id, row.user_id), ("bank_backup_rm_id", rm.id,
                                                                              self.user_head_1))
        _result, error = self.call("t_head_1", "bank.assignment.history", "unlink", [row.ids])
        self.assertTrue(error)
        self.assertTrue(row.exists())

    def test_threshold_change_needs_a_second_administrator_over_rpc(self):
        """Class k: an administrator cannot change a threshold directly nor approve their own
        change request; a second administrator can."""
        condition = self.env.ref("bank_relationship_manager.tier_rule_vip_funds").condition_ids[:1]
        amount = condition.amount
        _result, error = self.call("t_bank_admin", "bank.tier.condition", "write", [condition.ids, {"amount": 1}])
        self.assertTrue(error)
        change_id, error = self.call("t_bank_admin", "bank.config.change", "create", [{
            "name": "Funds threshold", "line_ids": [
                [0, 0, {"res_model": "bank.tier.condition", "res_id": condition.id, "values": {"amount": amount + 1}}],
            ],
        }])
        self.assertFalse(error)
        _result, error = self.call("t_bank_admin", "bank.config.change", "action_submit", [[change_id]])
        self.assertFalse(error)
        _result, error = self.call("t_bank_admin", "bank.config.change", "action_approve", [[change_id]])
        self.assertIn("second administrator", error)
        self.assertEqual(condition.amount, amount)
        new_test_user(self.env, login="t_bank_admin_2", groups=GROUP_ADMIN)
        _result, error = self.call("t_bank_admin_2", "bank.config.change", "action_approve", [[change_id]])
        self.assertFalse(error)
        condition.invalidate_recordset()
        self.assertEqual(condition.amount, amount + 1)
