# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Activities created set-based, for the nightly planning (models/bank_maintenance_plan.py).

What Odoo 19's ``mail.activity.create`` does per record, and what this does instead (docs/planning.md):

- ``res_model`` from ``res_model_id``, ``res_name`` (the document's display name, sudo),
  ``user_tz`` (the assignee's), ``date_done`` (none while active), ``active``, the ``create_*`` /
  ``write_*`` columns: filled by the one INSERT … SELECT below, the names read by joins.
- the access check of ``create`` (write or ``mail_post_access`` on the document): none, as
  before: the planning runs as the cron's superuser, its documents and assignees chosen in SQL.
- the e-mail to the assignee (``action_notify``): none, as before (``mail_activity_quick_update``).
- the assignee subscribed as follower of the document: not done, on purpose; who serves a
  customer is ``bank_rm_id`` / ``bank_backup_rm_id`` (the record rules), and a follower added by
  a greeting outlives a handover or a stand-in, sending a former RM the customer's messages.
- the bus notification ``mail.activity/updated`` to each assignee of activities due today or
  earlier: one per user per batch with the count, as the ORM sends it.
- the document's activity fields (``activity_ids``, ``activity_state``, ``my_activity_date_deadline``
  …) are not stored: the ORM cache of ``mail.activity`` and of the documents is invalidated."""
from collections import Counter

from odoo import fields
from odoo.tools import SQL


def insert_activities(env, res_model, activity_type, rows, automated=True):
    """Create one activity of ``activity_type`` on ``res_model`` per ``(res_id, user_id,
    date_deadline, summary)`` of ``rows`` in one INSERT … SELECT; return their ids in the order
    of ``rows``. The caller flushed; the caller's uid is the author (``create_uid``)."""
    if not rows:
        return []
    now = env.cr.now()
    ids = [row[0] for row in env.execute_query(SQL(
        """
        WITH src AS MATERIALIZED (
            SELECT nextval('mail_activity_id_seq') AS id, r.ord, r.res_id, r.user_id, r.deadline, r.summary
              FROM unnest(%(res_ids)s::int[], %(users)s::int[], %(deadlines)s::date[], %(summaries)s::varchar[])
                   WITH ORDINALITY AS r(res_id, user_id, deadline, summary, ord)
        ), ins AS (
            INSERT INTO mail_activity
                   (id, res_model_id, res_model, res_id, res_name, activity_type_id, summary, date_deadline,
                    automated, user_id, user_tz, active, create_uid, create_date, write_uid, write_date)
            SELECT src.id, %(model_id)s, %(model)s, src.res_id, %(res_name)s, %(type_id)s, src.summary,
                   src.deadline, %(automated)s, src.user_id, up.tz, TRUE, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM src
              JOIN %(table)s doc ON doc.id = src.res_id
         LEFT JOIN res_users u ON u.id = src.user_id
         LEFT JOIN res_partner up ON up.id = u.partner_id
        )
        SELECT id FROM src ORDER BY ord
        """,
        res_ids=[row[0] for row in rows], users=[row[1] or None for row in rows],
        deadlines=[row[2] for row in rows], summaries=[row[3] or None for row in rows],
        model_id=env["ir.model"]._get_id(res_model), model=res_model, type_id=activity_type.id,
        res_name=_display_name_sql(env, res_model), automated=automated, uid=env.uid, now=now,
        table=SQL.identifier(env[res_model]._table),
    ))]
    # As mail.activity.create: the assignees of activities due today or earlier are told, one
    # notification per user for the batch (the ORM's grouping), after the commit.
    today = fields.Date.today()
    due = Counter(row[1] for row in rows if row[1] and row[2] <= today)
    for user in env["res.users"].browse(due):
        user._bus_send("mail.activity/updated", {"activity_created": True, "count_diff": due[user.id]})
    env["mail.activity"].invalidate_model()
    env[res_model].invalidate_model()
    return ids


def _display_name_sql(env, res_model):
    """The document's name as ``mail.activity._compute_res_name`` stores it (``display_name``,
    sudo): a partner's is its ``complete_name``; only partners are planned (tests check it)."""
    if res_model != "res.partner":
        raise NotImplementedError(f"set-based activities on {res_model}")
    return SQL("COALESCE(doc.complete_name, doc.name)")
