# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import json

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_UNIT_HEAD, PREFIX, BankCase


@tagged("post_install", "-at_install")
class TestReportingRegisters(BankCase):
    """The analyses on the registers (views/bank_reporting_register_views.xml): grouped figures of records
    made here, read as an RM and as a unit head, so the registers' record rules scope them."""

    # 1 December 2026, 10:00 in Beijing.
    reference_now = datetime.datetime(2026, 12, 1, 2, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_vip = cls.env.ref(PREFIX + "tier_vip")
        cls.tier_gold = cls.env.ref(PREFIX + "tier_wealth_gold")
        cls.customers = cls.customer_a | cls.customer_b | cls.customer_c
        # As the tier engine would write them (superuser: tier, AUM and level are engine fields).
        cls.customer_a.write({"bank_tier_id": cls.tier_vip.id, "bank_aum": 600000, "bank_maintenance_level": "rm"})
        cls.customer_b.write({"bank_tier_id": cls.tier_vip.id, "bank_aum": 900000,
                              "bank_maintenance_level": "sub_branch"})
        cls.customer_c.write({"bank_tier_id": cls.tier_gold.id, "bank_aum": 3000000,
                              "bank_maintenance_level": "branch"})

    def grid(self, model, domain, groupby, aggregates, user=None):
        Model = self.env[model].with_user(user) if user else self.env[model]
        return {
            tuple(getattr(key, "id", key) for key in row[:len(groupby)]): row[len(groupby):]
            for row in Model._read_group(domain, list(groupby), list(aggregates))
        }

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------

    def customers_grid(self, groupby, user=None):
        domain = [("is_bank_customer", "=", True), ("id", "in", self.customers.ids)]
        return self.grid("res.partner", domain, groupby, ["__count", "bank_aum:sum"], user)

    def test_customers_action_and_views(self):
        action = self.env.ref(PREFIX + "res_partner_action_bank_customer_analysis")
        self.assertEqual(action.domain, "[('is_bank_customer', '=', True)]")
        self.assertIn("'bank_tier_id'", action.context)
        self.assertEqual(
            [(view.view_mode, view.view_id.mode) for view in action.view_ids],
            [("pivot", "primary"), ("graph", "primary")],
        )
        menu = self.env.ref(PREFIX + "res_partner_menu_bank_customer_analysis")
        self.assertEqual(menu.parent_id, self.env.ref(PREFIX + "bank_menu_reporting"))

    def test_customers_by_tier_unit_rm_level(self):
        vip, gold = self.tier_vip.id, self.tier_gold.id
        self.assertEqual(self.customers_grid(["bank_tier_id"]), {(vip,): (2, 1500000), (gold,): (1, 3000000)})
        self.assertEqual(self.customers_grid(["bank_unit_id", "bank_tier_id"]), {
            (self.outlet_1.id, vip): (1, 600000), (self.outlet_2.id, vip): (1, 900000),
            (self.center.id, gold): (1, 3000000),
        })
        self.assertEqual(self.customers_grid(["bank_maintenance_level"]), {
            ("rm",): (1, 600000), ("sub_branch",): (1, 900000), ("branch",): (1, 3000000),
        })
        self.assertEqual(self.customers_grid(["bank_rm_id"])[(self.rm_c.id,)], (1, 3000000))

    def test_customers_as_rm_and_unit_head(self):
        vip = self.tier_vip.id
        # RM A serves customer A only; RM B is customer A's backup and B's primary RM; RM C sees neither.
        self.assertEqual(self.customers_grid(["bank_tier_id"], self.user_rm_a), {(vip,): (1, 600000)})
        self.assertEqual(self.customers_grid(["bank_rm_id"], self.user_rm_b),
                         {(self.rm_a.id,): (1, 600000), (self.rm_b.id,): (1, 900000)})
        self.assertNotIn((vip,), self.customers_grid(["bank_tier_id"], self.user_rm_c))
        # A unit head sees their unit's customers, not the other outlet's.
        self.assertEqual(self.customers_grid(["bank_unit_id"], self.user_head_1), {(self.outlet_1.id,): (1, 600000)})
        self.assertEqual(self.customers_grid(["bank_unit_id"], self.user_head_2), {(self.outlet_2.id,): (1, 900000)})

    # ------------------------------------------------------------------
    # Tier changes
    # ------------------------------------------------------------------

    def tier_changes(self):
        D = datetime.date
        rows = [
            (self.customer_a, D(2026, 10, 5), False, self.tier_vip),
            (self.customer_a, D(2026, 11, 20), self.tier_vip, False),
            (self.customer_b, D(2026, 11, 3), False, self.tier_vip),
            (self.customer_c, D(2026, 11, 9), False, self.tier_gold),
        ]
        self.env["bank.tier.history"]._bank_system_create([{
            "partner_id": partner.id, "date": day, "old_tier_id": old.id if old else False,
            "new_tier_id": new.id if new else False, "reason": "test",
        } for partner, day, old, new in rows])

    def tiers_grid(self, groupby, user=None):
        return self.grid("bank.tier.history", [("partner_id", "in", self.customers.ids)], groupby, ["__count"], user)

    def test_tier_changes_by_month_direction_tier_and_unit(self):
        self.tier_changes()
        october, november = datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)
        self.assertEqual(self.tiers_grid(["date:month", "direction"]), {
            (october, "up"): (1,), (november, "up"): (2,), (november, "down"): (1,),
        })
        self.assertEqual(self.tiers_grid(["new_tier_id", "direction"]), {
            (self.tier_vip.id, "up"): (2,), (self.tier_gold.id, "up"): (1,), (False, "down"): (1,),
        })
        self.assertEqual(self.tiers_grid(["partner_id.bank_unit_id", "direction"]), {
            (self.outlet_1.id, "up"): (1,), (self.outlet_1.id, "down"): (1,), (self.outlet_2.id, "up"): (1,),
            (self.center.id, "up"): (1,),
        })
        action = self.env.ref(PREFIX + "bank_tier_history_action_analysis")
        self.assertIn("'direction'", action.context)
        self.assertEqual(action.view_ids.view_id.mapped("mode"), ["primary", "primary"])

    def test_tier_changes_as_rm_and_unit_head(self):
        self.tier_changes()
        self.assertEqual(self.tiers_grid(["direction"], self.user_rm_a), {("up",): (1,), ("down",): (1,)})
        # RM B: their own customer B and customer A, whom they back up; not C.
        self.assertEqual(self.tiers_grid(["direction"], self.user_rm_b), {("up",): (2,), ("down",): (1,)})
        self.assertEqual(self.tiers_grid(["direction"], self.user_rm_c), {("up",): (1,)})
        self.assertEqual(self.tiers_grid(["partner_id.bank_unit_id"], self.user_head_1), {(self.outlet_1.id,): (2,)})
        self.assertEqual(self.tiers_grid(["partner_id.bank_unit_id"], self.user_head_2), {(self.outlet_2.id,): (1,)})

    # ------------------------------------------------------------------
    # Complaints
    # ------------------------------------------------------------------

    def complaints(self):
        D = datetime.date
        Complaint = self.env["bank.complaint"]

        def new(user, partner, category, received):
            return Complaint.with_user(user).create({
                "partner_id": partner.id, "description": "test", "category": category, "channel": "phone",
                "date_received": received,
            })

        new(self.user_rm_a, self.customer_a, "mis_selling", D(2026, 11, 2))  # due 9 November: overdue
        new(self.user_rm_a, self.customer_a, "mis_selling", D(2026, 11, 30))  # due 7 December: on time
        resolved = new(self.user_rm_b, self.customer_b, "fees", D(2026, 11, 2))
        resolved.with_user(self.user_rm_b).action_start()
        resolved.with_user(self.user_rm_b).write({"resolution": "refunded"})
        resolved.with_user(self.user_rm_b).action_resolve()
        new(self.user_rm_c, self.customer_c, "waiting", D(2026, 11, 2))  # overdue

    def complaints_grid(self, groupby, user=None, extra=()):
        domain = [("partner_id", "in", self.customers.ids), *extra]
        return self.grid("bank.complaint", domain, groupby, ["__count"], user)

    def test_complaints_by_category_state_on_time_overdue(self):
        self.complaints()
        self.assertEqual(self.complaints_grid(["category", "state"]), {
            ("mis_selling", "new"): (2,), ("fees", "resolved"): (1,), ("waiting", "new"): (1,),
        })
        overdue = [("is_overdue", "=", True)]
        on_time = [("is_overdue", "=", False)]
        self.assertEqual(self.complaints_grid(["category"], extra=overdue),
                         {("mis_selling",): (1,), ("waiting",): (1,)})
        self.assertEqual(self.complaints_grid(["category"], extra=on_time), {("mis_selling",): (1,), ("fees",): (1,)})
        action = self.env.ref(PREFIX + "bank_complaint_action_analysis")
        self.assertIn("search_default_active_cases", action.context)

    def test_complaints_as_rm_and_unit_head(self):
        self.complaints()
        overdue = [("is_overdue", "=", True)]
        self.assertEqual(self.complaints_grid(["category"], self.user_rm_a), {("mis_selling",): (2,)})
        self.assertEqual(self.complaints_grid(["category"], self.user_rm_a, overdue), {("mis_selling",): (1,)})
        self.assertEqual(self.complaints_grid(["category"], self.user_rm_c), {("waiting",): (1,)})
        self.assertEqual(self.complaints_grid(["unit_id", "state"], self.user_head_1),
                         {(self.outlet_1.id, "new"): (2,)})
        self.assertEqual(self.complaints_grid(["unit_id", "state"], self.user_head_2),
                         {(self.outlet_2.id, "resolved"): (1,)})

    # ------------------------------------------------------------------
    # Maintenance logs
    # ------------------------------------------------------------------

    def logs(self):
        Log = self.env["bank.maintenance.log"]
        for user, partner, channel, log_type, minutes in [
            (self.user_rm_a, self.customer_a, "phone", "periodic", 10),
            (self.user_rm_a, self.customer_a, "visit", "birthday", 30),
            (self.user_rm_a, self.customer_a, "phone", "birthday", 20),
            (self.user_rm_b, self.customer_b, "wechat", "periodic", 15),
        ]:
            Log.with_user(user).create({"partner_id": partner.id, "summary": "test", "channel": channel,
                                        "log_type": log_type, "minutes": minutes})

    def logs_grid(self, groupby, user=None):
        domain = [("partner_id", "in", self.customers.ids)]
        return self.grid("bank.maintenance.log", domain, groupby, ["__count", "minutes:sum"], user)

    def test_logs_by_channel_and_type(self):
        self.logs()
        self.assertEqual(self.logs_grid(["channel"]), {("phone",): (2, 30), ("visit",): (1, 30), ("wechat",): (1, 15)})
        self.assertEqual(self.logs_grid(["log_type", "channel"]), {
            ("periodic", "phone"): (1, 10), ("periodic", "wechat"): (1, 15),
            ("birthday", "visit"): (1, 30), ("birthday", "phone"): (1, 20),
        })
        action = self.env.ref(PREFIX + "bank_maintenance_log_action_analysis")
        self.assertIn("'minutes'", action.context)

    def test_logs_as_rm_and_unit_head(self):
        self.logs()
        self.assertEqual(self.logs_grid(["log_type"], self.user_rm_a), {("periodic",): (1, 10), ("birthday",): (2, 50)})
        self.assertEqual(self.logs_grid(["channel"], self.user_rm_c), {})
        self.assertEqual(self.logs_grid(["unit_id"], self.user_head_1), {(self.outlet_1.id,): (3, 60)})
        self.assertEqual(self.logs_grid(["unit_id"], self.user_head_2), {(self.outlet_2.id,): (1, 15)})


