# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The tier engine: customer metrics computed set-based in SQL, rules applied to them.

Kept apart from ``res.partner`` so that the nightly run, ``action_bank_evaluate`` and the
what-if preview share one implementation (the preview must count exactly what a real run
would change). The rates, the metrics in SQL and the customers' states are in
bank_tier_engine_metrics.py.
"""

import ast
import calendar
import datetime
from dataclasses import dataclass, field

from odoo import api, models
from odoo.tools import SQL, float_round, format_date, get_lang

from odoo.addons.base.models.res_lang import intersperse

XUN_COUNT = 18  # the half-year: 18 旬


def xun_windows(day, count=XUN_COUNT):
    """The ``count`` most recent complete 旬 (1-10, 11-20, 21-end of month) ending on or
    before ``day``, oldest first, as (first day, last day) pairs."""
    last_day = calendar.monthrange(day.year, day.month)[1]
    if day.day >= last_day:
        year, month, index = day.year, day.month, 2
    elif day.day >= 20:
        year, month, index = day.year, day.month, 1
    elif day.day >= 10:
        year, month, index = day.year, day.month, 0
    else:
        previous = day.replace(day=1) - datetime.timedelta(days=1)
        year, month, index = previous.year, previous.month, 2
    windows = []
    for _i in range(count):
        first = 1 + 10 * index
        last = calendar.monthrange(year, month)[1] if index == 2 else first + 9
        windows.append((datetime.date(year, month, first), datetime.date(year, month, last)))
        index -= 1
        if index < 0:
            index = 2
            month -= 1
            if month == 0:
                year, month = year - 1, 12
    return windows[::-1]


def xun_day_weights(day):
    """The days of the half-year window ending on ``day`` with their cumulative weights.

    Each day weighs 1 / (18 x the length of its 旬), so that the weighted sum of the daily
    balances is the mean of the 18 旬 means. Returns (days, cumulative weights, first day,
    last day): the sum over a run of days [a, b] is cumulative(b) - cumulative(a - 1).
    """
    windows = xun_windows(day)
    days, cumulative, total = [], [], 0.0
    for first, last in windows:
        length = (last - first).days + 1
        for offset in range(length):
            total += 1.0 / (XUN_COUNT * length)
            days.append(first + datetime.timedelta(days=offset))
            cumulative.append(total)
    return days, cumulative, windows[0][0], windows[-1][1]


@dataclass
class Condition:
    metric: str
    category_ids: frozenset
    operator: str
    amount: float  # in company currency on the evaluation date
    label: str
    # Worked out once per rule set rather than once per customer (the what-if decides for a
    # million customers): the metrics' keys and the threshold to the cent.
    keys: tuple = field(init=False, repr=False)
    threshold: float = field(init=False, repr=False)
    strict: bool = field(init=False, repr=False)
    # The threshold as the reasons print it, with the formatter that printed it (the same for
    # every customer of a rule set: formatted once, not once per customer).
    amount_text: tuple = field(default=(None, ""), init=False, repr=False, compare=False)

    def __post_init__(self):
        self.keys = tuple((self.metric, category_id) for category_id in self.category_ids)
        self.threshold = round(self.amount, 2)
        self.strict = self.operator != ">="

    def value(self, metrics, income):
        """The customer's figure this condition reads, from the metrics in company currency."""
        if self.metric == "annual_income":
            return income
        get = metrics.get
        values = [get(key, 0.0) for key in self.keys]
        if self.metric == "max_contract_amount":
            return max(values, default=0.0)
        return sum(values)

    def holds(self, value, ratio=1.0):
        """Whether ``value`` passes the threshold (times ``ratio``: below 1, "close to" it).
        Amounts are compared to the cent, so that float noise never flips a boundary."""
        value = round(value, 2)
        if ratio == 1.0:
            return value > self.threshold if self.strict else value >= self.threshold
        threshold = round(self.amount * ratio, 2)
        return value > threshold if self.strict and ratio > 1.0 else value >= threshold

    def threshold_text(self, fmt):
        """The threshold written by ``fmt`` (a ``_money_formatter``), as the reasons print it."""
        if self.amount_text[0] is not fmt:
            self.amount_text = (fmt, fmt(self.amount))
        return self.amount_text[1]


