# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customer state (客户状态管理, seed 003): the nightly run flags abnormal states of each customer,
with the reason, and gives the customer's RM (an alarm: also the unit head) one activity per
occurrence (README, "Customer state and post-loan checks")."""
import calendar
import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, plaintext2html

from ..tools.cron_batches import process_in_batches
from .bank_account import LOAN_ALARM_DAYS_DEFAULT, LOAN_ALARM_DAYS_PARAM
from .res_partner import ResPartner as _BankPartner

_logger = logging.getLogger(__name__)

_PARAM = "bank_relationship_manager."
# Customers whose state is computed per batch (three set-based queries and one UPDATE each).
# 5,000 rather than 2,000: the per-batch costs (the next batch's search, flush, commit) were a
# quarter of the run; 100,000 customers take 23 s instead of 30-33 s (README, Customer value).
STATE_BATCH = 5000

# The flags, in the order the reason lists them. A flag is on while its "since" date is set:
# the date is the first day of the occurrence, and the activity is given when it is set.
FLAGS = ("loan_alarm", "loan_exception", "assets_falling", "dormant")
FLAG_FIELDS = {flag: f"bank_{flag}_since" for flag in FLAGS}
FLAG_ACTIVITY_TYPES = {flag: f"bank_relationship_manager.mail_activity_type_state_{flag}" for flag in FLAGS}
CUSTOMER_STATES = [("normal", "Normal"), ("watch", "Watch"), ("alarm", "Alarm")]

_STATE_FIELDS = frozenset({"bank_state", "bank_state_reason", "bank_state_date", "bank_last_movement_date"}) | set(
    FLAG_FIELDS.values()
)


def month_ends(day, count):
    """The ``count`` last month-ends on or before ``day``, newest first."""
    ends = []
    year, month = day.year, day.month
    if day.day != calendar.monthrange(year, month)[1]:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    while len(ends) < count:
        ends.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return ends


class ResPartner(models.Model):
    """The state flags of a bank customer, computed by the nightly run only."""

    _inherit = "res.partner"
    # The guard (models/bank_guard_mixin.py, docs/guards.md): the state is the nightly run's.
    _bank_action_fields = _BankPartner._bank_action_fields | _STATE_FIELDS
    _bank_guarded_fields = _BankPartner._bank_guarded_fields | _STATE_FIELDS

    bank_state = fields.Selection(
        CUSTOMER_STATES, string="Customer state", readonly=True, index=True, copy=False,
        help="Normal; Watch: a flag is raised (assets falling, dormant, loan exception); Alarm: a loan is "
        "overdue beyond the alarm days.",
    )
    bank_state_reason = fields.Text(string="Why this state", readonly=True, copy=False)
    # Not indexed, as the evaluation date (models/res_partner.py, init): the nightly run finds its
    # batches by id, and the date's index would make its rewrite of every customer non-HOT.
    bank_state_date = fields.Date(string="State checked on", readonly=True, copy=False)
    bank_last_movement_date = fields.Date(
        string="Last balance change", readonly=True, copy=False,
        help="The newest day on which a balance of the customer changed (as of the last state check).",
    )
    bank_loan_alarm_since = fields.Date(string="Loan alarm since", readonly=True, copy=False)
    bank_loan_exception_since = fields.Date(string="Loan exception since", readonly=True, copy=False)
    bank_assets_falling_since = fields.Date(string="Assets falling since", readonly=True, copy=False)
    bank_dormant_since = fields.Date(string="Dormant since", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # The nightly run
    # ------------------------------------------------------------------

    @api.model
    def _cron_bank_customer_state(self):
        """Nightly: the state flags of every customer, in batches that commit as they go.

        A customer checked today is marked (``bank_state_date``): a run that crashed midway is
        finished by the next one, which neither redoes nor skips anyone; an occurrence already
        flagged is never given a second activity."""
        date = self.env.company._bank_today()
        settings = self._bank_state_settings(date)
        domain = [
            ("is_bank_customer", "=", True),
            "|", ("bank_state_date", "=", False), ("bank_state_date", "<", date),
        ]
        process_in_batches(self, domain, STATE_BATCH, lambda batch: batch._bank_update_state(date, settings))

    @api.model
    def _bank_state_settings(self, date):
        # sudo: system parameters are readable by administrators only; these settings are not secret.
        get = self.env["ir.config_parameter"].sudo().get_param

        def number(key, default):
            try:
                return int(get(_PARAM + key, default))
            except (TypeError, ValueError):
                return default

        settings = {
            "months": max(number("assets_falling_months", 3), 1),
            "dormant_days": max(number("dormant_days", 180), 1),
            "alarm_days": number(LOAN_ALARM_DAYS_PARAM[len(_PARAM):], LOAN_ALARM_DAYS_DEFAULT),
        }
        settings["month_ends"] = month_ends(date, settings["months"] + 1)
        settings["rates"] = self._bank_state_rates(date)
        return settings

    @api.model
    def _bank_state_rates(self, date):
        """``{currency_id: factor}`` at ``date`` for the accounts' currencies that have a rate: an
        account in a currency without one is left out of the AUM rather than converted 1:1."""
        engine = self.env["bank.tier.engine"]
        currency_ids = [row[0] for row in self.env.execute_query(SQL("SELECT DISTINCT currency_id FROM bank_account"))]
        rates = {self.env.company.currency_id.id: 1.0}
        for currency in self.env["res.currency"].browse(currency_ids):
            try:
                rates.update(engine._rates(date, currency))
            except UserError:
                _logger.warning("customer state: no rate of %s on %s, its accounts are left out", currency.name, date)
        return rates

    def _bank_update_state(self, date, settings):
        """Compute the flags of this batch (three set-based queries), store them with one UPDATE
        (the run's own choke point, like the tier engine's in models/bank_tier_engine.py: the
        values come from the queries, never from a caller) and give one activity per new
        occurrence."""
        ids = self.ids
        self.env.flush_all()
        falling = self._bank_falling_aums(ids, settings)
        moved = dict(self.env.execute_query(self._bank_last_movement_sql(ids, date)))
        loans = {}
        for row in self.env.execute_query(self._bank_loan_exception_sql(ids)):
            loans.setdefault(row[0], []).append(row[1:])
        before = {row[0]: dict(zip(FLAGS, row[1:], strict=True)) for row in self.env.execute_query(SQL(
            "SELECT id, %s FROM res_partner WHERE id = ANY(%s)",
            SQL(", ").join(SQL.identifier(FLAG_FIELDS[flag]) for flag in FLAGS), ids,
        ))}
        dormant_before = date - datetime.timedelta(days=settings["dormant_days"])
        rows, occurrences = [], []
        for partner_id in ids:
            old = before.get(partner_id, {})
            partner_loans = loans.get(partner_id, [])
            on = {
                "loan_exception": bool(partner_loans),
                # An alarm stays until the feed clears the loan (days overdue and arrears back to 0).
                "loan_alarm": bool(partner_loans) and (
                    bool(old.get("loan_alarm")) or max(loan[1] for loan in partner_loans) > settings["alarm_days"]
                ),
                "assets_falling": partner_id in falling,
                "dormant": bool(moved.get(partner_id)) and moved[partner_id] <= dormant_before,
            }
            since = {}
            for flag in FLAGS:
                if not on[flag]:
                    since[flag] = None
                elif old.get(flag):
                    since[flag] = old[flag]
                else:
                    since[flag] = date
                    occurrences.append((partner_id, flag))
            state = "alarm" if on["loan_alarm"] else "watch" if any(on.values()) else "normal"
            rows.append((partner_id, state, since, moved.get(partner_id)))
        reasons = self._bank_state_reasons(rows, falling, loans, settings)
        self.env.execute_query(SQL(
            """UPDATE res_partner p
                  SET bank_state = v.state, bank_state_reason = v.reason, bank_state_date = %(date)s,
                      bank_last_movement_date = v.moved, bank_loan_alarm_since = v.alarm,
                      bank_loan_exception_since = v.exception, bank_assets_falling_since = v.falling,
                      bank_dormant_since = v.dormant
                 FROM unnest(%(ids)s::int[], %(states)s::varchar[], %(reasons)s::text[], %(moved)s::date[],
                             %(alarm)s::date[], %(exception)s::date[], %(falling)s::date[], %(dormant)s::date[])
                      AS v(id, state, reason, moved, alarm, exception, falling, dormant)
                WHERE p.id = v.id""",
            date=date, ids=[row[0] for row in rows], states=[row[1] for row in rows],
            reasons=[reasons.get(row[0]) for row in rows], moved=[row[3] for row in rows],
            alarm=[row[2]["loan_alarm"] for row in rows], exception=[row[2]["loan_exception"] for row in rows],
            falling=[row[2]["assets_falling"] for row in rows], dormant=[row[2]["dormant"] for row in rows],
        ))
        self.invalidate_model(list(_STATE_FIELDS))
        if occurrences:
            self._bank_state_activities(occurrences, reasons, date)

    # ------------------------------------------------------------------
    # Set-based figures
    # ------------------------------------------------------------------

    @api.model
    def _bank_falling_aums(self, ids, settings):
        """``{partner_id: [aum at each month-end, newest first]}`` of the customers whose AUM
        (deposits and investments, company currency at the run's rates) dropped at each of the
        last ``months`` month-ends against the month-end before: one query for the batch."""
        ends = settings["month_ends"]
        rates = settings["rates"]
        rows = self.env.execute_query(SQL(
            """WITH rates AS (SELECT * FROM unnest(%(currencies)s::int[], %(factors)s::float8[])
                                   AS r(currency_id, factor)),
                    ends AS (SELECT * FROM unnest(%(ends)s::date[]) WITH ORDINALITY AS e(day, n)),
                    holdings AS (
                        SELECT a.id, a.partner_id, r.factor FROM bank_account a
                          JOIN rates r ON r.currency_id = a.currency_id
                         WHERE a.partner_id = ANY(%(ids)s) AND a.kind IN ('deposit', 'investment'))
               SELECT h.partner_id, e.n, sum(COALESCE(b.balance, 0) * h.factor)
                 FROM holdings h CROSS JOIN ends e
            LEFT JOIN LATERAL (SELECT x.balance FROM bank_balance x WHERE x.account_id = h.id AND x.date <= e.day
                                ORDER BY x.date DESC LIMIT 1) b ON true
                GROUP BY 1, 2""",
            currencies=list(rates), factors=list(rates.values()), ends=ends, ids=ids,
        ))
        aums = {}
        for partner_id, n, aum in rows:
            aums.setdefault(partner_id, [0.0] * len(ends))[n - 1] = float(aum or 0)
        return {
            partner_id: values for partner_id, values in aums.items()
            if all(values[i] < values[i + 1] for i in range(len(ends) - 1))
        }

    @api.model
    def _bank_last_movement_sql(self, ids, date):
        """``(partner_id, day)``: the newest day on or before ``date`` on which a balance of the
        customer changed (the first row of each account's current run of equal balances; an
        account's first row is its opening). Three index look-ups per account."""
        return SQL(
            """SELECT a.partner_id, max(change.day)
                 FROM bank_account a
                CROSS JOIN LATERAL (SELECT x.date, x.balance FROM bank_balance x
                                     WHERE x.account_id = a.id AND x.date <= %(date)s
                                     ORDER BY x.date DESC LIMIT 1) last
                CROSS JOIN LATERAL (
                    SELECT min(y.date) AS day FROM bank_balance y
                     WHERE y.account_id = a.id AND y.date <= last.date
                       AND y.date > COALESCE((SELECT max(z.date) FROM bank_balance z
                                               WHERE z.account_id = a.id AND z.date < last.date
                                                 AND z.balance <> last.balance), '1900-01-01'::date)) change
                WHERE a.partner_id = ANY(%(ids)s)
                GROUP BY 1""",
            date=date, ids=ids,
        )

    @api.model
    def _bank_loan_exception_sql(self, ids):
        """``(partner_id, account_no, days_overdue, arrears_amount, currency_id)`` of the active loans
        overdue or in arrears, as the feed last reported them."""
        return SQL(
            """SELECT a.partner_id, a.account_no, a.days_overdue, a.arrears_amount, a.currency_id
                 FROM bank_account a
                WHERE a.partner_id = ANY(%(ids)s) AND a.kind = 'loan' AND a.active
                  AND (a.days_overdue > 0 OR a.arrears_amount > 0)
                ORDER BY a.partner_id, a.days_overdue DESC, a.account_no""",
            ids=ids,
        )

    # ------------------------------------------------------------------
    # Reasons and activities
    # ------------------------------------------------------------------

    def _bank_state_langs(self, partner_ids):
        """``{partner_id: lang}``: reasons and activities are written in the language of the RM who
        reads them (as the tier engine's reasons)."""
        # sudo: the customers' RMs decide the language, whoever runs the batch.
        partners = self.sudo().browse(partner_ids)
        return {partner.id: partner.bank_rm_user_id.lang or self.env.lang or "en_US" for partner in partners}

    def _bank_state_reasons(self, rows, falling, loans, settings):
        flagged = [row for row in rows if row[1] != "normal"]
        langs = self._bank_state_langs([row[0] for row in flagged])
        reasons = {}
        for partner_id, _state, since, moved in flagged:
            this = self.with_context(lang=langs[partner_id])
            reasons[partner_id] = "\n".join(
                this._bank_flag_reason(flag, since[flag], partner_id, falling, loans, moved, settings)
                for flag in FLAGS
                # The alarm's line names the loans already: no second line for the same exception.
                if since[flag] and not (flag == "loan_exception" and since["loan_alarm"])
            )
        return reasons

    def _bank_flag_reason(self, flag, since, partner_id, falling, loans, moved, settings):
        _ = self.env._
        if flag in ("loan_exception", "loan_alarm"):
            currencies = self.env["res.currency"].browse({loan[3] for loan in loans[partner_id]})
            details = "; ".join(
                _("%(account)s: %(days)s days overdue, arrears %(arrears)s", account=account_no, days=days,
                  arrears=format_amount(self.env, float(arrears or 0), currencies.browse(currency_id)))
                for account_no, days, arrears, currency_id in loans[partner_id]
            )
            if flag == "loan_alarm":
                return _("Loan alarm since %(since)s: overdue beyond %(days)s days (%(details)s).",
                         since=since, days=settings["alarm_days"], details=details)
            return _("Loan exception since %(since)s: %(details)s.", since=since, details=details)
        if flag == "assets_falling":
            currency = self.env.company.currency_id
            figures = ", ".join(
                f"{day}: {format_amount(self.env, aum, currency)}"
                for day, aum in reversed(list(zip(settings["month_ends"], falling[partner_id], strict=True)))
            )
            return _("Assets falling since %(since)s: AUM dropped at %(count)s consecutive month-ends (%(figures)s).",
                     since=since, count=settings["months"], figures=figures)
        return _("Dormant since %(since)s: no balance changed since %(moved)s (%(days)s days or more).",
                 since=since, moved=moved, days=settings["dormant_days"])

    def _bank_state_activities(self, occurrences, reasons, date):
        """One activity per new occurrence for the customer's primary RM (the A/B redirection of
        models/mail_activity.py applies; no RM: the unit head); an alarm also one for the head of
        the customer's unit. A new alarm replaces the RM's exception activity of the same run."""
        # sudo: the customers' RMs and units decide who is told, whoever runs the batch.
        partners = self.sudo().browse({partner_id for partner_id, _flag in occurrences})
        by_id = {partner.id: partner for partner in partners}
        new_alarms = {partner_id for partner_id, flag in occurrences if flag == "loan_alarm"}
        types = {flag: self.env.ref(xmlid) for flag, xmlid in FLAG_ACTIVITY_TYPES.items()}
        model_id = self.env["ir.model"]._get_id("res.partner")
        values = []
        for partner_id, flag in occurrences:
            if flag == "loan_exception" and partner_id in new_alarms:
                continue
            partner = by_id[partner_id]
            head = partner.bank_unit_id._custodian_user()
            users = [partner.bank_rm_user_id or head]
            if flag == "loan_alarm" and head and head != users[0]:
                users.append(head)
            for user in users:
                if not user:
                    continue
                activity_type = types[flag].with_context(lang=user.lang or self.env.lang)
                values.append({
                    "res_model_id": model_id,
                    "res_id": partner_id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": date,
                    "summary": activity_type.summary or activity_type.name,
                    "note": plaintext2html(reasons[partner_id]) if reasons.get(partner_id) else False,
                })
        if values:
            # sudo: the nightly run plans the RMs' activities on customers they serve.
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(values)
