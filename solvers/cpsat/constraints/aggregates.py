"""Redundant aggregate constraints: implied by rules 2–6, for the bound.

CP-SAT's linear relaxation sees little of the enforced timing constraints
(one per arc), so its bound on served value stays near "everything".
These knapsacks are implied by the exact rules and give the relaxation the
time budgets that really limit a week.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ortools.sat.python import cp_model

    from scheduler.problem import DayData, ProblemData
    from solvers.cpsat.variables import Route, Variables


def add_aggregates(
    model: cp_model.CpModel, data: ProblemData, vars: Variables
) -> None:
    """Per delegation-day k (implied by rules 2 and 3):

    Σ_v on(v, k)·(duration(v) + min travel into v)
        + used(k)·min travel back to lodging  ≤  longest outing(k)

    where the longest outing is day.hi − day.lo less the lunch when lunch
    must fall inside the outing (the best of lunch inside, before leaving
    or after coming back).
    """
    for route in vars.routes:
        _day_budgets(model, data, route)


def _day_budgets(
    model: cp_model.CpModel, data: ProblemData, route: Route
) -> None:
    dd = data.delegations[route.delegation]
    into = {
        v.site: min(
            [dd.from_lodging[v.site]]
            + [data.travel[u.site][v.site] for u in route.visits if u is not v]
        )
        for v in route.visits
    }
    for day in route.days:
        k = day.day.index
        on_day = [v for v in route.visits if k in v.days]
        if not on_day:
            continue
        back = min(dd.to_lodging[v.site] for v in on_day)
        budget = longest_outing(day.day)
        load = sum(v.days[k] * (v.duration + into[v.site]) for v in on_day)
        model.add(load + back - back * day.idle <= budget)


def longest_outing(day: DayData) -> int:
    """Longest [depart, back) span that leaves room for lunch."""
    m = day.lunch_minutes
    if m == 0:
        return day.hi - day.lo
    lunch_lo, lunch_hi = day.lunch
    return max(
        day.hi - day.lo - m,  # lunch inside the outing
        day.hi - max(day.lo, lunch_lo + m),  # lunch before leaving
        min(day.hi, lunch_hi - m) - day.lo,  # lunch after coming back
    )


def add_value_caps(
    model: cp_model.CpModel, vars: Variables, caps: Mapping[int, int]
) -> None:
    """Σ_j value(d, j)·x(d, j, s) ≤ cap(d): a delegation serves no more
    than it could with the week to itself (``bounds.alone_caps``)."""
    for d in vars.delegations:
        if d not in caps:
            continue
        terms = [
            a.value * a.literal
            for v in vars.visits_of(d)
            for a in vars.assignments_to(v)
        ]
        if terms:
            model.add(sum(terms) <= caps[d])
