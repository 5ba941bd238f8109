# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
import json
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .res_company import bank_today

DOSSIER_STATES = [
    ("draft", "Draft"),
    ("in_custody", "In custody"),
    ("checked_out", "Checked out"),
    ("closed", "Closed"),
]
# Changed only by the custody actions (as superuser, after checking the caller's role).
_CUSTODY_FIELDS = (
    "state", "borrower_id", "current_checkout_id", "locked_by_id", "locked_at", "closed_at", "ledger_seq",
)
# Fixed at creation: the customer, the number on the bag and the company never change.
_IMMUTABLE_FIELDS = ("partner_id", "bag_no", "company_id")
# The archive itself: editable while the RM compiles the dossier, locked from then on.
_CONTENT_FIELDS = ("open_date", "unit_id", "location", "item_ids")
_BAG_SEQUENCE_CODE = "bank.dossier.bag"


class BankDossier(models.Model):
    """The electronic record of a customer's paper dossier (客户档案): whose it is, when it was
    opened, its bag number (入袋编号) and who has it. The inventory of the bag is kept in
    bank.dossier.item, readable by the custodian side and by the borrower while it is out."""

    _name = "bank.dossier"
    _description = "Customer dossier"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "bag_no desc, id desc"
    _rec_name = "bag_no"
    _mail_post_access = "write"

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
    # follows a reassignment of the customer at once (SECURITY.md item 5).
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            forbidden = [f for f in _CUSTODY_FIELDS if vals.get(f) and (f != "state" or vals[f] != "draft")]
            if (forbidden or vals.get("bag_no")) and not self.env.su:
                raise AccessError(self.env._(
                    "A dossier starts as a draft; its bag number, state and custody are set by the custody actions."
                ))
        # The checks below need the values the record will get (the customer may come as a default).
        vals_list = [self._add_missing_default_values(vals) for vals in vals_list]
        partners = self.env["res.partner"].browse([vals["partner_id"] for vals in vals_list if vals.get("partner_id")])
        partners.check_access("read")
        may_place = self._bank_may_place()
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
            unit = self.env["bank.org.unit"].sudo().browse(vals["unit_id"])
            vals["company_id"] = (unit.company_id or partner.company_id or self.env.company).id
        self._bank_check_one_open(vals_list)
        self._bank_number_bags(vals_list)
        dossiers = super().create(vals_list)
        # (the context only words the entry: why the tier engine opened the dossier)
        reason = self.env.context.get("bank_dossier_open_reason")
        self.env["bank.dossier.ledger"].sudo().create([
            {
                "dossier_id": dossier.id,
                "event": "created",
                "details": dossier._bank_ledger_details(
                    self.env._("Opened for %(customer)s", customer=dossier.partner_id.name)
                    + (f" ({reason})" if reason else "")
                ),
            }
            for dossier in dossiers
        ])
        return dossiers

    def write(self, vals):
        self._bank_check_write(vals)
        return super().write(vals)

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
        self._bank_check_custodian(self.env._("lock it"))
        for dossier in self:
            dossier._bank_lock_head()
            if dossier.state != "draft":
                raise UserError(self.env._(
                    "Dossier %(bag)s is %(state)s: only a draft dossier can be locked.",
                    bag=dossier.bag_no, state=dossier._bank_state_label(),
                ))
            if not dossier.unit_id:
                raise UserError(self.env._(
                    "Dossier %(bag)s has no unit to keep it (field Kept at).", bag=dossier.bag_no
                ))
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
            dossier.sudo().write({
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
        self._bank_check_custodian(self.env._("close it"))
        for dossier in self:
            dossier._bank_lock_head()
            if dossier.state not in ("draft", "in_custody"):
                raise UserError(self.env._(
                    "Dossier %(bag)s is %(state)s: only a draft dossier or one in custody can be closed.",
                    bag=dossier.bag_no, state=dossier._bank_state_label(),
                ))
            pending = dossier.sudo().checkout_ids.filtered(lambda c: c.state in ("requested", "approved"))
            if pending:
                raise UserError(self.env._(
                    "Dossier %(bag)s has check-out requests still pending (%(count)s): reject them before closing.",
                    bag=dossier.bag_no, count=len(pending),
                ))
            dossier.sudo().write({"state": "closed", "closed_at": fields.Datetime.now()})
            dossier._bank_log("closed", self.env._("Closed"))
        return True

    def action_request_checkout(self):
        """Open the check-out request form for this dossier (as the current user)."""
        self.ensure_one()
        self.check_access("read")
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

        Called when customers first reach a tier: one search, one create for the batch."""
        partners = partners.filtered("is_bank_customer")
        if not partners:
            return self.browse()
        # No creation note in each chatter (it doubled the cost): the ledger's first entry says why.
        Dossier = self.sudo().with_context(
            active_test=False, mail_create_nosubscribe=True, mail_create_nolog=True, bank_dossier_open_reason=reason,
        )
        having = Dossier.search([("partner_id", "in", partners.ids)]).partner_id
        new = partners - having
        if not new:
            return self.browse()
        return Dossier.create([
            {"partner_id": partner.id, "open_date": open_date or self.env.company._bank_today()}
            for partner in new
        ])

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
        self.env["bank.dossier.ledger"].sudo().create({
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
        on fresh data instead of deciding on a stale picture (SECURITY.md item 11)."""
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

    def _bank_check_custodian(self, what):
        self.check_access("read")
        for dossier in self:
            if not dossier._bank_is_custodian():
                raise AccessError(self.env._(
                    "Dossier %(bag)s: only the head of %(unit)s (or a supervisor above it) may %(what)s.",
                    bag=dossier.bag_no, unit=dossier.sudo().unit_id.display_name or "-", what=what,
                ))

    def _bank_may_place(self):
        return self.env.su or self.env.user.has_group("bank_relationship_manager.group_bank_unit_head")

    def _bank_check_write(self, vals):
        """``readonly`` protects nothing over RPC (SECURITY.md item 1): custody changes only through
        the actions, and a dossier in custody is a locked archive, for every user."""
        if any(f in vals for f in _IMMUTABLE_FIELDS):
            raise AccessError(self.env._(
                "Dossier %(bag)s: the customer, bag number and company of a dossier never change.",
                bag=", ".join(self.mapped("bag_no")),
            ))
        if not self.env.su and any(f in vals for f in _CUSTODY_FIELDS):
            raise AccessError(self.env._(
                "Dossier %(bag)s: its state and custody change only through its actions "
                "(lock, approve, hand out, return, close).",
                bag=", ".join(self.mapped("bag_no")),
            ))
        if any(f in vals for f in _CONTENT_FIELDS):
            locked = self.filtered(lambda d: d.state != "draft")
            if locked:
                raise UserError(self.env._(
                    "Dossier %(bag)s is %(state)s: a locked archive, its fields and contents cannot be changed.",
                    bag=locked[0].bag_no, state=locked[0]._bank_state_label(),
                ))
            if "unit_id" in vals and not self._bank_may_place():
                raise AccessError(self.env._(
                    "Dossier %(bag)s: only unit heads and above may change where a dossier is kept (field Kept at).",
                    bag=", ".join(self.mapped("bag_no")),
                ))

    def _bank_check_draft_for_items(self):
        """The contents of a dossier change while it is a draft only: for every user, superuser too.

        The dossier row is locked first, so that a document added while the custodian locks the
        dossier in another transaction cannot slip in after the inventory was recorded."""
        self._bank_lock_head()
        self.invalidate_recordset(["state"])
        # sudo: the state decides; the caller's right on the items is checked by the ORM.
        locked = self.sudo().filtered(lambda d: d.state != "draft")
        if locked:
            raise UserError(self.env._(
                "Dossier %(bag)s is %(state)s: a locked archive, its documents and scans cannot be added, "
                "changed or removed.",
                bag=locked[0].bag_no, state=locked[0]._bank_state_label(),
            ))

    def _bank_state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

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
