# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# make bench: the handover of an RM with many customers (BENCH_HANDOVER_CUSTOMERS, 2000), done
# by a witness as in real life: chatter tracking on, the list rendered as a PDF by wkhtmltopdf
# (BENCH_REPORT_URL: a running server of the database, from which it fetches the styles).
# Each customer has a dossier (BENCH_HANDOVER_DOSSIERS, default: as many as customers; most locked
# in the outlet's cabinet), listed on the handover and moved on done.
# Runs inside `odoo shell` (``env`` is given); everything is rolled back at the end.
import os
import time

from odoo.tests import new_test_user

N = int(os.environ.get("BENCH_HANDOVER_CUSTOMERS", 2000))
DOSSIERS = int(os.environ.get("BENCH_HANDOVER_DOSSIERS", N))
cr = env.cr  # noqa: F821 (given by odoo shell)
env = env(context={"lang": "zh_CN" if env["res.lang"]._lang_get("zh_CN") else "en_US"})  # noqa: F821
P = "bank_relationship_manager."
if os.environ.get("BENCH_REPORT_URL"):
    # Where wkhtmltopdf fetches the report's styles: a running server of this database.
    env["ir.config_parameter"].set_param("report.url", os.environ["BENCH_REPORT_URL"])


def say(message):
    print(f"bench: {message}", flush=True)


def user(login, group):
    return new_test_user(env, login=f"bench_ho_{login}", groups=P + group, name=f"Bench {login}")


started = time.perf_counter()
supervisor, center_head, head = user("sup", "group_bank_supervisor"), user("center", "group_bank_supervisor"), user(
    "head", "group_bank_unit_head")
office, hr = user("office", "group_bank_office"), user("hr", "group_bank_hr")
Unit = env["bank.org.unit"]
branch = Unit.create({"name": "Bench HO Branch", "code": "BHO", "level": "branch"})
sub = Unit.create({"name": "Bench HO Sub", "code": "BHO-S", "level": "sub_branch", "parent_id": branch.id,
                   "supervisor_user_id": supervisor.id})
Unit.create({"name": "Bench HO Centre", "code": "BHO-C", "level": "center", "parent_id": branch.id,
             "center_head_user_id": center_head.id})
outlet = Unit.create({"name": "Bench HO Outlet", "code": "BHO-S-1", "level": "outlet", "parent_id": sub.id,
                      "has_wealth_room": True, "head_user_id": head.id})
grade = env.ref(P + "rm_grade_rm")
rms = [env["bank.rm"].create({"user_id": user(f"rm{i}", "group_bank_rm").id, "grade_id": grade.id,
                              "unit_id": outlet.id}) for i in range(3)]
outgoing, incoming, colleague = rms
tiers = env["bank.vip.tier"].search([], order="rank desc")
customers = env["res.partner"].with_context(tracking_disable=True).create([
    {"name": f"Bench customer {i:05d}", "is_bank_customer": True, "bank_rm_id": outgoing.id,
     "bank_backup_rm_id": (incoming if i % 10 == 0 else colleague).id if i % 3 else False}
    for i in range(N)
])
# A tenth of them tiered, with assets (as the tier engine would set them).
for i, customer in enumerate(customers):
    if i % 10 == 0 and tiers:
        customer.write({"bank_tier_id": tiers[i % len(tiers)].id, "bank_aum": 500000 + 1000 * i})
    else:
        customer.write({"bank_aum": 1000 * (i % 400)})
backups = env["res.partner"].with_context(tracking_disable=True).create([
    {"name": f"Bench backup customer {i:04d}", "is_bank_customer": True, "bank_rm_id": colleague.id,
     "bank_backup_rm_id": outgoing.id} for i in range(N // 10)
])
# Their dossiers, nine in ten locked in custody (the state set directly: the custodian's lock, one
# chatter note each, is not what is measured here).
dossiers = env["bank.dossier"]._bank_open_for_partners(customers[:DOSSIERS], reason="bench")
dossiers[: len(dossiers) * 9 // 10].sudo().write({"state": "in_custody"})
todo = env.ref("mail.mail_activity_data_todo")
env["mail.activity"].with_context(mail_activity_quick_update=True).create([
    {"res_model_id": env["ir.model"]._get_id("res.partner"), "res_id": customer.id,
     "activity_type_id": todo.id, "user_id": outgoing.user_id.id, "summary": "Follow up"}
    for customer in customers[: N // 4]
])
env.flush_all()
# As if the set-up had been committed long ago: its own tracking is not part of the measure,
# and the customers' RM change below is tracked like that of any existing customer.
cr.precommit.clear()
say(f"set up {N} customers (+{len(backups)} as backup, {N // 4} open activities, {len(dossiers)} dossiers) in "
    f"{time.perf_counter() - started:.1f} s")

handover = env["bank.handover"].with_user(outgoing.user_id).create(
    {"incoming_rm_id": incoming.id, "reason": "transfer"}
)
handover.with_user(outgoing.user_id).action_submit()
handover.with_user(head).action_approve_unit_head()
handover.with_user(office).action_approve_office()
handover.with_user(hr).action_approve_hr()
started = time.perf_counter()
handover.with_user(outgoing.user_id).action_start()
env.flush_all()
start_s = time.perf_counter() - started
handover.with_user(supervisor).action_confirm_presence()
handover.with_user(center_head).action_confirm_presence()
started = time.perf_counter()
handover.line_ids.with_user(incoming.user_id).action_check()
env.flush_all()
tick_s = time.perf_counter() - started
say(f"prepared the list ({len(handover.line_ids)} items) in {start_s:.2f} s, ticked them all in {tick_s:.2f} s")

env.invalidate_all()
started = time.perf_counter()
handover.with_user(supervisor).action_done()
env.flush_all()
transfer_s = time.perf_counter() - started
# What the commit adds: the chatter tracking of every customer's RM change.
cr.precommit.run()
done_s = time.perf_counter() - started
pdf = handover.sudo().list_attachment_id
moved = env["res.partner"].search_count([("id", "in", customers.ids), ("bank_rm_id", "=", incoming.id)])
followed = env["bank.dossier"].search_count(
    [("id", "in", dossiers.ids), ("partner_rm_user_id", "=", incoming.user_id.id)]
)
say(f"action_done: {moved} customers and {followed} dossiers moved, list {pdf.mimetype} of "
    f"{len(pdf.raw or b'') // 1024} KiB, "
    f"in {transfer_s:.2f} s, {done_s:.2f} s with the tracking written at commit")
say(f"handover customers={N} dossiers={len(dossiers)} start_s={start_s:.2f} done_s={done_s:.2f}")
cr.rollback()
