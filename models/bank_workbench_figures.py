# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The RM's own figures on the workbench (docs/workbench.md): the latest appraisal they may read,
the assets of the customers they serve as primary RM and those customers' contribution in the
newest value month. Computed as the user when the workbench is read, so record rules scope them."""
from odoo import api, fields, models

P = "bank_relationship_manager."


class BankWorkbench(models.TransientModel):
    _inherit = "bank.workbench"

    currency_id = fields.Many2one("res.currency", compute="_compute_bank_rm_figures")
    rm_appraisal_id = fields.Many2one("bank.appraisal", string="My latest appraisal",
                                      compute="_compute_bank_rm_figures")
    rm_appraisal_score = fields.Float(string="My appraisal score", digits=(16, 2),
                                      compute="_compute_bank_rm_figures")
    rm_appraisal_date = fields.Date(string="Appraised period ends", compute="_compute_bank_rm_figures")
    rm_customer_count = fields.Integer(string="Customers I serve", compute="_compute_bank_rm_figures",
                                       help="Customers whose primary RM I am.")
    rm_aum = fields.Monetary(string="Their assets (AUM)", compute="_compute_bank_rm_figures")
    rm_value_date = fields.Date(string="Value month", compute="_compute_bank_rm_figures",
                               help="The newest month of value snapshots of my customers.")
    rm_contribution = fields.Monetary(string="Their contribution", compute="_compute_bank_rm_figures",
                                      help="Estimated income − estimated cost of my customers in the value month.")

    @api.depends_context("uid")
    def _compute_bank_rm_figures(self):
        for workbench in self:
            workbench.currency_id = workbench.env.company.currency_id
            figures = workbench._bank_rm_figures() if workbench.env.user.has_group(P + "group_bank_rm") else {}
            for fname in ("rm_appraisal_id", "rm_appraisal_score", "rm_appraisal_date", "rm_customer_count",
                          "rm_aum", "rm_value_date", "rm_contribution"):
                workbench[fname] = figures.get(fname, False)

    def _bank_rm_figures(self):
        """Four reads as the user: the appraisal, the customers' AUM, the value month and its sum."""
        uid = self.env.uid
        appraisal = self.env["bank.appraisal"].search(
            [("rm_user_id", "=", uid), ("state", "!=", "draft"), ("period", "=", "monthly"),
             ("superseded", "=", False)],
            order="date_to desc, id desc", limit=1,
        ) if self.env["bank.appraisal"].has_access("read") else self.env["bank.appraisal"]
        [(count, aum)] = self.env["res.partner"]._read_group(
            [("is_bank_customer", "=", True), ("bank_rm_user_id", "=", uid)], [], ["__count", "bank_aum:sum"],
        )
        figures = {"rm_appraisal_id": appraisal, "rm_appraisal_score": appraisal.total_score,
                   "rm_appraisal_date": appraisal.date_to, "rm_customer_count": count, "rm_aum": aum}
        Value = self.env["bank.customer.value"]
        if Value.has_access("read"):
            mine = [("rm_id.user_id", "=", uid), ("is_current", "=", True)]
            [(month,)] = Value._read_group(mine, [], ["date:max"])
            if month:
                [(contribution,)] = Value._read_group([*mine, ("date", "=", month)], [], ["contribution:sum"])
                figures.update(rm_value_date=month, rm_contribution=contribution)
        return figures

    def action_open_my_appraisal(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(P + "bank_appraisal_action_mine")
        if self.rm_appraisal_id:
            action.update(res_id=self.rm_appraisal_id.id, view_mode="form",
                          views=[(False, "form")])
        return action

    def action_open_my_values(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(P + "bank_customer_value_action")
        action["domain"] = [("rm_id.user_id", "=", self.env.uid), ("date", "=", self.rm_value_date)]
        action["context"] = {"search_default_current": 1}
        return action
