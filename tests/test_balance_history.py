# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_ADMIN, GROUP_RM, PREFIX, BankCase, JsonRpcMixin, TourClockMixin, load_chinese

REPORT = "bank.balance.history.report"
D = datetime.date


class BalanceHistoryCase(BankCase):
    """Customer A (RM a, backup RM b) holds a deposit, a fund in a foreign currency, a loan and a deposit in
    a currency without any rate, with balances on a few dates of November 2026; customer B holds a loan only,
    customer C nothing."""

    # 1 December 2026, 10:00 in Beijing.
    reference_now = datetime.datetime(2026, 12, 1, 2, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        company = cls.env.company
        cls.foreign = ref("base.EUR") if company.currency_id != ref("base.EUR") else ref("base.USD")
        cls.foreign.active = True
        # A foreign unit is worth 8 from 1 November, 10 from 20 November (company rates).
        cls.env["res.currency.rate"].create([
            {"currency_id": cls.foreign.id, "name": D(2026, 11, 1), "rate": 0.125, "company_id": company.id},
            {"currency_id": cls.foreign.id, "name": D(2026, 11, 20), "rate": 0.1, "company_id": company.id},
        ])
        cls.unrated = cls.env["res.currency"].create({"name": "XBH", "symbol": "¤", "active": True})
        Account = cls.env["bank.account"]
        cls.accounts = {}
        for partner, category, number, currency in (
            (cls.customer_a, "product_category_dep_demand", "T-HIST-DEP", company.currency_id),
            (cls.customer_a, "product_category_fund", "T-HIST-FUND", cls.foreign),
            (cls.customer_a, "product_category_loan_credit", "T-HIST-LOAN", company.currency_id),
            (cls.customer_a, "product_category_dep_time", "T-HIST-XBH", cls.unrated),
            (cls.customer_b, "product_category_loan_mortgage", "T-HIST-B-LOAN", company.currency_id),
        ):
            cls.accounts[number] = Account.create({
                "partner_id": partner.id, "category_id": ref(PREFIX + category).id, "account_no": number,
                "currency_id": currency.id,
            })
        cls.env["bank.balance"].with_user(cls.user_admin).load_balances([
            {"account_no": "T-HIST-DEP", "date": "2026-11-05", "balance": 1000},
            {"account_no": "T-HIST-DEP", "date": "2026-11-15", "balance": 3000},
            {"account_no": "T-HIST-FUND", "date": "2026-11-10", "balance": 100},
            {"account_no": "T-HIST-LOAN", "date": "2026-11-12", "balance": 50000},
            {"account_no": "T-HIST-LOAN", "date": "2026-11-25", "balance": 40000},
            {"account_no": "T-HIST-XBH", "date": "2026-11-05", "balance": 777},
            {"account_no": "T-HIST-B-LOAN", "date": "2026-11-28", "balance": 200000},
        ])

    def insert_raw_balance(self, number, day, balance):
        """A row the loading would refuse, written as an old import or a database fix would have."""
        account = self.accounts[number]
        self.env.flush_all()
        self.env.cr.execute(
            """INSERT INTO bank_balance (account_id, date, balance, partner_id, category_id, currency_id, company_id)
               VALUES (%s, %s, %s, %s, %s, %s, %s)""",
            [account.id, day, balance, account.partner_id.id, account.category_id.id, account.currency_id.id,
             account.company_id.id],
        )

    def daily(self, partner, user=None):
        """``{(date, series): amount}`` of the customer's rows."""
        Report = self.env[REPORT].with_user(user) if user else self.env[REPORT]
        return {(row.date, row.series): row.amount for row in Report.search([("partner_id", "=", partner.id)])}

    def expected_a(self):
        """Customer A's days counted by hand, from the first balance date (5 November) to today: each
        balance held until the account's next one."""
        expected = {}
        day = D(2026, 11, 5)
        while day <= self.today:
            deposit = 1000 if day < D(2026, 11, 15) else 3000
            fund = 0 if day < D(2026, 11, 10) else (800 if day < D(2026, 11, 20) else 1000)
            loan = 0 if day < D(2026, 11, 12) else (50000 if day < D(2026, 11, 25) else 40000)
            expected[day, "aum"] = deposit + fund
            expected[day, "loans"] = loan
            day += datetime.timedelta(days=1)
        return expected


@tagged("post_install", "-at_install")
class TestBalanceHistory(BalanceHistoryCase):

    def test_daily_values_carried_forward(self):
        self.assertEqual(self.today, D(2026, 12, 1))
        daily = self.daily(self.customer_a)
        # 5 November (the first balance date) to today, two series a day; no day falls to zero.
        self.assertEqual(daily, self.expected_a())
        self.assertEqual(len(daily), 27 * 2)
        # The loan is not in the AUM; the deposit in a currency without a rate is left out, not taken 1:1.
        self.assertEqual(daily[D(2026, 11, 12), "aum"], 1800)
        self.assertEqual(daily[D(2026, 11, 12), "loans"], 50000)
        self.assertEqual(daily[D(2026, 11, 5), "aum"], 1000)

    def test_xun_and_month_are_daily_averages(self):
        groups = self.env[REPORT]._read_group(
            [("partner_id", "=", self.customer_a.id)], ["xun", "series"], ["amount:avg"])
        by_xun = {(xun, series): round(amount, 2) for xun, series, amount in groups}
        self.assertEqual(by_xun, {
            # 5-10 November: 1,000 five days, 1,800 one day.
            ("2026-11-01~10", "aum"): round(6800 / 6, 2), ("2026-11-01~10", "loans"): 0,
            # 11-14: 1,800; 15-19: 3,800; 20: 4,000.
            ("2026-11-11~20", "aum"): 3020, ("2026-11-11~20", "loans"): 45000,
            ("2026-11-21~30", "aum"): 4000, ("2026-11-21~30", "loans"): 44000,
            ("2026-12-01~10", "aum"): 4000, ("2026-12-01~10", "loans"): 40000,
        })
        groups = self.env[REPORT]._read_group(
            [("partner_id", "=", self.customer_a.id)], ["date:month", "series"], ["amount:avg"])
        by_month = {(month.month, series): round(amount, 2) for month, series, amount in groups}
        self.assertEqual(by_month, {
            (11, "aum"): round(77000 / 26, 2), (11, "loans"): round(890000 / 26, 2),
            (12, "aum"): 4000, (12, "loans"): 40000,
        })

    def test_rate_on_each_day(self):
        daily = self.daily(self.customer_a)
        self.assertEqual(daily[D(2026, 11, 19), "aum"] - daily[D(2026, 11, 15), "aum"], 0)
        self.assertEqual(daily[D(2026, 11, 20), "aum"] - daily[D(2026, 11, 19), "aum"], 200, "100 at 10 instead of 8")

    def test_loans_only_and_no_balances(self):
        daily = self.daily(self.customer_b)
        self.assertEqual(daily, {
            (D(2026, 11, 28) + datetime.timedelta(days=n), series): amount
            for n in range(4) for series, amount in (("aum", 0), ("loans", 200000))
        })
        self.assertFalse(self.daily(self.customer_c))
        self.assertEqual(self.env[REPORT]._read_group(
            [("partner_id", "=", self.customer_c.id)], ["date:day", "series"], ["amount:avg"]), [])

    def test_far_future_and_far_past_rows(self):
        """The rows of issue 16: 9999-12-31 broke the graph (OverflowError); 1900 is no date of this bank."""
        self.insert_raw_balance("T-HIST-DEP", D(9999, 12, 31), 999999999)
        self.insert_raw_balance("T-HIST-DEP", D(1900, 1, 1), 5)
        self.insert_raw_balance("T-HIST-LOAN", D(2026, 12, 3), 1)
        self.assertEqual(self.daily(self.customer_a), self.expected_a())
        for groupby in ("date:day", "date:month", "date:year", "xun"):
            with self.subTest(groupby=groupby):
                groups = self.env[REPORT]._read_group(
                    [("partner_id", "=", self.customer_a.id)], [groupby, "series"], ["amount:avg", "__count"])
                self.assertEqual(sum(count for *_, count in groups), 54)
        # The web client's calls: the graph's by day (with its date ranges) and the grouped list's.
        domain = [("partner_id", "=", self.customer_a.id)]
        groups = self.env[REPORT].formatted_read_group(domain, ["date:day", "series"], ["amount:avg"])
        self.assertEqual(len(groups), 27 * 2)
        self.assertEqual(groups[-1]["date:day"][0], "2026-12-01")
        result = self.env[REPORT].web_read_group(domain, ["date:day"], ["amount:avg"])
        self.assertEqual(result["length"], 27)
        # A customer whose only balance is far in the future has no history yet.
        self.accounts["T-HIST-C"] = self.env["bank.account"].create({
            "partner_id": self.customer_c.id, "account_no": "T-HIST-C",
            "category_id": self.env.ref(PREFIX + "product_category_dep_demand").id,
        })
        self.insert_raw_balance("T-HIST-C", D(9999, 12, 31), 1)
        self.assertFalse(self.daily(self.customer_c))
        self.assertEqual(self.env[REPORT].formatted_read_group(
            [("partner_id", "=", self.customer_c.id)], ["date:day", "series"], ["amount:avg"]), [])

    def test_window_at_most_three_years_back(self):
        """A valid but old balance (2015) holds until the next one: the window starts three years back."""
        self.insert_raw_balance("T-HIST-DEP", D(2015, 6, 30), 600)
        daily = self.daily(self.customer_a)
        first = self.today - relativedelta(years=3)
        self.assertEqual(min(day for day, _series in daily), first)
        self.assertEqual(daily[first, "aum"], 600)
        self.assertEqual(daily[D(2026, 11, 4), "aum"], 600)
        self.assertEqual({key: value for key, value in daily.items() if key[0] >= D(2026, 11, 5)}, self.expected_a())
        self.assertEqual(len(daily), ((self.today - first).days + 1) * 2)

    def test_scoped_as_the_customer(self):
        self.assertEqual(self.daily(self.customer_a, self.user_rm_a), self.expected_a())
        self.assertEqual(self.daily(self.customer_a, self.user_rm_b), self.expected_a(), "the backup RM")
        self.assertEqual(self.daily(self.customer_a, self.user_head_1), self.expected_a(), "the unit head")
        self.assertEqual(self.daily(self.customer_a, self.user_supervisor), self.expected_a(), "the supervisor")
        self.assertFalse(self.daily(self.customer_a, self.user_rm_c))
        self.assertFalse(self.daily(self.customer_a, self.user_head_2))
        self.assertFalse(self.daily(self.customer_a, self.user_center_head))
        self.assertFalse(self.daily(self.customer_b, self.user_rm_a))
        self.assertEqual(len(self.daily(self.customer_a, self.user_office)), 54)
        # The RM's own book, without a customer filter: their customers only.
        groups = self.env[REPORT].with_user(self.user_rm_a)._read_group(
            [("partner_id", "in", (self.customer_a | self.customer_b | self.customer_c).ids)], ["partner_id"],
            ["__count"])
        self.assertEqual(groups, [(self.customer_a, 54)])
        self.assertEqual(self.env[REPORT].with_user(self.user_rm_c)._read_group(
            [("partner_id", "=", self.customer_a.id)], ["date:month", "series"], ["amount:avg"]), [])
        for user in (self.user_hr, self.user_plain):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env[REPORT].with_user(user).search([("partner_id", "=", self.customer_a.id)])

    def test_customer_button_opens_the_graph(self):
        action = self.customer_a.with_user(self.user_rm_a).action_view_bank_balances()
        self.assertEqual(action["res_model"], REPORT)
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer_a.id)])
        self.assertTrue(action["view_mode"].startswith("graph"))
        self.assertEqual(action["context"], {"search_default_group_date": 1, "search_default_group_series": 2})
        with self.assertRaises(AccessError):
            self.customer_a.with_user(self.user_rm_c).action_view_bank_balances()
        # The loaded rows stay a list: their graph added loans to deposits and fell to zero between dates.
        self.assertEqual(self.env.ref(PREFIX + "bank_balance_action").view_mode, "list")

    def test_query_count(self):
        Report = self.env[REPORT].with_user(self.user_rm_a)
        domain = [("partner_id", "=", self.customer_a.id)]
        Report._read_group(domain, ["date:day", "series"], ["amount:avg"])
        with self.assertQueryCount(2):  # SET LOCAL jit = off, then the query
            groups = Report._read_group(domain, ["date:month", "series"], ["amount:avg"])
        self.assertEqual(len(groups), 4)


