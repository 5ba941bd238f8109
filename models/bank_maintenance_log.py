# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .bank_guard_mixin import guard_error
from .res_company import bank_today

# No contact of the bank's customers is logged before this day (a date of 1900 is a typing error).
_OLDEST_LOG_DATE = datetime.date(1970, 1, 1)

CONTACT_CHANNELS = [
    ("phone", "Phone"),
    ("sms", "SMS"),
    ("email", "Email"),
    ("wechat", "WeChat"),
    ("meeting", "Meeting"),
    ("visit", "Visit"),
    ("letter", "Letter"),
]

LOG_TYPES = [
    ("birthday", "Birthday greeting"),
    ("holiday", "Holiday greeting"),
    ("periodic", "Periodic contact"),
    ("maturity", "Maturity follow-up"),
    ("post_sale", "Post-sale follow-up"),
    ("introduction", "Introduction call"),
    ("large_movement", "Large fund movement"),
    ("escalation", "Joint maintenance"),
    ("post_loan", "Post-loan check"),
    ("sale", "Sales contact"),
    ("service", "Service"),
    ("other", "Other"),
]

LOG_OUTCOMES = [
    ("done", "Completed"),
    ("follow_up", "Follow-up needed"),
    ("not_reached", "Not reached"),
    ("declined", "Customer declined"),
]

# A contact longer than a working day is a typing mistake, not a contact.
_MAX_MINUTES = 24 * 60


class BankMaintenanceLog(models.Model):
    """One contact with a customer (客户维护档案): the record of the relationship, never deleted.

    Logs are written by hand or when an RM marks a planned maintenance activity as done; the
    customer's last contact date and the RM's VIP time share are read from them."""

    _name = "bank.maintenance.log"
    _description = "Customer maintenance log"
    _inherit = ["bank.guard.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "summary"
    # The guard (models/bank_guard_mixin.py): the author and the customer's tier are the system's;
    # customer, RM, author, tier and type never change once logged (the rules read the RM's user
    # and the customer's RMs: re-pointing them would show the customer to someone else).
    _bank_action_fields = frozenset({"user_id", "tier_id", "rm_user_id", "unit_id", "activity_deadline"})
    _bank_fixed_fields = frozenset({"partner_id", "rm_id", "activity_type_id", "company_id"})

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="restrict",
        domain=[("is_bank_customer", "=", True)],
    )
    rm_id = fields.Many2one(
        "bank.rm", string="RM", index=True, ondelete="restrict", default=lambda self: self._default_rm_id(),
        help="The relationship manager who made the contact.",
    )
    user_id = fields.Many2one(
        "res.users", string="Logged by", required=True, index=True, readonly=True,
        default=lambda self: self.env.user, ondelete="restrict",
    )
    # Stored owners of the customer: record rules compare them to the user in SQL.
    rm_user_id = fields.Many2one(related="rm_id.user_id", store=True, index=True, string="RM user")
    unit_id = fields.Many2one(related="partner_id.bank_unit_id", store=True, index=True, string="Unit")
    date = fields.Date(required=True, index=True, default=bank_today, tracking=True)
    channel = fields.Selection(CONTACT_CHANNELS, required=True, default="phone", tracking=True)
    log_type = fields.Selection(LOG_TYPES, string="Type", required=True, default="periodic", tracking=True)
    summary = fields.Char(required=True, tracking=True)
    outcome = fields.Selection(LOG_OUTCOMES, required=True, default="done", tracking=True)
    minutes = fields.Integer(required=True, default=10, tracking=True, help="Time spent on the contact.")
    notes = fields.Text()
    tier_id = fields.Many2one(
        "bank.vip.tier", string="Customer tier", readonly=True, index=True, ondelete="set null",
        help="The customer's tier when the contact was logged: the VIP time share counts it.",
    )
    activity_type_id = fields.Many2one("mail.activity.type", string="Planned as", readonly=True, ondelete="set null")
    activity_deadline = fields.Date(
        string="Due on", readonly=True, index="btree_not_null",
        help="The deadline of the planned activity this contact completed: the appraisal's planned activities "
        "done on time compare the log's date with it.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)

    _partner_date_idx = models.Index("(partner_id, date DESC)")

    @api.model
    def _default_rm_id(self):
        return self.env["bank.rm"].search([("user_id", "=", self.env.uid)], limit=1).id

    @api.constrains("minutes")
    def _check_minutes(self):
        for log in self:
            if not 0 < log.minutes <= _MAX_MINUTES:
                raise ValidationError(self.env._(
                    "Maintenance log %(log)s of %(customer)s: the minutes (field Minutes) must be between 1 "
                    "and %(max)s, not %(minutes)s.",
                    log=log.summary, customer=log.partner_id.display_name, max=_MAX_MINUTES, minutes=log.minutes,
                ))

    @api.constrains("partner_id")
    def _check_partner_is_customer(self):
        for log in self:
            if not log.partner_id.is_bank_customer:
                raise ValidationError(self.env._(
                    "Maintenance log %(log)s: %(partner)s is not a bank customer (field Customer).",
                    log=log.summary, partner=log.partner_id.display_name,
                ))

    @api.constrains("date")
    def _check_date_not_future(self):
        today = self.env.company._bank_today()
        for log in self:
            if log.date > today:
                raise ValidationError(self.env._(
                    "Maintenance log %(log)s of %(customer)s: a contact cannot be logged in the future "
                    "(field Date: %(date)s).",
                    log=log.summary, customer=log.partner_id.display_name, date=log.date,
                ))
            if log.date < _OLDEST_LOG_DATE:
                raise ValidationError(self.env._(
                    "Maintenance log %(log)s of %(customer)s: %(date)s is not a plausible contact date; "
                    "contacts are logged from %(oldest)s on (field Date).",
                    log=log.summary, customer=log.partner_id.display_name, date=log.date,
                    oldest=_OLDEST_LOG_DATE,
                ))

    @api.model
    def _bank_prepare_create(self, vals_list):
        partner_ids = {vals.get("partner_id", self.env.context.get("default_partner_id")) for vals in vals_list}
        # sudo: the tier is copied as it stands, whoever logs the contact (a snapshot, not a read).
        partners = self.env["res.partner"].sudo().browse([pid for pid in partner_ids if pid])
        tiers = {partner.id: partner.bank_tier_id.id for partner in partners}
        for vals in vals_list:
            partner_id = vals.get("partner_id", self.env.context.get("default_partner_id"))
            if not self.env.su or "tier_id" not in vals:
                vals["tier_id"] = tiers.get(partner_id) or False
            if not self.env.su and vals.get("rm_id"):
                self._bank_check_rm(partners.browse(partner_id), vals["rm_id"])

    @api.model
    def _bank_check_rm(self, partner, rm_id):
        """The RM of a log is the caller's own RM record, or one of the customer's RMs (a unit head
        logging a contact on their behalf): the rules show the log to the RM's user."""
        own = self._default_rm_id()
        if rm_id not in (own, partner.bank_rm_id.id, partner.bank_backup_rm_id.id):
            raise guard_error(self, "rm_id", self.env._(
                "a contact is logged for yourself or for one of the customer's RMs."
            ))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._(
            "Maintenance logs are the customer's history and cannot be deleted (%(logs)s).",
            logs=", ".join(self.mapped("summary")),
        ))
