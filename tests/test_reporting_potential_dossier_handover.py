# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, PREFIX, BankCase, JsonRpcMixin
from .dossier_common import DossierCase
from .handover_common import HandoverCase

# 1 December 2026, 10:00 in Beijing.
REFERENCE_NOW = datetime.datetime(2026, 12, 1, 2, 0)


class GridMixin:
    def grid(self, model, domain, groupby, aggregates, user=None):
        """``{group key: aggregates}`` of ``_read_group`` as ``user`` (ids for records, months as "YYYY-MM")."""
        Model = self.env[model].with_user(user) if user else self.env[model]

        def key(value):
            if isinstance(value, (datetime.date, datetime.datetime)):
                return str(value)[:7]
            return getattr(value, "id", value)

        return {
            tuple(key(value) for value in row[:len(groupby)]): row[len(groupby):]
            for row in Model._read_group(domain, list(groupby), list(aggregates))
        }

    def rpc_groups(self, login, model, domain, groupby, aggregates):
        groups, error = self.call(login, model, "formatted_read_group", [domain],
                                  {"groupby": groupby, "aggregates": aggregates})
        self.assertIsNone(error, login)
        return {
            tuple(group[name][0] if isinstance(group[name], list) else group[name] for name in groupby):
                tuple(group[aggregate] for aggregate in aggregates)
            for group in groups
        }

    def assertMenuUnderReporting(self, action_xmlid, menu_xmlid, modes):
        action = self.env.ref(PREFIX + action_xmlid)
        self.assertEqual(action.view_mode, modes)
        menu = self.env.ref(PREFIX + menu_xmlid)
        self.assertEqual(menu.action, action)
        self.assertEqual(menu.parent_id, self.env.ref(PREFIX + "bank_menu_reporting"))
        return action


@tagged("post_install", "-at_install")
class TestPotentialByGapBand(GridMixin, JsonRpcMixin, HttpCase, BankCase):
    """Potential customers by gap band (report/bank_potential_report.py), as an RM, a unit head and the office."""

    reference_now = REFERENCE_NOW

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_vip = cls.env.ref(PREFIX + "tier_vip")
        cls.tier_gold = cls.env.ref(PREFIX + "tier_wealth_gold")
        Partner = cls.env["res.partner"]
        cls.customer_a2 = Partner.create({"name": "Customer A2", "is_bank_customer": True, "bank_rm_id": cls.rm_a.id})
        cls.customer_far = Partner.create({"name": "Not potential", "is_bank_customer": True,
                                           "bank_rm_id": cls.rm_a.id})
        # As the tier engine writes them (superuser: engine fields).
        for partner, gap, tier in ((cls.customer_a, 30000, cls.tier_vip), (cls.customer_a2, 50000, cls.tier_gold),
                                   (cls.customer_b, 199999.99, cls.tier_vip), (cls.customer_c, 200000, cls.tier_gold)):
            partner.write({"bank_is_potential": True, "bank_tier_gap": gap, "bank_potential_tier_id": tier.id,
                           "bank_aum": 400000})
        cls.customer_far.write({"bank_is_potential": False, "bank_tier_gap": 10000})
        cls.ours = cls.customer_a | cls.customer_a2 | cls.customer_b | cls.customer_c | cls.customer_far

    def potential_grid(self, groupby, user=None):
        domain = [("partner_id", "in", self.ours.ids)]
        return self.grid("bank.potential.report", domain, groupby, ["customer_count:sum", "gap:sum"], user)

    def test_action_menu_and_views(self):
        action = self.assertMenuUnderReporting("bank_potential_report_action", "bank_potential_report_menu",
                                               "pivot,graph,list")
        self.assertIn("'gap_band'", action.context)
        search = self.env["bank.potential.report"].get_views([(False, "search")])["views"]["search"]["arch"]
        for name in ("band_lt_50k", "band_ge_200k", "group_band", "group_target_tier", "group_rm", "group_unit"):
            self.assertIn(f'name="{name}"', search)

    def test_bands_by_target_tier_rm_and_unit(self):
        vip, gold = self.tier_vip.id, self.tier_gold.id
        # Bands are cut at 50,000, 100,000 and 200,000 (lower bound included); not potential: no row.
        self.assertEqual(self.potential_grid(["gap_band"]), {
            ("lt_50k",): (1, 30000), ("50k_100k",): (1, 50000), ("100k_200k",): (1, 199999.99),
            ("ge_200k",): (1, 200000),
        })
        self.assertEqual(self.potential_grid(["target_tier_id", "gap_band"]), {
            (vip, "lt_50k"): (1, 30000), (gold, "50k_100k"): (1, 50000), (vip, "100k_200k"): (1, 199999.99),
            (gold, "ge_200k"): (1, 200000),
        })
        self.assertEqual(self.potential_grid(["rm_id"]), {
            (self.rm_a.id,): (2, 80000), (self.rm_b.id,): (1, 199999.99), (self.rm_c.id,): (1, 200000),
        })
        self.assertEqual(self.potential_grid(["unit_id"]), {
            (self.outlet_1.id,): (2, 80000), (self.outlet_2.id,): (1, 199999.99), (self.center.id,): (1, 200000),
        })
        # The engine clears the flag: the customer leaves the analysis.
        self.customer_a2.write({"bank_is_potential": False})
        self.assertEqual(self.potential_grid(["gap_band"])[("lt_50k",)], (1, 30000))
        self.assertNotIn(("50k_100k",), self.potential_grid(["gap_band"]))

    def test_as_rm_unit_head_and_office(self):
        # RM A: their two customers; RM B: their customer B and A, whom they back up; RM C: C only.
        self.assertEqual(self.potential_grid(["gap_band"], self.user_rm_a),
                         {("lt_50k",): (1, 30000), ("50k_100k",): (1, 50000)})
        self.assertEqual(self.potential_grid(["gap_band"], self.user_rm_b),
                         {("lt_50k",): (1, 30000), ("100k_200k",): (1, 199999.99)})
        self.assertEqual(self.potential_grid(["gap_band"], self.user_rm_c), {("ge_200k",): (1, 200000)})
        self.assertEqual(self.potential_grid(["unit_id"], self.user_head_1), {(self.outlet_1.id,): (2, 80000)})
        self.assertEqual(self.potential_grid(["unit_id"], self.user_head_2), {(self.outlet_2.id,): (1, 199999.99)})
        self.assertEqual(self.potential_grid(["unit_id"], self.user_supervisor),
                         {(self.outlet_1.id,): (2, 80000), (self.outlet_2.id,): (1, 199999.99)})
        self.assertEqual(len(self.potential_grid(["partner_id"], self.user_office)), 4)
        self.assertFalse(self.env["bank.potential.report"].with_user(self.user_plain).has_access("read"))

    def test_over_json_rpc(self):
        domain = [["partner_id", "in", self.ours.ids]]
        for login, expected in (
            ("t_rm_a", {("lt_50k",): (1,), ("50k_100k",): (1,)}),
            ("t_head_2", {("100k_200k",): (1,)}),
            ("t_office", {("lt_50k",): (1,), ("50k_100k",): (1,), ("100k_200k",): (1,), ("ge_200k",): (1,)}),
        ):
            with self.subTest(login=login):
                self.assertEqual(self.rpc_groups(login, "bank.potential.report", domain, ["gap_band"],
                                                 ["customer_count:sum"]), expected)
        _result, error = self.call("t_plain", "bank.potential.report", "formatted_read_group", [domain],
                                   {"groupby": ["gap_band"], "aggregates": ["__count"]})
        self.assertRegex(error, "not allowed to access")


