# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# make bench: the "Relationship Banking" dashboard's data as the head of a unit of many customers
# (BENCH_DASHBOARD_CUSTOMERS, 20000), each with two logged contacts, a tenth tiered with a tier
# change, a quarter with an open activity. Times the request of each data source (pivot, chart,
# list) as the web client sends it, as the unit head (record rules applied), and their total.
# Runs inside `odoo shell` (``env`` is given); everything is rolled back at the end.
import json
import os
import time
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.tests import new_test_user
from odoo.tools import SQL, file_open
from odoo.tools.safe_eval import safe_eval

N = int(os.environ.get("BENCH_DASHBOARD_CUSTOMERS", 20000))
RMS = 20
cr = env.cr  # noqa: F821 (given by odoo shell)
env = env(context={"tracking_disable": True})  # noqa: F821
P = "bank_relationship_manager."


def say(message):
    print(f"bench: {message}", flush=True)


started = time.perf_counter()
today = env.company._bank_today()
head = new_test_user(env, login="bench_db_head", groups=P + "group_bank_unit_head", name="Bench head")
Unit = env["bank.org.unit"]
branch = Unit.create({"name": "Bench DB Branch", "code": "BDB", "level": "branch"})
sub = Unit.create({"name": "Bench DB Sub", "code": "BDB-S", "level": "sub_branch", "parent_id": branch.id})
outlet = Unit.create({"name": "Bench DB Outlet", "code": "BDB-S-1", "level": "outlet", "parent_id": sub.id,
                      "has_wealth_room": True, "head_user_id": head.id})
grade = env.ref(P + "rm_grade_rm")
rms = env["bank.rm"].create([{
    "user_id": new_test_user(env, login=f"bench_db_rm{i}", groups=P + "group_bank_rm", name=f"Bench RM {i}").id,
    "grade_id": grade.id, "unit_id": outlet.id} for i in range(RMS)])
tiers = env["bank.vip.tier"].search([], order="rank desc")
customers = env["res.partner"].create([
    {"name": f"Bench DB customer {i:05d}", "is_bank_customer": True, "bank_rm_id": rms[i % RMS].id}
    for i in range(N)
])
env.flush_all()
# Figures as the nightly evaluation leaves them, set in SQL (the engine is not what is measured).
cr.execute(SQL(
    """UPDATE res_partner p SET bank_aum = (p.id %% 400) * 1000 + CASE WHEN p.id %% 10 = 0 THEN 500000 ELSE 0 END,
              bank_tier_id = CASE WHEN p.id %% 10 = 0 THEN %(tier)s END,
              bank_is_potential = (p.id %% 10 = 1), bank_tier_gap = CASE WHEN p.id %% 10 = 1 THEN p.id %% 5000 END,
              bank_state = CASE WHEN p.id %% 97 = 0 THEN 'alarm' ELSE 'normal' END
        WHERE p.id = ANY(%(ids)s)""",
    tier=tiers[:1].id or None, ids=customers.ids,
))
cr.execute(SQL(
    """INSERT INTO bank_tier_history (partner_id, date, new_tier_id, direction, reason, create_uid, write_uid,
                                      create_date, write_date)
       SELECT p.id, %(day)s::date - (p.id %% 300), p.bank_tier_id, 'up', 'bench', 1, 1, now(), now()
         FROM res_partner p WHERE p.id = ANY(%(ids)s) AND p.bank_tier_id IS NOT NULL""",
    day=today, ids=customers.ids,
))
cr.execute(SQL(
    """INSERT INTO bank_maintenance_log (partner_id, rm_id, user_id, rm_user_id, unit_id, date, channel, log_type,
                                         summary, outcome, minutes, company_id, create_uid, write_uid,
                                         create_date, write_date)
       SELECT p.id, p.bank_rm_id, rm.user_id, rm.user_id, p.bank_unit_id, %(day)s::date - ((p.id * k) %% 360),
              (ARRAY['phone','sms','email','wechat','meeting','visit'])[1 + (p.id + k) %% 6], 'periodic',
              'bench', 'done', 10 + (p.id %% 20), %(company)s, 1, 1, now(), now()
         FROM res_partner p JOIN bank_rm rm ON rm.id = p.bank_rm_id CROSS JOIN generate_series(1, 2) k
        WHERE p.id = ANY(%(ids)s)""",
    day=today, company=env.company.id, ids=customers.ids,
))
periodic = env.ref(P + "mail_activity_type_periodic", raise_if_not_found=False) or env["mail.activity.type"].search(
    [("bank_log_type", "=", "periodic")], limit=1)
env["mail.activity"].with_context(mail_activity_quick_update=True).create([
    {"res_model_id": env["ir.model"]._get_id("res.partner"), "res_id": customer.id,
     "activity_type_id": periodic.id, "user_id": customer.bank_rm_id.user_id.id, "summary": "Contact",
     "date_deadline": today - timedelta(days=i % 30) + timedelta(days=15)}
    for i, customer in enumerate(customers[: N // 4])
])
env.flush_all()
env.invalidate_all()
say(f"set up {N} customers of one unit ({RMS} RMs, {2 * N} logs, {N // 4} activities) in "
    f"{time.perf_counter() - started:.1f} s")

with file_open(P.rstrip(".") + "/data/files/relationship_banking_dashboard.json") as f:
    data = json.load(f)


def domain_of(domain):
    if isinstance(domain, str):
        return safe_eval(domain, {"context_today": lambda: today, "relativedelta": relativedelta})
    return domain


period = [("date_from", today - relativedelta(months=12))]  # the default "last 12 months"
requests = []
for pivot in data["pivots"].values():
    groupby = [row["fieldName"] for row in pivot["rows"]]
    requests.append((f"pivot {pivot['name']}", pivot["model"], "formatted_read_group", pivot["domain"],
                     {"groupby": groupby, "aggregates": [m["id"] for m in pivot["measures"]]},
                     pivot["fieldMatching"]))
for data_list in data["lists"].values():
    requests.append((f"list {data_list['name']}", data_list["model"], "web_search_read", data_list["domain"],
                     {"specification": {c: {} for c in data_list["columns"]}, "limit": 10,
                      "order": ", ".join(f"{o['name']} {'asc' if o['asc'] else 'desc'}"
                                         for o in data_list["orderBy"])},
                     data_list["fieldMatching"]))
for figure in data["sheets"][0]["figures"]:
    chart = figure["data"]
    if chart["type"].startswith("odoo_"):
        measure = chart["metaData"]["measure"]
        requests.append((f"chart {chart['title']['text']}", chart["metaData"]["resModel"], "formatted_read_group",
                         chart["searchParams"]["domain"],
                         {"groupby": chart["metaData"]["groupBy"],
                          "aggregates": ["__count"] if measure == "__count" else [f"{measure}:avg"]},
                         chart["fieldMatching"]))
total = 0.0
for label, model, method, domain, kwargs, matching in requests:
    dom = list(domain_of(domain))
    date_filter = matching.get("brm-filter-period")
    if date_filter:
        dom += [(date_filter["chain"], ">=", period[0][1])]
    records = env[model].with_user(head)
    records.env.invalidate_all()
    t0 = time.perf_counter()
    if method == "web_search_read":
        records.web_search_read(dom, **kwargs)
    else:
        records.formatted_read_group(dom, **kwargs)
    elapsed = time.perf_counter() - t0
    total += elapsed
    say(f"{elapsed * 1000:7.1f} ms  {label}")
say(f"{len(requests)} data sources as the unit head of {N} customers: {total * 1000:.0f} ms in total (one after "
    f"the other; the browser sends them concurrently)")
cr.rollback()