@tagged("post_install", "-at_install")
class TestReportingRegistersRpc(HttpCase):
    """The customer and contact analyses read over the web client's JSON-RPC route, as an RM and a unit head."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head = new_test_user(cls.env, "reg_rpc_head", groups=GROUP_UNIT_HEAD)
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "RPC branch", "code": "RRPC", "level": "branch"})
        cls.outlet = Unit.create({"name": "RPC outlet", "code": "RRPC-1", "level": "outlet", "parent_id": branch.id,
                                  "has_wealth_room": True, "head_user_id": cls.head.id})
        other = Unit.create({"name": "RPC other", "code": "RRPC-2", "level": "outlet", "parent_id": branch.id,
                             "has_wealth_room": True})
        grade = cls.env.ref(PREFIX + "rm_grade_rm")
        cls.customers = cls.env["res.partner"]
        for login, unit, channel in (("reg_rpc_rm", cls.outlet, "phone"), ("reg_rpc_rm_other", other, "visit")):
            user = new_test_user(cls.env, login, groups=GROUP_RM)
            rm = cls.env["bank.rm"].create({"user_id": user.id, "grade_id": grade.id, "unit_id": unit.id})
            customer = cls.env["res.partner"].create({"name": f"{login} customer", "is_bank_customer": True,
                                                      "bank_rm_id": rm.id})
            customer.bank_tier_id = cls.env.ref(PREFIX + "tier_vip")
            cls.env["bank.maintenance.log"].with_user(user).create(
                {"partner_id": customer.id, "summary": "rpc", "channel": channel, "minutes": 25})
            cls.customers |= customer

    def rpc(self, login, model, method, args, kwargs):
        self.authenticate(login, login)
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "model": model, "method": method, "args": args, "kwargs": kwargs,
            }}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()["result"]

    def test_customers_and_contacts_over_rpc(self):
        domain = [["is_bank_customer", "=", True], ["id", "in", self.customers.ids]]
        vip = self.env.ref(PREFIX + "tier_vip").id
        for login, count, channels in (("reg_rpc_head", 1, [("phone", 1, 25)]), ("reg_rpc_rm", 1, [("phone", 1, 25)]),
                                       ("reg_rpc_rm_other", 1, [("visit", 1, 25)])):
            with self.subTest(login=login):
                groups = self.rpc(login, "res.partner", "formatted_read_group", [domain],
                                  {"groupby": ["bank_tier_id"], "aggregates": ["__count"]})
                self.assertEqual([(group["bank_tier_id"][0], group["__count"]) for group in groups], [(vip, count)])
                groups = self.rpc(login, "bank.maintenance.log", "formatted_read_group",
                                  [[["partner_id", "in", self.customers.ids]]],
                                  {"groupby": ["channel"], "aggregates": ["__count", "minutes:sum"]})
                self.assertEqual([(group["channel"], group["__count"], group["minutes:sum"]) for group in groups],
                                 channels)
