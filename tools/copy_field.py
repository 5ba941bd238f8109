# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A stored copy of a parent's many2one without a foreign key of its own (docs/scaling.md)."""
from odoo import fields


class Many2oneCopy(fields.Many2one):
    """A stored related many2one whose integrity its source already guarantees.

    ``bank.balance`` keeps copies of its account's customer, category, currency and company (the
    record rules and reports read them). The account's foreign keys (``restrict``) keep those
    alive as long as the account, and the balance's own ``account_id`` (``restrict``) keeps the
    account alive as long as the balance: a foreign key on each copy proves nothing more, yet
    PostgreSQL ran four more checks on every balance inserted (a trigger each, and a lock on the
    customer's row), about 40 % of the nightly load's insert time."""

    def update_db_foreign_key(self, model, column):
        # No foreign key is declared to the registry; the model's init() drops an older one.
        return
