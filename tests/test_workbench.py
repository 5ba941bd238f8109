# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import BankCase

PREFIX = "bank_relationship_manager."


@tagged("post_install", "-at_install")
class TestWorkbench(BankCase):
    """The morning workbench (models/bank_workbench.py) of an RM, a unit head, the office and HR,
    against hand-made records: each kind, due today against overdue, another RM's items absent."""

    reference_now = datetime.datetime(2026, 12, 7, 2, 0)  # Monday 7 December 2026, 10:00 in Beijing

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.type_birthday = ref(PREFIX + "mail_activity_type_birthday")
        cls.type_periodic = ref(PREFIX + "mail_activity_type_periodic_contact")
        cls.type_holiday = ref(PREFIX + "mail_activity_type_holiday")
        day = datetime.timedelta(days=1)

        def activity(partner, activity_type, user, deadline):
            return partner.activity_schedule(activity_type_id=activity_type.id, user_id=user.id,
                                             date_deadline=deadline, summary="T")

        cls.birthday_a = activity(cls.customer_a, cls.type_birthday, cls.user_rm_a, cls.today)
        activity(cls.customer_a, cls.type_periodic, cls.user_rm_a, cls.today - 2 * day)
        activity(cls.customer_a, cls.type_birthday, cls.user_rm_a, cls.today + day)  # not due yet
        activity(cls.customer_b, cls.type_birthday, cls.user_rm_b, cls.today)  # another RM's
        Dossier = cls.env["bank.dossier"]
        # A draft dossier at outlet 1 (head 1 locks it) and a locked one at outlet 2 that RM b asks for.
        Dossier.with_user(cls.user_rm_a).create({
            "partner_id": cls.customer_a.id,
            "item_ids": [Command.create({"document_type": "id_copy", "description": "ID copy"})],
        })
        dossier_b = Dossier.with_user(cls.user_rm_b).create({
            "partner_id": cls.customer_b.id,
            "item_ids": [Command.create({"document_type": "id_copy", "description": "ID copy"})],
        })
        dossier_b.with_user(cls.user_head_2).action_lock()
        cls.env["bank.dossier.checkout"].with_user(cls.user_rm_b).create({
            "dossier_id": dossier_b.id, "purpose": "Visit", "due_at": cls.reference_now + 3 * day,
        })
        cls.Workbench = cls.env["bank.workbench"]

    def workbench(self, user):
        action = self.Workbench.with_user(user).action_open_workbench()
        return self.Workbench.with_user(user).browse(action["res_id"])

    def counts(self, user):
        """{queue or activity type xml name: (count, overdue)} of the user's workbench."""
        lines = self.workbench(user).line_ids
        return {
            (line.activity_type_id.get_external_id()[line.activity_type_id.id].split(".")[1]
             if line.queue == "activity" else line.queue): (line.count, line.overdue_count)
            for line in lines
        }

    def test_rm_activities_by_kind_today_and_overdue(self):
        counts = self.counts(self.user_rm_a)
        self.assertEqual(counts["mail_activity_type_birthday"], (1, 0), "tomorrow's and RM b's left out")
        self.assertEqual(counts["mail_activity_type_periodic_contact"], (1, 1))
        self.assertEqual(counts["mail_activity_type_holiday"], (0, 0), "the core kinds show even when none is due")
        self.assertEqual(counts["weekly_summary"], (0, 0))
        self.assertNotIn("checkouts_to_approve", counts, "an RM has no decisions to take")
        self.assertNotIn("handovers", counts)
        workbench = self.workbench(self.user_rm_a)
        self.assertEqual((workbench.due_count, workbench.overdue_count), (2, 1))
        self.assertEqual(self.counts(self.user_rm_b)["mail_activity_type_birthday"], (1, 0))

    def test_each_count_opens_its_records(self):
        workbench = self.workbench(self.user_rm_a)
        line = workbench.line_ids.filtered(lambda line: line.activity_type_id == self.type_birthday)
        action = line.action_open()
        found = self.env[action["res_model"]].with_user(self.user_rm_a).search(action["domain"])
        self.assertEqual(found, self.birthday_a)
        line = workbench.line_ids.filtered(lambda line: line.queue == "contact_due")
        action = line.action_open()
        self.assertEqual(
            self.env[action["res_model"]].with_user(self.user_rm_a).search_count(action["domain"]), line.count
        )

    def test_unit_heads_queues(self):
        head_1, head_2 = self.counts(self.user_head_1), self.counts(self.user_head_2)
        self.assertEqual(head_1["dossiers_to_lock"], (1, 0))
        self.assertEqual(head_1["checkouts_to_approve"], (0, 0), "the request is at outlet 2")
        self.assertEqual(head_2["checkouts_to_approve"], (1, 0))
        self.assertEqual(head_2["dossiers_to_lock"], (0, 0))
        supervisor = self.counts(self.user_supervisor)
        self.assertEqual(supervisor["checkouts_to_approve"], (1, 0), "outlet 2 is overseen")
        # RM a's overdue periodic contact (customer A, outlet 1); RM b's greeting is due today only.
        self.assertEqual(head_1["unit_overdue"], (1, 0))
        self.assertEqual(head_2["unit_overdue"], (0, 0))
        self.assertEqual(supervisor["unit_overdue"], (1, 0))

    def test_office_and_hr(self):
        office, hr = self.counts(self.user_office), self.counts(self.user_hr)
        self.assertIn("handovers", office)
        self.assertNotIn("config_changes", office, "configuration changes are the administrators'")
        self.assertIn("config_changes", self.counts(self.user_admin))
        self.assertNotIn("mail_activity_type_birthday", office, "the office serves no customer")
        self.assertEqual(set(hr), {"handovers"})

    def test_home_action_of_bank_staff(self):
        action = self.env.ref(PREFIX + "bank_workbench_action")
        for user in (self.user_rm_a, self.user_head_1, self.user_office, self.user_hr):
            self.assertEqual(user.action_id.id, action.id, user.login)
        self.assertFalse(self.user_plain.action_id, "other users keep Odoo's home")

    def test_a_workbench_is_its_users_only(self):
        workbench = self.workbench(self.user_rm_a)
        with self.assertRaises(AccessError):
            workbench.with_user(self.user_rm_b).read(["due_count"])
        with self.assertRaises(AccessError):
            workbench.line_ids.with_user(self.user_rm_b).read(["count"])

    def test_nobody_makes_or_redirects_a_workbench_by_hand(self):
        workbench = self.workbench(self.user_rm_a)
        Line = self.env["bank.workbench.line"].with_user(self.user_rm_b)
        with self.assertRaises(AccessError):
            Line.create({"workbench_id": workbench.id, "section": "mine", "queue": "potential", "name": "x"})
        with self.assertRaises(AccessError):
            self.Workbench.with_user(self.user_rm_b).create({"user_id": self.user_rm_a.id})
        with self.assertRaises(AccessError):
            self.Workbench.with_user(self.user_rm_b).with_context(default_user_id=self.user_rm_a.id).create({})
        mine = self.workbench(self.user_rm_b)
        with self.assertRaises(AccessError):
            mine.write({"user_id": self.user_rm_a.id})
        self.assertEqual(mine.user_id, self.user_rm_b)

    def test_query_count(self):
        self.workbench(self.user_rm_a)  # warm the caches
        self.env.invalidate_all()
        # 60 for the queues, and the RM's own figures: the appraisal, the AUM, the value month and its sum.
        with self.assertQueryCount(65):
            workbench = self.workbench(self.user_rm_a)
            workbench.line_ids.read(["name", "count", "overdue_count"])
            workbench.read(["due_count", "overdue_count", "rm_appraisal_score", "rm_aum", "rm_contribution"])

    def test_rm_figures_appraisal_and_value(self):
        """The RM's own figures: their newest non-superseded monthly appraisal that they may read
        (a draft is not theirs to see), the AUM of the customers they serve as primary RM and the
        contribution of the newest value month; another RM's figures stay out."""
        Appraisal = self.env["bank.appraisal"]
        kpi = self.env.ref(PREFIX + "kpi_sales_won_count")

        def appraisal(rm, date_to, state, measured):
            return Appraisal._bank_system_create([{
                "rm_id": rm.id, "rm_user_id": rm.user_id.id, "unit_id": rm.unit_id.id, "period": "monthly",
                "state": state, "date_from": date_to.replace(day=1),
                "date_to": date_to, "line_ids": [Command.create({
                    "kpi_id": kpi.id, "source": "computed", "higher_is_better": True, "weight": 40,
                    "target": 10, "cap": 120, "measured": measured,
                })],
            }])

        october = appraisal(self.rm_a, datetime.date(2026, 10, 31), "published", 5)
        appraisal(self.rm_a, datetime.date(2026, 11, 30), "draft", 10)  # not yet the RM's to read
        appraisal(self.rm_b, datetime.date(2026, 11, 30), "published", 10)
        company = self.env.company
        self.env["bank.customer.value"]._bank_system_create([{
            "partner_id": partner.id, "rm_id": rm.id, "date": day, "contribution": contribution,
            "company_id": company.id, "currency_id": company.currency_id.id,
        } for partner, rm, day, contribution in (
            (self.customer_a, self.rm_a, datetime.date(2026, 11, 30), 120.0),
            (self.customer_a, self.rm_a, datetime.date(2026, 10, 31), 99.0),
            (self.customer_b, self.rm_b, datetime.date(2026, 11, 30), 500.0),
        )])
        self.customer_a.write({"bank_aum": 800000})
        workbench = self.workbench(self.user_rm_a)
        self.assertEqual(workbench.rm_appraisal_id, october)
        self.assertEqual(workbench.rm_appraisal_score, 20.0, "weight 40 × 50 % achievement")
        self.assertEqual(workbench.rm_appraisal_date, datetime.date(2026, 10, 31))
        mine = self.env["res.partner"].search([("is_bank_customer", "=", True), ("bank_rm_id", "=", self.rm_a.id)])
        self.assertEqual(workbench.rm_customer_count, len(mine))
        self.assertEqual(workbench.rm_aum, sum(mine.mapped("bank_aum")))
        self.assertIn(self.customer_a, mine)
        self.assertGreaterEqual(workbench.rm_aum, 800000)
        self.assertEqual(workbench.rm_value_date, datetime.date(2026, 11, 30))
        self.assertEqual(workbench.rm_contribution, 120.0, "the newest month of RM a's customers only")
        action = workbench.action_open_my_values()
        values = self.env["bank.customer.value"].with_user(self.user_rm_a).search(action["domain"])
        self.assertEqual(values.mapped("contribution"), [120.0])
        self.assertEqual(workbench.action_open_my_appraisal()["res_id"], october.id)
        # A unit head who is no RM has no such figures.
        head = self.workbench(self.user_head_2)
        self.assertFalse(head.rm_appraisal_id)
        self.assertEqual(head.rm_contribution, 0)
