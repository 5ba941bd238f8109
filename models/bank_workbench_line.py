# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.fields import Domain

from .bank_workbench import SECTIONS


class BankWorkbenchLine(models.TransientModel):
    """One queue of a workbench: its count (and how many are overdue) and the button that opens
    the records behind it, with the same domain as the count (models/bank_workbench.py)."""

    _name = "bank.workbench.line"
    _description = "Workbench queue"
    _inherit = ["bank.guard.mixin"]
    _order = "sequence, id"
    # Made by the workbench only (its _bank_fill): the record rule reads workbench_id.
    _bank_action_fields = frozenset({"workbench_id", "sequence", "section", "queue", "activity_type_id", "name"})

    @api.model
    def _bank_may_create(self):
        return self.env._("the queues of a workbench are made when it opens.")

    workbench_id = fields.Many2one("bank.workbench", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    section = fields.Selection(SECTIONS, required=True)
    queue = fields.Char(string="Queue key", required=True)
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity type")
    name = fields.Char(string="Queue", required=True)
    count = fields.Integer(string="Count", compute="_compute_counts")
    overdue_count = fields.Integer(string="Overdue", compute="_compute_counts")

    def _compute_counts(self):
        """Counted as the reader (the workbench's user: security/bank_workbench_security.xml), when
        read: the activities in two grouped reads per workbench, every other queue in a count."""
        for workbench, lines in self.grouped("workbench_id").items():
            activity_lines = lines.filtered(lambda line: line.queue == "activity")
            due, overdue = workbench._bank_activity_counts() if activity_lines else ({}, {})
            for line in activity_lines:
                line.count = due.get(line.activity_type_id, 0)
                line.overdue_count = overdue.get(line.activity_type_id, 0)
            queues = {queue.key: queue for queue in workbench._bank_queues()}
            for line in lines - activity_lines:
                queue = queues[line.queue]
                Model = self.env[queue.model]
                line.count = Model.search_count(queue.domain)
                line.overdue_count = Model.search_count(Domain.AND([queue.domain, queue.overdue_domain])) if (
                    line.count and queue.overdue_domain is not None) else 0

    def action_open(self):
        """The records counted on this line, as the user (record rules apply again)."""
        self.ensure_one()
        workbench = self.workbench_id
        if self.queue == "activity":
            return {
                "type": "ir.actions.act_window",
                "name": self.name,
                "res_model": "mail.activity",
                # The maintenance list, whose Done button logs the contact (views/mail_activity_views.xml).
                "views": [(self.env.ref("bank_relationship_manager.mail_activity_view_list_bank").id, "list"),
                          (False, "form")],
                "domain": [("user_id", "=", self.env.uid), ("activity_type_id", "=", self.activity_type_id.id),
                           ("date_deadline", "<=", workbench.date)],
                "context": {"create": False},
            }
        queue = workbench._bank_queue(self.queue)
        domain = queue.domain
        views = [(False, "list"), (False, "form")]
        if queue.model == "mail.activity":
            views = [(self.env.ref("bank_relationship_manager.mail_activity_view_list_bank").id, "list"),
                     (False, "form")]
        action = {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": queue.model,
            "views": views,
            "domain": domain,
            "context": {"create": False},
        }
        if queue.key == "unit_overdue":
            action["context"] = {"create": False, "group_by": ["bank_rm_id"]}
        return action
