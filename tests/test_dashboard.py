# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import json
import re
from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import tools
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_open
from odoo.tools.safe_eval import safe_eval

from odoo.addons.spreadsheet.utils.validate_data import fields_in_spreadsheet

from .common import GROUP_RM, PREFIX, BankCase, load_chinese

DASHBOARD_FILE = "bank_relationship_manager/data/files/relationship_banking_dashboard.json"
SOURCE_REF = re.compile(r"\b(PIVOT(?:\.VALUE|\.HEADER)?|ODOO\.LIST(?:\.HEADER)?)\((\d+)")


def load_file():
    with file_open(DASHBOARD_FILE) as f:
        return json.load(f)


def evaluate_domain(domain, today):
    """A data source's domain as the web client evaluates it (strings: Python with context_today)."""
    if isinstance(domain, str):
        return safe_eval(domain, {"context_today": lambda: today, "relativedelta": relativedelta})
    return domain


class DashboardCase(BankCase):
    """Customers of outlet 1 (RM A) and outlet 2 (RM B), with figures set by hand as the nightly
    evaluation would; a complaint and a check-out open in outlet 1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(PREFIX + "dashboard_relationship_banking")
        cls.data = load_file()
        cls.tier_vip = cls.env.ref(PREFIX + "tier_vip")
        cls.customer_a.write({"bank_unit_id": cls.outlet_1.id, "bank_tier_id": cls.tier_vip.id, "bank_aum": 800000})
        cls.customer_b.write({"bank_unit_id": cls.outlet_2.id, "bank_aum": 120000, "bank_is_potential": True,
                              "bank_tier_gap": 80000})
        cls.customer_a2 = cls.env["res.partner"].create({
            "name": "Customer A2", "is_bank_customer": True, "bank_rm_id": cls.rm_a.id,
            "bank_unit_id": cls.outlet_1.id,
        })
        cls.customer_a2.write({"bank_aum": 50000})

    def figure(self, user, index):
        """Scorecard ``index`` (1-based) computed with the ORM as ``user``, like the web client."""
        pivot = self.data["pivots"][str(index)]
        measure = pivot["measures"][0]
        aggregate = "__count" if measure["fieldName"] == "__count" else measure["id"]
        model = self.env[pivot["model"]].with_user(user)
        [(value,)] = model._read_group(evaluate_domain(pivot["domain"], self.today), [], [aggregate])
        return value

    def scorecard(self, label):
        return next(i for i, p in self.data["pivots"].items() if p["name"] == label)


class TestDashboardDefinition(DashboardCase):
    def test_the_record_ships_the_file(self):
        self.assertEqual(json.loads(self.dashboard.spreadsheet_data), self.data)
        self.assertEqual(self.data["version"], "18.5.10")
        group = self.env.ref(PREFIX + "dashboard_group_relationship_banking")
        self.assertEqual(self.dashboard.dashboard_group_id, group)
        self.assertEqual(self.dashboard.main_data_model_ids.mapped("model"), ["res.partner"])
        self.assertFalse(self.dashboard.sample_dashboard_file_path, "an RM with few records sees their own figures")

    def test_odoo_validation_in_test_mode(self):
        """Odoo checks a spreadsheet's models and fields only with tests enabled (spreadsheet.mixin
        _check_spreadsheet_data); the test install does not enable them, so the check runs here."""
        with patch.dict(tools.config.options, {"test_enable": True}):
            self.dashboard._check_spreadsheet_data()
            broken = json.loads(json.dumps(self.data).replace('"bank_tier_gap"', '"bank_tier_gap_x"'))
            with self.assertRaisesRegex(ValidationError, "bank_tier_gap_x"):
                self.dashboard.copy({"spreadsheet_binary_data": base64.b64encode(json.dumps(broken).encode())})

    def test_visible_to_bank_staff_only(self):
        Dashboard = self.env["spreadsheet.dashboard"]
        for user in (self.user_rm_a, self.user_head_1, self.user_supervisor, self.user_office, self.user_admin):
            self.assertIn(self.dashboard, Dashboard.with_user(user).search([]), user.login)
        for user in (self.user_plain, self.user_hr):
            self.assertNotIn(self.dashboard, Dashboard.with_user(user).search([]), user.login)

    def test_every_reference_points_to_a_data_source(self):
        sheets = {sheet["name"]: sheet for sheet in self.data["sheets"]}
        kinds = {"PIVOT": self.data["pivots"], "ODOO.LIST": self.data["lists"]}
        used = {"PIVOT": set(), "ODOO.LIST": set()}
        for sheet in self.data["sheets"]:
            for xc, content in sheet["cells"].items():
                for function, source_id in SOURCE_REF.findall(content):
                    kind = "PIVOT" if function.startswith("PIVOT") else "ODOO.LIST"
                    self.assertIn(source_id, kinds[kind], f"{sheet['name']}!{xc}: {content}")
                    used[kind].add(source_id)
        self.assertEqual(used["PIVOT"], set(self.data["pivots"]), "every pivot is shown")
        self.assertEqual(used["ODOO.LIST"], set(self.data["lists"]), "every list is shown")
        scorecards = [f for f in sheets["Dashboard"]["figures"] if f["data"]["type"] == "scorecard"]
        self.assertEqual(len(scorecards), len([p for p in self.data["pivots"].values() if not p["rows"]]))
        for figure in scorecards:
            sheet_name, xc = figure["data"]["keyValue"].split("!")
            content = sheets[sheet_name]["cells"][xc]
            self.assertRegex(content, r"^=PIVOT\.VALUE\(\d+,", figure["id"])
        # The figures' ids are unique (Odoo asks for uniqueFigureIds).
        ids = [f["id"] for f in sheets["Dashboard"]["figures"]]
        self.assertEqual(len(ids), len(set(ids)))

    def test_every_model_and_field_exists_and_is_usable_as_used(self):
        env = self.env
        self.assertTrue(fields_in_spreadsheet(self.data))

        def field(model, chain):
            for name in chain.split("."):
                self.assertIn(name, env[model]._fields, f"{model}.{name}")
                fld = env[model]._fields[name]
                model = fld.comodel_name or model
            return fld

        for pivot in self.data["pivots"].values():
            model = pivot["model"]
            self.assertIn(model, env)
            for measure in pivot["measures"]:
                if measure["fieldName"] != "__count":
                    fld = field(model, measure["fieldName"])
                    self.assertTrue(fld.store, f"{model}.{fld.name} is stored")
                    # A pivot names its aggregate (AUM: the field's own is off, see the build script).
                    self.assertIn(measure["aggregator"], ("sum", "avg"), fld.name)
                    env[model]._read_group([], [], [measure["id"]])
            for row in pivot["rows"] + pivot["columns"]:
                fld = field(model, row["fieldName"])
                self.assertTrue(fld._description_groupable(env), f"{model}.{fld.name} is groupable")
            evaluate_domain(pivot["domain"], self.today)
        for chart in (f["data"] for s in self.data["sheets"] for f in s["figures"] if f["data"]["type"] != "scorecard"):
            model = chart["metaData"]["resModel"]
            for group_by in chart["metaData"]["groupBy"]:
                fld = field(model, group_by.split(":")[0])
                self.assertTrue(fld._description_groupable(env), f"{model}.{fld.name} is groupable")
            if chart["metaData"]["measure"] != "__count":
                fld = field(model, chart["metaData"]["measure"])
                self.assertTrue(fld.store and fld._description_aggregator(env), f"{model}.{fld.name}")
        for data_list in self.data["lists"].values():
            model = data_list["model"]
            for column in data_list["columns"]:
                field(model, column)
            for order in data_list["orderBy"]:
                self.assertTrue(field(model, order["name"])._description_sortable(env), order["name"])
        filters = {f["id"]: f for f in self.data["globalFilters"]}
        sources = [*self.data["pivots"].values(), *self.data["lists"].values()] + [
            f["data"] for s in self.data["sheets"] for f in s["figures"] if f["data"]["type"] != "scorecard"
        ]
        for source in sources:
            model = source.get("model") or source["metaData"]["resModel"]
            for filter_id, matching in source["fieldMatching"].items():
                fld = field(model, matching["chain"])
                self.assertEqual(fld.type, matching["type"], matching["chain"])
                if filters[filter_id]["type"] == "relation":
                    self.assertEqual(fld.comodel_name, filters[filter_id]["modelName"], matching["chain"])
            # Every source follows the unit filter but the activities (they have no unit).
            if model != "mail.activity":
                self.assertIn("brm-filter-unit", source["fieldMatching"], model)
            self.assertIn("brm-filter-rm", source["fieldMatching"], model)

    def test_every_data_source_runs_as_each_role(self):
        """Each data source's query as the web client sends it, as an RM, a unit head and the office."""
        sources = [*self.data["pivots"].values(), *self.data["lists"].values()]
        for user in (self.user_rm_a, self.user_head_1, self.user_office):
            for source in sources:
                model = self.env[source["model"]].with_user(user)
                domain = evaluate_domain(source["domain"], self.today)
                # With the unit and RM filters set, as the web client adds them (fieldMatching).
                filtered = list(domain)
                for filter_id, value in (("brm-filter-unit", self.outlet_1.id), ("brm-filter-rm", self.rm_a.id)):
                    if filter_id in source["fieldMatching"]:
                        filtered = [*filtered, (source["fieldMatching"][filter_id]["chain"], "in", [value])]
                for dom in (domain, filtered):
                    if "columns" in source:
                        model.web_search_read(dom, {name: {} for name in source["columns"]}, limit=10)
                    else:
                        model.formatted_read_group(dom, [r["fieldName"] for r in source["rows"]],
                                                   [m["id"] for m in source["measures"]])

    def test_scorecards_follow_the_record_rules(self):
        customers, aum = self.scorecard("Customers"), self.scorecard("AUM")
        tiered, potential = self.scorecard("Tiered customers"), self.scorecard("Potential customers")
        # RM A: primary of A and A2, backup of B (sees B while B's RM is available too: backup role).
        visible_rm_a = self.env["res.partner"].with_user(self.user_rm_a).search([("is_bank_customer", "=", True)])
        self.assertEqual(self.figure(self.user_rm_a, customers), len(visible_rm_a))
        self.assertLessEqual(visible_rm_a, self.customer_a | self.customer_a2 | self.customer_b)
        self.assertEqual(self.figure(self.user_rm_a, aum), sum(visible_rm_a.mapped("bank_aum")))
        # RM C sees only customer C.
        self.assertEqual(self.figure(self.user_rm_c, customers), 1)
        self.assertEqual(self.figure(self.user_rm_c, tiered), 0)
        # The head of outlet 1: the outlet's customers A and A2 (and demo ones of their units: none).
        visible_head = self.env["res.partner"].with_user(self.user_head_1).search([("is_bank_customer", "=", True)])
        self.assertLessEqual(self.customer_a | self.customer_a2, visible_head)
        self.assertNotIn(self.customer_c, visible_head)
        self.assertEqual(self.figure(self.user_head_1, customers), len(visible_head))
        self.assertEqual(self.figure(self.user_head_1, tiered), len(visible_head.filtered("bank_tier_id")))
        self.assertEqual(self.figure(self.user_head_2, potential),
                         len(self.env["res.partner"].with_user(self.user_head_2).search(
                             [("is_bank_customer", "=", True), ("bank_is_potential", "=", True)])))

    def test_unit_filter_scopes_the_office(self):
        """The office sees the bank; the unit filter narrows the Customers and AUM scorecards."""
        for label, expected in (("Customers", 2), ("AUM", 850000)):
            pivot = self.data["pivots"][self.scorecard(label)]
            chain = pivot["fieldMatching"]["brm-filter-unit"]["chain"]
            measure = pivot["measures"][0]["id"]
            [(value,)] = self.env[pivot["model"]].with_user(self.user_office)._read_group(
                [*pivot["domain"], (chain, "in", [self.outlet_1.id])], [], [measure])
            self.assertEqual(value, expected, label)

    def test_loss_making_customers_of_last_month(self):
        """Last month's current snapshots classed loss, as the viewer's rules allow."""
        label = self.scorecard("Loss-making customers (last month)")
        last_month = self.today.replace(day=1) - timedelta(days=1)
        month_before = last_month.replace(day=1) - timedelta(days=1)
        company = self.env.company
        rows = [
            (self.customer_a, self.rm_a, self.outlet_1, last_month, "loss"),
            (self.customer_a2, self.rm_a, self.outlet_1, last_month, "keep"),
            (self.customer_a2, self.rm_a, self.outlet_1, month_before, "loss"),  # an older month
            (self.customer_c, self.rm_c, self.customer_c.bank_unit_id, last_month, "loss"),
        ]
        self.env["bank.customer.value"].sudo()._bank_system_create([{
            "partner_id": partner.id, "rm_id": rm.id, "unit_id": unit.id, "date": day, "value_class": value_class,
            "company_id": company.id, "currency_id": company.currency_id.id,
        } for partner, rm, unit, day, value_class in rows])
        self.assertEqual(self.figure(self.user_rm_a, label), 1)
        self.assertEqual(self.figure(self.user_rm_c, label), 1)
        self.assertEqual(self.figure(self.user_head_1, label), 1, "customer C is not in outlet 1")

    def test_tier_changes_have_a_direction(self):
        History = self.env["bank.tier.history"].sudo()
        gold = self.env.ref(PREFIX + "tier_wealth_gold")
        low, high = sorted(self.tier_vip | gold, key=lambda t: t.rank)
        changes = History._bank_system_create([
            {"partner_id": self.customer_c.id, "date": self.today, "new_tier_id": low.id, "reason": "first"},
            {"partner_id": self.customer_c.id, "date": self.today, "old_tier_id": low.id,
             "new_tier_id": high.id, "reason": "up"},
            {"partner_id": self.customer_c.id, "date": self.today, "old_tier_id": high.id,
             "new_tier_id": low.id, "reason": "down"},
            {"partner_id": self.customer_c.id, "date": self.today, "old_tier_id": low.id, "reason": "lost"},
        ])
        self.assertEqual(changes.mapped("direction"), ["up", "up", "down", "down"])


