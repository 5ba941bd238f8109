# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# make bench: the tier engine at scale, in its own database `bank_bench_tiers` (never the demo one).
# Runs inside `odoo shell` (``env`` is given). Sizes come from the environment:
#   BENCH_CUSTOMERS (100000), BENCH_DAYS (200), BENCH_STEP_DAYS (1: a balance row every day),
#   BENCH_LOAD_ROWS (1000000, loaded through load_balances and timed).
# The history is generated once, directly in SQL; later runs reuse it.
import datetime
import os
import resource
import time

from odoo.tools import SQL

N = int(os.environ.get("BENCH_CUSTOMERS", 100000))
DAYS = int(os.environ.get("BENCH_DAYS", 200))
STEP = int(os.environ.get("BENCH_STEP_DAYS", 1))
LOAD_ROWS = int(os.environ.get("BENCH_LOAD_ROWS", 1000000))
cr = env.cr  # noqa: F821 (given by odoo shell)
env = env(context={"tracking_disable": True})  # noqa: F821
today = datetime.date.today()
first_day = today - datetime.timedelta(days=DAYS)
categories = {c.code: c.id for c in env["bank.product.category"].search([])}
cny = env.ref("base.CNY")
if env.company.currency_id != cny:
    cny.active = True
    env.company.currency_id = cny
if not env["res.currency.rate"].search_count([("currency_id", "=", env.ref("base.USD").id)]):
    env["res.currency.rate"].create({"currency_id": env.ref("base.USD").id, "name": "2000-01-01", "rate": 0.14})


def say(message):
    print(f"bench: {message}", flush=True)


# Our own customers only (numbered B000000001...; the add-on numbers its customers C...): another
# script's customers in this database must not pass for ours.
existing = env["res.partner"].search_count([("bank_customer_no", "=like", "B%"), ("is_bank_customer", "=", True)])
if existing < N:
    say(f"generating {N} customers, {3 * N} accounts, a balance every {STEP} day(s) over {DAYS} days (SQL)")
    started = time.perf_counter()
    cr.execute(SQL(
        """INSERT INTO res_partner (name, complete_name, is_bank_customer, bank_customer_no, active, type,
                                    annual_income, create_date, write_date)
           SELECT 'Bench ' || g, 'Bench ' || g, true, 'B' || lpad(g::text, 9, '0'), true, 'contact',
                  (g %% 97) * 10000, now(), now()
             FROM generate_series(%s + 1, %s) g""",
        existing, N,
    ))
    cr.execute(SQL(
        """INSERT INTO bank_account (partner_id, category_id, kind, currency_id, account_no, contract_amount,
                                     company_id, active, create_date, write_date)
           SELECT p.id, c.id, c.kind, %s, 'BA' || p.id || '-' || c.code, 0, %s, true, now(), now()
             FROM res_partner p CROSS JOIN bank_product_category c
            WHERE p.is_bank_customer AND p.name LIKE 'Bench %%' AND c.code IN ('DEP_DEMAND', 'DEP_TIME', 'FUND')
              AND NOT EXISTS (SELECT 1 FROM bank_account a WHERE a.partner_id = p.id)""",
        cny.id, env.company.id,
    ))
    # Secondary indexes are rebuilt once after the bulk insert instead of row by row (the
    # unique index stays: the insert relies on it).
    cr.execute("""SELECT indexname, indexdef FROM pg_indexes
                   WHERE tablename = 'bank_balance' AND indexdef NOT LIKE 'CREATE UNIQUE%'""")
    secondary = cr.fetchall()
    for name, _definition in secondary:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    # Balances: a customer-specific level (some VIP, some close, most ordinary) with a little noise.
    cr.execute(SQL(
        """INSERT INTO bank_balance (account_id, date, balance, partner_id, category_id, currency_id, company_id,
                                     create_date, write_date)
           SELECT a.id, d::date,
                  round(((a.partner_id %% 100) * 9000 * (0.9 + 0.2 * random()))::numeric, 2),
                  a.partner_id, a.category_id, a.currency_id, a.company_id, now(), now()
             FROM bank_account a
             CROSS JOIN generate_series(%s::date, %s::date - 1, %s * interval '1 day') d
            WHERE a.account_no LIKE 'BA%%'
           ON CONFLICT (account_id, date) DO NOTHING""",
        first_day, today, STEP,
    ))
    for _name, definition in secondary:
        cr.execute(definition)
    cr.execute("ANALYZE bank_balance; ANALYZE bank_account; ANALYZE res_partner")
    cr.execute(SQL(
        """UPDATE bank_account a SET balance = b.balance, balance_date = b.date
             FROM bank_balance b WHERE b.account_id = a.id AND b.date = %s::date - 1""",
        today,
    ))
    cr.commit()
    say(f"generated in {time.perf_counter() - started:.1f} s")
    # Rows written in SQL bypass load_balances: their per-旬 sums are built once, in bulk.
    started = time.perf_counter()
    env["bank.balance.xun"]._rebuild()
    cr.commit()
    say(f"per-旬 sums rebuilt in {time.perf_counter() - started:.1f} s")