@tagged("post_install", "-at_install")
class TestBalanceHistoryRpc(JsonRpcMixin, HttpCase, BalanceHistoryCase):
    """The web client's calls over JSON-RPC, as the RM, another RM and HR."""

    def test_web_read_group_as_the_rm_and_another(self):
        domain = [["partner_id", "=", self.customer_a.id]]
        # The grouped list's call (web_read_group) and the graph's (formatted_read_group).
        kwargs = {"groupby": ["series"], "aggregates": ["amount:avg", "__count"]}
        result, error = self.call("t_rm_a", REPORT, "web_read_group", [domain], kwargs)
        self.assertFalse(error)
        self.assertEqual(result["length"], 2)
        self.assertEqual([(group["series"], group["__count"], round(group["amount:avg"], 2))
                          for group in result["groups"]],
                         [("aum", 27, round(81000 / 27, 2)), ("loans", 27, round(930000 / 27, 2))])
        graph = {"groupby": ["date:month", "series"], "aggregates": ["amount:avg"]}
        groups, error = self.call("t_rm_a", REPORT, "formatted_read_group", [domain], graph)
        self.assertFalse(error)
        self.assertEqual([(group["series"], round(group["amount:avg"], 2)) for group in groups], [
            ("aum", round(77000 / 26, 2)), ("loans", round(890000 / 26, 2)), ("aum", 4000), ("loans", 40000),
        ])
        result, error = self.call("t_rm_c", REPORT, "web_read_group", [domain], kwargs)
        self.assertFalse(error)
        self.assertEqual((result["length"], result["groups"]), (0, []))
        _result, error = self.call("t_hr", REPORT, "web_read_group", [domain], kwargs)
        self.assertTrue(error)


