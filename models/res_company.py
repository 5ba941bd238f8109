# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import pytz

from odoo import fields, models

from odoo.addons.base.models.res_partner import _tz_get


class ResCompany(models.Model):
    """The bank's time zone: the one answer to "which day is it" for the bank.

    Crons run as Odoo's superuser, whose own time zone (Europe/Brussels) has nothing to do with
    the bank; users may travel. Every date the add-on decides by itself (the nightly planning and
    evaluation, deadlines, today's log, the 10-day windows) is the bank's day, from here."""

    _inherit = "res.company"

    bank_tz = fields.Selection(
        _tz_get, string="Bank time zone", required=True, default="Asia/Shanghai",
        help="The time zone of the bank's day: the crons, deadlines and default dates use its date.",
    )

    def _bank_tz(self):
        """The bank's time zone (a pytz time zone) of this company, or of the current one."""
        return pytz.timezone((self[:1] or self.env.company).bank_tz or "Asia/Shanghai")

    def _bank_now(self):
        """The current time in the bank's time zone (an aware datetime)."""
        return pytz.utc.localize(fields.Datetime.now()).astimezone(self._bank_tz())

    def _bank_today(self):
        """The bank's date today (the date in the bank's time zone)."""
        return self._bank_now().date()


def bank_today(records):
    """Field default: the bank's date today (``default=bank_today``)."""
    return records.env.company._bank_today()