env.invalidate_all()

# 1. Loading LOAD_ROWS rows through the public method (today's balances, then earlier days).
accounts = env.execute_query(SQL("SELECT account_no FROM bank_account WHERE account_no LIKE 'BA%%' ORDER BY id"))
if not accounts:
    raise SystemExit("bench: no BA... accounts: the generation above did not run (see bench/tiers.py)")
# A balance of its own for each run, so that a later run corrects every row it loads again
# (the same value again would measure writes that change nothing).
balance = round(123456.78 + time.time() % 1000, 2)
rows, day = [], today
while len(rows) < LOAD_ROWS:
    for (account_no,) in accounts:
        rows.append({"account_no": account_no, "date": day.isoformat(), "balance": balance})
        if len(rows) >= LOAD_ROWS:
            break
    day -= datetime.timedelta(days=1)
table_rows = env.execute_query(SQL("SELECT reltuples::bigint FROM pg_class WHERE relname = 'bank_balance'"))[0][0]
started = time.perf_counter()
result = env["bank.balance"].load_balances(rows)
load_s = time.perf_counter() - started
cr.commit()
# The peak so far: the bench's own list of rows (the caller's) plus whatever loading them took.
load_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
del rows
say(f"load_balances: {LOAD_ROWS} rows into about {table_rows} in {load_s:.1f} s ({result}), "
    f"peak RSS {load_peak_mb:.0f} MB")

# 2. The full nightly evaluation (same batches as the cron), timed.
customers = env["res.partner"].search([("is_bank_customer", "=", True)])
started = time.perf_counter()
customers.action_bank_evaluate(today)
evaluate_s = time.perf_counter() - started
cr.commit()
tiers = env["res.partner"]._read_group([("is_bank_customer", "=", True)], ["bank_tier_id"], ["__count"])
say(f"evaluation of {len(customers)} customers in {evaluate_s:.1f} s: "
    + ", ".join(f"{tier.name or 'none'}={count}" for tier, count in tiers))

# 3. The what-if preview with the funds threshold raised.
wizard = env["bank.tier.whatif"].create({"date": today})
wizard.line_ids.filtered(lambda line: line.condition_id.metric == "balance")[:1].new_amount = 700000
started = time.perf_counter()
wizard.action_preview()
whatif_s = time.perf_counter() - started
cr.rollback()
say(f"what-if preview in {whatif_s:.1f} s")

# 4. The floor: one raw aggregate of the same 10-day averages for every customer at once.
from odoo.addons.bank_relationship_manager.models.bank_tier_engine import xun_day_weights  # noqa: E402

days, cumulative, w_start, w_end = xun_day_weights(today)
started = time.perf_counter()
floor_rows = env.execute_query(SQL(
    """WITH cw AS (SELECT * FROM unnest(%(days)s::date[], %(cumulative)s::float8[]) AS c(day, cw)),
       runs AS (
           SELECT account_id, balance, greatest(date, %(w_start)s) AS first_day,
                  coalesce(lead(date) OVER (PARTITION BY account_id ORDER BY date) - 1, %(w_end)s) AS last_day
             FROM bank_balance WHERE date <= %(w_end)s
       )
       SELECT a.partner_id, a.category_id, sum(runs.balance * (c_last.cw - coalesce(c_before.cw, 0)))
         FROM runs JOIN bank_account a ON a.id = runs.account_id
         JOIN cw c_last ON c_last.day = runs.last_day
         LEFT JOIN cw c_before ON c_before.day = runs.first_day - 1
        WHERE runs.first_day <= runs.last_day
        GROUP BY 1, 2""",
    days=days, cumulative=cumulative, w_start=w_start, w_end=w_end,
))
floor_s = time.perf_counter() - started
say(f"raw SQL floor: {len(floor_rows)} averages in {floor_s:.1f} s")
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(
    f"bench: customers={len(customers)} evaluate_s={evaluate_s:.1f} floor_s={floor_s:.1f} "
    f"ratio={evaluate_s / floor_s:.2f} whatif_s={whatif_s:.1f} load_rows_per_s={LOAD_ROWS / load_s:.0f} "
    f"load_peak_rss_mb={load_peak_mb:.0f} peak_rss_mb={peak_mb:.0f}"
)
