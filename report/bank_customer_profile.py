# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customer profile (客户档案/价值分析报告, issue 13): one customer on paper, as the reader
sees them. Everything is read as the user who prints (no sudo): the record rules decide who may
print a customer, and the ID number comes masked unless the reader serves the customer
(models/res_partner_privacy.py, docs/security.md)."""
from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.exceptions import UserError

from ..tools import id_number

# The AUM chart (inline SVG, drawn by wkhtmltopdf): the plot area in px and the months shown.
CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_BOTTOM, CHART_TOP = 640, 200, 10, 24, 12
TREND_MONTHS = 12
# Contacts of the last quarter: the maintenance logs of the last three months up to today.
CONTACT_MONTHS = 3
OPEN_COMPLAINT_STATES = ("new", "in_progress")


class ReportBankCustomerProfile(models.AbstractModel):
    _name = "report.bank_relationship_manager.report_bank_customer_profile"
    _description = "Customer profile report"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        # The reader's own rights: an RM of another unit is refused here, before anything is read.
        partners.check_access("read")
        for partner in partners:
            if not partner.is_bank_customer:
                raise UserError(self.env._(
                    "%(name)s: the customer profile is printed for bank customers only (field Bank customer).",
                    name=partner.display_name,
                ))
        today = self.env.company._bank_today()
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "profiles": {partner.id: self._bank_profile(partner, today) for partner in partners},
        }

    @api.model
    def _bank_profile(self, partner, today):
        """What the template shows of ``partner``, as of the bank's ``today``."""
        id_shown = partner.bank_id_number
        if self.env.context.get("bank_profile_archive"):
            # The copy kept with an acknowledged analysis is read by whoever reads the analysis:
            # always masked, whoever rendered it.
            id_shown = id_number.mask(id_shown)
        accounts = self.env["bank.account"].search(
            [("partner_id", "=", partner.id)], order="category_id, maturity_date, account_no",
        )
        holdings = []
        for category in accounts.category_id:
            lines = accounts.filtered(lambda account, category=category: account.category_id == category)
            holdings.append({"category": category, "accounts": lines, "total": sum(lines.mapped("balance")),
                             "currency": lines[:1].currency_id})
        trend = self._bank_trend(partner, today)
        contacts_from = today - relativedelta(months=CONTACT_MONTHS)
        return {
            "id_number": id_shown,
            "holdings": holdings,
            "trend": trend,
            "chart": self._bank_chart(trend),
            "contribution_total": sum(row["value"].contribution for row in trend if row["value"]),
            "analysis": self.env["bank.value.analysis"].search(
                [("partner_id", "=", partner.id), ("state", "=", "acknowledged")],
                order="date_from desc, id desc", limit=1,
            ),
            "contacts_from": contacts_from,
            "contacts": self.env["bank.maintenance.log"].search(
                [("partner_id", "=", partner.id), ("date", ">=", contacts_from), ("date", "<=", today)],
                order="date desc, id desc",
            ),
            "complaints": self.env["bank.complaint"].search(
                [("partner_id", "=", partner.id), ("state", "in", OPEN_COMPLAINT_STATES)],
                order="date_received desc, id desc",
            ),
            "loan_exceptions": accounts.filtered(
                lambda account: account.kind == "loan" and account.loan_status in ("exception", "alarm")
            ),
        }

    @api.model
    def _bank_trend(self, partner, today):
        """The twelve month ends before ``today``, oldest first, each with its current snapshot (or None)."""
        last = today.replace(day=1) - relativedelta(days=1)
        months = [last + relativedelta(months=-back, day=31) for back in range(TREND_MONTHS - 1, -1, -1)]
        snapshots = self.env["bank.customer.value"].search([
            ("partner_id", "=", partner.id), ("is_current", "=", True), ("date", "in", months),
        ])
        by_date = {snapshot.date: snapshot for snapshot in snapshots}
        return [{"date": month, "value": by_date.get(month)} for month in months]

    @api.model
    def _bank_chart(self, trend):
        """Bars and a line of the month-end AUM, in SVG coordinates (a month without a snapshot has no bar)."""
        plot_height = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP
        step = (CHART_WIDTH - 2 * CHART_LEFT) / len(trend)
        top = max([row["value"].aum for row in trend if row["value"]] + [0])
        bars, points = [], []
        for index, row in enumerate(trend):
            x = CHART_LEFT + index * step
            label = row["date"].strftime("%y-%m")
            if not row["value"]:
                bars.append({"x": round(x + step * 0.15, 1), "label": label, "label_x": round(x + step / 2, 1)})
                continue
            aum = row["value"].aum
            height = round(max(aum, 0) / top * plot_height, 1) if top > 0 else 0
            y = CHART_TOP + plot_height - height
            bars.append({
                "x": round(x + step * 0.15, 1), "y": round(y, 1), "width": round(step * 0.7, 1), "height": height,
                "aum": aum, "label": label, "label_x": round(x + step / 2, 1),
            })
            points.append(f"{round(x + step / 2, 1)},{round(y, 1)}")
        return {
            "width": CHART_WIDTH, "height": CHART_HEIGHT, "bars": bars, "points": " ".join(points),
            "axis_y": CHART_HEIGHT - CHART_BOTTOM, "label_y": CHART_HEIGHT - 8, "top": top,
        }
