# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .bank_journal_report import REPORT_GUARDED


class BankWeeklySummary(models.Model):
    """The RM's weekly summary (周工作总结), submitted to the sub-branch through the supervisor.

    Pre-filled from the ISO week: contacts by channel and by type, visits, opportunities won and
    their amount, large fund movements of the RM's customers and the complaints about them; the
    RM adds the analysis and next week's plan (seed 000, 客户经理定期汇报制)."""

    _name = "bank.weekly.summary"
    _description = "RM weekly summary"
    _inherit = ["bank.journal.report"]
    _order = "date_from desc, rm_id"

    name = fields.Char(compute="_compute_name", store=True)
    date_from = fields.Date(
        string="Week of", required=True, index=True,
        default=lambda self: self._default_date_from(),
        help="Monday of the ISO week: another day is moved to its Monday.",
    )
    date_to = fields.Date(string="To", compute="_compute_date_to", store=True)
    week = fields.Char(compute="_compute_name", store=True, string="ISO week")
    movement_count = fields.Integer(
        string="Large fund movements", readonly=True,
        help="Large fund movements (大额资金移动) detected on the RM's customers during the week.",
    )
    line_ids = fields.One2many("bank.weekly.summary.line", "summary_id", string="Breakdown", readonly=True)
    channel_line_ids = fields.One2many(
        "bank.weekly.summary.line", "summary_id", string="Contacts by channel", readonly=True,
        domain=[("kind", "=", "channel")],
    )
    type_line_ids = fields.One2many(
        "bank.weekly.summary.line", "summary_id", string="Contacts by type", readonly=True,
        domain=[("kind", "=", "type")],
    )
    analysis = fields.Text(help="What the week brought and why: sales, visits, large movements, problems.")
    next_week_plan = fields.Text(string="Next week's plan", help="Next week's wealth-management plan and targets.")

    _bank_action_fields = REPORT_GUARDED | {"movement_count", "line_ids", "channel_line_ids", "type_line_ids"}
    _bank_fixed_fields = frozenset({"date_from"})

    _rm_week_uniq = models.Constraint(
        "UNIQUE(rm_id, date_from)", "An RM writes one weekly summary per week."
    )

    @api.model
    def _default_date_from(self):
        today = self.env.company._bank_today()
        return today - timedelta(days=today.weekday())

    @api.depends("date_from", "rm_id")
    def _compute_name(self):
        for summary in self:
            if summary.date_from:
                year, week, _day = summary.date_from.isocalendar()
                summary.week = f"{year}-W{week:02d}"
            else:
                summary.week = False
            summary.name = " ".join(filter(None, [summary.week, summary.rm_id.name]))

    @api.depends("date_from")
    def _compute_date_to(self):
        for summary in self:
            summary.date_to = summary.date_from and summary.date_from + timedelta(days=6)

    @api.constrains("date_from")
    def _check_date_from(self):
        for summary in self:
            if summary.date_from.weekday():
                raise ValidationError(self.env._(
                    "Weekly summary %(summary)s: the week starts on a Monday (field Week of: %(date)s).",
                    summary=summary.display_name, date=summary.date_from,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_from"):
                day = fields.Date.to_date(vals["date_from"])
                vals["date_from"] = day - timedelta(days=day.weekday())
        return super().create(vals_list)

    def _bank_period(self):
        return self.date_from, self.date_to

    def _bank_figures(self, date_from, date_to):
        figures = super()._bank_figures(date_from, date_to)
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_large_movement")
        # Done activities are archived, not deleted (Odoo 19): active_test=False counts the open
        # and the done ones. sudo: the activities of the RM's customers, whoever they went to.
        [(movements,)] = self.env["mail.activity"].sudo().with_context(active_test=False)._read_group(
            [("res_model", "=", "res.partner"), ("activity_type_id", "=", activity_type.id),
             ("res_id", "in", self.env["res.partner"].sudo()._search([("bank_rm_id", "=", self.rm_id.id)])),
             ("create_date", ">=", datetime.combine(date_from, time.min)),
             ("create_date", "<", datetime.combine(date_to + timedelta(days=1), time.min))],
            [], ["__count"],
        )
        figures["movement_count"] = movements
        return figures

    def _bank_refresh_figures(self):
        super()._bank_refresh_figures()
        self._bank_refresh_lines()

    def _bank_refresh_lines(self):
        """The contacts of each week by channel and by type: two ``_read_group`` for all the summaries."""
        # sudo: lines are written by the add-on only (read-only for everyone).
        self.sudo().line_ids.unlink()
        if not self:
            return
        # sudo: the week's contacts of the summary's RM, whoever refreshes it (the domain is this RM's).
        Log = self.env["bank.maintenance.log"].sudo()
        start, end = min(self.mapped("date_from")), max(self.mapped("date_to"))
        domain = [("rm_id", "in", self.rm_id.ids), ("date", ">=", start), ("date", "<=", end)]
        by_summary = {(s.rm_id.id, s.date_from): s.id for s in self}
        values = []
        for kind, field_name in (("channel", "channel"), ("type", "log_type")):
            # By day, not "date:week": Odoo's week follows the language's first day (Sunday in
            # en_US), the summary's is the ISO week. A day's groups are few; the logs are not read.
            totals = defaultdict(lambda: [0, 0])
            for rm, day, key, count, minutes in Log._read_group(
                domain, ["rm_id", "date:day", field_name], ["__count", "minutes:sum"]
            ):
                day = fields.Date.to_date(day)
                summary_id = by_summary.get((rm.id, day - timedelta(days=day.weekday())))
                if summary_id:
                    totals[summary_id, key][0] += count
                    totals[summary_id, key][1] += minutes or 0
            values += [
                {"summary_id": summary_id, "kind": kind, field_name: key, "contact_count": count, "minutes": minutes}
                for (summary_id, key), (count, minutes) in totals.items()
            ]
        self.env["bank.weekly.summary.line"]._bank_system_create(values)
