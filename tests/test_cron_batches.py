# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged
from odoo.tools import SQL

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

    def test_nightly_rewrites_of_customers_can_be_hot(self):
        """The tier evaluation and the state check rewrite every customer each night, their date
        marks included. None of the columns that change from night to night is in an index of
        ``res_partner`` (expressions and predicates included; the tier and the state, which seldom
        change, are), and half of each page is kept free: PostgreSQL then updates the row in its
        page without an entry in any of the table's indexes (models/res_partner.py, init)."""
        nightly = [
            # the tier engine's UPDATE (models/bank_tier_engine.py)
            "bank_evaluated_on", "bank_aum", "bank_tier_reason", "bank_tier_failing_since", "bank_tier_gap",
            "bank_potential_reason", "bank_potential_tier_id", "bank_maintenance_level", "bank_tier_date",
            # the state check's UPDATE (models/res_partner_state.py)
            "bank_state_date", "bank_state_reason", "bank_last_movement_date", "bank_loan_alarm_since",
            "bank_loan_exception_since", "bank_assets_falling_since", "bank_dormant_since",
        ]
        self.assertFalse(set(nightly) - set(self.env["res.partner"]._fields), "a column that no longer exists")
        self.env.cr.execute(SQL(
            """SELECT DISTINCT c.relname, a.attname
                 FROM pg_index i
                 JOIN pg_class c ON c.oid = i.indexrelid
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = ANY(%s)
                WHERE i.indrelid = 'res_partner'::regclass
                  AND (a.attnum = ANY(i.indkey)
                       OR pg_get_expr(i.indexprs, i.indrelid) ~ ('\\m' || a.attname || '\\M')
                       OR pg_get_expr(i.indpred, i.indrelid) ~ ('\\m' || a.attname || '\\M'))""",
            nightly,
        ))
        self.assertEqual(self.env.cr.fetchall(), [])
        self.env.cr.execute("SELECT reloptions FROM pg_class WHERE oid = 'res_partner'::regclass")
        self.assertIn("fillfactor=50", self.env.cr.fetchone()[0] or [])
