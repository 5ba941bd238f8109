# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_round, formatLang

from .bank_guard_mixin import guard_error

CAMPAIGN_STATES = [("draft", "Draft"), ("published", "Published")]

GROUP_OFFICE = "bank_relationship_manager.group_bank_office"
ENCOURAGEMENT_TYPE = "bank_relationship_manager.mail_activity_type_campaign_encouragement"
# Days the lagging RMs get to act on their encouragement.
ENCOURAGEMENT_DAYS = 7


class BankAppraisalCampaign(models.Model):
    """A special campaign (专项考核): one computed KPI over a period, every RM of the units in scope
    ranked on it, and a leaderboard the RM office publishes to the bank users in scope (seed 000:
    the best praised on the intranet, the lagging encouraged).

    draft → published. The office creates the campaign, computes it (``action_compute``, again as
    often as it likes while draft: every RM who served in the period and whose unit is in scope,
    child units included, measured by one set-based query of the KPI for all of them, and ranked
    1, 2, 2, 4 in the KPI's direction), then publishes it (``action_publish``): the campaign and
    its lines are sealed for everyone, the superuser included; the users in scope (the RMs ranked,
    the heads of the units in scope and everyone who oversees them) may read it; the top RMs are
    praised in a message on the campaign and the lagging ones get an encouraging activity in their
    supervisor's name (not those who have left the bank since).

    Lagging: the bottom quarter of the ranking, rounded down (``n // 4`` places: none under 4
    RMs, one from 4, two from 8, …), ties with the last of those places included, never an RM
    ranked first.

    Odoo's gamification module was looked at and not used: its goals belong to users (not to RMs
    and their units), have no weights, are refreshed only for users active in the last 7 days, and
    Odoo 19 has no leaderboard screen for them. We reuse its idea of a KPI defined by a model, a
    domain and a field: that is ``bank.kpi`` (models/bank_kpi.py) and its measures."""

    _name = "bank.appraisal.campaign"
    _description = "Special appraisal campaign"
    _inherit = ["bank.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    # The guard (models/bank_guard_mixin.py): the office writes the definition while draft; the
    # actions set the leaderboard, the scope and the state; a published campaign is sealed.
    _bank_action_fields = frozenset({
        "state", "line_ids", "scope_user_ids", "computed_on", "computed_key", "higher_is_better",
        "published_by_id", "published_on", "company_id",
    })
    _bank_locked_states = frozenset({"published"})
    _bank_sealed_fields = frozenset({
        "name", "kpi_id", "date_from", "date_to", "unit_ids", "state", "line_ids", "scope_user_ids", "computed_on",
        "computed_key", "higher_is_better", "published_by_id", "published_on", "company_id", "description",
    })
    _bank_sealed_states = frozenset({"published"})
    _bank_steps = {"compute": ("draft",), "publish": ("draft",)}

    name = fields.Char(required=True, tracking=True)
    description = fields.Text(help="What the campaign is for, shown with the leaderboard.")
    kpi_id = fields.Many2one(
        "bank.kpi", string="KPI", required=True, ondelete="restrict", tracking=True,
        domain="[('source', '=', 'computed')]", help="The computed KPI on which the RMs are ranked.",
    )
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    unit_ids = fields.Many2many(
        "bank.org.unit", "bank_appraisal_campaign_unit_rel", "campaign_id", "unit_id", string="Units in scope",
        required=True, help="The RMs of these units and of the units below them are ranked.",
    )
    state = fields.Selection(CAMPAIGN_STATES, required=True, default="draft", readonly=True, tracking=True,
                             copy=False, index=True)
    line_ids = fields.One2many("bank.appraisal.campaign.line", "campaign_id", string="Leaderboard", readonly=True)
    line_count = fields.Integer(string="RMs ranked", compute="_compute_line_count")
    higher_is_better = fields.Boolean(string="Higher is better", readonly=True,
                                      help="The KPI's direction when the campaign was computed.")
    computed_on = fields.Datetime(readonly=True, copy=False)
    # What the leaderboard was computed for (KPI, dates, units): a changed campaign is computed
    # again before it is published.
    computed_key = fields.Char(readonly=True, copy=False)
    # Stored for the record rules (docs/guards.md: an action field): who may read the published
    # leaderboard.
    scope_user_ids = fields.Many2many(
        "res.users", "bank_appraisal_campaign_scope_user_rel", "campaign_id", "user_id", string="Users in scope",
        readonly=True, copy=False,
        help="The RMs ranked, the heads of the units in scope and those who oversee them: they read the published "
        "leaderboard.",
    )
    published_by_id = fields.Many2one("res.users", string="Published by", readonly=True, copy=False)
    published_on = fields.Datetime(readonly=True, copy=False)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    can_compute = fields.Boolean(compute="_compute_bank_can")
    can_publish = fields.Boolean(compute="_compute_bank_can")

    @api.depends("line_ids")
    def _compute_line_count(self):
        for campaign in self:
            campaign.line_count = len(campaign.line_ids)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @api.constrains("kpi_id")
    def _check_kpi(self):
        for campaign in self:
            if campaign.kpi_id.source != "computed":
                raise ValidationError(self.env._(
                    "Campaign %(campaign)s, field KPI: %(kpi)s is entered by the supervisors; a campaign ranks the RMs "
                    "on a computed KPI.", campaign=campaign.name, kpi=campaign.kpi_id.name,
                ))

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for campaign in self:
            if campaign.date_from and campaign.date_to and campaign.date_from > campaign.date_to:
                raise ValidationError(self.env._(
                    "Campaign %(campaign)s, field To: the period ends (%(date_to)s) before it starts (%(date_from)s).",
                    campaign=campaign.name, date_to=campaign.date_to, date_from=campaign.date_from,
                ))

    # Also on the KPI (always given): a campaign created without units is checked too.
    @api.constrains("unit_ids", "kpi_id")
    def _check_units(self):
        for campaign in self:
            if not campaign.unit_ids:
                raise ValidationError(self.env._(
                    "Campaign %(campaign)s, field Units in scope: choose at least one unit.", campaign=campaign.name,
                ))

    # ------------------------------------------------------------------
    # Who may take the steps
    # ------------------------------------------------------------------

    def _bank_office_only(self):
        if not self.env.su and not self.env.user.has_group(GROUP_OFFICE):
            return self.env._("only the RM management office does this, not %(user)s.", user=self.env.user.name)
        return None

    def _bank_may_compute(self):
        return self._bank_office_only()

    def _bank_may_publish(self):
        problem = self._bank_office_only()
        if problem:
            return problem
        if not self.computed_on:
            return self.env._("compute the leaderboard before publishing it.")
        if self.computed_key != self._bank_compute_key():
            return self.env._("the KPI, the period or the units changed since the leaderboard was computed: "
                              "compute it again.")
        return None

    def _bank_may_unlink(self):
        if self.state == "published":
            return self.env._("a published campaign is kept as it was published; it is never deleted.")
        return self._bank_office_only()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        """Nobody deletes a published campaign, the superuser included (the guard spares the
        superuser; a published leaderboard is a record of the bank)."""
        for campaign in self:
            if campaign.state == "published":
                raise guard_error(campaign, None, campaign._bank_may_unlink())

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_compute(self):
        """Rank every RM in scope on the KPI (again: the same records give the same leaderboard)."""
        for campaign in self._bank_start_step("compute"):
            campaign._bank_compute()
        return True

    def action_publish(self):
        """Freeze the leaderboard, open it to the users in scope, praise the top, encourage the lagging."""
        campaigns = self._bank_start_step("publish")
        now = fields.Datetime.now()
        for campaign in campaigns:
            campaign._bank_system_write({
                "state": "published", "published_by_id": self.env.uid, "published_on": now,
                "scope_user_ids": [Command.set(campaign._bank_scope_users().ids)],
            })
        for campaign in campaigns:
            campaign._bank_praise_top()
        campaigns._bank_encourage_lagging()
        return True

    def action_open_leaderboard(self):
        """The leaderboard: the campaign's lines by rank."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Leaderboard: %(campaign)s", campaign=self.name),
            "res_model": "bank.appraisal.campaign.line",
            "view_mode": "list",
            "views": [(self.env.ref("bank_relationship_manager.bank_appraisal_campaign_line_view_list").id, "list")],
            "domain": [("campaign_id", "=", self.id)],
            "context": {"create": False, "edit": False, "delete": False},
        }

    # ------------------------------------------------------------------
    # Computing and ranking
    # ------------------------------------------------------------------

    def _bank_compute_key(self):
        self.ensure_one()
        return f"{self.kpi_id.id}|{self.date_from}|{self.date_to}|{','.join(map(str, sorted(self.unit_ids.ids)))}"

    def _bank_rms_in_scope(self):
        """Every RM who served in the period (``bank.appraisal._bank_rms_served``) whose unit is
        one of the units in scope or below them (the RM's unit today)."""
        self.ensure_one()
        served = self.env["bank.appraisal"]._bank_rms_served(self.date_from, self.date_to)
        # sudo: every RM in scope is ranked, whatever RMs and units the office user may read.
        return self.env["bank.rm"].sudo().with_context(active_test=False).search([
            ("id", "in", served.ids), ("unit_id", "child_of", self.unit_ids.ids),
        ])

    def _bank_compute(self):
        """Measure the KPI for every RM in scope by ONE call of its set-based measure
        (models/bank_kpi_measures.py), rank them and replace the lines by one create."""
        self.ensure_one()
        rms = self._bank_rms_in_scope()
        # sudo: the system measures what the RMs did, whatever the caller may read.
        kpi = self.kpi_id.sudo()
        actuals = kpi._bank_actuals(rms, self.date_from, self.date_to) if rms else {}
        digits = self.env["bank.appraisal.campaign.line"]._fields["actual"].get_digits(self.env)[1]
        values = {rm.id: float_round(actuals.get(rm.id, 0.0) or 0.0, precision_digits=digits) for rm in rms}
        ranks = competition_ranks(values, kpi.higher_is_better)
        lagging = lagging_ids(ranks)
        self.line_ids._bank_system_unlink()
        # Created in the leaderboard's order (rank, then name), as the form lists them at once.
        self.env["bank.appraisal.campaign.line"]._bank_system_create([{
            "campaign_id": self.id, "rm_id": rm.id, "rm_user_id": rm.user_id.id, "unit_id": rm.unit_id.id,
            "actual": values[rm.id], "rank": ranks[rm.id], "lagging": rm.id in lagging,
        } for rm in rms.sorted(lambda rm: (ranks[rm.id], rm.name or "", rm.id))])
        self._bank_system_write({
            "computed_on": fields.Datetime.now(), "computed_key": self._bank_compute_key(),
            "higher_is_better": kpi.higher_is_better,
        })

    # ------------------------------------------------------------------
    # Publishing
    # ------------------------------------------------------------------

    def _bank_scope_units(self):
        # sudo: the scope is the whole subtree, whatever units the office user may read.
        return self.env["bank.org.unit"].sudo().with_context(active_test=False).search([
            ("id", "child_of", self.unit_ids.ids),
        ])

    def _bank_scope_users(self):
        """Who reads the published leaderboard: the users of the RMs ranked, the heads of the units
        in scope and the supervisors and centre heads of those units or above them."""
        self.ensure_one()
        units = self._bank_scope_units()
        # sudo: the owners of the lines and units, whatever the office user may read.
        return self.sudo().line_ids.rm_user_id | units.head_user_id | units.oversight_user_ids

    def _bank_praise_top(self):
        """A message on the campaign naming the RMs ranked first (ties included)."""
        self.ensure_one()
        # sudo: the names of the RMs ranked first, read for the message.
        top = self.sudo().line_ids.filtered(lambda line: line.rank == 1)
        if not top:
            return
        body = self.env._(
            "Congratulations to %(names)s, first in the campaign %(campaign)s with %(actual)s (%(kpi)s)!",
            names=", ".join(top.rm_id.mapped("name")), campaign=self.name,
            actual=_format_actual(self.env, top[0].actual), kpi=self.kpi_id.name,
        )
        self.message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment",
            partner_ids=top.rm_user_id.partner_id.ids,
        )

    def _bank_encourage_lagging(self):
        """One encouraging activity per lagging RM, assigned to the RM, its note in the name of the
        RM's supervisor (``_bank_encourager``), all made by one create."""
        activity_type = self.env.ref(ENCOURAGEMENT_TYPE)
        model_id = self.env["ir.model"]._get_id(self._name)
        deadline = self.env.company._bank_today() + timedelta(days=ENCOURAGEMENT_DAYS)
        vals_list = []
        # sudo: the lagging lines, their RMs and their units' supervisors, whatever the office reads.
        for campaign in self.sudo():
            # An RM who has left the bank meanwhile is not encouraged.
            for line in campaign.line_ids.filtered(
                lambda line: line.lagging and line.rm_user_id.active and line.rm_id.state != "left"
            ):
                encourager = _bank_encourager(line.rm_id) or self.env.user
                # In the RM's language: the note is written to them.
                _ = self.with_context(lang=line.rm_user_id.lang or self.env.lang).env._
                vals_list.append({
                    "res_model_id": model_id, "res_id": campaign.id, "activity_type_id": activity_type.id,
                    "user_id": line.rm_user_id.id, "date_deadline": deadline,
                    "summary": _("Campaign %(campaign)s: keep going!", campaign=campaign.name),
                    "note": _(
                        "%(supervisor)s: you are ranked %(rank)s of %(count)s in the campaign %(campaign)s with "
                        "%(actual)s (%(kpi)s). Every step counts: let us talk about how I can help you move up.",
                        supervisor=encourager.name, rank=line.rank, count=len(campaign.line_ids),
                        campaign=campaign.name, actual=_format_actual(self.env, line.actual), kpi=campaign.kpi_id.name,
                    ),
                })
        if vals_list:
            # sudo: the choke point of the encouragements: the publish step checked the office user;
            # the activities are assigned to the RMs on the campaign they now read, in their
            # supervisor's name, values from the campaign only.
            self.env["mail.activity"].sudo().create(vals_list)


def _format_actual(env, value):
    """An actual as the user reads it: whole numbers without decimals, amounts with two."""
    return formatLang(env, value, digits=0 if float(value).is_integer() else 2)


def _bank_encourager(rm):
    """The RM's supervisor: walking up from the RM's unit, the first unit's supervisor, head or
    wealth-centre head who is not the RM."""
    unit = rm.unit_id
    while unit:
        for user in (unit.supervisor_user_id, unit.head_user_id, unit.center_head_user_id):
            if user and user != rm.user_id:
                return user
        unit = unit.parent_id
    return None


def competition_ranks(values, higher_is_better=True):
    """``{key: value}`` → ``{key: rank}``, competition ranking (1, 2, 2, 4) in the direction given."""
    ordered = sorted(values.values(), reverse=higher_is_better)
    first_position = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: first_position[value] for key, value in values.items()}


def lagging_ids(ranks):
    """The keys in the bottom quarter of ``ranks`` (``n // 4`` places, ties with the last place of
    that quarter included, never a key ranked first)."""
    count = len(ranks) // 4
    if not count:
        return set()
    ordered = sorted(ranks.values())
    cut = ordered[len(ordered) - count]
    return {key for key, rank in ranks.items() if rank >= cut and rank > 1}
