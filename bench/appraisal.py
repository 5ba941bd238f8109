# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# make bench: the monthly appraisal at scale, in its own database `bank_bench_appraisal`.
# Runs inside `odoo shell` (``env`` is given). Sizes come from the environment:
#   BENCH_APPRAISAL_RMS (1000 RMs), BENCH_APPRAISAL_CUSTOMERS (100000 customers).
# The month appraised is the previous month of the bank's day (as the cron does). The RMs (ORM)
# and, in SQL, their book and what the computed KPIs read for that month and the month before
# (balances, maintenance logs, won wealth opportunities, tier history, complaints, dossier
# check-outs, mid-month handovers, planned activities done and open) are generated once and reused while the
# sizes and the month stay the same. A plan of the 10 computed KPIs of data/bank_kpi_data.xml
# is created once. Times generate_monthly for every RM, and counts its queries against a run for
# the first 100 RMs only (the others joined after the month): the counts must be about equal.
import datetime
import os
import time

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

RMS = int(os.environ.get("BENCH_APPRAISAL_RMS", 1000))
N = int(os.environ.get("BENCH_APPRAISAL_CUSTOMERS", 100000))
SMALL = min(100, RMS)
UNITS = 10
cr = env.cr  # noqa: F821 (given by odoo shell)
env = env(context={"tracking_disable": True, "mail_create_nolog": True, "no_reset_password": True})  # noqa: F821
P = "bank_relationship_manager."
today = env.company._bank_today()
month = today.replace(day=1) - relativedelta(months=1)
month_end = month + relativedelta(months=1, days=-1)
before = month - relativedelta(months=1)
FAR = datetime.date(2100, 1, 1)
company = env.company
cny = company.currency_id


def say(message):
    print(f"bench: {message}", flush=True)


# ---------------------------------------------------------------- RMs (ORM, once)
started = time.perf_counter()
Unit = env["bank.org.unit"]
units = Unit.search([("code", "=like", "APPBENCH-%")], order="id")
if len(units) < UNITS:
    units |= Unit.create([
        {"name": f"Appraisal bench branch {i}", "code": f"APPBENCH-{i}", "level": "branch", "has_wealth_room": True}
        for i in range(len(units), UNITS)
    ])
grade = env.ref(P + "rm_grade_senior")
rms = env["bank.rm"].with_context(active_test=False).search([("unit_id", "in", units.ids)], order="id")
if len(rms) < RMS:
    say(f"creating {RMS - len(rms)} RMs (ORM)")
    group = env.ref(P + "group_bank_rm")
    for chunk in range(len(rms), RMS, 200):
        users = env["res.users"].create([
            {"name": f"Appraisal bench RM {i}", "login": f"appraisal.bench.rm.{i}", "group_ids": [(4, group.id)]}
            for i in range(chunk, min(chunk + 200, RMS))
        ])
        rms |= env["bank.rm"].create([
            {"user_id": u.id, "grade_id": grade.id, "unit_id": units[i % UNITS].id}
            for i, u in enumerate(users, start=chunk)
        ])
    cr.commit()
rms = rms[:RMS]
rm_ids, rm_users, rm_units = rms.ids, rms.user_id.ids, rms.unit_id.ids
if len(rms) < RMS:
    raise SystemExit("bench: the RMs were not created (see bench/appraisal.py)")


def serve(count):
    """Only the first ``count`` bench RMs served in the month: the others joined after it."""
    cr.execute(SQL(
        """UPDATE bank_rm SET date_joined = CASE WHEN id = ANY(%(served)s) THEN DATE '2000-01-01' ELSE %(far)s END""",
        served=rm_ids[:count], far=FAR,
    ))
    env.invalidate_all()