@dataclass
class Rule:
    id: int
    name: str
    conditions: list = field(default_factory=list)
    # The first line of the reason, "<tier> — rule «<rule>»:", with the language it is in
    # (translated once per rule set, not once per customer).
    heading: tuple = field(default=(None, ""), init=False, repr=False, compare=False)


@dataclass
class Tier:
    id: int
    name: str
    rank: int
    grace_days: int
    is_potential_rule: bool
    rules: list = field(default_factory=list)


class BankTierEngine(models.AbstractModel):
    _name = "bank.tier.engine"
    _description = "Tier evaluation engine"

    # ------------------------------------------------------------------
    # Rules as plain data
    # ------------------------------------------------------------------

    @api.model
    def _rule_set(self, date, tiers=None):
        """The active tiers, rules and conditions as plain data, thresholds converted into the
        company currency at ``date`` (a missing rate is an error, never 1:1)."""
        tiers = tiers if tiers is not None else self.env["bank.vip.tier"].search([])
        rates = self._rates(date, tiers.rule_ids.condition_ids.currency_id)
        result = []
        for tier in tiers.sorted("rank", reverse=True):
            data = Tier(tier.id, tier.name, tier.rank, tier.downgrade_grace_days, tier.is_potential_rule)
            for rule in tier.rule_ids:  # (archived rules are not in rule_ids)
                conditions = [
                    Condition(
                        condition.metric,
                        frozenset(condition.category_ids.ids),
                        condition.operator,
                        condition.amount * rates[condition.currency_id.id],
                        self._condition_label(condition),
                    )
                    for condition in rule.condition_ids
                ]
                data.rules.append(Rule(rule.id, rule.name, conditions))
            result.append(data)
        return result

    @api.model
    def _xun_categories(self, rule_set):
        """The categories whose 10-day averages some condition of ``rule_set`` reads: the
        metrics look up the per-旬 sums of those accounts only."""
        return frozenset().union(*(
            condition.category_ids
            for tier in rule_set for rule in tier.rules for condition in rule.conditions
            if condition.metric == "xun_avg_6m"
        ))

    @api.model
    def _condition_label(self, condition):
        """The metric and its categories by name, in the context's language (the reader's): a
        reason reads "半年旬日均 [活期存款、定期存款]", not category codes (issue 16)."""
        metric = condition._metric_label()
        if condition.category_ids:
            separator = "、" if (self.env.lang or "").startswith("zh") else ", "
            metric = f"{metric} [{separator.join(condition.category_ids.mapped('name'))}]"
        return metric

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------

    @api.model
    def _money_formatter(self):
        """``format_amount`` in the company currency and the context's language, for many
        amounts: the language and currency are read once instead of for every amount (the
        reasons of 100,000 customers hold about a million amounts)."""
        currency = self.env.company.currency_id
        lang = get_lang(self.env)
        grouping, separator, point = ast.literal_eval(lang.grouping), lang.thousands_sep or "", lang.decimal_point
        digits, rounding = currency.decimal_places, currency.rounding
        pre = f"{currency.symbol or ''}\N{NO-BREAK SPACE}" if currency.position == "before" else ""
        post = f"\N{NO-BREAK SPACE}{currency.symbol or ''}" if currency.position != "before" else ""

        def fmt(amount):
            whole, _dot, decimals = ("%.*f" % (digits, float_round(amount, precision_rounding=rounding))).partition(".")
            text = intersperse(whole, grouping, separator)[0] + (point + decimals if decimals else "")
            return pre + text.replace(" ", "\N{NO-BREAK SPACE}").replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}") + post

        return fmt

    @api.model
    def _decide(self, state, metrics, rule_set, date, potential_ratio, fmt=None, outlook=None, explain=True,
                counting=False):
        """The tier, reason, AUM and potential flag of one customer, from its metrics.

        ``state`` holds what the customer has now: ``tier_id``, ``failing_since``, ``income``.
        Pure computation on figures already aggregated in SQL: no query. ``fmt`` formats an
        amount in the company currency (``_money_formatter`` of the customer's language);
        ``outlook`` (see ``_outlook``) turns 10-day-average gaps into amounts to hold. Without
        ``explain`` (counting only, as the what-if does), the reasons leave out the figures.
        """
        income = state["income"]
        fmt = fmt or self._money_formatter()
        tiers = [tier for tier in rule_set if not tier.is_potential_rule]
        by_id = {tier.id: tier for tier in tiers}

        def describe(rule, tier):
            if not explain:
                return rule.name
            if rule.heading[0] != self.env.lang:
                heading = self.env._("%(tier)s — rule «%(rule)s»:", tier=tier.name, rule=rule.name)
                rule.heading = (self.env.lang, heading)
            lines = [rule.heading[1]]
            for condition in rule.conditions:
                value = condition.value(metrics, income)
                lines.append(
                    f"  {condition.label}: {fmt(value)} {condition.operator} {condition.threshold_text(fmt)}"
                    f" {'✓' if condition.holds(value) else '✗'}"
                )
            return "\n".join(lines)

        # The highest tier with a rule whose conditions all hold (plain loops: this runs for
        # every customer of the nightly evaluation and of the what-if).
        reached, reached_rule = None, None
        for tier in tiers:
            for rule in tier.rules:
                for condition in rule.conditions:
                    if not condition.holds(condition.value(metrics, income)):
                        break
                else:
                    reached, reached_rule = tier, rule
                    break
            if reached:
                break

        current = by_id.get(state["tier_id"])
        failing_since = None
        if current and (not reached or reached.rank < current.rank):
            since = state["failing_since"] or date
            if (date - since).days + 1 >= current.grace_days:
                new = reached
            else:
                new, failing_since = current, since
        else:
            new = reached

        if counting:
            reason = False
        elif new and new is reached:
            reason = describe(reached_rule, reached)
        elif new:
            until = failing_since + datetime.timedelta(days=current.grace_days - 1)
            reason = self.env._(
                "%(tier)s kept until %(until)s (downgrade grace of %(days)s days): its rules no longer hold "
                "since %(since)s.",
                tier=current.name, until=format_date(self.env, until), days=current.grace_days,
                since=format_date(self.env, failing_since),
            )
        else:
            reason = self.env._("No tier rule holds.")

        is_potential, potential_lines, gap = False, [], None
        if not new and not counting:
            close_rules, all_rules = [], []
            for tier in rule_set:
                for rule in tier.rules:
                    values = [(c, c.value(metrics, income)) for c in rule.conditions]
                    if tier.is_potential_rule:
                        if all(c.holds(v) for c, v in values):
                            is_potential = True
                            potential_lines.append(describe(rule, tier))
                        continue
                    all_rules.append((tier, rule, values))
                    if all(c.holds(v, potential_ratio) for c, v in values):
                        is_potential = True
                        close_rules.append((tier, rule, values))
                        if explain:
                            potential_lines.append(
                                self.env._("Close to %(tier)s, rule «%(rule)s».", tier=tier.name, rule=rule.name)
                            )
            # The gap is measured on the rules the customer is close to; a customer potential by
            # a potential rule only (e.g. income) is measured on every rule.
            for tier, rule, values in (close_rules or all_rules) if explain and is_potential else ():
                shortfalls = [
                    (c, max(0.0, c.amount - v) + (0.01 if c.operator == ">" and round(v, 2) <= c.amount else 0.0))
                    for c, v in values
                ]
                rule_gap = sum(s for _c, s in shortfalls)
                if gap is None or rule_gap < gap[0]:
                    gap = (rule_gap, tier, rule, shortfalls)
            if is_potential and gap:
                rule_gap, tier, rule, shortfalls = gap
                potential_lines.append(
                    self.env._("Gap to %(tier)s, rule «%(rule)s»:", tier=tier.name, rule=rule.name)
                )
                potential_lines += [
                    self.env._("  %(metric)s needs +%(amount)s", metric=c.label, amount=fmt(s))
                    + self._holding_hint(c, s, income, outlook, fmt)
                    for c, s in shortfalls
                    if s > 0
                ]
        aum = sum(
            value for (metric, category_id), value in metrics.items()
            if metric == "balance" and category_id in state["asset_category_ids"]
        )
        return {
            "tier_id": new.id if new else False,
            "reason": reason,
            "failing_since": failing_since,
            "aum": aum,
            "is_potential": is_potential,
            "potential_reason": "\n".join(potential_lines) if is_potential else False,
            "gap": gap[0] if is_potential and gap else 0.0,
            "gap_metrics": {c.metric for c, s in gap[3] if s > 0} if is_potential and gap else set(),
            "gap_tier_id": gap[1].id if is_potential and gap else False,
        }

    @api.model
    def _holding_hint(self, condition, shortfall, income, outlook, fmt):
        """For a 10-day-average gap: how much more, held from tomorrow to the end of the
        current 旬, reaches the threshold when that 旬 closes. Holding H for the N remaining
        days of a 旬 of L days raises its mean by H x N / L, and the half-year average by a
        eighteenth of that."""
        if condition.metric != "xun_avg_6m" or not outlook:
            return ""
        metrics = outlook["metrics"].get(outlook["partner_id"], {})
        need = condition.amount - condition.value(metrics, income)
        if condition.operator == ">" and need >= 0:
            need += 0.01
        if need <= 0:
            return self.env._(
                " (today's balances reach it when the 10-day period ending %(last)s closes)", last=outlook["last"]
            )
        hold = need * XUN_COUNT * outlook["length"] / outlook["days"]
        return self.env._(
            ": about +%(amount)s held for the remaining %(days)s days of the 10-day period ending %(last)s",
            amount=fmt(hold), days=outlook["days"], last=outlook["last"],
        )

    # ------------------------------------------------------------------
    # Runs
    # ------------------------------------------------------------------

    @api.model
    def _decide_batch(self, partner_ids, date, rule_sets, explain=True, counting=False):
        """``{partner_id: decision}`` for a batch, with the states the decisions started from.

        ``rule_sets`` maps a language to the rule set whose labels are in it; missing
        languages are built on first use (one rule set per language per run). ``counting``:
        see ``_decide``.
        """
        # sudo: system parameters are readable by administrators only; this ratio is not secret.
        ratio = float(
            self.env["ir.config_parameter"].sudo().get_param("bank_relationship_manager.potential_ratio", 0.8)
        )
        states = self._states(partner_ids)
        engines, formatters = {}, {}
        for lang in {state["lang"] for state in states.values()}:
            engines[lang] = self.with_context(lang=lang)
            formatters[lang] = engines[lang]._money_formatter()
            if lang not in rule_sets:
                rule_sets[lang] = engines[lang]._rule_set(date)
        # Every language's rule set has the same conditions: any of them says which averages
        # the decisions read.
        xun_categories = self._xun_categories(rule_sets[next(iter(engines))]) if engines else frozenset()
        metrics = self._metrics(partner_ids, date, xun_categories)
        decisions = {}
        for partner_id, state in states.items():
            lang = state["lang"]
            decisions[partner_id] = engines[lang]._decide(
                state, metrics.get(partner_id, {}), rule_sets[lang], date, ratio, formatters[lang], explain=explain,
                counting=counting,
            )
        # Potential customers short of a 10-day average: once more with the outlook of the
        # current 旬 (one more metrics query, for them only), to say how much to hold.
        short = explain and not counting and [
            partner_id for partner_id, decision in decisions.items()
            if decision["is_potential"] and "xun_avg_6m" in (decision["gap_metrics"] or ())
        ]
        if short:
            outlook = self._outlook(short, date, xun_categories)
            for partner_id in short:
                state = states[partner_id]
                decisions[partner_id] = engines[state["lang"]]._decide(
                    state, metrics.get(partner_id, {}), rule_sets[state["lang"]], date, ratio,
                    formatters[state["lang"]], dict(outlook, partner_id=partner_id),
                )
        return states, decisions

    @api.model
    def _evaluate_and_apply(self, partner_ids, date, rule_sets):
        states, decisions = self._decide_batch(partner_ids, date, rule_sets)
        bands = [
            (band.aum_from, band.from_inclusive, band.level)
            for band in self.env["bank.maintenance.band"].search([], order="aum_from")
        ]
        Band = self.env["bank.maintenance.band"]
        ids, tiers, reasons, tier_dates, failing, aums, levels, potentials, potential_reasons, gaps = (
            [], [], [], [], [], [], [], [], [], []
        )
        gap_tiers = []
        history, new_potentials = [], []
        for partner_id, decision in decisions.items():
            state = states[partner_id]
            changed = decision["tier_id"] != (state["tier_id"] or False)
            ids.append(partner_id)
            tiers.append(decision["tier_id"] or None)
            reasons.append(decision["reason"])
            tier_dates.append(date if changed else None)
            failing.append(decision["failing_since"])
            aums.append(decision["aum"])
            levels.append(Band._level_for(bands, decision["aum"]) or None)
            potentials.append(decision["is_potential"])
            potential_reasons.append(decision["potential_reason"] or None)
            gaps.append(decision["gap"])
            gap_tiers.append(decision.get("gap_tier_id") or None)
            if changed:
                history.append({
                    "partner_id": partner_id,
                    "date": date,
                    "old_tier_id": state["tier_id"] or False,
                    "new_tier_id": decision["tier_id"],
                    "reason": decision["reason"],
                })
            if decision["is_potential"] and not state["lead_id"]:
                new_potentials.append(partner_id)
        self.env.execute_query(SQL(
            """UPDATE res_partner p
                  SET bank_tier_id = v.tier_id,
                      bank_tier_reason = v.reason,
                      bank_tier_date = CASE WHEN v.tier_changed THEN v.tier_date ELSE p.bank_tier_date END,
                      bank_tier_failing_since = v.failing_since,
                      bank_aum = v.aum,
                      bank_maintenance_level = v.level,
                      bank_is_potential = v.is_potential,
                      bank_potential_reason = v.potential_reason,
                      bank_tier_gap = v.gap,
                      bank_potential_tier_id = v.gap_tier_id,
                      bank_evaluated_on = %(date)s
                 FROM unnest(%(ids)s::int[], %(tiers)s::int[], %(reasons)s::text[], %(changed)s::bool[],
                             %(tier_dates)s::date[], %(failing)s::date[], %(aums)s::numeric[], %(levels)s::varchar[],
                             %(potentials)s::bool[], %(potential_reasons)s::text[], %(gaps)s::numeric[],
                             %(gap_tiers)s::int[])
                      AS v(id, tier_id, reason, tier_changed, tier_date, failing_since, aum, level, is_potential,
                           potential_reason, gap, gap_tier_id)
                WHERE p.id = v.id""",
            date=date, ids=ids, tiers=tiers, reasons=reasons, changed=[d is not None for d in tier_dates],
            tier_dates=[d or date for d in tier_dates], failing=failing, aums=aums, levels=levels,
            potentials=potentials, potential_reasons=potential_reasons, gaps=gaps, gap_tiers=gap_tiers,
        ))
        self.env["res.partner"].invalidate_model([
            "bank_tier_id", "bank_tier_reason", "bank_tier_date", "bank_tier_failing_since", "bank_aum",
            "bank_maintenance_level", "bank_is_potential", "bank_potential_reason", "bank_tier_gap",
            "bank_evaluated_on", "bank_potential_tier_id",
        ])
        if history:
            self.env["bank.tier.history"]._bank_system_create(history)
        if new_potentials:
            self._create_potential_opportunities(new_potentials)
        return decisions

    @api.model
    def _create_potential_opportunities(self, partner_ids):
        """One CRM opportunity per new potential customer, for their RM (or the unit head)."""
        # sudo: the engine opens the opportunity for the customer's RM, whoever runs the evaluation.
        partners = self.env["res.partner"].sudo().browse(partner_ids)
        leads = self.env["crm.lead"].sudo().create([
            {
                "name": self.env._("Potential customer: %(name)s", name=partner.name),
                "type": "opportunity",
                "partner_id": partner.id,
                "user_id": (partner.bank_rm_user_id or partner.bank_unit_id.head_user_id).id,
                "description": partner.bank_potential_reason,
            }
            for partner in partners
        ])
        # One statement for the batch, like the tier fields above (not a write per customer).
        self.env.execute_query(SQL(
            """UPDATE res_partner p SET bank_potential_lead_id = v.lead_id
                 FROM unnest(%s::int[], %s::int[]) AS v(id, lead_id) WHERE p.id = v.id""",
            partners.ids, leads.ids,
        ))
        self.env["res.partner"].invalidate_model(["bank_potential_lead_id"])
