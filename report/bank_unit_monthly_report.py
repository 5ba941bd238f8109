# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The unit's monthly report (月度报告, issue 14): a unit and the units below it over a calendar
month. Every figure is a grouped query (``_read_group`` on the registers and on the maintenance
activity report) run as the user who prints: the record rules scope it, no sudo. Who may print
which unit is the wizard's print step (wizard/bank_unit_monthly_report.py), enforced here too so
that the report URL refuses what the button would."""
import datetime
from collections import defaultdict

import pytz

from odoo import api, models
from odoo.fields import Domain

from ..models.bank_appraisal import GROUP_OFFICE, GROUP_SUPERVISOR

# Appraisals shown: those the ranking report shows, a provisional one included (marked so).
APPRAISAL_STATES = ("computed", "reviewed", "published")


class ReportBankUnitMonthly(models.AbstractModel):
    _name = "report.bank_relationship_manager.report_bank_unit_monthly"
    _description = "Unit monthly report"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["bank.unit.monthly.report"].browse(docids)
        # The print step's rule, whatever the way in (button, report URL, RPC).
        wizards._bank_start_step("print")
        return {
            "doc_ids": docids,
            "doc_model": "bank.unit.monthly.report",
            "docs": wizards,
            "figures": {wizard.id: self._bank_monthly_figures(wizard.unit_id, wizard.date_from)
                        for wizard in wizards},
        }

    @api.model
    def _bank_monthly_figures(self, unit, month):
        """What the report shows of ``unit`` (and the units below it) for the month of ``month``,
        as the current user reads it."""
        start = month.replace(day=1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        units = self.env["bank.org.unit"].search([("id", "child_of", unit.id)])
        figures = {"date_from": start, "date_to": end, "units": units, "currency": self.env.company.currency_id}
        figures.update(self._bank_tier_figures(units, start, end))
        figures.update(self._bank_maintenance_figures(units, start, end))
        figures.update(self._bank_complaint_figures(units, start, end))
        figures.update(self._bank_dossier_figures(units, start, end))
        figures.update(self._bank_appraisal_figures(units, start))
        return figures

    # ------------------------------------------------------------------
    # Customers, AUM and tiers
    # ------------------------------------------------------------------

    @api.model
    def _bank_tier_figures(self, units, start, end):
        """Customers and AUM by tier at month end (the month's value snapshots: the month-end AUM
        and tier the monthly value run records, models/bank_customer_value.py), the month's tier
        changes by tier (tier history), the new and lost VIPs, and the value figures."""
        snapshots = self.env["bank.customer.value"]._read_group(
            [("date", "=", end), ("unit_id", "in", units.ids), ("is_current", "=", True)],
            ["tier_id", "value_class"], ["__count", "aum:sum", "contribution:sum"],
        )
        History = self.env["bank.tier.history"]
        changes = Domain([("date", ">=", start), ("date", "<=", end), ("partner_id.bank_unit_id", "in", units.ids)])
        moves = History._read_group(changes, ["old_tier_id", "new_tier_id", "direction"], ["__count"])
        by_tier = defaultdict(lambda: {"customers": 0, "aum": 0.0, "ups": 0, "downs": 0})
        by_class = defaultdict(lambda: {"customers": 0, "contribution": 0.0})
        for tier, value_class, count, aum, contribution in snapshots:
            by_tier[tier.id]["customers"] += count
            by_tier[tier.id]["aum"] += aum
            by_class[value_class]["customers"] += count
            by_class[value_class]["contribution"] += contribution
        for old, new, direction, count in moves:
            if direction == "up":
                by_tier[new.id]["ups"] += count
            else:
                by_tier[old.id]["downs"] += count
        tiers = self.env["bank.vip.tier"].search([])
        tier_rows = [{"tier": tier, **by_tier[tier.id]} for tier in tiers]
        untiered = by_tier[False]
        if untiered["customers"]:
            tier_rows.append({"tier": tiers.browse(), **untiered})
        class_labels = dict(self.env["bank.customer.value"]._fields["value_class"]._description_selection(self.env))
        class_rows = [{"value_class": key, "label": label, **by_class[key]} for key, label in class_labels.items()]
        if by_class[False]["customers"]:
            class_rows.append({"value_class": False, "label": self.env._("Not classed"), **by_class[False]})
        return {
            "tier_rows": tier_rows,
            "customer_total": sum(row["customers"] for row in tier_rows),
            "aum_total": sum(row["aum"] for row in tier_rows),
            "ups_total": sum(row["ups"] for row in tier_rows),
            "downs_total": sum(row["downs"] for row in tier_rows),
            "new_vips": History.search(changes & Domain([("old_tier_id", "=", False), ("new_tier_id", "!=", False)]),
                                       order="date, id"),
            "lost_vips": History.search(changes & Domain([("old_tier_id", "!=", False), ("new_tier_id", "=", False)]),
                                        order="date, id"),
            "class_rows": class_rows,
            "value_customers": sum(row["customers"] for row in class_rows),
            "contribution_total": sum(row["contribution"] for row in class_rows),
            "loss_count": by_class["loss"]["customers"],
        }

    # ------------------------------------------------------------------
    # Maintenance, complaints, dossiers
    # ------------------------------------------------------------------

    @api.model
    def _bank_maintenance_figures(self, units, start, end):
        """By RM (report/bank_maintenance_activity_report.py): the contacts logged in the month, on
        time, late or without plan, and the activities open past their deadline at month end (still
        open, or done only after the month)."""
        Report = self.env["bank.maintenance.activity.report"]
        in_units = Domain("unit_id", "in", units.ids)
        done = Report._read_group(
            in_units & Domain([("source", "=", "log"), ("date", ">=", start), ("date", "<=", end)]),
            ["rm_id", "status"], ["__count"],
        )
        overdue = Report._read_group(
            in_units & Domain("date_deadline", "<=", end)
            & (Domain("source", "=", "activity") | Domain("date_done", ">", end)),
            ["rm_id"], ["__count"],
        )
        rows = defaultdict(lambda: {"done": 0, "done_on_time": 0, "done_late": 0, "unplanned": 0, "overdue": 0})
        for rm, status, count in done:
            rows[rm]["done"] += count
            rows[rm][status] += count
        for rm, count in overdue:
            rows[rm]["overdue"] += count
        rm_rows = [{"rm": rm, **rows[rm]} for rm in sorted(rows, key=lambda rm: (not rm, rm.display_name or ""))]
        return {
            "rm_rows": rm_rows,
            "maintenance_total": {key: sum(row[key] for row in rm_rows)
                                  for key in ("done", "done_on_time", "done_late", "unplanned", "overdue")},
        }

    @api.model
    def _bank_complaint_figures(self, units, start, end):
        """By category: received and closed in the month, and open past their deadline at month end
        (received by then, not resolved by then, not cancelled)."""
        Complaint = self.env["bank.complaint"]
        in_units = Domain("unit_id", "in", units.ids)
        received = dict(Complaint._read_group(
            in_units & Domain([("date_received", ">=", start), ("date_received", "<=", end)]),
            ["category"], ["__count"],
        ))
        closed = dict(Complaint._read_group(
            in_units & Domain([("date_closed", ">=", start), ("date_closed", "<=", end)]), ["category"], ["__count"],
        ))
        overdue = dict(Complaint._read_group(
            in_units & Domain([("date_received", "<=", end), ("deadline", "<", end), ("state", "!=", "cancelled")])
            & (Domain("date_resolved", "=", False) | Domain("date_resolved", ">", end)),
            ["category"], ["__count"],
        ))
        labels = Complaint._fields["category"]._description_selection(self.env)
        rows = [{"category": key, "label": label, "received": received.get(key, 0), "closed": closed.get(key, 0),
                 "overdue": overdue.get(key, 0)} for key, label in labels]
        return {
            "complaint_rows": rows,
            "complaint_total": {key: sum(row[key] for row in rows) for key in ("received", "closed", "overdue")},
        }

    @api.model
    def _bank_dossier_figures(self, units, start, end):
        """Check-outs still out past their due time at month end (the end of its last day in the
        bank's time zone), those returned late in the month, and dossiers still in draft (not yet
        locked in custody) at month end."""
        tz = self.env.company._bank_tz()

        def utc(day):
            local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        month_start, month_end = utc(start), utc(end + datetime.timedelta(days=1))
        Checkout = self.env["bank.dossier.checkout"]
        out_past_due = Checkout.search(
            Domain([("unit_id", "in", units.ids), ("out_at", "<", month_end), ("due_at", "<", month_end)])
            & (Domain("returned_at", "=", False) | Domain("returned_at", ">=", month_end)),
            order="due_at, id",
        )
        returned_late = Checkout.search(
            Domain([("unit_id", "in", units.ids), ("returned_at", ">=", month_start), ("returned_at", "<", month_end),
                    ("due_at", "<", month_end)]),
            order="returned_at, id",
        ).filtered(lambda line: line.returned_at > line.due_at)
        return {
            "checkouts_overdue": out_past_due,
            "checkouts_returned_late": returned_late,
            "draft_dossiers": self.env["bank.dossier"].search_count([
                ("unit_id", "in", units.ids), ("state", "=", "draft"), ("open_date", "<=", end),
            ]),
        }

    # ------------------------------------------------------------------
    # Appraisal ranking
    # ------------------------------------------------------------------

    @api.model
    def _bank_appraisal_figures(self, units, start):
        """The month's appraisals of the units' RMs, as the ranking report reads them
        (wizard/bank_appraisal_ranking_report.py): published, or computed and reviewed ones marked
        provisional; not superseded; a correction only once published. Appraisals are read by
        supervisors and the office only (security/bank_appraisal_security.xml): for anyone else
        the section says so rather than showing an empty ranking."""
        user = self.env.user
        if not (self.env.su or user.has_group(GROUP_OFFICE) or user.has_group(GROUP_SUPERVISOR)):
            return {"appraisals": self.env["bank.appraisal"], "appraisals_hidden": True, "provisional": False}
        domain = Domain([
            ("period", "=", "monthly"), ("date_from", "=", start), ("unit_id", "in", units.ids),
            ("state", "in", APPRAISAL_STATES), ("superseded", "=", False),
        ]) & (Domain("corrected_id", "=", False) | Domain("state", "=", "published"))
        appraisals = self.env["bank.appraisal"].search(domain, order="rank, name, id")
        return {
            "appraisals": appraisals,
            "appraisals_hidden": False,
            "provisional": any(appraisal.state != "published" for appraisal in appraisals),
        }
