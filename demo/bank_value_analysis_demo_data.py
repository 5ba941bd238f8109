# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import api, models

# The assessment the demo RMs write (in Chinese, as the bank's staff do).
_ASSESSMENT = {
    "current_value": "存款与理财稳定，本期贡献为正，主要来自活期存款利差。",
    "potential": "客户处于财富积累期，收入增长，尚未持有基金和保险产品。",
    "difference_reason": "本季度上门服务两次，服务成本高于预期。",
    "plan": "deepen",
}


class BankValueAnalysisDemoData(models.AbstractModel):
    """Written value analyses of the demo customers in every state, for the demo database:
    planned on the last quarter's snapshots, then written, submitted and acknowledged by the
    demo RMs and unit heads themselves (through the steps, as they would in the form)."""

    _name = "bank.value.analysis.demo.data"
    _description = "Demo value analysis generator"

    @api.model
    def _generate_analyses(self):
        Analysis = self.env["bank.value.analysis"]
        last = self.env["bank.customer.value"].search([], order="date desc", limit=1).date
        if not last or Analysis.search_count([], limit=1):
            return
        # The newest month that ends a quarter and has snapshots.
        month_end = last
        while month_end.month % 3:
            month_end = month_end.replace(day=1) - relativedelta(days=1)
        Analysis._bank_plan(month_end)
        drafts = Analysis.search([("period", "=", "quarter")], order="id")
        # Every third stays a draft; the others are written and submitted by their RM, and every
        # other submitted one is acknowledged by the head of the customer's unit.
        for position, analysis in enumerate(drafts):
            rm_user = analysis.partner_id.bank_rm_user_id
            if position % 3 == 0 or not rm_user or not Analysis._bank_find_reviewer(analysis.partner_id.bank_unit_id):
                continue
            mine = analysis.with_user(rm_user)
            mine.write(_ASSESSMENT)
            mine.action_submit()
            reviewer = analysis.with_user(analysis.reviewer_user_id)
            if position % 3 == 2 and analysis.reviewer_user_id and reviewer.can_acknowledge:
                reviewer.action_acknowledge()
