# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from .test_appraisal_core import AppraisalCase

_BATCH = "odoo.addons.bank_relationship_manager.models.bank_appraisal_monthly._COMPUTE_BATCH"


class TestAppraisalRun(AppraisalCase):
    """The monthly run: who is appraised, the cron's batches, corrections and plan versions."""

    def month_appraisals(self):
        return self.env["bank.appraisal"].search([
            ("period", "=", "monthly"), ("date_from", "=", self.month), ("rm_id", "in", self.rms.ids),
        ])

    def test_rms_served_in_the_month(self):
        # B left mid-month (appraised on what they did), C joined after the month (not appraised).
        self.rm_b.sudo()._bank_system_write({"date_left": date(2026, 11, 14)})
        self.env.cr.execute("UPDATE bank_rm SET state = 'left' WHERE id = %s", [self.rm_b.id])
        self.rm_c.date_joined = date(2026, 12, 1)
        self.env.invalidate_all()
        self.assertEqual(self.generate().rm_id, self.rm_a | self.rm_b)
        # An RM who left before the month is not appraised either.
        self.rm_b.sudo()._bank_system_write({"date_left": date(2026, 10, 31)})
        self.assertEqual(self.generate().rm_id, self.rm_a)

    def test_cron_is_idempotent_and_resumes_after_a_crash(self):
        with patch(_BATCH, 1), self.cron_batches_commit():
            first, crashed = self.crash_cron_midway(
                "bank.appraisal", "_bank_compute", self.env["bank.appraisal"]._cron_generate_monthly
            )
            self.assertEqual(first.mapped("state"), ["computed"], "the first batch was kept")
            self.assertEqual(crashed.mapped("state"), ["draft"], "the crashed batch rolled back")
            self.env["bank.appraisal"]._cron_generate_monthly()
            appraisals = self.month_appraisals()
            self.assertEqual(appraisals.rm_id, self.rms, "one appraisal per RM, none twice")
            self.assertEqual(set(appraisals.mapped("state")), {"computed"})
            computed_on = appraisals.mapped("computed_on")
            self.env["bank.appraisal"]._cron_generate_monthly()
        self.assertEqual(self.month_appraisals(), appraisals)
        self.assertEqual(appraisals.mapped("computed_on"), computed_on, "computed appraisals are left as they are")

    def test_correction_is_a_new_appraisal(self):
        appraisal = self.generate().filtered(lambda a: a.rm_id == self.rm_a)
        self.enter(appraisal, 80, 10)
        appraisal.with_user(self.user_supervisor).action_review()
        appraisal.with_user(self.user_office).action_publish()
        with self.assertRefused(AccessError, "office"):
            appraisal.with_user(self.user_supervisor).action_correct()
        action = appraisal.with_user(self.user_office).action_correct()
        correction = self.env["bank.appraisal"].browse(action["res_id"])
        self.assertEqual((correction.corrected_id, correction.state), (appraisal, "computed"))
        self.enter(correction, 40, 10)
        correction.with_user(self.user_supervisor).action_review()
        correction.with_user(self.user_office).action_publish()
        self.assertTrue(appraisal.superseded)
        self.assertEqual(appraisal.total_score, 100.0, "the original stays as it was published")
        self.assertEqual(correction.total_score, 70.0)
        # A new run neither duplicates nor touches them.
        self.generate()
        self.assertEqual(len(self.month_appraisals().filtered(lambda a: a.rm_id == self.rm_a)), 2)

    def test_new_plan_version_never_rewrites_the_past(self):
        november = self.generate().filtered(lambda a: a.rm_id == self.rm_a)
        self.assertEqual(november.line_ids.mapped("weight"), [60.0, 40.0])
        action = self.plan.with_user(self.user_admin).action_new_version()
        version_2 = self.env["bank.appraisal.plan"].browse(action["res_id"])
        self.assertEqual((version_2.version, version_2.state, version_2.date_start), (2, "draft", date(2027, 1, 1)))
        version_2.line_ids[0].weight = 30
        version_2.line_ids[1].weight = 70
        version_2.action_activate()
        # November is still appraised on version 1; January 2027 on version 2.
        self.generate()
        self.assertEqual(november.plan_id, self.plan)
        self.assertEqual(november.line_ids.mapped("weight"), [60.0, 40.0])
        self.assertEqual(self.env["bank.appraisal.plan"]._bank_plans_for(self.rm_a, date(2027, 1, 1))[self.rm_a.id],
                         version_2)
        with self.assertRefused(AccessError, "administrator"):
            version_2.with_user(self.user_office).action_retire()

    def test_bad_dates_are_refused(self):
        for bad in ("2026-13-01", "yesterday", None):
            with self.assertRefused(ValidationError, "not a date"):
                self.env["bank.appraisal"].with_user(self.user_office).generate_monthly(bad)