@tagged("post_install", "-at_install")
class TestDossierRegisterAnalysis(GridMixin, JsonRpcMixin, HttpCase, DossierCase):
    """Check-outs by unit, state, overdue, borrower and month; dossiers by custody state."""

    reference_now = REFERENCE_NOW

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dossier_b = cls.env["bank.dossier"].with_user(cls.user_rm_b).create({
            "partner_id": cls.customer_b.id,
            "item_ids": [Command.create({"document_type": "id_copy", "description": "ID card copy of B"})],
        }).with_env(cls.env)
        cls.dossier_b.with_user(cls.user_head_2).action_lock()
        cls.dossiers = cls.dossier_a | cls.dossier_b | cls.dossier_c

    def checkouts(self):
        """November: RM a borrows A's dossier and brings it back; December: RM a has it out again
        (due on the 4th), RM b asks for B's."""
        with self.clock_at(datetime.datetime(2026, 11, 10, 2, 0)):
            returned = self.hand_out(self.request())
            returned.with_user(self.user_head_1).action_return()
        out = self.hand_out(self.request())
        requested = self.request(self.dossier_b, self.user_rm_b)
        return returned | out | requested

    def checkout_grid(self, groupby, user=None, extra=()):
        domain = [("dossier_id", "in", self.dossiers.ids), *extra]
        return self.grid("bank.dossier.checkout", domain, groupby, ["__count"], user)

    def test_action_menu_and_views(self):
        action = self.assertMenuUnderReporting("bank_dossier_checkout_action_analysis",
                                               "bank_dossier_checkout_menu_analysis", "pivot,graph,list")
        self.assertEqual([(view.view_mode, view.view_id.mode) for view in action.view_ids],
                         [("pivot", "primary"), ("graph", "primary")])
        self.assertIn("'unit_id'", action.context)
        self.assertEqual(action.search_view_id, self.env.ref(PREFIX + "bank_dossier_checkout_view_search_analysis"))
        search = self.env["bank.dossier.checkout"].get_views(
            [(action.search_view_id.id, "search")])["views"]["search"]["arch"]
        for name in ("overdue", "not_overdue", "group_unit", "group_state", "group_borrower", "group_month"):
            self.assertIn(f'name="{name}"', search)
        self.assertMenuUnderReporting("bank_dossier_action_analysis", "bank_dossier_menu_analysis",
                                      "pivot,graph,list")

    def test_checkouts_by_unit_state_borrower_month_and_overdue(self):
        self.checkouts()
        self.assertEqual(self.checkout_grid(["unit_id", "state"]), {
            (self.outlet_1.id, "returned"): (1,), (self.outlet_1.id, "out"): (1,),
            (self.outlet_2.id, "requested"): (1,),
        })
        self.assertEqual(self.checkout_grid(["borrower_id"]), {(self.user_rm_a.id,): (2,), (self.user_rm_b.id,): (1,)})
        self.assertEqual(self.checkout_grid(["requested_at:month"]), {("2026-11",): (1,), ("2026-12",): (2,)})
        overdue, not_overdue = [("is_overdue", "=", True)], [("is_overdue", "=", False)]
        self.assertEqual(self.checkout_grid(["unit_id"], extra=overdue), {})
        with self.clock_at(datetime.datetime(2026, 12, 5, 2, 0)):
            self.assertEqual(self.checkout_grid(["unit_id", "state"], extra=overdue), {(self.outlet_1.id, "out"): (1,)})
            self.assertEqual(self.checkout_grid(["state"], extra=not_overdue),
                             {("returned",): (1,), ("requested",): (1,)})
            self.assertEqual(self.checkout_grid(["state"], self.user_head_1, overdue), {("out",): (1,)})
            self.assertEqual(self.checkout_grid(["state"], self.user_head_2, overdue), {})

    def test_checkouts_as_rm_unit_head_and_office(self):
        self.checkouts()
        # RM a: their customer A's; RM b: B's and A's (backup RM of A); RM c: none.
        self.assertEqual(self.checkout_grid(["state"], self.user_rm_a), {("returned",): (1,), ("out",): (1,)})
        self.assertEqual(self.checkout_grid(["state"], self.user_rm_b),
                         {("returned",): (1,), ("out",): (1,), ("requested",): (1,)})
        self.assertEqual(self.checkout_grid(["state"], self.user_rm_c), {})
        self.assertEqual(self.checkout_grid(["unit_id"], self.user_head_1), {(self.outlet_1.id,): (2,)})
        self.assertEqual(self.checkout_grid(["unit_id"], self.user_head_2), {(self.outlet_2.id,): (1,)})
        self.assertEqual(self.checkout_grid(["unit_id"], self.user_office),
                         {(self.outlet_1.id,): (2,), (self.outlet_2.id,): (1,)})

    def test_dossiers_by_custody_state(self):
        self.checkouts()
        domain = [("id", "in", self.dossiers.ids)]
        self.assertEqual(self.grid("bank.dossier", domain, ["unit_id", "state"], ["__count"]), {
            (self.outlet_1.id, "checked_out"): (1,), (self.outlet_2.id, "in_custody"): (1,),
            (self.center.id, "draft"): (1,),
        })
        self.assertEqual(self.grid("bank.dossier", domain, ["state"], ["__count"], self.user_head_1),
                         {("checked_out",): (1,)})
        self.assertEqual(self.grid("bank.dossier", domain, ["state"], ["__count"], self.user_rm_c),
                         {("draft",): (1,)})

    def test_over_json_rpc(self):
        self.checkouts()
        domain = [["dossier_id", "in", self.dossiers.ids]]
        for login, expected in (
            ("t_rm_a", {(self.outlet_1.id, "returned"): (1,), (self.outlet_1.id, "out"): (1,)}),
            ("t_rm_c", {}),
            ("t_head_2", {(self.outlet_2.id, "requested"): (1,)}),
            ("t_office", {(self.outlet_1.id, "returned"): (1,), (self.outlet_1.id, "out"): (1,),
                          (self.outlet_2.id, "requested"): (1,)}),
        ):
            with self.subTest(login=login):
                self.assertEqual(self.rpc_groups(login, "bank.dossier.checkout", domain, ["unit_id", "state"],
                                                 ["__count"]), expected)


