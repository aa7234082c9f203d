"""Proven upper bounds on the served value, cheaper than the full model.

Two bounds, both relaxations of SPEC rules 1–9:

* ``alone_caps``: each delegation's best value with the week to itself
  (its own days, travel, lunch and limits; no one else on the sites,
  presenters or vehicles), each a small exact CP-SAT solve.
* ``relaxation_bound``: a linear program (GLOP) over requests, visits and
  days with implied time budgets: per delegation-day, per site-day, per
  department-day and for the vehicles of each day; capped by the alone
  caps. Its optimum, rounded down, bounds the served value.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from solvers.cpsat.constraints.aggregates import longest_outing
from solvers.cpsat.engine import new_solver
from solvers.cpsat.formulation import build
from solvers.cpsat.variables import clip, locked_windows

if TYPE_CHECKING:
    from collections.abc import Mapping

    from scheduler.problem import ProblemData, Window
    from solvers.clock import Clock


def alone_caps(
    data: ProblemData, clock: Clock, budget: float
) -> dict[int, int]:
    """Delegation → its best served value alone, within ``budget`` seconds
    of ``clock``.

    Delegations not reached in time get no cap.
    """

    until = clock.now() + budget
    caps: dict[int, int] = {}
    for d in range(len(data.delegations)):
        left = until - clock.now()
        if left <= 0:
            break
        built = build(data, delegations=[d])
        assert built.objective is not None
        built.model.maximize(built.objective.value)
        solver = new_solver()
        solver.parameters.num_workers = 1
        clock.limit(solver, min(left, 1.0))
        code = clock.solve(solver, built.model)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            caps[d] = math.floor(solver.best_objective_bound + 1e-6)
        elif code == cp_model.INFEASIBLE:
            caps[d] = 0
    return caps


def _candidates(data: ProblemData, d: int) -> dict[int, tuple[Window, ...]]:
    """Site → start ranges of the delegation's candidate visits."""
    locks = {lock.site: lock for lock in data.locked if lock.delegation == d}
    out = {}
    for s in data.candidate_sites(d):
        found = (
            locked_windows(data, locks[s]) if s in locks else data.starts(d, s)
        )
        if found:
            out[s] = found
    return out


def relaxation_bound(
    data: ProblemData, caps: Mapping[int, int] | None = None
) -> int | None:
    """The LP bound on served value (None if GLOP fails)."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    value_terms = []
    vehicle_load: dict[int, list[Any]] = defaultdict(list)
    site_minutes: dict[tuple[int, int], list[Any]] = defaultdict(list)
    site_people: dict[tuple[int, int], list[Any]] = defaultdict(list)
    dept_minutes: dict[tuple[int, int], list[Any]] = defaultdict(list)
    dept_count: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for d, dd in enumerate(data.delegations):
        visits = _candidates(data, d)
        if not visits:
            continue
        locked = {lock.site for lock in data.locked if lock.delegation == d}
        x: dict[tuple[int, int], Any] = {}
        for j, request in enumerate(dd.requests):
            chosen = [
                x.setdefault((j, s), lp.NumVar(0, 1, ""))
                for s in request.sites
                if s in visits
            ]
            if request.required:
                lp.Add(lp.Sum(chosen) == 1)
            elif chosen:
                lp.Add(lp.Sum(chosen) <= 1)
            value_terms += [request.value * v for v in chosen]
        if d in (caps or {}):
            own = [dd.requests[j].value * v for (j, _), v in x.items()]
            lp.Add(lp.Sum(own) <= (caps or {})[d])
        into = {
            s: min(
                [dd.from_lodging[s]]
                + [data.travel[u][s] for u in visits if u != s]
            )
            for s in visits
        }
        needs = [
            data.vehicles_needed(d, p)
            for p, pool in enumerate(data.vehicles)
            if data.vehicles_needed(d, p) <= pool.count
        ]
        on: dict[int, list[tuple[int, Any]]] = defaultdict(list)
        for s, windows in visits.items():
            present = lp.NumVar(0, 1, "")
            served = [v for (_, site), v in x.items() if site == s]
            if s in locked:
                lp.Add(present == 1)
                lp.Add(lp.Sum(served) <= 1)
            else:
                lp.Add(present == lp.Sum(served))
            days = [
                day.index
                for day in dd.days
                if clip(windows, day.lo, day.hi - 1)
            ]
            ys = []
            for k in days:
                y = lp.NumVar(0, 1, "")
                ys.append(y)
                on[k].append((s, y))
                site = data.sites[s]
                site_minutes[(s, k)].append(site.duration * y)
                site_people[(s, k)].append(dd.size * site.duration * y)
                if site.department >= 0:
                    dept_minutes[(site.department, k)].append(
                        site.duration * y
                    )
                    dept_count[(site.department, k)].append(y)
            lp.Add(lp.Sum(ys) == present)
        for day in dd.days:
            if day.index not in on:
                continue
            used = lp.NumVar(0, 1, "")
            pairs = on[day.index]
            for _, y in pairs:
                lp.Add(y <= used)
            lp.Add(lp.Sum([y for _, y in pairs]) <= dd.max_per_day)
            back = min(dd.to_lodging[s] for s, _ in pairs)
            load = (
                lp.Sum(
                    [(data.sites[s].duration + into[s]) * y for s, y in pairs]
                )
                + back * used
            )
            lp.Add(load <= longest_outing(day))
            if not needs:
                lp.Add(used == 0)
            else:
                vehicle_load[day.index].append(min(needs) * load)

    for k, loads in vehicle_load.items():
        lo = min(
            day.lo
            for dd in data.delegations
            for day in dd.days
            if day.index == k
        )
        hi = max(
            day.hi
            for dd in data.delegations
            for day in dd.days
            if day.index == k
        )
        fleet = sum(pool.count for pool in data.vehicles)
        lp.Add(lp.Sum(loads) <= fleet * (hi - lo))
    for (s, k), minutes in site_minutes.items():
        site = data.sites[s]
        open_minutes = _minutes_on(site.open, data.day_span(k))
        lp.Add(lp.Sum(minutes) <= site.max_groups * open_minutes)
        lp.Add(lp.Sum(site_people[(s, k)]) <= site.capacity * open_minutes)
    for (dept, k), minutes in dept_minutes.items():
        team = [p for p in data.presenters if p.department == dept]
        lp.Add(
            lp.Sum(minutes)
            <= sum(_minutes_on(p.available, data.day_span(k)) for p in team)
        )
        lp.Add(
            lp.Sum(dept_count[(dept, k)]) <= sum(p.max_per_day for p in team)
        )

    lp.Maximize(lp.Sum(value_terms))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    best: float = lp.Objective().Value()
    return math.floor(best + 1e-6)


def _minutes_on(ranges: tuple[Window, ...], band: Window) -> int:
    return sum(
        max(0, min(hi, band[1]) - max(lo, band[0])) for lo, hi in ranges
    )
