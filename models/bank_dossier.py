# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
import json
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .bank_guard_mixin import guard_error
from .res_company import bank_today

DOSSIER_STATES = [
    ("draft", "Draft"),
    ("in_custody", "In custody"),
    ("checked_out", "Checked out"),
    ("closed", "Closed"),
]
# What the custody ledger records of a dossier's opening: one line of plain text.
_OPEN_REASON_MAX = 200
_BAG_SEQUENCE_CODE = "bank.dossier.bag"


class BankDossier(models.Model):
    """The electronic record of a customer's paper dossier (客户档案): whose it is, when it was
    opened, its bag number (入袋编号) and who has it. The inventory of the bag is kept in
    bank.dossier.item, readable by the custodian side and by the borrower while it is out."""

    _name = "bank.dossier"
    _description = "Customer dossier"
    _inherit = ["bank.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "bag_no desc, id desc"
    _rec_name = "bag_no"
    _mail_post_access = "write"
    # The guard (models/bank_guard_mixin.py, docs/guards.md): state and custody only through the
    # custody actions; the bag number, company and the stored owners (which the record rules read)
    # are the system's; the customer never changes; a locked archive is read-only to users, and its
    # contents (open date, unit, cabinet, documents) are sealed for everyone, the superuser too.
    _bank_action_fields = frozenset({
        "state", "borrower_id", "current_checkout_id", "locked_by_id", "locked_at", "closed_at", "ledger_seq",
        "bag_no", "company_id", "partner_rm_user_id", "partner_backup_rm_user_id", "open_reason",
    })
    _bank_fixed_fields = frozenset({"partner_id"})
    _bank_locked_states = frozenset({"in_custody", "checked_out", "closed"})
    _bank_sealed_fields = frozenset({"open_date", "unit_id", "location", "item_ids"})
    _bank_sealed_states = frozenset({"in_custody", "checked_out", "closed"})
    _bank_steps = {
        "lock": ("draft",),
        "close": ("draft", "in_custody"),
        "place": ("draft",),
        "request_checkout": ("in_custody", "checked_out"),
    }
    # Where the bag is kept is the custodian side's decision (unit heads and above).
    _bank_field_steps = {"unit_id": "place"}

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain=[("is_bank_customer", "=", True)],
    )
    bag_no = fields.Char(string="Bag number", readonly=True, copy=False, index=True, tracking=True)
    open_date = fields.Date(
        string="Opening date", required=True, default=bank_today, tracking=True,
        help="Date the customer's dossier was opened (建户日期).",
    )
    unit_id = fields.Many2one(
        "bank.org.unit",
        string="Kept at",
        index=True,
        ondelete="restrict",
        tracking=True,
        help="The unit whose head keeps the dossier in a locked cabinet.",
    )
    state = fields.Selection(DOSSIER_STATES, required=True, default="draft", readonly=True, tracking=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    # Stored owners of the customer: the record rules compare them to the user in SQL, so access
    # follows a reassignment of the customer at once (docs/security.md item 5).
    partner_rm_user_id = fields.Many2one(
        related="partner_id.bank_rm_user_id", store=True, index=True, string="Primary RM user"
    )
    partner_backup_rm_user_id = fields.Many2one(
        related="partner_id.bank_backup_rm_user_id", store=True, index=True, string="Backup RM user"
    )
    item_ids = fields.One2many("bank.dossier.item", "dossier_id", string="Contents")
    item_count = fields.Integer(compute="_compute_item_count", string="Documents")
    checkout_ids = fields.One2many("bank.dossier.checkout", "dossier_id", string="Check-out register")
    current_checkout_id = fields.Many2one(
        "bank.dossier.checkout", string="Current check-out", readonly=True, ondelete="restrict"
    )
    borrower_id = fields.Many2one(
        "res.users", string="Checked out to", readonly=True, index="btree_not_null", ondelete="restrict",
        tracking=True,
    )
    due_at = fields.Datetime(related="current_checkout_id.due_at", string="Due back")
    location = fields.Char(
        string="Cabinet",
        groups="bank_relationship_manager.group_bank_unit_head,bank_relationship_manager.group_bank_office",
        help="Cabinet and shelf where the custodian keeps the bag.",
    )
    locked_by_id = fields.Many2one(
        "res.users", string="Locked by", readonly=True, ondelete="restrict",
        groups="bank_relationship_manager.group_bank_unit_head,bank_relationship_manager.group_bank_office",
    )
    locked_at = fields.Datetime(
        string="Locked on", readonly=True,
        groups="bank_relationship_manager.group_bank_unit_head,bank_relationship_manager.group_bank_office",
    )
    closed_at = fields.Datetime(
        string="Closed on", readonly=True,
        groups="bank_relationship_manager.group_bank_unit_head,bank_relationship_manager.group_bank_office",
    )
    open_reason = fields.Char(
        string="Opened because", readonly=True, copy=False,
        help="Why the system opened the dossier (the tier engine), as its custody ledger records it.",
    )
    ledger_seq = fields.Integer(
        string="Ledger entries", readonly=True, copy=False,
        groups="bank_relationship_manager.group_bank_unit_head,bank_relationship_manager.group_bank_office",
        help="Number of custody ledger entries written for this dossier: the head of its hash chain.",
    )
    bank_is_custodian = fields.Boolean(
        compute="_compute_bank_roles", string="Kept by me",
        help="The current user keeps this dossier: locks, approves, hands out.",
    )
    bank_is_borrower = fields.Boolean(
        compute="_compute_bank_roles", string="Checked out to me",
        help="The dossier is checked out to the current user.",
    )
    can_lock = fields.Boolean(compute="_compute_bank_can", help="The user may lock the dossier in custody.")
    can_close = fields.Boolean(compute="_compute_bank_can", help="The user may close the dossier.")
    can_request_checkout = fields.Boolean(
        compute="_compute_bank_can", help="The user may request the dossier's check-out."
    )

    _bag_no_company_uniq = models.Constraint(
        "UNIQUE(company_id, bag_no)", "The bag number of a dossier must be unique within its company."
    )
    _partner_open_uniq = models.UniqueIndex(
        "(partner_id) WHERE state != 'closed'", "A customer has one open dossier at most: close the old one first."
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends_context("uid")
    @api.depends("item_ids")
    def _compute_item_count(self):
        # As the user: an RM who may not open the contents does not learn their number either.
        for dossier in self:
            dossier.item_count = len(dossier.item_ids)

    @api.depends_context("uid")
    @api.depends("unit_id", "borrower_id", "state")
    def _compute_bank_roles(self):
        for dossier in self:
            dossier.bank_is_custodian = dossier._bank_is_custodian()
            dossier.bank_is_borrower = dossier.state == "checked_out" and dossier.borrower_id == self.env.user

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _bank_prepare_create(self, vals_list):
        """The system's part of a new dossier: its unit (the customer's unless a custodian placed
        it), company and bag number, after the guard checked the caller's values."""
        # The checks below need the values the record will get (the customer may come as a default).
        for vals in vals_list:
            vals.update(self._add_missing_default_values(vals))
        partners = self.env["res.partner"].browse([vals["partner_id"] for vals in vals_list if vals.get("partner_id")])
        partners.check_access("read")
        may_place = self._bank_may_place() is None
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            if not partner or not partner.is_bank_customer:
                raise ValidationError(self.env._(
                    "A dossier is opened for a bank customer (field Customer), not for %(name)s.",
                    name=partner.display_name or "-",
                ))
            if not vals.get("unit_id") or not may_place:
                # The customer's unit keeps the dossier unless a custodian decides otherwise.
                vals["unit_id"] = partner.bank_unit_id.id
            # sudo: the unit's company, whatever units the user may read.
            unit = self.env["bank.org.unit"].sudo().browse(vals["unit_id"])
            vals["company_id"] = (unit.company_id or partner.company_id or self.env.company).id
        self._bank_check_one_open(vals_list)
        self._bank_number_bags(vals_list)

    @api.model_create_multi
    def create(self, vals_list):
        dossiers = super().create(vals_list)
        # The ledger's first entry: the opening, with the system's reason (a field only the system
        # writes, _bank_open_for_partners), never text from the caller's context.
        self.env["bank.dossier.ledger"]._bank_system_create([
            {
                "dossier_id": dossier.id,
                "event": "created",
                "details": dossier._bank_ledger_details(
                    self.env._("Opened for %(customer)s", customer=dossier.partner_id.name)
                    + (f" ({dossier.open_reason})" if dossier.open_reason else "")
                ),
            }
            for dossier in dossiers
        ])
        return dossiers

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._(
            "Dossiers are never deleted (dossier %(bag)s): close the dossier when the customer leaves.",
            bag=", ".join(self.mapped("bag_no")),
        ))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_lock(self):
        """The custodian receives the compiled dossier and locks it in the cabinet (draft → in custody)."""
        for dossier in self._bank_start_custody_step("lock"):
            if not dossier.unit_id:
                raise UserError(self.env._(
                    "Dossier %(bag)s has no unit to keep it (field Kept at).", bag=dossier.bag_no
                ))
            # sudo: the custodian checks the contents, whatever the record rules on items say.
            items = dossier.sudo().item_ids
            if not items:
                raise UserError(self.env._(
                    "Dossier %(bag)s is empty: record its documents (field Contents) before locking it.",
                    bag=dossier.bag_no,
                ))
            # sudo: a scan made public, or shared by a token link, while the RM compiled the draft
            # would stay readable around the record rules once locked: both are revoked.
            self.env["ir.attachment"].sudo().search([
                ("res_model", "=", "bank.dossier.item"), ("res_field", "=", "file"), ("res_id", "in", items.ids),
                "|", ("public", "=", True), ("access_token", "!=", False),
            ]).write({"public": False, "access_token": False})
            text, digest = dossier._bank_inventory()
            # sudo: state and custody fields are written by this action only, after the role check.
            dossier._bank_system_write({
                "state": "in_custody",
                "locked_by_id": self.env.uid,
                "locked_at": fields.Datetime.now(),
            })
            dossier._bank_log(
                "locked",
                self.env._("Locked in custody"),
                ledger_text=self.env._("Locked in custody. Inventory: %(items)s", items=text),
                content_digest=digest,
            )
        return True

    def action_close(self):
        """The customer left: the dossier is closed, kept, and never handed out again."""
        for dossier in self._bank_start_custody_step("close"):
            # sudo: every pending request counts, including those the custodian may not read.
            pending = dossier.sudo().checkout_ids.filtered(lambda c: c.state in ("requested", "approved"))
            if pending:
                raise UserError(self.env._(
                    "Dossier %(bag)s has check-out requests still pending (%(count)s): reject them before closing.",
                    bag=dossier.bag_no, count=len(pending),
                ))
            dossier._bank_system_write({"state": "closed", "closed_at": fields.Datetime.now()})
            dossier._bank_log("closed", self.env._("Closed"))
        return True

    def action_request_checkout(self):
        """Open the check-out request form for this dossier (as the current user)."""
        self.ensure_one()
        self._bank_start_step("request_checkout")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request check-out"),
            "res_model": "bank.dossier.checkout",
            "view_mode": "form",
            "views": [(self.env.ref("bank_relationship_manager.bank_dossier_checkout_view_form_request").id, "form")],
            "target": "new",
            "context": {"default_dossier_id": self.id},
        }

    def action_view_items(self):
        """The contents, for the custodian side and for the borrower while the dossier is out."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("bank_relationship_manager.bank_dossier_item_action")
        action["domain"] = [("dossier_id", "=", self.id)]
        action["context"] = {"default_dossier_id": self.id}
        action["display_name"] = self.env._("Contents of dossier %(bag)s", bag=self.bag_no)
        return action

    def action_verify_ledger(self):
        """Check the custody ledger of these dossiers; name the first broken entry."""
        self.check_access("read")
        self.env["bank.dossier.ledger"].browse().check_access("read")
        return self.env["bank.dossier.ledger"]._bank_verify_notification(self)

    # ------------------------------------------------------------------
    # Business logic
    # ------------------------------------------------------------------

    @api.model
    def _bank_open_for_partners(self, partners, open_date=None, reason=None):
        """Open a draft dossier for each of ``partners`` that has none yet (set-based).

        Called when customers first reach a tier: one search, one create for the batch. ``reason``
        (one line of plain text, at most 200 characters) goes into the custody ledger's first entry
        of each dossier: it is a parameter of the system's call, never a key of the context."""
        reason = self._bank_check_open_reason(reason)
        partners = partners.filtered("is_bank_customer")
        if not partners:
            return self.browse()
        # No creation note in each chatter (it doubled the cost): the ledger's first entry says why.
        Dossier = self.with_context(active_test=False, mail_create_nosubscribe=True, mail_create_nolog=True)
        # sudo: the customers' existing dossiers, wherever they are kept.
        having = Dossier.sudo().search([("partner_id", "in", partners.ids)]).partner_id
        new = partners - having
        if not new:
            return self.browse()
        return Dossier._bank_system_create([
            {"partner_id": partner.id, "open_date": open_date or self.env.company._bank_today(), "open_reason": reason}
            for partner in new
        ])

    @api.model
    def _bank_check_open_reason(self, reason):
        """The reason of an opening, as the ledger will keep it: text on one line, or nothing."""
        if reason in (None, False):
            return False
        if not isinstance(reason, str) or not reason.strip() or len(reason) > _OPEN_REASON_MAX or any(
            not char.isprintable() for char in reason
        ):
            raise ValidationError(self.env._(
                "The reason a dossier is opened (field Opened because) is one line of text of at most "
                "%(max)s characters, not %(reason)r.",
                max=_OPEN_REASON_MAX, reason=str(reason)[:_OPEN_REASON_MAX],
            ))
        return reason.strip()

    def _bank_inventory(self):
        """The items of the dossier as text for the ledger, and the SHA-256 digest of their
        canonical form (document type, description, pages, file checksum), which the ledger's
        lock entry keeps so that the verifier notices a changed inventory."""
        self.ensure_one()
        # sudo: the inventory is computed for the custodian's lock and for the verifier.
        items = self.sudo().with_context(active_test=False).item_ids.sorted(lambda i: (i.sequence, i.id))
        checksums = dict(self.env["ir.attachment"].sudo().search_fetch(
            [("res_model", "=", "bank.dossier.item"), ("res_field", "=", "file"), ("res_id", "in", items.ids)],
            ["res_id", "checksum"],
        ).mapped(lambda a: (a.res_id, a.checksum)))
        canonical = [
            [item.id, item.document_type, item.description or "", item.page_count, checksums.get(item.id) or ""]
            for item in items
        ]
        digest = hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()
        labels = dict(items._fields["document_type"]._description_selection(self.env))
        text = "; ".join(
            f"{labels.get(item.document_type, item.document_type)}: {item.description or '-'} "
            f"({item.page_count} p.{', ' + checksums[item.id][:12] if checksums.get(item.id) else ''})"
            for item in items
        )
        return text, digest

    def _bank_log(self, event, text, checkout=None, ledger_text=None, content_digest=None):
        """Record one custody event: a chatter note with the user and the time, and a ledger entry.

        ``ledger_text`` (default ``text``) may say more than the chatter, which the customer's
        RMs read: the inventory of a locked bag goes to the ledger only."""
        self.ensure_one()
        self.env["bank.dossier.ledger"]._bank_system_create({
            "dossier_id": self.id,
            "event": event,
            "checkout_id": checkout.id if checkout else False,
            "details": self._bank_ledger_details(ledger_text or text),
            "content_digest": content_digest,
        })
        labels = dict(self.env["bank.dossier.ledger"]._fields["event"]._description_selection(self.env))
        # sudo: an RM who requests a check-out may not write the locked dossier, yet the request
        # belongs in its chatter; the author stays the user who acted.
        self.sudo().message_post(
            body=self.env._("%(event)s: %(text)s", event=labels[event], text=text),
            author_id=self.env.user.partner_id.id,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )

    def _bank_ledger_details(self, text):
        return f"{self.bag_no} | {text}"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _bank_lock_head(self):
        """Lock the dossier rows before deciding anything: a transaction that changed their custody
        after ours started makes this fail with a serialisation error, and the request is retried
        on fresh data instead of deciding on a stale picture (docs/security.md item 11)."""
        if self.ids:
            self.env.execute_query(SQL(
                "UPDATE bank_dossier SET ledger_seq = ledger_seq WHERE id = ANY(%s)", sorted(self.ids)
            ))

    def _bank_is_custodian(self, user=None):
        """The user keeps the dossiers of this unit: its head, or a supervisor or centre head of it
        or of a unit above it (bank.org.unit.oversight_user_ids), in the matching group."""
        self.ensure_one()
        if self.env.su and user is None:
            return True
        user = user or self.env.user
        # sudo: the unit's custodians are read to decide, whatever the user may read of units.
        unit = self.sudo().unit_id
        if not unit:
            return False
        if unit.head_user_id == user and user.has_group("bank_relationship_manager.group_bank_unit_head"):
            return True
        return user in unit.oversight_user_ids and user.has_group("bank_relationship_manager.group_bank_supervisor")

    def _bank_start_custody_step(self, step):
        """The custodian's step on these dossiers: who and the state, checked again once the rows
        are locked (the state read then is the committed one, docs/security.md item 11)."""
        self._bank_start_step(step)
        self._bank_lock_head()
        self.invalidate_recordset()
        return self._bank_start_step(step)

    def _bank_may_lock(self):
        return self._bank_custodian_problem(self.env._("lock it"))

    def _bank_may_close(self):
        return self._bank_custodian_problem(self.env._("close it"))

    def _bank_may_place(self):
        if self.env.su or self.env.user.has_group("bank_relationship_manager.group_bank_unit_head"):
            return None
        return self.env._("only unit heads and above may change where a dossier is kept.")

    def _bank_custodian_problem(self, what):
        if self._bank_is_custodian():
            return None
        # sudo: the unit's name in the refusal, whatever units the user may read.
        return self.env._(
            "only the head of %(unit)s (or a supervisor above it) may %(what)s.",
            unit=self.sudo().unit_id.display_name or "-", what=what,
        )

    def _bank_check_draft_for_items(self):
        """The contents of a dossier change while it is a draft only: for every user, superuser too.

        The dossier row is locked first, so that a document added while the custodian locks the
        dossier in another transaction cannot slip in after the inventory was recorded."""
        self._bank_lock_head()
        self.invalidate_recordset(["state"])
        # sudo: the state decides; the caller's right on the items is checked by the ORM.
        locked = self.sudo().filtered(lambda d: d.state != "draft")
        if locked:
            raise guard_error(locked[0], "item_ids", self.env._(
                "it is %(state)s: a locked archive, its documents and scans cannot be added, changed or removed.",
                state=locked[0]._bank_state_label(),
            ))

    @api.model
    def _bank_check_one_open(self, vals_list):
        """One open dossier per customer: say so clearly before the unique index says it rudely."""
        partner_ids = [vals["partner_id"] for vals in vals_list]
        # sudo: the other dossier may be kept where the user cannot read it.
        existing = self.sudo().search([("partner_id", "in", partner_ids), ("state", "!=", "closed")])
        twice = [pid for pid, count in Counter(partner_ids).items() if count > 1]
        duplicate = existing[:1].partner_id or self.env["res.partner"].browse(twice[:1])
        if duplicate:
            raise ValidationError(self.env._(
                "Customer %(customer)s has one open dossier at most (field Customer): close %(bag)s first.",
                customer=duplicate.display_name,
                bag=existing.filtered(lambda d: d.partner_id == duplicate)[:1].bag_no or "-",
            ))

    @api.model
    def _bank_bag_sequence(self, company):
        """The company's own bag-number sequence, created on first use for other companies."""
        # sudo: the bag-number sequences are the system's.
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search([("code", "=", _BAG_SEQUENCE_CODE), ("company_id", "=", company.id)],
                                   order="id", limit=1)
        if not sequence:
            sequence = Sequence.create({
                "name": self.env._("Dossier bag numbers (%(company)s)", company=company.name),
                "code": _BAG_SEQUENCE_CODE,
                "prefix": "DA%(year)s-",
                "padding": 6,
                "company_id": company.id,
                "implementation": "standard",
            })
        return sequence

    @api.model
    def _bank_number_bags(self, vals_list):
        """Draw the bag numbers, per company, in one query per company (the tier engine may open
        thousands of dossiers at once)."""
        by_company = {}
        for vals in vals_list:
            by_company.setdefault(vals["company_id"], []).append(vals)
        for company_id, company_vals in by_company.items():
            sequence = self._bank_bag_sequence(self.env["res.company"].browse(company_id))
            if sequence.implementation != "standard" or sequence.use_date_range:
                for vals in company_vals:
                    vals["bag_no"] = sequence._next()
                continue
            numbers = self.env.execute_query(SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)", f"ir_sequence_{sequence.id:03d}", len(company_vals)
            ))
            # As ir.sequence.get_next_char, with the prefix interpolated once for the batch.
            prefix, suffix = sequence._get_prefix_suffix()
            for vals, (number,) in zip(company_vals, numbers, strict=True):
                vals["bag_no"] = f"{prefix}{number:0{sequence.padding}d}{suffix}"
