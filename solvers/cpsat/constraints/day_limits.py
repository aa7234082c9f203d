"""Rule 4: at most max_visits_per_day visits a delegation a day."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from scheduler.problem import ProblemData
    from solvers.cpsat.variables import Variables


def add_day_limits(
    model: cp_model.CpModel, data: ProblemData, vars: Variables
) -> None:
    """Σ_v on(v, k) ≤ max_per_day(d) for each delegation d and day k.

    "No site twice" needs no constraint: there is one candidate visit per
    delegation and site.
    """
    for route in vars.routes:
        cap = data.delegations[route.delegation].max_per_day
        for day in route.days:
            k = day.day.index
            on_day = [v.days[k] for v in route.visits if k in v.days]
            if len(on_day) > cap:
                model.add(sum(on_day) <= cap)
