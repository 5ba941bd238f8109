# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from .annual_common import AnnualCase
from .common import JsonRpcMixin


class TestPeerReview(AnnualCase):
    """Colleagues of a unit review each other once a year; only the author reads a review."""

    def test_author_reviewer_and_unit_are_the_system_s(self):
        review = self.peer_review(self.user_rm_d, self.rm_a, 80)
        self.assertEqual((review.reviewer_user_id, review.reviewer_rm_id, review.unit_id),
                         (self.user_rm_d, self.rm_d, self.outlet_1))
        with self.assertRefused(AccessError, "field Reviewer: .*actions only"):
            self.env["bank.peer.review"].with_user(self.user_rm_e).create({
                "rm_id": self.rm_a.id, "year": self.year, "score": 50, "reviewer_user_id": self.user_rm_b.id,
            })
        with self.assertRefused(AccessError, "Review of t_rm_a, 2026, field Colleague: .*cannot be changed"):
            review.with_user(self.user_rm_d).write({"rm_id": self.rm_e.id})
        review.with_user(self.user_rm_d).write({"score": 85, "comment": "Helps everyone"})
        self.assertEqual(review.score, 85)
        with self.assertRaises(AccessError):
            review.with_user(self.user_rm_d).unlink()

    def test_constraints_name_record_and_field(self):
        own = "Review of t_rm_a, 2026, field Colleague: an RM does not review themselves"
        with self.assertRefused(ValidationError, own):
            self.peer_review(self.user_rm_a, self.rm_a, 80)
        with self.assertRefused(ValidationError, "Review of t_rm_b, 2026, field Colleague: t_rm_b is not a colleague"):
            self.peer_review(self.user_rm_a, self.rm_b, 80)
        for score in (101, -1, 100.01):
            with self.assertRefused(ValidationError, "Review of t_rm_a, 2026, field Score: a score is between 0 "):
                self.peer_review(self.user_rm_d, self.rm_a, score)
        with self.assertRefused(ValidationError, "field Score: .*not a finite amount"):
            self.peer_review(self.user_rm_d, self.rm_a, float("nan"))
        with self.assertRefused(ValidationError, "Review of t_rm_a, 1800, field Year: 1800 is not a year"):
            self.peer_review(self.user_rm_d, self.rm_a, 80, year=1800)
        first = self.peer_review(self.user_rm_d, self.rm_a, 80)
        with self.assertRefused(ValidationError, "Review of t_rm_a, 2026, field Colleague: you have already reviewed"):
            self.peer_review(self.user_rm_d, self.rm_a, 60)
        self.peer_review(self.user_rm_d, self.rm_a, 60, year=2025)  # another year
        with self.assertRefused(ValidationError, "Peer review, field Colleague: the same colleague is reviewed twice"):
            self.env["bank.peer.review"].with_user(self.user_rm_e).create([
                {"rm_id": self.rm_a.id, "year": self.year, "score": 1},
                {"rm_id": self.rm_a.id, "year": self.year, "score": 2},
            ])
        # Nobody but RMs reviews (no access line), and an RM user without an RM record is refused.
        with self.assertRaises(AccessError):
            self.peer_review(self.user_office, self.rm_a, 80)
        with self.assertRefused(ValidationError, "field Reviewer \\(RM\\): only relationship managers"):
            self.peer_review(self.user_head_1, self.rm_a, 80)
        self.assertEqual(self.env["bank.peer.review"].search([("rm_id", "=", self.rm_a.id)]).mapped("score"),
                         [80.0, 60.0])
        self.assertEqual(first.score, 80)

    def test_closed_once_the_appraisal_is_reviewed(self):
        review = self.peer_review(self.user_rm_d, self.rm_a, 80)
        annual = self.by_rm(self.run_annual())[self.rm_a]
        self.assertEqual(review.with_user(self.user_rm_d).appraisal_state, "open")
        self.supervise(annual, 70)
        annual.with_user(self.user_supervisor).action_review()
        review.invalidate_recordset()
        self.assertEqual(review.with_user(self.user_rm_d).appraisal_state, "closed")
        with self.assertRefused(AccessError, "Review of t_rm_a, 2026, field Score: the record is Closed"):
            review.with_user(self.user_rm_d).write({"score": 90})
        closed = "Review of t_rm_a, 2026, field Colleague: the annual appraisal 2026 of t_rm_a is already reviewed"
        with self.assertRefused(ValidationError, closed):
            self.peer_review(self.user_rm_e, self.rm_a, 50)
        self.assertEqual(review.score, 80)
        # Sent back, the reviews open again.
        annual.with_user(self.user_supervisor).action_send_back()
        review.invalidate_recordset()
        review.with_user(self.user_rm_d).write({"score": 90})

    def test_only_the_author_reads_a_review(self):
        review = self.peer_review(self.user_rm_d, self.rm_a, 80)
        self.peer_review(self.user_rm_e, self.rm_a, 60)
        Review = self.env["bank.peer.review"]
        self.assertEqual(Review.with_user(self.user_rm_d).search([]), review)
        self.assertEqual(review.with_user(self.user_rm_d).read(["score"])[0]["score"], 80)
        # The reviewed RM, a colleague who reviewed too, the unit head, the supervisor: nothing but their own.
        for user in (self.user_rm_a, self.user_rm_e, self.user_head_1, self.user_supervisor, self.user_center_head):
            with self.subTest(user=user.login):
                others = Review.with_user(user).search([("reviewer_user_id", "!=", user.id)])
                self.assertFalse(others)
                self.assertFalse(Review.with_user(user).search_count([("id", "=", review.id)]))
                self.assertFalse(Review.with_user(user)._read_group([("rm_id", "=", self.rm_a.id),
                                                                     ("reviewer_user_id", "!=", user.id)],
                                                                    [], ["score:avg"])[0][0])
                with self.assertRaises(AccessError):
                    review.with_user(user).read(["score", "reviewer_user_id"])
                with self.assertRaises(AccessError):
                    review.with_user(user).write({"score": 0})
        # The office, HR and the administrator have no access to reviews at all.
        for user in (self.user_office, self.user_hr, self.user_admin):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Review.with_user(user).search([])
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                review.with_user(user).read(["score"])
        # The reviewed RM sees the mean and the count on their appraisal.
        annual = self.by_rm(self.run_annual())[self.rm_a]
        mine = annual.with_user(self.user_rm_a).read(["peer_score", "peer_review_count"])[0]
        self.assertEqual((mine["peer_score"], mine["peer_review_count"]), (70.0, 2))

    def test_colleagues_offered_on_the_form(self):
        colleagues = self.env["bank.peer.review"].with_user(self.user_rm_d).new({}).colleague_ids
        self.assertEqual(colleagues._origin, self.rm_a | self.rm_e)