@tagged("post_install", "-at_install")
class TestAppraisalRpc(HttpCase, AppraisalCase):
    """The same rules over JSON-RPC, as the web client and outside programs reach them."""

    def call(self, login, model, method, args, kwargs=None):
        from .test_rpc_probes import TestRpcProbes

        return TestRpcProbes.call(self, login, model, method, args, kwargs)

    def test_roles_over_rpc(self):
        appraisals = self.generate()
        own = appraisals.filtered(lambda a: a.rm_id == self.rm_a)
        other = appraisals.filtered(lambda a: a.rm_id == self.rm_c)
        ids, error = self.call("t_rm_a", "bank.appraisal", "search", [[("id", "in", appraisals.ids)]])
        self.assertEqual((ids, error), (own.ids, None))
        _result, error = self.call("t_rm_a", "bank.appraisal", "read", [other.ids, ["total_score"]])
        self.assertTrue(error)
        _result, error = self.call("t_rm_a", "bank.appraisal.line", "search_read",
                                   [[("appraisal_id", "=", other.id)], ["actual"]])
        self.assertFalse(error)
        self.assertEqual(_result, [])
        for method, args in (
            ("write", [own.ids, {"supervisor_score": 100}]),
            ("action_review", [own.ids]),
            ("action_publish", [own.ids]),
            ("generate_monthly", ["2026-11-15"]),
            ("unlink", [own.ids]),
        ):
            result, error = self.call("t_rm_a", "bank.appraisal", method, args)
            self.assertTrue(error, f"{method} was allowed to the RM")
        # The supervisor of outlet 1 reads A's, the centre's head does not oversee it.
        ids, error = self.call("t_supervisor", "bank.appraisal", "search", [[("id", "in", appraisals.ids)]])
        self.assertEqual(set(ids), set((appraisals - other).ids))
        ids, error = self.call("t_center_head", "bank.appraisal", "search", [[("id", "in", appraisals.ids)]])
        self.assertEqual(ids, other.ids)
        ids, error = self.call("t_hr", "bank.appraisal", "search", [[("id", "in", appraisals.ids)]])
        self.assertEqual(ids, [])
        ids, error = self.call("t_office", "bank.appraisal", "generate_monthly", ["2026-11-15"])
        self.assertEqual(set(ids), set(appraisals.ids))
        self.assertEqual(appraisals.mapped("state"), ["computed"] * 3)


class TestAppraisalMeasured(AppraisalCase):
    """A computed KPI end to end: the line's actual is what the records say, the drill-down opens them."""

    def test_contacts_logged_line_and_drill_down(self):
        kpi = self.env.ref("bank_relationship_manager.kpi_contacts_logged")
        plan = self.env["bank.appraisal.plan"].create({
            "name": "T contacts", "date_start": date(2026, 1, 1), "grade_ids": [(6, 0, self.grade_rm.ids)],
            "role": "wealth",
            "line_ids": [(0, 0, {"kpi_id": kpi.id, "weight": 100, "target": 4, "cap": 120})],
        })
        plan.action_activate()
        Log = self.env["bank.maintenance.log"].with_user(self.user_rm_a)
        logs = self.env["bank.maintenance.log"]
        for day in (date(2026, 11, 2), date(2026, 11, 20), date(2026, 11, 30)):
            logs |= Log.create({"partner_id": self.customer_a.id, "date": day, "summary": "T", "channel": "phone"})
        Log.create({"partner_id": self.customer_a.id, "date": date(2026, 10, 31), "summary": "T", "channel": "phone"})
        appraisal = self.generate().filtered(lambda a: a.rm_id == self.rm_a)
        self.assertEqual(appraisal.plan_id, plan, "grade and role beat grade alone")
        line = appraisal.line_ids
        self.assertEqual((line.actual, line.achievement, line.score), (3.0, 75.0, 75.0))
        self.assertEqual(appraisal.pay_coefficient, 0.8)
        action = line.with_user(self.user_rm_a).action_open_records()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), logs)
        # One more log: recomputing a computed appraisal follows the records.
        Log.create({"partner_id": self.customer_a.id, "date": date(2026, 11, 21), "summary": "T", "channel": "visit"})
        self.generate()
        self.assertEqual(appraisal.line_ids.actual, 4.0)
