# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import GROUP_RM, PREFIX, BankCase, load_chinese

BANK_HEADER = ("bank_tier_id", "bank_aum", "bank_maintenance_level", "bank_is_potential", "bank_rm_id",
               "bank_backup_rm_id", "bank_last_contact_date", "bank_next_contact_date")
BUTTONS = ("action_bank_accounts", "action_view_bank_balances", "action_bank_maintenance_logs",
           "action_bank_activities", "action_bank_opportunities", "action_bank_dossiers", "action_bank_complaints",
           "action_bank_tier_changes")
# Smart button -> its count field (the balance history has none: models/res_partner_form.py).
COUNTED = {
    "action_bank_accounts": "bank_account_count",
    "action_bank_maintenance_logs": "bank_log_count",
    "action_bank_activities": "bank_activity_count",
    "action_bank_opportunities": "bank_opportunity_count",
    "action_bank_dossiers": "bank_dossier_count",
    "action_bank_complaints": "bank_complaint_count",
    "action_bank_tier_changes": "bank_tier_change_count",
}
COUNT_FIELDS = tuple(COUNTED.values()) + (
    "bank_deposit_total", "bank_investment_total", "bank_loan_total", "bank_next_contact_date",
    "bank_next_maturity_date",
)


class TestCustomerForm(BankCase):
    """The customer form's header and smart buttons (models/res_partner_form.py,
    views/res_partner_form_views.xml) and the customer list's defaults, as the roles see them."""

    reference_now = datetime.datetime(2026, 12, 7, 2, 0)  # Monday 7 December 2026, 10:00 in Beijing

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.vip = ref(PREFIX + "tier_vip")
        today = cls.today
        # The engine's figures, as the system writes them.
        cls.customer_a.write({"bank_tier_id": cls.vip.id, "bank_aum": 650000, "bank_maintenance_level": "rm"})
        cls.customer_c.write({"bank_tier_id": cls.vip.id, "bank_aum": 900000})
        Account = cls.env["bank.account"]
        accounts = [
            ("FORM-DEP", cls.customer_a, "product_category_dep_time", 100000, today + relativedelta(days=30)),
            ("FORM-FUND", cls.customer_a, "product_category_fund", 550000, None),
            ("FORM-LOAN", cls.customer_a, "product_category_loan_credit", 40000, today + relativedelta(days=60)),
            ("FORM-OLD", cls.customer_a, "product_category_dep_time", 0, today - relativedelta(days=1)),
            ("FORM-C", cls.customer_c, "product_category_dep_time", 70000, today + relativedelta(days=3)),
        ]
        Account.create([{
            "account_no": number, "partner_id": partner.id, "category_id": ref(PREFIX + category).id,
            "maturity_date": maturity,
        } for number, partner, category, _balance, maturity in accounts])
        cls.env["bank.balance"].load_balances([
            {"account_no": number, "date": today, "balance": balance} for number, _p, _c, balance, _m in accounts
        ])
        Log = cls.env["bank.maintenance.log"]
        for partner, user, days in ((cls.customer_a, cls.user_rm_a, 10), (cls.customer_a, cls.user_rm_a, 3),
                                    (cls.customer_c, cls.user_rm_c, 1)):
            Log.with_user(user).create({
                "partner_id": partner.id, "summary": "Call", "date": today - relativedelta(days=days),
            })
        periodic = ref(PREFIX + "mail_activity_type_periodic_contact")
        birthday = ref(PREFIX + "mail_activity_type_birthday")
        todo = ref("mail.mail_activity_data_todo")
        for partner, activity_type, days in ((cls.customer_a, periodic, 5), (cls.customer_a, birthday, 2),
                                             (cls.customer_a, todo, 1), (cls.customer_c, periodic, 1)):
            partner.activity_schedule(
                activity_type_id=activity_type.id, date_deadline=today + relativedelta(days=days),
                user_id=partner.bank_rm_user_id.id,
            )
        team = ref(PREFIX + "crm_team_wealth")
        for partner, user in ((cls.customer_a, cls.user_rm_a), (cls.customer_c, cls.user_rm_c)):
            cls.env["crm.lead"].with_user(user).create({
                "name": "Fund", "type": "opportunity", "team_id": team.id, "user_id": user.id,
                "partner_id": partner.id,
            })
            cls.env["bank.dossier"].with_user(user).create({"partner_id": partner.id})
            cls.env["bank.complaint"].with_user(user).create({
                "partner_id": partner.id, "description": "Fees", "category": "mis_selling", "channel": "phone",
            })
        cls.env["bank.tier.history"]._bank_system_create([
            {"partner_id": partner.id, "date": today - relativedelta(days=days), "new_tier_id": cls.vip.id,
             "reason": "test"}
            for partner, days in ((cls.customer_a, 200), (cls.customer_a, 20), (cls.customer_c, 20))
        ])

    def test_header_and_counts_as_rm(self):
        customer = self.customer_a.with_user(self.user_rm_a)
        self.assertEqual(customer.bank_tier_id, self.vip)
        self.assertEqual(customer.bank_tier_color, self.vip.color)
        self.assertEqual(customer.bank_aum, 650000)
        self.assertEqual(customer.bank_last_contact_date, self.today - relativedelta(days=3))
        self.assertEqual(customer.bank_next_contact_date, self.today + relativedelta(days=2),
                         "the birthday greeting, the earliest maintenance activity (the to-do is no contact)")
        self.assertEqual(customer.bank_next_maturity_date, self.today + relativedelta(days=30),
                         "the matured deposit of yesterday is past")
        self.assertEqual(
            [customer[name] for name in ("bank_deposit_total", "bank_investment_total", "bank_loan_total")],
            [100000, 550000, 40000],
        )
        self.assertEqual({name: customer[name] for name in COUNTED.values()}, {
            "bank_account_count": 4, "bank_log_count": 2, "bank_activity_count": 3,
            "bank_opportunity_count": 1, "bank_dossier_count": 1, "bank_complaint_count": 1,
            "bank_tier_change_count": 2,
        }, "customer C's records (RM C's) are not counted")
        with self.assertRaises(AccessError):
            self.customer_c.with_user(self.user_rm_a).bank_log_count  # noqa: B018

    def test_header_value_and_state(self):
        """The header shows the customer's newest current value snapshot (a correction replaces the
        original) and the state, each customer's own."""
        company = self.env.company
        Value = self.env["bank.customer.value"]
        values = Value._bank_system_create([{
            "partner_id": partner.id, "rm_id": partner.bank_rm_id.id, "date": day, "contribution": contribution,
            "value_class": value_class, "company_id": company.id, "currency_id": company.currency_id.id,
        } for partner, day, contribution, value_class in (
            (self.customer_a, datetime.date(2026, 10, 31), 90.0, "keep"),
            (self.customer_a, datetime.date(2026, 11, 30), -30.0, "loss"),
            (self.customer_c, datetime.date(2026, 11, 30), 400.0, "grow"),
        )])
        Value._bank_system_create([{
            "partner_id": self.customer_a.id, "rm_id": self.rm_a.id, "date": datetime.date(2026, 11, 30),
            "contribution": 15.0, "value_class": "keep", "corrected_id": values[1].id,
            "company_id": company.id, "currency_id": company.currency_id.id,
        }])
        self.customer_a.write({"bank_state": "watch"})
        customer = self.customer_a.with_user(self.user_rm_a)
        self.assertEqual(
            (customer.bank_value_date, customer.bank_value_class, customer.bank_value_contribution),
            (datetime.date(2026, 11, 30), "keep", 15.0), "the correction of November, not the original",
        )
        self.assertEqual(customer.bank_state, "watch")
        self.assertEqual(self.customer_c.with_user(self.user_rm_c).bank_value_contribution, 400.0)
        self.assertFalse(self.customer_b.bank_value_date, "customer B has no snapshot")
        header = customer.get_views([(False, "form")])["views"]["form"]["arch"]
        for name in ("bank_state", "bank_value_class", "bank_value_contribution"):
            self.assertIn(f'name="{name}"', header)

    def test_holdings_in_company_currency(self):
        """A USD deposit counts at the day's rate; a currency without any rate is left out of the
        totals (never 1:1), though its account is counted."""
        cny, usd, jpy = (self.env.ref(f"base.{code}") for code in ("CNY", "USD", "JPY"))
        (cny | usd | jpy).active = True
        self.env.company.currency_id = cny
        self.env["res.currency.rate"].search([("currency_id", "in", (cny | usd | jpy).ids)]).unlink()
        # 1 USD = 8 CNY (Odoo stores units of the currency per unit of company currency).
        self.env["res.currency.rate"].create(
            {"currency_id": usd.id, "name": "2025-01-01", "rate": 0.125, "company_id": self.env.company.id}
        )
        category = self.env.ref(PREFIX + "product_category_dep_fx")
        self.env["bank.account"].create([
            {"account_no": f"FORM-{currency.name}", "partner_id": self.customer_b.id, "category_id": category.id,
             "currency_id": currency.id}
            for currency in (usd, jpy)
        ])
        self.env["bank.balance"].load_balances([
            {"account_no": "FORM-USD", "date": self.today, "balance": 1000},
            {"account_no": "FORM-JPY", "date": self.today, "balance": 50000},
        ])
        customer = self.customer_b.with_user(self.user_rm_b)
        self.assertEqual((customer.bank_account_count, customer.bank_deposit_total), (2, 8000))

    def test_buttons_open_what_they_count(self):
        customer = self.customer_a.with_user(self.user_rm_a)
        for method, count_field in COUNTED.items():
            action = getattr(customer, method)()
            found = self.env[action["res_model"]].with_user(self.user_rm_a).search(action["domain"])
            self.assertEqual(len(found), customer[count_field], method)
            self.assertTrue(found, method)
        balances = customer.action_view_bank_balances()
        self.assertEqual(balances["domain"], [("partner_id", "=", customer.id)])
        self.assertEqual(customer.action_bank_maintenance_logs()["context"], {"default_partner_id": customer.id})
        with self.assertRaises(AccessError):
            self.customer_c.with_user(self.user_rm_a).action_bank_maintenance_logs()

    def test_a_contact_costs_nothing(self):
        contact = self.contact.with_user(self.user_rm_a)
        contact.fetch(["is_bank_customer"])
        with self.assertQueryCount(0):
            self.assertEqual([contact[name] for name in COUNTED.values()], [0] * len(COUNTED))

    def _form_arch(self, user):
        views = self.env["res.partner"].with_user(user).get_views([(False, "form")])
        return etree.fromstring(views["views"]["form"]["arch"])

    def test_form_arch_for_bank_staff(self):
        arch = self._form_arch(self.user_rm_a)
        header = arch.xpath("//div[@name='bank_header']")
        self.assertTrue(header)
        for name in BANK_HEADER:
            self.assertTrue(header[0].xpath(f".//field[@name='{name}']"), name)
        self.assertEqual(header[0].xpath(".//field[@name='bank_tier_id']/@widget"), ["badge"])
        buttons = arch.xpath("//div[@name='button_box']/button/@name")
        for name in BUTTONS:
            self.assertIn(name, buttons)
        # The most used first (the box shows four at 1366 px), Odoo's own opportunities hidden on customers.
        order = ["action_bank_accounts", "action_bank_maintenance_logs", "action_bank_activities",
                 "action_bank_values", "action_bank_opportunities", "schedule_meeting"]
        self.assertEqual(sorted(order, key=buttons.index), order)
        self.assertEqual(arch.xpath("//button[@name='action_view_opportunity']/@invisible"), ["is_bank_customer"])
        self.assertFalse(arch.xpath("//field[@name='vat'][not(@invisible)] | //field[@name='website']"))
        self.assertFalse(arch.xpath("//page[@name='sales_purchases']"))
        pages = arch.xpath("/form/sheet/notebook/page/@name")
        self.assertEqual(pages[0], "bank", "the bank pages first")
        self.assertLess(pages.index("bank_holdings"), pages.index("contact_addresses"))
        self.assertFalse(arch.xpath("//page[@autofocus]"), "the notebook opens on the first visible page")
        office = self._form_arch(self.user_office).xpath("//div[@name='button_box']/button/@name")
        self.assertIn("action_bank_dossiers", office)
        self.assertNotIn("action_bank_opportunities", office, "the office reads no opportunities")

    def test_form_arch_for_other_users(self):
        arch = self._form_arch(self.user_plain)
        self.assertFalse(arch.xpath("//div[@name='bank_header']"))
        self.assertFalse(set(BUTTONS) & set(arch.xpath("//button/@name")))
        self.assertTrue(arch.xpath("//field[@name='vat'][not(@invisible)]"))
        self.assertTrue(arch.xpath("//field[@name='website']"))
        self.assertEqual(arch.xpath("/form/sheet/notebook/page/@name")[:2], ["contact_addresses", "sales_purchases"])
        # And the generic form still saves a contact for them.
        contact = self.env["res.partner"].with_user(self.user_plain).create({"name": "Supplier", "vat": "X1"})
        self.assertEqual((contact.vat, contact.bank_log_count), ("X1", 0))

    def test_counts_query_budget(self):
        """The header and the buttons of 80 customers (a kanban page) cost as many queries as
        those of 8, within a fixed budget."""
        partners = self.env["res.partner"].create([
            {"name": f"Batch {i}", "is_bank_customer": True, "bank_rm_id": self.rm_a.id} for i in range(88)
        ])
        self.env["bank.maintenance.log"].with_user(self.user_rm_a).create([
            {"partner_id": partner.id, "summary": "Call"} for partner in partners
        ])
        # Warm the caches (access rights, rules, groups) on another batch of the same user.
        warm = self.customer_a.with_user(self.user_rm_a)
        for name in COUNT_FIELDS:
            warm[name]  # noqa: B018
        spent = []
        for batch in (partners[:8], partners[8:]):
            self.env.flush_all()
            self.env.invalidate_all()
            batch = batch.with_user(self.user_rm_a)
            batch.fetch(["is_bank_customer"])
            before = self.env.cr.sql_log_count
            with self.assertQueryCount(12):
                values = [[partner[name] for name in COUNT_FIELDS] for partner in batch]
            spent.append(self.env.cr.sql_log_count - before)
            self.assertEqual({row[COUNT_FIELDS.index("bank_log_count")] for row in values}, {1})
        self.assertEqual(spent[0], spent[1], "the queries do not grow with the number of customers")

    def test_customer_action_defaults(self):
        action = self.env.ref(PREFIX + "res_partner_action_customers")
        context = safe_eval(action.context)
        self.assertEqual(context.get("search_default_my_customers"), 1)
        Partner = self.env["res.partner"]
        views = {
            user: etree.fromstring(Partner.with_user(user).get_view(action.search_view_id.id, "search")["arch"])
            for user in (self.user_rm_a, self.user_head_1, self.user_office)
        }
        for user in (self.user_rm_a, self.user_head_1):
            self.assertTrue(views[user].xpath("//filter[@name='my_customers']"))
        self.assertFalse(views[self.user_office].xpath("//filter[@name='my_customers']"),
                         "the office, serving nobody, keeps the whole list")
        self.assertTrue(views[self.user_rm_a].xpath("//searchpanel/field[@name='bank_unit_id']"))
        self.assertTrue(views[self.user_rm_a].xpath("//searchpanel/field[@name='bank_tier_id']"))
        domain = safe_eval(views[self.user_rm_a].xpath("//filter[@name='my_customers']/@domain")[0])
        ours = self.customer_a | self.customer_b | self.customer_c
        scope = [("id", "in", ours.ids)] + domain + list(safe_eval(action.domain))
        self.assertEqual(Partner.with_user(self.user_rm_a).search(scope), self.customer_a,
                         "RM A: primary of A only")
        self.assertEqual(Partner.with_user(self.user_rm_b).search(scope), self.customer_a | self.customer_b,
                         "RM B: primary of B, backup of A")
        self.assertEqual(Partner.with_user(self.user_head_1).search(scope), self.customer_a,
                         "the head of outlet 1 serves its customers without being their RM")
        # The list's default order: tier (best first, no tier last), then AUM, then number.
        list_view = action.view_ids.filtered(lambda view: view.view_mode == "list").view_id
        arch = etree.fromstring(Partner.get_view(list_view.id, "list")["arch"])
        order = arch.get("default_order")
        self.assertEqual(order, "bank_tier_id, bank_aum desc, bank_customer_no")
        self.assertEqual(arch.get("sample"), "0")
        self.assertEqual(arch.xpath("//field[@name='bank_tier_id']/@widget"), ["badge"])
        self.assertEqual(arch.xpath("//field[@name='bank_aum']/@width"), ["150px"])
        self.assertEqual(Partner.search([("id", "in", ours.ids)], order=order),
                         self.customer_c + self.customer_a + self.customer_b)
        kanban = action.view_ids.filtered(lambda view: view.view_mode == "kanban").view_id
        kanban_arch = etree.fromstring(Partner.get_view(kanban.id, "kanban")["arch"])
        self.assertEqual(kanban_arch.get("sample"), "0")
        for name in ("bank_tier_id", "bank_aum", "bank_rm_id", "activity_ids", "bank_next_contact_date"):
            self.assertTrue(kanban_arch.xpath(f"//field[@name='{name}']"), name)


