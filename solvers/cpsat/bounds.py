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
    import threading
    from collections.abc import Mapping

    from scheduler.problem import ProblemData, Window
    from solvers.clock import Clock


def alone_caps(
    data: ProblemData,
    clock: Clock,
    budget: float,
    into: dict[int, int] | None = None,
    stop: threading.Event | None = None,
) -> dict[int, int]:
    """Delegation → its best served value alone, within ``budget`` seconds
    of ``clock``; each is added to ``into`` (if given) as soon as known.

    Delegations not reached in time (or before ``stop``) get no cap.
    """

    until = clock.now() + budget
    caps: dict[int, int] = {} if into is None else into
    for d in range(len(data.delegations)):
        left = until - clock.now()
        if left <= 0 or (stop is not None and stop.is_set()):
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
LEAST_WINDOW = 300
"""Shorter windows never cut on the committed weeks (the windows that did
span a morning or an afternoon and lunch); they only slowed the LP."""
DETAILED_VISITS = 4_000
"""Above this many candidate visit-days, the LP sees the fleet as one pool
and each resource over whole days: per pool and per window it grew to
100,000 rows at 1,000 delegations, a minute of GLOP for no better bound."""
MERGED = -1
"""The one pool of a merged fleet."""


@dataclass(frozen=True)
class _Fleet:
    """The vehicles as the LP sees them: each pool, or all as one
    (``MERGED``) where each delegation needs its fewest vehicles of any
    pool it fits."""

    data: ProblemData
    merged: bool

    def usable(self, d: int) -> list[int]:
        pools = [
            p
            for p, pool in enumerate(self.data.vehicles)
            if self.data.vehicles_needed(d, p) <= pool.count
        ]
        return [MERGED] if self.merged and pools else pools

    def count(self, p: int) -> int:
        if p == MERGED:
            return sum(pool.count for pool in self.data.vehicles)
        return self.data.vehicles[p].count

    def need(self, d: int, p: int) -> int:
        if p == MERGED:
            return min(
                self.data.vehicles_needed(d, q)
                for q, pool in enumerate(self.data.vehicles)
                if self.data.vehicles_needed(d, q) <= pool.count
            )
        return self.data.vehicles_needed(d, p)

    def windows(self, lo: int, hi: int) -> list[tuple[int, int]]:
        return [(lo, hi)] if self.merged else _windows(lo, hi)


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
    between: int
    """Least travel into the site from another candidate."""
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
    rides: dict[int, list[_Ride]] = defaultdict(list)
    found = [_candidates(data, d) for d in range(len(data.delegations))]
    visit_days = sum(
        1
        for d, sites in enumerate(found)
        for windows in sites.values()
        for day in data.delegations[d].days
        if clip(windows, day.lo, day.hi - 1)
    )
    fleet = _Fleet(data, merged=visit_days > DETAILED_VISITS)
    for d, sites in enumerate(found):
        if not sites:
            continue
        x = _requests(lp, data, d, sites, value_terms, caps)
        mine = _visits(lp, data, fleet, d, sites, x)
        visits += mine
        for k, ride in _day_budgets(lp, data, d, mine):
            rides[k].append(ride)
    _vehicle_windows(lp, fleet, visits, rides)
    _site_days(lp, data, visits)
    _presenter_windows(lp, data, fleet, visits)
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
    fleet: _Fleet,
    d: int,
    found: Mapping[int, tuple[Window, ...]],
    x: Mapping[tuple[int, int], Any],
) -> list[_Visit]:
    """y(v) per site and day: a site is visited once, when it serves a
    request (or is locked); y(v, p) splits the visit over the pools."""
    dd = data.delegations[d]
    locked = {lock.site for lock in data.locked if lock.delegation == d}
    pools = fleet.usable(d)
    between = {
        s: min(
            [data.travel[u][s] for u in found if u != s],
            default=dd.from_lodging[s],
        )
        for s in found
    }
    into = {s: min(dd.from_lodging[s], between[s]) for s in found}
    out = []
    for s, windows in found.items():
        present = present_at(lp, x, s, locked=s in locked)
        shares = []
        for day in dd.days:
            starts = clip(windows, day.lo, day.hi - 1)
            if not starts:
                continue
            y = lp.NumVar(0, 1, "")
            shares.append(y)
            if len(pools) == 1:
                split = {pools[0]: y}
            else:
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
                    between[s],
                    y,
                    split,
                )
            )
        lp.Add(lp.Sum(shares) == present)
    return out


