# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

LEDGER_EVENTS = [
    ("created", "Opened"),
    ("locked", "Locked in custody"),
    ("requested", "Check-out requested"),
    ("approved", "Check-out approved"),
    ("rejected", "Check-out rejected"),
    ("handed_out", "Handed out"),
    ("returned", "Returned"),
    ("closed", "Closed"),
    ("handover", "RM handover"),
]
# Rows read per query by the verifier.
_VERIFY_BATCH = 5000


def ledger_hash(previous_hash, row):
    """Hash of one ledger row: it covers the previous row's hash and the row's canonical
    content, as Odoo's secured journal entries do (account.move ``_calculate_hashes``)."""
    canonical = json.dumps(
        {
            "company": row["company_id"],
            "dossier": row["dossier_id"],
            "seq": row["seq"],
            "event": row["event"],
            "checkout": row["checkout_id"] or None,
            "user": row["user_id"],
            "at": fields.Datetime.to_string(row["at"]),
            "details": row["details"],
            "digest": row["content_digest"] or None,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(((previous_hash or "") + canonical).encode()).hexdigest()


class BankDossierLedger(models.Model):
    """The custody ledger: one row per custody event, appended, never changed or deleted.

    Chatter can be deleted by anyone who may write the dossier (docs/security.md item 8); this
    register cannot. Each dossier's rows form a hash chain, and the dossier row keeps the
    head of the chain (``ledger_seq``): appending updates it first, so two transactions
    appending to one dossier are serialised by PostgreSQL instead of forking the chain.
    """

    _name = "bank.dossier.ledger"
    _description = "Dossier custody ledger entry"
    _inherit = ["bank.guard.mixin"]
    _order = "id desc"
    _allow_sudo_commands = False
    # Appended by the system only, through _bank_system_create (models/bank_guard_mixin.py): every
    # field is the system's, and create() refuses any caller but the superuser.
    _bank_action_fields = frozenset({
        "dossier_id", "company_id", "seq", "event", "checkout_id", "user_id", "at", "details",
        "content_digest", "previous_hash", "hash",
    })

    dossier_id = fields.Many2one("bank.dossier", string="Dossier", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True, ondelete="restrict")
    seq = fields.Integer(string="Entry", required=True, help="Number of the entry in the dossier's chain.")
    event = fields.Selection(LEDGER_EVENTS, required=True)
    checkout_id = fields.Many2one(
        "bank.dossier.checkout", string="Check-out", index="btree_not_null", ondelete="restrict"
    )
    user_id = fields.Many2one("res.users", string="By", required=True, ondelete="restrict")
    at = fields.Datetime(string="When", required=True)
    details = fields.Text(required=True)
    content_digest = fields.Char(
        string="Inventory digest", help="SHA-256 of the dossier's items as they were when it was locked."
    )
    previous_hash = fields.Char(string="Previous hash")
    hash = fields.Char(required=True)

    _dossier_seq_uniq = models.Constraint(
        "UNIQUE(dossier_id, seq)", "Two custody ledger entries cannot have the same number in one dossier."
    )

    @api.depends("seq", "event")
    def _compute_display_name(self):
        labels = dict(self._fields["event"]._description_selection(self.env))
        for row in self:
            row.display_name = f"#{row.seq} {labels.get(row.event, '')}"

    # ------------------------------------------------------------------
    # CRUD: append only
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Append entries; the chain fields (seq, previous hash, hash) are always computed here,
        whatever the caller sent. Only the add-on's own actions append, through
        ``_bank_system_create``."""
        if not self.env.su:
            raise AccessError(self.env._("The custody ledger is written by the custody actions only."))
        # sudo: the chained dossiers' companies, read for the system's append.
        dossiers = self.env["bank.dossier"].sudo().browse(sorted({vals["dossier_id"] for vals in vals_list}))
        counts = {}
        for vals in vals_list:
            counts[vals["dossier_id"]] = counts.get(vals["dossier_id"], 0) + 1
        heads = self._bank_advance_heads(counts)
        previous = dict(self.env.execute_query(SQL(
            """SELECT DISTINCT ON (dossier_id) dossier_id, hash
                 FROM bank_dossier_ledger
                WHERE dossier_id = ANY(%s)
             ORDER BY dossier_id, seq DESC""",
            dossiers.ids,
        )))
        now = fields.Datetime.now()
        companies = {dossier.id: dossier.company_id.id for dossier in dossiers}
        rows = []
        for vals in vals_list:
            dossier_id = vals["dossier_id"]
            heads[dossier_id] += 1
            row = {
                "dossier_id": dossier_id,
                "company_id": companies[dossier_id],
                "seq": heads[dossier_id],
                "event": vals["event"],
                "checkout_id": vals.get("checkout_id") or False,
                # The real user: sudo keeps the uid, so the actions record who acted.
                "user_id": vals.get("user_id") or self.env.uid,
                "at": fields.Datetime.to_datetime(vals.get("at")) or now,
                "details": vals["details"],
                "content_digest": vals.get("content_digest") or False,
            }
            row["previous_hash"] = previous.get(dossier_id) or False
            row["hash"] = ledger_hash(row["previous_hash"], row)
            previous[dossier_id] = row["hash"]
            rows.append(row)
        return super().create(rows)

    def write(self, vals):
        raise UserError(self.env._("The custody ledger cannot be changed: its entries are chained by their hashes."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The custody ledger cannot be deleted: its entries are chained by their hashes."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.model
    def action_verify(self):
        """Check the chains of every dossier the user may read; name the first broken entry."""
        self.browse().check_access("read")
        dossiers = self.env["bank.dossier"].with_context(active_test=False).search([])
        return self._bank_verify_notification(dossiers)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _bank_advance_heads(self, counts):
        """Move the head counter of each dossier forward by its number of new entries and return
        the counters as they were. The UPDATE is the chain's lock: a concurrent transaction that
        appended to one of these dossiers after ours started makes it fail with a serialisation
        error (the request is then retried whole), so no two entries follow the same one."""
        Dossier = self.env["bank.dossier"]
        Dossier.flush_model(["ledger_seq"])
        ids = sorted(counts)
        rows = self.env.execute_query(SQL(
            """UPDATE bank_dossier d
                  SET ledger_seq = COALESCE(d.ledger_seq, 0) + v.n
                 FROM unnest(%s::int[], %s::int[]) AS v(id, n)
                WHERE d.id = v.id
            RETURNING d.id, d.ledger_seq - v.n""",
            ids, [counts[i] for i in ids],
        ))
        Dossier.invalidate_model(["ledger_seq"])
        return dict(rows)

    @api.model
    def _bank_verify(self, dossier_ids=None):
        """Walk the chains in the order the entries were written; return ``None`` when every
        chain holds, else a message naming the first broken entry (or dossier)."""
        # sudo: the verifier walks every chain, whatever the user may read.
        Dossier = self.env["bank.dossier"].sudo()
        self.env.flush_all()
        where = SQL("TRUE") if dossier_ids is None else SQL("dossier_id = ANY(%s)", list(dossier_ids))
        last = {}  # dossier id -> (seq, hash, row id)
        digests = {}  # dossier id -> inventory digest of its latest lock entry
        after = 0
        while True:
            rows = self.env.execute_query_dict(SQL(
                """SELECT id, dossier_id, company_id, seq, event, checkout_id, user_id, at, details,
                          content_digest, previous_hash, hash
                     FROM bank_dossier_ledger
                    WHERE %s AND id > %s
                 ORDER BY id
                    LIMIT %s""",
                where, after, _VERIFY_BATCH,
            ))
            if not rows:
                break
            for row in rows:
                seq, previous_hash, _row_id = last.get(row["dossier_id"], (0, False, None))
                problem = None
                if row["seq"] != seq + 1:
                    problem = self.env._(
                        "entry %(expected)s of the dossier is missing before it, or the entry was renumbered",
                        expected=seq + 1,
                    )
                elif (row["previous_hash"] or False) != previous_hash:
                    problem = self.env._("it does not follow the previous entry of the dossier")
                elif ledger_hash(row["previous_hash"], row) != row["hash"]:
                    problem = self.env._("its content does not match its hash (it was changed)")
                if problem:
                    return self._bank_broken_message(row, problem)
                last[row["dossier_id"]] = (row["seq"], row["hash"], row["id"])
                if row["event"] == "locked":
                    digests[row["dossier_id"]] = row["content_digest"]
            after = rows[-1]["id"]
        domain = [] if dossier_ids is None else [("id", "in", list(dossier_ids))]
        for dossier in Dossier.with_context(active_test=False).search(domain, order="id"):
            seq, _hash, row_id = last.get(dossier.id, (0, False, None))
            if (dossier.ledger_seq or 0) != seq:
                return self.env._(
                    "Dossier %(bag)s: its custody ledger ends at entry %(seq)s but %(count)s entries were written; "
                    "the last ones were deleted.",
                    bag=dossier.bag_no, seq=seq, count=dossier.ledger_seq,
                )
            if dossier.id in digests and digests[dossier.id] != dossier._bank_inventory()[1]:
                return self.env._(
                    "Dossier %(bag)s: its items differ from the inventory recorded when it was locked "
                    "(custody ledger entry #%(row)s).",
                    bag=dossier.bag_no, row=row_id,
                )
        return None

    def _bank_broken_message(self, row, problem):
        # sudo: the bag number of the broken entry's dossier, the only thing the verdict names.
        bag = self.env["bank.dossier"].sudo().browse(row["dossier_id"]).exists().bag_no or row["dossier_id"]
        labels = dict(self._fields["event"]._description_selection(self.env))
        return self.env._(
            "Custody ledger entry #%(id)s (dossier %(bag)s, entry %(seq)s, %(event)s on %(at)s) is broken: "
            "%(problem)s.",
            id=row["id"], bag=bag, seq=row["seq"], event=labels.get(row["event"], row["event"]),
            at=fields.Datetime.to_string(row["at"]), problem=problem,
        )

    @api.model
    def _bank_verify_notification(self, dossiers):
        # sudo: the chains are checked whole, including entries of events the user took no part in;
        # only the verdict (naming at most one entry) is shown.
        problem = self.sudo()._bank_verify(dossiers.ids)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Custody ledger"),
                "message": problem or self.env._(
                    "The custody ledger of %(count)s dossiers is intact.", count=len(dossiers)
                ),
                "type": "danger" if problem else "success",
                "sticky": bool(problem),
            },
        }
