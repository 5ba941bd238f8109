#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Writes data/files/relationship_banking_dashboard.json, the "Relationship Banking" dashboard.

Odoo Community has no spreadsheet editor: the dashboard is generated here, so that a reviewer
reads its data sources (model, domain, measures, group-bys) as Python rather than as a JSON blob.
Run it after a change and commit both files:

    python3 scripts/build_dashboard.py

The JSON follows Odoo 19's own dashboards (``version`` as in spreadsheet_dashboard_hr_expense's
expense_dashboard.json): a visible sheet "Dashboard" with the scorecards and charts (figures)
and the lists (``ODOO.LIST`` cells), and a hidden sheet "Data" whose cells hold the scorecards'
``PIVOT.VALUE`` formulas. Every figure is an ``ODOO`` data source: the web client computes it as
the viewer, so record rules scope it. Labels are ``_t()`` arguments, chart titles and filter
labels, which Odoo extracts for translation because the file name ends in ``_dashboard.json``.
Domains that need today's date are strings evaluated by the web client (``context_today()``).
tests/test_dashboard.py checks every model, field and reference used here.
"""

import json
import pathlib

VERSION = "18.5.10"
OUT = pathlib.Path(__file__).resolve().parent.parent / "data" / "files" / "relationship_banking_dashboard.json"

# Global filters (stable ids: the tests and any saved favourites refer to them).
F_PERIOD = "brm-filter-period"
F_UNIT = "brm-filter-unit"
F_RM = "brm-filter-rm"

GLOBAL_FILTERS = [
    {"id": F_PERIOD, "type": "date", "label": "Date range", "defaultValue": "last_12_months"},
    {"id": F_UNIT, "type": "relation", "label": "Unit", "modelName": "bank.org.unit"},
    # No default: an RM's record rules already restrict every figure to the customers they serve
    # (as primary or backup RM); a default "current user" would hide a unit head's whole unit.
    {"id": F_RM, "type": "relation", "label": "RM", "modelName": "bank.rm"},
]

# For each model: the field each global filter applies to (missing: the filter does not apply).
# The period applies to flows only (changes, contacts, time share, appraisals); counts of what is
# open now (customers, activities, check-outs, complaints) ignore it.
MATCHING = {
    "res.partner": {F_UNIT: ("bank_unit_id", "many2one"), F_RM: ("bank_rm_id", "many2one")},
    "bank.tier.history": {
        F_PERIOD: ("date", "date"),
        F_UNIT: ("partner_id.bank_unit_id", "many2one"),
        F_RM: ("partner_id.bank_rm_id", "many2one"),
    },
    "bank.maintenance.log": {
        F_PERIOD: ("date", "date"), F_UNIT: ("unit_id", "many2one"), F_RM: ("rm_id", "many2one"),
    },
    "mail.activity": {F_RM: ("user_id.bank_rm_ids", "one2many")},
    "bank.dossier.checkout": {F_UNIT: ("unit_id", "many2one"), F_RM: ("partner_id.bank_rm_id", "many2one")},
    "bank.complaint": {F_UNIT: ("unit_id", "many2one"), F_RM: ("responsible_rm_id", "many2one")},
    "bank.appraisal": {
        F_PERIOD: ("date_from", "date"), F_UNIT: ("unit_id", "many2one"), F_RM: ("rm_id", "many2one"),
    },
    "bank.customer.value": {F_UNIT: ("unit_id", "many2one"), F_RM: ("rm_id", "many2one")},
    "bank.vip.time.share": {
        F_PERIOD: ("month", "date"), F_UNIT: ("unit_id", "many2one"), F_RM: ("rm_id", "many2one"),
    },
}


def field_matching(model):
    matching = {}
    for filter_id, (chain, ftype) in MATCHING[model].items():
        matching[filter_id] = {"chain": chain, "type": ftype}
        if ftype == "date":
            matching[filter_id]["offset"] = 0
    return matching


CUSTOMER = [["is_bank_customer", "=", True]]
MAINTENANCE_ACTIVITY = [["res_model", "=", "res.partner"], ["activity_type_id.bank_log_type", "!=", False]]
TODAY = 'context_today().strftime("%Y-%m-%d")'

# Scorecards: (label, model, domain, measure field or "__count", aggregator, number format).
SCORECARDS = [
    ("Customers", "res.partner", CUSTOMER, "__count", None, "0"),
    ("Tiered customers", "res.partner", [*CUSTOMER, ["bank_tier_id", "!=", False]], "__count", None, "0"),
    ("AUM", "res.partner", CUSTOMER, "bank_aum", "sum", "#,##0"),
    ("Potential customers", "res.partner", [*CUSTOMER, ["bank_is_potential", "=", True]], "__count", None, "0"),
    (
        "New tiered this month", "bank.tier.history",
        '[("old_tier_id", "=", False), ("new_tier_id", "!=", False), '
        '("date", ">=", context_today().strftime("%Y-%m-01"))]',
        "__count", None, "0",
    ),
    ("Open maintenance activities", "mail.activity", MAINTENANCE_ACTIVITY, "__count", None, "0"),
    (
        "Overdue maintenance activities", "mail.activity",
        '[("res_model", "=", "res.partner"), ("activity_type_id.bank_log_type", "!=", False), '
        f'("date_deadline", "<", {TODAY})]',
        "__count", None, "0",
    ),
    ("Open dossier check-outs", "bank.dossier.checkout", [["state", "in", ["approved", "out"]]], "__count", None,
     "0"),
    ("Open complaints", "bank.complaint", [["state", "in", ["new", "in_progress"]]], "__count", None, "0"),
    (
        "Average appraisal score", "bank.appraisal",
        [["period", "=", "monthly"], ["state", "=", "published"], ["superseded", "=", False]],
        "total_score", "avg", "0.00",
    ),
    ("Loan alarms", "res.partner", [*CUSTOMER, ["bank_state", "=", "alarm"]], "__count", None, "0"),
    (
        # Last month's snapshots (the monthly run makes them on the 1st), corrections counted once.
        "Loss-making customers (last month)", "bank.customer.value",
        '[("value_class", "=", "loss"), ("is_current", "=", True), '
        '("date", ">=", (context_today() - relativedelta(months=1)).strftime("%Y-%m-01")), '
        '("date", "<", context_today().strftime("%Y-%m-01"))]',
        "__count", None, "0",
    ),
]

# Pivot tables (a dynamic =PIVOT() in the cells): (title, model, domain, row group-by, measures).
# AUM is a table, not a chart: Odoo's graphs aggregate a monetary field only when its currency
# field is stored, and the partner's bank_currency_id is computed (the pivot names its aggregate).
PIVOT_TABLES = [
    ("Customers and AUM by tier", "res.partner", CUSTOMER, "bank_tier_id", [("__count", None), ("bank_aum", "sum")]),
    ("Customers and AUM by unit", "res.partner", CUSTOMER, "bank_unit_id", [("__count", None), ("bank_aum", "sum")]),
]

# Charts: (title, model, domain, group-bys, measure, chart type, stacked).
CHARTS = [
    ("Customers by tier", "res.partner", CUSTOMER, ["bank_tier_id"], "__count", "odoo_pie", False),
    ("Customers by unit and tier", "res.partner", CUSTOMER, ["bank_unit_id", "bank_tier_id"], "__count",
     "odoo_bar", True),
    ("Tier changes per month (up / down)", "bank.tier.history", [], ["date:month", "direction"], "__count",
     "odoo_bar", False),
    ("Contacts per week by channel", "bank.maintenance.log", [], ["date:week", "channel"], "__count", "odoo_bar",
     True),
    ("VIP time share per RM (%)", "bank.vip.time.share", [], ["rm_id"], "vip_share", "odoo_bar", False),
]

# Lists: (title, model, domain, [(field, header)], order, rows).
LISTS = [
    (
        "Potential customers closest to a tier", "res.partner", [*CUSTOMER, ["bank_is_potential", "=", True]],
        [("name", "Customer"), ("bank_rm_id", "RM"), ("bank_unit_id", "Unit"), ("bank_aum", "AUM"),
         ("bank_tier_gap", "Gap to next tier")],
        [{"name": "bank_tier_gap", "asc": True}], 10,
    ),
    (
        "Large fund movements (last 7 days)", "mail.activity",
        '["&", "&", "&", ("active", "in", [True, False]), ("res_model", "=", "res.partner"), '
        '("activity_type_id.bank_log_type", "=", "large_movement"), '
        '("date_deadline", ">=", (context_today() - relativedelta(days=7)).strftime("%Y-%m-%d"))]',
        [("res_name", "Customer"), ("summary", "Movement"), ("user_id", "Assigned to"),
         ("date_deadline", "Date"), ("active", "Still open")],
        [{"name": "date_deadline", "asc": False}], 10,
    ),
    (
        "Overdue dossier check-outs", "bank.dossier.checkout", [["is_overdue", "=", True]],
        [("dossier_id", "Dossier"), ("partner_id", "Customer"), ("borrower_id", "Borrower"),
         ("unit_id", "Kept at"), ("due_at", "Due")],
        [{"name": "due_at", "asc": True}], 10,
    ),
    (
        "Complaints past their deadline", "bank.complaint", [["is_overdue", "=", True]],
        [("name", "Reference"), ("partner_id", "Customer"), ("responsible_rm_id", "RM"),
         ("category", "Category"), ("deadline", "Deadline")],
        [{"name": "deadline", "asc": True}], 10,
    ),
    (
        "VIP time share against the target", "bank.vip.time.share", [],
        [("rm_id", "RM"), ("unit_id", "Unit"), ("month", "Month"), ("vip_share", "VIP time share (%)"),
         ("target", "Target (%)")],
        [{"name": "month", "asc": False}, {"name": "vip_share", "asc": True}], 10,
    ),
]

COL_WIDTHS = [200, 150, 150, 130, 150, 120, 150]
SCORECARD_W, SCORECARD_H, GAP = 235, 106, 12
CHART_W, CHART_H = 480, 330
ROW_H = 23  # o-spreadsheet's default row height
PIVOT_TABLE_ROWS = 15


def quote(text):
    return '"' + text.replace('"', '\\"') + '"'


def build():
    pivots, lists, figures, data_cells = {}, {}, [], {}
    dashboard_cells, styles_by_cell, formats_by_cell, formats_by_cell_dashboard = {}, {}, {}, {}
    formats = {"1": "#,##0", "2": "0", "3": "0.00"}
    format_ids = {v: k for k, v in formats.items()}

    # Scorecards: one pivot each, its value in Data!B<n>, the label in Data!A<n>.
    for index, (label, model, domain, measure, aggregator, number_format) in enumerate(SCORECARDS, start=1):
        measure_id = measure if measure == "__count" else f"{measure}:{aggregator}"
        measure_def = {"id": measure_id, "fieldName": measure}
        if aggregator:
            measure_def["aggregator"] = aggregator
        pivots[str(index)] = {
            "type": "ODOO", "id": str(index), "formulaId": str(index), "name": label, "model": model,
            "domain": domain, "context": {}, "measures": [measure_def], "columns": [], "rows": [],
            "fieldMatching": field_matching(model),
        }
        data_cells[f"A{index}"] = f"=_t({quote(label)})"
        # Counts and sums read 0 rather than blank when nothing matches; an average stays blank.
        suffix = "" if aggregator == "avg" else "+0"
        data_cells[f"B{index}"] = f'=PIVOT.VALUE({index},"{measure_id}"){suffix}'
        formats_by_cell[f"B{index}"] = format_ids[number_format]
        per_row = 4
        figure_id = f"brm-scorecard-{index}"
        figures.append({
            "id": figure_id, "col": 0, "row": 0, "tag": "chart",
            "offset": {"x": ((index - 1) % per_row) * (SCORECARD_W + GAP),
                       "y": GAP + ((index - 1) // per_row) * (SCORECARD_H + GAP)},
            "width": SCORECARD_W, "height": SCORECARD_H,
            "data": {
                "type": "scorecard", "chartId": figure_id,
                "title": {"text": label, "bold": True, "color": "#434343"},
                "background": "#EFF6FF" if model == "res.partner" else "#FFF7ED",
                "keyValue": f"Data!B{index}", "humanize": True,
                "baselineMode": "difference", "baselineColorUp": "#00A04A", "baselineColorDown": "#DC6965",
            },
        })
    scorecard_rows = -(-len(SCORECARDS) // 4)
    charts_top = GAP + scorecard_rows * (SCORECARD_H + GAP) + GAP

    # Charts: two per line.
    for index, (title, model, domain, group_by, measure, chart_type, stacked) in enumerate(CHARTS):
        figure_id = f"brm-chart-{index + 1}"
        data = {
            "type": chart_type, "chartId": figure_id, "title": {"text": title, "bold": True, "color": "#01666B"},
            "background": "#FFFFFF", "legendPosition": "top",
            "metaData": {"groupBy": group_by, "measure": measure, "order": None, "resModel": model,
                         "mode": chart_type.removeprefix("odoo_")},
            "searchParams": {"comparison": None, "context": {}, "domain": domain, "groupBy": group_by,
                             "orderBy": []},
            "dataSets": [], "fieldMatching": field_matching(model),
        }
        if chart_type == "odoo_bar":
            data.update(stacked=stacked, verticalAxisPosition="left")
        figures.append({
            "id": figure_id, "col": 0, "row": 0, "tag": "chart",
            "offset": {"x": (index % 2) * (CHART_W + GAP * 2), "y": charts_top + (index // 2) * (CHART_H + GAP)},
            "width": CHART_W, "height": CHART_H, "data": data,
        })
    figures_bottom = charts_top + -(-len(CHARTS) // 2) * (CHART_H + GAP)

    # Pivot tables, then lists, one below the other under the figures: a title and the rows.
    row = figures_bottom // ROW_H + 2
    # The two pivot tables side by side (columns A-C and E-G).
    for table_index, (title, model, domain, group_by, measures) in enumerate(PIVOT_TABLES):
        pivot_id = str(len(pivots) + 1)
        measure_defs = []
        for name, aggregator in measures:
            measure = {"id": name if name == "__count" else f"{name}:{aggregator}", "fieldName": name}
            if aggregator:
                measure["aggregator"] = aggregator
            measure_defs.append(measure)
        pivots[pivot_id] = {
            "type": "ODOO", "id": pivot_id, "formulaId": pivot_id, "name": title, "model": model,
            "domain": domain, "context": {}, "measures": measure_defs, "columns": [],
            "rows": [{"fieldName": group_by}], "fieldMatching": field_matching(model),
            "sortedColumn": {"measure": measure_defs[-1]["id"], "order": "desc", "domain": []},
        }
        first, last = ("A", "C") if table_index % 2 == 0 else ("E", "G")
        dashboard_cells[f"{first}{row}"] = f"=_t({quote(title)})"
        styles_by_cell[f"{first}{row}"] = 1
        dashboard_cells[f"{first}{row + 1}"] = f"=PIVOT({pivot_id},{PIVOT_TABLE_ROWS})"
        formats_by_cell_dashboard[f"{last}{row + 2}:{last}{row + 3 + PIVOT_TABLE_ROWS}"] = format_ids["#,##0"]
        if table_index % 2 == 1 or table_index == len(PIVOT_TABLES) - 1:
            row += PIVOT_TABLE_ROWS + 5
    for index, (title, model, domain, columns, order, count) in enumerate(LISTS, start=1):
        lists[str(index)] = {
            "id": str(index), "name": title, "model": model, "domain": domain, "context": {},
            "columns": [name for name, _header in columns], "orderBy": order,
            "fieldMatching": field_matching(model),
        }
        dashboard_cells[f"A{row}"] = f"=_t({quote(title)})"
        styles_by_cell[f"A{row}"] = 1
        row += 1
        for col, (name, header) in enumerate(columns):
            letter = "ABCDE"[col]
            dashboard_cells[f"{letter}{row}"] = f'=ODOO.LIST.HEADER({index},"{name}",_t({quote(header)}))'
            styles_by_cell[f"{letter}{row}"] = 2
        for position in range(1, count + 1):
            for col, (name, _header) in enumerate(columns):
                dashboard_cells[f"{'ABCDE'[col]}{row + position}"] = f'=ODOO.LIST({index},{position},"{name}")'
        row += count + 2

    dashboard_sheet = {
        "id": "brm-sheet-dashboard", "name": "Dashboard", "colNumber": len(COL_WIDTHS) + 2, "rowNumber": row + 2,
        "rows": {}, "cols": {str(i): {"size": size} for i, size in enumerate(COL_WIDTHS)}, "merges": [],
        "cells": dashboard_cells, "styles": styles_by_cell, "formats": formats_by_cell_dashboard, "borders": {},
        "conditionalFormats": [], "dataValidationRules": [], "figures": figures, "tables": [],
        "areGridLinesVisible": False, "isVisible": True, "headerGroups": {"ROW": [], "COL": []}, "comments": {},
    }
    data_sheet = {
        "id": "brm-sheet-data", "name": "Data", "colNumber": 4, "rowNumber": len(SCORECARDS) + 2, "rows": {},
        "cols": {"0": {"size": 220}, "1": {"size": 140}}, "merges": [], "cells": data_cells, "styles": {},
        "formats": formats_by_cell, "borders": {}, "conditionalFormats": [], "dataValidationRules": [],
        "figures": [], "tables": [], "areGridLinesVisible": True, "isVisible": False,
        "headerGroups": {"ROW": [], "COL": []}, "comments": {},
    }
    return {
        "version": VERSION,
        "sheets": [dashboard_sheet, data_sheet],
        "styles": {"1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
                   "2": {"textColor": "#434343", "fontSize": 11, "bold": True}},
        "formats": formats,
        "borders": {},
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {"locale": {"name": "English (US)", "code": "en_US", "thousandsSeparator": ",",
                                "decimalSeparator": ".", "dateFormat": "mm/dd/yyyy", "timeFormat": "hh:mm:ss",
                                "formulaArgSeparator": ",", "weekStart": 7}},
        "pivots": pivots,
        "pivotNextId": len(pivots) + 1,
        "customTableStyles": {},
        "globalFilters": GLOBAL_FILTERS,
        "lists": lists,
        "listNextId": len(lists) + 1,
        "chartOdooMenusReferences": {},
    }


def main():
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
