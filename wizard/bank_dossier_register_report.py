# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..models.res_company import bank_today


class BankDossierRegisterReport(models.TransientModel):
    """Print the check-out register (调阅登记簿) of a unit for a period: every request made in
    the period and every dossier that was out at some time in it."""

    _name = "bank.dossier.register.report"
    _description = "Dossier check-out register report"
    _inherit = ["bank.guard.mixin"]

    unit_id = fields.Many2one(
        "bank.org.unit", string="Unit", required=True, default=lambda self: self._default_unit_id()
    )
    include_children = fields.Boolean(string="Include the units below", default=True)
    date_from = fields.Date(
        string="From", required=True,
        default=lambda self: self.env.company._bank_today().replace(day=1),
    )
    date_to = fields.Date(string="To", required=True, default=bank_today)
    checkout_ids = fields.Many2many(
        "bank.dossier.checkout", compute="_compute_checkout_ids", string="Register lines"
    )

    @api.model
    def _default_unit_id(self):
        return self.env["bank.org.unit"].search([("head_user_id", "=", self.env.uid)], limit=1)

    @api.depends("unit_id", "include_children", "date_from", "date_to")
    def _compute_checkout_ids(self):
        # As the user: the register shows what their record rules let them read, nothing more.
        Checkout = self.env["bank.dossier.checkout"]
        for wizard in self:
            if not (wizard.unit_id and wizard.date_from and wizard.date_to):
                wizard.checkout_ids = Checkout
                continue
            wizard.checkout_ids = Checkout.search(wizard._register_domain(), order="requested_at, id")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._(
                    "Check-out register: the start %(start)s is after the end %(end)s (fields From and To).",
                    start=wizard.date_from, end=wizard.date_to,
                ))

    def action_print(self):
        self.ensure_one()
        return self.env.ref("bank_relationship_manager.action_report_bank_dossier_register").report_action(self)

    def _register_domain(self):
        self.ensure_one()
        start, end = self._utc_bounds()
        unit_domain = (
            Domain("unit_id", "child_of", self.unit_id.id) if self.include_children
            else Domain("unit_id", "=", self.unit_id.id)
        )
        requested = Domain("requested_at", ">=", start) & Domain("requested_at", "<", end)
        was_out = (
            Domain("out_at", "!=", False) & Domain("out_at", "<", end)
            & (Domain("returned_at", "=", False) | Domain("returned_at", ">=", start))
        )
        return unit_domain & (requested | was_out)

    def _utc_bounds(self):
        """The period in the bank's time zone (its days), as naive UTC datetimes [start, end)."""
        tz = self.env.company._bank_tz()
        start = tz.localize(datetime.datetime.combine(self.date_from, datetime.time.min))
        end = tz.localize(datetime.datetime.combine(self.date_to + datetime.timedelta(days=1), datetime.time.min))
        return (start.astimezone(pytz.utc).replace(tzinfo=None), end.astimezone(pytz.utc).replace(tzinfo=None))
