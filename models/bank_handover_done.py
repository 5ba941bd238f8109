# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .bank_handover_approval import STEP_FIELDS
from .bank_handover_witness import WITNESSES


class BankHandover(models.Model):
    """Done: refused, with the list of what is missing, unless every approval, both witness
    confirmations and every item of the list are in; then the transfer
    (bank_handover_transfer.py), in one transaction."""

    _inherit = "bank.handover"

    missing_summary = fields.Text(
        string="Still missing",
        compute="_compute_missing_summary",
        groups="bank_relationship_manager.group_bank_rm,bank_relationship_manager.group_bank_office",
    )
    can_done = fields.Boolean(compute="_compute_bank_can")

    @api.depends(
        "state", "line_ids.checked", "supervisor_id", "center_head_id", "supervisor_confirmed",
        "center_head_confirmed", "incoming_rm_id", "head_approved_by_id", "office_approved_by_id",
        "hr_approved_by_id",
    )
    def _compute_missing_summary(self):
        for handover in self:
            # sudo: a checklist shown to the people of the handover (the field is not HR's).
            problems = handover.sudo()._done_problems() if handover.state == "in_progress" else []
            handover.missing_summary = "\n".join(f"• {problem}" for problem in problems) or False

    def action_done(self):
        """Close the handover, in one transaction: customers, activities, introduction calls, list.

        Refused, with the list of what is missing, unless every approval, both witness
        confirmations and every item of the list are in.
        """
        self._bank_start_step("done")
        for handover in self:
            # Two users pressing Done at once: the second waits for nothing and is refused.
            handover.lock_for_update()
            handover.invalidate_recordset()
            handover._bank_start_step("done")
            # sudo: the transfer is authorised by the approvals and witnesses checked below,
            # not by the rights of the user who happens to press the button.
            handover_sudo = handover.sudo()
            handover_sudo._lock_dossiers()
            problems = handover_sudo._done_problems()
            if problems:
                raise UserError(
                    self.env._(
                        "Handover %(handover)s cannot be done yet; every customer stays with %(rm)s. "
                        "Missing:\n%(problems)s",
                        handover=handover.name,
                        rm=handover_sudo.outgoing_rm_id.name,
                        problems="\n".join(f"• {problem}" for problem in problems),
                    )
                )
            handover_sudo._transfer()
        return True

    def _bank_may_done(self):
        return self._participant_problem(managers=True)

    def _done_problems(self):
        """What is still missing before the handover can be done, as sentences."""
        self.ensure_one()
        _ = self.env._
        problems = []
        for step, (by_field, _at_field) in STEP_FIELDS.items():
            if not self[by_field]:
                problems.append(_("the approval of the %(step)s", step=self._step_label(step)))
        incoming = self.incoming_rm_id
        if not incoming:
            problems.append(_("a successor (field Incoming RM)"))
        else:
            error = self._incoming_problem(done=True)
            if error:
                problems.append(error)
        rms = self.outgoing_user_id | self.incoming_user_id
        for field_name, confirmed in WITNESSES.items():
            user = self[field_name]
            label = self._field_label(field_name)
            if not user:
                problems.append(_("a witness: %(field)s is not set", field=label))
                continue
            group = self._witness_groups()[field_name]
            if not user.has_group(group):
                problems.append(_("%(user)s (%(field)s) is not in the group %(group)s",
                                  user=user.name, field=label, group=self.env.ref(group).name))
            if user in rms:
                problems.append(_("%(user)s (%(field)s) is one of the two RMs and cannot witness",
                                  user=user.name, field=label))
            if not self[confirmed]:
                problems.append(_("%(user)s (%(field)s) has not confirmed their presence",
                                  user=user.name, field=label))
        if self.supervisor_id and self.supervisor_id == self.center_head_id:
            problems.append(_("the two witnesses must be two different users, not %(user)s twice",
                              user=self.supervisor_id.name))
        unchecked = self.line_ids.filtered(lambda line: not line.checked)
        if unchecked:
            names = ", ".join(unchecked[:10].mapped(lambda line: line.name or line.reference or "-"))
            problems.append(_("%(count)s items of the list not handed over yet: %(names)s%(more)s",
                              count=len(unchecked), names=names, more=", …" if len(unchecked) > 10 else ""))
        listed = self.line_ids.filtered(lambda line: line.line_type == "customer")
        Partner = self.env["res.partner"]
        unlisted = (
            Partner.search([("bank_rm_id", "=", self.outgoing_rm_id.id)])
            - listed.filtered(lambda line: line.rm_role == "primary").partner_id
        ) | (
            Partner.search([("bank_backup_rm_id", "=", self.outgoing_rm_id.id)])
            - listed.filtered(lambda line: line.rm_role == "backup").partner_id
        )
        if unlisted:
            problems.append(_("%(count)s customers of %(rm)s are not on the list (refresh it): %(names)s",
                              count=len(unlisted), rm=self.outgoing_rm_id.name,
                              names=", ".join(unlisted[:10].mapped("name"))))
        return problems + self._dossier_problems()

    def _dossier_problems(self):
        """The dossiers stop the handover while the outgoing RM has one out, or a request of
        theirs is still open in the register (the custodian could otherwise hand a bag to an RM
        who no longer serves the customer), and while a dossier of a listed customer is missing
        from the list."""
        self.ensure_one()
        _ = self.env._
        problems = []
        rm = self.outgoing_rm_id
        for line in self._open_checkouts_of_outgoing():
            dossier = line.dossier_id
            unit = dossier.unit_id.display_name or "-"
            if line.state == "out":
                problems.append(_("dossier %(bag)s is checked out to %(rm)s (due back %(due)s): the custodian "
                                  "of %(unit)s must receive it back first",
                                  bag=dossier.bag_no, rm=rm.name, due=line._bank_format_due(), unit=unit))
            else:
                problems.append(_("dossier %(bag)s has an open check-out request of %(rm)s (%(state)s): the "
                                  "custodian of %(unit)s must reject it first",
                                  bag=dossier.bag_no, rm=rm.name, state=line._bank_state_label(), unit=unit))
        primary = self.line_ids.filtered(
            lambda line: line.line_type == "customer" and line.rm_role == "primary"
        ).partner_id
        unlisted = self.env["bank.handover.line"]._bank_dossiers_of(primary) - self.line_ids.dossier_id
        if unlisted:
            problems.append(_("%(count)s dossiers of the listed customers are not on the list (refresh it): %(bags)s",
                              count=len(unlisted), bags=", ".join(unlisted[:10].mapped("bag_no"))))
        return problems

    def _open_checkouts_of_outgoing(self):
        """The outgoing RM's lines of the check-out register still open, whatever the dossier."""
        self.ensure_one()
        return self.env["bank.dossier.checkout"].search(
            [("borrower_id", "=", self.outgoing_user_id.id), ("state", "in", ("requested", "approved", "out"))],
            order="id",
        )

    def _lock_dossiers(self):
        """Lock the rows of the dossiers that done decides on (those listed, and those of the
        outgoing RM's open check-outs) before reading their state: a custody step on one of them
        in another transaction then fails to serialise with this one, and the request retried
        sees the other's outcome (as the custody actions do, docs/security.md item 11)."""
        self.ensure_one()
        dossiers = self.line_ids.dossier_id | self._open_checkouts_of_outgoing().dossier_id
        if dossiers:
            dossiers._bank_lock_head()
            dossiers.invalidate_recordset()
            dossiers.checkout_ids.invalidate_recordset()