@tagged("post_install", "-at_install")
class TestBalanceHistoryTour(TourClockMixin, HttpCase):
    """An RM working in Chinese opens a customer's balance history from the customer form, in headless
    Chromium (dates relative to the bank's day, on the clock of TourClockMixin)."""

    # 17:30 UTC on 31 May is 1 June in Shanghai.
    reference_now = datetime.datetime(2026, 5, 31, 17, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        today = cls.today
        admin = new_test_user(cls.env, "tour_history_admin", groups=GROUP_ADMIN)
        user = new_test_user(cls.env, "tour_history_rm", groups=GROUP_RM, name="余额走势客户经理", lang="zh_CN",
                             tz="Asia/Shanghai")
        branch = cls.env["bank.org.unit"].create({"name": "余额走势分行", "code": "HTOUR", "level": "branch"})
        unit = cls.env["bank.org.unit"].create({"name": "余额走势网点", "code": "HTOUR-1", "level": "outlet",
                                                "parent_id": branch.id, "has_wealth_room": True})
        rm = cls.env["bank.rm"].create({"user_id": user.id, "grade_id": cls.env.ref(PREFIX + "rm_grade_rm").id,
                                        "unit_id": unit.id})
        cls.customer = cls.env["res.partner"].create({"name": "余额走势客户", "is_bank_customer": True,
                                                      "bank_rm_id": rm.id})
        for category, number in (("product_category_dep_demand", "T-HTOUR-DEP"),
                                 ("product_category_loan_credit", "T-HTOUR-LOAN")):
            cls.env["bank.account"].create({"partner_id": cls.customer.id, "account_no": number,
                                            "category_id": cls.env.ref(PREFIX + category).id})
        cls.env["bank.balance"].with_user(admin).load_balances([
            {"account_no": "T-HTOUR-DEP", "date": today - relativedelta(days=40), "balance": 600000},
            {"account_no": "T-HTOUR-DEP", "date": today - relativedelta(days=12), "balance": 450000},
            {"account_no": "T-HTOUR-LOAN", "date": today - relativedelta(days=25), "balance": 300000},
        ])

    def test_rm_opens_the_balance_history_in_chinese(self):
        self.start_tour(f"/odoo/res.partner/{self.customer.id}", "bank_balance_history_tour", login="tour_history_rm")