@tagged("post_install", "-at_install")
class TestCustomerFormTour(HttpCase):
    """An RM in Chinese, in headless Chromium: the customer list with its default filter, the
    customer form's header and a smart button (static/tests/tours/bank_customer_form_tour.js)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        unit = cls.env["bank.org.unit"].create({"name": "表单巡回网点", "code": "FTOUR", "level": "outlet",
                                                   "has_wealth_room": True})
        user = new_test_user(cls.env, "tour_form_rm", groups=GROUP_RM, name="表单客户经理", lang="zh_CN",
                             tz="Asia/Shanghai")
        rm = cls.env["bank.rm"].create({
            "user_id": user.id, "grade_id": cls.env.ref(PREFIX + "rm_grade_rm").id, "unit_id": unit.id,
        })
        Partner = cls.env["res.partner"]
        customer = Partner.create({"name": "表单巡回客户", "is_bank_customer": True, "bank_rm_id": rm.id})
        customer.write({"bank_tier_id": cls.env.ref(PREFIX + "tier_vip").id, "bank_aum": 650000})
        Partner.create({"name": "表单巡回客户二", "is_bank_customer": True, "bank_rm_id": rm.id})
        cls.env["bank.maintenance.log"].with_user(user).create([
            {"partner_id": customer.id, "summary": "电话回访"}, {"partner_id": customer.id, "summary": "上门拜访"},
        ])

    def test_rm_opens_a_customer(self):
        self.start_tour("/odoo", "bank_customer_form_tour", login="tour_form_rm")
