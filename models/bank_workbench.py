# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
from collections import namedtuple

from odoo import api, fields, models

# A queue of the workbench: what to count and open (model, domain, overdue domain), for whom.
Queue = namedtuple("Queue", "key section model domain overdue_domain order groups")
# Activity kinds an RM always sees on the workbench (issue 16), even when none is due.
CORE_ACTIVITY_TYPES = (
    "mail_activity_type_birthday", "mail_activity_type_holiday", "mail_activity_type_periodic_contact",
    "mail_activity_type_maturity", "mail_activity_type_large_movement", "mail_activity_type_introduction_call",
    "mail_activity_type_post_sale", "mail_activity_type_complaint_overdue",
)
SECTIONS = [("activities", "My activities due"), ("mine", "My customers"), ("queue", "To decide"),
            ("office", "Bank-wide")]
P = "bank_relationship_manager."


class BankWorkbench(models.TransientModel):
    """The morning workbench (工作台): the page a bank user lands on, with one line per queue of
    today's work — the activities due by kind, then the customers and dossiers that need the RM,
    then what waits for the user's decision — each count opening the records behind it.

    Counted as the user, so record rules scope every figure; built when opened (one row per queue),
    never stored beyond the session (transient). Design: docs/workbench.md.
    """

    _name = "bank.workbench"
    _description = "Workbench"
    _inherit = ["bank.guard.mixin"]
    # The day is the bank's when the workbench is built (docs/guards.md): not the caller's to choose.
    _bank_action_fields = frozenset({"date", "user_id"})

    # Whose workbench it is, set at creation: the record rules (security/bank_workbench_security.xml) read it.
    user_id = fields.Many2one("res.users", string="User", readonly=True, index=True)
    date = fields.Date(string="Day", readonly=True)
    line_ids = fields.One2many("bank.workbench.line", "workbench_id", string="Queues", readonly=True)
    activity_line_ids = fields.One2many("bank.workbench.line", "workbench_id", string="My activities due",
                                        domain=[("section", "=", "activities")], readonly=True)
    mine_line_ids = fields.One2many("bank.workbench.line", "workbench_id", string="My customers",
                                    domain=[("section", "=", "mine")], readonly=True)
    queue_line_ids = fields.One2many("bank.workbench.line", "workbench_id", string="To decide",
                                     domain=[("section", "=", "queue")], readonly=True)
    office_line_ids = fields.One2many("bank.workbench.line", "workbench_id", string="Bank-wide",
                                      domain=[("section", "=", "office")], readonly=True)
    due_count = fields.Integer(string="Due today", compute="_compute_totals")
    overdue_count = fields.Integer(string="Overdue", compute="_compute_totals")

    @api.depends("activity_line_ids.count", "activity_line_ids.overdue_count")
    def _compute_totals(self):
        for workbench in self:
            workbench.due_count = sum(workbench.activity_line_ids.mapped("count"))
            workbench.overdue_count = sum(workbench.activity_line_ids.mapped("overdue_count"))

    # ------------------------------------------------------------------
    # Opening
    # ------------------------------------------------------------------

    @api.model
    def action_open_workbench(self):
        """The home action of bank staff: a fresh workbench of the user's queues, as a form."""
        workbench = self.create({})
        workbench._bank_fill()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Workbench"),
            "res_model": self._name,
            "res_id": workbench.id,
            "view_mode": "form",
            "views": [(self.env.ref(P + "bank_workbench_view_form").id, "form")],
            "target": "current",
            "context": {"form_view_initial_mode": "readonly"},
        }

    def action_refresh(self):
        self.ensure_one()
        self.line_ids._bank_system_unlink()
        self._bank_system_write({"date": self.env.company._bank_today()})
        self._bank_fill()
        return True

    @api.model
    def _bank_prepare_create(self, vals_list):
        for vals in vals_list:
            vals.update(date=self.env.company._bank_today(), user_id=self.env.uid)

    def _bank_fill(self):
        """One line per queue the user's groups reach; the counts are computed when read
        (models/bank_workbench_line.py), so that coming back to the workbench shows them current."""
        self.ensure_one()
        lines = [
            {"section": "activities", "sequence": sequence, "queue": "activity", "activity_type_id": kind.id,
             "name": kind.name}
            for sequence, kind in enumerate(self._bank_activity_types(), start=1)
        ]
        labels = self._bank_queue_labels()
        for sequence, queue in enumerate(self._bank_queues(), start=100):
            if queue.groups and not any(self.env.user.has_group(P + group) for group in queue.groups):
                continue
            lines.append({"section": queue.section, "sequence": sequence, "queue": queue.key,
                          "name": labels[queue.key]})
        self.env["bank.workbench.line"]._bank_system_create([dict(line, workbench_id=self.id) for line in lines])

    def _bank_activity_types(self):
        """The core kinds always, any other type when some of the user's activities of it are due."""
        if not self.env.user.has_group(P + "group_bank_rm"):
            return self.env["mail.activity.type"]
        due = self._bank_activity_counts()[0]
        core = self.env["mail.activity.type"].browse([self.env.ref(P + xmlid).id for xmlid in CORE_ACTIVITY_TYPES])
        return core | self.env["mail.activity.type"].union(*due)

    def _bank_activity_counts(self):
        """({type: due today or earlier}, {type: overdue}) of the user's activities: two grouped reads."""
        Activity = self.env["mail.activity"]
        mine = [("user_id", "=", self.env.uid)]
        due = dict(Activity._read_group([*mine, ("date_deadline", "<=", self.date)], ["activity_type_id"],
                                        ["__count"]))
        overdue = dict(Activity._read_group([*mine, ("date_deadline", "<", self.date)], ["activity_type_id"],
                                            ["__count"]))
        return due, overdue

    def _bank_queue_labels(self):
        """The queues' names in the user's language (apart from their domains: the term extractor
        would take the domains' strings for terms)."""
        return {
            "contact_due": self.env._("Tiered customers past their contact interval"),
            "maturities": self.env._("Maturities of the next 7 days"),
            "potential": self.env._("Potential customers closest to a tier"),
            "dossiers_out": self.env._("Dossiers I hold (due back)"),
            "weekly_summary": self.env._("My weekly summaries to submit"),
            "checkouts_to_approve": self.env._("Check-outs to approve"),
            "dossiers_to_lock": self.env._("Dossiers to lock"),
            "escalations": self.env._("Joint-maintenance requests"),
            "summaries_to_acknowledge": self.env._("Weekly summaries to acknowledge"),
            "unit_overdue": self.env._("Customers of my units with overdue maintenance (by RM)"),
            "handovers": self.env._("Handovers in progress"),
            "config_changes": self.env._("Configuration changes awaiting approval"),
        }

    def _bank_queues(self):
        """Every queue but the activities: what it counts and for which groups (any of them)."""
        uid, today = self.env.uid, self.date
        in_week = today + datetime.timedelta(days=7)
        # The customer's stored, indexed RM users (models/res_partner_assignment.py), as the record rules.
        serves = ["|", ("bank_rm_user_id", "=", uid), ("bank_backup_rm_user_id", "=", uid)]
        return [
            Queue("contact_due", "mine",
                  "bank.contact.sla.report",
                  ["&", ("within_sla", "=", False), "|", ("customer_rm_user_id", "=", uid),
                   ("customer_backup_rm_user_id", "=", uid)], None, "days_past_due desc", ("group_bank_rm",)),
            Queue("maturities", "mine", "bank.account",
                  [("maturity_date", ">=", today), ("maturity_date", "<=", in_week),
                   "|", ("partner_id.bank_rm_user_id", "=", uid), ("partner_id.bank_backup_rm_user_id", "=", uid)],
                  None, "maturity_date", ("group_bank_rm",)),
            Queue("potential", "mine", "res.partner",
                  [("bank_is_potential", "=", True), *serves], None, "bank_tier_gap", ("group_bank_rm",)),
            Queue("dossiers_out", "mine", "bank.dossier.checkout",
                  [("borrower_id", "=", uid), ("state", "=", "out")], [("is_overdue", "=", True)], "due_at",
                  ("group_bank_rm",)),
            Queue("weekly_summary", "mine", "bank.weekly.summary",
                  [("rm_user_id", "=", uid), ("state", "=", "draft"), ("date_from", "<=", today)], None,
                  "date_from", ("group_bank_rm",)),
            Queue("checkouts_to_approve", "queue", "bank.dossier.checkout",
                  [("state", "=", "requested"), ("borrower_id", "!=", uid), "|",
                   ("dossier_id.unit_id.head_user_id", "=", uid), ("dossier_id.unit_id.oversight_user_ids", "in", uid)],
                  None, "requested_at",
                  ("group_bank_unit_head",)),
            Queue("dossiers_to_lock", "queue", "bank.dossier",
                  [("state", "=", "draft"), "|", ("unit_id.head_user_id", "=", uid),
                   ("unit_id.oversight_user_ids", "in", uid)], None, "id",
                  ("group_bank_unit_head",)),
            Queue("escalations", "queue", "bank.escalation",
                  [("state", "=", "requested"), ("supervisor_user_id", "=", uid)], None, "request_date",
                  ("group_bank_unit_head",)),
            Queue("summaries_to_acknowledge", "queue",
                  "bank.weekly.summary",
                  [("state", "=", "submitted"), ("rm_user_id", "!=", uid)], None, "date_from",
                  ("group_bank_unit_head",)),
            # Counted on the customers (models/res_partner_workbench.py), not on mail.activity, whose
            # access check reads every activity's document (24.8 s for a unit head of 20,000 customers).
            Queue("unit_overdue", "queue", "res.partner",
                  [("is_bank_customer", "=", True), ("bank_has_overdue_activity", "=", True), "|",
                   ("bank_unit_id.head_user_id", "=", uid), ("bank_unit_id.oversight_user_ids", "in", uid)],
                  None, "bank_rm_id", ("group_bank_unit_head",)),
            Queue("handovers", "office", "bank.handover",
                  [("state", "in", ("submitted", "approved", "in_progress"))], None, "id",
                  ("group_bank_office", "group_bank_hr")),
            Queue("config_changes", "office",
                  "bank.config.change",
                  [("state", "=", "submitted")], None, "id", ("group_bank_admin",)),
        ]

    def _bank_queue(self, key):
        return next(queue for queue in self._bank_queues() if queue.key == key)
