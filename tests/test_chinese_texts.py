# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import re

from odoo import Command
from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import load_chinese
from .test_tier_engine import TierCase

D = datetime.date
PREFIX = "bank_relationship_manager."
# Latin words a Chinese reader may meet: the tier is called "VIP 贵宾", amounts carry ISO codes.
ALLOWED = {"VIP", "CNY", "USD"}


@tagged("post_install", "-at_install")
class TestChineseTexts(TierCase):
    """What the add-on writes for a Chinese RM reads in Chinese: the tier reason (rule, tier and
    product categories by their translated names, dates in the reader's format), a custody ledger
    row and a planned activity (issue 16)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env, ["bank_relationship_manager"])
        cls.user_rm_a.lang = "zh_CN"
        cls.customer_a.name = "张伟"

    def assertNoEnglish(self, text):
        self.assertTrue(text)
        words = set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED
        self.assertFalse(words, f"English in a Chinese reader's text: {sorted(words)} in {text!r}")

    def test_tier_reason_for_a_chinese_rm(self):
        fund = self._account(self.customer_a, "FUND")
        self._load(fund, (D(2026, 12, 6), 600000))
        self._evaluate(self.customer_a, D(2026, 12, 7))
        reason = self.customer_a.with_user(self.user_rm_a).bank_tier_reason
        self.assertEqual(self.customer_a.bank_tier_id, self.vip)
        self.assertNoEnglish(reason)
        fund_zh = self.cat["FUND"].with_context(lang="zh_CN").name
        self.assertIn(f"[{fund_zh}]", reason, "categories by their Chinese names, not their codes")
        self.assertIn(self.vip.with_context(lang="zh_CN").name, reason)
        # Two days later the funds are gone: the tier is kept through the grace, dated the Chinese way.
        self._load(fund, (D(2026, 12, 7), 0))
        with self.clock_at(datetime.datetime(2026, 12, 9, 2, 0)):
            self._evaluate(self.customer_a, D(2026, 12, 9))
        reason = self.customer_a.bank_tier_reason
        self.assertEqual(self.customer_a.bank_tier_id, self.vip)
        self.assertNoEnglish(reason)
        self.assertIn("2027/01/07", reason)  # zh_CN reads dates as %Y/%m/%d
        history = self.customer_a.bank_tier_history_ids.sorted("id")[:1]
        self.assertNoEnglish(history.reason)

    def test_ledger_row_and_planned_activity_for_a_chinese_reader(self):
        dossier = self.env["bank.dossier"].with_user(self.user_rm_a).with_context(lang="zh_CN").create({
            "partner_id": self.customer_a.id,
            "item_ids": [Command.create({"document_type": "id_copy", "description": "身份证复印件"})],
        })
        details = self.env["bank.dossier.ledger"].search([("dossier_id", "=", dossier.id)]).details
        self.assertIn("张伟", details)
        self.assertNoEnglish(details.split("|", 1)[1])  # after the bag number
        deposit = self._account(self.customer_a, "DEP_TIME")
        deposit.write({"account_no": "6222001", "maturity_date": D(2026, 12, 14)})
        self.env["bank.maintenance.plan"]._cron_plan(D(2026, 12, 7), commit=False)
        follow_up = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id),
            ("activity_type_id", "=", self.env.ref(PREFIX + "mail_activity_type_maturity").id),
        ])
        self.assertEqual(len(follow_up), 1)
        self.assertNoEnglish(follow_up.summary)
        self.assertIn("2026/12/14", follow_up.summary)
        self.assertNoEnglish(follow_up.activity_type_id.with_context(lang="zh_CN").name)

    def test_large_movement_for_a_chinese_rm_loaded_by_an_english_feed(self):
        # The feed runs in English; the RM reads Chinese (issue 16: the summary was the loader's).
        deposit = self._account(self.customer_a, "DEP_DEMAND")
        self._load(deposit, (D(2026, 12, 4), 2000000))
        self._load(deposit, (D(2026, 12, 6), 900000))
        activity = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id),
            ("activity_type_id", "=", self.env.ref(PREFIX + "mail_activity_type_large_movement").id),
        ])
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.bank_movement_date, D(2026, 12, 6))
        self.assertNoEnglish(activity.summary)
        self.assertIn("2026/12/06", activity.summary)
        note = html2plaintext(activity.note)
        self.assertNoEnglish(note)
        self.assertIn("2026/12/04", note)
        # Loaded again, by a loader reading Chinese this time: still one activity.
        self.env["bank.balance"].with_context(lang="zh_CN").load_balances(
            [{"account_no": deposit.account_no, "date": "2026-12-06", "balance": 900000}]
        )
        self.assertEqual(len(activity.search([("id", "!=", 0), ("res_id", "=", self.customer_a.id),
                                              ("activity_type_id", "=", activity.activity_type_id.id)])), 1)
