# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# make bench: the monthly customer value snapshot and the nightly state flags at scale, in their own
# database `bank_bench_value` (never the demo one). Runs inside `odoo shell` (``env`` is given).
# Sizes come from the environment: BENCH_VALUE_CUSTOMERS (100000), BENCH_VALUE_DAYS (100: balances
# over the last days, covering the month before and the one before it), BENCH_VALUE_STEP_DAYS (1: a
# balance row every day).
# The data is generated once, directly in SQL, as bench/tiers.py generates it (customers with three
# accounts and a balance a day), plus a credit loan for every tenth customer and two contacts per
# customer in the month; later runs reuse it.
import datetime
import os
import time

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

N = int(os.environ.get("BENCH_VALUE_CUSTOMERS", 100000))
DAYS = int(os.environ.get("BENCH_VALUE_DAYS", 100))
STEP = int(os.environ.get("BENCH_VALUE_STEP_DAYS", 1))
cr = env.cr  # noqa: F821 (given by odoo shell)
env = env(context={"tracking_disable": True})  # noqa: F821
today = env.company._bank_today()
first_day = today - datetime.timedelta(days=DAYS)
month_start = today.replace(day=1) - relativedelta(months=1)
month_end = today.replace(day=1) - datetime.timedelta(days=1)
cny = env.ref("base.CNY")
if env.company.currency_id != cny:
    cny.active = True
    env.company.currency_id = cny


def say(message):
    print(f"bench: {message}", flush=True)


existing = env["res.partner"].search_count([("bank_customer_no", "=like", "B%"), ("is_bank_customer", "=", True)])
if existing < N:
    say(f"generating {N} customers, their accounts, a balance every {STEP} day(s) over {DAYS} days, contacts (SQL)")
    started = time.perf_counter()
    cr.execute(SQL(
        """INSERT INTO res_partner (name, complete_name, is_bank_customer, bank_customer_no, active, type,
                                    annual_income, birthday, create_date, write_date)
           SELECT 'Bench ' || g, 'Bench ' || g, true, 'B' || lpad(g::text, 9, '0'), true, 'contact',
                  (g %% 97) * 10000, DATE '1950-01-01' + (g %% 18000), now(), now()
             FROM generate_series(%s + 1, %s) g""",
        existing, N,
    ))
    cr.execute(SQL(
        """INSERT INTO bank_account (partner_id, category_id, kind, currency_id, account_no, contract_amount,
                                     company_id, active, create_date, write_date)
           SELECT p.id, c.id, c.kind, %s, 'BA' || p.id || '-' || c.code, 0, %s, true, now(), now()
             FROM res_partner p CROSS JOIN bank_product_category c
            WHERE p.is_bank_customer AND p.name LIKE 'Bench %%'
              AND (c.code IN ('DEP_DEMAND', 'DEP_TIME', 'FUND') OR (c.code = 'LOAN_CREDIT' AND p.id %% 10 = 0))
              AND NOT EXISTS (SELECT 1 FROM bank_account a WHERE a.partner_id = p.id)""",
        cny.id, env.company.id,
    ))
    # Secondary indexes are rebuilt once after the bulk insert (as bench/tiers.py does).
    cr.execute("""SELECT indexname, indexdef FROM pg_indexes
                   WHERE tablename = 'bank_balance' AND indexdef NOT LIKE 'CREATE UNIQUE%'""")
    secondary = cr.fetchall()
    for name, _definition in secondary:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    cr.execute(SQL(
        """INSERT INTO bank_balance (account_id, date, balance, partner_id, category_id, currency_id, company_id,
                                     create_date, write_date)
           SELECT a.id, d::date,
                  round(((a.partner_id %% 100) * 9000 * (0.9 + 0.2 * random()))::numeric, 2)
                      * CASE WHEN a.kind = 'loan' THEN -1 ELSE 1 END,
                  a.partner_id, a.category_id, a.currency_id, a.company_id, now(), now()
             FROM bank_account a
             CROSS JOIN generate_series(%s::date, %s::date - 1, %s * interval '1 day') d
            WHERE a.account_no LIKE 'BA%%'
           ON CONFLICT (account_id, date) DO NOTHING""",
        first_day, today, STEP,
    ))
    for _name, definition in secondary:
        cr.execute(definition)
    cr.execute(SQL(
        """INSERT INTO bank_maintenance_log (partner_id, rm_id, user_id, company_id, date, channel, log_type, summary,
                                             outcome, minutes, create_date, write_date)
           SELECT p.id, NULL, %(user)s, %(company)s, %(start)s::date + (p.id + k) %% 28,
                  (ARRAY['phone', 'sms', 'wechat', 'visit', 'meeting'])[1 + (p.id + k) %% 5], 'periodic', 'Bench',
                  'done', 10, now(), now()
             FROM res_partner p CROSS JOIN generate_series(1, 2) k
            WHERE p.is_bank_customer AND p.name LIKE 'Bench %%'
              AND NOT EXISTS (SELECT 1 FROM bank_maintenance_log l WHERE l.partner_id = p.id)""",
        user=env.user.id, company=env.company.id, start=month_start,
    ))
    cr.execute("""UPDATE bank_account a SET balance = b.balance, balance_date = b.date
                    FROM (SELECT DISTINCT ON (account_id) account_id, date, balance FROM bank_balance
                           ORDER BY account_id, date DESC) b
                   WHERE b.account_id = a.id""")
    cr.execute("ANALYZE bank_balance; ANALYZE bank_account; ANALYZE res_partner; ANALYZE bank_maintenance_log")
    cr.commit()
    say(f"generated in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    env["bank.balance.xun"]._rebuild()
    cr.commit()
    say(f"per-旬 sums rebuilt in {time.perf_counter() - started:.1f} s")
env.invalidate_all()
customers = env["res.partner"].search_count([("is_bank_customer", "=", True)])

# 1. The monthly snapshot of the month before, for every customer (a rerun starts afresh: the
# bench deletes its own rows in SQL, which no user can).
cr.execute("DELETE FROM bank_customer_value WHERE date = %s", [month_end])
cr.commit()
started = time.perf_counter()
created = env["bank.customer.value"].generate_month(month_end)
snapshot_s = time.perf_counter() - started
cr.commit()
classes = env["bank.customer.value"]._read_group([("date", "=", month_end)], ["value_class"], ["__count"])
say(f"snapshot of {month_start:%Y-%m}: {created} rows in {snapshot_s:.1f} s: "
    + ", ".join(f"{value_class}={count}" for value_class, count in classes))

# 2. The nightly state flags (the cron's batches, each committing), every customer due.
cr.execute("UPDATE res_partner SET bank_state_date = NULL WHERE is_bank_customer")
cr.commit()
started = time.perf_counter()
env["res.partner"]._cron_bank_customer_state()
state_s = time.perf_counter() - started
cr.commit()
print(f"bench: value customers={customers} snapshot_s={snapshot_s:.1f} state_s={state_s:.1f}")
