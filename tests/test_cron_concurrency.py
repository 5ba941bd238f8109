# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import glob
import logging
import os
import threading
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.sql_db import Cursor
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.base.models.ir_cron import IrCron

from .committed_common import CommittedData
from .common import BankCase

ADDON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Tables whose existing rows the nightly jobs update (flags, tiers, states), copied before and
# put back after the committed runs; every row they insert anywhere is deleted by id.
_RESTORED_TABLES = (
    "res_partner", "bank_account", "bank_rm", "bank_complaint", "bank_dossier_checkout", "bank_appraisal",
    "bank_customer_value", "bank_value_analysis", "bank_maintenance_plan", "mail_activity", "crm_lead",
)

# The step of each job that writes, after its batch was read: the two runs meet there, so that
# both have read the same batch before either writes (the race, every time).
_WRITE_STEPS = {
    "_cron_bank_evaluate": ("bank.tier.engine", "_evaluate_and_apply"),
    "_cron_bank_customer_state": ("res.partner", "_bank_update_state"),
    "_cron_generate_month": ("res.partner", "_bank_value_snapshot"),
    "_cron_generate_monthly": ("bank.appraisal", "_bank_insert_drafts"),
    "_cron_plan": ("bank.maintenance.plan", "_plan_batch"),
    "_cron_plan_post_loan": ("bank.maintenance.plan", "_plan_batch"),
    "_cron_overdue": (None, "_bank_notify_overdue"),
}


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def addon_crons():
    """``{xml id: (model, code)}`` of every ``ir.cron`` record in the add-on's data files."""
    crons = {}
    for path in sorted(glob.glob(os.path.join(ADDON_DIR, "data", "*.xml"))):
        for record in etree.parse(path).iterfind(".//record[@model='ir.cron']"):
            model_ref = record.find("field[@name='model_id']").get("ref")
            crons[record.get("id")] = (model_ref, record.find("field[@name='code']").text.strip())
    return crons


