# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""load_balances' bulk path (COPY into a temporary table, then set-based statements) against the
ORM: the same rows give the same balances, per-旬 sums and latest balances; bad rows anywhere
change nothing."""
import base64
import datetime
import html
from decimal import Decimal
from unittest.mock import patch

from psycopg2.errors import ForeignKeyViolation

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, format_amount, format_date, mute_logger

from ..models import bank_balance_load
from .common import BankCase

D = datetime.date

# (account, date, balance, loan figures) of the history, then of the second feed: corrections of
# existing rows, late rows older than the latest balance (inside a 旬 already summed and in a new
# one), rows over several 旬, loan figures, a large movement (customer 2: 2,100,000 to 1,300,000).
HISTORY = [
    ("DEP1", "2026-10-05", 100000, {}),
    ("DEP1", "2026-10-25", 120000, {}),
    ("DEP1", "2026-11-15", 150000, {}),
    ("DEP1", "2026-11-28", 160000, {}),
    ("FUND1", "2026-10-05", 50000, {}),
    ("FUND1", "2026-11-20", 55000, {}),
    ("LOAN1", "2026-10-05", -80000, {"days_overdue": 0, "arrears_amount": 0}),
    ("LOAN1", "2026-11-20", -78000, {"days_overdue": 3, "arrears_amount": "0"}),
    ("DEP2", "2026-11-01", 2000000, {}),
    ("DEP2", "2026-11-30", 2100000, {}),
]
FEED = [
    ("DEP1", "2026-12-07", 171000, {}),
    ("DEP1", "2026-11-15", 151000.25, {}),  # correction
    ("DEP2", "2026-11-12", 2050000, {}),  # late, a 旬 of its own between two summed ones
    ("DEP1", "2026-10-12", 110000, {}),  # late, inside the summed 旬 of 2026-10-05
    ("FUND1", "2026-11-20", 56000, {}),  # correction of the newest row
    ("DEP1", "2026-12-01", 165000, {}),
    ("LOAN1", "2026-12-03", -77000, {"days_overdue": 12, "arrears_amount": 350.5}),
    ("DEP1", "2026-12-05", "170000.10", {}),
    ("LOAN1", "2026-12-06", -76500, {"days_overdue": "15", "arrears_amount": "420.25"}),
    ("DEP2", "2026-12-07", 1300000, {}),  # large movement: -800,000, -38 %
    ("FUND1", "2026-12-10", 57000, {}),  # value-dated, the newest of all
]

# Two nights after HISTORY: the nightly case (one row after the account's newest) beside others.
NIGHTS = [
    [
        ("DEP1", "2026-11-29", "160000.37", {}),  # in the 旬 of its newest row (the 28th)
        ("FUND1", "2026-12-03", 55500, {}),  # a 旬 later than the next one
        ("LOAN1", "2026-11-23", "-77999.99", {}),  # the next 旬
        ("DEP2", "2026-11-30", 2100000.5, {}),  # a correction of the newest row
    ],
    [
        ("DEP1", "2026-12-01", 165000, {}),  # the next 旬, after a nightly row in the last one
        ("FUND1", "2026-12-05", "55600.01", {}),  # the 旬 of the night before's new row
        ("LOAN1", "2026-11-25", -77900, {}),  # two rows of one account
        ("LOAN1", "2026-11-26", -77800, {}),
        ("DEP2", "2026-12-02", 2000000, {}),  # after a corrected newest row
    ],
]


@tagged("post_install", "-at_install")
class TestBalanceBulkLoading(BankCase):

    reference_now = datetime.datetime(2026, 12, 7, 2, 0)  # 10:00 in Beijing

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        category = {
            kind: ref(f"bank_relationship_manager.product_category_{kind}")
            for kind in ("dep_demand", "fund", "loan_credit")
        }
        Partner = cls.env["res.partner"]
        Account = cls.env["bank.account"]
        # Twin books: "L" loaded through load_balances, "O" written through the ORM.
        cls.accounts, cls.customers = {}, {}
        for side in ("L", "O"):
            one = Partner.create({"name": f"Bulk {side}1", "is_bank_customer": True, "bank_rm_id": cls.rm_a.id})
            two = Partner.create({"name": f"Bulk {side}2", "is_bank_customer": True, "bank_rm_id": cls.rm_a.id})
            cls.customers[side] = one | two
            for name, partner, kind in (("DEP1", one, "dep_demand"), ("FUND1", one, "fund"),
                                        ("LOAN1", one, "loan_credit"), ("DEP2", two, "dep_demand")):
                cls.accounts[side, name] = Account.create({
                    "partner_id": partner.id, "category_id": category[kind].id, "account_no": f"BULK-{side}-{name}",
                    "contract_amount": 100000 if kind == "loan_credit" else 0,
                })
        cls.Balance = cls.env["bank.balance"].with_user(cls.user_admin)

    def _load(self, rows):
        return self.Balance.load_balances([
            {"account_no": f"BULK-L-{name}", "date": day, "balance": balance, **loan}
            for name, day, balance, loan in rows
        ])

    def _write_through_orm(self, rows):
        """The same rows as ORM creates and writes (which keep the derived data: _refresh_derived)."""
        Balance = self.env["bank.balance"].with_user(self.user_admin)
        for name, day, balance, _loan in rows:
            account = self.accounts["O", name]
            existing = Balance.search([("account_id", "=", account.id), ("date", "=", day)])
            if existing:
                existing.balance = float(balance)
            else:
                Balance.create({"account_id": account.id, "date": day, "balance": float(balance)})

    def _state(self, side):
        """Everything the loading derives for one twin book, keyed by account name."""
        self.env.flush_all()
        names = {self.accounts[side, name].id: name for name in ("DEP1", "FUND1", "LOAN1", "DEP2")}
        partners = {p.id: p.name[-1] for p in self.customers[side]}
        balances = sorted(
            (names[b.account_id.id], b.date, b.balance, partners[b.partner_id.id], b.category_id, b.currency_id,
             b.company_id)
            for b in self.env["bank.balance"].search([("account_id", "in", list(names))])
        )
        xun = self._xun_rows(names)
        accounts = sorted((names[a.id], a.balance, a.balance_date) for a in self.env["bank.account"].browse(names))
        return balances, xun, accounts

    def _xun_rows(self, names):
        self.env.cr.execute(
            """SELECT account_id, xun_first, xun_last, first_date, day_sum, last_balance, next_first_date
                 FROM bank_balance_xun WHERE account_id = ANY(%s)""",
            [list(names)],
        )
        return sorted((names[account_id], *row) for account_id, *row in self.env.cr.fetchall())

    def _movements(self, partners):
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_large_movement")
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "in", partners.ids),
            ("activity_type_id", "=", activity_type.id),
        ])

    def test_movement_activity_is_the_row_the_orm_writes(self):
        """The large-movement activity is inserted set-based (tools/activity_sql.py): its row is the
        one ``mail.activity.create`` writes from the same values, and the RM sees it as any activity."""
        self.user_rm_a.tz = "Asia/Shanghai"
        self._load(HISTORY)
        self._load(FEED)
        two = self.customers["L"][1]
        movement = self._movements(two)
        self.assertEqual(len(movement), 1)
        by_orm = self.env["mail.activity"].with_user(self.user_admin).sudo().with_context(
            mail_activity_quick_update=True).create({
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": two.id,
                "activity_type_id": movement.activity_type_id.id,
                "summary": movement.summary,
                "note": movement.note,
                "user_id": self.user_rm_a.id,
                "date_deadline": self.today,
                "bank_movement_date": D(2026, 12, 7),
                "automated": True,
            })
        self.env.flush_all()
        rows = {}
        for activity in movement | by_orm:
            self.env.cr.execute("SELECT * FROM mail_activity WHERE id = %s", [activity.id])
            names = [column.name for column in self.env.cr.description]
            rows[activity] = {n: v for n, v in zip(names, self.env.cr.fetchone(), strict=True) if n != "id"}
        for column in ("res_model", "res_name", "user_tz", "create_uid", "note", "bank_movement_date"):
            self.assertTrue(rows[by_orm][column], f"the ORM fills {column}: the comparison means something")
        # write_uid: an activity made through the ORM ends with uid 1 there, whoever creates it (seen
        # in an Odoo shell with and without sudo); the set-based one keeps the loader, as create_uid.
        self.assertEqual(rows[movement].pop("write_uid"), self.user_admin.id)
        rows[by_orm].pop("write_uid")
        self.assertEqual(rows[movement], rows[by_orm])
        self.assertEqual(rows[movement]["user_tz"], "Asia/Shanghai")
        self.assertEqual(rows[movement]["create_uid"], self.user_admin.id)
        by_orm.unlink()
        as_rm = self.env(user=self.user_rm_a)
        customer = two.with_env(as_rm)
        self.assertEqual(customer.activity_ids, movement.with_env(as_rm))
        self.assertEqual(customer.activity_state, "today")
        self.assertEqual(as_rm["mail.activity"].search([("id", "=", movement.id)]).note, movement.note)

    def test_movement_of_an_absent_rms_customer_goes_to_the_backup(self):
        """As an activity scheduled through the ORM (models/mail_activity.py): the backup RM while
        the RM is away, the unit head when there is no backup, the RM again once back."""
        self.rm_a.with_user(self.user_head_1).action_mark_absent()
        two = self.customers["L"][1]
        two.bank_backup_rm_id = self.rm_b
        self._load(HISTORY)
        self._load(FEED)
        self.assertEqual(self._movements(two).user_id, self.user_rm_b)
        self._movements(two).unlink()
        two.bank_backup_rm_id = False
        self._load(FEED)
        self.assertEqual(self._movements(two).user_id, self.user_head_1)
        self._movements(two).unlink()
        self.rm_a.with_user(self.user_office).action_mark_back()
        self._load(FEED)
        self.assertEqual(self._movements(two).user_id, self.user_rm_a)

    def test_account_copies_without_foreign_keys_cannot_dangle(self):
        """The balance's copies of its account's customer, category, currency and company have no
        foreign key of their own (tools/copy_field.py) and the category and company no index: the
        account's keys keep every one of them alive while the balance exists."""
        cr = self.env.cr
        cr.execute("""SELECT a.attname FROM pg_constraint c
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                       WHERE c.conrelid = 'bank_balance'::regclass AND c.contype = 'f'""")
        self.assertEqual({name for (name,) in cr.fetchall()}, {"account_id", "create_uid", "write_uid"})
        cr.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'bank_balance'")
        indexed = " ".join(definition for (definition,) in cr.fetchall())
        self.assertIn("(partner_id)", indexed)
        self.assertNotIn("(category_id)", indexed)
        self.assertNotIn("(company_id)", indexed)
        self._load(HISTORY)
        self.env.flush_all()
        balance = self.env["bank.balance"].search([("account_id", "=", self.accounts["L", "DEP1"].id)], limit=1)
        account = balance.account_id
        self.assertEqual(
            (balance.partner_id, balance.category_id, balance.currency_id, balance.company_id),
            (account.partner_id, account.category_id, account.currency_id, account.company_id),
        )
        for table, record in (("res_partner", balance.partner_id), ("bank_product_category", balance.category_id),
                              ("res_currency", balance.currency_id), ("res_company", balance.company_id),
                              ("bank_account", account)):
            with self.subTest(table=table), mute_logger("odoo.sql_db"), self.assertRaises(
                    ForeignKeyViolation), cr.savepoint():
                cr.execute(SQL("DELETE FROM %s WHERE id = %s", SQL.identifier(table), record.id))

    def test_accounts_leave_room_for_hot_updates(self):
        """Each load updates its accounts' latest balances: half of each page of ``bank_account`` is
        kept free so that those updates write no index entry (models/bank_account.py)."""
        self.env.cr.execute("SELECT reloptions FROM pg_class WHERE oid = 'bank_account'::regclass")
        self.assertIn("fillfactor=50", self.env.cr.fetchone()[0] or [])

    def test_same_results_as_the_orm(self):
        self.assertEqual(self._load(HISTORY), {"created": 10, "updated": 0})
        self._write_through_orm(HISTORY)
        self.assertEqual(self._state("L"), self._state("O"))
        self.assertEqual(self._load(FEED), {"created": 9, "updated": 2})
        self._write_through_orm(FEED)
        loaded, orm = self._state("L"), self._state("O")
        self.assertEqual(loaded, orm)
        balances, xun, accounts = loaded
        self.assertEqual(len(balances), 19)
        self.assertIn(("DEP1", D(2026, 11, 15), 151000.25, "1"), [row[:4] for row in balances])
        self.assertEqual(accounts, [
            ("DEP1", 171000, D(2026, 12, 7)), ("DEP2", 1300000, D(2026, 12, 7)),
            ("FUND1", 57000, D(2026, 12, 10)), ("LOAN1", -76500, D(2026, 12, 6)),
        ])
        # The per-旬 sums equal a rebuild from scratch, every column (both books).
        self.env["bank.balance.xun"]._rebuild()
        self.assertEqual(self._state("L")[1], xun)
        self.assertEqual(self._state("O")[1], orm[1])
        # DEP1 in October: 6 days of 100,000 in the first 旬 (from the 5th), then the late row's 9 days of
        # 110,000 (12th-20th) in the second, linked to the next 旬's first balance (the 25th).
        self.assertIn(("DEP1", D(2026, 10, 1), D(2026, 10, 10), D(2026, 10, 5), 600000.0, 100000.0,
                       D(2026, 10, 12)), xun)
        self.assertIn(("DEP1", D(2026, 10, 11), D(2026, 10, 20), D(2026, 10, 12), 990000.0, 110000.0,
                       D(2026, 10, 25)), xun)
        # Loan figures: the newest row carrying them (the exception began with the history's 3 days).
        loan = self.accounts["L", "LOAN1"]
        self.assertEqual(
            (loan.days_overdue, loan.arrears_amount, loan.loan_figures_date, loan.loan_exception_since),
            (15, 420.25, D(2026, 12, 6), D(2026, 11, 20)),
        )
        self.assertEqual(loan.loan_status, "alarm")
        # One large movement, customer 2's, for its RM; customer 1 moved by +1,000 only.
        one, two = self.customers["L"]
        self.assertFalse(self._movements(one))
        movement = self._movements(two)
        self.assertEqual(len(movement), 1)
        self.assertEqual((movement.user_id, movement.date_deadline), (self.user_rm_a, self.today))
        reader = self.env(context={"lang": self.user_rm_a.lang})
        self.assertEqual(movement.bank_movement_date, D(2026, 12, 7))
        self.assertIn(format_date(reader, "2026-12-07"), movement.summary)
        self.assertIn(format_date(reader, "2026-11-30"), str(movement.note))
        self.assertIn("-38%", str(movement.note))
        # Loading the same feed again: every row updated, nothing else changes, no second activity.
        self.assertEqual(self._load(FEED), {"created": 0, "updated": 11})
        self.assertEqual(self._state("L"), loaded)
        self.assertEqual(len(self._movements(two)), 1)

    def _sums(self, side):
        """Each 旬 row's exact sums (as text: the ORM's cursor reads numeric columns as floats)."""
        self.env.flush_all()
        names = {self.accounts[side, name].id: name for name in ("DEP1", "FUND1", "LOAN1", "DEP2")}
        self.env.cr.execute(
            """SELECT account_id, xun_first, own_sum::text, cum_weighted::text FROM bank_balance_xun
                WHERE account_id = ANY(%s)""",
            [list(names)],
        )
        return sorted((names[account_id], first, Decimal(own), Decimal(cum))
                      for account_id, first, own, cum in self.env.cr.fetchall())

    def _appended(self, side):
        """The accounts whose last load took the nightly way (``_append_loaded``'s table)."""
        self.env.cr.execute("SELECT account_id FROM pg_temp.bank_xun_appended")
        names = {self.accounts[side, name].id: name for name in ("DEP1", "FUND1", "LOAN1", "DEP2")}
        return sorted(names[account_id] for (account_id,) in self.env.cr.fetchall())

    def test_nightly_rows_summed_from_the_sums_as_they_stand(self):
        """One new row per account after its newest: its 旬 row is moved or added from the row before,
        without reading the balances (``_append_loaded``), and every column equals a recomputation,
        the exact sums to the last digit. Other rows (a correction of the newest, two rows of one
        account) take the general way in the same load."""
        self._load(HISTORY)
        self._write_through_orm(HISTORY)
        for night, appended in zip(NIGHTS, (["DEP1", "FUND1", "LOAN1"], ["DEP1", "DEP2", "FUND1"]), strict=True):
            self._load(night)
            self.assertEqual(self._appended("L"), appended)
            self._write_through_orm(night)
            self.assertEqual(self._state("L"), self._state("O"))
            self.assertEqual(self._sums("L"), self._sums("O"))
        loaded, sums = self._state("L"), self._sums("L")
        self.env["bank.balance.xun"]._rebuild()
        self.assertEqual((self._state("L"), self._sums("L")), (loaded, sums))
        # DEP1's last November 旬: 160,000 from the 28th for 1 day, then 160,000.37 for 2 days.
        own = {(name, first): own for name, first, own, _cum in sums}
        self.assertEqual(own["DEP1", D(2026, 11, 21)], Decimal("480000.74"))
        self.assertIn(("DEP1", D(2026, 11, 21), D(2026, 11, 30), D(2026, 11, 28), 480000.74, 160000.37,
                       D(2026, 12, 1)), loaded[1])

    def test_nightly_movements_compare_the_balances_before_the_load(self):
        """The large movements of accounts summed the nightly way take the previous balance without a
        look-up: the loaded row when it is older than the customer's day, else the account's
        balance before the load. With a threshold of one cent every change is a movement, and its
        note gives the customer's previous date and both totals."""
        reader = self.env(context={"lang": self.user_rm_a.lang})
        currency = self.env.company.currency_id
        one, two = self.customers["L"]
        self._load(HISTORY)
        self.env["ir.config_parameter"].sudo().set_param("bank_relationship_manager.large_movement_amount", 0.01)
        expected = {
            # DEP1 on 29 Nov (its loaded row, older than the day) + FUND1 as it stood (20 Nov).
            (one, D(2026, 12, 3)): ("2026-11-29", 160000.37 + 55000, 160000.37 + 55500),
            # A correction of the newest row: the general way (the row before, 1 Nov).
            (two, D(2026, 11, 30)): ("2026-11-01", 2000000, 2100000.5),
            # DEP1's loaded row of 1 Dec; FUND1's balance before the load (3 Dec).
            (one, D(2026, 12, 5)): ("2026-12-03", 165000 + 55500, 165000 + 55600.01),
            # DEP2's balance before the load: the corrected 30 Nov.
            (two, D(2026, 12, 2)): ("2026-11-30", 2100000.5, 2000000),
        }
        for night in NIGHTS:
            self._load(night)
        for (customer, day), (previous, before, after) in expected.items():
            with self.subTest(customer=customer.name, day=day):
                movement = self._movements(customer).filtered(lambda m, day=day: m.bank_movement_date == day)
                self.assertEqual(len(movement), 1)
                note = html.unescape(str(movement.note))
                self.assertIn(format_date(reader, previous), note)
                self.assertIn(format_amount(reader, before, currency), note)
                self.assertIn(format_amount(reader, after, currency), note)

    def test_a_bad_row_anywhere_changes_nothing(self):
        self._load(HISTORY)
        self.env["bank.balance"].flush_model()
        before = self._state("L")
        rows = [{"account_no": "BULK-L-DEP1", "date": f"2026-09-{day:02d}", "balance": day} for day in range(1, 13)]
        # Four rows per COPY: rows 5-8 and 9-12 go in later statements than row 1.
        with patch.object(bank_balance_load, "_COPY_CHUNK", 4):
            for position, bad, reason in (
                (0, {"account_no": "BULK-L-NOPE"}, "unknown account"),
                (6, {"balance": -1}, "a deposit or investment balance cannot be negative"),
                (11, {"date": "2026-09-31"}, "malformed date '2026-09-31' (expected YYYY-MM-DD)"),
                (9, {"date": "2026-09-02"}, "same account and date as row 2"),
            ):
                with self.subTest(position=position):
                    given = [dict(row) for row in rows]
                    given[position].update(bad)
                    account = given[position]["account_no"]
                    with self.assertRaises(UserError) as caught:
                        self.Balance.load_balances(given)
                    self.assertEqual(
                        str(caught.exception),
                        f"No balance was loaded: 1 of 12 rows are wrong.\nRow {position + 1} (account {account}): "
                        f"{reason}.",
                    )
                    self.assertEqual(self._state("L"), before)
        self.assertFalse(self._movements(self.customers["L"]))

    def test_errors_in_row_order_and_cut_after_two_hundred(self):
        rows = [{"account_no": "BULK-L-DEP1", "date": "2026-09-01", "balance": 1}]
        rows += [{"account_no": "BULK-L-DEP1", "date": "2026-09-01", "balance": 2}]  # row 2: duplicate
        rows += [{"account_no": "BULK-L-DEP1", "date": "2026-09-01", "balance": "x"}]  # row 3: balance
        rows += [{"account_no": "BULK-L-DEP1", "date": "2026-09-01", "balance": 3}]  # row 4: duplicate of 2
        rows += [{"account_no": f"NOPE-{n}", "date": "2026-09-02", "balance": 1} for n in range(5, 206)]
        with patch.object(bank_balance_load, "_COPY_CHUNK", 3), self.assertRaises(UserError) as caught:
            self.Balance.load_balances(rows)
        lines = str(caught.exception).split("\n")
        self.assertEqual(lines[0], "No balance was loaded: 204 of 205 rows are wrong.")
        self.assertEqual(lines[1:4], [
            "Row 2 (account BULK-L-DEP1): same account and date as row 1.",
            "Row 3 (account BULK-L-DEP1): balance 'x' is not a finite number.",
            "Row 4 (account BULK-L-DEP1): same account and date as row 2.",
        ])
        self.assertEqual(len(lines), 1 + 200 + 1)
        self.assertEqual(lines[-2], "Row 201 (account NOPE-201): unknown account.")
        self.assertEqual(lines[-1], "... and 4 more.")

    def test_amounts_as_the_old_check_read_them(self):
        """Strings are read by float() first: the same finite values as Decimal, the same refusals."""
        Balance = self.env["bank.balance"]
        for text in ("1", " 2500.50 ", "-0.0", "1e3", "1_000.5", "１２３", ".5", "5.", "+7", "0.1", "1e308",
                     "123456789012345678.123456789", "1e309", "-1e309", "nan", "NaN", "inf", "Infinity", "sNaN",
                     "abc", "", " ", "1,000", "0x10", "1e", "=1+1", "１２３.５"):
            with self.subTest(text=text):
                try:
                    fast = float(text)
                except ValueError:
                    fast = None
                fast = fast if fast is not None and abs(fast) != float("inf") and fast == fast else None
                self.assertEqual(fast, Balance._parse_amount(text))

    def test_queries_do_not_grow_with_the_rows(self):
        names = [f"BULK-L-{name}" for name in ("DEP1", "FUND1", "DEP2")]

        def rows(count):
            days = [D(2025, 6, 1) + datetime.timedelta(days=n) for n in range(count // len(names) + 1)]
            return [{"account_no": name, "date": day.isoformat(), "balance": 1000}
                    for day in days for name in names][:count]

        self.Balance.load_balances(rows(3))  # warm-up (caches, templates)
        self.env.invalidate_all()
        counts = []
        for count in (30, 1200):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Balance.load_balances(rows(count))
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1], "the same statements for 30 and 1,200 rows")
        self.env.invalidate_all()
        with self.assertQueryCount(counts[1]):
            self.Balance.load_balances(rows(1000))
        self.assertLessEqual(counts[1], 30)

    def test_csv_import_streams_through_the_same_path(self):
        lines = ["account_no,date,balance,days_overdue,arrears_amount"]
        lines += [f"BULK-L-DEP1,2026-09-{day:02d},{day}.5,," for day in range(1, 10)]
        lines += ["BULK-L-LOAN1,2026-09-09,-5,7,1.25"]
        Import = self.env["bank.balance.import"].with_user(self.user_admin)
        with patch.object(bank_balance_load, "_COPY_CHUNK", 3):
            bad = Import.create({"file": base64.b64encode("\n".join([*lines, "BULK-L-DEP1,2026-09-01,1,,"]).encode())})
            bad.action_import()
            self.assertEqual(bad.state, "error")
            self.assertIn("Row 11 (account BULK-L-DEP1): same account and date as row 1.", bad.error_text)
            self.assertFalse(self.env["bank.balance"].search([("account_id", "=", self.accounts["L", "DEP1"].id)]))
            # A byte that is not UTF-8 on a line of a later chunk: refused when it is reached.
            content = "\n".join(lines).encode() + b"\nBULK-L-DEP1,2026-09-2\xff,1,,"
            broken = Import.create({"file": base64.b64encode(content)})
            broken.action_import()
            self.assertEqual((broken.state, broken.error_text), ("error", "The file is not a UTF-8 CSV file."))
            good = Import.create({"file": base64.b64encode("\n".join(lines).encode())})
            good.action_import()
        self.assertEqual((good.state, good.created_count, good.updated_count), ("done", 10, 0))
        self.assertEqual(self.accounts["L", "DEP1"].balance, 9.5)
        self.assertEqual(self.accounts["L", "LOAN1"].days_overdue, 7)
