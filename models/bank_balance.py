# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import math
from decimal import Decimal, InvalidOperation

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount

# Rows written per INSERT statement: large enough to amortise the round trip, small
# enough to keep the parameter arrays of one statement well under a few megabytes.
_LOAD_BATCH = 50_000
# An error message lists at most this many bad rows (then says how many more there are).
_MAX_LISTED_ERRORS = 200
# Plausible balance dates: none before 1970 (nor before the account was opened), none more than
# a few days ahead (value-dated postings). A date of 9999-12-31 would stay the account's latest
# balance for ever; 0001-01-01 broke the balance-history graph for every user.
_OLDEST_BALANCE_DATE = datetime.date(1970, 1, 1)
_FUTURE_MARGIN_DAYS = 7
# Optional keys of a row for loan accounts (SPEC §9a), and what the bank.account fields they fill are.
_LOAN_KEYS = ("days_overdue", "arrears_amount")
_LOAN_FIELDS = ("days_overdue", "arrears_amount", "loan_figures_date", "loan_exception_since", "loan_status")
# A hundred years overdue is a typing error, not a loan.
_MAX_DAYS_OVERDUE = 36500


class BankBalance(models.Model):
    """The balance of an account on a date, in the account's currency.

    One row per account and date; the balance of a day without a row is the newest row
    before it (carried forward). Rows are history: corrected by loading the same account
    and date again, never deleted by business users.
    """

    _name = "bank.balance"
    _description = "Account balance"
    _inherit = ["bank.guard.mixin"]
    _order = "date desc, id desc"
    # The guard (models/bank_guard_mixin.py): the stored copies of the account (the rules read the
    # customer and the company) follow the account; a row stays the account's and the date's.
    _bank_action_fields = frozenset({"partner_id", "category_id", "currency_id", "company_id"})
    _bank_fixed_fields = frozenset({"account_id", "date"})
    _rec_name = "date"

    account_id = fields.Many2one("bank.account", string="Account", required=True, ondelete="restrict")
    date = fields.Date(required=True, index=True)
    balance = fields.Monetary(required=True)
    partner_id = fields.Many2one(related="account_id.partner_id", store=True, index=True, string="Customer")
    category_id = fields.Many2one(related="account_id.category_id", store=True, index=True)
    currency_id = fields.Many2one(related="account_id.currency_id", store=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)

    _account_date_uniq = models.Constraint(
        "UNIQUE(account_id, date)", "There is one balance per account and date: load it again to correct it."
    )

    @api.constrains("balance")
    def _check_balance(self):
        for row in self:
            error = self._balance_error(row.balance, row.account_id.kind)
            if error:
                raise ValidationError(
                    self.env._("Account %(account)s on %(date)s: %(error)s (field Balance).",
                               account=row.account_id.account_no, date=row.date, error=error)
                )

    @api.model_create_multi
    def create(self, vals_list):
        balances = super().create(vals_list)
        balances._refresh_derived([(b.account_id.id, b.date) for b in balances])
        return balances

    def write(self, vals):
        if not {"account_id", "date", "balance"} & set(vals):
            return super().write(vals)
        touched = [(b.account_id.id, b.date) for b in self]
        result = super().write(vals)
        self._refresh_derived(touched + [(b.account_id.id, b.date) for b in self])
        return result

    def _refresh_derived(self, pairs):
        """Keep what is derived from the rows (each account's latest balance, the per-旬 sums)
        in step with rows written through the ORM, as ``load_balances`` does for its rows."""
        if not pairs:
            return
        self.flush_model()
        account_ids, dates = zip(*pairs, strict=True)
        self._refresh_latest_balances(sorted(set(account_ids)))
        self.env["bank.account"].invalidate_model(["balance", "balance_date"])
        self.env["bank.balance.xun"]._refresh(account_ids, dates)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Balances are history and cannot be deleted: load a corrected balance instead."))

    # ------------------------------------------------------------------
    # Loading
    # ------------------------------------------------------------------

    @api.model
    def load_balances(self, rows):
        """Upsert balances ``[{account_no, date, balance}, ...]``, all or nothing.

        Every row is validated before anything is written; a single error lists every bad
        row. Rows are written with set-based SQL in batches, so a million rows never exist
        as ORM records. Returns ``{"created": n, "updated": m}``.
        """
        self.check_access("create")
        self.check_access("write")
        if not isinstance(rows, (list, tuple)):
            raise UserError(self.env._("Balances must be given as a list of rows {account_no, date, balance}."))
        loans = {}
        account_ids, dates, balances, errors = self._parse_balance_rows(rows, loans=loans)
        if errors:
            listed = errors[:_MAX_LISTED_ERRORS]
            more = len(errors) - len(listed)
            raise UserError(
                self.env._("No balance was loaded: %(count)s of %(total)s rows are wrong.", count=len(errors),
                           total=len(rows))
                + "\n" + "\n".join(listed)
                + ("\n" + self.env._("... and %(more)s more.", more=more) if more else "")
            )
        self.env.flush_all()
        # Short batch statements: JIT compilation would cost more than it saves (see _metrics).
        self.env.cr.execute("SET LOCAL jit = off")
        created = updated = 0
        for start in range(0, len(account_ids), _LOAD_BATCH):
            end = start + _LOAD_BATCH
            batch_created, batch_updated = self._upsert_balances(
                account_ids[start:end], dates[start:end], balances[start:end]
            )
            created += batch_created
            updated += batch_updated
            self.env["bank.balance.xun"]._refresh(account_ids[start:end], dates[start:end])
        self._refresh_latest_balances(sorted(set(account_ids)))
        self._update_loan_figures(loans)
        self.invalidate_model()
        self.env["bank.account"].invalidate_model(["balance", "balance_date", *_LOAN_FIELDS])
        self._notify_large_movements(account_ids, dates)
        return {"created": created, "updated": updated}

    @api.model
    def _parse_balance_rows(self, rows, loans=None):
        """Check every row; return parallel lists of account ids, dates and balances and the errors.

        Rows may carry the loan figures ``days_overdue`` and ``arrears_amount`` (SPEC §9a, optional
        keys; an empty value is no value): they are checked with the row, and ``loans``, when given,
        receives ``{account_id: (date, days_overdue, arrears_amount)}`` from each account's newest
        row carrying them (``None`` for a figure the row does not give)."""
        numbers = {str(row.get("account_no") or "").strip() for row in rows if isinstance(row, dict)}
        accounts = self._accounts_by_number(numbers)
        account_ids, dates, balances, errors = [], [], [], []
        seen = {}
        latest = self.env.company._bank_today() + datetime.timedelta(days=_FUTURE_MARGIN_DAYS)
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                errors.append(self.env._("Row %(row)s: not a row {account_no, date, balance}.", row=number))
                continue
            account_no = str(row.get("account_no") or "").strip()
            reasons = []
            account = accounts.get(account_no)
            if not account_no:
                reasons.append(self.env._("no account number"))
            elif not account:
                reasons.append(self.env._("unknown account"))
            date = self._parse_date(row.get("date"))
            if date is None:
                reasons.append(
                    self.env._("malformed date %(value)s (expected YYYY-MM-DD)", value=repr(row.get("date")))
                )
            else:
                oldest = max(_OLDEST_BALANCE_DATE, account[2] or _OLDEST_BALANCE_DATE) if account else (
                    _OLDEST_BALANCE_DATE
                )
                if not oldest <= date <= latest:
                    reasons.append(self.env._(
                        "date %(date)s outside the plausible window %(oldest)s to %(latest)s (field Date)",
                        date=date, oldest=oldest, latest=latest,
                    ))
            balance = self._parse_amount(row.get("balance"))
            if balance is None:
                reasons.append(self.env._("balance %(value)s is not a finite number", value=repr(row.get("balance"))))
            elif account and (error := self._balance_error(balance, account[1])):
                reasons.append(error)
            loan_figures = self._parse_loan_figures(row, account, reasons)
            if account and date and not reasons:
                key = (account[0], date)
                if key in seen:
                    reasons.append(self.env._("same account and date as row %(row)s", row=seen[key]))
                seen[key] = number
            if reasons:
                errors.append(
                    self.env._("Row %(row)s (account %(account)s): %(reasons)s.", row=number,
                               account=account_no or "-", reasons="; ".join(reasons))
                )
                continue
            account_ids.append(account[0])
            dates.append(date)
            balances.append(balance)
            if loan_figures and loans is not None:
                newest = loans.get(account[0])
                if not newest or newest[0] < date:
                    loans[account[0]] = (date, *loan_figures)
        return account_ids, dates, balances, errors

    @api.model
    def _parse_loan_figures(self, row, account, reasons):
        """The optional loan figures of a row, ``(days_overdue, arrears_amount)`` with ``None`` for
        an absent one, or ``None`` when the row carries neither; problems go to ``reasons``."""
        given = {key: row.get(key) for key in _LOAN_KEYS if row.get(key) not in (None, "")}
        if not given:
            return None
        days = arrears = None
        if "days_overdue" in given:
            days = self._parse_days(given["days_overdue"])
            if days is None:
                reasons.append(self.env._(
                    "days overdue %(value)s is not a whole number of days between 0 and %(max)s",
                    value=repr(given["days_overdue"]), max=_MAX_DAYS_OVERDUE,
                ))
        if "arrears_amount" in given:
            arrears = self._parse_amount(given["arrears_amount"])
            if arrears is None or arrears < 0:
                reasons.append(self.env._(
                    "arrears %(value)s is not a finite amount of zero or more",
                    value=repr(given["arrears_amount"]),
                ))
        if account and account[1] != "loan":
            reasons.append(self.env._("days overdue and arrears are given for loan accounts only"))
        return days, arrears

    @api.model
    def _parse_days(self, value):
        """A whole number of days from 0 to ``_MAX_DAYS_OVERDUE`` (an int, an integral float or a
        string of digits); ``None`` for anything else."""
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            value = value.strip()
            if not value.isascii() or not value.isdigit():
                return None
            value = int(value)
        elif isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                return None
            value = int(value)
        if not isinstance(value, int) or not 0 <= value <= _MAX_DAYS_OVERDUE:
            return None
        return value

    @api.model
    def _update_loan_figures(self, loans):
        """Copy the newest loan figures of each account onto it, in one statement for all accounts.
        Figures older than the account's are left alone (a back-filled history does not undo today's
        feed); a figure not given keeps its value. ``loan_exception_since`` starts with an exception
        (overdue or in arrears) and is emptied when the feed clears the loan."""
        if not loans:
            return
        ids = list(loans)
        self.env.execute_query(SQL(
            """UPDATE bank_account a
                  SET days_overdue = n.days, arrears_amount = n.arrears, loan_figures_date = n.date,
                      loan_exception_since = CASE
                          WHEN n.days = 0 AND n.arrears = 0 THEN NULL
                          ELSE COALESCE(a.loan_exception_since, n.date) END
                 FROM (SELECT v.id, v.date,
                              COALESCE(v.days, b.days_overdue, 0) AS days,
                              COALESCE(v.arrears, b.arrears_amount, 0) AS arrears
                         FROM unnest(%(ids)s::int[], %(dates)s::date[], %(days)s::int[], %(arrears)s::numeric[])
                              AS v(id, date, days, arrears)
                         JOIN bank_account b ON b.id = v.id) n
                WHERE a.id = n.id AND (a.loan_figures_date IS NULL OR a.loan_figures_date <= n.date)""",
            ids=ids, dates=[loans[i][0] for i in ids], days=[loans[i][1] for i in ids],
            arrears=[loans[i][2] for i in ids],
        ))

    @api.model
    def _accounts_by_number(self, numbers):
        """``{account_no: (id, kind, open_date)}`` of the current company's accounts, in one query."""
        if not numbers:
            return {}
        self.env["bank.account"].flush_model(["account_no", "company_id", "category_id", "open_date"])
        rows = self.env.execute_query(SQL(
            """SELECT a.account_no, a.id, c.kind, a.open_date
                 FROM bank_account a
                 JOIN bank_product_category c ON c.id = a.category_id
                WHERE a.account_no = ANY(%s) AND a.company_id = %s""",
            list(numbers), self.env.company.id,
        ))
        return {number: (account_id, kind, open_date) for number, account_id, kind, open_date in rows}

    @api.model
    def _parse_date(self, value):
        if isinstance(value, datetime.datetime):
            return None
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                return None
        return None

    @api.model
    def _parse_amount(self, value):
        """A finite float from a number or a plain decimal string; ``None`` for anything else
        (booleans, NaN, infinities, ``1e309``, text, spreadsheet formulas)."""
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, str):
            try:
                value = Decimal(value.strip())
            except InvalidOperation:
                return None
        if not isinstance(value, (int, float, Decimal)):
            return None
        try:
            amount = float(value)
        except (OverflowError, ValueError):
            return None
        return amount if math.isfinite(amount) else None

    @api.model
    def _balance_error(self, balance, kind):
        if not math.isfinite(balance):
            return self.env._("the balance must be a finite number")
        if kind in ("deposit", "investment") and balance < 0:
            return self.env._("a deposit or investment balance cannot be negative")
        return None

    @api.model
    def _upsert_balances(self, account_ids, dates, balances):
        """Insert or replace one batch of rows in one statement; return (created, updated)."""
        now = fields.Datetime.now()
        created, updated = self.env.execute_query(SQL(
            """WITH upserted AS (
                   INSERT INTO bank_balance (account_id, date, balance, partner_id, category_id, currency_id,
                                             company_id, create_uid, create_date, write_uid, write_date)
                   SELECT v.account_id, v.date, v.balance, a.partner_id, a.category_id, a.currency_id,
                          a.company_id, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM unnest(%(account_ids)s::int[], %(dates)s::date[], %(balances)s::numeric[])
                          AS v(account_id, date, balance)
                     JOIN bank_account a ON a.id = v.account_id
                   ON CONFLICT (account_id, date) DO UPDATE
                      SET balance = EXCLUDED.balance, write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                   RETURNING (xmax = 0) AS inserted
               )
               SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted""",
            uid=self.env.uid, now=now, account_ids=account_ids, dates=dates, balances=balances,
        ))[0]
        return created, updated

    @api.model
    def _notify_large_movements(self, account_ids, dates):
        """Large fund movements (大额资金移动): a same-day activity for the RM of each customer
        whose assets (deposits and investments) moved by at least the configured amount or
        share between their previous balance date and the newest date just loaded.

        Set-based: one query for every customer of the load. Accounts in a currency without
        a rate on that date are left out of the comparison rather than converted 1:1.
        """
        if not account_ids:
            return
        # sudo: system parameters are readable by administrators only; these thresholds are not secret.
        params = self.env["ir.config_parameter"].sudo()
        amount = float(params.get_param("bank_relationship_manager.large_movement_amount", 500000))
        share = float(params.get_param("bank_relationship_manager.large_movement_share", 0.3))
        day = max(dates)
        engine = self.env["bank.tier.engine"]
        # One query for the few currencies involved, rather than reading every loaded account.
        currencies = self.env["res.currency"].browse(currency_id for (currency_id,) in self.env.execute_query(SQL(
            "SELECT DISTINCT currency_id FROM bank_account WHERE id = ANY(%s)", list(set(account_ids))
        )))
        rates = {}
        for currency in currencies:
            try:
                rates.update(engine._rates(day, currency))
            except UserError:
                continue
        rates.setdefault(self.env.company.currency_id.id, 1.0)
        movements = self.env.execute_query(SQL(
            """WITH rates AS (
                   SELECT * FROM unnest(%(currencies)s::int[], %(factors)s::float8[]) AS r(currency_id, factor)
               ),
               loaded AS (
                   SELECT a.partner_id, max(v.date) AS day
                     FROM unnest(%(accounts)s::int[], %(dates)s::date[]) AS v(account_id, date)
                     JOIN bank_account a ON a.id = v.account_id
                    WHERE a.kind IN ('deposit', 'investment')
                    GROUP BY 1
               ),
               holdings AS (
                   SELECT l.partner_id, l.day, a.id AS account_id, r.factor
                     FROM loaded l
                     JOIN bank_account a ON a.partner_id = l.partner_id AND a.kind IN ('deposit', 'investment')
                     JOIN rates r ON r.currency_id = a.currency_id
               ),
               previous AS (
                   SELECT h.partner_id, max(p.date) AS previous_day
                     FROM holdings h CROSS JOIN LATERAL (
                          SELECT b.date FROM bank_balance b
                           WHERE b.account_id = h.account_id AND b.date < h.day ORDER BY b.date DESC LIMIT 1) p
                    GROUP BY 1
               ),
               compared AS (
                   SELECT h.partner_id, h.day, pr.previous_day,
                          sum(coalesce(now_.balance, 0) * h.factor) AS after,
                          sum(coalesce(then_.balance, 0) * h.factor) AS before
                     FROM holdings h
                     JOIN previous pr ON pr.partner_id = h.partner_id
                     LEFT JOIN LATERAL (SELECT b.balance FROM bank_balance b WHERE b.account_id = h.account_id
                                         AND b.date <= h.day ORDER BY b.date DESC LIMIT 1) now_ ON true
                     LEFT JOIN LATERAL (SELECT b.balance FROM bank_balance b WHERE b.account_id = h.account_id
                                         AND b.date <= pr.previous_day ORDER BY b.date DESC LIMIT 1) then_ ON true
                    GROUP BY 1, 2, 3
               )
               SELECT partner_id, day, previous_day, before, after FROM compared
                WHERE abs(after - before) >= %(amount)s
                   OR (before > 0 AND abs(after - before) >= %(share)s * before)""",
            currencies=list(rates), factors=list(rates.values()), accounts=list(account_ids), dates=list(dates),
            amount=amount, share=share,
        ))
        if movements:
            self._create_movement_activities(movements)

    @api.model
    def _create_movement_activities(self, movements):
        """One activity per movement, due today, for the customer's RM (or unit head); never twice."""
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_large_movement")
        # sudo: the loader may not read the customers whose RMs get the activities.
        partners = self.env["res.partner"].sudo().browse([m[0] for m in movements])
        summaries = {
            partner_id: self.env._("Large fund movement on %(date)s", date=day)
            for partner_id, day, _previous, _before, _after in movements
        }
        existing = {
            (activity.res_id, activity.summary)
            # sudo: the RMs' activities are checked for duplicates, whoever loads.
            for activity in self.env["mail.activity"].sudo().search([
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", activity_type.id),
            ])
        }
        currency = self.env.company.currency_id
        values = []
        for partner_id, day, previous, before, after in movements:
            partner = partners.browse(partner_id)
            user = partner.bank_rm_user_id or partner.bank_unit_id.head_user_id
            if not user or (partner_id, summaries[partner_id]) in existing:
                continue
            change = after - before
            values.append({
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": partner_id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "date_deadline": self.env.company._bank_today(),
                "summary": summaries[partner_id],
                "note": self.env._(
                    "Assets went from %(before)s on %(previous)s to %(after)s on %(date)s (%(change)s, %(share)s).",
                    before=format_amount(self.env, before, currency),
                    previous=previous,
                    after=format_amount(self.env, after, currency),
                    date=day,
                    change=format_amount(self.env, change, currency),
                    share=f"{change / before:+.0%}" if before else "-",
                ),
            })
        if values:
            # sudo: the loader is the core-banking feed; the activity belongs to the RM.
            self.env["mail.activity"].sudo().create(values)

    @api.model
    def _refresh_latest_balances(self, account_ids):
        """Copy each account's newest row onto the account (one indexed look-up per account)."""
        for start in range(0, len(account_ids), _LOAD_BATCH):
            self.env.cr.execute(SQL(
                """UPDATE bank_account a
                      SET balance = latest.balance, balance_date = latest.date
                     FROM unnest(%s::int[]) AS x(id)
                     CROSS JOIN LATERAL (
                         SELECT b.date, b.balance FROM bank_balance b
                          WHERE b.account_id = x.id ORDER BY b.date DESC LIMIT 1
                     ) latest
                    WHERE a.id = x.id""",
                account_ids[start:start + _LOAD_BATCH],
            ))
