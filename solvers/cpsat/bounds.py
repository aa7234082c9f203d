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
from dataclasses import dataclass
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


STEP = 60
"""Grid of the time windows in the vehicle and presenter cuts (minutes)."""


@dataclass(frozen=True)
class _Visit:
    """One candidate visit of a delegation on one day, in the LP."""

    delegation: int
    site: int
    day: int
    lo: int
    """Earliest start that day."""
    hi: int
    """Latest start that day."""
    duration: int
    into: int
    """Least travel into the site (from lodging or another candidate)."""
    share: Any
    """Its LP variable: the share of the visit made that day."""
    rides: dict[int, Any]
    """Pool → the share made riding that pool."""

    def least_inside(self, a: int, b: int, *, travel: bool) -> int:
        """Least minutes of [start − into, end) inside [a, b), whatever
        the start in [lo, hi] (the overlap is least at an end of the
        range)."""
        before = self.into if travel else 0

        def overlap(x: int) -> int:
            return max(0, min(x + self.duration, b) - max(x - before, a))

        return min(overlap(self.lo), overlap(self.hi))


def relaxation_bound(
    data: ProblemData, caps: Mapping[int, int] | None = None
) -> int | None:
    """The LP bound on served value (None if GLOP fails).

    Variables: x(j, s) a request served at a site, y(v) a visit made on a
    day, y(v, p) made riding pool p, r(d, k, p) a day out on pool p.
    Families, each implied by SPEC rules 1–9: requests, each delegation-day's
    time budget (``_day_budgets``), vehicles per pool in time windows
    (``_vehicle_windows``), sites' groups and people per day, departments'
    presenter minutes in time windows (``_presenter_windows``).
    """
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    value_terms: list[Any] = []
    visits: list[_Visit] = []
    rides: dict[tuple[int, int], list[tuple[int, Any, int]]] = defaultdict(
        list
    )
    for d in range(len(data.delegations)):
        found = _candidates(data, d)
        if not found:
            continue
        x = _requests(lp, data, d, found, value_terms, caps)
        mine = _visits(lp, data, d, found, x)
        visits += mine
        for k, back, ride in _day_budgets(lp, data, d, mine):
            for p, r in ride.items():
                rides[(p, k)].append((d, r, back))
    _vehicle_windows(lp, data, visits, rides)
    _site_days(lp, data, visits)
    _presenter_windows(lp, data, visits)
    lp.Maximize(lp.Sum(value_terms))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    best: float = lp.Objective().Value()
    return math.floor(best + 1e-6)


def _requests(
    lp: pywraplp.Solver,
    data: ProblemData,
    d: int,
    found: Mapping[int, tuple[Window, ...]],
    value_terms: list[Any],
    caps: Mapping[int, int] | None,
) -> dict[tuple[int, int], Any]:
    """x(j, s): each request served at most once (exactly, if required),
    the delegation's value at most its cap alone."""
    dd = data.delegations[d]
    x: dict[tuple[int, int], Any] = {}
    for j, request in enumerate(dd.requests):
        chosen = [
            x.setdefault((j, s), lp.NumVar(0, 1, ""))
            for s in request.sites
            if s in found
        ]
        if request.required:
            lp.Add(lp.Sum(chosen) == 1)
        elif chosen:
            lp.Add(lp.Sum(chosen) <= 1)
        value_terms += [request.value * v for v in chosen]
    if caps is not None and d in caps:
        own = [dd.requests[j].value * v for (j, _), v in x.items()]
        lp.Add(lp.Sum(own) <= caps[d])
    return x


def _visits(
    lp: pywraplp.Solver,
    data: ProblemData,
    d: int,
    found: Mapping[int, tuple[Window, ...]],
    x: Mapping[tuple[int, int], Any],
) -> list[_Visit]:
    """y(v) per site and day: a site is visited once, when it serves a
    request (or is locked); y(v, p) splits the visit over the pools."""
    dd = data.delegations[d]
    locked = {lock.site for lock in data.locked if lock.delegation == d}
    pools = [
        p
        for p, pool in enumerate(data.vehicles)
        if data.vehicles_needed(d, p) <= pool.count
    ]
    into = {
        s: min(
            [dd.from_lodging[s]] + [data.travel[u][s] for u in found if u != s]
        )
        for s in found
    }
    out = []
    for s, windows in found.items():
        present = lp.NumVar(0, 1, "")
        served = [v for (_, site), v in x.items() if site == s]
        if s in locked:
            lp.Add(present == 1)
            lp.Add(lp.Sum(served) <= 1)
        else:
            lp.Add(present == lp.Sum(served))
        shares = []
        for day in dd.days:
            starts = clip(windows, day.lo, day.hi - 1)
            if not starts:
                continue
            y = lp.NumVar(0, 1, "")
            shares.append(y)
            split = {p: lp.NumVar(0, 1, "") for p in pools}
            if split:
                lp.Add(lp.Sum(list(split.values())) == y)
            out.append(
                _Visit(
                    d,
                    s,
                    day.index,
                    starts[0][0],
                    starts[-1][1],
                    data.sites[s].duration,
                    into[s],
                    y,
                    split,
                )
            )
        lp.Add(lp.Sum(shares) == present)
    return out


