# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Each witness and the flag of their own confirmation.
WITNESSES = {"supervisor_id": "supervisor_confirmed", "center_head_id": "center_head_confirmed"}


class BankHandover(models.Model):
    """The two witnesses of the handover: proposed from the units when it is prepared, changed by
    the managers until it is done, each confirming their own presence (no one for another)."""

    _inherit = "bank.handover"

    supervisor_id = fields.Many2one(
        "res.users", string="RM supervisor (witness)", index=True, tracking=True, copy=False,
        help="Sub-branch RM supervisor who witnesses the handover.",
    )
    center_head_id = fields.Many2one(
        "res.users", string="Wealth-centre head (witness)", index=True, tracking=True, copy=False,
        help="Head of the wealth centre who witnesses the handover.",
    )
    supervisor_confirmed = fields.Boolean(string="Supervisor present", readonly=True, tracking=True, copy=False)
    supervisor_confirmed_at = fields.Datetime(string="Supervisor confirmed on", readonly=True, copy=False)
    center_head_confirmed = fields.Boolean(string="Centre head present", readonly=True, tracking=True, copy=False)
    center_head_confirmed_at = fields.Datetime(string="Centre head confirmed on", readonly=True, copy=False)
    can_confirm_presence = fields.Boolean(compute="_compute_bank_can")
    can_set_witnesses = fields.Boolean(compute="_compute_bank_can")

    @api.constrains("supervisor_id", "center_head_id")
    def _check_witness_groups(self):
        for handover in self:
            for field_name, group in handover._witness_groups().items():
                user = handover[field_name]
                if user and not user.has_group(group):
                    raise ValidationError(
                        self.env._(
                            "Handover %(handover)s: %(user)s cannot witness the handover as %(field)s, "
                            "being not in the group %(group)s.",
                            handover=handover.name,
                            user=user.name,
                            field=handover._field_label(field_name),
                            group=self.env.ref(group).name,
                        )
                    )

    def write(self, vals):
        changed = {
            field_name: self.filtered(lambda h, f=field_name: h[f].id != vals[f])
            for field_name in WITNESSES if field_name in vals
        }
        result = super().write(vals)
        for field_name, handovers in changed.items():
            if handovers:
                # A new witness confirms for themselves: the former witness's confirmation goes.
                confirmed = WITNESSES[field_name]
                handovers._bank_system_write({confirmed: False, f"{confirmed}_at": False})
        return result

    def action_confirm_presence(self):
        """A witness confirms their own presence at the handover; no one confirms for another."""
        user = self.env.user
        for handover in self._bank_start_step("confirm_presence"):
            role = next(name for name in WITNESSES if handover[name] == user)
            confirmed = WITNESSES[role]
            handover._bank_system_write({confirmed: True, f"{confirmed}_at": fields.Datetime.now()})
            handover._close_todos(user)
            handover.message_post(
                body=self.env._("%(user)s confirms being present as %(role)s.",
                                user=user.name, role=handover._field_label(role)),
            )
        return True

    def _bank_may_confirm_presence(self):
        user = self.env.user
        roles = [name for name in WITNESSES if self[name] == user]
        if not roles:
            return self.env._(
                "only the witnesses (%(witnesses)s) confirm their own presence.",
                witnesses=", ".join((self.supervisor_id | self.center_head_id).mapped("name")) or "-",
            )
        if len(roles) == 2:
            return self.env._(
                "the two witnesses must be two different users; %(user)s is set as both.", user=user.name
            )
        if user in self.outgoing_user_id | self.incoming_user_id:
            return self.env._("%(user)s is one of the two RMs and cannot witness the handover.", user=user.name)
        if self[WITNESSES[roles[0]]]:
            return self.env._("%(user)s has already confirmed their presence.", user=user.name)
        return None

    def _bank_may_set_witnesses(self):
        if self._may_manage():
            return None
        return self.env._(
            "the witnesses are chosen by the RM office or the head or a supervisor of %(unit)s.",
            unit=self.unit_id.display_name,
        )

    def _propose_witnesses(self):
        """The sub-branch RM supervisor and the wealth-centre head over the outgoing RM's unit."""
        self.ensure_one()
        Users = self.env["res.users"]
        excluded = self.outgoing_user_id | self.incoming_user_id
        chain = []
        unit = self.unit_id
        while unit:
            chain.append(unit)
            unit = unit.parent_id
        supervisor = next(
            (u.supervisor_user_id for u in chain if u.supervisor_user_id and u.supervisor_user_id not in excluded),
            Users,
        )
        excluded |= supervisor
        center_head = next(
            (u.center_head_user_id for u in chain if u.center_head_user_id and u.center_head_user_id not in excluded),
            Users,
        )
        if not center_head:
            # No centre head above the unit: the wealth centre under the nearest unit above it.
            centers = self.env["bank.org.unit"].search([
                ("level", "=", "center"),
                ("parent_id", "in", [u.id for u in chain]),
                ("center_head_user_id", "!=", False),
            ])
            center_head = next(
                (
                    center.center_head_user_id
                    for u in chain
                    for center in centers
                    if center.parent_id == u and center.center_head_user_id not in excluded
                ),
                Users,
            )
        return supervisor, center_head

    @api.model
    def _witness_groups(self):
        return {
            "supervisor_id": "bank_relationship_manager.group_bank_supervisor",
            "center_head_id": "bank_relationship_manager.group_bank_unit_head",
        }
