# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .bank_guard_mixin import value_error

PEER_REVIEW_STATES = [
    ("open", "Open"),
    ("closed", "Closed (the colleague's annual appraisal is reviewed)"),
]


class BankPeerReview(models.Model):
    """A colleague's review of an RM for the annual appraisal (民主测评).

    RMs of one unit review each other on a short form: once per colleague and year, never
    themselves. A review is read by its author only (one record rule, security/
    bank_peer_review_security.xml): no other role has an access line, not the office, not HR, not
    the administrator. The reviewed RM sees the mean and the number of reviews on their annual
    appraisal, which reads them through ``_bank_peer_figures``, the one place reviews are read as
    superuser. A review can be corrected until the colleague's annual appraisal of the year is
    reviewed, then it is closed (the guard's locked state, models/bank_guard_mixin.py).

    Never deleted (no unlink in the access lines): a review is an input of a figure that is
    reviewed and published; its author corrects the score while it is open rather than
    withdrawing it, so the count shown on the appraisal cannot drop from under it."""

    _name = "bank.peer.review"
    _description = "Peer review"
    _inherit = ["bank.guard.mixin"]
    _order = "year desc, id desc"
    # The guard: the author, their RM record and the colleague's unit are the system's (the
    # record rule reads reviewer_user_id); the colleague and the year are given once.
    _bank_action_fields = frozenset({"reviewer_user_id", "reviewer_rm_id", "unit_id", "company_id"})
    _bank_fixed_fields = frozenset({"rm_id", "year"})
    _bank_state_field = "appraisal_state"
    _bank_locked_states = frozenset({"closed"})

    name = fields.Char(compute="_compute_name")
    reviewer_user_id = fields.Many2one("res.users", string="Reviewer", readonly=True, index=True,
                                       ondelete="restrict")
    reviewer_rm_id = fields.Many2one("bank.rm", string="Reviewer (RM)", readonly=True, ondelete="restrict")
    rm_id = fields.Many2one("bank.rm", string="Colleague", required=True, index=True, ondelete="restrict",
                            domain="[('id', 'in', colleague_ids)]")
    year = fields.Integer(required=True, default=lambda self: self.env.company._bank_today().year)
    unit_id = fields.Many2one("bank.org.unit", string="Unit", readonly=True, index=True,
                              help="The colleague's unit when the review was given.")
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.company)
    score = fields.Float(required=True, digits=(16, 2), help="From 0 to 100.")
    comment = fields.Text()
    appraisal_state = fields.Selection(
        PEER_REVIEW_STATES, string="Status", compute="_compute_appraisal_state",
        help="Closed once the colleague's annual appraisal of the year is reviewed.",
    )
    colleague_ids = fields.Many2many("bank.rm", string="Colleagues", compute="_compute_colleague_ids",
                                     help="The RMs of your unit, whom you may review.")

    _reviewer_rm_year_uniq = models.UniqueIndex(
        "(reviewer_user_id, rm_id, year)",
        "A colleague is reviewed once a year by each reviewer.",
    )

    @api.depends("rm_id.name", "year")
    def _compute_name(self):
        for review in self:
            review.name = self.env._("Review of %(rm)s, %(year)s", rm=review.rm_id.name or "", year=review.year)

    @api.depends("rm_id", "year")
    def _compute_appraisal_state(self):
        closed = self._bank_closed_keys()
        for review in self:
            review.appraisal_state = "closed" if (review.rm_id.id, review.year) in closed else "open"

    @api.depends_context("uid")
    def _compute_colleague_ids(self):
        mine = self._bank_my_rm()
        colleagues = self.env["bank.rm"].search([("unit_id", "=", mine.unit_id.id), ("id", "!=", mine.id)]) \
            if mine else self.env["bank.rm"]
        for review in self:
            review.colleague_ids = colleagues

    @api.constrains("score")
    def _check_score(self):
        for review in self:
            if not 0 <= review.score <= 100:
                raise value_error(review, "score", self.env._("a score is between 0 and 100, not %(score)s.",
                                                              score=review.score))

    @api.constrains("rm_id", "year", "reviewer_rm_id")
    def _check_reviewer(self):
        """At creation (these fields are fixed or the system's): an RM reviews a colleague of their
        own unit, never themselves, while the colleague's annual appraisal is not yet reviewed."""
        closed = self._bank_closed_keys()
        for review in self:
            if not 1900 <= review.year <= 2199:
                raise value_error(review, "year", self.env._("%(year)s is not a year between 1900 and 2199.",
                                                             year=review.year))
            reviewer = review.reviewer_rm_id
            if not reviewer:
                raise value_error(review, "reviewer_rm_id", self.env._(
                    "only relationship managers review their colleagues, and %(user)s is none.",
                    user=review.reviewer_user_id.name,
                ))
            if reviewer == review.rm_id:
                raise value_error(review, "rm_id", self.env._("an RM does not review themselves."))
            if reviewer.unit_id != review.rm_id.unit_id:
                raise value_error(review, "rm_id", self.env._(
                    "%(rm)s is not a colleague of your unit %(unit)s: RMs review the colleagues of their own unit.",
                    rm=review.rm_id.name, unit=reviewer.unit_id.name,
                ))
            if (review.rm_id.id, review.year) in closed:
                raise value_error(review, "rm_id", self.env._(
                    "the annual appraisal %(year)s of %(rm)s is already reviewed: its peer reviews are closed.",
                    year=review.year, rm=review.rm_id.name,
                ))

    @api.model
    def _bank_prepare_create(self, vals_list):
        """The author is the user who saves the review; the unit is the colleague's."""
        mine = self._bank_my_rm()
        # sudo: the colleague's unit is copied for the rule, whatever RMs the author may read.
        colleagues = self.env["bank.rm"].sudo().browse({vals.get("rm_id") for vals in vals_list} - {None, False})
        units = {rm.id: rm.unit_id.id for rm in colleagues.exists()}
        self._bank_check_once(vals_list)
        for vals in vals_list:
            vals["reviewer_user_id"] = self.env.uid
            vals["reviewer_rm_id"] = mine.id
            vals["unit_id"] = units.get(vals.get("rm_id"), False)
            vals["company_id"] = mine.company_id.id or self.env.company.id

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _bank_my_rm(self):
        """The current user's RM record (none for other roles)."""
        # sudo: one's own RM record, archived or not, whatever the RM rules let one read.
        return self.env["bank.rm"].sudo().with_context(active_test=False).search(
            [("user_id", "=", self.env.uid)], limit=1,
        ).sudo(False)

    @api.model
    def _bank_check_once(self, vals_list):
        """Once per colleague and year: refused before the insert with a clear message (the unique
        index stands behind it for concurrent saves). One search for all the values."""
        keys = [(vals.get("rm_id"), vals.get("year") or self.default_get(["year"]).get("year")) for vals in vals_list]
        if len(set(keys)) < len(keys):
            raise value_error(self, "rm_id", self.env._("the same colleague is reviewed twice for the same year."))
        # The author's own reviews: their rule lets them read exactly those.
        existing = self.search([
            ("reviewer_user_id", "=", self.env.uid), ("rm_id", "in", [rm for rm, _year in keys if rm]),
            ("year", "in", [year for _rm, year in keys if year]),
        ])
        for review in existing:
            if (review.rm_id.id, review.year) in keys:
                raise value_error(review, "rm_id", self.env._(
                    "you have already reviewed %(rm)s for %(year)s; correct that review instead.",
                    rm=review.rm_id.name, year=review.year,
                ))

    def _bank_closed_keys(self):
        """(RM id, year) of these reviews whose annual appraisal is reviewed or published: one search."""
        years = {review.year for review in self if review.year}
        if not years or not self.rm_id:
            return set()
        # sudo: only the state of the colleague's appraisal is read, to close the reviews.
        appraisals = self.env["bank.appraisal"].sudo().search([
            ("period", "=", "annual"), ("rm_id", "in", self.rm_id.ids),
            ("date_from", "in", [fields.Date.to_date(f"{year}-01-01") for year in years if 1900 <= year <= 2199]),
            ("state", "in", ("reviewed", "published")),
        ])
        return {(appraisal.rm_id.id, appraisal.date_from.year) for appraisal in appraisals}

    @api.model
    def _bank_peer_figures(self, rms, year):
        """{rm id: (mean score, number of reviews)} of the colleagues' reviews of ``rms`` for ``year``,
        by one query. The one place reviews are read as superuser (nobody else reads them): the
        annual appraisal takes only the mean and the count, never who said what."""
        # sudo: the documented choke point above; only aggregates leave it.
        groups = self.sudo()._read_group(
            [("rm_id", "in", rms.ids), ("year", "=", year)], ["rm_id"], ["score:avg", "__count"],
        )
        return {rm.id: (mean or 0.0, count) for rm, mean, count in groups}
