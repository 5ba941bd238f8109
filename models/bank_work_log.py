# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .res_company import bank_today


class BankWorkLog(models.Model):
    """The RM's daily work log (工作日志): what the day brought, in the RM's words, beside the
    day's maintenance logs listed as they are (never copied)."""

    _name = "bank.work.log"
    _description = "RM daily work log"
    _inherit = ["bank.guard.mixin", "mail.thread"]
    _order = "date desc, rm_id"
    _mail_post_access = "read"
    # The guard (models/bank_guard_mixin.py): the log is the caller's own (the rules read its RM's
    # user and its unit), of the day it was written for.
    _bank_action_fields = frozenset({"rm_id", "rm_user_id", "unit_id"})
    _bank_fixed_fields = frozenset({"date", "company_id"})

    name = fields.Char(compute="_compute_name", store=True)
    rm_id = fields.Many2one(
        "bank.rm", string="RM", required=True, index=True, ondelete="restrict", readonly=True,
        default=lambda self: self.env["bank.journal.report"]._default_rm_id(),
    )
    rm_user_id = fields.Many2one(related="rm_id.user_id", store=True, index=True, string="RM user")
    unit_id = fields.Many2one(
        "bank.org.unit", string="Unit", compute="_compute_unit_id", store=True, precompute=True, index=True,
        help="The RM's unit on that day: its head and supervisors read the log.",
    )
    date = fields.Date(required=True, index=True, default=bank_today)
    note = fields.Html(
        string="Work of the day", sanitize_style=True,
        help="Calls and visits, sales, appointments booked, problems solved.",
    )
    maintenance_log_ids = fields.Many2many(
        "bank.maintenance.log", compute="_compute_maintenance_logs", string="Contacts of the day",
    )
    contact_count = fields.Integer(compute="_compute_maintenance_logs", string="Contacts")
    minutes_total = fields.Integer(compute="_compute_maintenance_logs", string="Minutes")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)

    _rm_date_uniq = models.Constraint("UNIQUE(rm_id, date)", "An RM keeps one work log per day.")

    @api.depends("rm_id", "date")
    def _compute_name(self):
        for log in self:
            log.name = " ".join(filter(None, [str(log.date or ""), log.rm_id.name]))

    @api.depends("rm_id")
    def _compute_unit_id(self):
        for log in self:
            log.unit_id = log.rm_id.unit_id

    @api.depends("rm_id", "date")
    def _compute_maintenance_logs(self):
        # The reader's own access applies: one search and one _read_group for all the work logs.
        Log = self.env["bank.maintenance.log"]
        domain = [("rm_id", "in", self.rm_id.ids), ("date", "in", list(set(self.mapped("date"))))]
        by_day = defaultdict(lambda: Log)
        for log in Log.search(domain):
            by_day[log.rm_id.id, log.date] |= log
        totals = {
            (rm.id, day): (count, minutes)
            for rm, day, count, minutes in Log._read_group(domain, ["rm_id", "date:day"], ["__count", "minutes:sum"])
        }
        for work_log in self:
            key = (work_log.rm_id.id, work_log.date)
            work_log.maintenance_log_ids = by_day[key]
            work_log.contact_count, work_log.minutes_total = totals.get(key, (0, 0))

    @api.constrains("date")
    def _check_date(self):
        today = self.env.company._bank_today()
        for log in self:
            if log.date > today:
                raise ValidationError(self.env._(
                    "Work log %(log)s: a day cannot be logged in advance (field Date: %(date)s).",
                    log=log.display_name, date=log.date,
                ))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._(
            "Work logs are the RM's record and cannot be deleted (%(logs)s).",
            logs=", ".join(self.mapped("display_name")),
        ))