def present_at(
    lp: pywraplp.Solver,
    x: Mapping[tuple[int, int], Any],
    s: int,
    *,
    locked: bool,
) -> Any:
    """present(d, s): the site is visited when it serves a request (one
    visit serves one), or always when it is locked."""
    present = lp.NumVar(0, 1, "")
    served = [v for (_, site), v in x.items() if site == s]
    if locked:
        lp.Add(present == 1)
        lp.Add(lp.Sum(served) <= 1)
    else:
        lp.Add(present == lp.Sum(served))
    return present


@dataclass(frozen=True)
class _Ride:
    """A delegation-day's pools in the LP, and its least fixed travel."""

    delegation: int
    pools: dict[int, Any]
    """Pool → r(d, k, p), the share of the day out on it."""
    back: int
    """Least travel back to lodging."""
    legs: int
    """Least travel from lodging, less one ``between`` leg, and back: the
    first leg leaves lodging rather than another site."""


def _day_budgets(
    lp: pywraplp.Solver, data: ProblemData, d: int, mine: list[_Visit]
) -> list[tuple[int, _Ride]]:
    """Per delegation-day: at most ``max_per_day`` visits, the visits and
    the travel into each (and back) within the longest outing, one pool
    ridden (r(k, p) ≥ y(v, p)).

    The travel is bounded twice: by the least leg into each visit and the
    least leg back, and by the least leg from lodging, the least leg from
    another site into each later visit (all visits but the one with the
    longest such leg) and the least leg back."""
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
        longest = longest_outing(day)
        load = lp.Sum([(v.duration + v.into) * v.share for v in on])
        lp.Add(load + back * used <= longest)
        legs = (
            min(dd.from_lodging[v.site] for v in on)
            - max(v.between for v in on)
            + back
        )
        if legs > back:
            load = lp.Sum([(v.duration + v.between) * v.share for v in on])
            lp.Add(load + legs * used <= longest)
        out.append((day.index, _Ride(d, ride, back, max(back, legs))))
    return out


def _windows(lo: int, hi: int, step: int = STEP) -> list[tuple[int, int]]:
    """Every [a, b) on the ``step`` grid inside [lo, hi), at least
    ``LEAST_WINDOW`` long, the whole band included."""
    points = sorted({lo, hi} | set(range(-(-lo // step) * step, hi, step)))
    return [
        (a, b)
        for i, a in enumerate(points)
        for b in points[i + 1 :]
        if b - a >= LEAST_WINDOW or (a, b) == (lo, hi)
    ]


def _band(data: ProblemData, k: int) -> tuple[int, int]:
    days = [
        day for dd in data.delegations for day in dd.days if day.index == k
    ]
    return min(day.lo for day in days), max(day.hi for day in days)


def _vehicle_windows(
    lp: pywraplp.Solver,
    fleet: _Fleet,
    visits: list[_Visit],
    rides: Mapping[int, list[_Ride]],
) -> None:
    """Per pool p, day k and window [a, b) of the day (rule 8):

    Σ_v need(d, p)·least_inside(v, [a, b))·y(v, p)  ≤  count(p)·(b − a)

    and over the whole band, with each day out's least fixed travel too:

    Σ_v need(d, p)·(duration(v) + between(v))·y(v, p)
        + Σ_d need(d, p)·legs(d, k)·r(d, k, p)  ≤  count(p)·(hi − lo)

    A visit's vehicle is busy from leaving for it to its end, so at least
    the part of that span that every start in its range puts inside the
    window; the vehicles of a pool at once are at most its count.
    """
    by_pool_day: dict[tuple[int, int], list[_Visit]] = defaultdict(list)
    for v in visits:
        for p in v.rides:
            by_pool_day[(p, v.day)].append(v)
    for (p, k), on in by_pool_day.items():
        count = fleet.count(p)
        needs = {v.delegation: fleet.need(v.delegation, p) for v in on}
        lo, hi = _band(fleet.data, k)
        for a, b in fleet.windows(lo, hi):
            terms = []
            for v in on:
                inside = v.least_inside(a, b, travel=True)
                if inside > 0:
                    terms.append(needs[v.delegation] * inside * v.rides[p])
            if (a, b) == (lo, hi):
                terms += [
                    fleet.need(r.delegation, p) * r.back * r.pools[p]
                    for r in rides[k]
                    if p in r.pools
                ]
            if terms:
                lp.Add(lp.Sum(terms) <= count * (b - a))
        whole = [
            needs[v.delegation] * (v.duration + v.between) * v.rides[p]
            for v in on
        ] + [
            fleet.need(r.delegation, p) * r.legs * r.pools[p]
            for r in rides[k]
            if p in r.pools
        ]
        lp.Add(lp.Sum(whole) <= count * (hi - lo))


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
    lp: pywraplp.Solver,
    data: ProblemData,
    fleet: _Fleet,
    visits: list[_Visit],
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
        for a, b in fleet.windows(lo, hi):
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
