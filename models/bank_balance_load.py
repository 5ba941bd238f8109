# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import io
import itertools
import math

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ..tools.activity_sql import insert_activities_sql, notify_due
from .bank_balance import _FUTURE_MARGIN_DAYS, _OLDEST_BALANCE_DATE
from .bank_balance_xun import APPENDED

# Rows validated, then streamed to PostgreSQL, per COPY: a few megabytes of text at a time, so
# that a million rows never exist at once as Python objects other than the caller's own.
_COPY_CHUNK = 100_000
# An error message lists at most this many bad rows (then says how many more there are).
_MAX_LISTED_ERRORS = 200
_ASSET_KINDS = frozenset({"deposit", "investment"})
_EMPTY = (None, "")
_NULL = "\\N"  # COPY's text format for NULL
# The rows of one load, validated (``row_no`` counts every row given, bad ones too): a temporary
# table, always named with its schema so that no statement can reach a permanent table of that name.
_TABLE = SQL.identifier("pg_temp", "bank_balance_load")
_COLUMNS = ("row_no", "account_id", "date", "balance", "days_overdue", "arrears")


class BankBalanceLoad(models.Model):
    """``load_balances``: the balance feed at bulk speed.

    Every row is checked in one pass of plain Python and the good rows are streamed with COPY into
    a temporary table; then one statement each upserts the rows, refreshes the touched per-旬 sums
    (models/bank_balance_xun.py), each account's latest balance, the loan figures, and looks for
    large fund movements. Nothing is written to the balances unless every row is good.
    """

    _inherit = "bank.balance"

    @api.model
    def load_balances(self, rows):
        """Upsert balances ``[{account_no, date, balance}, ...]``, all or nothing.

        Every row is validated before anything is written; a single error lists every bad
        row. Returns ``{"created": n, "updated": m}``.
        """
        self.check_access("create")
        self.check_access("write")
        if not isinstance(rows, (list, tuple)):
            raise UserError(self.env._("Balances must be given as a list of rows {account_no, date, balance}."))
        return self._load_balance_stream(rows)

    @api.model
    def _load_balance_stream(self, rows):
        """``load_balances`` for any iterable of rows (the CSV import streams its lines through here)."""
        self.check_access("create")
        self.check_access("write")
        self.env.flush_all()
        cr = self.env.cr
        # Short set-based statements: JIT compilation would cost more than it saves (see _metrics).
        cr.execute("SET LOCAL jit = off")
        cr.execute(SQL("DROP TABLE IF EXISTS %s", _TABLE))
        cr.execute(SQL(
            """CREATE TEMPORARY TABLE %s (row_no int NOT NULL, account_id int NOT NULL, date date NOT NULL,
                                         balance numeric NOT NULL, days_overdue int, arrears numeric)
               ON COMMIT DROP""",
            _TABLE,
        ))
        total, errors, error_count = self._copy_balance_rows(rows)
        cr.execute(SQL("ANALYZE %s", _TABLE))
        errors, error_count = self._merge_duplicate_errors(errors, error_count)
        if error_count:
            cr.execute(SQL("DROP TABLE %s", _TABLE))
            more = error_count - len(errors)
            raise UserError(
                self.env._("No balance was loaded: %(count)s of %(total)s rows are wrong.", count=error_count,
                           total=total)
                + "\n" + "\n".join(errors)
                + ("\n" + self.env._("... and %(more)s more.", more=more) if more else "")
            )
        created, updated = self._upsert_loaded_balances()
        Xun = self.env["bank.balance.xun"]
        Xun._refresh_pairs(Xun._append_loaded(_TABLE))
        self._refresh_loaded_latest_balances()
        self._update_loaded_loan_figures()
        self.invalidate_model()
        self.env["bank.account"].invalidate_model()
        self._notify_large_movements(_TABLE, nightly=APPENDED)
        cr.execute(SQL("DROP TABLE %s", _TABLE))
        return {"created": created, "updated": updated}

    @api.model
    def _copy_balance_rows(self, rows):
        """Check every row, streaming the good ones into the load table chunk by chunk.

        Returns ``(rows seen, first error lines, number of bad rows)``. Duplicates of an account
        and date are found afterwards, in the table (``_merge_duplicate_errors``)."""
        # COPY is not part of Odoo's cursor API: the psycopg2 cursor underneath streams the text.
        # The table is our own temporary one, which Odoo's caches never hold.
        raw_cursor = self.env.cr._obj
        copy = SQL("COPY %s (%s) FROM STDIN", _TABLE,
                   SQL(", ").join(SQL.identifier(column) for column in _COLUMNS)).code
        accounts = {}
        dates = {}
        errors = []
        error_count = 0
        latest = self.env.company._bank_today() + datetime.timedelta(days=_FUTURE_MARGIN_DAYS)
        isfinite = math.isfinite
        total = 0
        iterator = iter(rows)
        while chunk := list(itertools.islice(iterator, _COPY_CHUNK)):
            self._accounts_into(accounts, chunk)
            lines = []
            append = lines.append
            for number, row in enumerate(chunk, start=total + 1):
                if not isinstance(row, dict):
                    error_count += 1
                    if len(errors) < _MAX_LISTED_ERRORS:
                        errors.append((number, self.env._(
                            "Row %(row)s: not a row {account_no, date, balance}.", row=number)))
                    continue
                raw_no = row.get("account_no")
                account_no = raw_no.strip() if type(raw_no) is str else str(raw_no or "").strip()
                account = accounts.get(account_no)
                # Dates by their text: a feed has few distinct ones, each parsed and formatted once.
                raw_date = row.get("date")
                known = dates.get(raw_date) if type(raw_date) is str else None
                if known is None:
                    day = self._parse_date(raw_date)
                    known = (day, day.isoformat()) if day is not None else (None, None)
                    if day is not None and type(raw_date) is str:
                        dates[raw_date] = known
                day, day_text = known
                raw_balance = row.get("balance")
                kind = type(raw_balance)
                if kind is float:
                    balance = raw_balance if isfinite(raw_balance) else None
                elif kind is int:
                    try:
                        balance = float(raw_balance)
                    except OverflowError:
                        balance = None
                elif kind is str:
                    # float() takes every finite decimal string Decimal() takes, to the same value
                    # (Decimal converts through its string); what it refuses gets the full check.
                    try:
                        balance = float(raw_balance)
                    except ValueError:
                        balance = self._parse_amount(raw_balance)
                    else:
                        balance = balance if isfinite(balance) else None
                else:
                    balance = self._parse_amount(raw_balance)
                loan = row.get("days_overdue") not in _EMPTY or row.get("arrears_amount") not in _EMPTY
                if (account is None or day is None or balance is None or loan or not (account[2] <= day <= latest)
                        or (balance < 0 and account[1] in _ASSET_KINDS)):
                    reasons = self._row_reasons(row, account_no, account, day, balance, latest)
                    if reasons:
                        error_count += 1
                        if len(errors) < _MAX_LISTED_ERRORS:
                            errors.append((number, self.env._(
                                "Row %(row)s (account %(account)s): %(reasons)s.", row=number,
                                account=account_no or "-", reasons="; ".join(reasons))))
                        continue
                    days, arrears = self._parse_loan_figures(row, account, []) if loan else (None, None)
                    append(f"{number}\t{account[3]}\t{day_text}\t{balance!r}\t"
                           f"{_NULL if days is None else days}\t{_NULL if arrears is None else repr(arrears)}\n")
                    continue
                append(f"{number}\t{account[3]}\t{day_text}\t{balance!r}\t\\N\t\\N\n")
            total += len(chunk)
            if lines:
                raw_cursor.copy_expert(copy, io.StringIO("".join(lines)))
        return total, errors, error_count

    @api.model
    def _row_reasons(self, row, account_no, account, day, balance, latest):
        """Why a row is bad, in the order the error lists them (empty when it is good after all)."""
        reasons = []
        if not account_no:
            reasons.append(self.env._("no account number"))
        elif not account:
            reasons.append(self.env._("unknown account"))
        if day is None:
            reasons.append(self.env._("malformed date %(value)s (expected YYYY-MM-DD)", value=repr(row.get("date"))))
        else:
            oldest = account[2] if account else _OLDEST_BALANCE_DATE
            if not oldest <= day <= latest:
                reasons.append(self.env._(
                    "date %(date)s outside the plausible window %(oldest)s to %(latest)s (field Date)",
                    date=day, oldest=oldest, latest=latest,
                ))
        if balance is None:
            reasons.append(self.env._("balance %(value)s is not a finite number", value=repr(row.get("balance"))))
        elif account and (error := self._balance_error(balance, account[1])):
            reasons.append(error)
        self._parse_loan_figures(row, account, reasons)
        return reasons

    @api.model
    def _accounts_into(self, accounts, chunk):
        """Add ``{account_no: (id, kind, oldest date, id as text)}`` of the chunk's new account numbers
        (current company) to ``accounts``, in one query; the oldest date is the later of 1970 and the
        opening."""
        numbers = {str(row.get("account_no") or "").strip() for row in chunk if isinstance(row, dict)}
        numbers.difference_update(accounts)
        numbers.discard("")
        if not numbers:
            return
        self.env["bank.account"].flush_model(["account_no", "company_id", "category_id", "open_date"])
        rows = self.env.execute_query(SQL(
            """SELECT a.account_no, a.id, c.kind, greatest(a.open_date, %s)
                 FROM bank_account a
                 JOIN bank_product_category c ON c.id = a.category_id
                WHERE a.account_no = ANY(%s) AND a.company_id = %s""",
            _OLDEST_BALANCE_DATE, list(numbers), self.env.company.id,
        ))
        accounts.update(
            (number, (account_id, kind, oldest, str(account_id))) for number, account_id, kind, oldest in rows
        )

    @api.model
    def _merge_duplicate_errors(self, errors, error_count):
        """Add the rows repeating an account and date of an earlier good row to the errors, in row order."""
        duplicates = self.env.execute_query(SQL(
            """SELECT count(*) OVER (), d.row_no, d.previous, a.account_no
                 FROM (SELECT row_no, account_id,
                              lag(row_no) OVER (PARTITION BY account_id, date ORDER BY row_no) AS previous
                         FROM %s) d
                 JOIN bank_account a ON a.id = d.account_id
                WHERE d.previous IS NOT NULL
                ORDER BY d.row_no LIMIT %s""",
            _TABLE, _MAX_LISTED_ERRORS,
        ))
        if duplicates:
            error_count += duplicates[0][0]
            errors = sorted(errors + [
                (number, self.env._("Row %(row)s (account %(account)s): %(reasons)s.", row=number, account=account_no,
                                    reasons=self.env._("same account and date as row %(row)s", row=previous)))
                for _count, number, previous, account_no in duplicates
            ])
        return [text for _number, text in errors[:_MAX_LISTED_ERRORS]], error_count

    @api.model
    def _upsert_loaded_balances(self):
        """Insert or replace every loaded row in one statement, in index order; return (created, updated)."""
        now = fields.Datetime.now()
        return self.env.execute_query(SQL(
            """WITH upserted AS (
                   INSERT INTO bank_balance (account_id, date, balance, partner_id, category_id, currency_id,
                                             company_id, create_uid, create_date, write_uid, write_date)
                   SELECT v.account_id, v.date, v.balance, a.partner_id, a.category_id, a.currency_id,
                          a.company_id, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM %(table)s v
                     JOIN bank_account a ON a.id = v.account_id
                    ORDER BY v.account_id, v.date
                   ON CONFLICT (account_id, date) DO UPDATE
                      SET balance = EXCLUDED.balance, write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                   RETURNING (xmax = 0) AS inserted
               )
               SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted""",
            uid=self.env.uid, now=now, table=_TABLE,
        ))[0]

    @api.model
    def _refresh_loaded_latest_balances(self):
        """Each account's newest loaded row becomes its latest balance when it is not older than the
        one the account shows (which mirrors its newest row: models/bank_balance.py)."""
        self.env.cr.execute(SQL(
            """UPDATE bank_account a SET balance = n.balance, balance_date = n.date
                 FROM (SELECT DISTINCT ON (account_id) account_id, date, balance
                         FROM %s ORDER BY account_id, date DESC) n
                WHERE a.id = n.account_id AND (a.balance_date IS NULL OR a.balance_date <= n.date)""",
            _TABLE,
        ))

    @api.model
    def _update_loaded_loan_figures(self):
        """Copy the newest loan figures of each account onto it, in one statement for all accounts.
        Figures older than the account's are left alone (a back-filled history does not undo today's
        feed); a figure not given keeps its value. ``loan_exception_since`` starts with an exception
        (overdue or in arrears) and is emptied when the feed clears the loan."""
        self.env.cr.execute(SQL(
            """UPDATE bank_account a
                  SET days_overdue = n.days, arrears_amount = n.arrears, loan_figures_date = n.date,
                      loan_exception_since = CASE
                          WHEN n.days = 0 AND n.arrears = 0 THEN NULL
                          ELSE COALESCE(a.loan_exception_since, n.date) END
                 FROM (SELECT v.account_id, v.date,
                              COALESCE(v.days_overdue, b.days_overdue, 0) AS days,
                              COALESCE(v.arrears, b.arrears_amount, 0) AS arrears
                         FROM (SELECT DISTINCT ON (account_id) account_id, date, days_overdue, arrears
                                 FROM %s WHERE days_overdue IS NOT NULL OR arrears IS NOT NULL
                                ORDER BY account_id, date DESC) v
                         JOIN bank_account b ON b.id = v.account_id) n
                WHERE a.id = n.account_id AND (a.loan_figures_date IS NULL OR a.loan_figures_date <= n.date)""",
            _TABLE,
        ))

    @api.model
    def _notify_large_movements(self, loaded, nightly):
        """Large fund movements (大额资金移动): a same-day activity for the RM of each customer
        whose assets (deposits and investments) moved by at least the configured amount or
        share between their previous balance date and the newest date just loaded.

        Set-based: one query for every customer of the load (``loaded``: a table of the loaded
        ``account_id, date``). Accounts in a currency without a rate on that date are left out of
        the comparison rather than converted 1:1. ``nightly``: a table of accounts given one row
        after their newest (``account_id, day, balance, before_date, before_balance``: the table
        ``APPENDED`` of models/bank_balance_xun.py), whose balance before the day needs no look-up.
        """
        # One query for the newest day and the few currencies involved.
        day, currency_ids = self.env.execute_query(SQL(
            """SELECT (SELECT max(date) FROM %(loaded)s),
                      ARRAY(SELECT DISTINCT currency_id FROM bank_account
                             WHERE id IN (SELECT account_id FROM %(loaded)s))""",
            loaded=loaded,
        ))[0]
        if day is None:
            return
        # sudo: system parameters are readable by administrators only; these thresholds are not secret.
        params = self.env["ir.config_parameter"].sudo()
        amount = float(params.get_param("bank_relationship_manager.large_movement_amount", 500000))
        share = float(params.get_param("bank_relationship_manager.large_movement_share", 0.3))
        engine = self.env["bank.tier.engine"]
        rates = {}
        for currency in self.env["res.currency"].browse(currency_ids):
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
                     FROM %(loaded)s v
                     JOIN bank_account a ON a.id = v.account_id
                    WHERE a.kind IN ('deposit', 'investment')
                    GROUP BY 1
               ),
               holdings AS (
                   SELECT l.partner_id, l.day, a.id AS account_id, r.factor, a.balance, a.balance_date
                     FROM loaded l
                     JOIN bank_account a ON a.partner_id = l.partner_id AND a.kind IN ('deposit', 'investment')
                     JOIN rates r ON r.currency_id = a.currency_id
               ),
               -- Each holding's newest balance before the day. The customer's previous date is
               -- the newest of these; each holding stood on that date at this same balance (it
               -- has no row between its own date and the day). A holding given its one row after
               -- its newest knows it: the loaded row when it is older than the customer's day,
               -- else its balance before the load. The others cost one look-up each.
               earlier AS (
                   SELECT h.*,
                          CASE WHEN n.account_id IS NULL THEN p.date
                               WHEN n.day < h.day THEN n.day ELSE n.before_date END AS previous_date,
                          CASE WHEN n.account_id IS NULL THEN p.balance
                               WHEN n.day < h.day THEN n.balance ELSE n.before_balance END AS previous_balance
                     FROM holdings h
                     LEFT JOIN %(nightly)s n ON n.account_id = h.account_id
                     LEFT JOIN LATERAL (
                          SELECT b.date, b.balance FROM bank_balance b
                           WHERE n.account_id IS NULL AND b.account_id = h.account_id AND b.date < h.day
                           ORDER BY b.date DESC LIMIT 1) p ON true
               ),
               -- On the day: the account's latest balance (the mirror of its newest row,
               -- models/bank_balance.py) unless it is after the day (a late row), then a look-up.
               compared AS (
                   SELECT h.partner_id, h.day, max(h.previous_date) AS previous_day,
                          sum(coalesce(CASE WHEN h.balance_date <= h.day THEN h.balance END,
                                       (SELECT b.balance FROM bank_balance b
                                         WHERE b.account_id = h.account_id AND b.date <= h.day
                                         ORDER BY b.date DESC LIMIT 1), 0) * h.factor) AS after,
                          sum(coalesce(h.previous_balance, 0) * h.factor) AS before
                     FROM earlier h
                    GROUP BY 1, 2
                   HAVING max(h.previous_date) IS NOT NULL
               )
               SELECT partner_id, day, previous_day, before, after FROM compared
                WHERE abs(after - before) >= %(amount)s
                   OR (before > 0 AND abs(after - before) >= %(share)s * before)""",
            currencies=list(rates), factors=list(rates.values()), loaded=loaded, amount=amount, share=share,
            nightly=nightly,
        ))
        if movements:
            self._create_movement_activities(movements)

    @api.model
    def _create_movement_activities(self, movements):
        """One activity per movement, due today, for the customer's RM (or unit head); never twice
        for a customer and balance date (``bank_movement_date``, whatever the language of the text).

        The summary and the note are written in the language of the user who reads them, with
        dates and amounts in that language's format (issue 16: not in the loader's). The texts are
        made here; the activities are inserted in one statement (tools/activity_sql.py: what
        ``mail.activity.create`` does per record, done for the set; a feed of a million rows has
        some ten thousand movements), without an e-mail each, as the planning's."""
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_large_movement")
        # sudo: the loader may not read the customers whose RMs get the activities.
        partners = self.env["res.partner"].sudo().browse([m[0] for m in movements])
        Activity = self.env["mail.activity"]
        note_field = Activity._fields["note"]
        currency = self.env.company.currency_id
        today = self.env.company._bank_today()
        # The assignee as an activity created through the ORM gets it: the RM, redirected to the
        # backup RM or the unit head while the RM is away (models/mail_activity.py).
        model_id = self.env["ir.model"]._get_id("res.partner")
        assignments = [
            {"res_model_id": model_id, "res_id": partner.id,
             "user_id": (partner.bank_rm_user_id or partner.bank_unit_id.head_user_id).id}
            for partner in partners
        ]
        Activity._bank_redirect_to_backup(assignments)
        assignee_ids = {vals["res_id"]: vals["user_id"] for vals in assignments}
        # (iterating keeps one prefetch of the users' languages for all)
        users = {user.id: user for user in self.env["res.users"].browse(set(filter(None, assignee_ids.values())))}
        rows = {name: [] for name in ("res_id", "user_id", "summary", "note", "day")}
        for partner_id, day, previous, before, after in movements:
            user = users.get(assignee_ids[partner_id])
            if not user:
                continue
            # The reader's language (one environment per language, cached by the registry).
            env = self.with_context(lang=user.lang or self.env.lang).env
            change = after - before
            note = env._(
                "Assets went from %(before)s on %(previous)s to %(after)s on %(date)s (%(change)s, %(share)s).",
                before=format_amount(env, before, currency),
                previous=format_date(env, previous),
                after=format_amount(env, after, currency),
                date=format_date(env, day),
                change=format_amount(env, change, currency),
                share=f"{change / before:+.0%}" if before else "-",
            )
            rows["res_id"].append(partner_id)
            rows["user_id"].append(user.id)
            rows["summary"].append(env._("Large fund movement on %(date)s", date=format_date(env, day)))
            # (sanitised as the ORM stores an Html value)
            rows["note"].append(note_field.convert_to_column(note, Activity))
            rows["day"].append(day)
        if not rows["res_id"]:
            return
        movement = SQL(
            """SELECT nextval('mail_activity_id_seq') AS activity_id, v.res_id, v.user_id,
                      %(today)s::date AS date_deadline, v.summary, v.note, v.bank_movement_date
                 FROM unnest(%(res_ids)s::int[], %(user_ids)s::int[], %(summaries)s::varchar[], %(notes)s::text[],
                             %(days)s::date[]) AS v(res_id, user_id, summary, note, bank_movement_date)
                WHERE NOT EXISTS (SELECT 1 FROM mail_activity m
                                   WHERE m.res_model = 'res.partner' AND m.res_id = v.res_id
                                     AND m.activity_type_id = %(type_id)s
                                     AND m.bank_movement_date = v.bank_movement_date)""",
            today=today, res_ids=rows["res_id"], user_ids=rows["user_id"], summaries=rows["summary"],
            notes=rows["note"], days=rows["day"], type_id=activity_type.id,
        )
        # Authored as the loader, like the ORM's create was (``sudo`` only skipped its access check).
        created = self.env.execute_query(SQL(
            "WITH movement AS MATERIALIZED (%s) %s RETURNING user_id",
            movement, insert_activities_sql(self.env, "res.partner", activity_type, SQL("movement"),
                                            columns=("note", "bank_movement_date")),
        ))
        due = {}
        for (user_id,) in created:
            due[user_id] = due.get(user_id, 0) + 1
        notify_due(self.env, "res.partner", due)