# ---------------------------------------------------------------- the book and the month (SQL, once)
# (the logs of done planned activities keep their deadline since models/bank_kpi_measures.py)
has_deadline = "activity_deadline" in env["bank.maintenance.log"]._fields
stamp = f"{N}/{RMS}/{month}/{has_deadline}"
Param = env["ir.config_parameter"].sudo()
vip, gold, potential_tier = (env.ref(P + x).id for x in ("tier_vip", "tier_wealth_gold", "tier_potential"))
wealth_team = env.ref(P + "crm_team_wealth").id
won_stage = env.ref(P + "crm_stage_wealth_celebrate").id
periodic = env.ref(P + "mail_activity_type_periodic_contact").id
partner_model = env["ir.model"]._get_id("res.partner")
dep = env.ref(P + "product_category_dep_demand").id
admin = env.ref("base.user_admin").id
if Param.get_param("bank_bench_appraisal.generated") != stamp:
    say(f"generating {N} customers of {RMS} RMs and their {before:%Y-%m} and {month:%Y-%m} (SQL)")
    gen_started = time.perf_counter()
    # The month's records are regenerated whole (the sizes or the month changed). A temporary
    # index lets deleting the opportunities check res_partner.bank_potential_lead_id (not indexed)
    # without one scan of the customers per opportunity.
    cr.execute("CREATE INDEX app_bench_potential_lead ON res_partner (bank_potential_lead_id)")
    for statement in (
        "DELETE FROM mail_activity WHERE summary = 'Appraisal bench'",
        "DELETE FROM bank_dossier_checkout WHERE purpose = 'Appraisal bench'",
        "DELETE FROM bank_dossier WHERE bag_no LIKE 'APB%'",
        "DELETE FROM bank_complaint WHERE name LIKE 'APB%'",
        "DELETE FROM crm_lead WHERE name LIKE 'Appraisal bench %'",
        "DELETE FROM bank_maintenance_log WHERE summary = 'Appraisal bench'",
        "DELETE FROM bank_tier_history WHERE reason = 'Appraisal bench'",
        "DELETE FROM bank_assignment_history WHERE reason = 'Appraisal bench'",
        "DELETE FROM bank_balance WHERE account_id IN (SELECT id FROM bank_account WHERE account_no LIKE 'APB%')",
    ):
        cr.execute(statement)
    cr.execute("DROP INDEX app_bench_potential_lead")
    existing = env["res.partner"].search_count([("bank_customer_no", "=like", "APB%"), ("is_bank_customer", "=", True)])
    # Customers: 40 % tiered (VIP, gold), 10 % potential; numbered APB000000001... (g).
    cr.execute(SQL(
        """INSERT INTO res_partner (name, complete_name, is_bank_customer, bank_customer_no, active, type,
                                    create_date, write_date)
           SELECT 'Appraisal bench ' || g, 'Appraisal bench ' || g, true, 'APB' || lpad(g::text, 9, '0'), true,
                  'contact', now(), now()
             FROM generate_series(%s + 1, %s) g""",
        existing, N,
    ))
    cr.execute("""CREATE TEMP TABLE app_book ON COMMIT DROP AS
                  SELECT id, substr(bank_customer_no, 4)::int AS g FROM res_partner
                   WHERE bank_customer_no LIKE 'APB%' AND is_bank_customer""")
    cr.execute(SQL(
        """UPDATE res_partner p
              SET bank_rm_id = (%(rms)s::int[])[1 + b.g %% %(n)s],
                  bank_rm_user_id = (%(users)s::int[])[1 + b.g %% %(n)s],
                  bank_unit_id = (%(units)s::int[])[1 + b.g %% %(n)s],
                  bank_tier_id = CASE WHEN b.g %% 10 < 3 THEN %(vip)s WHEN b.g %% 10 = 3 THEN %(gold)s
                                      WHEN b.g %% 10 = 4 THEN %(potential)s END,
                  bank_is_potential = b.g %% 10 IN (4, 5), bank_tier_date = %(before)s
             FROM app_book b WHERE b.id = p.id""",
        rms=rm_ids, users=rm_users, units=rm_units, n=RMS, vip=vip, gold=gold, potential=potential_tier,
        before=before,
    ))
    cr.execute("ALTER TABLE app_book ADD COLUMN rm_id int, ADD COLUMN user_id int, ADD COLUMN unit_id int, "
               "ADD COLUMN tier_id int")
    cr.execute("""UPDATE app_book b SET rm_id = p.bank_rm_id, user_id = p.bank_rm_user_id, unit_id = p.bank_unit_id,
                                        tier_id = p.bank_tier_id
                    FROM res_partner p WHERE p.id = b.id""")
    # One demand deposit each, with a balance at the start and the end of both months (growing).
    cr.execute(SQL(
        """INSERT INTO bank_account (partner_id, category_id, kind, currency_id, account_no, contract_amount,
                                     company_id, active, open_date, create_date, write_date)
           SELECT b.id, %(dep)s, 'deposit', %(cur)s, 'APB' || b.id, 0, %(company)s, true, DATE '2020-01-01',
                  now(), now()
             FROM app_book b WHERE NOT EXISTS (SELECT 1 FROM bank_account a WHERE a.partner_id = b.id)""",
        dep=dep, cur=cny.id, company=company.id,
    ))
    cr.execute(SQL(
        """INSERT INTO bank_balance (account_id, date, balance, partner_id, category_id, currency_id, company_id,
                                     create_date, write_date)
           SELECT a.id, d.day, round(((b.g %% 100) * 9000 * (1 + d.step * 0.01 * (b.g %% 7 - 2)))::numeric, 2),
                  a.partner_id, a.category_id, a.currency_id, a.company_id, now(), now()
             FROM app_book b JOIN bank_account a ON a.partner_id = b.id AND a.account_no LIKE 'APB%%'
            CROSS JOIN (VALUES (%(d0)s::date, 0), (%(d1)s::date, 1), (%(d2)s::date, 2), (%(d3)s::date, 3))
                       AS d(day, step)""",
        d0=before, d1=month - datetime.timedelta(days=1), d2=month, d3=month_end,
    ))
    cr.execute(SQL(
        """UPDATE bank_account a SET balance = bl.balance, balance_date = bl.date
             FROM bank_balance bl WHERE bl.account_id = a.id AND bl.date = %s AND a.account_no LIKE 'APB%%'""",
        month_end,
    ))
    # Maintenance logs: two contacts per customer and month (about three per RM and day).
    cr.execute(SQL(
        """INSERT INTO bank_maintenance_log (partner_id, rm_id, rm_user_id, user_id, unit_id, date, channel, log_type,
                                             summary, outcome, minutes, tier_id, company_id, create_date, write_date)
           SELECT b.id, b.rm_id, b.user_id, b.user_id, b.unit_id, m.start + (b.g * 7 + k * 13) %% m.days,
                  (ARRAY['phone','sms','email','wechat','meeting','visit','letter'])[1 + (b.g + k) %% 7],
                  'periodic', 'Appraisal bench', 'done', 5 + (b.g + k) %% 40, b.tier_id, %(company)s, now(), now()
             FROM app_book b
            CROSS JOIN (VALUES (%(before)s::date, %(before_days)s), (%(month)s::date, %(month_days)s)) m(start, days)
            CROSS JOIN generate_series(0, 1) k""",
        company=company.id, before=before, before_days=(month - before).days, month=month,
        month_days=(month_end - month).days + 1,
    ))
    # Won wealth opportunities: a tenth of the customers, one a month each.
    cr.execute(SQL(
        """INSERT INTO crm_lead (name, type, team_id, stage_id, user_id, partner_id, company_id, bank_unit_id,
                                 expected_revenue, prorated_revenue, probability, won_status, active, date_open,
                                 date_closed, date_last_stage_update, create_date, write_date)
           SELECT 'Appraisal bench ' || b.g || ' ' || m.start, 'opportunity', %(team)s, %(stage)s, b.user_id, b.id,
                  %(company)s, b.unit_id, 10000 * (1 + b.g %% 50), 10000 * (1 + b.g %% 50), 100, 'won', true,
                  m.start, m.start + (b.g %% 28) + interval '10 hours', m.start + (b.g %% 28), now(), now()
             FROM app_book b CROSS JOIN (VALUES (%(before)s::date), (%(month)s::date)) m(start)
            WHERE b.g %% 10 = 6""",
        team=wealth_team, stage=won_stage, company=company.id, before=before, month=month,
    ))
    # Tier history: customers entering a tier from none in either month; half of them had been
    # flagged potential before (the opportunity the tier engine opens then, created earlier).
    cr.execute(SQL(
        """INSERT INTO bank_tier_history (partner_id, date, old_tier_id, new_tier_id, reason, create_date, write_date)
           SELECT b.id, CASE WHEN b.g %% 20 < 10 THEN %(before)s::date ELSE %(month)s::date END + b.g %% 28,
                  NULL, b.tier_id, 'Appraisal bench', now(), now()
             FROM app_book b WHERE b.tier_id IN (%(vip)s, %(gold)s) AND b.g %% 4 = 0""",
        before=before, month=month, vip=vip, gold=gold,
    ))
    cr.execute(SQL(
        """INSERT INTO crm_lead (name, type, team_id, stage_id, user_id, partner_id, company_id, bank_unit_id,
                                 expected_revenue, probability, won_status, active, date_open, create_date, write_date)
           SELECT 'Appraisal bench potential ' || b.g, 'opportunity', %(team)s, %(stage)s, b.user_id, b.id,
                  %(company)s, b.unit_id, 0, 10, 'pending', true, %(created)s, %(created)s, %(created)s
             FROM app_book b WHERE b.tier_id IN (%(vip)s, %(gold)s) AND b.g %% 4 = 0 AND b.g %% 40 >= 20""",
        team=wealth_team, stage=env.ref(P + "crm_stage_wealth_plan").id, company=company.id, vip=vip, gold=gold,
        created=before - datetime.timedelta(days=10),
    ))
    cr.execute("""UPDATE res_partner p SET bank_potential_lead_id = l.id
                    FROM crm_lead l WHERE l.partner_id = p.id AND l.name LIKE 'Appraisal bench potential %'""")
    # Complaints: one customer in 50 a month; most resolved on time, some late, some still open.
    cr.execute(SQL(
        """INSERT INTO bank_complaint (name, partner_id, unit_id, responsible_rm_id, responsible_user_id, user_id,
                                       channel, category, description, date_received, deadline, state,
                                       date_resolved, company_id, create_date, write_date)
           SELECT 'APB' || b.g || '-' || m.start, b.id, b.unit_id, b.rm_id, b.user_id, b.user_id, 'counter',
                  'attitude', 'Appraisal bench', m.start + b.g %% 20, m.start + b.g %% 20 + 7,
                  CASE WHEN b.g %% 3 = 0 THEN 'new' ELSE 'resolved' END,
                  CASE WHEN b.g %% 3 = 1 THEN m.start + b.g %% 20 + 3
                       WHEN b.g %% 3 = 2 THEN m.start + b.g %% 20 + 9 END,
                  %(company)s, now(), now()
             FROM app_book b CROSS JOIN (VALUES (%(before)s::date), (%(month)s::date)) m(start)
            WHERE b.g %% 50 = 7""",
        company=company.id, before=before, month=month,
    ))
    # Dossiers of one customer in 20, each checked out once a month by its RM: some late, some out.
    cr.execute(SQL(
        """INSERT INTO bank_dossier (partner_id, bag_no, open_date, unit_id, state, company_id, partner_rm_user_id,
                                     create_date, write_date)
           SELECT b.id, 'APB' || b.g, DATE '2020-01-01', b.unit_id, 'in_custody', %(company)s, b.user_id, now(), now()
             FROM app_book b WHERE b.g %% 20 = 8""",
        company=company.id,
    ))
    cr.execute(SQL(
        """INSERT INTO bank_dossier_checkout (dossier_id, partner_id, unit_id, company_id, borrower_id, purpose, state,
                                              requested_at, approved_at, out_at, due_at, returned_at,
                                              create_date, write_date)
           SELECT d.id, b.id, b.unit_id, %(company)s, b.user_id, 'Appraisal bench',
                  CASE WHEN b.g %% 5 = 0 AND m.start = %(month)s THEN 'out' ELSE 'returned' END,
                  m.start + b.g %% 20 + interval '9 hours', m.start + b.g %% 20 + interval '10 hours',
                  m.start + b.g %% 20 + interval '11 hours', m.start + b.g %% 20 + 3 + interval '17 hours',
                  CASE WHEN b.g %% 5 = 0 AND m.start = %(month)s THEN NULL
                       ELSE m.start + b.g %% 20 + (CASE WHEN b.g %% 3 = 0 THEN 5 ELSE 2 END) + interval '15 hours' END,
                  now(), now()
             FROM app_book b JOIN bank_dossier d ON d.partner_id = b.id AND d.bag_no LIKE 'APB%%'
            CROSS JOIN (VALUES (%(before)s::date), (%(month)s::date)) m(start)""",
        company=company.id, before=before, month=month,
    ))
    # Handed over mid-month: one customer in 100 came to its RM from the previous RM on the 15th.
    cr.execute(SQL(
        """INSERT INTO bank_assignment_history (partner_id, field_name, old_res_id, new_res_id, old_value, new_value,
                                                user_id, date, reason, create_date, write_date)
           SELECT b.id, 'bank_rm_id', (%(rms)s::int[])[1 + (b.g + %(n)s - 1) %% %(n)s], b.rm_id,
                  'Appraisal bench RM ' || ((b.g + %(n)s - 1) %% %(n)s), 'Appraisal bench RM ' || (b.g %% %(n)s),
                  %(admin)s, %(month)s::date + 14 + interval '10 hours', 'Appraisal bench', now(), now()
             FROM app_book b WHERE b.g %% 100 = 9""",
        rms=rm_ids, n=RMS, admin=admin, month=month,
    ))
    # Planned periodic contacts due in the month, one customer in 10: two thirds done (logged on
    # time or two days late, the log keeping the activity's deadline), a third still open.
    deadline = SQL("%s::date + b.g %% 28", month)
    cr.execute(SQL(
        """INSERT INTO bank_maintenance_log (partner_id, rm_id, rm_user_id, user_id, unit_id, date, channel, log_type,
                                             summary, outcome, minutes, tier_id, company_id, activity_type_id,
                                             %(deadline_column)s create_date, write_date)
           SELECT b.id, b.rm_id, b.user_id, b.user_id, b.unit_id,
                  %(deadline)s + CASE WHEN b.g %% 3 = 0 THEN -1 ELSE 2 END, 'phone', 'periodic', 'Appraisal bench',
                  'done', 15, b.tier_id, %(company)s, %(type)s, %(deadline_value)s now(), now()
             FROM app_book b WHERE b.g %% 10 = 1 AND b.g %% 3 != 2""",
        deadline=deadline, company=company.id, type=periodic,
        deadline_column=SQL("activity_deadline,") if has_deadline else SQL(),
        deadline_value=SQL("%s,", deadline) if has_deadline else SQL(),
    ))
    cr.execute(SQL(
        """INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, user_id, summary,
                                      date_deadline, active, automated, create_date, write_date)
           SELECT %(model)s, 'res.partner', b.id, 'Appraisal bench ' || b.g, %(type)s, b.user_id, 'Appraisal bench',
                  %(deadline)s, true, true, now(), now()
             FROM app_book b WHERE b.g %% 10 = 1 AND b.g %% 3 = 2""",
        model=partner_model, type=periodic, deadline=deadline,
    ))
    for table in ("res_partner", "bank_account", "bank_balance", "bank_maintenance_log", "crm_lead",
                  "bank_tier_history", "bank_complaint", "bank_dossier", "bank_dossier_checkout",
                  "bank_assignment_history", "mail_activity"):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    cr.commit()
    env.invalidate_all()
    say(f"generated in {time.perf_counter() - gen_started:.1f} s")
    # Rows written in SQL bypass load_balances: their per-旬 sums are built once, in bulk.
    xun_started = time.perf_counter()
    env["bank.balance.xun"]._rebuild()
    Param.set_param("bank_bench_appraisal.generated", stamp)
    cr.commit()
    say(f"per-旬 sums rebuilt in {time.perf_counter() - xun_started:.1f} s")
