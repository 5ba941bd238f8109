# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import random

from dateutil.relativedelta import relativedelta

from odoo import api, models

from .bank_maintenance_demo_data import _CHANNELS, _SUMMARIES

# The monthly appraisals published before the month left in review.
_PUBLISHED_MONTHS = 6
# Contacts an RM logs a month, by RM (their diligence, from the least to the most), before the
# six weeks of the maintenance demo (demo/bank_maintenance_demo_data.py).
_CONTACTS_PER_MONTH = (18, 46)


class BankAppraisalDemoData(models.AbstractModel):
    """The appraisal of the demo RMs (docs/appraisal.md), computed from the demo records and
    walked through its states by the users who take each step, through the public methods:

    - six months of monthly appraisals, run by the RM office, reviewed by the supervisor of each
      RM's unit (the manual KPIs, a score, a comment) and published by the office; the last
      complete month before today is computed and left in review, half of it reviewed;
    - last year's annual appraisal: the colleagues of each unit review each other first, the
      office runs it, the supervisors score and review it, the office publishes it (its monthly
      part is the mean of last year's published months: those of the six that fall in last year,
      so none when the demo is installed after August);
    - one published special campaign on the contacts logged, for the two sub-branches.

    The months are those before the bank's today at install, whatever the day of the year (a
    January install appraises months of last year). The maintenance demo holds six weeks of
    contacts; the RMs' earlier contacts of the appraised months are logged here first, on their
    own customers, so that every month has figures. Run once at install: it does nothing when
    the demo RMs already have appraisals."""

    _name = "bank.appraisal.demo.data"
    _description = "Demo appraisal generator"

    @api.model
    def _generate_appraisals(self):
        ref = self.env.ref
        office = ref("bank_relationship_manager.user_office", raise_if_not_found=False)
        Appraisal = self.env["bank.appraisal"]
        rms = self.env["bank.rm"].search([("user_id", "!=", False)], order="employee_no, id")
        if not office or not rms or Appraisal.search_count([("rm_id", "in", rms.ids)], limit=1):
            return
        rng = random.Random(20261206)
        today = self.env.company._bank_today()
        review_month = today.replace(day=1) - relativedelta(months=1)
        months = [review_month - relativedelta(months=n) for n in range(_PUBLISHED_MONTHS, 0, -1)]
        # Each RM's own level of effort and quality, kept across the months (a ranking that moves
        # a little from month to month, not a lottery).
        profiles = {rm.id: rng.uniform(0.0, 1.0) for rm in rms}
        self._log_earlier_contacts(rms, months[0], profiles, rng)
        As = Appraisal.with_user(office)
        for month in months:
            appraisals = As.browse(As.generate_monthly(month))
            self._review(appraisals, profiles, rng)
            appraisals.action_publish()
        current = As.browse(As.generate_monthly(review_month))
        self._review(current[: len(current) // 2], profiles, rng)
        self._generate_annual(today.year - 1, office, profiles, rng)
        self._generate_campaign(office, months[-2], review_month)

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    @api.model
    def _log_earlier_contacts(self, rms, first_month, profiles, rng):
        """The contacts of each RM from the first appraised month to the maintenance demo's first
        log: on their customers already contacted (those never contacted stay so), logged by the
        RM (one create per RM)."""
        Log = self.env["bank.maintenance.log"]
        for rm in rms:
            logs = Log.search([("rm_id", "=", rm.id)])
            customers = logs.partner_id.filtered(lambda p, rm=rm: p.bank_rm_id == rm)
            if not customers:
                continue
            end = min(logs.mapped("date")) - datetime.timedelta(days=1)
            low, high = _CONTACTS_PER_MONTH
            per_month = low + (high - low) * profiles[rm.id]
            vals_list, day = [], first_month
            while day <= end:
                month_end = min(day + relativedelta(months=1, days=-1), end)
                days = (month_end - day).days + 1
                for _contact in range(round(per_month * rng.uniform(0.8, 1.2) * days / 30)):
                    log_type = rng.choice(["periodic", "periodic", "sale", "service", "maturity"])
                    # Tiered customers are contacted more often (seed: 70 % of the time on them).
                    tiered = customers.filtered("bank_tier_id")
                    pool = tiered if tiered and rng.random() < 0.75 else customers
                    vals_list.append({
                        "partner_id": rng.choice(pool).id,
                        "rm_id": rm.id,
                        "date": day + datetime.timedelta(days=rng.randint(0, days - 1)),
                        "channel": rng.choice(_CHANNELS),
                        "log_type": log_type,
                        "summary": rng.choice(_SUMMARIES[log_type]),
                        "outcome": rng.choice(["done", "done", "done", "follow_up", "not_reached"]),
                        "minutes": rng.choice([5, 10, 15, 20, 30, 45, 60]),
                    })
                day = month_end + datetime.timedelta(days=1)
            if vals_list:
                Log.with_user(rm.user_id).create(vals_list)

    @api.model
    def _review(self, appraisals, profiles, rng):
        """The supervisor of each RM's unit enters the manual KPIs, a score and a comment, and
        reviews the appraisal (monthly or annual)."""
        for appraisal in appraisals:
            reviewer = self._reviewer(appraisal)
            mine = appraisal.with_user(reviewer) if reviewer else appraisal.with_env(self.env)
            quality = profiles.get(appraisal.rm_id.id, 0.5)
            for line in mine.line_ids.filtered(lambda line: line.source == "manual"):
                line.manual_value = round(min(100.0, 72 + 24 * quality + rng.uniform(-4, 4)))
            score = round(min(100.0, 68 + 28 * quality + rng.uniform(-5, 5)))
            mine.write({
                "supervisor_score": score,
                "supervisor_comment": "工作认真，客户维护到位。" if score >= 85 else
                "完成情况尚可，需加强客户联系与产品营销。" if score >= 75 else
                "请与主管共同制定改进计划，重点提升客户维护频率。",
            })
            mine.action_review()

    @api.model
    def _reviewer(self, appraisal):
        """The supervisor nearest to the RM's unit: its supervisor, else its wealth-centre head, else
        those of the units above (all of them oversee it: ``oversight_user_ids``); none for an RM
        of the branch itself, whom no supervisor oversees (the installer reviews, as the
        administrator would)."""
        unit = appraisal.unit_id
        while unit:
            for user in (unit.supervisor_user_id, unit.center_head_user_id):
                if user and user != appraisal.rm_user_id:
                    return user
            unit = unit.parent_id
        return None

    @api.model
    def _generate_annual(self, year, office, profiles, rng):
        """Last year: every RM reviews the colleagues of their unit (as themself), then the annual
        appraisal is run, reviewed and published."""
        PeerReview = self.env["bank.peer.review"]
        rms = self.env["bank.appraisal"]._bank_rms_served(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        for unit_rms in rms.filtered("user_id").grouped("unit_id").values():
            for reviewer in unit_rms:
                vals_list = [{
                    "rm_id": colleague.id, "year": year,
                    "score": round(min(100.0, 70 + 25 * profiles.get(colleague.id, 0.5) + rng.uniform(-6, 6))),
                } for colleague in unit_rms - reviewer]
                if vals_list:
                    PeerReview.with_user(reviewer.user_id).create(vals_list)
        As = self.env["bank.appraisal"].with_user(office)
        annual = As.browse(As.generate_annual(year))
        self._review(annual, profiles, rng)
        annual.action_publish()

    @api.model
    def _generate_campaign(self, office, date_from, last_month):
        """A special campaign over the last three appraised months: the contacts the RMs of the two
        sub-branches logged, computed and published by the office."""
        ref = self.env.ref
        units = ref("bank_relationship_manager.unit_cy_sub") | ref("bank_relationship_manager.unit_hd_sub")
        campaign = self.env["bank.appraisal.campaign"].with_user(office).create({
            "name": "客户回访季",
            "description": "支行客户经理三个月内记录的客户联系次数排名：多联系、多倾听，让客户感受到我们的服务。",
            "kpi_id": ref("bank_relationship_manager.kpi_contacts_logged").id,
            "date_from": date_from,
            "date_to": last_month + relativedelta(months=1, days=-1),
            "unit_ids": [(6, 0, units.ids)],
        })
        campaign.action_compute()
        campaign.action_publish()
