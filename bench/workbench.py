# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# make bench: the morning workbench (models/bank_workbench.py) of an RM serving
# BENCH_WORKBENCH_CUSTOMERS (2000) customers, with three activities each (a third due or overdue),
# accounts maturing over the coming weeks and a tenth potential, and of the head of their unit
# (10 such RMs). Times the home action and the form's read (counts included) as each user
# (record rules applied), warm, best of 5.
# Runs inside `odoo shell` (``env`` is given); everything is rolled back at the end.
import os
import time
from datetime import timedelta

from odoo.tests import new_test_user
from odoo.tools import SQL

N = int(os.environ.get("BENCH_WORKBENCH_CUSTOMERS", 2000))
RMS = 10
cr = env.cr  # noqa: F821 (given by odoo shell)
env = env(context={"tracking_disable": True})  # noqa: F821
P = "bank_relationship_manager."


def say(message):
    print(f"bench: {message}", flush=True)


started = time.perf_counter()
today = env.company._bank_today()
head = new_test_user(env, login="bench_wb_head", groups=P + "group_bank_unit_head", name="Bench head")
Unit = env["bank.org.unit"]
branch = Unit.create({"name": "Bench WB Branch", "code": "BWB", "level": "branch"})
sub = Unit.create({"name": "Bench WB Sub", "code": "BWB-S", "level": "sub_branch", "parent_id": branch.id})
outlet = Unit.create({"name": "Bench WB Outlet", "code": "BWB-S-1", "level": "outlet", "parent_id": sub.id,
                      "has_wealth_room": True, "head_user_id": head.id})
grade = env.ref(P + "rm_grade_rm")
rms = env["bank.rm"].create([{
    "user_id": new_test_user(env, login=f"bench_wb_rm{i}", groups=P + "group_bank_rm", name=f"Bench RM {i}").id,
    "grade_id": grade.id, "unit_id": outlet.id} for i in range(RMS)])
customers = env["res.partner"].create([
    {"name": f"Bench WB customer {i:05d}", "is_bank_customer": True, "bank_rm_id": rms[i % RMS].id,
     "birthday": today - timedelta(days=365 * 40 + i % 365)}
    for i in range(N * RMS)
])
env.flush_all()
tier = env["bank.vip.tier"].search([("is_potential_rule", "=", False)], limit=1)
cr.execute(SQL(
    """UPDATE res_partner p SET bank_tier_id = CASE WHEN p.id %% 5 = 0 THEN %(tier)s END,
              bank_is_potential = (p.id %% 10 = 1), bank_tier_gap = CASE WHEN p.id %% 10 = 1 THEN p.id %% 5000 END
        WHERE p.id = ANY(%(ids)s)""", tier=tier.id, ids=customers.ids,
))
category = env.ref(P + "product_category_dep_time")
cr.execute(SQL(
    """INSERT INTO bank_account (partner_id, category_id, kind, currency_id, account_no, contract_amount,
                                 maturity_date, company_id, active, create_date, write_date)
       SELECT p.id, %(category)s, 'deposit', %(currency)s, 'BWB' || p.id, 0, %(day)s::date + (p.id %% 60),
              %(company)s, true, now(), now()
         FROM res_partner p WHERE p.id = ANY(%(ids)s)""",
    category=category.id, currency=env.company.currency_id.id, day=today, company=env.company.id,
    ids=customers.ids,
))
types = env["mail.activity.type"].search([("bank_log_type", "!=", False)], limit=6)
cr.execute(SQL(
    """INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, user_id,
                                  date_deadline, summary, active, create_uid, write_uid, create_date, write_date)
       SELECT %(model)s, 'res.partner', p.id, p.name, (%(types)s::int[])[1 + (p.id + k) %% %(ntypes)s],
              rm.user_id, %(day)s::date + ((p.id * k) %% 90) - 30, 'bench', true, 1, 1, now(), now()
         FROM res_partner p JOIN bank_rm rm ON rm.id = p.bank_rm_id CROSS JOIN generate_series(1, 3) k
        WHERE p.id = ANY(%(ids)s)""",
    model=env["ir.model"]._get_id("res.partner"), types=types.ids, ntypes=len(types), day=today,
    ids=customers.ids,
))
env.flush_all()
# Statistics as a live database has them (ANALYZE counts this transaction's rows): without them the
# planner takes the fresh tables for empty and nests loops over 20,000 customers.
cr.execute("ANALYZE res_partner, bank_account, mail_activity, bank_rm, bank_org_unit, res_users")
env.invalidate_all()
say(f"set up {RMS} RMs of {N} customers each, {3 * N * RMS} activities, in {time.perf_counter() - started:.1f} s")


def open_and_read(Workbench):
    """What the web client asks: the home action, then the form with its lines and counts."""
    workbench = Workbench.browse(Workbench.action_open_workbench()["res_id"])
    workbench.web_read({
        "due_count": {}, "overdue_count": {},
        **{name: {"fields": {"name": {}, "count": {}, "overdue_count": {}}}
           for name in ("activity_line_ids", "mine_line_ids", "queue_line_ids", "office_line_ids")},
    })


def best_ms(user, runs=5):
    Workbench = env["bank.workbench"].with_user(user)
    open_and_read(Workbench)  # warm
    best = None
    for _run in range(runs):
        env.invalidate_all()
        queries = cr.sql_log_count
        t0 = time.perf_counter()
        open_and_read(Workbench)
        elapsed = (time.perf_counter() - t0) * 1000
        best = elapsed if best is None else min(best, elapsed)
    return best, cr.sql_log_count - queries


def per_queue(user):
    """Each queue's count alone, as the user, warm: where the time goes."""
    workbench = env["bank.workbench"].with_user(user).create({})
    times = []
    for queue in workbench._bank_queues():
        if not any(user.has_group(P + group) for group in queue.groups):
            continue
        Model = env[queue.model].with_user(user)
        Model.search_count(queue.domain)
        t0 = time.perf_counter()
        Model.search_count(queue.domain)
        times.append(((time.perf_counter() - t0) * 1000, queue.key))
    return ", ".join(f"{key}={ms:.0f}" for ms, key in sorted(times, reverse=True)[:4])


say(f"workbench slowest queues (ms): RM {per_queue(rms[0].user_id)}; head {per_queue(head)}")
rm_ms, rm_queries = best_ms(rms[0].user_id)
head_ms, head_queries = best_ms(head)
say(f"workbench customers={N} rm_ms={rm_ms:.0f} head_ms={head_ms:.0f} rm_queries={rm_queries} "
    f"head_queries={head_queries} unit_customers={N * RMS} target_ms=300")
cr.rollback()
