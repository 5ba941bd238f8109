# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The batch loop shared by the add-on's crons."""
import logging
import random
import time

from psycopg2 import errors

from odoo.fields import Domain
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)

# A batch met by another run is read again this many times before the run gives up.
_CONFLICT_TRIES = 5
# What another run's commit makes a batch's write fail with: under Odoo's REPEATABLE READ, a row
# it changed since this transaction began (serialisation failure, deadlock), or a row it inserted
# that a unique key allows once (an appraisal, an analysis, an activity's follower).
_CONFLICTS = (*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, errors.UniqueViolation)


def without_conflict(env, step, what):
    """Call ``step()`` (one batch: it reads what is left to do, does it, and does not commit) and
    return its result; when another run (a second cron worker, the same job started by hand,
    another job over the same records: tests/test_cron_concurrency.py) committed the same rows
    first, roll back to the last commit and call it again, on a fresh snapshot in which that
    work is done. The caller commits after each batch, so the roll-back loses nothing of its own."""
    for attempt in range(1, _CONFLICT_TRIES + 1):
        try:
            return step()
        except _CONFLICTS as error:
            if attempt == _CONFLICT_TRIES:
                raise
            _logger.info("%s: batch met another run (%s), read again (%s/%s)",
                         what, type(error).__name__, attempt, _CONFLICT_TRIES)
            env.cr.rollback()
            env.transaction.reset()
            time.sleep(random.uniform(0, 0.2 * attempt))  # noqa: S311 - a back-off, not a secret
    raise AssertionError("unreachable")


def process_in_batches(records, domain, batch_size, process):
    """Call ``process(batch)`` on the records matching ``domain``, ``batch_size`` at a time in id
    order, committing after each batch through ``ir.cron._commit_progress``.

    ``process`` must make its batch stop matching ``domain`` (a flag, a date): a run that crashed
    midway is then finished by the next one, without redoing or skipping anything; and a batch
    that another run did meanwhile is read again (``without_conflict``) and found done.

    Each batch is looked for after the last id of the one before (a key, not an offset): the
    search reads ``batch_size`` rows whatever the run has done already, so that the domain's
    other fields need no index (``res.partner.bank_evaluated_on``: docs/scaling.md)."""
    cron = records.env["ir.cron"]
    remaining = records.search_count(domain)
    cron._commit_progress(remaining=remaining)
    after = 0

    def step():
        batch = records.search(Domain.AND([domain, [("id", ">", after)]]), limit=batch_size, order="id")
        if batch:
            process(batch)
        return batch.ids

    while True:
        ids = without_conflict(records.env, step, records._name)
        if not ids:
            break
        after = ids[-1]
        remaining -= len(ids)
        if cron._commit_progress(len(ids), remaining=max(remaining, 0)) <= 0:
            break