def _day_budgets(
    lp: pywraplp.Solver, data: ProblemData, d: int, mine: list[_Visit]
) -> list[tuple[int, int, dict[int, Any]]]:
    """Per delegation-day: at most ``max_per_day`` visits, the visits and
    the travel into each (and back) within the longest outing, one pool
    ridden (r(k, p) ≥ y(v, p)). Returns (day, least travel back, r(k, ·))."""
    dd = data.delegations[d]
    out = []
    for day in dd.days:
        on = [v for v in mine if v.day == day.index]
        if not on:
            continue
        back = min(dd.to_lodging[v.site] for v in on)
        ride = {p: lp.NumVar(0, 1, "") for p in on[0].rides}
        used = lp.Sum(list(ride.values()))
        lp.Add(used <= 1)
        for v in on:
            for p, share in v.rides.items():
                lp.Add(share <= ride[p])
            if not v.rides:
                lp.Add(v.share == 0)
        lp.Add(lp.Sum([v.share for v in on]) <= dd.max_per_day)
        load = lp.Sum([(v.duration + v.into) * v.share for v in on])
        lp.Add(load + back * used <= longest_outing(day))
        out.append((day.index, back, ride))
    return out


def _windows(lo: int, hi: int) -> list[tuple[int, int]]:
    """Every [a, b) on the ``STEP`` grid inside [lo, hi), the whole band
    included."""
    points = sorted({lo, hi} | set(range(-(-lo // STEP) * STEP, hi, STEP)))
    return [(a, b) for i, a in enumerate(points) for b in points[i + 1 :]]


def _band(data: ProblemData, k: int) -> tuple[int, int]:
    days = [
        day for dd in data.delegations for day in dd.days if day.index == k
    ]
    return min(day.lo for day in days), max(day.hi for day in days)


def _vehicle_windows(
    lp: pywraplp.Solver,
    data: ProblemData,
    visits: list[_Visit],
    rides: Mapping[tuple[int, int], list[tuple[int, Any, int]]],
) -> None:
    """Per pool p, day k and window [a, b) of the day (rule 8):

    Σ_v need(d, p)·least_inside(v, [a, b))·y(v, p)
        (+ Σ_d need(d, p)·back(d, k)·r(d, k, p) over the whole band)
        ≤ count(p)·(b − a)

    A visit's vehicle is busy from leaving for it to its end, so at least
    the part of that span that every start in its range puts inside the
    window; the vehicles of a pool at once are at most its count.
    """
    by_pool_day: dict[tuple[int, int], list[_Visit]] = defaultdict(list)
    for v in visits:
        for p in v.rides:
            by_pool_day[(p, v.day)].append(v)
    for (p, k), on in by_pool_day.items():
        count = data.vehicles[p].count
        needs = {
            v.delegation: data.vehicles_needed(v.delegation, p) for v in on
        }
        lo, hi = _band(data, k)
        for a, b in _windows(lo, hi):
            terms = []
            for v in on:
                inside = v.least_inside(a, b, travel=True)
                if inside > 0:
                    terms.append(needs[v.delegation] * inside * v.rides[p])
            if (a, b) == (lo, hi):
                terms += [
                    data.vehicles_needed(d, p) * back * r
                    for d, r, back in rides[(p, k)]
                ]
            if terms:
                lp.Add(lp.Sum(terms) <= count * (b - a))


def _site_days(
    lp: pywraplp.Solver, data: ProblemData, visits: list[_Visit]
) -> None:
    """Per site and day (rules 4 and 5): groups × minutes and people ×
    minutes within the opening hours."""
    by_site_day: dict[tuple[int, int], list[_Visit]] = defaultdict(list)
    for v in visits:
        by_site_day[(v.site, v.day)].append(v)
    for (s, k), on in by_site_day.items():
        site = data.sites[s]
        open_minutes = _minutes_on(site.open, data.day_span(k))
        lp.Add(
            lp.Sum([site.duration * v.share for v in on])
            <= site.max_groups * open_minutes
        )
        lp.Add(
            lp.Sum(
                [
                    data.delegations[v.delegation].size
                    * site.duration
                    * v.share
                    for v in on
                ]
            )
            <= site.capacity * open_minutes
        )


def _presenter_windows(
    lp: pywraplp.Solver, data: ProblemData, visits: list[_Visit]
) -> None:
    """Per department, day and window [a, b) (rule 6):

    Σ_v least_inside(v, [a, b))·y(v) ≤ Σ_team minutes available in [a, b)

    and Σ_v y(v) ≤ Σ_team max visits a day.
    """
    by_dept_day: dict[tuple[int, int], list[_Visit]] = defaultdict(list)
    for v in visits:
        dept = data.sites[v.site].department
        if dept >= 0:
            by_dept_day[(dept, v.day)].append(v)
    for (dept, k), on in by_dept_day.items():
        team = [p for p in data.presenters if p.department == dept]
        lp.Add(
            lp.Sum([v.share for v in on]) <= sum(p.max_per_day for p in team)
        )
        lo, hi = _band(data, k)
        for a, b in _windows(lo, hi):
            terms = [
                inside * v.share
                for v in on
                if (inside := v.least_inside(a, b, travel=False)) > 0
            ]
            if terms:
                available = sum(_minutes_on(p.available, (a, b)) for p in team)
                lp.Add(lp.Sum(terms) <= available)


def _minutes_on(ranges: tuple[Window, ...], band: Window) -> int:
    return sum(
        max(0, min(hi, band[1]) - max(lo, band[0])) for lo, hi in ranges
    )
