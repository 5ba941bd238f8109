# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user

from .common import GROUP_RM, PREFIX
from .dossier_common import DossierCase

D = datetime.date
DT = datetime.datetime
# The period appraised: April 2026 (the bank's days, Asia/Shanghai = UTC+8).
APRIL = (D(2026, 4, 1), D(2026, 4, 30))


class TestKpiMeasures(DossierCase):
    """The measures of the computed KPIs (models/bank_kpi_measures.py): each actual of April 2026
    against a figure worked out by hand, per RM, and the records the drill-down opens. The clock
    stands at 20 May 2026, 12:00 in Beijing."""

    reference_now = DT(2026, 5, 20, 4, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.kpi = {code: ref(PREFIX + "kpi_" + code) for code in (
            "new_tiered", "aum_growth", "sales_won_count", "sales_won_amount", "contacts_logged", "vip_time_share",
            "activities_on_time", "complaints_on_time", "potential_converted", "late_checkouts", "teamwork",
        )}
        cls.rms = cls.rm_a | cls.rm_b | cls.rm_c
        cls.tier_vip = ref(PREFIX + "tier_vip")
        cls.tier_gold = ref(PREFIX + "tier_wealth_gold")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def actuals(self, code, period=APRIL, kpi=None):
        kpi = kpi or self.kpi[code]
        figures = kpi._bank_actuals(self.rms, *period)
        self.assertEqual(set(figures), set(self.rms.ids), "a figure for every RM given")
        return {rm: round(figures[rm.id], 2) for rm in self.rms}

    def drill(self, code, rm, period=APRIL, kpi=None, **kwargs):
        action = (kpi or self.kpi[code])._bank_drill_action(rm, *period, **kwargs)
        self.assertEqual(action["type"], "ir.actions.act_window")
        self.assertIn(rm.name, action["name"])
        records = self.env[action["res_model"]].with_context(active_test=False).search(action["domain"])
        return records

    def customer(self, name, rm):
        return self.env["res.partner"].create({"name": name, "is_bank_customer": True, "bank_rm_id": rm.id})

    def hand_over(self, partner, rm, when):
        """Give ``partner`` to ``rm`` at ``when`` (naive UTC), as the unit head would: the
        assignment history is dated by the clock."""
        with self.clock_at(when):
            partner._bank_assign({"bank_rm_id": rm.id}, "Handover test")
        return partner

    def tier_entry(self, partner, day, tier=None, old=None, when=None):
        """A tier change as the tier engine writes it on the night of ``day`` (22:00 in Beijing)."""
        with self.clock_at(when or DT.combine(day, datetime.time(14, 0))):
            return self.env["bank.tier.history"]._bank_system_create([{
                "partner_id": partner.id, "date": day, "old_tier_id": old.id if old else False,
                "new_tier_id": (tier or self.tier_vip).id, "reason": "test",
            }])

    def flag_potential(self, partner, when):
        """The tier engine flags ``partner`` potential at ``when``: its opportunity, once."""
        with self.clock_at(when):
            self.env["bank.tier.engine"]._create_potential_opportunities([partner.id])
        self.assertTrue(partner.bank_potential_lead_id)

    # ------------------------------------------------------------------
    # New tiered customers, potential converted
    # ------------------------------------------------------------------

    def _tier_fixture(self):
        self.only_our_customers()
        # x: RM a's; enters on 10 April; handed to RM b on 15 April: counts for a (no change
        # before the day: the RM the first change after it took away).
        x = self.customer("X", self.rm_a)
        self.hand_over(x, self.rm_b, DT(2026, 4, 15, 2, 0))
        # y: handed from a to b on 5 April, enters on 20 April: b's (the change before the day).
        y = self.hand_over(self.customer("Y", self.rm_a), self.rm_b, DT(2026, 4, 5, 2, 0))
        # z: handed from a to c at 04:00 on 11 April in Beijing (20:00 UTC on the 10th), enters
        # on the 10th: still a's on that day in the bank's time zone.
        z = self.hand_over(self.customer("Z", self.rm_a), self.rm_c, DT(2026, 4, 10, 20, 0))
        # w: RM a's, entered wealth gold on 12 April then VIP: counts once, for a.
        w = self.customer("W", self.rm_a)
        entries = {
            "x": self.tier_entry(x, D(2026, 4, 10)),
            "y": self.tier_entry(y, D(2026, 4, 20)),
            "z": self.tier_entry(z, D(2026, 4, 10)),
            "c": self.tier_entry(self.customer_c, D(2026, 4, 12)),  # no change ever: the current RM c
            "w": self.tier_entry(w, D(2026, 4, 12), tier=self.tier_gold),
        }
        # w then fell out of its tier and entered VIP again: still one customer, counted once.
        with self.clock_at(DT(2026, 4, 14, 14, 0)):
            self.env["bank.tier.history"]._bank_system_create([{
                "partner_id": w.id, "date": D(2026, 4, 14), "old_tier_id": self.tier_gold.id, "reason": "test",
            }])
        self.tier_entry(w, D(2026, 4, 18))
        self.tier_entry(w, D(2026, 4, 25), old=self.tier_vip, tier=self.tier_gold)  # an upgrade, not an entry
        self.tier_entry(self.customer_a, D(2026, 3, 31))  # March
        self.tier_entry(self.customer_b, D(2026, 5, 1))  # May
        return x, y, z, w, entries

    def test_new_tiered(self):
        x, _y, z, w, entries = self._tier_fixture()
        self.assertEqual(self.actuals("new_tiered"), {self.rm_a: 3, self.rm_b: 1, self.rm_c: 1})
        self.assertEqual(self.drill("new_tiered", self.rm_a), entries["x"] | entries["z"] | entries["w"])
        self.assertEqual(self.drill("new_tiered", self.rm_c), entries["c"])
        gold_only = self.kpi["new_tiered"].copy({"code": "new_gold", "tier_ids": [Command.set(self.tier_gold.ids)]})
        self.assertEqual(self.actuals(None, kpi=gold_only), {self.rm_a: 1, self.rm_b: 0, self.rm_c: 0})
        self.assertEqual(self.drill(None, self.rm_a, kpi=gold_only), entries["w"])

    def test_potential_converted(self):
        x, y, z, w, entries = self._tier_fixture()
        self.flag_potential(x, DT(2026, 3, 15, 14, 0))  # flagged in March, entered on 10 April: a's
        self.flag_potential(z, DT(2026, 4, 10, 13, 0))  # flagged the same night, just before: a's
        # y was flagged only after its tier entry (a lead made after the change is no evidence).
        self.flag_potential(y, DT(2026, 4, 21, 14, 0))
        # customer C's lead is dated before, but the entry was evaluated later for an earlier day
        # (a back-dated evaluation): the lead of 13 April is later than the change day.
        self.flag_potential(self.customer_c, DT(2026, 4, 13, 1, 0))
        self.assertEqual(self.actuals("potential_converted"), {self.rm_a: 2, self.rm_b: 0, self.rm_c: 0})
        self.assertEqual(self.drill("potential_converted", self.rm_a), entries["x"] | entries["z"])
        self.assertFalse(self.drill("potential_converted", self.rm_b))

    # ------------------------------------------------------------------
    # AUM growth
    # ------------------------------------------------------------------

    def _aum_fixture(self):
        self.only_our_customers()
        ref = self.env.ref
        cny, chf = ref("base.CNY"), ref("base.CHF")
        self.env.company.currency_id = cny
        chf.active = True
        Rate = self.env["res.currency.rate"]
        Rate.search([("currency_id", "in", (cny | chf).ids)]).unlink()
        # 1 CHF = 8 CNY from 1 March, 10 CNY from 15 April.
        Rate.create([
            {"currency_id": chf.id, "name": "2026-03-01", "rate": 0.125, "company_id": self.env.company.id},
            {"currency_id": chf.id, "name": "2026-04-15", "rate": 0.1, "company_id": self.env.company.id},
        ])
        Account = self.env["bank.account"]

        def account(partner, code, no, currency=cny):
            return Account.create({
                "partner_id": partner.id, "account_no": no, "currency_id": currency.id,
                "category_id": ref(PREFIX + "product_category_" + code).id,
            })

        h = self.customer("H", self.rm_a)
        account(self.customer_a, "dep_demand", "K-A-DEP")
        account(self.customer_a, "fund", "K-A-FUND", chf)
        account(self.customer_a, "loan_credit", "K-A-LOAN")
        account(h, "dep_time", "K-H-DEP")
        account(self.customer_b, "dep_demand", "K-B-DEP")
        self.env["bank.balance"].load_balances([
            # A: deposits 1,000 carried from 20 March to 31 March, 1,500 from 25 April (+500).
            {"account_no": "K-A-DEP", "date": "2026-03-20", "balance": 1000},
            {"account_no": "K-A-DEP", "date": "2026-04-25", "balance": 1500},
            {"account_no": "K-A-DEP", "date": "2026-05-02", "balance": 99999},  # after the period
            # A's fund: 100 CHF x 8 on 31 March, 200 CHF x 10 on 30 April (+1,200).
            {"account_no": "K-A-FUND", "date": "2026-03-31", "balance": 100},
            {"account_no": "K-A-FUND", "date": "2026-04-30", "balance": 200},
            # A loan is no asset.
            {"account_no": "K-A-LOAN", "date": "2026-03-31", "balance": 5000},
            {"account_no": "K-A-LOAN", "date": "2026-04-30", "balance": 9000},
            # H: 500 on 31 March (the day before the period counts), 800 on 10 April.
            {"account_no": "K-H-DEP", "date": "2026-03-31", "balance": 500},
            {"account_no": "K-H-DEP", "date": "2026-04-10", "balance": 800},
            # B: 0 before its first balance, 300 on 1 April (+300).
            {"account_no": "K-B-DEP", "date": "2026-04-01", "balance": 300},
        ])
        # H moves from RM a to RM b mid-April: b holds it at the end, its whole growth is b's.
        self.hand_over(h, self.rm_b, DT(2026, 4, 15, 2, 0))
        # A moves from RM a to RM c in May, after the period: still a's book on 30 April.
        self.hand_over(self.customer_a, self.rm_c, DT(2026, 5, 10, 2, 0))
        return h, cny, chf

    def test_aum_growth(self):
        h, _cny, _chf = self._aum_fixture()
        self.assertEqual(self.actuals("aum_growth"), {self.rm_a: 500 + 1200, self.rm_b: 300 + 300, self.rm_c: 0})
        self.assertEqual(self.drill("aum_growth", self.rm_a), self.customer_a)
        self.assertEqual(self.drill("aum_growth", self.rm_b), self.customer_b | h)
        self.assertEqual(self.drill("aum_growth", self.rm_c), self.customer_c, "the book, even without growth")
        deposits = self.kpi["aum_growth"].copy({
            "code": "aum_dep_demand",
            "category_ids": [Command.set(self.env.ref(PREFIX + "product_category_dep_demand").ids)],
        })
        self.assertEqual(self.actuals(None, kpi=deposits), {self.rm_a: 500, self.rm_b: 300, self.rm_c: 0})

    def test_aum_growth_needs_rates(self):
        _h, _cny, chf = self._aum_fixture()
        self.env["res.currency.rate"].search([("currency_id", "=", chf.id), ("name", "<", "2026-04-01")]).unlink()
        with self.assertRefused(UserError, r"No exchange rate of CHF on or before 2026-03-31"):
            self.kpi["aum_growth"]._bank_actuals(self.rms, *APRIL)

    # ------------------------------------------------------------------
    # Sales won
    # ------------------------------------------------------------------

    def test_sales_won(self):
        team = self.env.ref(PREFIX + "crm_team_wealth")
        other_team = self.env["crm.team"].create({"name": "Other desk"})
        leads = {}

        def won(key, user, partner, amount, when, team=team):
            lead = self.env["crm.lead"].with_user(user).create({
                "name": key, "type": "opportunity", "team_id": team.id, "user_id": user.id,
                "partner_id": partner.id, "expected_revenue": amount,
            })
            if when:
                with self.clock_at(when):
                    lead.with_user(user).action_set_won()
            leads[key] = lead.with_env(self.env)
            return lead

        won("a1", self.user_rm_a, self.customer_a, 100000, DT(2026, 4, 10, 2, 0))
        won("a2", self.user_rm_a, self.customer_a, 50000, DT(2026, 4, 20, 2, 0))
        won("a3", self.user_rm_a, self.customer_a, 1000, DT(2026, 3, 31, 20, 0))  # 1 April in Beijing
        won("a4", self.user_rm_a, self.customer_a, 7000, DT(2026, 4, 30, 17, 0))  # 1 May in Beijing
        won("a5", self.user_rm_a, self.customer_a, 3000, DT(2026, 4, 10, 2, 0), team=other_team)
        won("a6", self.user_rm_a, self.customer_a, 9000, None)  # still pending
        won("b1", self.user_rm_b, self.customer_b, 20000, DT(2026, 4, 15, 2, 0))
        self.assertEqual(leads["a1"].won_status, "won")
        self.assertEqual(self.actuals("sales_won_count"), {self.rm_a: 3, self.rm_b: 1, self.rm_c: 0})
        self.assertEqual(self.actuals("sales_won_amount"), {self.rm_a: 151000, self.rm_b: 20000, self.rm_c: 0})
        a_counted = leads["a1"] | leads["a2"] | leads["a3"]
        self.assertEqual(self.drill("sales_won_count", self.rm_a), a_counted)
        self.assertEqual(self.drill("sales_won_amount", self.rm_a), a_counted)
        other = self.kpi["sales_won_count"].copy({"code": "won_other", "team_id": other_team.id})
        self.assertEqual(self.actuals(None, kpi=other), {self.rm_a: 1, self.rm_b: 0, self.rm_c: 0})

    # ------------------------------------------------------------------
    # Contacts logged, VIP time share
    # ------------------------------------------------------------------

    def log(self, rm, partner, day, minutes=10, channel="phone", tier=None):
        return self.env["bank.maintenance.log"].create({
            "partner_id": partner.id, "rm_id": rm.id, "date": day, "summary": "Call", "minutes": minutes,
            "channel": channel, "tier_id": tier.id if tier else False,
        })

    def test_contacts_logged(self):
        a_first = self.log(self.rm_a, self.customer_a, D(2026, 4, 5), channel="visit")
        # RM a moves from outlet 1 to the sub-branch mid-April: their logs in both units count.
        self.rm_a.unit_id = self.sub_branch
        a_second = self.log(self.rm_a, self.customer_a, D(2026, 4, 20))
        self.log(self.rm_a, self.customer_a, D(2026, 3, 31))
        self.log(self.rm_a, self.customer_a, D(2026, 5, 1))
        b_logs = self.log(self.rm_b, self.customer_b, D(2026, 4, 1))
        b_logs |= self.log(self.rm_b, self.customer_a, D(2026, 4, 30))
        self.assertEqual(self.actuals("contacts_logged"), {self.rm_a: 2, self.rm_b: 2, self.rm_c: 0})
        self.assertEqual(self.drill("contacts_logged", self.rm_a), a_first | a_second)
        self.assertEqual(self.drill("contacts_logged", self.rm_b), b_logs)
        visits = self.kpi["contacts_logged"].copy({"code": "visits", "channel": "visit"})
        self.assertEqual(self.actuals(None, kpi=visits), {self.rm_a: 1, self.rm_b: 0, self.rm_c: 0})
        self.assertEqual(self.drill(None, self.rm_a, kpi=visits), a_first)

    def test_vip_time_share(self):
        b_logs = (
            self.log(self.rm_b, self.customer_b, D(2026, 4, 3), minutes=20, tier=self.tier_vip)
            | self.log(self.rm_b, self.customer_b, D(2026, 4, 28), minutes=10, tier=self.tier_gold)
            | self.log(self.rm_b, self.customer_a, D(2026, 4, 10), minutes=10)
        )
        self.log(self.rm_b, self.customer_b, D(2026, 5, 3), minutes=500)
        a_log = self.log(self.rm_a, self.customer_a, D(2026, 4, 3), minutes=15)
        # b: 30 of 40 minutes on tiered customers; a: none of 15; c: no minute at all.
        self.assertEqual(self.actuals("vip_time_share"), {self.rm_a: 0, self.rm_b: 75, self.rm_c: 0})
        self.assertEqual(self.drill("vip_time_share", self.rm_b), b_logs, "the denominator")
        self.assertEqual(self.drill("vip_time_share", self.rm_a), a_log)

    # ------------------------------------------------------------------
    # Planned activities and complaints on time
    # ------------------------------------------------------------------

    def test_activities_on_time(self):
        periodic = self.env.ref(PREFIX + "mail_activity_type_periodic_contact")

        def plan(partner, user, deadline):
            return partner.activity_schedule(activity_type_id=periodic.id, user_id=user.id, date_deadline=deadline)

        def done(activity, user, when):
            with self.clock_at(when):
                activity.with_user(user).action_feedback("Called")
            return self.env["bank.maintenance.log"].search(
                [("partner_id", "=", activity.res_id), ("date", "=", (when + datetime.timedelta(hours=8)).date())]
            )

        # Done on its deadline (10:00 on 10 April in Beijing): on time.
        on_time = done(plan(self.customer_a, self.user_rm_a, D(2026, 4, 10)), self.user_rm_a, DT(2026, 4, 10, 2, 0))
        late = done(plan(self.customer_a, self.user_rm_a, D(2026, 4, 12)), self.user_rm_a, DT(2026, 4, 15, 2, 0))
        self.assertEqual((on_time.activity_deadline, late.activity_deadline), (D(2026, 4, 10), D(2026, 4, 12)))
        self.assertEqual(on_time.rm_id, self.rm_a)
        still_open = plan(self.customer_a, self.user_rm_a, D(2026, 4, 20))  # past, not done: late
        plan(self.customer_a, self.user_rm_a, D(2026, 5, 25))  # due after the period
        # Due in March, done in April: a March activity.
        done(plan(self.customer_a, self.user_rm_a, D(2026, 3, 30)), self.user_rm_a, DT(2026, 4, 2, 2, 0))
        c_open = plan(self.customer_c, self.user_rm_c, D(2026, 4, 25))
        # a: 1 of 3 on time; b: nothing due, nothing late; c: its one activity is late.
        self.assertEqual(self.actuals("activities_on_time"), {self.rm_a: 33.33, self.rm_b: 100, self.rm_c: 0})
        self.assertEqual(self.drill("activities_on_time", self.rm_a), on_time | late)
        self.assertEqual(self.drill("activities_on_time", self.rm_a, open_activities=True), still_open)
        self.assertEqual(self.drill("activities_on_time", self.rm_c, open_activities=True), c_open)
        # The deadline is the system's: a user cannot set it.
        with self.assertRefused(UserError, r"Due on"):
            on_time.with_user(self.user_rm_a).write({"activity_deadline": D(2026, 4, 30)})

    def test_complaints_on_time(self):
        def complaint(partner, received, resolved=None, cancel=False):
            record = self.env["bank.complaint"].create({
                "partner_id": partner.id, "date_received": received, "description": "Waited an hour",
                "resolution": "Apologised",
            })
            if cancel:
                record.action_cancel()
            elif resolved:
                with self.clock_at(DT.combine(resolved, datetime.time(2, 0))):
                    record.action_resolve()
            return record

        a_on_time = complaint(self.customer_a, D(2026, 4, 1), D(2026, 4, 3))  # deadline 8 April
        a_late = complaint(self.customer_a, D(2026, 4, 6), D(2026, 4, 30))  # deadline 13 April
        a_open = complaint(self.customer_a, D(2026, 4, 28))  # deadline 5 May, past: late
        complaint(self.customer_a, D(2026, 4, 29), cancel=True)
        complaint(self.customer_a, D(2026, 3, 31), D(2026, 4, 2))
        self.assertEqual(a_on_time.deadline, D(2026, 4, 8))
        complaint(self.customer_b, D(2026, 4, 10), D(2026, 4, 10))
        self.assertEqual(self.actuals("complaints_on_time"), {self.rm_a: 33.33, self.rm_b: 100, self.rm_c: 100})
        self.assertEqual(self.drill("complaints_on_time", self.rm_a), a_on_time | a_late | a_open)
        # In May, a complaint of 18 May still has until the 25th: not counted yet (100, not 0).
        may = (D(2026, 5, 1), D(2026, 5, 31))
        complaint(self.customer_c, D(2026, 5, 18))
        self.assertEqual(self.actuals("complaints_on_time", period=may)[self.rm_c], 100)
        self.assertFalse(self.drill("complaints_on_time", self.rm_c, period=may))

    # ------------------------------------------------------------------
    # Late dossier returns
    # ------------------------------------------------------------------

    def test_late_checkouts(self):
        def checkout(out, due, returned=None):
            with self.clock_at(out):
                line = self.env["bank.dossier.checkout"].with_user(self.user_rm_a).create({
                    "dossier_id": self.dossier_a.id, "purpose": "Visit", "due_at": due,
                }).with_env(self.env)
                self.hand_out(line)
            if returned:
                with self.clock_at(returned):
                    line.with_user(self.user_head_1).action_return()
            return line

        checkout(DT(2026, 4, 1, 2, 0), DT(2026, 4, 5, 9, 0), DT(2026, 4, 4, 2, 0))  # back in time
        late = checkout(DT(2026, 4, 6, 2, 0), DT(2026, 4, 10, 9, 0), DT(2026, 4, 12, 2, 0))
        # Due at 04:00 on 1 May in Beijing: a May return, whatever its UTC date.
        may_late = checkout(DT(2026, 4, 27, 2, 0), DT(2026, 4, 30, 20, 0), DT(2026, 5, 3, 2, 0))
        still_out = checkout(DT(2026, 5, 4, 2, 0), DT(2026, 5, 6, 9, 0))
        self.assertEqual(self.actuals("late_checkouts"), {self.rm_a: 1, self.rm_b: 0, self.rm_c: 0})
        self.assertEqual(self.drill("late_checkouts", self.rm_a), late)
        may = (D(2026, 5, 1), D(2026, 5, 31))
        self.assertEqual(self.actuals("late_checkouts", period=may)[self.rm_a], 2)
        self.assertEqual(self.drill("late_checkouts", self.rm_a, period=may), may_late | still_out)
        self.assertFalse(self.kpi["late_checkouts"].higher_is_better)

    # ------------------------------------------------------------------
    # Manual KPIs, query budget
    # ------------------------------------------------------------------

    def test_manual_kpi_measures_nothing(self):
        self.assertEqual(self.kpi["teamwork"]._bank_actuals(self.rms, *APRIL), {})
        self.assertFalse(self.kpi["teamwork"]._bank_drill_action(self.rm_a, *APRIL))

    def test_same_queries_for_2_and_20_rms(self):
        self._aum_fixture()
        users = [new_test_user(self.env, login=f"t_kpi_rm_{i}", groups=GROUP_RM, name=f"KPI RM {i}")
                 for i in range(17)]
        many = self.rms | self.env["bank.rm"].create([
            {"user_id": user.id, "grade_id": self.grade_rm.id, "unit_id": self.outlet_1.id} for user in users
        ])
        self.assertEqual(len(many), 20)
        for code, kpi in self.kpi.items():
            if kpi.source == "manual":
                continue
            kpi._bank_actuals(many[:2], *APRIL)  # warm the caches (xml ids, categories)
            counts = []
            for rms in (many[:2], many):
                self.env.flush_all()
                before = self.env.cr.sql_log_count
                figures = kpi._bank_actuals(rms, *APRIL)
                counts.append(self.env.cr.sql_log_count - before)
                self.assertEqual(len(figures), len(rms))
            self.assertEqual(counts[0], counts[1], f"{code}: the queries do not depend on the number of RMs")
            # One query; the AUM growth also looks up its categories, the currencies of the
            # accounts and their rates on both days (one foreign currency here): 5.
            self.assertEqual(counts[1], 5 if code == "aum_growth" else 1, f"{code}: {counts[1]} queries")