customers = env["res.partner"].search_count([("bank_customer_no", "=like", "APB%"), ("is_bank_customer", "=", True)])

# ---------------------------------------------------------------- the plan: the 10 computed KPIs
kpis = env["bank.kpi"].search([("source", "=", "computed"), ("id", "in", [
    env.ref(P + "kpi_" + code).id for code in (
        "new_tiered", "aum_growth", "sales_won_count", "sales_won_amount", "contacts_logged", "vip_time_share",
        "activities_on_time", "complaints_on_time", "potential_converted", "late_checkouts")
])])
targets = {"new_tiered": 2, "aum_growth": 1000000, "sales_won_count": 5, "sales_won_amount": 500000,
           "contacts_logged": 60, "vip_time_share": 50, "activities_on_time": 90, "complaints_on_time": 90,
           "potential_converted": 1, "late_checkouts": 1}
Plan = env["bank.appraisal.plan"]
plan = Plan.search([("name", "=", "Appraisal bench plan"), ("state", "=", "active")], limit=1)
if not plan:
    plan = Plan.create({
        "name": "Appraisal bench plan", "date_start": datetime.date(2000, 1, 1), "grade_ids": [(6, 0, grade.ids)],
        "line_ids": [(0, 0, {"kpi_id": kpi.id, "sequence": kpi.sequence, "weight": 100 / len(kpis),
                             "target": targets[kpi.code], "cap": 120}) for kpi in kpis],
    })
    plan.action_activate()
    cr.commit()
