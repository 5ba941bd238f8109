# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount

from ..models.bank_tier_engine import xun_windows
from .common import BankCase

D = datetime.date


class TierCase(BankCase):
    """A company keeping its books in CNY, US dollars at 8 CNY, and helpers to hold accounts.
    The clock stands at Monday 7 December 2026, 10:00 in Beijing."""

    reference_now = datetime.datetime(2026, 12, 7, 2, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.cny = ref("base.CNY")
        cls.usd = ref("base.USD")
        (cls.cny | cls.usd).active = True
        cls.env.company.currency_id = cls.cny
        # 1 USD = 8 CNY (Odoo stores units of the currency per unit of company currency).
        cls.env["res.currency.rate"].search([("currency_id", "in", (cls.cny | cls.usd).ids)]).unlink()
        cls.usd_rate = cls.env["res.currency.rate"].create(
            {"currency_id": cls.usd.id, "name": "2025-01-01", "rate": 0.125, "company_id": cls.env.company.id}
        )
        cls.cat = {
            code: ref(f"bank_relationship_manager.product_category_{code.lower()}")
            for code in ("DEP_DEMAND", "DEP_TIME", "DEP_FX", "FUND", "WEALTH_FX", "LOAN_CREDIT", "LOAN_MORTGAGE")
        }
        cls.vip = ref("bank_relationship_manager.tier_vip")
        cls.gold = ref("bank_relationship_manager.tier_wealth_gold")
        cls.engine = cls.env["bank.tier.engine"]
        cls.seq = 0

    def _account(self, partner, code, currency=None, contract=0.0):
        type(self).seq += 1
        return self.env["bank.account"].create(
            {
                "partner_id": partner.id,
                "category_id": self.cat[code].id,
                "currency_id": (currency or self.cny).id,
                "account_no": f"T-{code}-{self.seq}",
                "contract_amount": contract,
            }
        )

    def _load(self, account, *rows):
        self.env["bank.balance"].load_balances(
            [{"account_no": account.account_no, "date": day, "balance": amount} for day, amount in rows]
        )

    def _evaluate(self, partner, day):
        partner.action_bank_evaluate(day)
        return partner


@tagged("post_install", "-at_install")
class TestTierEngine(TierCase):
    """Metrics, tiers, potential customers and maintenance levels, against figures computed by hand."""

    # ------------------------------------------------------------------

    def test_xun_windows(self):
        windows = xun_windows(D(2026, 3, 31))
        self.assertEqual(len(windows), 18)
        self.assertEqual(windows[-1], (D(2026, 3, 21), D(2026, 3, 31)))
        self.assertEqual(windows[0], (D(2025, 10, 1), D(2025, 10, 10)), "the window reaches into the previous year")
        self.assertIn((D(2026, 2, 21), D(2026, 2, 28)), windows, "an 8-day 旬")
        self.assertIn((D(2026, 1, 21), D(2026, 1, 31)), windows, "an 11-day 旬")
        self.assertIn((D(2025, 11, 21), D(2025, 11, 30)), windows, "a 10-day third 旬")
        # A 旬 counts once complete: on the 20th the second 旬 is complete, on the 19th it is not.
        self.assertEqual(xun_windows(D(2026, 3, 20))[-1], (D(2026, 3, 11), D(2026, 3, 20)))
        self.assertEqual(xun_windows(D(2026, 3, 19))[-1], (D(2026, 3, 1), D(2026, 3, 10)))
        self.assertEqual(xun_windows(D(2026, 3, 9))[-1], (D(2026, 2, 21), D(2026, 2, 28)))
        self.assertEqual(xun_windows(D(2024, 2, 29))[-1], (D(2024, 2, 21), D(2024, 2, 29)), "leap year: 9 days")

    def test_xun_average_with_gaps_and_currencies(self):
        partner = self.customer_b
        deposit = self._account(partner, "DEP_DEMAND")
        # Carried in from before the window; changes inside an 11-day and an 8-day 旬.
        self._load(deposit, ("2025-09-15", 100000), ("2026-01-25", 400000), ("2026-02-25", 200000))
        fx = self._account(partner, "DEP_FX", currency=self.usd)
        self._load(fx, ("2025-09-01", 10000))
        metrics = self.engine._metrics([partner.id], D(2026, 3, 31))[partner.id]
        # 旬 means: 11 x 100,000 (Oct-Jan 20), Jan 21-31: (4 x 100,000 + 7 x 400,000) / 11,
        # Feb 1-20: 2 x 400,000, Feb 21-28: (4 x 400,000 + 4 x 200,000) / 8, March: 3 x 200,000.
        expected = (11 * 100000 + 3200000 / 11 + 2 * 400000 + 300000 + 3 * 200000) / 18
        self.assertAlmostEqual(metrics[("xun_avg_6m", self.cat["DEP_DEMAND"].id)], expected, places=4)
        self.assertAlmostEqual(expected, 171717.1717, places=4)
        self.assertAlmostEqual(metrics[("xun_avg_6m", self.cat["DEP_FX"].id)], 80000.0, places=4)
        self.assertAlmostEqual(metrics[("balance", self.cat["DEP_DEMAND"].id)], 200000.0)
        # Before the first row the balance is 0.
        early = self.engine._metrics([partner.id], D(2025, 9, 10))[partner.id]
        self.assertEqual(early.get(("balance", self.cat["DEP_DEMAND"].id), 0.0), 0.0)

    def test_xun_sums_follow_late_loads_corrections_and_orm_writes(self):
        """The per-旬 sums the average reads are kept in step with every way a balance is
        written: a load out of date order, a correction loaded again, an ORM write."""
        day = D(2026, 3, 31)
        deposit = self._account(self.customer_b, "DEP_DEMAND")
        rows = {D(2025, 11, 5): 1000.0, D(2026, 2, 27): 9000.0}
        self._load(deposit, *[(d.isoformat(), b) for d, b in rows.items()])
        # Loaded later, dated earlier: inside a 旬 that already has a sum, and in a new one.
        rows[D(2026, 2, 22)] = 5000.0
        rows[D(2025, 12, 15)] = 3000.0
        self._load(deposit, ("2026-02-22", 5000), ("2025-12-15", 3000))
        # A correction loaded again, then one written through the ORM by an administrator.
        rows[D(2025, 11, 5)] = 2000.0
        self._load(deposit, ("2025-11-05", 2000))
        row = self.env["bank.balance"].search([("account_id", "=", deposit.id), ("date", "=", "2026-02-27")])
        row.with_user(self.user_admin).balance = 7000.0
        rows[D(2026, 2, 27)] = 7000.0

        def carried(on):
            known = [d for d in rows if d <= on]
            return rows[max(known)] if known else 0.0

        # By hand, day by day: the mean of the 18 旬 means of the carried-forward balances.
        means = []
        for first, last in xun_windows(day):
            length = (last - first).days + 1
            means.append(sum(carried(first + datetime.timedelta(days=i)) for i in range(length)) / length)
        expected = sum(means) / 18
        # October 0; Nov 1-4 0, then 2,000 to Dec 14; 3,000 to Feb 21; Feb 22-26 5,000; then 7,000.
        self.assertAlmostEqual(
            expected,
            (3 * 0 + (4 * 0 + 6 * 2000) / 10 + 2000 * 3 + (4 * 2000 + 6 * 3000) / 10 + 3000 * 6
             + (3000 + 5 * 5000 + 2 * 7000) / 8 + 7000 * 3) / 18,
            places=6,
        )
        metrics = self.engine._metrics([self.customer_b.id], day)[self.customer_b.id]
        self.assertAlmostEqual(metrics[("xun_avg_6m", self.cat["DEP_DEMAND"].id)], expected, places=4)
        self.assertEqual(deposit.balance, 7000.0, "the account's latest balance follows the ORM write")
        self.assertAlmostEqual(metrics[("balance", self.cat["DEP_DEMAND"].id)], 7000.0)
        # Rebuilding every sum from the rows gives the same figure (the bulk path of the benchmark).
        self.env["bank.balance.xun"]._rebuild()
        rebuilt = self.engine._metrics([self.customer_b.id], day)[self.customer_b.id]
        self.assertAlmostEqual(rebuilt[("xun_avg_6m", self.cat["DEP_DEMAND"].id)], expected, places=4)

    def test_money_formatter_writes_amounts_as_format_amount_does(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        for lang in ("en_US", "zh_CN"):
            engine = self.engine.with_context(lang=lang)
            fmt = engine._money_formatter()
            for amount in (0, 0.004, 0.005, 999.995, 1234567.891, -38000, -0.5, 5000001):
                with self.subTest(lang=lang, amount=amount):
                    self.assertEqual(fmt(amount), format_amount(engine.env, amount, self.cny))

    def test_reason_texts_follow_the_reader_of_the_rule_set(self):
        """A rule's heading and a threshold's amount are written once per rule set (not once per
        customer); the same rule set read in another language or with another formatter gets
        texts of its own."""
        self.env["res.lang"]._activate_lang("zh_CN")
        day = D(2026, 3, 31)
        rule_set = self.engine._rule_set(day)
        state = {"tier_id": False, "failing_since": None, "income": 0.0, "asset_category_ids": set()}
        metrics = {("balance", self.cat["FUND"].id): 600000.0}
        english = self.engine.with_context(lang="en_US")
        chinese = self.engine.with_context(lang="zh_CN")
        fmt = english._money_formatter()

        def bracketed(amount):
            return f"<{fmt(amount)}>"

        reasons = [
            engine._decide(state, metrics, rule_set, day, 0.8, formatter)["reason"]
            for engine, formatter in ((english, fmt), (chinese, fmt), (english, bracketed), (english, fmt))
        ]
        heading_en = f"{self.vip.name} — rule «Open-ended funds of 500,000»:"
        self.assertTrue(reasons[0].startswith(heading_en), reasons[0])
        self.assertIn(f"{fmt(600000)} >= {fmt(500000)} ✓", reasons[0])
        self.assertIn("— 规则«", reasons[1], "the heading in the reader's language")
        self.assertNotIn("rule «", reasons[1])
        self.assertIn(f"{bracketed(600000)} >= {bracketed(500000)} ✓", reasons[2], "the threshold by this formatter")
        self.assertEqual(reasons[3], reasons[0])

    def test_default_criteria_at_their_boundaries(self):
        day = D(2026, 3, 31)
        cases = [
            # (category, contract, balance, expected tier)
            ("LOAN_CREDIT", 50000, None, False),  # credit loan must be MORE than 50,000
            ("LOAN_CREDIT", 50000.01, None, self.vip),
            ("FUND", 0, 500000, self.vip),  # funds of AT LEAST 500,000
            ("FUND", 0, 499999.99, False),
        ]
        for code, contract, balance, tier in cases:
            with self.subTest(code=code, contract=contract, balance=balance):
                partner = self.env["res.partner"].create({"name": f"P {code} {contract} {balance}",
                                                          "is_bank_customer": True})
                account = self._account(partner, code, contract=contract)
                if balance is not None:
                    self._load(account, ("2026-03-01", balance))
                self.assertEqual(self._evaluate(partner, day).bank_tier_id, tier or self.env["bank.vip.tier"])

    def test_and_rule_and_usd_threshold(self):
        day = D(2026, 3, 31)
        both = self.env["res.partner"].create({"name": "Both", "is_bank_customer": True})
        self._load(self._account(both, "DEP_TIME"), ("2026-03-01", 200000))
        self._account(both, "LOAN_MORTGAGE", contract=100000.01)
        self.assertEqual(self._evaluate(both, day).bank_tier_id, self.gold)
        self.assertIn("Deposits of 200,000 and a mortgage loan over 100,000", both.bank_tier_reason)
        one = self.env["res.partner"].create({"name": "Only deposits", "is_bank_customer": True})
        self._load(self._account(one, "DEP_TIME"), ("2026-03-01", 200000))
        self._account(one, "LOAN_MORTGAGE", contract=100000)
        self.assertFalse(self._evaluate(one, day).bank_tier_id, "the AND rule needs both conditions")
        # A single FX wealth purchase of 30,000 USD: 240,000 CNY at 8 CNY per USD.
        cny_buyer = self.env["res.partner"].create({"name": "CNY buyer", "is_bank_customer": True})
        self._account(cny_buyer, "WEALTH_FX", contract=240000)
        self.assertEqual(self._evaluate(cny_buyer, day).bank_tier_id, self.gold)
        usd_buyer = self.env["res.partner"].create({"name": "USD buyer", "is_bank_customer": True})
        self._account(usd_buyer, "WEALTH_FX", currency=self.usd, contract=29999)
        self._account(usd_buyer, "WEALTH_FX", currency=self.usd, contract=20000)
        self.assertFalse(self._evaluate(usd_buyer, day).bank_tier_id, "the largest single purchase counts, not the sum")

    def test_metrics_of_several_currencies_in_company_currency(self):
        """The metrics query sums per currency; the rates turn each sum into CNY (1 USD = 8 CNY)."""
        partner = self.env["res.partner"].create({"name": "Two currencies", "is_bank_customer": True})
        self._account(partner, "WEALTH_FX", contract=200000)
        self._account(partner, "WEALTH_FX", currency=self.usd, contract=30000)  # 240,000 CNY: the largest
        self._account(partner, "WEALTH_FX", currency=self.usd, contract=40000).active = False  # not counted
        self._load(self._account(partner, "DEP_FX", currency=self.usd), ("2026-03-01", 1000))
        self._load(self._account(partner, "DEP_FX"), ("2026-03-01", 500))
        metrics = self.engine._metrics([partner.id], D(2026, 3, 31))[partner.id]
        wealth, fx = self.cat["WEALTH_FX"].id, self.cat["DEP_FX"].id
        self.assertAlmostEqual(metrics[("max_contract_amount", wealth)], 240000)
        self.assertAlmostEqual(metrics[("contract_amount", wealth)], 440000)
        self.assertAlmostEqual(metrics[("balance", fx)], 8500)
        self.assertAlmostEqual(metrics[("max_contract_amount", fx)], 0)
        self.assertAlmostEqual(metrics[("balance", wealth)], 0)

    def test_averages_looked_up_for_the_categories_the_rules_read(self):
        """The 10-day averages cost two look-ups per account: only the categories some rule
        reads are looked up; the others read 0, the rest of the metrics are unchanged."""
        partner = self.env["res.partner"].create({"name": "Saver and investor", "is_bank_customer": True})
        self._load(self._account(partner, "DEP_DEMAND"), ("2026-01-01", 90000))
        self._load(self._account(partner, "FUND"), ("2026-01-01", 60000))
        day = D(2026, 3, 31)
        rule_set = self.engine._rule_set(day)
        read = self.engine._xun_categories(rule_set)
        expected = {
            category_id
            for tier in rule_set for rule in tier.rules for condition in rule.conditions
            if condition.metric == "xun_avg_6m" for category_id in condition.category_ids
        }
        self.assertEqual(read, expected)
        self.assertIn(self.cat["DEP_DEMAND"].id, read, "the deposit rules of the default tiers")
        self.assertNotIn(self.cat["FUND"].id, read)
        every = self.engine._metrics([partner.id], day)[partner.id]
        wanted = self.engine._metrics([partner.id], day, read)[partner.id]
        deposit, fund = self.cat["DEP_DEMAND"].id, self.cat["FUND"].id
        self.assertGreater(every[("xun_avg_6m", fund)], 0.0)
        self.assertEqual(wanted[("xun_avg_6m", fund)], 0.0, "not looked up")
        self.assertAlmostEqual(wanted[("xun_avg_6m", deposit)], every[("xun_avg_6m", deposit)], places=6)
        self.assertGreater(wanted[("xun_avg_6m", deposit)], 0.0)
        for key in every:
            if key[0] != "xun_avg_6m":
                self.assertEqual(wanted[key], every[key], key)

    def test_missing_rate_is_an_error(self):
        partner = self.customer_b
        self._account(partner, "DEP_FX", currency=self.usd)
        self.usd_rate.name = "2026-06-01"
        with self.assertRaises(UserError) as caught:
            partner.action_bank_evaluate(D(2026, 3, 31))
        self.assertIn("No exchange rate of USD", str(caught.exception))
        self.assertFalse(partner.bank_evaluated_on, "nothing was evaluated")

    def test_potential_by_ratio_and_by_rule_with_gap(self):
        day = D(2026, 3, 31)
        close = self.env["res.partner"].create({"name": "Close", "is_bank_customer": True})
        self._load(self._account(close, "FUND"), ("2026-03-01", 400000))
        self._evaluate(close, day)
        self.assertFalse(close.bank_tier_id)
        self.assertTrue(close.bank_is_potential, "80 % of the funds threshold")
        self.assertAlmostEqual(close.bank_tier_gap, 100000.0)
        self.assertEqual(close.bank_potential_tier_id, self.vip, "the tier the gap is measured to")
        self.assertIn("Close to VIP, rule «Open-ended funds of 500,000»", close.bank_potential_reason)
        self.assertRegex(close.bank_potential_reason, r"Balance on the day \[Open-ended funds\] needs \+\D*100,000.00")
        self.assertTrue(close.bank_potential_lead_id, "a CRM opportunity for the RM")
        self.assertEqual(close.bank_potential_lead_id.type, "opportunity")
        lead = close.bank_potential_lead_id
        self._evaluate(close, day)
        self.assertEqual(close.bank_potential_lead_id, lead, "once")
        far = self.env["res.partner"].create({"name": "Far", "is_bank_customer": True})
        self._load(self._account(far, "FUND"), ("2026-03-01", 399999))
        self.assertFalse(self._evaluate(far, day).bank_is_potential)
        self.assertFalse(far.bank_potential_tier_id)
        earner = self.env["res.partner"].create({"name": "Earner", "is_bank_customer": True, "annual_income": 500000})
        self.assertTrue(self._evaluate(earner, day).bank_is_potential, "the potential rule on income")
        self.assertIn("Annual income of 500,000", earner.bank_potential_reason)

    def test_gap_of_a_10_day_average_says_how_much_to_hold(self):
        """400,000 of deposits since May, 580,000 since 1 November; evaluated on 13 November."""
        saver = self.env["res.partner"].create({"name": "Saver", "is_bank_customer": True})
        self._load(self._account(saver, "DEP_TIME"), ("2026-05-01", 400000), ("2026-11-01", 580000))
        self._evaluate(saver, D(2026, 11, 13))
        # Window May 11 - Nov 10: 17 旬 at 400,000 and one at 580,000 -> 410,000, 82 % of 500,000.
        self.assertTrue(saver.bank_is_potential)
        self.assertAlmostEqual(saver.bank_tier_gap, 90000.0)
        # When the 旬 of Nov 11-20 closes: 16 旬 at 400,000, two at 580,000 -> 420,000, still
        # 80,000 short; holding H for the 7 days left of that 10-day 旬 adds H x 7 / 10 / 18:
        # H = 80,000 x 18 x 10 / 7 = 2,057,142.86.
        self.assertRegex(
            saver.bank_potential_reason,
            r"needs \+\D*90,000\.00.*: about \+\D*2,057,142\.86.* held for the remaining 7 days of the 10-day "
            r"period ending 2026-11-20",
        )
        # On the 20th the 旬 closes with the day itself: the hint looks at the next one, 10 days.
        self._evaluate(saver, D(2026, 11, 20))
        self.assertIn("remaining 10 days of the 10-day period ending 2026-11-30", saver.bank_potential_reason)

    def test_maintenance_bands(self):
        day = D(2026, 3, 31)
        for aum, level in ((999999, "rm"), (1000000, "sub_branch"), (5000000, "sub_branch"), (5000001, "branch")):
            with self.subTest(aum=aum):
                partner = self.env["res.partner"].create({"name": f"AUM {aum}", "is_bank_customer": True})
                self._load(self._account(partner, "DEP_TIME"), ("2026-03-01", aum))
                self._evaluate(partner, day)
                self.assertEqual(partner.bank_aum, aum)
                self.assertEqual(partner.bank_maintenance_level, level)

    def test_grace_downgrade_history_and_reason(self):
        partner = self.customer_b
        fund = self._account(partner, "FUND")
        self._load(fund, ("2026-03-01", 600000), ("2026-04-01", 100000))
        self._evaluate(partner, D(2026, 3, 31))
        self.assertEqual(partner.bank_tier_id, self.vip)
        self.assertEqual(partner.bank_tier_date, D(2026, 3, 31))
        self.assertIn("rule «Open-ended funds of 500,000»", partner.bank_tier_reason)
        self.assertRegex(
            partner.bank_tier_reason, r"Balance on the day \[Open-ended funds\]: \D*600,000.00 >= \D*500,000.00 ✓"
        )
        # Below the threshold from April 1st: kept for the 30 days of grace, then downgraded.
        self._evaluate(partner, D(2026, 4, 1))
        self.assertEqual(partner.bank_tier_id, self.vip)
        self.assertEqual(partner.bank_tier_failing_since, D(2026, 4, 1))
        self.assertIn("kept until 04/30/2026", partner.bank_tier_reason)
        self._evaluate(partner, D(2026, 4, 29))
        self.assertEqual(partner.bank_tier_id, self.vip, "29 failing days: still within grace")
        self._evaluate(partner, D(2026, 4, 30))
        self.assertFalse(partner.bank_tier_id, "30 failing days: downgraded")
        history = partner.bank_tier_history_ids.sorted("date")
        self.assertEqual(history.mapped("new_tier_id"), self.vip)
        self.assertEqual([(h.date, h.old_tier_id, h.new_tier_id) for h in history],
                         [(D(2026, 3, 31), self.env["bank.vip.tier"], self.vip),
                          (D(2026, 4, 30), self.vip, self.env["bank.vip.tier"])])
        self.assertIn("No tier rule holds", history[-1].reason)
        with self.assertRaises(UserError):
            history[0].write({"reason": "rewritten"})
        # Upgrades apply at once, and clear the grace.
        self._load(fund, ("2026-05-01", 700000))
        self._evaluate(partner, D(2026, 5, 1))
        self.assertEqual(partner.bank_tier_id, self.vip)
        self.assertFalse(partner.bank_tier_failing_since)

    def test_cron_resumes_after_a_crash(self):
        # Our four customers only (the demo ones were evaluated at install, on another day).
        customer_d = self.env["res.partner"].create({"name": "Customer D", "is_bank_customer": True})
        customers = self.customer_a | self.customer_b | self.customer_c | customer_d
        self.only_our_customers(customers)
        last_history = self.env["bank.tier.history"].search([], order="id desc", limit=1).id or 0
        for partner in customers[:4]:
            self._load(self._account(partner, "FUND"), ("2026-03-01", 600000))
        engine_cls = type(self.env["bank.tier.engine"])
        original = engine_cls._evaluate_and_apply
        calls = []

        def crash_on_second_batch(engine, partner_ids, date, rule_sets):
            calls.append(list(partner_ids))
            if len(calls) == 2:
                raise RuntimeError("power cut")
            return original(engine, partner_ids, date, rule_sets)

        def commit(cron, processed=0, remaining=None, deactivate=False):
            # Stands for the commit of a real cron run: what is done survives the crash.
            self.env.flush_all()
            self.env.cr.execute("SAVEPOINT cron_progress")
            return float("inf")

        today = self.today
        with (
            patch("odoo.addons.bank_relationship_manager.models.res_partner._EVALUATION_BATCH", 2),
            patch.object(type(self.env["ir.cron"]), "_commit_progress", commit),
        ):
            # (no assertRaises: its own savepoint would undo the committed first batch too)
            crashed = False
            try:
                with patch.object(engine_cls, "_evaluate_and_apply", crash_on_second_batch):
                    self.env["res.partner"]._cron_bank_evaluate()
            except RuntimeError:
                crashed = True
            self.assertTrue(crashed)
            self.env.cr.execute("ROLLBACK TO SAVEPOINT cron_progress")
            self.env.invalidate_all(flush=False)
            # Ours only: demo customers installed on the frozen day carry the same date.
            done_first = self.env["res.partner"].search(
                [("is_bank_customer", "=", True), ("bank_evaluated_on", "=", today)]
            )
            self.assertEqual(done_first.ids, calls[0], "the first batch was kept")
            self.env["res.partner"]._cron_bank_evaluate()
        evaluated = self.env["res.partner"].with_context(active_test=False).search(
            [("is_bank_customer", "=", True)]
        )
        self.assertTrue(all(p.bank_evaluated_on == today for p in evaluated), "nobody skipped")
        histories = self.env["bank.tier.history"].search(
            [("partner_id", "in", customers[:4].ids), ("id", ">", last_history)]
        )
        self.assertEqual(len(histories), 4, "nobody evaluated twice into a second history row")

    def test_evaluation_on_demand_of_many_customers_holds_one_batch_at_a_time(self):
        """``action_bank_evaluate`` on any number of records (a million in bench/tiers.py ran out
        of memory): the customers among them are found by id, evaluated in batches, and no
        batch finds the customers of the others read into the ORM cache, nor leaves its own."""
        partners = self.env["res.partner"].create(
            [{"name": f"Batch customer {i}", "is_bank_customer": True} for i in range(5)]
        )
        for partner in partners[:3]:
            self._load(self._account(partner, "FUND"), ("2026-03-01", 600000))
        contact = self.env["res.partner"].create({"name": "Not a customer"})
        engine_cls = type(self.env["bank.tier.engine"])
        original = engine_cls._evaluate_and_apply
        batches, cached_elsewhere = [], []

        def spy(engine, partner_ids, date, rule_sets):
            cached_elsewhere.append(self.cached_ids(partners) - set(partner_ids))
            batches.append(list(partner_ids))
            return original(engine, partner_ids, date, rule_sets)

        records = self.env["res.partner"].browse((contact | partners).ids)
        self.env.invalidate_all()
        with (
            patch("odoo.addons.bank_relationship_manager.models.res_partner._EVALUATION_BATCH", 2),
            patch.object(engine_cls, "_evaluate_and_apply", spy),
        ):
            records.action_bank_evaluate(D(2026, 3, 31))
        self.assertEqual(batches, [partners[:2].ids, partners[2:4].ids, partners[4:].ids], "by id, not the contact")
        self.assertEqual(cached_elsewhere, [set(), set(), set()], "no batch met the others' customers in the cache")
        self.assertFalse(self.cached_ids(partners), "nothing left in the cache")
        self.assertEqual([p.bank_tier_id for p in partners], [self.vip] * 3 + [self.env["bank.vip.tier"]] * 2)
        self.assertEqual(partners.mapped("bank_evaluated_on"), [D(2026, 3, 31)] * 5)

    def test_security(self):
        self._load(self._account(self.customer_a, "FUND"), ("2026-03-01", 600000))
        self._load(self._account(self.customer_c, "FUND"), ("2026-03-01", 600000))
        (self.customer_a | self.customer_c).action_bank_evaluate(D(2026, 3, 31))
        History = self.env["bank.tier.history"].with_user(self.user_rm_a)
        self.assertEqual(History.search([]).partner_id, self.customer_a)
        with self.assertRaises(AccessError):
            self.customer_c.bank_tier_history_ids.with_user(self.user_rm_a).read(["reason"])
        with self.assertRaises(AccessError):
            self.customer_a.with_user(self.user_rm_a).write({"bank_tier_id": self.gold.id})
        with self.assertRaises(AccessError):
            self.customer_a.with_user(self.user_rm_a).action_bank_evaluate()
        with self.assertRaises(AccessError):
            self.vip.with_user(self.user_rm_a).write({"rank": 1})
        # Even an administrator changes a tier only through an approved change request
        # (tests/test_config_change.py); its label stays theirs.
        interval = self.vip.contact_interval_days
        with self.assertRefused(AccessError, "second administrator"):
            self.vip.with_user(self.user_admin).write({"contact_interval_days": interval + 1})
        self.assertEqual(self.vip.contact_interval_days, interval)
        self.vip.with_user(self.user_admin).write({"color": 3})
        self.assertEqual(self.vip.color, 3)

    def test_rule_configuration_refused(self):
        # New rules come through a change request (tests/test_config_change.py): a bad one is
        # refused when its author submits it, and nothing is created.
        Change = self.env["bank.config.change"].with_user(self.user_admin)

        def submit(values):
            change = Change.create({"name": "New rule", "line_ids": [
                (0, 0, {"res_model": "bank.tier.rule", "values": dict(values, tier_id=self.vip.id)}),
            ]})
            try:
                change.action_submit()
            finally:
                self.assertEqual(change.state, "draft")

        with self.assertRefused(ValidationError, "needs at least one condition"):
            submit({"name": "Empty"})
        for values, message in (
            ({"metric": "balance", "amount": 0, "category_ids": [self.cat["FUND"].id]}, "positive amount"),
            ({"metric": "balance", "amount": -5, "category_ids": [self.cat["FUND"].id]}, "positive amount"),
            ({"metric": "balance", "amount": 100}, "choose at least one"),
        ):
            with self.subTest(values=values), self.assertRefused(ValidationError, message):
                submit({"name": "Bad", "condition_ids": [(0, 0, values)]})
        self.assertFalse(self.env["bank.tier.rule"].search([("name", "in", ("Empty", "Bad"))]))
