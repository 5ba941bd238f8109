# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# make bench: the daily maintenance planning at scale (BENCH_PLAN_CUSTOMERS customers, default
# 100,000, served by 50 RMs), in the bench database. Runs inside `odoo shell` (``env`` is given).
# Customers, accounts and last contacts are generated once in SQL ("Plan bench …"); each run
# forgets what earlier runs planned, then times: the first planning of the day, a rerun the
# same day (must create nothing) and the planning of a holiday-greeting day.
import datetime
import os
import time

from odoo.tools import SQL

N = int(os.environ.get("BENCH_PLAN_CUSTOMERS", 100000))
RMS = 50
cr = env.cr  # noqa: F821 (given by odoo shell)
env = env(context={"tracking_disable": True})  # noqa: F821
today = datetime.date.today()
PREFIX = "bank_relationship_manager."


def say(message):
    print(f"bench: {message}", flush=True)


Unit = env["bank.org.unit"]
unit = Unit.search([("code", "=", "PLANBENCH")]) or Unit.create(
    {"name": "Plan bench branch", "code": "PLANBENCH", "level": "branch", "has_wealth_room": True}
)
rms = env["bank.rm"].search([("unit_id", "=", unit.id)])
if len(rms) < RMS:
    grade = env.ref(PREFIX + "rm_grade_senior")
    group = env.ref(PREFIX + "group_bank_rm")
    users = env["res.users"].create([
        {"name": f"Plan bench RM {i}", "login": f"plan.bench.rm.{i}", "group_ids": [(4, group.id)]}
        for i in range(len(rms), RMS)
    ])
    rms |= env["bank.rm"].create([{"user_id": u.id, "grade_id": grade.id, "unit_id": unit.id} for u in users])
rm_ids = rms.ids
rm_users = rms.user_id.ids
vip = env.ref(PREFIX + "tier_vip")
dep_time = env.ref(PREFIX + "product_category_dep_time")

existing = env["res.partner"].search_count([("name", "=like", "Plan bench %"), ("is_bank_customer", "=", True)])
if existing < N:
    say(f"generating {N - existing} customers with a time deposit (SQL)")
    started = time.perf_counter()
    cr.execute(SQL(
        """INSERT INTO res_partner (name, complete_name, is_bank_customer, active, type, create_date, write_date,
                                    bank_rm_id, bank_rm_user_id, bank_unit_id, birthday, bank_tier_id,
                                    bank_last_contact_date)
           SELECT 'Plan bench ' || g, 'Plan bench ' || g, true, true, 'contact', now(), now(),
                  (%(rms)s::int[])[1 + g %% %(n_rms)s], (%(users)s::int[])[1 + g %% %(n_rms)s], %(unit)s,
                  DATE '1960-01-01' + (g::bigint * 7919 %% 14600)::int, CASE WHEN g %% 5 < 2 THEN %(vip)s END,
                  CURRENT_DATE - (g * 31 %% 200)
             FROM generate_series(%(start)s + 1, %(stop)s) g""",
        rms=rm_ids, users=rm_users, n_rms=RMS, unit=unit.id, vip=vip.id, start=existing, stop=N,
    ))
    cr.execute(SQL(
        """INSERT INTO bank_account (partner_id, category_id, kind, currency_id, account_no, contract_amount,
                                     company_id, active, open_date, maturity_date, create_date, write_date)
           SELECT p.id, %(cat)s, 'deposit', %(cur)s, 'PB' || p.id, 0, %(company)s, true,
                  CURRENT_DATE - 200, CURRENT_DATE + (p.id * 13 %% 365), now(), now()
             FROM res_partner p
            WHERE p.name LIKE 'Plan bench %%' AND p.is_bank_customer
              AND NOT EXISTS (SELECT 1 FROM bank_account a WHERE a.partner_id = p.id)""",
        cat=dep_time.id, cur=env.company.currency_id.id, company=env.company.id,
    ))
    cr.execute("ANALYZE res_partner; ANALYZE bank_account")
    cr.commit()
    say(f"generated in {time.perf_counter() - started:.1f} s")

types = [env.ref(PREFIX + xmlid).id for xmlid in (
    "mail_activity_type_birthday", "mail_activity_type_holiday", "mail_activity_type_periodic_contact",
    "mail_activity_type_maturity")]


def forget_plans():
    cr.execute("DELETE FROM bank_maintenance_plan")
    cr.execute(SQL("DELETE FROM mail_activity WHERE activity_type_id = ANY(%s)", types))
    cr.commit()
    env.invalidate_all()




def steady_state(day):
    """Every customer was last contacted within their interval before ``day`` (VIP 30 days, others
    the setting's 90), so that each day about 1/30 of the VIPs and 1/90 of the others fall due."""
    cr.execute(SQL(
        """UPDATE res_partner
              SET bank_last_contact_date = %s::date - (id * 31 %% (CASE WHEN bank_tier_id IS NULL THEN 91 ELSE 31 END))
            WHERE name LIKE 'Plan bench %%' AND is_bank_customer""",
        day,
    ))
    cr.commit()


steady_state(today)
Plan = env["bank.maintenance.plan"]
customers = env["res.partner"].search_count([("is_bank_customer", "=", True)])
forget_plans()
started = time.perf_counter()
first = Plan._cron_plan(today)
first_s = time.perf_counter() - started
say(f"planning of {today}: {first} activities in {first_s:.1f} s")
started = time.perf_counter()
rerun = Plan._cron_plan(today)
rerun_s = time.perf_counter() - started
say(f"same-day rerun: {rerun} activities in {rerun_s:.1f} s")
holiday = env["bank.holiday"].search([("date", ">", today + datetime.timedelta(days=3))], limit=1, order="date")
forget_plans()
greeting_day = holiday.date - datetime.timedelta(days=3)
steady_state(greeting_day)
started = time.perf_counter()
on_holiday = Plan._cron_plan(greeting_day)
holiday_s = time.perf_counter() - started
say(f"planning of {greeting_day}, greetings for {holiday.name}: {on_holiday} activities in {holiday_s:.1f} s")
started = time.perf_counter()
holiday_rerun = Plan._cron_plan(greeting_day)
holiday_rerun_s = time.perf_counter() - started
say(f"same-day rerun of {greeting_day}: {holiday_rerun} activities in {holiday_rerun_s:.1f} s")
forget_plans()
steady_state(today)
say(
    f"planning customers={customers} first_run_s={first_s:.1f} activities={first} rerun_s={rerun_s:.1f} "
    f"rerun_activities={rerun} holiday_day={greeting_day} holiday_day_s={holiday_s:.1f} "
    f"holiday_day_activities={on_holiday}"
)
say(
    f"planning customers={customers} first_day_s={first_s:.1f} rerun_s={rerun_s:.1f} "
    f"holiday_day_s={holiday_s:.1f} holiday_activities={on_holiday} holiday_rerun_s={holiday_rerun_s:.1f} "
    f"holiday_rerun_activities={holiday_rerun}"
)
