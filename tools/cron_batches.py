# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The batch loop shared by the add-on's crons."""


def process_in_batches(records, domain, batch_size, process):
    """Call ``process(batch)`` on the records matching ``domain``, ``batch_size`` at a time in id
    order, committing after each batch through ``ir.cron._commit_progress``.

    ``process`` must make its batch stop matching ``domain`` (a flag, a date): a run that crashed
    midway is then finished by the next one, without redoing or skipping anything."""
    cron = records.env["ir.cron"]
    remaining = records.search_count(domain)
    cron._commit_progress(remaining=remaining)
    while True:
        batch = records.search(domain, limit=batch_size, order="id")
        if not batch:
            break
        process(batch)
        remaining -= len(batch)
        if cron._commit_progress(len(batch), remaining=max(remaining, 0)) <= 0:
            break
