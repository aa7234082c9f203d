"""A warm start: a schedule (e.g. the greedy one) as a complete hint.

Every decision variable gets a hinted value: visits, days, lunch sides,
requests, presenters, route arcs, departures, pools and the balance terms,
so CP-SAT starts from a full solution instead of repairing a partial one.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ortools.sat.python import cp_model

    from scheduler.problem import DayData, ProblemData
    from scheduler.problem.solution import PlannedVisit
    from solvers.cpsat.objective import Objective
    from solvers.cpsat.variables import Variables, VisitVars


def add_hints(
    model: cp_model.CpModel,
    data: ProblemData,
    vars: Variables,
    objective: Objective | None,
    hint: Sequence[PlannedVisit],
) -> int:
    """Hint every variable from ``hint``; the number of hinted visits that
    have no matching candidate visit in the model (0 for a clean hint)."""
    planned = {(v.delegation, v.site): v for v in hint}
    missing = sum(1 for key in planned if vars.visit(*key) is None)
    starts: dict[tuple[int, int], int] = {}
    for v in vars.visits:
        p = planned.get((v.delegation, v.site))
        on = p is not None
        model.add_hint(v.present, on)
        start = p.start if p is not None else v.first_start
        starts[(v.delegation, v.site)] = start
        if v.slot is not None:
            model.add_hint(v.slot, start // data.slot)
        for k, literal in v.days.items():
            if literal is not v.present:
                model.add_hint(literal, on and data.day_of(start) == k)
        for a in vars.assignments_to(v):
            model.add_hint(a.literal, p is not None and p.request == a.request)
        for c in vars.choices_for(v):
            hosts = p is not None and p.presenter == c.presenter
            model.add_hint(c.literal, hosts)
            for k, literal in c.days.items():
                if literal is not c.literal:
                    model.add_hint(literal, hosts and data.day_of(start) == k)

    for route in vars.routes:
        d = route.delegation
        dd = data.delegations[d]
        by_day: dict[int, list[VisitVars]] = defaultdict(list)
        for v in route.visits:
            if (d, v.site) in planned:
                by_day[data.day_of(starts[(d, v.site)])].append(v)
        arcs: set[tuple[int, int]] = set()
        for day in route.days:
            k = day.day.index
            visits = sorted(
                by_day.get(k, []), key=lambda v: starts[(d, v.site)]
            )
            model.add_hint(day.idle, not visits)
            pool = -1
            if visits:
                first, last = visits[0], visits[-1]
                depart = starts[(d, first.site)] - dd.from_lodging[first.site]
                model.add_hint(day.depart, depart)
                home = (
                    starts[(d, last.site)]
                    + last.duration
                    + dd.to_lodging[last.site]
                )
                model.add_hint(day.back, home)
                model.add_hint(day.span, home - depart)
                pool = planned[(d, first.site)].pool
                nodes = [day.node, *(v.node for v in visits), day.next_node]
                arcs |= set(itertools.pairwise(nodes))
                sides = _lunch_sides(data, d, day.day, visits, starts)
                for v, before in zip(visits, sides, strict=True):
                    if v.before_lunch is not None:
                        model.add_hint(v.before_lunch, before)
            else:
                model.add_hint(day.depart, day.day.lo)
                model.add_hint(day.back, day.day.lo)
                model.add_hint(day.span, 0)
            for p_index, literal in day.pools.items():
                model.add_hint(literal, p_index == pool)
        for v in route.visits:
            if (d, v.site) not in planned and v.before_lunch is not None:
                model.add_hint(v.before_lunch, False)
        for move in route.moves:
            model.add_hint(
                move.literal, (move.origin.node, move.target.node) in arcs
            )
        for leave in route.leaves:
            model.add_hint(
                leave.literal, (leave.day.node, leave.target.node) in arcs
            )
        for back in route.returns:
            model.add_hint(
                back.literal, (back.origin.node, back.day.next_node) in arcs
            )

    if objective is not None:
        for dept, top in objective.busiest.items():
            loads: dict[int, int] = defaultdict(int)
            for p_index, presenter in enumerate(data.presenters):
                if presenter.department == dept:
                    loads[p_index] = len(vars.fixed_hosted_by(p_index))
            for p in hint:
                if p.presenter in loads:
                    loads[p.presenter] += 1
            model.add_hint(top, max(loads.values(), default=0))
    return missing


def _lunch_sides(
    data: ProblemData,
    d: int,
    day: DayData,
    visits: list[VisitVars],
    starts: dict[tuple[int, int], int],
) -> list[bool]:
    """before_lunch of a day's visits in order, from where lunch fits."""
    dd = data.delegations[d]
    m = day.lunch_minutes
    if m == 0:
        return [True] * len(visits)
    lo, hi = day.lunch
    begin = [starts[(d, v.site)] for v in visits]
    end = [b + v.duration for b, v in zip(begin, visits, strict=True)]
    n = len(visits)
    for i in range(n + 1):  # i visits before lunch
        if any(e > hi - m for e in end[:i]):
            continue
        if any(b < lo + m for b in begin[i:]):
            continue
        if i == 0:
            fits = begin[0] >= lo + m + dd.from_lodging[visits[0].site]
        elif i == n:
            fits = end[-1] + dd.to_lodging[visits[-1].site] <= hi - m
        else:
            gap = begin[i] - end[i - 1]
            fits = gap >= data.travel[visits[i - 1].site][visits[i].site] + m
        if fits:
            return [j < i for j in range(n)]
    return [True] * n