say(f"set up {RMS} RMs, {customers} customers in {time.perf_counter() - started:.1f} s")

# ---------------------------------------------------------------- the monthly run, timed and counted
Appraisal = env["bank.appraisal"].sudo()


def forget():
    """The month's appraisals of a previous run are dropped (bench database: straight SQL)."""
    cr.execute(SQL("DELETE FROM bank_appraisal_line WHERE appraisal_id IN "
                   "(SELECT id FROM bank_appraisal WHERE date_from = %s)", month))
    cr.execute(SQL("DELETE FROM bank_appraisal WHERE date_from = %s", month))
    cr.commit()
    env.invalidate_all()


def run():
    env.flush_all()
    env.invalidate_all()
    count, begun = cr.sql_log_count, time.perf_counter()
    ids = Appraisal.generate_monthly(month)
    env.flush_all()
    return ids, time.perf_counter() - begun, cr.sql_log_count - count


forget()
serve(SMALL)
run()  # warms the registry's caches (not counted)
forget()
small_ids, small_s, small_queries = run()
forget()
serve(RMS)
ids, monthly_s, queries = run()
cr.commit()
rerun_ids, rerun_s, rerun_queries = run()
cr.commit()
# What each measure costs, for all the RMs at once (one query each: models/bank_kpi_measures.py).
served = Appraisal.browse(ids).rm_id
kpi_times = []
for kpi in kpis:
    env.invalidate_all()
    count, begun = cr.sql_log_count, time.perf_counter()
    kpi._bank_actuals(served, month, month_end)
    kpi_times.append(f"{kpi.code}={time.perf_counter() - begun:.2f}s/{cr.sql_log_count - count}q")
say("measures: " + " ".join(kpi_times))
appraisals = Appraisal.browse(ids)
scores = appraisals.mapped("total_score")
say(f"{len(small_ids)} RMs in {small_s:.1f} s ({small_queries} queries); {len(ids)} RMs in {monthly_s:.1f} s "
    f"({queries} queries); recomputed in {rerun_s:.1f} s ({rerun_queries} queries); "
    f"{len(appraisals.line_ids)} lines, scores {min(scores):.1f}..{max(scores):.1f}")
say(f"appraisal rms={len(ids)} kpis={len(kpis)} customers={customers} monthly_s={monthly_s:.1f} queries={queries} "
    f"queries_{len(small_ids)}={small_queries} rerun_s={rerun_s:.1f}")
