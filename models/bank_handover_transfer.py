# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from markupsafe import escape

from odoo import api, fields, models, modules
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import format_amount

_INTRO_DAYS_PARAM = "bank_relationship_manager.handover_intro_call_days"


class BankHandover(models.Model):
    """The transfer on done (called as superuser by action_done, after every check, in one
    transaction): the customers' A and B roles, their open activities, the introduction calls,
    the dossiers' RM side and custody ledger, and the handover list rendered and attached."""

    _inherit = "bank.handover"

    def _transfer(self):
        """The done step proper (called as superuser, after every check): one transaction."""
        self.ensure_one()
        self._introduction_call_days()  # a bad setting refuses before anything moves
        outgoing, incoming = self.outgoing_rm_id, self.incoming_rm_id
        customer_lines = self.line_ids.filtered(lambda line: line.line_type == "customer")
        primary = customer_lines.filtered(lambda line: line.rm_role == "primary").partner_id
        backup = customer_lines.filtered(lambda line: line.rm_role == "backup").partner_id
        # The list as it stands on the day: tiers and AUM of that day.
        for line in customer_lines:
            line.write(line._bank_customer_snapshot(line.partner_id))

        # The customers' chatter says what changed and why, logged in one batch below rather
        # than tracked field by field (a message per customer would cost seconds per thousand).
        primary, backup = primary.with_context(mail_notrack=True), backup.with_context(mail_notrack=True)
        _ = self.env._
        bodies = {
            partner.id: _("Handover %(handover)s: the primary RM changes from %(out)s to %(in)s.",
                          handover=self.name, out=outgoing.name, **{"in": incoming.name})
            for partner in primary
        }
        # A role: the incoming RM becomes primary; a backup that was the incoming RM is cleared.
        was_backup = primary.filtered(lambda p: p.bank_backup_rm_id == incoming)
        was_backup.write({"bank_backup_rm_id": False, "bank_rm_id": incoming.id})
        (primary - was_backup).write({"bank_rm_id": incoming.id})
        # B role: the incoming RM becomes backup, unless already the customer's primary RM.
        is_primary = backup.filtered(lambda p: p.bank_rm_id == incoming)
        is_primary.write({"bank_backup_rm_id": False})
        (backup - is_primary).write({"bank_backup_rm_id": incoming.id})
        # Recomputed here, under mail_notrack: the stored related RM users and the unit follow.
        (primary | backup).flush_recordset(["bank_rm_user_id", "bank_backup_rm_user_id", "bank_unit_id"])
        for partner in backup:
            bodies[partner.id] = _("Handover %(handover)s: the backup RM changes from %(out)s to %(in)s.",
                                   handover=self.name, out=outgoing.name,
                                   **{"in": "-" if partner in is_primary else incoming.name})
        (primary | backup)._message_log_batch(
            bodies={partner_id: escape(body) for partner_id, body in bodies.items()},
            author_id=self.env.user.partner_id.id,
        )

        # Quick update: one summary below rather than a notification per activity.
        Activity = self.env["mail.activity"].with_context(mail_activity_quick_update=True)
        moved = Activity.search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", (primary | backup).ids),
            ("user_id", "=", outgoing.user_id.id),
        ])
        moved.write({"user_id": incoming.user_id.id})
        calls = Activity.create(self._introduction_call_values(primary))
        self._transfer_other_items()

        self._bank_system_write({"state": "done", "done_by_id": self.env.uid, "done_at": fields.Datetime.now()})
        self._attach_handover_list()
        self.message_post(
            body=self.env._(
                "Handover done: %(primary)s customers (and %(backup)s as backup RM) moved from %(out)s to "
                "%(in)s, %(moved)s open activities moved, %(calls)s introduction calls planned; the handover "
                "list is attached.",
                primary=len(primary), backup=len(backup), out=outgoing.name, **{"in": incoming.name},
                moved=len(moved), calls=len(calls),
            ),
            partner_ids=incoming.user_id.partner_id.ids,
            attachment_ids=self.list_attachment_id.ids,
        )

    def _transfer_other_items(self):
        """On done, the dossiers follow their customers, in the same transaction.

        The paper stays in its custodian's cabinet: the dossier's unit and custody do not change
        (a bag out to someone else stays out; none can be out to the outgoing RM, see
        _dossier_problems). The electronic record's RM side follows the customer: the dossier's
        stored RM users are related to the customer's, so the incoming RM reads its summary and
        the outgoing RM no longer does as soon as the customers moved. Each dossier's custody
        ledger and chatter record the handover.
        """
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.line_type == "dossier")
        if not lines:
            return
        lines._bank_update_dossier_snapshots()
        dossiers = lines.dossier_id
        # Recomputed now: the record rules compare these stored fields in SQL.
        dossiers.flush_recordset(["partner_rm_user_id", "partner_backup_rm_user_id"])
        _ = self.env._
        texts = {
            dossier.id: _("Handover %(handover)s: the customer's primary RM changes from %(out)s to %(in)s; "
                          "the bag stays at %(unit)s (%(state)s).",
                          handover=self.name, out=self.outgoing_rm_id.name, **{"in": self.incoming_rm_id.name},
                          state=dossier._bank_state_label(), unit=dossier.unit_id.display_name or "-")
            for dossier in dossiers
        }
        # One append for all the dossiers (the ledger chains each dossier's rows itself).
        self.env["bank.dossier.ledger"]._bank_system_create([
            {"dossier_id": dossier.id, "event": "handover", "details": dossier._bank_ledger_details(texts[dossier.id])}
            for dossier in dossiers
        ])
        labels = dict(self.env["bank.dossier.ledger"]._fields["event"]._description_selection(self.env))
        dossiers._message_log_batch(
            bodies={
                dossier_id: escape(_("%(event)s: %(text)s", event=labels["handover"], text=text))
                for dossier_id, text in texts.items()
            },
            author_id=self.env.user.partner_id.id,
        )

    def _introduction_call_values(self, partners):
        """One introduction call per customer, VIP customers first: the highest tiers and
        largest AUM get the earliest due dates, spread over the configured number of days."""
        days = self._introduction_call_days()
        today = self.env.company._bank_today()
        activity_type = self.env.ref("bank_relationship_manager.mail_activity_type_introduction_call")
        ordered = partners.sorted(
            key=lambda p: (0 if p.bank_tier_id else 1, -p.bank_tier_id.rank, -p.bank_aum, p.name or "", p.id)
        )
        model_id = self.env["ir.model"]._get_id("res.partner")
        outgoing, incoming = self.outgoing_rm_id, self.incoming_rm_id
        values = []
        for position, partner in enumerate(ordered):
            due = today + datetime.timedelta(days=1 + position * days // len(ordered))
            values.append({
                "res_model_id": model_id,
                "res_id": partner.id,
                "activity_type_id": activity_type.id,
                "user_id": incoming.user_id.id,
                "date_deadline": due,
                "summary": self.env._("Introduce yourself as the new RM"),
                "note": self.env._(
                    "Handover %(handover)s: %(customer)s was served by %(out)s. Tier: %(tier)s; AUM: %(aum)s.",
                    handover=self.name,
                    customer=partner.name,
                    out=outgoing.name,
                    tier=partner.bank_tier_id.name or "-",
                    aum=format_amount(self.env, partner.bank_aum, partner.bank_currency_id),
                ),
            })
        return values

    @api.model
    def _introduction_call_days(self):
        # sudo: a setting of the system, read whoever closes the handover.
        raw = self.env["ir.config_parameter"].sudo().get_param(_INTRO_DAYS_PARAM, "3")
        try:
            days = int(raw)
        except (TypeError, ValueError):
            days = 0
        if days < 1:
            raise UserError(
                self.env._(
                    "The setting %(param)s must be a whole number of days, 1 or more, not %(value)s.",
                    param=_INTRO_DAYS_PARAM,
                    value=raw,
                )
            )
        return days

    def _attach_handover_list(self):
        """Render the handover list (移交清单) and attach it: a PDF where wkhtmltopdf is installed."""
        self.ensure_one()
        Report = self.env["ir.actions.report"]
        report = self.env.ref("bank_relationship_manager.bank_handover_report_list")
        # As Odoo does for tests (ir_actions_report._pre_render_qweb_pdf): a browser test
        # serves one request at a time, so wkhtmltopdf could not fetch the report's styles
        # from the server while this request waits for it; HTML is rendered there instead.
        in_browser_test = bool(modules.module.current_test and request)
        if Report.get_wkhtmltopdf_state() == "ok" and not in_browser_test:
            content, _kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(report, self.ids)
            extension, mimetype = "pdf", "application/pdf"
        else:
            content, _kind = Report._render_qweb_html(report, self.ids)
            extension, mimetype = "html", "text/html"
        if isinstance(content, str):
            content = content.encode()
        attachment = self.env["ir.attachment"].create({
            "name": self.env._("Handover list %(handover)s.%(ext)s", handover=self.name.replace("/", "-"),
                               ext=extension),
            "raw": content,
            "mimetype": mimetype,
            "res_model": self._name,
            "res_id": self.id,
        })
        self._bank_system_write({"list_attachment_id": attachment.id})
