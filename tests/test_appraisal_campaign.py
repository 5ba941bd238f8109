# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, datetime
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.bank_appraisal_campaign import competition_ranks, lagging_ids
from .common import GROUP_RM, BankCase, JsonRpcMixin

ENCOURAGEMENT = "bank_relationship_manager.mail_activity_type_campaign_encouragement"


class CampaignCase(BankCase):
    """A campaign on the contacts logged in November 2026 by the RMs of the sub-branch (its two
    outlets): every actual is a count of maintenance logs the RMs made in the test.

    In scope (the sub-branch's subtree), contacts logged in November:
      rm_a (outlet 1) 3, rm_d (outlet 1) 3, rm_b (outlet 2) 1, rm_e (outlet 2) 0,
      rm_m (outlet 2, left on 20 November: served in the period) 0.
    Out of scope: rm_c (wealth centre, 5 logs), rm_f (outlet 1, left in October), rm_g (outlet 1,
    joined in December), the demo's RMs (other units). Logs of October and December don't count."""

    reference_now = datetime(2026, 12, 3, 2, 0)
    date_from = date(2026, 11, 1)
    date_to = date(2026, 11, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rm = cls.env["bank.rm"]

        def rm(login, unit, grade, **vals):
            user = new_test_user(cls.env, login=login, groups=GROUP_RM, name=login)
            return Rm.create({"user_id": user.id, "unit_id": unit.id, "grade_id": grade.id, **vals})

        cls.rm_d = rm("t_rm_d", cls.outlet_1, cls.grade_rm)
        cls.rm_e = rm("t_rm_e", cls.outlet_2, cls.grade_lobby)
        cls.rm_m = rm("t_rm_m", cls.outlet_2, cls.grade_lobby)
        cls.rm_f = rm("t_rm_f", cls.outlet_1, cls.grade_rm)
        cls.rm_g = rm("t_rm_g", cls.outlet_1, cls.grade_rm, date_joined=date(2026, 12, 2))
        cls.user_rm_d, cls.user_rm_e, cls.user_rm_m = cls.rm_d.user_id, cls.rm_e.user_id, cls.rm_m.user_id
        Partner = cls.env["res.partner"]
        customers = {
            rm_: Partner.create({"name": f"Customer {rm_.name}", "is_bank_customer": True, "bank_rm_id": rm_.id})
            for rm_ in (cls.rm_d, cls.rm_e, cls.rm_f, cls.rm_g)
        }
        customers.update({cls.rm_a: cls.customer_a, cls.rm_b: cls.customer_b, cls.rm_c: cls.customer_c})

        def log(rm_, day, count=1):
            cls.env["bank.maintenance.log"].with_user(rm_.user_id).create([{
                "partner_id": customers[rm_].id, "rm_id": rm_.id, "summary": "Call", "date": day,
            } for _i in range(count)])

        log(cls.rm_a, date(2026, 11, 1), 2)
        log(cls.rm_a, date(2026, 11, 30))
        log(cls.rm_d, date(2026, 11, 15), 3)
        log(cls.rm_b, date(2026, 11, 10))
        log(cls.rm_b, date(2026, 12, 1), 4)  # after the period
        log(cls.rm_e, date(2026, 10, 31), 4)  # before the period
        log(cls.rm_c, date(2026, 11, 5), 5)  # out of scope
        log(cls.rm_f, date(2026, 10, 1), 6)
        log(cls.rm_g, date(2026, 12, 2), 7)
        # rm_f leaves in October (its customer handed over), rm_m on 20 November.
        customers[cls.rm_f].bank_rm_id = cls.rm_d
        for rm_, day in ((cls.rm_f, date(2026, 10, 20)), (cls.rm_m, date(2026, 11, 20))):
            rm_.write({"state": "left"})
            rm_.write({"date_left": day})
        cls.kpi = cls.env.ref("bank_relationship_manager.kpi_contacts_logged")
        cls.kpi_lower = cls.env["bank.kpi"].create({
            "code": "t_contacts_low", "name": "T contacts (fewer is better)", "measure": "contacts_logged",
            "higher_is_better": False,
        })
        cls.kpi_manual = cls.env["bank.kpi"].create({
            "code": "t_manual", "name": "T teamwork", "source": "manual", "kind": "teamwork", "unit": "points",
        })
        cls.in_scope = cls.rm_a | cls.rm_d | cls.rm_b | cls.rm_e | cls.rm_m

    def make(self, kpi=None, units=None, user=None, **vals):
        return self.env["bank.appraisal.campaign"].with_user(user or self.user_office).create({
            "name": "November contacts", "kpi_id": (kpi or self.kpi).id, "date_from": self.date_from,
            "date_to": self.date_to, "unit_ids": [(6, 0, (units or self.sub_branch).ids)], **vals,
        })

    def computed(self, **kwargs):
        campaign = self.make(**kwargs)
        campaign.action_compute()
        return campaign

    def published(self, **kwargs):
        campaign = self.computed(**kwargs)
        campaign.action_publish()
        return campaign

    def board(self, campaign):
        return {line.rm_id: (line.actual, line.rank, line.lagging) for line in campaign.sudo().line_ids}


@tagged("post_install", "-at_install")
class TestCampaignRanking(CampaignCase):

    def test_kpi_is_computed_contacts_logged(self):
        self.assertEqual((self.kpi.source, self.kpi.measure, self.kpi.higher_is_better, self.kpi.channel),
                         ("computed", "contacts_logged", True, False))

    def test_ranks_with_ties_higher_is_better(self):
        campaign = self.computed()
        self.assertEqual(self.board(campaign), {
            self.rm_a: (3.0, 1, False), self.rm_d: (3.0, 1, False), self.rm_b: (1.0, 3, False),
            # 5 RMs: the bottom quarter is one place (5 // 4), the tie at the last place included.
            self.rm_e: (0.0, 4, True), self.rm_m: (0.0, 4, True),
        })
        self.assertTrue(campaign.higher_is_better)
        self.assertEqual(campaign.line_ids.mapped("rank"), [1, 1, 3, 4, 4], "the leaderboard is ordered by rank")

    def test_ranks_lower_is_better(self):
        campaign = self.computed(kpi=self.kpi_lower)
        self.assertEqual(self.board(campaign), {
            self.rm_e: (0.0, 1, False), self.rm_m: (0.0, 1, False), self.rm_b: (1.0, 3, False),
            self.rm_a: (3.0, 4, True), self.rm_d: (3.0, 4, True),
        })
        self.assertFalse(campaign.higher_is_better)

    def test_scope_child_units_in_other_units_out(self):
        campaign = self.computed()
        self.assertEqual(campaign.line_ids.rm_id, self.in_scope)
        self.assertNotIn(self.rm_c, campaign.line_ids.rm_id, "the wealth centre is not below the sub-branch")
        self.assertNotIn(self.rm_f, campaign.line_ids.rm_id, "left before the period")
        self.assertNotIn(self.rm_g, campaign.line_ids.rm_id, "joined after the period")
        self.assertEqual(campaign.line_ids.filtered(lambda line: line.rm_id == self.rm_a).unit_id, self.outlet_1)
        outlet = self.computed(units=self.outlet_1 | self.center)
        self.assertEqual(self.board(outlet), {
            self.rm_c: (5.0, 1, False), self.rm_a: (3.0, 2, False), self.rm_d: (3.0, 2, False),
        })

    def test_one_measure_call_and_recompute_replaces_lines(self):
        campaign = self.make()
        Kpi = type(self.env["bank.kpi"])
        original = Kpi._bank_actuals
        calls = []

        def counted(kpi, rms, date_from, date_to):
            calls.append(rms)
            return original(kpi, rms, date_from, date_to)

        with patch.object(Kpi, "_bank_actuals", counted):
            campaign.action_compute()
        self.assertEqual(len(calls), 1, "one set-based measure for every RM in scope")
        self.assertEqual(calls[0], self.in_scope)
        first_lines = campaign.line_ids
        campaign.write({"kpi_id": self.kpi_lower.id})
        campaign.action_compute()
        self.assertFalse(first_lines.exists(), "the lines are replaced")
        self.assertEqual(len(campaign.line_ids), 5)
        self.assertEqual(campaign.line_ids[:2].rm_id, self.rm_e | self.rm_m)

    def test_rank_helpers(self):
        self.assertEqual(competition_ranks({1: 5, 2: 7, 3: 7, 4: 1}), {2: 1, 3: 1, 1: 3, 4: 4})
        self.assertEqual(competition_ranks({1: 5, 2: 7, 3: 7, 4: 1}, higher_is_better=False),
                         {4: 1, 1: 2, 2: 3, 3: 3})
        self.assertEqual(lagging_ids({1: 1, 2: 2, 3: 3}), set(), "under 4 RMs nobody is lagging")
        self.assertEqual(lagging_ids({1: 1, 2: 2, 3: 3, 4: 4}), {4})
        self.assertEqual(lagging_ids({1: 1, 2: 2, 3: 3, 4: 3}), {3, 4}, "ties with the last place")
        self.assertEqual(lagging_ids({i: i for i in range(1, 9)}), {7, 8})
        self.assertEqual(lagging_ids({i: 1 for i in range(1, 9)}), set(), "the first are never lagging")

    def test_bad_definitions_refused(self):
        with self.assertRefused(ValidationError, "KPI.*computed KPI"):
            self.make(kpi=self.kpi_manual)
        with self.assertRefused(ValidationError, "To"):
            self.make(date_from=date(2026, 11, 30), date_to=date(2026, 11, 1))
        with self.assertRefused(ValidationError, "not a valid date"):
            self.make(date_to="2026-02-30")
        with self.assertRefused(ValidationError, "Units in scope"):
            self.env["bank.appraisal.campaign"].with_user(self.user_office).create({
                "name": "No units", "kpi_id": self.kpi.id, "date_from": self.date_from, "date_to": self.date_to,
            })
        campaign = self.make()
        with self.assertRefused(ValidationError, "KPI"):
            campaign.write({"kpi_id": self.kpi_manual.id})
        with self.assertRefused(AccessError, "set by the record's actions"):
            campaign.write({"state": "published"})
        with self.assertRefused(AccessError, "set by the record's actions"):
            self.make(scope_user_ids=[(6, 0, self.user_rm_c.ids)])
        self.assertEqual(self.env["bank.appraisal.campaign"].search_count([("name", "=", "No units")]), 0)


@tagged("post_install", "-at_install")
class TestCampaignPublication(CampaignCase):

    def test_publish_needs_a_current_leaderboard(self):
        campaign = self.make()
        self.assertFalse(campaign.can_publish)
        with self.assertRefused(AccessError, "compute the leaderboard"):
            campaign.action_publish()
        campaign.action_compute()
        self.assertTrue(campaign.with_user(self.user_office).can_publish)
        campaign.write({"date_to": date(2026, 11, 20)})
        with self.assertRefused(AccessError, "compute it again"):
            campaign.action_publish()
        self.assertEqual(campaign.state, "draft")

    def test_praise_and_encouragement(self):
        create_calls = []
        Activity = type(self.env["mail.activity"])
        original = Activity.create

        def counted(model, vals_list):
            create_calls.append(vals_list)
            return original(model, vals_list)

        campaign = self.computed()
        with patch.object(Activity, "create", counted):
            campaign.action_publish()
        self.assertEqual(len(create_calls), 1, "the encouragements are made by one create")
        self.assertEqual((campaign.state, campaign.published_by_id), ("published", self.user_office))
        praise = campaign.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(praise), 1)
        self.assertIn("t_rm_a", praise.body)
        self.assertIn("t_rm_d", praise.body)
        self.assertNotIn("t_rm_b", praise.body)
        self.assertEqual(praise.author_id, self.user_office.partner_id)
        self.assertEqual(praise.partner_ids, (self.user_rm_a | self.user_rm_d).partner_id)
        activities = self.env["mail.activity"].search([
            ("res_model", "=", campaign._name), ("res_id", "=", campaign.id),
        ])
        # rm_e and rm_m are lagging; rm_m has left the bank and is not encouraged.
        self.assertEqual(activities.user_id, self.user_rm_e)
        self.assertEqual(activities.activity_type_id, self.env.ref(ENCOURAGEMENT))
        self.assertEqual(activities.date_deadline, date(2026, 12, 10))
        self.assertIn("t_head_2", activities.note, "in the name of the head of the RM's unit")
        self.assertIn("ranked 4 of 5", activities.note)
        # The RM reads the activity on the campaign they now may read.
        self.assertEqual(activities.with_user(self.user_rm_e).read(["summary"])[0]["summary"],
                         "Campaign November contacts: keep going!")

    def test_lower_is_better_encourages_the_most(self):
        campaign = self.published(kpi=self.kpi_lower)
        activities = self.env["mail.activity"].search([("res_model", "=", campaign._name),
                                                       ("res_id", "=", campaign.id)])
        self.assertEqual(activities.user_id, self.user_rm_a | self.user_rm_d)
        self.assertTrue(all("t_head_1" in note for note in activities.mapped("note")))
        praise = campaign.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertIn("t_rm_e", praise.body)

    def test_scope_users(self):
        campaign = self.published()
        self.assertEqual(
            campaign.scope_user_ids,
            self.in_scope.user_id | self.user_head_1 | self.user_head_2 | self.user_supervisor,
        )

    def test_published_is_frozen_for_everyone(self):
        campaign = self.published()
        board = self.board(campaign)
        for user in (self.user_office, self.user_admin, self.user_supervisor, self.user_rm_a, self.user_hr):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    campaign.with_user(user).write({"name": "Changed"})
                with self.assertRaises(UserError):
                    campaign.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    campaign.with_user(user).action_compute()
                with self.assertRaises(AccessError):
                    campaign.with_user(user).action_publish()
                with self.assertRaises(AccessError):
                    campaign.line_ids[:1].with_user(user).write({"actual": 99})
                with self.assertRaises(UserError):
                    campaign.line_ids[:1].with_user(user).unlink()
        with self.assertRefused(AccessError, "(?i)published"):
            campaign.write({"name": "Changed"})  # the test's superuser
        with self.assertRefused(AccessError, "(?i)published"):
            campaign.sudo().write({"unit_ids": [(6, 0, self.branch.ids)]})
        with self.assertRefused(AccessError, "(?i)published"):
            campaign.sudo().line_ids[:1].write({"rank": 9})
        with self.assertRefused(AccessError, "(?i)published"):
            campaign.sudo().unlink()
        with self.assertRefused(AccessError, "(?i)published"):
            campaign.sudo().line_ids.unlink()
        with self.assertRefused(AccessError, "(?i)published"):
            campaign.sudo().action_compute()
        # The data changes afterwards: the leaderboard stays as published.
        self.env["bank.maintenance.log"].with_user(self.user_rm_e).create([{
            "partner_id": self.env["res.partner"].search([("bank_rm_id", "=", self.rm_e.id)]).id,
            "rm_id": self.rm_e.id, "summary": "Late call", "date": date(2026, 11, 29),
        }] * 9)
        campaign.invalidate_recordset()
        self.assertEqual(self.board(campaign), board)
        self.assertEqual((campaign.name, campaign.state), ("November contacts", "published"))

    def test_drafts_deleted_by_the_office_only(self):
        campaign = self.computed()
        lines = campaign.line_ids
        for user in (self.user_rm_a, self.user_supervisor, self.user_hr):
            with self.assertRaises(AccessError):
                campaign.with_user(user).unlink()
        with self.assertRaises(AccessError):
            lines[:1].with_user(self.user_office).unlink()
        campaign.with_user(self.user_office).unlink()
        self.assertFalse(campaign.exists())
        self.assertFalse(lines.exists())

    def test_only_the_office_creates_computes_publishes(self):
        for user in (self.user_rm_a, self.user_head_1, self.user_supervisor, self.user_hr, self.user_plain):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.make(user=user)
        campaign = self.make()
        for user in (self.user_rm_a, self.user_supervisor, self.user_hr, self.user_plain):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    campaign.with_user(user).action_compute()
                with self.assertRaises(AccessError):
                    campaign.with_user(user).write({"name": "Mine"})
        campaign.action_compute()
        for user in (self.user_rm_a, self.user_supervisor, self.user_hr):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                campaign.with_user(user).action_publish()
        with self.assertRefused(AccessError, "not by hand"):
            self.env["bank.appraisal.campaign.line"].with_user(self.user_office).create({
                "campaign_id": campaign.id, "rm_id": self.rm_c.id, "actual": 100, "rank": 1,
            })
        self.assertEqual(campaign.state, "draft")
        campaign.with_user(self.user_admin).action_publish()
        self.assertEqual(campaign.state, "published")


