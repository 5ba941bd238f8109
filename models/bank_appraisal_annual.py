# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math
from datetime import date as Date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, html_escape

GROUP_HR = "bank_relationship_manager.group_bank_hr"


class BankAppraisal(models.Model):
    """The annual run (年度考核): every RM who served in the year gets an appraisal combining the
    mean of the year's published monthly scores, the colleagues' peer reviews (their mean and
    number only, models/bank_peer_review.py) and the supervisor's score, weighted by the company's
    settings (models/res_company_appraisal.py; the total is the stored compute of
    models/bank_appraisal.py). Ranked in the company and the unit (``_bank_rank``); the lowest are
    flagged for a review with an improvement plan, never a dismissal."""

    _inherit = "bank.appraisal"

    bottom_flag_note = fields.Char(
        string="About the bottom flag", compute="_compute_bottom_flag_note",
        help="What the bottom flag means, shown where the flag is.",
    )

    @api.depends("period")
    @api.depends_context("lang")
    def _compute_bottom_flag_note(self):
        note = self._bank_bottom_note()
        for appraisal in self:
            appraisal.bottom_flag_note = note if appraisal.period == "annual" else False

    def _bank_bottom_note(self):
        return self.env._(
            "The bottom flag starts a performance review with an improvement plan, not a dismissal: in China, "
            "ranking last is not by itself grounds for dismissal (Supreme People's Court, Guiding Case No. 18, "
            "2013)."
        )

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------

    @api.model
    def generate_annual(self, year):
        """Create, or recompute while not yet reviewed, the annual appraisals of ``year`` of every
        RM who served in it (RM office or administrator); return their ids."""
        self._bank_check_may_generate()
        date_from, date_to = self._bank_year_bounds(year)
        appraisals = self._bank_annual_drafts(date_from, date_to)
        appraisals.filtered(lambda a: a.state in ("draft", "computed"))._bank_compute()
        return appraisals.ids

    @api.model
    def _bank_year_bounds(self, year):
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2199:
            raise ValidationError(self.env._(
                "Appraisal: %(year)s is not a year between 1900 and 2199 (parameter year).", year=repr(year),
            ))
        return Date(year, 1, 1), Date(year, 12, 31)

    @api.model
    def _bank_annual_drafts(self, date_from, date_to):
        """The year's current annual appraisals of every RM who served, the missing ones created as
        drafts by one create (their owners as they are today, as in ``_bank_monthly_drafts``)."""
        rms = self._bank_rms_served(date_from, date_to)
        # sudo: the run sees every appraisal of the year, whoever starts it.
        existing = self.sudo().search([
            ("period", "=", "annual"), ("date_from", "=", date_from), ("rm_id", "in", rms.ids),
            ("superseded", "=", False),
        ])
        missing = rms - existing.rm_id
        # sudo: the RMs' users, units and grades are copied onto the appraisal for the record rules.
        created = self._bank_system_create([{
            "rm_id": rm.id, "period": "annual", "date_from": date_from, "date_to": date_to,
            "rm_user_id": rm.sudo().user_id.id, "unit_id": rm.sudo().unit_id.id, "grade_id": rm.sudo().grade_id.id,
            "company_id": rm.sudo().company_id.id,
        } for rm in missing]) if missing else self.browse()
        return (existing | created).sudo(False)

    # ------------------------------------------------------------------
    # Computing
    # ------------------------------------------------------------------

    def _bank_compute_other(self, period):
        if period != "annual":
            return super()._bank_compute_other(period)
        return self._bank_compute_annual()

    def _bank_compute_annual(self):
        """These annual appraisals of one year: one ``_read_group`` for the monthly scores of all
        their RMs, one for the peer reviews, one UPDATE for the figures, one write of the state."""
        # sudo: the system gathers the year's figures, whatever the caller may read.
        appraisals = self.sudo()
        if not appraisals:
            return True
        date_from, date_to = appraisals[0].date_from, appraisals[0].date_to
        rms = appraisals.rm_id
        # Published, current monthly appraisals only (a published correction supersedes the original).
        monthly = {
            rm.id: (mean or 0.0, count)
            for rm, mean, count in appraisals._read_group(
                [("period", "=", "monthly"), ("state", "=", "published"), ("superseded", "=", False),
                 ("rm_id", "in", rms.ids), ("date_from", ">=", date_from), ("date_from", "<=", date_to)],
                ["rm_id"], ["total_score:avg", "__count"],
            )
        }
        peers = self.env["bank.peer.review"]._bank_peer_figures(rms, date_from.year)
        rows = [
            SQL("(%s, %s::numeric, %s::int, %s::numeric, %s::int)", appraisal.id,
                round(monthly.get(appraisal.rm_id.id, (0.0, 0))[0], 2), monthly.get(appraisal.rm_id.id, (0.0, 0))[1],
                round(peers.get(appraisal.rm_id.id, (0.0, 0))[0], 2), peers.get(appraisal.rm_id.id, (0.0, 0))[1])
            for appraisal in appraisals
        ]
        self.env["bank.appraisal"].flush_model()
        # Raw SQL: the figures differ per RM, so one statement writes them all; the guard's choke
        # point for figures written in bulk, as ``_bank_rank`` (docs/guards.md), unpublished only.
        self.env.cr.execute(SQL("""
            UPDATE bank_appraisal a
               SET monthly_score = v.monthly_score, monthly_count = v.monthly_count,
                   peer_score = v.peer_score, peer_review_count = v.peer_review_count
              FROM (VALUES %(rows)s) AS v(id, monthly_score, monthly_count, peer_score, peer_review_count)
             WHERE a.id = v.id AND a.state != 'published'
        """, rows=SQL(", ").join(rows)))
        figures = ["monthly_score", "monthly_count", "peer_score", "peer_review_count"]
        appraisals.invalidate_recordset(figures)
        # The stored total (weights of the company) follows the figures written by SQL.
        appraisals.modified(figures)
        appraisals._bank_system_write({"state": "computed", "computed_on": fields.Datetime.now()})
        self._bank_rank()
        return True

    # ------------------------------------------------------------------
    # The bottom flag
    # ------------------------------------------------------------------

    def _bank_after_rank(self):
        super()._bank_after_rank()
        # sudo: the flag is decided over the company's whole ranking, whoever's appraisals were ranked.
        annual = self.sudo().filtered(lambda a: a.period == "annual")
        for company, date_from in {(a.company_id, a.date_from) for a in annual}:
            self._bank_flag_bottom(company, date_from)

    @api.model
    def _bank_flag_bottom(self, company, date_from):
        """Flag the lowest ranked of the company's current annual appraisals of the year.

        n = the appraisals ranked (computed or beyond, not superseded, a correction once published);
        k = the company's bottom count when above 0, else floor(n × bottom share / 100); with n at
        least the company's minimum, k is at least 1. The k lowest by rank are flagged, and everyone
        tied with the k-th lowest too: appraisals with the same score share a rank, and flagging one
        of them and not the other would rest on nothing but their order in the database. Written
        on the unpublished appraisals only (a published flag is sealed), set-based: one write for
        those to flag, one for those to clear."""
        # sudo: the company's whole ranking decides, whoever ranked.
        Appraisal = self.env["bank.appraisal"].sudo()
        current = Appraisal.search([
            ("company_id", "=", company.id), ("period", "=", "annual"), ("date_from", "=", date_from),
            ("superseded", "=", False),
        ])
        ranked = current.filtered(
            lambda a: a.state != "draft" and a.rank and (not a.corrected_id or a.state == "published")
        )
        n = len(ranked)
        k = company.bank_bottom_count if company.bank_bottom_count > 0 else math.floor(
            n * company.bank_bottom_share / 100.0 + 1e-9
        )
        if n >= company.bank_bottom_min_ranked:
            k = max(k, 1)
        k = min(k, n)
        flagged = Appraisal.browse()
        if k:
            threshold = sorted(ranked.mapped("rank"), reverse=True)[k - 1]
            flagged = ranked.filtered(lambda a: a.rank >= threshold)
        open_ = current.filtered(lambda a: a.state != "published")
        (open_ & flagged).filtered(lambda a: not a.bottom_flag)._bank_system_write({"bottom_flag": True})
        (open_ - flagged).filtered("bottom_flag")._bank_system_write({"bottom_flag": False})

    def _bank_after_publish(self):
        super()._bank_after_publish()
        flagged = self.filtered(lambda a: a.period == "annual" and a.bottom_flag)
        if flagged:
            flagged._bank_start_bottom_review()

    def _bank_start_bottom_review(self):
        """A performance review for each flagged appraisal just published: an activity for every
        HR user and for the head of the RM's unit (the unit's custodian: its head, else its nearest
        overseer, models/bank_org_unit.py), all created by one create."""
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_appraisal_review")
        # sudo: HR's members are read to plan their activity, whoever publishes.
        hr_users = self.env.ref(GROUP_HR).sudo().all_user_ids.filtered(lambda u: u.active and not u.share)
        today = self.env.company._bank_today()
        deadline = today + relativedelta(days=activity_type.delay_count or 0)
        model_id = self.env["ir.model"]._get_id(self._name)
        note = self._bank_bottom_note()
        values = []
        # sudo: the unit's head is looked up whatever units the publisher may read.
        for appraisal in self.sudo():
            users = hr_users | appraisal.unit_id._custodian_user()
            summary = self.env._("Performance review of %(rm)s (improvement plan)", rm=appraisal.rm_id.name)
            text = self.env._(
                "%(rm)s is at the bottom of the %(year)s annual ranking (rank %(rank)s): hold a performance "
                "review with them and agree an improvement plan.",
                rm=appraisal.rm_id.name, year=appraisal.date_from.year, rank=appraisal.rank,
            )
            values += [{
                "res_model_id": model_id,
                "res_id": appraisal.id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "date_deadline": deadline,
                "summary": summary,
                "note": f"<p>{html_escape(text)}</p><p>{html_escape(note)}</p>",
            } for user in users]
        if values:
            # sudo: the publication plans the review for HR and the unit head (who read the flagged
            # appraisal through their rules); the one create of these activities.
            self.env["mail.activity"].sudo().create(values)