@tagged("post_install", "-at_install")
class TestHandoverAnalysis(GridMixin, JsonRpcMixin, HttpCase, HandoverCase):
    """Handovers by state, outgoing RM, successor, unit and month, with the customers and dossiers moved."""

    reference_now = REFERENCE_NOW

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        dossier = cls.env["bank.dossier"].with_user(cls.user_rm_a).create({
            "partner_id": cls.customer_a.id,
            "item_ids": [Command.create({"document_type": "id_copy", "description": "ID card copy of A"})],
        }).with_env(cls.env)
        dossier.with_user(cls.user_head_1).action_lock()
        cls.user_rm_e = new_test_user(cls.env, login="t_rm_e", groups=GROUP_RM, name="t_rm_e")
        cls.rm_e = cls.env["bank.rm"].create(
            {"user_id": cls.user_rm_e.id, "grade_id": cls.grade_lobby.id, "unit_id": cls.outlet_2.id}
        )

    def handovers(self):
        """November: RM b asks to hand over to RM e (still a draft, no list yet); December: RM a's
        handover to RM d is under way, its list drawn: four customers as primary RM, one as backup
        (B), customer A's dossier."""
        with self.clock_at(datetime.datetime(2026, 11, 10, 2, 0)):
            draft = self.request(self.user_rm_b, outgoing_rm_id=self.rm_b.id, incoming_rm_id=self.rm_e.id)
        started = self.start(self.approve(self.request()))
        return started, draft

    def test_action_menu_and_views(self):
        action = self.assertMenuUnderReporting("bank_handover_report_action", "bank_handover_report_menu",
                                               "pivot,graph,list")
        self.assertIn("search_default_not_cancelled", action.context)
        self.assertIn("'dossier_count'", action.context)
        search = self.env["bank.handover.report"].get_views([(False, "search")])["views"]["search"]["arch"]
        for name in ("group_state", "group_outgoing", "group_successor", "group_unit", "group_month",
                     "group_done_month", "not_cancelled"):
            self.assertIn(f'name="{name}"', search)

    def test_by_state_rm_successor_unit_and_month(self):
        started, draft = self.handovers()
        lines = started.line_ids
        self.assertEqual(len(lines.filtered(lambda line: line.line_type == "customer" and line.rm_role == "primary")),
                         started.customer_count)
        domain = [("handover_id", "in", (started | draft).ids)]
        aggregates = ["handover_count:sum", "customer_count:sum", "backup_customer_count:sum", "dossier_count:sum"]
        grid = self.grid("bank.handover.report", domain, ["state", "outgoing_rm_id", "incoming_rm_id", "unit_id"],
                         aggregates)
        self.assertEqual(grid, {
            ("in_progress", self.rm_a.id, self.rm_d.id, self.outlet_1.id): (1, 4, 1, 1),
            ("draft", self.rm_b.id, self.rm_e.id, self.outlet_2.id): (1, 0, 0, 0),
        })
        self.assertEqual(self.grid("bank.handover.report", domain, ["requested_at:month"], aggregates),
                         {("2026-11",): (1, 0, 0, 0), ("2026-12",): (1, 4, 1, 1)})

    def test_as_rm_unit_head_and_office(self):
        started, draft = self.handovers()
        domain = [("handover_id", "in", (started | draft).ids)]

        def handovers_seen(user):
            rows = self.grid("bank.handover.report", domain, ["handover_id"], ["customer_count:sum"], user)
            return {key[0]: value[0] for key, value in rows.items()}

        # The outgoing and the incoming RM see their handover (RM e is RM b's successor); RM c neither.
        self.assertEqual(handovers_seen(self.user_rm_a), {started.id: 4})
        self.assertEqual(handovers_seen(self.user_rm_d), {started.id: 4})
        self.assertEqual(handovers_seen(self.user_rm_b), {draft.id: 0})
        self.assertEqual(handovers_seen(self.user_rm_e), {draft.id: 0})
        self.assertEqual(handovers_seen(self.user_rm_c), {})
        self.assertEqual(handovers_seen(self.user_head_1), {started.id: 4})
        self.assertEqual(handovers_seen(self.user_head_2), {draft.id: 0})
        self.assertEqual(handovers_seen(self.user_office), {started.id: 4, draft.id: 0})
        # The same set as the handovers themselves.
        for user in (self.user_rm_a, self.user_rm_c, self.user_rm_e, self.user_head_1, self.user_head_2,
                     self.user_supervisor):
            self.assertEqual(set(handovers_seen(user)),
                             set(self.env["bank.handover"].with_user(user).search([("id", "in", domain[0][2])]).ids))

    def test_over_json_rpc(self):
        started, draft = self.handovers()
        domain = [["handover_id", "in", (started | draft).ids]]
        for login, expected in (
            ("t_rm_a", {("in_progress",): (1, 4, 1)}),
            ("t_rm_d", {("in_progress",): (1, 4, 1)}),
            ("t_head_2", {("draft",): (1, 0, 0)}),
            ("t_office", {("in_progress",): (1, 4, 1), ("draft",): (1, 0, 0)}),
        ):
            with self.subTest(login=login):
                self.assertEqual(self.rpc_groups(login, "bank.handover.report", domain, ["state"],
                                                 ["handover_count:sum", "customer_count:sum", "dossier_count:sum"]),
                                 expected)
