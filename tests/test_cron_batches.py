# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from ..tools.cron_batches import process_in_batches
from .common import BankCase


@tagged("post_install", "-at_install")
class TestCronBatches(BankCase):
    """The batch loop of the add-on's crons (tools/cron_batches.py) looks for each batch after the
    last id of the one before: a batch's search reads what follows, not every row done before it
    (at 1,000,000 customers the nightly evaluation spent 150 of its 336 s looking for its
    batches: docs/scaling.md)."""

    def setUp(self):
        super().setUp()
        self.partners = self.env["res.partner"].create([{"name": f"Batch partner {i}"} for i in range(5)])
        self.domain = [("id", "in", self.partners.ids)]

    def test_each_batch_follows_the_one_before(self):
        calls = []

        def process(batch):
            # Marks nothing: the batch still matches the domain afterwards (a process that left
            # some records undone). The loop goes on after it rather than meeting it again.
            calls.append(batch.ids)
            self.assertLess(len(calls), 4, "the loop met the same records again")

        with self.cron_batches_commit():
            process_in_batches(self.partners, self.domain, 2, process)
        ids = self.partners.ids
        self.assertEqual(calls, [ids[0:2], ids[2:4], ids[4:5]])

    def test_a_record_done_by_another_run_is_skipped(self):
        calls = []

        def process(batch):
            calls.append(batch.ids)
            if len(calls) == 1:
                # Another run took the third record meanwhile: it no longer matches.
                self.partners[2].name = "Done elsewhere"
            batch.name = "Done here"

        with self.cron_batches_commit():
            process_in_batches(self.partners, self.domain + [("name", "like", "Batch partner")], 2, process)
        ids = self.partners.ids
        self.assertEqual(calls, [ids[0:2], ids[3:5]])
        self.assertEqual(set(self.partners.mapped("name")), {"Done here", "Done elsewhere"})