@tagged("post_install", "-at_install")
class TestCronConcurrency(BankCase, CommittedData):
    """Two cron workers (or a worker and a person starting the same job by hand) run the add-on's
    nightly jobs at the same time, each on its own connection: no work is done twice, none is
    lost, and neither run fails.

    Odoo locks a job's ``ir_cron`` row while a worker runs it (``_acquire_one_job``: FOR NO KEY
    UPDATE SKIP LOCKED), so a second worker skips it; nothing stops the same method started by
    hand, or two jobs over the same customers. These runs must commit to meet, so the test
    commits on the database and puts it back as it was afterwards."""

    # Early March 2031: the appraisals, value snapshots and analyses of February are due, and no
    # data of the database is of that month yet.
    reference_now = datetime.datetime(2031, 3, 4, 20, 0)
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        # Committed first: the class's own transaction (BankCase's users) would block it.
        with patch.object(Cursor, "now", lambda cr: cls.reference_now), freeze_time(cls.reference_now):
            cls.commit_fixtures(cls._make_work, _RESTORED_TABLES)
        super().setUpClass()

    def setUp(self):
        super().setUp()
        # The cursors of the two runs read the frozen clock too (``frozen_clock`` covers the test's own).
        self.startPatcher(patch.object(Cursor, "now", lambda cr: self.reference_now))

    def _cursor(self):
        return self.registry.cursor()

    # ------------------------------------------------------------------ Odoo's own lock

    def test_a_job_is_taken_by_one_worker(self):
        crons = addon_crons()
        self.assertGreaterEqual(len(crons), 9, "the nightly jobs of the data files")
        jobs = {xmlid: self.env.ref(f"bank_relationship_manager.{xmlid}") for xmlid in crons}
        for xmlid, job in jobs.items():
            self.assertEqual(job.code.strip(), crons[xmlid][1], xmlid)
        with self._cursor() as cr1, self._cursor() as cr2:
            for xmlid, job in jobs.items():
                first = IrCron._acquire_one_job(cr1, job.id, include_not_ready=True)
                second = IrCron._acquire_one_job(cr2, job.id, include_not_ready=True)
                self.assertEqual(first and first["id"], job.id, xmlid)
                self.assertIsNone(second, f"{xmlid}: a second worker skips the job the first one holds")
                cr1.rollback()
                self.assertEqual(IrCron._acquire_one_job(cr2, job.id, include_not_ready=True)["id"], job.id,
                                 f"{xmlid}: released, the job is free again")
                cr2.rollback()

    # ----------------------------------------------------------- the same job, twice at once

    def test_every_nightly_job_run_twice_at_once(self):
        crons = addon_crons()
        outcome = {}
        for xmlid, (_model_ref, code) in crons.items():
            job = self.env.ref(f"bank_relationship_manager.{xmlid}")
            method = code.removeprefix("model.").removesuffix("()")
            outcome[xmlid] = self._run_twice(job.model_id.model, method)
        self.assertEqual({xmlid: result["errors"] for xmlid, result in outcome.items() if result["errors"]}, {},
                         "both runs of every job finish")
        raced = [xmlid for xmlid, result in outcome.items() if result["met"] == 2]
        # (The value analyses need a tier and a snapshot that the same night's jobs give.)
        conflicts = {xmlid: result["conflicts"] for xmlid, result in outcome.items()}
        for xmlid in ("ir_cron_bank_evaluate", "ir_cron_bank_customer_state", "ir_cron_bank_customer_value",
                      "ir_cron_bank_appraisal_monthly", "ir_cron_bank_plan_maintenance",
                      "ir_cron_bank_post_loan_checks", "ir_cron_bank_complaint_overdue",
                      "ir_cron_bank_dossier_overdue"):
            self.assertIn(xmlid, raced, f"{xmlid}: both runs read the same batch before writing")
            # The second writer met the first one's commit, rolled its batch back and read it again.
            self.assertGreaterEqual(conflicts[xmlid], 1, f"{xmlid}: a batch read again ({conflicts})")
        self._check_nothing_twice()
        self._check_nothing_left()

    def test_two_jobs_over_the_same_customers(self):
        """The evaluation and the customer state, two jobs a second cron worker runs side by side,
        both write every customer's row: both finish, and every customer is done by both."""
        with self._cursor() as cr:
            cr.execute("UPDATE res_partner SET bank_evaluated_on = NULL, bank_state_date = NULL "
                       "WHERE is_bank_customer")
        result = self._run_together([("res.partner", "_cron_bank_evaluate"),
                                     ("res.partner", "_cron_bank_customer_state")])
        self.assertEqual(result["errors"], [], "both jobs finish")
        self.assertEqual(result["met"], 2, "both read their first batch before either wrote")
        self.assertGreaterEqual(result["conflicts"], 1, "one met the other's commit and read its batch again")
        with self._cursor() as cr:
            cr.execute(SQL(
                """SELECT count(*) FROM res_partner WHERE is_bank_customer
                     AND (bank_evaluated_on IS DISTINCT FROM %(today)s
                          OR bank_state_date IS DISTINCT FROM %(today)s)""",
                today=self.today,
            ))
            self.assertEqual(cr.fetchone()[0], 0, "every customer evaluated and checked today")

    def _run_twice(self, model_name, method):
        """Run ``model_name.method()`` in two threads at once, each on its own cursor, as the cron
        worker runs it (superuser, batches committed by ``_commit_progress``)."""
        return self._run_together([(model_name, method), (model_name, method)])

    def _run_together(self, jobs):
        """Run each ``(model_name, method)`` of ``jobs`` (two) in a thread of its own, at once."""
        meeting = threading.Barrier(2)
        met = []
        errors = []
        patches = []
        seen = threading.local()
        for model_name, method in dict.fromkeys(jobs):
            step_model, step = _WRITE_STEPS.get(method, (None, None))
            if not step:
                continue
            cls = type(self.env[step_model or model_name])
            original = getattr(cls, step)

            def meet_then_write(records, *args, original=original, **kwargs):
                if not getattr(seen, "done", False):
                    seen.done = True
                    try:
                        meeting.wait(timeout=5)
                        met.append(1)
                    except threading.BrokenBarrierError:
                        pass
                return original(records, *args, **kwargs)

            patches.append(patch.object(cls, step, meet_then_write))

        def run(model_name, method):
            try:
                with self._cursor() as cr:
                    cr.execute("SET lock_timeout = '30s'")
                    getattr(api.Environment(cr, SUPERUSER_ID, {})[model_name], method)()
            except Exception as error:  # noqa: BLE001 - what the test checks
                errors.append(f"{type(error).__name__}: {error}")

        conflicts = _Collect()
        batches_logger = logging.getLogger("odoo.addons.bank_relationship_manager.tools.cron_batches")
        batches_logger.addHandler(conflicts)
        level = batches_logger.level
        batches_logger.setLevel(logging.INFO)
        for p in patches:
            p.start()
        try:
            threads = [threading.Thread(target=run, args=job) for job in jobs]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            self.assertFalse(any(thread.is_alive() for thread in threads), f"{method} finished")
        finally:
            for p in patches:
                p.stop()
            batches_logger.removeHandler(conflicts)
            batches_logger.setLevel(level)
        return {"errors": errors, "met": len(met), "conflicts": len(conflicts.records)}

    # ------------------------------------------------------------------ checks

    def _rows(self, query):
        with self._cursor() as cr:
            cr.execute(query)
            return cr.fetchall()

    def _check_nothing_twice(self):
        marks = self.marks  # (class attribute: CommittedData)
        checks = {
            "activities": SQL(
                """SELECT res_model, res_id, activity_type_id, date_deadline, summary, count(*) FROM mail_activity
                    WHERE id > %s GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1""", marks["mail_activity"]),
            "tier histories": SQL(
                """SELECT partner_id, date, count(*) FROM bank_tier_history WHERE id > %s GROUP BY 1, 2
                   HAVING count(*) > 1""", marks["bank_tier_history"]),
            "opportunities": SQL(
                """SELECT partner_id, count(*) FROM crm_lead WHERE id > %s GROUP BY 1 HAVING count(*) > 1""",
                marks["crm_lead"]),
            "appraisals": SQL(
                """SELECT rm_id, date_from, count(*) FROM bank_appraisal WHERE id > %s AND NOT superseded
                    GROUP BY 1, 2 HAVING count(*) > 1""", marks["bank_appraisal"]),
            "value snapshots": SQL(
                """SELECT partner_id, date, count(*) FROM bank_customer_value WHERE id > %s GROUP BY 1, 2
                   HAVING count(*) > 1""", marks["bank_customer_value"]),
        }
        for name, query in checks.items():
            self.assertEqual(self._rows(query), [], f"no {name} made twice")
        counts = dict(self._rows(SQL(
            """SELECT 'activities', count(*) FROM mail_activity WHERE id > %s
               UNION ALL SELECT 'histories', count(*) FROM bank_tier_history WHERE id > %s
               UNION ALL SELECT 'snapshots', count(*) FROM bank_customer_value WHERE id > %s
               UNION ALL SELECT 'appraisals', count(*) FROM bank_appraisal WHERE id > %s""",
            marks["mail_activity"], marks["bank_tier_history"], marks["bank_customer_value"], marks["bank_appraisal"],
        )))
        for name, count in counts.items():
            self.assertGreater(count, 0, f"the runs made {name}")

    def _check_nothing_left(self):
        today = self.today
        month_end = today.replace(day=1) - datetime.timedelta(days=1)
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Partner = env["res.partner"].with_context(active_test=False)
            customers = [("is_bank_customer", "=", True)]
            self.assertFalse(Partner.search_count(customers + [
                "|", ("bank_evaluated_on", "=", False), ("bank_evaluated_on", "<", today)]), "everyone evaluated")
            self.assertFalse(env["res.partner"].search_count(customers + [
                "|", ("bank_state_date", "=", False), ("bank_state_date", "<", today)]), "every state checked")
            self.assertFalse(env["bank.customer.value"]._bank_customers().search_count(
                env["bank.customer.value"]._bank_missing_domain(month_end)), "everyone snapshotted")
            self.assertFalse(env["bank.appraisal"].search_count([
                ("period", "=", "monthly"), ("date_from", "=", month_end.replace(day=1)), ("state", "=", "draft"),
            ]), "every appraisal computed")
            for model in ("bank.complaint", "bank.dossier.checkout"):
                self.assertFalse(env[model].search_count([("is_overdue", "=", True), ("overdue_notified", "=", False)]),
                                 f"every overdue {model} notified")
            Plan = env["bank.maintenance.plan"]
            settings = Plan._plan_settings()
            for kind, type_name in (("birthday", "birthday"), ("holiday", "holiday"),
                                    ("periodic", "periodic_contact"), ("maturity", "maturity")):
                activity_type = env.ref(f"bank_relationship_manager.mail_activity_type_{type_name}")
                self.assertFalse(env.execute_query(Plan._candidates_sql(kind, today, settings, activity_type)),
                                 f"every {kind} occasion planned")
            self.assertFalse(env.execute_query(Plan._post_loan_candidates_sql(today, Plan._post_loan_settings(today))),
                             "every post-loan check planned")

    # ------------------------------------------------------------------ committed data

    @classmethod
    def _make_work(cls, env):
        """A unit, an RM and a customer with a large deposit (a tier to win), a birthday in two
        days, a loan in arrears, an overdue complaint and an overdue dossier check-out."""
        today = env.company._bank_today()
        head = env["res.users"].create({"name": "T cron head", "login": "t_cron_head", "group_ids": [
            (4, env.ref("bank_relationship_manager.group_bank_unit_head").id)]})
        rm_user = env["res.users"].create({"name": "T cron RM", "login": "t_cron_rm", "group_ids": [
            (4, env.ref("bank_relationship_manager.group_bank_rm").id)]})
        unit = env["bank.org.unit"].create(
            {"name": "T cron outlet", "code": "T-CRON", "level": "outlet", "head_user_id": head.id,
             "has_wealth_room": True}
        )
        grade = env.ref("bank_relationship_manager.rm_grade_rm")
        rm = env["bank.rm"].create({"user_id": rm_user.id, "grade_id": grade.id, "unit_id": unit.id})
        customer = env["res.partner"].create({
            "name": "T cron customer", "is_bank_customer": True, "bank_rm_id": rm.id,
            "birthday": today.replace(year=1980) + datetime.timedelta(days=2),
        })
        category = env.ref("bank_relationship_manager.product_category_dep_time")
        deposit = env["bank.account"].create({
            "partner_id": customer.id, "category_id": category.id, "account_no": "T-CRON-DEP",
            "currency_id": env.company.currency_id.id,
        })
        env["bank.balance"].load_balances([
            {"account_no": deposit.account_no, "date": today - datetime.timedelta(days=200), "balance": 900000},
        ])
        loan_category = env.ref("bank_relationship_manager.product_category_loan_credit")
        env["bank.account"].create({
            "partner_id": customer.id, "category_id": loan_category.id,
            "account_no": "T-CRON-LOAN", "currency_id": env.company.currency_id.id, "contract_amount": 500000,
        })
        env["bank.complaint"].create({
            "partner_id": customer.id, "description": "T cron complaint", "category": "mis_selling", "channel": "phone",
            "date_received": today - datetime.timedelta(days=30),
        })
