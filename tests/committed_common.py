# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""For the tests whose transactions must commit to meet (two cron runs at once, an Odoo server
of its own): mark where the database stands, then put it back as it was."""
from odoo.modules.registry import Registry
from odoo.tests.common import get_db_name
from odoo.tools import SQL


class CommittedData:
    """Mixin of a ``TransactionCase`` class. ``commit_fixtures(make, restored_tables)``, called in
    ``setUpClass`` BEFORE ``super().setUpClass()`` (the class's own transaction then holds no lock
    that the committed work would wait for: new users update the shared digest rows, for one),
    notes the highest id of every table, copies the rows of ``restored_tables`` (those the test's
    runs update), then calls ``make(env)`` on a cursor of its own and commits. The class clean-up
    deletes every row made since (repeated while foreign keys refuse an order: cascades and SET
    NULL apply as usual) and writes the copied rows back."""

    @classmethod
    def commit_fixtures(cls, make, restored_tables=()):
        from odoo import SUPERUSER_ID, api  # noqa: PLC0415 - (kept beside its only use)

        cls.restored_tables = tuple(restored_tables)
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            cr.execute("""
                SELECT c.table_name FROM information_schema.columns c
                  JOIN information_schema.tables t USING (table_schema, table_name)
                 WHERE c.table_schema = 'public' AND c.column_name = 'id' AND t.table_type = 'BASE TABLE'
                   AND c.table_name NOT LIKE '\\_committed\\_%'
            """)
            cls.marks = {}
            for (table,) in cr.fetchall():
                cr.execute(SQL("SELECT COALESCE(max(id), 0) FROM %s", SQL.identifier(table)))
                cls.marks[table] = cr.fetchone()[0]
            for table in cls.restored_tables:
                copy = SQL.identifier(f"_committed_{table}")
                cr.execute(SQL("DROP TABLE IF EXISTS %s", copy))
                cr.execute(SQL("CREATE TABLE %s AS SELECT * FROM %s", copy, SQL.identifier(table)))
            cr.commit()
        cls.addClassCleanup(cls.restore_database)
        with registry.cursor() as cr:
            cls.fixtures = make(api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True}))
            cr.commit()

    @classmethod
    def restore_database(cls):
        with Registry(get_db_name()).cursor() as cr:
            pending = dict(cls.marks)
            for _round in range(10):
                pending = {table: mark for table, mark in pending.items() if not cls._delete_since(cr, table, mark)}
                if not pending:
                    break
            for table in cls.restored_tables:
                copy = f"_committed_{table}"
                cr.execute(SQL(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
                    copy,
                ))
                columns = SQL(", ").join(SQL.identifier(row[0]) for row in cr.fetchall())
                cr.execute(SQL(
                    """UPDATE %(table)s t SET (%(columns)s) = (SELECT %(columns)s FROM %(copy)s c WHERE c.id = t.id)
                        WHERE t.id IN (SELECT id FROM %(copy)s)""",
                    table=SQL.identifier(table), columns=columns, copy=SQL.identifier(copy),
                ))
                cr.execute(SQL("DROP TABLE %s", SQL.identifier(copy)))
            cr.commit()
        if pending:
            raise AssertionError(f"rows made by the test are left in {sorted(pending)}")

    @staticmethod
    def _delete_since(cr, table, mark):
        """Delete the rows of ``table`` above ``mark``: all at once, else one by one (rows of one
        table may reference each other, or close a cycle through other tables: a customer's RM,
        the RM's user, the user's partner). True when none is left."""
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("DELETE FROM %s WHERE id > %s", SQL.identifier(table), mark))
            return True
        except Exception:  # noqa: BLE001 - retried row by row, then in the next round
            pass
        cr.execute(SQL("SELECT id FROM %s WHERE id > %s ORDER BY id DESC", SQL.identifier(table), mark))
        left = 0
        for (row_id,) in cr.fetchall():
            try:
                with cr.savepoint(flush=False):
                    cr.execute(SQL("DELETE FROM %s WHERE id = %s", SQL.identifier(table), row_id))
            except Exception:  # noqa: BLE001 - referenced by a row deleted later
                left += 1
        return not left