@tagged("post_install", "-at_install")
class TestPeerReviewRpc(JsonRpcMixin, HttpCase, AnnualCase):
    """The secrecy of peer reviews over JSON-RPC, as the web client calls."""

    def test_reviews_secret_over_rpc(self):
        review = self.peer_review(self.user_rm_d, self.rm_a, 80)
        self.env.flush_all()
        spec = {"score": {}, "reviewer_user_id": {"fields": {"display_name": {}}}, "comment": {}}
        result, error = self.call("t_rm_d", "bank.peer.review", "web_search_read", [[]], {"specification": spec})
        self.assertFalse(error)
        self.assertEqual([r["id"] for r in result["records"]], [review.id])
        for login in ("t_rm_a", "t_rm_e", "t_head_1", "t_supervisor"):
            with self.subTest(login=login):
                result, error = self.call(login, "bank.peer.review", "web_search_read", [[]], {"specification": spec})
                self.assertEqual((result["length"], error), (0, None))
                result, error = self.call(login, "bank.peer.review", "search_count", [[("rm_id", "=", self.rm_a.id)]])
                self.assertEqual(result, 0)
                result, error = self.call(login, "bank.peer.review", "web_read", [[review.id]], {"specification": spec})
                self.assertIsNone(result)
                self.assertRegex(error, "not allowed|access")
                result, error = self.call(login, "bank.peer.review", "web_read_group",
                                          [[("rm_id", "=", self.rm_a.id)], ["reviewer_user_id"], ["score:avg"]])
                self.assertFalse(error)
                self.assertEqual(result["groups"], [])
        for login in ("t_office", "t_hr", "t_bank_admin"):
            with self.subTest(login=login):
                for method, args in (("search_read", [[]]), ("read", [[review.id], ["score"]]),
                                     ("search_count", [[]])):
                    result, error = self.call(login, "bank.peer.review", method, args)
                    self.assertIsNone(result)
                    self.assertRegex(error, "not allowed|access")
