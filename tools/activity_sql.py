# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Activities created set-based, for the nightly planning (models/bank_maintenance_plan.py) and
the large fund movements of the balance feed (models/bank_balance_load.py).

What Odoo 19's ``mail.activity.create`` does per record, and what this does instead (docs/planning.md):

- ``res_model`` from ``res_model_id``, ``res_name`` (the document's display name, sudo),
  ``user_tz`` (the assignee's), ``date_done`` (none while active), ``active``, the ``create_*`` /
  ``write_*`` columns: filled by one INSERT … SELECT, the names read by joins.
- the access check of ``create`` (write or ``mail_post_access`` on the document): none, as
  before: the planning runs as the cron's superuser, its documents and assignees chosen in SQL.
- the e-mail to the assignee (``action_notify``): none, as before (``mail_activity_quick_update``).
- the assignee subscribed as follower of the document: not done, on purpose; who serves a
  customer is ``bank_rm_id`` / ``bank_backup_rm_id`` (the record rules), and a follower added by
  a greeting outlives a handover or a stand-in, sending a former RM the customer's messages.
- the bus notification ``mail.activity/updated`` to each assignee of activities due today or
  earlier: one per user per batch with the count, as the ORM sends it (``notify_due``).
- the document's activity fields (``activity_ids``, ``activity_state``, ``my_activity_date_deadline``
  …) are not stored: the ORM cache of ``mail.activity`` and of the documents is invalidated."""
from odoo.tools import SQL


def insert_activities_sql(env, res_model, activity_type, source, automated=True, columns=()):
    """The INSERT … SELECT of one activity of ``activity_type`` on ``res_model`` per row of
    ``source`` (an SQL relation, e.g. a CTE's name, with columns ``activity_id``, ``res_id``,
    ``user_id``, ``date_deadline``, ``summary``, and the further ``columns`` of ``mail_activity``
    it gives, e.g. ``note``, already in their column format), authored by the environment's user."""
    if res_model != "res.partner":
        raise NotImplementedError(f"set-based activities on {res_model}")
    now = env.cr.now()
    further = SQL("").join(SQL(", %s", SQL.identifier(column)) for column in columns)
    further_values = SQL("").join(SQL(", %s", SQL.identifier("src", column)) for column in columns)
    return SQL(
        """
        INSERT INTO mail_activity
               (id, res_model_id, res_model, res_id, res_name, activity_type_id, summary, date_deadline,
                automated, user_id, user_tz, active, create_uid, create_date, write_uid, write_date%(further)s)
        SELECT src.activity_id, %(model_id)s, %(model)s, src.res_id,
               -- mail.activity._compute_res_name: the partner's display_name (its complete_name)
               COALESCE(doc.complete_name, doc.name),
               %(type_id)s, src.summary, src.date_deadline, %(automated)s, src.user_id, up.tz, TRUE,
               %(uid)s, %(now)s, %(uid)s, %(now)s%(further_values)s
          FROM %(source)s src
          JOIN res_partner doc ON doc.id = src.res_id
     LEFT JOIN res_users u ON u.id = src.user_id
     LEFT JOIN res_partner up ON up.id = u.partner_id
        """,
        model_id=env["ir.model"]._get_id(res_model), model=res_model, type_id=activity_type.id,
        automated=automated, uid=env.uid, now=now, source=source, further=further, further_values=further_values,
    )


def notify_due(env, res_model, due_by_user):
    """After the INSERT: as ``mail.activity.create``, tell each user of ``due_by_user`` (user id:
    count of new activities due today or earlier) once, sent at the commit; then invalidate the
    cache of the activities and of their documents."""
    users = env["res.users"].browse([user_id for user_id, count in due_by_user.items() if user_id and count])
    for user in users:
        user._bus_send("mail.activity/updated", {"activity_created": True, "count_diff": due_by_user[user.id]})
    env["mail.activity"].invalidate_model()
    env[res_model].invalidate_model()
