# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
from decimal import Decimal

from odoo.tests import tagged

from ..models.bank_balance_xun import XUN_UNIT
from ..models.bank_tier_engine import xun_windows
from .test_tier_engine import TierCase

D = datetime.date


def xun_of(day):
    """(first, last) of the 旬 holding ``day``."""
    first = day.replace(day=1 if day.day <= 10 else 11 if day.day <= 20 else 21)
    if first.day < 21:
        return first, first + datetime.timedelta(days=9)
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
class TestTierScale(TierCase):
    """The cumulative per-旬 sums the evaluation reads (models/bank_balance_xun.py), against a
    recomputation from the balances by hand; the evaluation's queries per batch."""

    def _rows(self, account):
        self.env.flush_all()
        self.env.cr.execute(
            # (as text: the ORM's cursor reads numeric columns as floats)
            """SELECT xun_first, xun_last, first_date, day_sum, last_balance, next_first_date, own_sum::text,
                      cum_weighted::text
                 FROM bank_balance_xun WHERE account_id = %s ORDER BY xun_first""",
            [account.id],
        )
        return [(*row[:6], Decimal(row[6]), Decimal(row[7])) for row in self.env.cr.fetchall()]

    def _by_hand(self, balances):
        """``{xun_first: (own_sum, cum_weighted, first_date, next_first_date)}`` from the balances
        ``{date: Decimal}``, day by day: every day weighs XUN_UNIT / the length of its 旬."""
        days = sorted(balances)
        expected, carried, cumulative, day = {}, Decimal(0), Decimal(0), xun_of(days[0])[0]
        while day <= xun_of(days[-1])[1]:
            first, last = xun_of(day)
            carried = balances.get(day, carried)
            cumulative += carried * (XUN_UNIT // ((last - first).days + 1))
            if day == last:
                inside = [d for d in days if first <= d <= last]
                if inside:
                    own = sum(
                        balances[d] * ((min([n for n in days if n > d] + [last + datetime.timedelta(days=1)])) - d).days
                        for d in inside
                    )
                    later = [d for d in days if d > last]
                    expected[first] = (own, cumulative, inside[0], later[0] if later else None)
            day += datetime.timedelta(days=1)
        return expected

    def test_cumulative_sums_equal_the_balances_whatever_the_order(self):
        """Loaded out of date order, corrected, a late row years back, an ORM write: every row's
        exact sums equal the recomputation from the balances, and a rebuild from scratch gives
        the very same rows."""
        deposit = self._account(self.customer_b, "DEP_DEMAND")
        balances = {}

        def load(*rows):
            self._load(deposit, *[(day.isoformat(), amount) for day, amount in rows])
            balances.update({day: Decimal(str(amount)) for day, amount in rows})

        load((D(2026, 2, 27), 9000.10), (D(2025, 11, 5), 1000.33))
        # Later dates first, then earlier ones: a new 旬 before, inside an existing one, after.
        load((D(2026, 3, 31), 4000.07), (D(2026, 2, 22), 5000.01))
        load((D(2025, 12, 15), 3000.99), (D(2025, 12, 11), 2500.50), (D(2024, 6, 30), 777.77))
        # A correction loaded again (the first row of the account's history moves its carry).
        load((D(2025, 11, 5), 2000.02), (D(2024, 6, 30), 888.88))
        # An ORM write by an administrator.
        row = self.env["bank.balance"].search([("account_id", "=", deposit.id), ("date", "=", "2026-02-27")])
        row.with_user(self.user_admin).balance = 7000.70
        balances[D(2026, 2, 27)] = Decimal("7000.70")

        rows = self._rows(deposit)
        expected = self._by_hand(balances)
        self.assertEqual(
            {first: (own, cum, first_date, next_date) for first, _l, first_date, _s, _b, next_date, own, cum in rows},
            expected,
        )
        self.assertEqual(len(rows), 5, "one row per 旬 holding a balance, none for the 旬 between")
        # The first row: one day of a 10-day 旬 (before it the balance is 0); each whole 旬 carried
        # after it adds XUN_UNIT times the balance.
        self.assertEqual(expected[D(2024, 6, 21)][1], Decimal("888.88") * (XUN_UNIT // 10))
        self.assertEqual(
            expected[D(2025, 11, 1)][1] - expected[D(2024, 6, 21)][1],
            Decimal("888.88") * XUN_UNIT * 48 + Decimal("888.88") * (XUN_UNIT // 10) * 4
            + Decimal("2000.02") * (XUN_UNIT // 10) * 6,
        )
        self.env["bank.balance.xun"]._rebuild()
        self.assertEqual(self._rows(deposit), rows, "the rebuild from scratch gives the same rows, to the bit")
        # The half-year average read from two of these rows is that of the balances, day by day.
        day = D(2026, 3, 31)
        means = []
        for first, last in xun_windows(day):
            total = Decimal(0)
            for offset in range((last - first).days + 1):
                on = first + datetime.timedelta(days=offset)
                known = [d for d in balances if d <= on]
                total += balances[max(known)] if known else 0
            means.append(total / ((last - first).days + 1))
        metrics = self.engine._metrics([self.customer_b.id], day)[self.customer_b.id]
        self.assertAlmostEqual(metrics[("xun_avg_6m", self.cat["DEP_DEMAND"].id)], float(sum(means) / 18), places=6)

    def test_evaluation_queries_do_not_grow_with_the_customers(self):
        """A batch of evaluation costs the same queries for 2 customers as for 6 (one metrics query: its
        accounts are read once, docs/scaling.md)."""
        Partner = self.env["res.partner"]
        customers = Partner.create([{"name": f"Scale {i}", "is_bank_customer": True} for i in range(6)])
        self.only_our_customers(customers)
        for index, partner in enumerate(customers):
            # VIP and ordinary customers, far from any threshold (no potential opportunity).
            self._load(self._account(partner, "FUND"), ("2026-03-01", 900000 if index % 2 else 1000))
            self._load(self._account(partner, "DEP_DEMAND"), ("2026-05-01", 100), ("2026-11-25", 200))
        small, large = customers[:2], customers
        engine = self.env["bank.tier.engine"].sudo()
        rule_sets = {self.env.lang: engine._rule_set(self.today)}
        for batch in (small, large):
            # The first run of a batch changes tiers (history rows); the second changes nothing.
            engine._evaluate_and_apply(batch.ids, self.today - datetime.timedelta(days=1), rule_sets)
        self.env.flush_all()
        self.env.invalidate_all()
        for batch in (small, large):
            with self.assertQueryCount(10):
                engine._evaluate_and_apply(batch.ids, self.today, rule_sets)
                self.env.flush_all()
        self.assertEqual(set(customers.mapped("bank_evaluated_on")), {self.today})
        self.assertEqual(len(customers.filtered("bank_tier_id")), 3)