@tagged("post_install", "-at_install")
class TestCampaignAccess(CampaignCase):

    def readable(self, user, campaign):
        Line = self.env["bank.appraisal.campaign.line"].with_user(user)
        return Line.search([("campaign_id", "=", campaign.id)])

    def test_nobody_but_the_office_reads_a_draft(self):
        campaign = self.computed()
        for user in (self.user_rm_a, self.user_supervisor, self.user_head_1, self.user_hr):
            with self.subTest(user=user.login):
                self.assertFalse(self.env["bank.appraisal.campaign"].with_user(user).search(
                    [("id", "=", campaign.id)]))
                self.assertFalse(self.readable(user, campaign))
                with self.assertRaises(AccessError):
                    campaign.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    campaign.line_ids.with_user(user).read(["actual"])
        self.assertEqual(len(self.readable(self.user_office, campaign)), 5)

    def test_users_in_scope_read_the_published_leaderboard(self):
        campaign = self.published()
        for user in (self.user_rm_a, self.user_rm_e, self.user_head_1, self.user_supervisor):
            with self.subTest(user=user.login):
                rows = self.readable(user, campaign).read(["rm_id", "unit_id", "actual", "rank"])
                self.assertEqual(
                    [(row["rm_id"][1], row["actual"], row["rank"]) for row in rows],
                    [("t_rm_a", 3.0, 1), ("t_rm_d", 3.0, 1), ("t_rm_b", 1.0, 3), ("t_rm_e", 0.0, 4),
                     ("t_rm_m", 0.0, 4)],
                )
                self.assertEqual(campaign.with_user(user).read(["name"])[0]["name"], "November contacts")

    def test_users_out_of_scope_read_nothing(self):
        campaign = self.published()
        with self.assertRaises(AccessError):
            self.env["bank.appraisal.campaign"].with_user(self.user_plain).search([])
        for user in (self.user_rm_c, self.user_center_head, self.user_hr, self.rm_g.user_id):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    campaign.with_user(user).read(["name"])
                self.assertFalse(self.env["bank.appraisal.campaign"].with_user(user).search(
                    [("id", "=", campaign.id)]))
                with self.assertRaises(AccessError):
                    campaign.line_ids.with_user(user).read(["actual"])


