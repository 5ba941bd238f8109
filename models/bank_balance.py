# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import math
from decimal import Decimal, InvalidOperation

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.copy_field import Many2oneCopy

# Accounts per statement when copying the newest rows onto the accounts after ORM writes.
_LOAD_BATCH = 50_000
# Plausible balance dates: none before 1970 (nor before the account was opened), none more than
# a few days ahead (value-dated postings). A date of 9999-12-31 would stay the account's latest
# balance for ever; 0001-01-01 broke the balance-history graph for every user.
_OLDEST_BALANCE_DATE = datetime.date(1970, 1, 1)
_FUTURE_MARGIN_DAYS = 7
# Optional keys of a row for loan accounts (SPEC §9a).
_LOAN_KEYS = ("days_overdue", "arrears_amount")
# The stored copies of the account's fields (no foreign keys: tools/copy_field.py).
_COPIES = ("partner_id", "category_id", "currency_id", "company_id")
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
    # The account's, copied without foreign keys of their own (tools/copy_field.py) and indexed
    # only where a query selects by them (the customer's history): each index and each check is
    # paid on every row of the nightly feed (docs/scaling.md).
    partner_id = Many2oneCopy(related="account_id.partner_id", store=True, index=True, string="Customer")
    category_id = Many2oneCopy(related="account_id.category_id", store=True)
    currency_id = Many2oneCopy(related="account_id.currency_id", store=True)
    company_id = Many2oneCopy(related="account_id.company_id", store=True)

    _account_date_uniq = models.Constraint(
        "UNIQUE(account_id, date)", "There is one balance per account and date: load it again to correct it."
    )

    def init(self):
        # A database made before the copies lost their foreign keys and the category and company
        # their indexes (docs/scaling.md) loses them on update; Odoo keeps what it no longer declares.
        cr = self.env.cr
        cr.execute(SQL(
            """SELECT c.conname FROM pg_constraint c
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.conrelid = 'bank_balance'::regclass AND c.contype = 'f' AND a.attname IN %s""",
            _COPIES,
        ))
        names = [name for (name,) in cr.fetchall()]
        for name in names:
            cr.execute(SQL("ALTER TABLE bank_balance DROP CONSTRAINT %s", SQL.identifier(name)))
        if names:
            cr.execute(SQL("DELETE FROM ir_model_constraint WHERE type = 'f' AND name IN %s", tuple(names)))
        cr.execute("DROP INDEX IF EXISTS bank_balance__category_id_index, bank_balance__company_id_index")

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
    # Row checks shared by the ORM and the loading (load_balances: models/bank_balance_load.py)
    # ------------------------------------------------------------------

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
