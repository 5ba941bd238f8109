# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The assignment of a bank customer: the primary (A role) and backup (B role) RMs and the unit,
who may change them, the handover guard and the assignment history (the rest of the customer is
in res_partner.py, the masking in res_partner_privacy.py)."""
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.sql import create_index

from .bank_guard_mixin import guard_error

# Fields only a role may write: the assignment is the unit head's, the numbering the administrator's.
_ROLE_FIELDS = {
    "bank_rm_id": "bank_relationship_manager.group_bank_unit_head",
    "bank_backup_rm_id": "bank_relationship_manager.group_bank_unit_head",
    "bank_unit_id": "bank_relationship_manager.group_bank_unit_head",
    "bank_customer_no": "bank_relationship_manager.group_bank_admin",
}
# Changes of these are kept in the append-only assignment history (bank.assignment.history).
_ASSIGNMENT_FIELDS = ("bank_rm_id", "bank_backup_rm_id", "bank_unit_id")


class ResPartnerAssignment(models.Model):
    """The RMs and the unit that serve a bank customer, and who may change them."""

    _inherit = "res.partner"

    bank_rm_id = fields.Many2one(
        "bank.rm", string="Primary RM", index=True, tracking=True, ondelete="restrict", copy=False
    )
    bank_backup_rm_id = fields.Many2one(
        "bank.rm", string="Backup RM", index=True, tracking=True, ondelete="restrict", copy=False
    )
    # Stored owners: record rules compare them to the user in SQL, so access follows a
    # reassignment at once (no per-user cached data) and the RM's customer list stays indexed.
    bank_rm_user_id = fields.Many2one(related="bank_rm_id.user_id", store=True, index=True, string="Primary RM user")
    bank_backup_rm_user_id = fields.Many2one(
        related="bank_backup_rm_id.user_id", store=True, index=True, string="Backup RM user"
    )
    bank_unit_id = fields.Many2one(
        "bank.org.unit",
        string="Unit",
        compute="_compute_bank_unit_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        help="The unit that serves the customer: the primary RM's unit unless set otherwise.",
    )
    bank_assignment_history_ids = fields.One2many(
        "bank.assignment.history", "partner_id", string="Assignment history", readonly=True,
    )

    def init(self):
        super().init()
        # The rule res_partner_rule_not_customer ([('is_bank_customer', '=', False)]) is OR-ed with
        # each role's rule; its SQL, "is_bank_customer IS NOT TRUE", uses only an index with that
        # predicate: with it an RM's customer list is three index scans, not a scan of every
        # partner (docs/scaling.md).
        create_index(self.env.cr, "res_partner_not_bank_customer_index", self._table, ["id"],
                     where="is_bank_customer IS NOT TRUE")

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------

    @api.depends("bank_rm_id.unit_id")
    def _compute_bank_unit_id(self):
        for partner in self:
            if partner.bank_rm_id:
                partner.bank_unit_id = partner.bank_rm_id.unit_id

    @api.constrains("bank_rm_id", "bank_backup_rm_id")
    def _check_backup_rm(self):
        for partner in self:
            if partner.bank_backup_rm_id and partner.bank_backup_rm_id == partner.bank_rm_id:
                raise ValidationError(
                    self.env._(
                        "Customer %(name)s: the Backup RM must differ from the Primary RM (%(rm)s).",
                        name=partner.display_name,
                        rm=partner.bank_rm_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _bank_current_rm(self):
        # sudo: the caller's own RM record, whatever the RM rules let them read.
        return self.env["bank.rm"].sudo().search([("user_id", "=", self.env.uid)], limit=1)

    def _bank_may_assign(self):
        return self.env.su or self.env.user.has_group("bank_relationship_manager.group_bank_unit_head") or (
            self._bank_is_admin()
        )

    def _bank_check_role(self, field_name):
        group = _ROLE_FIELDS[field_name]
        if self.env.su or self.env.user.has_group(group) or self._bank_is_admin():
            return
        if group.endswith("group_bank_admin"):
            why = self.env._("only bank administrators may set it.")
        else:
            why = self.env._("only unit heads and above may change the RMs or the unit of a customer.")
        raise guard_error(self, field_name, why)

    @api.model
    def _bank_check_role_fields_on_create(self, vals_list, own_rm):
        """On create, a role field (or its ``default_`` key) is refused to users without the role,
        but for what the system would set itself: the creating RM as primary RM and their unit."""
        if self.env.su:
            return
        context = self.env.context
        allowed = {"bank_rm_id": own_rm.id if own_rm else False, "bank_unit_id": own_rm.unit_id.id if own_rm else False}
        for field_name in _ROLE_FIELDS:
            given = [vals[field_name] for vals in vals_list if field_name in vals]
            if f"default_{field_name}" in context:
                given.append(context[f"default_{field_name}"])
            for value in given:
                value = value.id if isinstance(value, models.BaseModel) else value
                if value and value != allowed.get(field_name):
                    self._bank_check_role(field_name)

    def _bank_assign(self, vals, reason):
        """Change the RMs or the unit with an explicit reason for the assignment history (the
        reason is the caller's argument, kept for the duration of this write only, never read
        from the context)."""
        key = "bank_assignment_reason"
        previous = self.env.cr.cache.get(key)
        self.env.cr.cache[key] = reason
        try:
            return self.write(vals)
        finally:
            self.env.cr.cache[key] = previous

    def _bank_assignment_before(self, vals):
        """The RMs and unit of the customers before ``vals`` may change them (None, without a
        query, when it cannot)."""
        if not self or not set(_ASSIGNMENT_FIELDS).intersection(vals):
            return None
        # sudo: the history records the change even where the writer cannot read the old RM.
        return {partner.id: {name: partner[name] for name in _ASSIGNMENT_FIELDS} for partner in self.sudo()}

    def _bank_move_opportunities(self, before):
        """A new primary RM takes over the customer's open opportunities that the former primary
        RM held as salesperson (the handover writes ``bank_rm_id`` too): the former RM no longer
        reads them (security/crm_lead_security.xml), the new one works them. One search for all
        the customers, one write per new salesperson and team (docs/security.md, class f)."""
        # sudo: the new primary RM of each customer, whoever wrote the change.
        moves = {
            partner.id: (before[partner.id]["bank_rm_id"].user_id, partner.bank_rm_user_id)
            for partner in self.sudo()
            if partner.id in before and before[partner.id]["bank_rm_id"].user_id != partner.bank_rm_user_id
        }
        moves = {pid: (old, new) for pid, (old, new) in moves.items() if old}
        if not moves:
            return
        # sudo: the writer may not write the leads; their right to reassign the customer was checked.
        leads = self.env["crm.lead"].sudo().search([
            ("partner_id", "in", list(moves)),
            ("user_id", "in", list({old.id for old, _new in moves.values()})),
            ("won_status", "=", "pending"),
        ])
        # sudo: the leads found above, grouped for one write per new salesperson and team.
        groups = defaultdict(lambda: self.env["crm.lead"].sudo())
        for lead in leads:
            old, new = moves[lead.partner_id.id]
            if lead.user_id == old:
                groups[new, lead.team_id] |= lead
        for (new, team), group in groups.items():
            # The team stays: CRM would otherwise pick the new salesperson's default team.
            group.write({"user_id": new.id or False, "team_id": team.id})

    def _bank_record_assignment(self, before):
        """Append one assignment history row per changed field, in one create for the whole
        write, whatever the context (tracking_disable and mail_notrack do not apply)."""
        now = fields.Datetime.now()
        rows = []
        # sudo: the new RMs and unit are recorded even where the writer cannot read them.
        for partner in self.sudo():
            old = before.get(partner.id)
            if old is None:
                continue
            for name in _ASSIGNMENT_FIELDS:
                if partner[name] != old[name]:
                    rows.append((partner, name, old[name], partner[name]))
        if not rows:
            return
        reason = self.env.cr.cache.get("bank_assignment_reason") or self._bank_handover_reason(rows)
        self.env["bank.assignment.history"]._bank_system_create([
            {
                "partner_id": partner.id,
                "field_name": name,
                "old_value": old.display_name or False,
                "new_value": new.display_name or False,
                "old_res_id": old.id,
                "new_res_id": new.id,
                "user_id": self.env.uid,
                "date": now,
                "reason": reason or False,
            }
            for partner, name, old, new in rows
        ])

    def _bank_handover_reason(self, rows):
        """The handover in progress whose done step moves these customers (it writes them as
        superuser, after its own checks), if any."""
        if not self.env.su:
            return None
        rms = self.env["bank.rm"].union(*(
            old | new for _partner, name, old, new in rows if name != "bank_unit_id"
        ))
        if not rms:
            return None
        handover = self.env["bank.handover"].search([
            ("state", "=", "in_progress"),
            "|", ("outgoing_rm_id", "in", rms.ids), ("incoming_rm_id", "in", rms.ids),
        ], limit=1)
        return handover and self.env._("Handover %(handover)s", handover=handover.name)

    def _bank_check_handover_guard(self, vals, name=None):
        """Customers of a leaving RM move only through their handover (with its approvals,
        witnesses and filed list), and nobody is given to an RM who is leaving or has left."""
        if self.env.su:
            return
        # sudo: the state of the RMs decides, whatever the caller may read of them.
        Rm = self.env["bank.rm"].sudo()
        for field_name in ("bank_rm_id", "bank_backup_rm_id"):
            if field_name not in vals:
                continue
            label = self._fields[field_name].get_description(self.env)["string"]
            target = Rm.browse(vals[field_name] or [])
            if target and target.state != "active":
                raise UserError(
                    self.env._(
                        "Customer %(name)s: %(rm)s is no longer an active RM and cannot be given "
                        "customers (field %(field)s).",
                        name=name or ", ".join(self.mapped("display_name")) or "-",
                        rm=target.name,
                        field=label,
                    )
                )
            # sudo: the current RM of each customer is checked even where the user cannot read it.
            for partner in self.sudo():
                current = partner[field_name]
                if current and current != target and current.state == "leaving":
                    raise UserError(
                        self.env._(
                            "Customer %(name)s: %(rm)s is leaving, and their customers move only through "
                            "the handover, witnessed and filed (field %(field)s).",
                            name=partner.display_name,
                            rm=current.name,
                            field=label,
                        )
                    )