@tagged("post_install", "-at_install")
class TestCampaignRpc(JsonRpcMixin, HttpCase, CampaignCase):
    """The same access over JSON-RPC, as the web client calls it (tests/test_rpc_probes.py)."""

    def leaderboard(self, login, campaign):
        return self.call(login, "bank.appraisal.campaign.line", "search_read",
                         [[["campaign_id", "=", campaign.id]], ["rm_id", "actual", "rank"]])

    def test_leaderboard_over_rpc(self):
        campaign = self.computed()
        for login in ("t_rm_a", "t_supervisor", "t_hr"):
            rows, error = self.leaderboard(login, campaign)
            self.assertEqual((rows, error), ([], None), f"{login} reads no draft")
            _result, error = self.call(login, campaign._name, "read", [campaign.ids, ["name"]])
            self.assertTrue(error, f"{login} reads no draft campaign")
        _result, error = self.call("t_rm_a", campaign._name, "action_publish", [campaign.ids])
        self.assertTrue(error)
        _result, error = self.call("t_rm_a", campaign._name, "action_compute", [campaign.ids])
        self.assertTrue(error)
        _result, error = self.call("t_rm_a", campaign._name, "create", [[{
            "name": "Mine", "kpi_id": self.kpi.id, "date_from": "2026-11-01", "date_to": "2026-11-30",
            "unit_ids": [[6, 0, self.outlet_1.ids]],
        }]])
        self.assertTrue(error)
        self.assertEqual(campaign.state, "draft")

        _result, error = self.call("t_office", campaign._name, "action_publish", [campaign.ids])
        self.assertIsNone(error)
        rows, error = self.leaderboard("t_rm_a", campaign)
        self.assertIsNone(error)
        self.assertEqual([(row["rm_id"][1], row["actual"], row["rank"]) for row in rows], [
            ("t_rm_a", 3.0, 1), ("t_rm_d", 3.0, 1), ("t_rm_b", 1.0, 3), ("t_rm_e", 0.0, 4), ("t_rm_m", 0.0, 4),
        ])
        line = campaign.line_ids[-1]
        for method, args in (("write", [line.ids, {"actual": 50, "rank": 1}]), ("unlink", [line.ids])):
            _result, error = self.call("t_rm_a", line._name, method, args)
            self.assertTrue(error, method)
        _result, error = self.call("t_rm_a", campaign._name, "write", [campaign.ids, {"name": "Mine"}])
        self.assertTrue(error)
        for login in ("t_rm_c", "t_center_head", "t_hr"):
            rows, error = self.leaderboard(login, campaign)
            self.assertEqual((rows, error), ([], None), f"{login} is out of scope")
            _result, error = self.call(login, campaign._name, "read", [campaign.ids, ["name"]])
            self.assertTrue(error, f"{login} is out of scope")
            self.assertNotIn("November contacts", error)
        campaign.invalidate_recordset()
        self.assertEqual((line.actual, line.rank, campaign.name), (0.0, 4, "November contacts"))
