# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# make bench: a city branch on one box (issue 15), in its own database `bank_bench_scale`.
# Runs inside `odoo shell` (``env`` is given). Sizes come from the environment:
#   BENCH_CUSTOMERS (100000), BENCH_DAYS (200), BENCH_STEP_DAYS (1: a balance row every day),
#   BENCH_LOAD_ROWS (1000000, loaded through load_balances and timed).
# The network (1 branch, 5 sub-branches each overseen by a supervisor, 50 outlets each with a head,
# one RM per 2,000 customers), the customers (3 accounts each) and their balances are generated
# once in SQL and reused. Then it times, through the public methods, the nightly load, the nightly
# evaluation, the what-if preview and the planning of a holiday-greeting day, and, over HTTP
# JSON-RPC against an Odoo server it starts on a spare port, the screens as their real users (an
# RM's customer list, a supervisor's, name_search, the customer form), printing EXPLAIN (ANALYZE,
# BUFFERS) of every SQL statement over 20 ms in those requests. One line at the end:
#   bench: scale customers=… load_rows_per_s=… evaluate_s=… whatif_s=… holiday_day_s=… rm_list_ms=…
import datetime
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

from odoo import sql_db
from odoo.tools import SQL, config

N = int(os.environ.get("BENCH_CUSTOMERS", 100000))
DAYS = int(os.environ.get("BENCH_DAYS", 200))
STEP = int(os.environ.get("BENCH_STEP_DAYS", 1))
LOAD_ROWS = int(os.environ.get("BENCH_LOAD_ROWS", 1000000))
# BENCH_SCALE_PARTS="screens": only these measurements (the others print n/a).
PARTS = os.environ.get("BENCH_SCALE_PARTS", "load evaluate whatif holiday screens").split()
PER_RM = 2000
SUBS, OUTLETS_PER_SUB = 5, 10
PASSWORD = "bench-scale"
LOGINS = ("scale.rm.0", "scale.supervisor.0")
P = "bank_relationship_manager."
cr = env.cr  # noqa: F821 (given by odoo shell)
env = env(context={"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True})  # noqa: F821
today = datetime.date.today()
first_day = today - datetime.timedelta(days=DAYS)
n_rms = max(1, N // PER_RM)


def say(message):
    print(f"bench: {message}", flush=True)


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


# ---------------------------------------------------------------------------------------------
# 1. The network and its users (ORM: a few hundred records)
# ---------------------------------------------------------------------------------------------
cny = env.ref("base.CNY")
if env.company.currency_id != cny:
    cny.active = True
    env.company.currency_id = cny
if not env["res.currency.rate"].search_count([("currency_id", "=", env.ref("base.USD").id)]):
    env["res.currency.rate"].create({"currency_id": env.ref("base.USD").id, "name": "2000-01-01", "rate": 0.14})
Users, Unit = env["res.users"].with_context(no_reset_password=True), env["bank.org.unit"]


def user(login, group, name):
    """A user of the network; only those who log in to the screens get a password (hashing is slow)."""
    found = Users.search([("login", "=", login)])
    return found or Users.create({"name": name, "login": login, "group_ids": [(4, env.ref(P + group).id)],
                                  "lang": "en_US", **({"password": PASSWORD} if login in LOGINS else {})})


branch = Unit.search([("code", "=", "SCALE")]) or Unit.create(
    {"name": "Scale bench branch", "code": "SCALE", "level": "branch"})
outlets = Unit.search([("code", "=like", "SCALE-S%-O%")], order="id")
if len(outlets) < SUBS * OUTLETS_PER_SUB:
    for s in range(SUBS):
        code = f"SCALE-S{s}"
        sub = Unit.search([("code", "=", code)]) or Unit.create({
            "name": f"Scale sub-branch {s}", "code": code, "level": "sub_branch", "parent_id": branch.id,
            "supervisor_user_id": user(f"scale.supervisor.{s}", "group_bank_supervisor", f"Scale supervisor {s}").id,
        })
        for o in range(OUTLETS_PER_SUB):
            if not Unit.search_count([("code", "=", f"{code}-O{o}")]):
                Unit.create({
                    "name": f"Scale outlet {s}-{o}", "code": f"{code}-O{o}", "level": "outlet",
                    "parent_id": sub.id, "has_wealth_room": True,
                    "head_user_id": user(f"scale.head.{s}.{o}", "group_bank_unit_head", f"Scale head {s}-{o}").id,
                })
    outlets = Unit.search([("code", "=like", "SCALE-S%-O%")], order="id")
rms = env["bank.rm"].search([("unit_id", "in", outlets.ids)], order="id")
if len(rms) < n_rms:
    say(f"creating {n_rms - len(rms)} RMs")
    grade = env.ref(P + "rm_grade_rm")
    group = env.ref(P + "group_bank_rm")
    # Only the first RM logs in (the screens); the others need no password hash.
    new_users = Users.create([
        {"name": f"Scale RM {i}", "login": f"scale.rm.{i}", "group_ids": [(4, group.id)], "lang": "en_US",
         **({"password": PASSWORD} if i == 0 else {})}
        for i in range(len(rms), n_rms)
    ])
    rms |= env["bank.rm"].create([
        {"user_id": u.id, "grade_id": grade.id, "unit_id": outlets[(len(rms) + k) % len(outlets)].id}
        for k, u in enumerate(new_users)
    ])
cr.commit()

def without_foreign_key_checks():
    """For this transaction, no per-row foreign-key triggers: the generated rows reference
    existing records by construction, and the checks (5 a balance row, 11 a customer) were most
    of the insert time. Needs a superuser (the embedded PostgreSQL's); elsewhere the checks stay."""
    try:
        with cr.savepoint(flush=False):
            cr.execute("SET LOCAL session_replication_role = replica")
    except Exception:  # noqa: BLE001 (not a superuser: slower, same rows)
        say("foreign-key checks stay on (not a superuser)")


# ---------------------------------------------------------------------------------------------
# 2. Customers, accounts, balances (SQL, once; each step resumes where an interrupted run stopped)
# ---------------------------------------------------------------------------------------------
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅文斌辉鹏宇浩然子轩欣怡思雨晨博雪梓")
existing = env["res.partner"].search_count([("bank_customer_no", "=like", "S%"), ("is_bank_customer", "=", True)])
generation_started = time.perf_counter()
if existing < N:
    say(f"generating {N - existing} customers served by {n_rms} RMs in {len(outlets)} outlets (SQL)")
    started = time.perf_counter()
    without_foreign_key_checks()
    # Names: surname + two given characters (2,500 given names a surname), so that a fragment
    # finds a few dozen customers of an RM, as in a real branch; the surname (g / 7) does not
    # follow the unit (g mod 50), or a list sorted by name would find one unit's customers late.
    cr.execute(SQL(
        """INSERT INTO res_partner (id, commercial_partner_id, name, complete_name, is_bank_customer,
                                    bank_customer_no, active, type,
                                    annual_income, create_date, write_date, bank_rm_id, bank_rm_user_id,
                                    bank_unit_id, birthday, bank_last_contact_date)
           SELECT pid, pid, nm, nm, true, 'S' || lpad(g::text, 9, '0'), true, 'contact', (g %% 97) * 10000,
                  now(), now(),
                  (%(rms)s::int[])[1 + g %% %(n)s], (%(users)s::int[])[1 + g %% %(n)s],
                  (%(units)s::int[])[1 + g %% %(n)s],
                  DATE '1950-01-01' + (g::bigint * 7919 %% 18000)::int,
                  CURRENT_DATE - (g %% 20)
             FROM (SELECT g, nextval('res_partner_id_seq') AS pid FROM generate_series(%(start)s + 1, %(stop)s) g) s,
                  LATERAL (SELECT (%(sur)s::text[])[1 + (g / 7) %% %(n_sur)s]
                                  || (%(given)s::text[])[1 + (g / %(n_sur)s) %% %(n_given)s]
                                  || (%(given)s::text[])[1 + (g / %(n_sur)s / %(n_given)s) %% %(n_given)s]
                                  || CASE WHEN g > %(distinct)s THEN (g / %(distinct)s)::text ELSE '' END AS nm) n""",
        rms=rms.ids, users=rms.user_id.ids, units=[rm.unit_id.id for rm in rms], n=len(rms), start=existing, stop=N,
        sur=SURNAMES, n_sur=len(SURNAMES), given=GIVEN, n_given=len(GIVEN),
        distinct=len(SURNAMES) * len(GIVEN) ** 2,
    ))
    cr.commit()
    say(f"customers generated in {time.perf_counter() - started:.1f} s")
accounts_count = env["bank.account"].search_count([("account_no", "=like", "SA%")])
if accounts_count < 3 * N:
    started = time.perf_counter()
    without_foreign_key_checks()
    cr.execute(SQL(
        """INSERT INTO bank_account (partner_id, category_id, kind, currency_id, account_no, contract_amount,
                                     company_id, active, open_date, maturity_date, create_date, write_date)
           SELECT p.id, c.id, c.kind, %s, 'SA' || p.id || '-' || c.code, 0, %s, true, CURRENT_DATE - 400,
                  CASE WHEN c.code = 'DEP_TIME' THEN CURRENT_DATE + (p.id * 13 %% 365) END, now(), now()
             FROM res_partner p CROSS JOIN bank_product_category c
            WHERE p.is_bank_customer AND p.bank_customer_no LIKE 'S%%'
              AND c.code IN ('DEP_DEMAND', 'DEP_TIME', 'FUND')
              AND NOT EXISTS (SELECT 1 FROM bank_account a WHERE a.partner_id = p.id)""",
        cny.id, env.company.id,
    ))
    cr.execute("ANALYZE res_partner; ANALYZE bank_account")
    cr.commit()
    say(f"accounts generated in {time.perf_counter() - started:.1f} s")
account_range = env.execute_query(SQL("SELECT min(id), max(id) FROM bank_account WHERE account_no LIKE 'SA%%'"))[0]
last_generated = first_day + datetime.timedelta(days=STEP * ((DAYS - 1) // STEP))
done_to = env.execute_query(SQL(
    "SELECT coalesce(max(account_id), 0) FROM bank_balance WHERE account_id BETWEEN %s AND %s", *account_range))[0][0]
if done_to < account_range[1]:
    # Secondary indexes are rebuilt once after the bulk insert instead of row by row (the unique
    # index stays: rows arrive in its order, so it only grows at its right edge).
    cr.execute("""SELECT indexname, indexdef FROM pg_indexes
                   WHERE tablename = 'bank_balance' AND indexdef NOT LIKE 'CREATE UNIQUE%'""")
    secondary = cr.fetchall()
    for name, _definition in secondary:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    cr.commit()
    say(f"generating balances every {STEP} day(s) over {DAYS} days for accounts {done_to + 1}..{account_range[1]}"
        f" (dropped {len(secondary)} secondary indexes)")
    started = time.perf_counter()
    # About 2 M rows a transaction: an interrupted run resumes after the last whole chunk.
    chunk = max(1000, 2000000 * STEP // DAYS)
    for low in range(max(done_to + 1, account_range[0]), account_range[1] + 1, chunk):
        without_foreign_key_checks()
        # Balances: a customer-specific level (some VIP, some close, most ordinary) with a little noise.
        cr.execute(SQL(
            """INSERT INTO bank_balance (account_id, date, balance, partner_id, category_id, currency_id,
                                         company_id, create_date, write_date)
               SELECT a.id, d::date,
                      round(((a.partner_id %% 100) * 9000 * (0.9 + 0.2 * random()))::numeric, 2),
                      a.partner_id, a.category_id, a.currency_id, a.company_id, now(), now()
                 FROM bank_account a
                 CROSS JOIN generate_series(%s::date, %s::date - 1, %s * interval '1 day') d
                WHERE a.id BETWEEN %s AND %s AND a.account_no LIKE 'SA%%'
                ORDER BY a.id, d""",
            first_day, today, STEP, low, low + chunk - 1,
        ))
        cr.commit()
        say(f"  accounts ..{low + chunk - 1}: {time.perf_counter() - started:.0f} s")
    started_index = time.perf_counter()
    for _name, definition in secondary:
        cr.execute(definition)
    cr.execute(SQL(
        """UPDATE bank_account a SET balance = b.balance, balance_date = b.date
             FROM bank_balance b
            WHERE b.account_id = a.id AND b.date = %s AND a.account_no LIKE 'SA%%'""",
        last_generated,
    ))
    cr.commit()
    cr.execute("ANALYZE bank_balance; ANALYZE bank_account; ANALYZE res_partner")
    cr.commit()  # (ANALYZE's lock on res_partner would otherwise last through the rebuild below)
    say(f"balances generated in {started_index - started:.0f} s, indexes and account balances in "
        f"{time.perf_counter() - started_index:.0f} s")
if not env.execute_query(SQL("SELECT 1 FROM bank_balance_xun WHERE account_id = %s LIMIT 1", account_range[1])):
    # Rows written in SQL bypass load_balances: their per-旬 sums are built once, in bulk (also
    # when an earlier run was stopped after the balances).
    started = time.perf_counter()
    env["bank.balance.xun"]._rebuild()
    cr.commit()
    say(f"per-旬 sums rebuilt in {time.perf_counter() - started:.1f} s")
    say(f"generation took {time.perf_counter() - generation_started:.0f} s")
env.invalidate_all()
customers = env["res.partner"].search_count([("is_bank_customer", "=", True)])
accounts = env["bank.account"].search_count([])
balance_rows = env.execute_query(SQL(
    "SELECT reltuples::bigint FROM pg_class WHERE oid = 'bank_balance'::regclass"))[0][0]
say(f"database: {customers} customers, {accounts} accounts, about {balance_rows} balance rows")
if os.environ.get("BENCH_SCALE_GENERATE_ONLY"):
    raise SystemExit(0)


def partition_experiment():
    """BENCH_PARTITION=1: bank_balance copied into a clone partitioned by month (same columns and
    indexes), and the operations partitioning should help with timed on both (docs/scaling.md)."""
    sample_day = last_generated
    load_n = min(LOAD_ROWS, accounts)
    cr.execute("DROP TABLE IF EXISTS bench_balance_part")
    cr.execute("CREATE TABLE bench_balance_part (LIKE bank_balance INCLUDING DEFAULTS) PARTITION BY RANGE (date)")
    low, high = env.execute_query(SQL("SELECT min(date), max(date) FROM bank_balance"))[0]
    month = low.replace(day=1)
    months = []
    while month <= max(high, today) + datetime.timedelta(days=40):
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        name = f"bench_balance_part_{month:%Y_%m}"
        cr.execute(SQL("CREATE TABLE %s PARTITION OF bench_balance_part FOR VALUES FROM (%s) TO (%s)",
                       SQL.identifier(name), month, following))
        months.append((name, month, following))
        month = following
    cr.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'bank_balance' AND indexname NOT LIKE '%pkey'")
    definitions = [row[0] for row in cr.fetchall()]
    cr.execute("ALTER TABLE bench_balance_part ADD PRIMARY KEY (id, date)")
    for definition in definitions:
        definition = re.sub(r"INDEX (\S+) ON (public\.)?bank_balance",
                            lambda m: f"INDEX bench_part_{m.group(1)[-40:]} ON bench_balance_part", definition)
        cr.execute(definition)
    cr.commit()
    _none, copy_s = timed(cr.execute, "INSERT INTO bench_balance_part SELECT * FROM bank_balance")
    cr.commit()
    cr.execute("ANALYZE bench_balance_part")
    cr.commit()
    say(f"partition: {len(months)} monthly partitions, {balance_rows} rows copied in {copy_s:.0f} s")
    figures = {"months": len(months), "copy_s": copy_s}
    cr.execute(SQL(
        """CREATE TEMP TABLE bench_feed AS
           SELECT a.id AS account_id, a.partner_id, a.category_id, a.currency_id, a.company_id
             FROM bank_account a WHERE a.account_no LIKE 'SA%%' ORDER BY a.id LIMIT %s""", load_n))
    cr.commit()

    def upsert(table, day):
        return SQL(
            """INSERT INTO %s (account_id, date, balance, partner_id, category_id, currency_id, company_id,
                               create_date, write_date)
               SELECT account_id, %s::date, 123.45, partner_id, category_id, currency_id, company_id, now(), now()
                 FROM bench_feed
               ON CONFLICT (account_id, date) DO UPDATE SET write_date = now()""",
            SQL.identifier(table), day,
        )

    for label, table in (("plain", "bank_balance"), ("part", "bench_balance_part")):
        # The nightly load: a new day (inserts), then corrections of the last generated day (updates).
        _none, figures[f"{label}_insert_s"] = timed(cr.execute, upsert(table, today))
        cr.rollback()
        _none, figures[f"{label}_update_s"] = timed(cr.execute, upsert(table, sample_day))
        cr.commit()  # leaves load_n dead rows for the vacuum below
        # One customer's history (the balance-history screen): 200 accounts, one by one.
        ids = [row[0] for row in env.execute_query(SQL("SELECT account_id FROM bench_feed LIMIT 200"))]
        started = time.perf_counter()
        for account_id in ids:
            cr.execute(SQL("SELECT date, balance FROM %s WHERE account_id = %s ORDER BY date",
                           SQL.identifier(table), account_id))
        figures[f"{label}_history_ms"] = (time.perf_counter() - started) * 1000 / len(ids)
        # The per-旬 refresh's read after a load: each fed account's rows of the current 旬.
        started = time.perf_counter()
        cr.execute(SQL("""SELECT count(*), sum(b.balance) FROM bench_feed f JOIN %s b
                             ON b.account_id = f.account_id AND b.date BETWEEN %s::date - 10 AND %s""",
                       SQL.identifier(table), sample_day, sample_day))
        figures[f"{label}_xun_read_s"] = time.perf_counter() - started
        # Retention: the oldest month out (rolled back).
        first_name, _first_month, first_end = months[0]
        if label == "plain":
            _none, figures["plain_retention_s"] = timed(
                cr.execute, "DELETE FROM bank_balance WHERE date < %s", [first_end])
        else:
            started = time.perf_counter()
            cr.execute(SQL("ALTER TABLE bench_balance_part DETACH PARTITION %s", SQL.identifier(first_name)))
            cr.execute(SQL("DROP TABLE %s", SQL.identifier(first_name)))
            figures["part_retention_s"] = time.perf_counter() - started
        cr.rollback()
    # Vacuum after the day's corrections: the whole table against the one month they touched.
    vacuum_cr = env.registry.cursor()
    vacuum_cr._cnx.autocommit = True
    part_of_day = next(name for name, start, end in months if start <= sample_day < end)
    _none, figures["plain_vacuum_s"] = timed(vacuum_cr.execute, "VACUUM bank_balance")
    _none, figures["part_vacuum_s"] = timed(vacuum_cr.execute, SQL("VACUUM %s", SQL.identifier(part_of_day)))
    vacuum_cr.close()
    figures["plain_gb"], figures["part_gb"] = (value / 1024 ** 3 for value in env.execute_query(SQL(
        "SELECT pg_total_relation_size('bank_balance'), "
        "(SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
        " WHERE inhparent = 'bench_balance_part'::regclass)"))[0])
    cr.execute("DROP TABLE bench_balance_part")
    cr.commit()
    print("bench: partition rows=%s feed=%s " % (balance_rows, load_n) + " ".join(
        f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}" for key, value in figures.items()),
        flush=True)


if os.environ.get("BENCH_PARTITION"):
    partition_experiment()
    raise SystemExit(0)

# ---------------------------------------------------------------------------------------------
# 3. The nightly jobs, through their public methods
# ---------------------------------------------------------------------------------------------
figures = dict.fromkeys(("load_rows_per_s", "evaluate_s", "whatif_s", "holiday_day_s", "holiday_activities",
                            "holiday_rerun_s", "rm_list_ms", "supervisor_list_ms", "name_search_ms", "form_ms",
                            "slow_sql"), "n/a")
if "load" in PARTS:
    # The nightly load: LOAD_ROWS balances of today (and of the days before when there are fewer
    # accounts), as a real feed has them: each balance within 1 % of the last one, one account in a
    # hundred doubled (a large movement: the RM gets an activity).
    account_rows = env.execute_query(SQL(
        "SELECT account_no, coalesce(balance, 0) FROM bank_account WHERE account_no LIKE 'SA%%' ORDER BY id"))
    rows, day = [], today
    while len(rows) < LOAD_ROWS:
        for account_no, previous in account_rows:
            i = len(rows)
            factor = 2.0 if i % 100 == 0 else 1 + (i * 7919 % 201 - 100) / 10000
            rows.append({"account_no": account_no, "date": day.isoformat(), "balance": round(previous * factor, 2)})
            if len(rows) >= LOAD_ROWS:
                break
        day -= datetime.timedelta(days=1)
    del account_rows
    # Each run's load is rolled back (below): its 1,000,000 aborted rows stay in the tables and
    # their indexes until a vacuum, which slowed the next run's load by 30 % (7,189 against
    # 10,252 rows/s at 1,000,000 customers, docs/scaling.md). A nightly feed is committed and
    # leaves no such rows, so the load is timed on vacuumed tables. (VACUUM cannot run inside a
    # transaction: its own connection, in autocommit as Odoo's service/db.py does.)
    cr.commit()
    with sql_db.db_connect(cr.dbname).cursor() as vacuum_cr:
        vacuum_cr._cnx.autocommit = True
        started = time.perf_counter()
        vacuum_cr.execute("VACUUM (ANALYZE) bank_balance, bank_balance_xun")
        vacuum_cr._cnx.autocommit = False  # the connection goes back to Odoo's pool
        say(f"vacuumed the balances before the load in {time.perf_counter() - started:.1f} s")
    result, load_s = timed(env["bank.balance"].load_balances, rows)
    # Rolled back: every run (several on one day too) loads the same feed into the generated
    # history, the nightly case of rows for a new day; a committed load would turn the next
    # run's feed into corrections of today's rows (updates, not the nightly inserts).
    cr.rollback()
    env.invalidate_all()
    del rows
    say(f"load_balances: {LOAD_ROWS} rows in {load_s:.1f} s ({result})")
    figures["load_rows_per_s"] = f"{LOAD_ROWS / load_s:.0f}"

if "evaluate" in PARTS:
    # The nightly evaluation as the cron runs it: every customer not yet evaluated today, in batches.
    cr.execute("UPDATE res_partner SET bank_evaluated_on = NULL WHERE is_bank_customer")
    cr.commit()
    env.invalidate_all()
    _result, evaluate_s = timed(env["res.partner"]._cron_bank_evaluate)
    cr.commit()
    tiers = env["res.partner"]._read_group([("is_bank_customer", "=", True)], ["bank_tier_id"], ["__count"])
    say(f"evaluation of {customers} customers in {evaluate_s:.1f} s: "
        + ", ".join(f"{tier.name or 'none'}={count}" for tier, count in tiers))
    figures["evaluate_s"] = f"{evaluate_s:.1f}"

if "whatif" in PARTS:
    # The what-if preview with the funds threshold raised (rolled back).
    wizard = env["bank.tier.whatif"].create({"date": today})
    wizard.line_ids.filtered(lambda line: line.condition_id.metric == "balance")[:1].new_amount = 700000
    _result, whatif_s = timed(wizard.action_preview)
    cr.rollback()
    env.invalidate_all()
    say(f"what-if preview in {whatif_s:.1f} s")
    figures["whatif_s"] = f"{whatif_s:.1f}"

# A holiday-greeting day: a holiday tomorrow, planned today by the planning cron, then rerun.
Plan = env["bank.maintenance.plan"]
plan_types = [env.ref(P + xmlid).id for xmlid in (
    "mail_activity_type_birthday", "mail_activity_type_holiday", "mail_activity_type_periodic_contact",
    "mail_activity_type_maturity")]


def forget_plans():
    cr.execute("DELETE FROM bank_maintenance_plan")
    cr.execute(SQL("DELETE FROM mail_activity WHERE activity_type_id = ANY(%s)", plan_types))
    cr.commit()
    env.invalidate_all()


holiday = env["bank.holiday"]
if "holiday" in PARTS:
    forget_plans()
    tomorrow = today + datetime.timedelta(days=1)
    holiday = env["bank.holiday"].search([("name", "=", "Scale bench holiday"), ("date", "=", tomorrow)]) or (
        env["bank.holiday"].create({"name": "Scale bench holiday", "date": tomorrow}))
    cr.commit()
    holiday_activities, holiday_s = timed(Plan._cron_plan, today)
    rerun_activities, rerun_s = timed(Plan._cron_plan, today)
    say(f"planning of {today} (holiday tomorrow): {holiday_activities} activities in {holiday_s:.1f} s; "
        f"same-day rerun {rerun_activities} in {rerun_s:.1f} s")
    figures.update(holiday_day_s=f"{holiday_s:.1f}", holiday_activities=holiday_activities,
                   holiday_rerun_s=f"{rerun_s:.1f}")


# ---------------------------------------------------------------------------------------------
# 4. The screens, as their real users, over HTTP JSON-RPC against a real Odoo server
# ---------------------------------------------------------------------------------------------
def measure_screens():
    """The four screens over HTTP, as their users; then the slow statements explained."""
    db_name = cr.dbname
    pg_log = None
    try:
        data_directory = env.execute_query(SQL("SHOW data_directory"))[0][0]
        candidate = os.path.join(os.path.dirname(data_directory), "postgresql.log")  # scripts/setup.sh's PG_LOG
        pg_log = candidate if os.path.exists(candidate) else None
    except Exception:  # noqa: BLE001 (an external PostgreSQL may refuse: the EXPLAINs are then skipped)
        cr.rollback()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server_env = dict(os.environ)
    # The server's statements over 20 ms land in PostgreSQL's log (explained below).
    server_env["PGOPTIONS"] = "-c log_min_duration_statement=20"
    server = subprocess.Popen(  # noqa: S603 (our own Odoo, on the loopback)
        [sys.executable, "-m", "odoo", "server", "-c", config["config"], "-d", db_name, f"--db-filter=^{db_name}$",
         "--http-interface=127.0.0.1", f"--http-port={port}", "--max-cron-threads=0", "--workers=0",
         "--log-level=warn"],
        env=server_env, stdout=subprocess.DEVNULL, stderr=None,
    )
    base = f"http://127.0.0.1:{port}"


    class Session:
        """A logged-in browser: its cookie and the context the web client sends."""

        def __init__(self, login):
            self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
            info = self.call("/web/session/authenticate", {"db": db_name, "login": login, "password": PASSWORD})
            self.context = {**info["user_context"], "allowed_company_ids": [env.company.id]}

        def call(self, path, params):
            request = urllib.request.Request(
                base + path, json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}).encode(),
                {"Content-Type": "application/json"},
            )
            with self.opener.open(request, timeout=600) as response:
                answer = json.loads(response.read())
            if "error" in answer:
                raise RuntimeError(f"{path}: {answer['error'].get('data', {}).get('message') or answer['error']}")
            return answer["result"]

        def kw(self, model, method, args, **kwargs):
            kwargs.setdefault("context", self.context)
            return self.call(f"/web/dataset/call_kw/{model}/{method}",
                             {"model": model, "method": method, "args": args, "kwargs": kwargs})


    def median_ms(function, runs=7):
        function()  # warm
        samples = []
        for _run in range(runs):
            started = time.perf_counter()
            function()
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)


    def specification(arch, fields):
        """The web client's field specification for a view: its fields; a many2one's display name;
        an x2many's inline list columns."""
        from lxml import etree

        spec = {}

        def walk(node, into, model_fields):
            for child in node:
                if not isinstance(child.tag, str):
                    continue
                if child.tag == "field":
                    name = child.get("name")
                    info = model_fields.get(name, {})
                    if info.get("type") == "many2one":
                        into[name] = {"fields": {"display_name": {}}}
                    elif info.get("type") in ("one2many", "many2many"):
                        sub = {}
                        sub_list = child.find("list")
                        if sub_list is not None:
                            walk(sub_list, sub, {})
                        into[name] = {"fields": sub or {"display_name": {}}, "limit": 40}
                    else:
                        into[name] = {}
                    continue
                walk(child, into, model_fields)

        walk(etree.fromstring(arch), spec, fields)
        return spec


    for _attempt in range(120):
        try:
            urllib.request.urlopen(urllib.request.Request(  # noqa: S310 (our server, on the loopback)
                base + "/web/webclient/version_info", b"{}", {"Content-Type": "application/json"}), timeout=5)
            break
        except OSError:
            time.sleep(1)
    else:
        server.kill()
        raise SystemExit("bench: the Odoo server for the screens did not start")
    log_from = os.path.getsize(pg_log) if pg_log else 0
    try:
        action = env.ref(P + "res_partner_action_customers")
        list_view = env.ref(P + "res_partner_view_list_bank_customer")
        rm_session = Session("scale.rm.0")
        supervisor_session = Session("scale.supervisor.0")
        views = rm_session.kw("res.partner", "get_views", [],
                              views=[[list_view.id, "list"], [False, "form"], [action.search_view_id.id, "search"]],
                              options={"action_id": action.id, "load_filters": True, "toolbar": True})
        fields = views["models"]["res.partner"]
        fields = fields.get("fields", fields)
        list_spec = specification(views["views"]["list"]["arch"], fields)
        form_spec = specification(views["views"]["form"]["arch"], fields)
        domain = [("is_bank_customer", "=", True), ("bank_is_served", "=", True)]  # the action + "My customers"

        def customer_list(session):
            return session.kw("res.partner", "web_search_read", [], domain=domain, specification=list_spec,
                              offset=0, limit=80, order="", count_limit=10001)

        first_page = customer_list(rm_session)
        supervisor_page = customer_list(supervisor_session)
        rm_list_ms = median_ms(lambda: customer_list(rm_session))
        supervisor_list_ms = median_ms(lambda: customer_list(supervisor_session))
        fragment = first_page["records"][0]["name"][:2]
        name_search_ms = median_ms(lambda: rm_session.kw("res.partner", "name_search", [], name=fragment, limit=8))
        customer_id = first_page["records"][0]["id"]
        form_ms = median_ms(lambda: rm_session.kw("res.partner", "web_read", [[customer_id]], specification=form_spec))
        say(f"screens: RM list {first_page['length']} customers, supervisor list {supervisor_page['length']}; "
            f"name_search '{fragment}'; form of {len(form_spec)} fields")
    finally:
        server.terminate()
        server.wait(timeout=60)

    # Every statement of those requests that took over 20 ms, explained.
    slow = {}
    if pg_log:
        with open(pg_log, encoding="utf-8", errors="replace") as log:
            log.seek(log_from)
            text = log.read()
        for match in re.finditer(r"duration: ([\d.]+) ms  statement: (.*?)(?=\n\S|\Z)", text, re.S):
            statement = match.group(2).strip()
            if statement.upper().startswith(("SELECT", "WITH")):
                slow[statement] = max(slow.get(statement, 0), float(match.group(1)))
    else:
        say("no PostgreSQL log found: statements over 20 ms are not explained")
    for statement, ms in sorted(slow.items(), key=lambda item: -item[1])[:10]:
        say(f"slow SQL ({ms:.0f} ms): {statement[:300]}")
        cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
        print("\n".join("    " + row[0] for row in cr.fetchall()), flush=True)
    cr.rollback()
    say(f"{len(slow)} distinct statements over 20 ms during the screens")
    return {"rm_list_ms": f"{rm_list_ms:.0f}", "supervisor_list_ms": f"{supervisor_list_ms:.0f}",
            "name_search_ms": f"{name_search_ms:.0f}", "form_ms": f"{form_ms:.0f}", "slow_sql": len(slow)}


if "screens" in PARTS:
    figures.update(measure_screens())

if "holiday" in PARTS:
    forget_plans()
    holiday.unlink()
    cr.commit()
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
db_gb = env.execute_query(SQL("SELECT pg_database_size(current_database())"))[0][0] / 1024 ** 3
print(
    f"bench: scale customers={customers} accounts={accounts} balance_rows={balance_rows} "
    + " ".join(f"{key}={value}" for key, value in figures.items())
    + f" peak_rss_mb={peak_mb:.0f} db_gb={db_gb:.1f}",
    flush=True,
)