@tagged("post_install", "-at_install")
class TestDashboardHttp(DashboardCase, HttpCase):
    def fetch(self, login):
        self.authenticate(login, login)
        response = self.url_open(f"/spreadsheet/dashboard/data/{self.dashboard.id}")
        self.assertEqual(response.status_code, 200, login)
        return response.json()

    def test_rm_and_unit_head_get_the_real_snapshot(self):
        for user in (self.user_rm_a, self.user_head_1):
            body = self.fetch(user.login)
            self.assertNotIn("is_sample", body, user.login)
            snapshot = body["snapshot"]
            self.assertEqual(snapshot["pivots"], self.data["pivots"])
            self.assertEqual(snapshot["lists"], self.data["lists"])
            self.assertEqual(body["translation_namespace"], "bank_relationship_manager")
        # An RM with no customer at all: still the real (empty) figures, never Odoo's sample.
        lone = new_test_user(self.env, "t_lone_rm", groups=GROUP_RM)
        self.assertNotIn("is_sample", self.fetch(lone.login))

    def test_hr_cannot_read_it(self):
        self.authenticate(self.user_hr.login, self.user_hr.login)
        response = self.url_open(f"/spreadsheet/dashboard/data/{self.dashboard.id}")
        self.assertNotEqual(response.status_code, 200)


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase):
    """An RM working in Chinese opens the dashboard: no console error, and the Customers and AUM
    scorecards show the ORM's figures for that RM (the tour compares them with the ORM's own)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.rm_user = new_test_user(cls.env, "tour_dashboard_rm", groups=GROUP_RM, name="看板客户经理",
                                    lang="zh_CN", tz="Asia/Shanghai")
        unit = cls.env["bank.org.unit"].create({"name": "看板巡回网点", "code": "DTOUR-1", "level": "outlet",
                                                "has_wealth_room": True})
        rm = cls.env["bank.rm"].create({"user_id": cls.rm_user.id, "grade_id": cls.env.ref(PREFIX + "rm_grade_rm").id,
                                        "unit_id": unit.id})
        for name, aum in (("看板客户甲", 1000000), ("看板客户乙", 500000), ("看板客户丙", 250000)):
            partner = cls.env["res.partner"].create({"name": name, "is_bank_customer": True, "bank_rm_id": rm.id,
                                                     "bank_unit_id": unit.id})
            partner.write({"bank_aum": aum})

    def test_rm_opens_the_dashboard_in_chinese(self):
        Partner = self.env["res.partner"].with_user(self.rm_user)
        [(count, aum)] = Partner._read_group([("is_bank_customer", "=", True)], [], ["__count", "bank_aum:sum"])
        self.assertEqual((count, aum), (3, 1750000))
        self.start_tour("/odoo", "bank_dashboard_tour", login="tour_dashboard_rm")
