# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from odoo.tests import new_test_user

from .common import GROUP_RM
from .test_appraisal_core import AppraisalCase


class AnnualCase(AppraisalCase):
    """AppraisalCase with two more RMs in outlet 1 (colleagues of RM A, for the peer reviews) and
    the annual appraisal of 2026."""

    year = 2026

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_rm_d = new_test_user(cls.env, login="t_rm_d", groups=GROUP_RM, name="t_rm_d")
        cls.user_rm_e = new_test_user(cls.env, login="t_rm_e", groups=GROUP_RM, name="t_rm_e")
        Rm = cls.env["bank.rm"]
        cls.rm_d = Rm.create({"user_id": cls.user_rm_d.id, "grade_id": cls.grade_rm.id, "unit_id": cls.outlet_1.id})
        cls.rm_e = Rm.create({"user_id": cls.user_rm_e.id, "grade_id": cls.grade_rm.id, "unit_id": cls.outlet_1.id})
        cls.rms |= cls.rm_d | cls.rm_e

    def reviewer_of(self, rm):
        return self.user_center_head if rm.unit_id == self.center else self.user_supervisor

    def run_annual(self, user=None):
        Appraisal = self.env["bank.appraisal"].with_user(user or self.user_office)
        return Appraisal.browse(Appraisal.generate_annual(self.year))

    def by_rm(self, appraisals):
        return {appraisal.rm_id: appraisal for appraisal in appraisals}

    def supervise(self, appraisal, score):
        appraisal.with_user(self.reviewer_of(appraisal.rm_id)).write({"supervisor_score": score})

    def peer_review(self, author, rm, score, year=None):
        return self.env["bank.peer.review"].with_user(author).create({
            "rm_id": rm.id, "year": year or self.year, "score": score,
        })

    def monthly(self, month, values, publish=()):
        """The monthly appraisals of ``month`` with the supervisor's (x, y) for each RM of
        ``values`` (others get (80, 10), a score of 100); those of ``publish`` reviewed and published."""
        Appraisal = self.env["bank.appraisal"].with_user(self.user_office)
        appraisals = Appraisal.browse(Appraisal.generate_monthly(month))
        for appraisal in appraisals:
            x, y = values.get(appraisal.rm_id, (80, 10))
            self.enter(appraisal, x, y, user=self.reviewer_of(appraisal.rm_id))
        for appraisal in appraisals.filtered(lambda a: a.rm_id in publish):
            appraisal.with_user(self.reviewer_of(appraisal.rm_id)).action_review()
        appraisals.filtered(lambda a: a.rm_id in publish).with_user(self.user_office).action_publish()
        return self.by_rm(appraisals)

    def first_of(self, month):
        return date(self.year, month, 1)
