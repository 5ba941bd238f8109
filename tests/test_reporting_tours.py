# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import json

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_UNIT_HEAD, PREFIX, TourClockMixin, load_chinese


@tagged("post_install", "-at_install")
class TestReportingTours(TourClockMixin, HttpCase):
    """The Reporting menu in Chinese, in headless Chromium, as a unit head; and its analyses read
    over the web client's JSON-RPC route as an RM and as the unit head."""

    # 17:30 UTC on 30 September is 1 October in Shanghai (TourClockMixin).
    reference_now = datetime.datetime(2026, 9, 30, 17, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.head = new_test_user(cls.env, "tour_report_head", groups=GROUP_UNIT_HEAD, name="报表网点负责人",
                                 lang="zh_CN", tz="Asia/Shanghai")
        Unit = cls.env["bank.org.unit"]
        branch = Unit.create({"name": "报表分行", "code": "RTOUR", "level": "branch"})
        cls.outlet = Unit.create({"name": "报表网点", "code": "RTOUR-1", "level": "outlet", "parent_id": branch.id,
                                  "has_wealth_room": True, "head_user_id": cls.head.id})
        other = Unit.create({"name": "报表他网点", "code": "RTOUR-2", "level": "outlet", "parent_id": branch.id,
                             "has_wealth_room": True})
        grade = cls.env.ref(PREFIX + "rm_grade_rm")
        periodic = cls.env.ref(PREFIX + "mail_activity_type_periodic_contact")
        cls.customers = cls.env["res.partner"]
        for login, name, unit in (("tour_report_rm", "报表网点客户经理", cls.outlet),
                                  ("tour_report_rm_other", "他网点客户经理", other)):
            user = new_test_user(cls.env, login, groups=GROUP_RM, name=name, lang="zh_CN", tz="Asia/Shanghai")
            rm = cls.env["bank.rm"].create({"user_id": user.id, "grade_id": grade.id, "unit_id": unit.id})
            customer = cls.env["res.partner"].create({"name": f"{name}的客户", "is_bank_customer": True,
                                                      "bank_rm_id": rm.id})
            customer.bank_tier_id = cls.env.ref(PREFIX + "tier_vip")
            customer.activity_schedule(activity_type_id=periodic.id, user_id=user.id,
                                       date_deadline=fields.Date.subtract(cls.today, days=2))
            cls.customers |= customer

    def rpc(self, login, model, method, args, kwargs=None):
        """Call ``model.method`` as ``login`` (test users' password is their login) the way the web
        client does."""
        self.authenticate(login, login)
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "model": model, "method": method, "args": args, "kwargs": kwargs or {},
            }}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()["result"]

    def test_unit_head_opens_each_analysis(self):
        self.start_tour("/odoo", "bank_reporting_unit_head_tour", login="tour_report_head")

    def test_maintenance_activities_over_rpc(self):
        domain = [["partner_id", "in", self.customers.ids]]
        for login, names in (("tour_report_head", ["报表网点客户经理的客户"]),
                             ("tour_report_rm", ["报表网点客户经理的客户"]),
                             ("tour_report_rm_other", ["他网点客户经理的客户"])):
            with self.subTest(login=login):
                groups = self.rpc(login, "bank.maintenance.activity.report", "formatted_read_group", [domain],
                                  {"groupby": ["partner_id", "status"], "aggregates": ["__count"]})
                self.assertEqual([(group["partner_id"][1], group["status"], group["__count"]) for group in groups],
                                 [(name, "overdue", 1) for name in names])

    def test_contact_sla_over_rpc(self):
        domain = [["partner_id", "in", self.customers.ids]]
        for login, name in (("tour_report_head", "报表网点客户经理的客户"),
                            ("tour_report_rm", "报表网点客户经理的客户"),
                            ("tour_report_rm_other", "他网点客户经理的客户")):
            with self.subTest(login=login):
                groups = self.rpc(login, "bank.contact.sla.report", "formatted_read_group", [domain],
                                  {"groupby": ["partner_id"], "aggregates": ["__count", "within_rate:avg"]})
                # Never contacted: past the interval.
                self.assertEqual([(group["partner_id"][1], group["__count"], group["within_rate:avg"])
                                  for group in groups], [(name, 1, 0.0)])
