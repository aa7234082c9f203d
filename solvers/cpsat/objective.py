"""The objective: served value, then changes, travel, presenter balance.

The only place that builds the objective. One weighted sum keeps the
SPEC's lexicographic order provably:

    maximize  W_value·value − W_change·changes − W_travel·travel − balance

value   = Σ value(d, j)·x(d, j, s)
changes = Σ (1 − kept(p)) over the published visits of a re-plan
          (``constraints/stability.py``; 0 for a first plan)
travel  = Σ travel(arc)·arc over every route arc (lodging legs included)
balance = Σ_department max_{p in department} #visits hosted by p

with 0 ≤ balance ≤ B, 0 ≤ travel ≤ T and 0 ≤ changes ≤ C (bounds computed
from the model), W_travel = B + 1, W_change = W_travel·T + B + 1 and
W_value = W_change·C + W_travel·T + B + 1. One unit of value outweighs any
number of changes (a re-plan moves a published visit only to serve more),
one change any travel and balance, and one minute of travel any change
of balance.

``solve`` may also go in two lexicographic phases: the served value alone,
then travel and balance with the value held (``value_only``,
``after_value``); the weights above serve when the value is not proven.

The served value's proven bound follows from CP-SAT's objective bound U:
a schedule of value V has objective ≥ W_value·V − (W_travel·T + B), so the
best value is at most floor((U + W_travel·T + B) / W_value).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ortools.sat.python import cp_model

    from scheduler.problem import ProblemData
    from solvers.cpsat.variables import Expr, Variables


@dataclass(frozen=True)
class Objective:
    value: Expr
    travel: Expr
    secondary: Expr
    """W_change·changes + W_travel·travel + balance: what follows the
    served value."""
    value_weight: int
    travel_weight: int
    slack: int
    """W_change·C + W_travel·T + B: the most the secondary terms weigh."""
    requested: int
    """Σ value over the delegations' requests: a trivial bound."""
    busiest: dict[int, cp_model.IntVar]
    """Department → max visits hosted by one of its presenters."""

    def served_bound(self, objective_bound: float) -> int:
        """A proven upper bound on the served value, from the bound of the
        weighted objective (see module doc)."""
        if not math.isfinite(objective_bound):
            return self.requested
        bound = math.floor((objective_bound + self.slack) / self.value_weight)
        return max(0, min(self.requested, bound))

    def weigh(self, model: cp_model.CpModel) -> None:
        """Maximize W_value·value − W_travel·travel − balance."""
        model.maximize(self.value_weight * self.value - self.secondary)

    def value_only(self, model: cp_model.CpModel) -> None:
        """Maximize the served value alone (lexicographic phase 1)."""
        model.maximize(self.value)

    def after_value(self, model: cp_model.CpModel, served: int) -> None:
        """Hold the served value at ``served``; minimize travel, then
        balance (lexicographic phase 2)."""
        model.add(self.value >= served)
        model.minimize(self.secondary)


def set_objective(
    model: cp_model.CpModel,
    data: ProblemData,
    vars: Variables,
    kept: Sequence[cp_model.IntVar] = (),
) -> Objective:
    """Build the objective's terms and set the weighted sum on the model."""
    value = sum(a.value * a.literal for a in vars.assignments)
    travel_terms = [
        (literal, minutes)
        for route in vars.routes
        for literal, minutes in route.travel_terms()
    ]
    travel = sum(minutes * literal for literal, minutes in travel_terms)
    most_travel = _most_travel(vars)

    busiest: dict[int, cp_model.IntVar] = {}
    by_department: dict[int, list[int]] = defaultdict(list)
    for p, presenter in enumerate(data.presenters):
        if vars.choices_of(p):
            by_department[presenter.department].append(p)
    most_balance = 0
    for dept, presenters in by_department.items():
        team = [
            p
            for p, presenter in enumerate(data.presenters)
            if presenter.department == dept
        ]
        if len(team) < 2:
            continue
        hosted = {p: len(vars.fixed_hosted_by(p)) for p in team}
        most = max(hosted[p] + len(vars.choices_of(p)) for p in team)
        top = model.new_int_var(
            max(hosted.values()), most, f"busiest_presenter_dept{dept}"
        )
        for p in presenters:
            model.add(
                hosted[p] + sum(c.literal for c in vars.choices_of(p)) <= top
            )
        busiest[dept] = top
        most_balance += most
    balance = sum(busiest.values())

    changes = sum(1 - k for k in kept)
    travel_weight = most_balance + 1
    change_weight = travel_weight * most_travel + most_balance + 1
    slack = change_weight * len(kept) + travel_weight * most_travel
    slack += most_balance
    value_weight = slack + 1
    requested = sum(
        data.delegations[d].requested_value for d in vars.delegations
    )
    objective = Objective(
        value=value,
        travel=travel,
        secondary=change_weight * changes + travel_weight * travel + balance,
        value_weight=value_weight,
        travel_weight=travel_weight,
        slack=slack,
        requested=requested,
        busiest=busiest,
    )
    objective.weigh(model)
    return objective


def _most_travel(vars: Variables) -> int:
    """T: each route node leaves by one arc, so Σ of its longest arcs."""
    longest: dict[tuple[int, int], int] = defaultdict(int)
    for route in vars.routes:
        d = route.delegation
        for move in route.moves:
            key = (d, move.origin.node)
            longest[key] = max(longest[key], move.travel)
        for leave in route.leaves:
            key = (d, leave.day.node)
            longest[key] = max(longest[key], leave.travel)
        for back in route.returns:
            key = (d, back.origin.node)
            longest[key] = max(longest[key], back.travel)
    return sum(longest.values())
