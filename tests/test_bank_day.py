# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo.tests import Form, tagged

from .test_tier_engine import TierCase

D = datetime.date
UTC = datetime.datetime

# (the clock in UTC, the bank's date in Beijing): late evening, just after midnight, and the hour of
# the planning cron (data/bank_maintenance_data.xml: 22:00 UTC, 06:00 in Beijing). In Brussels, the
# time zone of Odoo's superuser who runs the crons, the last two are still 6 December.
BEIJING_DAYS = [
    (UTC(2026, 12, 6, 15, 30), D(2026, 12, 6)),  # 23:30 in Beijing
    (UTC(2026, 12, 6, 16, 30), D(2026, 12, 7)),  # 00:30 in Beijing
    (UTC(2026, 12, 6, 22, 0), D(2026, 12, 7)),  # 06:00 in Beijing
]


@tagged("post_install", "-at_install")
class TestBankDay(TierCase):
    """Which day it is for the bank: the date in the company's bank time zone (Asia/Shanghai by
    default), whatever the time zone of the user or of the superuser who runs the crons."""

    def setUp(self):
        super().setUp()
        self.env.company.bank_tz = "Asia/Shanghai"
        # The crons' user: Odoo's superuser, in Brussels.
        self.cron_env = self.env(context=dict(self.env.context, tz="Europe/Brussels"))

    def _new_customer(self):
        partner = self.env["res.partner"].create(
            {"name": "Night customer", "is_bank_customer": True, "bank_rm_id": self.rm_a.id}
        )
        self.only_our_customers(partner)
        return partner

    def test_planning_cron_plans_the_day_of_beijing(self):
        for now, day in BEIJING_DAYS:
            with self.subTest(now=now), self.clock_at(now), self.cron_batches_commit():
                partner = self._new_customer()  # never contacted: a periodic contact is due today
                self.cron_env["bank.maintenance.plan"]._cron_plan()
                planned = self.env["bank.maintenance.plan"].search([("partner_id", "=", partner.id)])
                self.assertEqual((planned.kind, planned.planned_on, planned.occasion_date), ("periodic", day, day))
                self.assertEqual(planned.activity_id.date_deadline, day)

    def test_evaluation_cron_evaluates_as_of_the_day_of_beijing(self):
        for now, day in BEIJING_DAYS:
            with self.subTest(now=now), self.clock_at(now), self.cron_batches_commit():
                partner = self._new_customer()
                self._load(self._account(partner, "FUND"), ("2026-11-02", 600000))
                self.cron_env["res.partner"]._cron_bank_evaluate()
                self.assertEqual(partner.bank_evaluated_on, day)
                self.assertEqual(partner.bank_tier_id, self.vip)
                self.assertEqual(partner.bank_tier_history_ids.date, day)

    def test_defaults_and_deadlines_for_a_user_elsewhere(self):
        """An RM whose own time zone is New York (16:30 UTC is still 6 December there) logs and
        registers on the bank's day."""
        self.user_rm_a.tz = "America/New_York"
        with self.clock_at(UTC(2026, 12, 6, 16, 30)):
            log = Form(self.env["bank.maintenance.log"].with_user(self.user_rm_a))
            log.partner_id = self.customer_a
            log.summary = "Call"
            self.assertEqual(log.date, D(2026, 12, 7))
            complaint = self.env["bank.complaint"].with_user(self.user_rm_a).create({
                "partner_id": self.customer_a.id, "description": "x", "category": "fees", "channel": "phone",
            })
            # Monday 7 December + 5 working days.
            self.assertEqual((complaint.date_received, complaint.deadline), (D(2026, 12, 7), D(2026, 12, 14)))

    def test_the_bank_time_zone_is_a_company_setting(self):
        with self.clock_at(UTC(2026, 12, 6, 16, 30)):
            self.assertEqual(self.env.company._bank_today(), D(2026, 12, 7))
            settings = self.env["res.config.settings"].create({"bank_tz": "Europe/Brussels"})
            settings.execute()
            self.assertEqual(self.env.company.bank_tz, "Europe/Brussels")
            self.assertEqual(self.env.company._bank_today(), D(2026, 12, 6))
            self.assertEqual(self.env.company._bank_now().hour, 17)
