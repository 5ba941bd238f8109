# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .handover_common import HandoverCase

# Queries of action_done for the fixture's portfolio (4 primary customers, 1 as backup, a
# document), caches warm: 121 in December 2026, with a little headroom. A change that adds
# queries shows up here long before it shows up in make bench.
DONE_BUDGET = 130
# Done is set-based: 20 more customers cost the same queries (119 and 119 in December 2026);
# this much noise is tolerated, not a query per customer.
GROWTH_TOLERANCE = 3


@tagged("post_install", "-at_install")
class TestHandoverDoneQueries(HandoverCase):
    """The hot path of a handover: done moves the whole portfolio in a bounded number of queries."""

    def add_customers(self, count):
        self.env["res.partner"].create([
            {"name": f"Customer Q{number:03d}", "is_bank_customer": True, "bank_rm_id": self.rm_a.id}
            for number in range(count)
        ])

    def queries_of_done(self):
        handover = self.ready_handover()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        handover.with_user(self.user_supervisor).action_done()
        self.env.flush_all()
        count = self.env.cr.sql_log_count - before
        self.assertEqual(handover.state, "done")
        return count

    def test_done_within_budget(self):
        self.measured_done()  # the ORM's caches warm (templates, access rules), as in production
        handover = self.ready_handover()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(DONE_BUDGET):
            handover.with_user(self.user_supervisor).action_done()
            self.env.flush_all()
        self.assertEqual(handover.state, "done")

    def test_done_does_not_grow_with_the_portfolio(self):
        self.measured_done()  # the ORM's caches warm
        small = self.measured_done()
        self.add_customers(20)
        large = self.measured_done()
        self.assertLessEqual(large - small, GROWTH_TOLERANCE, f"{small} queries for 4 customers, {large} for 24")

    def measured_done(self):
        """Queries of done on a fresh ready handover, rolled back afterwards."""
        try:
            with self.env.cr.savepoint():
                raise _Measured(self.queries_of_done())
        except _Measured as measured:
            self.env.invalidate_all()
            return measured.args[0]


class _Measured(Exception):
    """Carries a measure out of the savepoint that it rolls back."""
