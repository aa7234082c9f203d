"""A bound that sees whole days out: column generation over day patterns.

``bounds.relaxation_bound`` charges the vehicles only for the minutes a
visit and the leg into it take. A vehicle is held for the whole day out
(rule 8: from leaving lodging to coming back), lunch and the last leg
included, so on weeks where vans bind that bound is loose.

Here each column is one *day pattern*: a set of sites one delegation could
visit on one day riding one pool. Its day out lasts at least the shortest
path through the sites plus their durations, plus lunch when the visits fit
neither before nor after the lunch window; every pattern passes a
relaxation of rules 1–4 (start ranges, travel, the day window). The master
LP keeps the families of ``bounds.relaxation_bound`` (requests, sites,
presenters) and charges each pool, per day and time window, the least part
of the pattern's day out that any placement puts inside the window.

There are tens of thousands of patterns on an event week, too many for one
LP. They are enumerated once as arrays and priced with numpy; the master
holds the ones that priced well. Each round's Lagrangian bound (the master's
value plus, per delegation-day, its best positive reduced cost) is a valid
bound, so the search can stop at any round.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from ortools.linear_solver import pywraplp

from solvers.cpsat.bounds import (
    _band,
    _candidates,
    _minutes_on,
    _requests,
    _windows,
    present_at,
)
from solvers.cpsat.variables import clip

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Mapping
    from multiprocessing.connection import Connection

    from scheduler.problem import ProblemData, Window

STALL_ROUNDS = 5
"""Rounds without a better integer bound before it stops: a column
generation's Lagrangian bound can stay put for rounds while its master is
already optimal, and each round takes seconds of a core."""
WINDOW_STEP = 120
"""Grid of the pattern LP's time windows (minutes). On the surge week only
whole-day vehicle windows bound the LP's optimum; a coarser grid than
``bounds.STEP`` keeps the master small enough to re-solve each round."""
GLOP_PARAMETERS = "use_preprocessing: false"
"""Each round adds columns to the last master: without presolve, GLOP
starts from the last basis."""
MAX_PATTERNS = 150_000
"""More patterns than this and the bound is not tried (the surge week has
64,000; 1,000 delegations about 320,000, whose masters GLOP would not
finish in the search's time)."""
PER_ROUND = 4
"""Columns added per delegation-day and round (the best-priced)."""
MASTER_SHARE = 1e-6
"""A column the master uses at least this much is part of its plan
(``_Columns.plan``)."""
ARTIFICIAL = 10_000.0
"""Cost of serving a site no pattern in the master covers yet; it keeps the
first masters feasible (required requests) and only relaxes them."""


@dataclass
class _Placement:
    """Where a pattern's day out can lie: [depart, back) of at least
    ``span`` minutes inside [earliest, latest)."""

    earliest: int
    latest: int
    span: int


@dataclass(frozen=True)
class Plan:
    """What one round's master serves: per delegation-day (d, k), the sites
    of the day patterns it uses, and the value it plans there.

    The master is nearly whole on event weeks, and its patterns chain two
    or three sites a day out where a first-fit schedule rides out for one:
    the search re-plans whole days inside these sites
    (``lns.improve``, ``pattern`` steps)."""

    value: float
    sites: dict[tuple[int, int], frozenset[int]]
    day_values: dict[int, float]
    """Day → the value the master's patterns serve that day (each
    pattern's sites at their best request's value, by its share)."""


@dataclass
class _Patterns:
    """Every day pattern, as parallel arrays."""

    block: list[int] = field(default_factory=list)
    """Pattern → its delegation-day (index into ``blocks``)."""
    visits: list[tuple[int, ...]] = field(default_factory=list)
    """Pattern → ids of its (delegation, site, day) visits."""
    placements: list[list[_Placement]] = field(default_factory=list)
    blocks: list[tuple[int, int]] = field(default_factory=list)
    """Delegation-day (d, k)."""
    visit_keys: list[tuple[int, int, int]] = field(default_factory=list)
    """Visit id → (delegation, site, day)."""
    visit_range: list[tuple[int, int]] = field(default_factory=list)
    """Visit id → (earliest, latest) start that day."""
    found: dict[int, dict[int, tuple[Window, ...]]] = field(
        default_factory=dict
    )
    """Delegation → its candidate sites' start ranges (``bounds``)."""


def _closure(data: ProblemData, d: int, sites: list[int]) -> np.ndarray:
    """Shortest travel between lodging (index 0) and ``sites`` (1..n),
    through any of them: never more than the direct legs, and it obeys the
    triangle inequality, so leaving a site out never lengthens a path."""
    dd = data.delegations[d]
    n = len(sites) + 1
    t = np.zeros((n, n), dtype=np.int64)
    for i, s in enumerate(sites, 1):
        t[0, i] = dd.from_lodging[s]
        t[i, 0] = dd.to_lodging[s]
        for j, u in enumerate(sites, 1):
            t[i, j] = data.travel[s][u] if i != j else 0
    for m in range(n):
        t = np.minimum(t, t[:, m : m + 1] + t[m : m + 1, :])
    return t


def _enumerate(
    data: ProblemData, limit: int = MAX_PATTERNS
) -> _Patterns | None:
    """Every site set each delegation could visit in one day (None if more
    than ``limit``).

    Sets grow one site at a time, and a set is tried only when all its
    subsets passed: with the travel closure, a set that fails its day
    fails in every larger one. Per set and last site, a Held–Karp label
    keeps the earliest end from the day's start, from the end of lunch
    and the shortest path."""
    out = _Patterns()
    visit_ids: dict[tuple[int, int, int], int] = {}
    for d, dd in enumerate(data.delegations):
        found = _candidates(data, d)
        if not found:
            continue
        out.found[d] = found
        for day in dd.days:
            ranges = {
                s: (starts[0][0], starts[-1][1])
                for s, windows in found.items()
                if (starts := clip(windows, day.lo, day.hi - 1))
            }
            if not ranges:
                continue
            sites = sorted(ranges)
            t = _closure(data, d, sites)
            block = len(out.blocks)
            out.blocks.append((d, day.index))
            ids = []
            for s in sites:
                key = (d, s, day.index)
                if key not in visit_ids:
                    visit_ids[key] = len(out.visit_keys)
                    out.visit_keys.append(key)
                    out.visit_range.append(ranges[s])
                ids.append(visit_ids[key])
            _day_patterns(data, d, day, sites, ranges, t, ids, block, out)
            if len(out.block) > limit:
                return None
    return out


@dataclass
class _Label:
    """Held–Karp label of a site set and one of its sites."""

    ends: list[float]
    """Earliest end when that site is last, leaving at each of
    ``_Day.leaves``."""
    path: float
    """Shortest path from lodging through the set, that site last."""
    starts: list[float]
    """Latest start when that site is first, back by each of
    ``_Day.backs``."""


@dataclass
class _Day:
    """One delegation-day's candidate sites, in the arrays the labels use."""

    data: ProblemData
    d: int
    day: Any
    sites: list[int]
    lo: list[int]
    hi: list[int]
    dur: list[int]
    t: np.ndarray
    leaves: list[int]
    """Leave no earlier than the day's start (and than lunch's end)."""
    backs: list[int]
    """Be back by the day's end (and before lunch's end less lunch)."""

    def single(self, i: int) -> _Label:
        ends = []
        for leave in self.leaves:
            begin = max(self.lo[i], leave + int(self.t[0, i + 1]))
            ends.append(
                begin + self.dur[i] if begin <= self.hi[i] else math.inf
            )
        starts = []
        for back in self.backs:
            begin = min(self.hi[i], back - int(self.t[i + 1, 0]) - self.dur[i])
            starts.append(begin if begin >= self.lo[i] else -math.inf)
        return _Label(ends, float(self.t[0, i + 1]), starts)

    def grow(
        self, mask: int, labels: Mapping[int, dict[int, _Label]]
    ) -> dict[int, _Label]:
        """Labels of ``mask`` from those of its subsets one site smaller."""
        out = {}
        for i in _bits(mask):
            rest = labels[mask & ~(1 << i)]
            ends = [math.inf] * len(self.leaves)
            path = math.inf
            starts = [-math.inf] * len(self.backs)
            for u, label in rest.items():
                into = int(self.t[u + 1, i + 1])
                path = min(path, label.path + into)
                for k, end in enumerate(label.ends):
                    begin = max(self.lo[i], end + into)
                    if begin <= self.hi[i]:
                        ends[k] = min(ends[k], begin + self.dur[i])
                out_of = int(self.t[i + 1, u + 1])
                for k, later in enumerate(label.starts):
                    begin = min(self.hi[i], later - out_of - self.dur[i])
                    if begin >= self.lo[i]:
                        starts[k] = max(starts[k], begin)
            out[i] = _Label(ends, path, starts)
        return out


def _day_patterns(
    data: ProblemData,
    d: int,
    day: Any,
    sites: list[int],
    ranges: Mapping[int, tuple[int, int]],
    t: np.ndarray,
    ids: list[int],
    block: int,
    out: _Patterns,
) -> None:
    m = day.lunch_minutes
    lunch_lo, lunch_hi = day.lunch
    one = _Day(
        data,
        d,
        day,
        sites,
        [ranges[s][0] for s in sites],
        [ranges[s][1] for s in sites],
        [data.sites[s].duration for s in sites],
        t,
        [day.lo] if m == 0 else [day.lo, lunch_lo + m],
        [day.hi] if m == 0 else [day.hi, lunch_hi - m],
    )
    labels: dict[int, dict[int, _Label]] = {}
    level = []
    for i in range(len(sites)):
        labels[1 << i] = {i: one.single(i)}
        level.append(1 << i)
    limit = data.delegations[d].max_per_day
    while level:
        following = []
        for mask in level:
            if not _emit(one, mask, labels[mask], ids, block, out):
                del labels[mask]
        for mask in level:
            if mask not in labels or bin(mask).count("1") >= limit:
                continue
            for j in range(mask.bit_length(), len(sites)):
                grown = mask | (1 << j)
                if all(grown & ~(1 << i) in labels for i in _bits(grown)):
                    labels[grown] = one.grow(grown, labels)
                    following.append(grown)
        level = following


def _bits(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if mask >> i & 1]


def _emit(
    one: _Day,
    mask: int,
    label: Mapping[int, _Label],
    ids: list[int],
    block: int,
    out: _Patterns,
) -> bool:
    """Add the pattern of ``mask`` if its day can pass. False when no order
    of its sites fits the day's window: then no larger set fits either (a
    narrow placement range is no such proof, as a larger set's is wider).

    A day out [leave, back) of the pattern leaves no later than its latest
    leave and is back no earlier than its earliest back, so it lasts at
    least their difference, waits included."""
    day, dd, sites = one.day, one.data.delegations[one.d], one.sites
    members = _bits(mask)
    closure_back = {i: int(one.t[i + 1, 0]) for i in members}
    soonest_back = min(label[i].ends[0] + closure_back[i] for i in members)
    if soonest_back > day.hi:
        return False
    travel = int(min(label[i].path + closure_back[i] for i in members))
    least = sum(one.dur[i] for i in members) + travel

    def back_from(k: int) -> float:
        return min(label[i].ends[k] + dd.to_lodging[sites[i]] for i in members)

    def leave_by(k: int) -> float:
        return max(
            label[i].starts[k] - dd.from_lodging[sites[i]] for i in members
        )

    earliest = max(
        day.lo, min(one.lo[i] - dd.from_lodging[sites[i]] for i in members)
    )
    latest = min(
        day.hi,
        max(one.hi[i] + one.dur[i] + dd.to_lodging[sites[i]] for i in members),
    )
    # (leave no earlier, back no later, least span, earliest back, latest leave)
    options: list[tuple[float, float, float, float, float]] = []
    m = day.lunch_minutes
    if m == 0:
        options.append((earliest, latest, least, back_from(0), leave_by(0)))
    else:
        lunch_lo, lunch_hi = day.lunch
        before = lunch_hi - m
        if soonest_back <= before:
            options.append(
                (
                    earliest,
                    min(latest, before),
                    least,
                    back_from(0),
                    leave_by(1),
                )
            )
        if min(label[i].ends[1] + closure_back[i] for i in members) <= day.hi:
            options.append(
                (
                    max(earliest, lunch_lo + m),
                    latest,
                    least,
                    back_from(1),
                    leave_by(0),
                )
            )
        options.append(
            (earliest, latest, least + m, back_from(0), leave_by(0))
        )
    placements = []
    for lo, hi, span, first_back, last_leave in options:
        span = max(span, first_back - last_leave)
        lo = max(lo, first_back - span)
        hi = min(hi, last_leave + span)
        if math.isfinite(span) and hi - lo >= span:
            placements.append(_Placement(int(lo), int(hi), int(span)))
    if placements:
        out.block.append(block)
        out.visits.append(tuple(ids[i] for i in members))
        out.placements.append(placements)
    return True


def _day_windows(lo: int, hi: int) -> list[tuple[int, int]]:
    return _windows(lo, hi, WINDOW_STEP)


def _least_of_visit(lo: int, hi: int, duration: int, a: int, b: int) -> int:
    """Least minutes of a visit starting in [lo, hi] inside [a, b)."""
    return min(max(0, min(x + duration, b) - max(x, a)) for x in (lo, hi))


def _overlaps(
    depart: np.ndarray, span: np.ndarray, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Minutes of [depart, depart + span) inside each [a, b)."""
    inside: np.ndarray = np.maximum(
        0, np.minimum(depart + span, b) - np.maximum(depart, a)
    )
    return inside


class _Rows:
    """The master's rows, made on first use, with their duals as an array."""

    def __init__(self, lp: pywraplp.Solver) -> None:
        self.lp = lp
        self.index: dict[tuple[Any, ...], int] = {}
        self.rows: list[Any] = []

    def get(self, key: tuple[Any, ...], upper: float) -> int:
        if key not in self.index:
            self.index[key] = len(self.rows)
            self.rows.append(self.lp.Constraint(-self.lp.infinity(), upper))
        return self.index[key]

    def duals(self) -> np.ndarray:
        return np.array([row.dual_value() for row in self.rows])


def pattern_bound(
    data: ProblemData,
    caps: Mapping[int, int] | None = None,
    stop: threading.Event | None = None,
    rounds: int = 200,
    stall: int = STALL_ROUNDS,
    seconds_left: Callable[[], float] | None = None,
    on_round: Callable[[int, float, float], None] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> int | None:
    """The day-pattern bound on served value (None if there are too many
    patterns, or no round ended). It stops at convergence, after ``rounds``
    rounds, after ``stall`` rounds that did not lower the bound by a unit,
    when ``stop`` is set or ``seconds_left()`` runs out (GLOP is given
    what is left), and returns the best round's bound.
    ``on_round(round, master value, bound)`` follows the progress;
    ``on_plan`` hears each round's master plan (``Plan``)."""
    patterns = _enumerate(data)
    if patterns is None or not patterns.block:
        return None
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    lp.SetSolverSpecificParametersAsString(GLOP_PARAMETERS)
    rows = _Rows(lp)
    value_terms: list[Any] = []
    for d, found in patterns.found.items():
        _present(lp, data, d, found, rows, value_terms, caps)
    columns = _Columns(data, patterns, rows)
    lp.Maximize(lp.Sum(value_terms))
    objective = lp.Objective()
    best = math.inf
    columns.add(lp, columns.singles())
    since = 0
    for count in range(rounds):
        if seconds_left is not None:
            left = seconds_left()
            if left <= 0:
                break
            lp.SetTimeLimit(max(1, int(1000 * left)))
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            break
        value = objective.Value()
        reduced = columns.reduced_costs(rows.duals())
        gain = columns.block_gains(reduced)
        bound = value + float(gain.sum())
        lower = bound < best and (
            not math.isfinite(best)
            or math.floor(bound + 1e-6) < math.floor(best + 1e-6)
        )
        since = 0 if lower else since + 1
        best = min(best, bound)
        if on_round is not None:
            on_round(count, value, best)
        if on_plan is not None:
            on_plan(columns.plan(value))
        if math.floor(best + 1e-6) <= math.floor(value + 1e-6):
            break
        if since >= stall:
            break
        if stop is not None and stop.is_set():
            break
        chosen = columns.best(reduced)
        if not chosen:
            break
        columns.add(lp, chosen)
    if not math.isfinite(best):
        return None
    return math.floor(best + 1e-6)


def _child(
    data: ProblemData,
    caps: Mapping[int, int] | None,
    rounds: int,
    conn: Connection,
) -> None:
    """Send each round's plan (``Plan``) and bound, then None. It runs at
    the lowest priority: the search's steps come first, the bound takes the
    time they leave."""
    with contextlib.suppress(OSError):
        os.nice(19)
    try:
        pattern_bound(
            data,
            caps,
            rounds=rounds,
            on_round=lambda _, __, b: conn.send(b),
            on_plan=conn.send,
        )
    finally:
        conn.send(None)
        conn.close()


def bound_in_process(
    data: ProblemData,
    caps: Mapping[int, int] | None,
    until: threading.Event,
    rounds: int = 200,
    on_bound: Callable[[int], None] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> int | None:
    """``pattern_bound`` in a process of its own, so that its Python work
    (enumerating, pricing, building columns) does not hold the search's
    interpreter; stopped when ``until`` is set. Every round's bound is valid,
    so the best one received so far is the answer (None if none came)."""
    context = multiprocessing.get_context("spawn")
    mine, theirs = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(data, dict(caps or {}), rounds, theirs),
        daemon=True,
    )
    child.start()
    theirs.close()
    best: int | None = None
    try:
        while not until.is_set():
            if not mine.poll(0.2):
                if not child.is_alive() and not mine.poll():
                    break
                continue
            try:
                got = mine.recv()
            except EOFError:
                break
            if got is None:
                break
            if isinstance(got, Plan):
                if on_plan is not None:
                    on_plan(got)
                continue
            value = math.floor(got + 1e-6)
            if best is None or value < best:
                best = value
                if on_bound is not None:
                    on_bound(value)
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        mine.close()
    return best


def _present(
    lp: pywraplp.Solver,
    data: ProblemData,
    d: int,
    found: Mapping[int, Any],
    rows: _Rows,
    value_terms: list[Any],
    caps: Mapping[int, int] | None,
) -> None:
    """x(j, s) as in ``bounds``; a site is present when it serves a request
    (or is locked), and present(d, s) ≤ Σ patterns with s + artificial."""
    x = _requests(lp, data, d, found, value_terms, caps)
    locked = {lock.site for lock in data.locked if lock.delegation == d}
    for s in found:
        present = present_at(lp, x, s, locked=s in locked)
        row = rows.rows[rows.get(("link", d, s), 0.0)]
        row.SetCoefficient(present, 1.0)
        artificial = lp.NumVar(0, 1, "")
        row.SetCoefficient(artificial, -1.0)
        value_terms.append(-ARTIFICIAL * artificial)


class _Columns:
    """Every (pattern, pool) column as arrays over the master's rows, so
    that pricing all of them is a few numpy sums."""

    def __init__(
        self, data: ProblemData, patterns: _Patterns, rows: _Rows
    ) -> None:
        self.data = data
        self.patterns = patterns
        self._rows = rows
        self.n = len(patterns.block)
        n_pools = len(data.vehicles)
        block_d = np.array([d for d, _ in patterns.blocks])
        self.block = np.array(patterns.block)
        delegation = block_d[self.block]
        need = np.array(
            [
                [data.vehicles_needed(d, p) for p in range(n_pools)]
                for d in range(len(data.delegations))
            ],
            dtype=float,
        )
        count = np.array([pool.count for pool in data.vehicles], dtype=float)
        self.need = need[delegation]
        """Pattern × pool → vehicles needed (inf where too few)."""
        self.need[self.need > count[None, :]] = np.inf
        self.conv = np.array(
            [rows.get(("day", d, k), 1.0) for d, k in patterns.blocks]
        )[self.block]
        self.windows = {
            k: _day_windows(*_band(data, k)) for _, k in patterns.blocks
        }
        """Day → the master's time windows that day."""
        self.teams = self._teams()
        self._visit_rows(rows)
        self._vehicle_rows(rows)
        self.in_master: set[tuple[int, int]] = set()
        self.master: list[tuple[int, Any]] = []
        """The master's columns: (pattern, its variable)."""

    def _teams(self) -> dict[tuple[int, int], set[frozenset[int]]]:
        """Department-day → its whole team and each visit's presenters."""
        data = self.data
        out: dict[tuple[int, int], set[frozenset[int]]] = defaultdict(set)
        for d, s, k in self.patterns.visit_keys:
            dept = data.sites[s].department
            if dept < 0:
                continue
            if (dept, k) not in out:
                out[(dept, k)].add(
                    frozenset(
                        p
                        for p, person in enumerate(data.presenters)
                        if person.department == dept
                    )
                )
            out[(dept, k)].add(frozenset(data.presenters_for(d, s)))
        return out

    def _visit_rows(self, rows: _Rows) -> None:
        """Per visit (d, s, k): link, site-day and presenter rows."""
        data = self.data
        pv_pattern: list[int] = []
        pv_visit: list[int] = []
        for p, ids in enumerate(self.patterns.visits):
            pv_pattern += [p] * len(ids)
            pv_visit += ids
        self.pv_pattern = np.array(pv_pattern)
        self.pv_visit = np.array(pv_visit)
        self.pattern_visits = self.patterns.visits
        vr_visit, vr_row, vr_coef = [], [], []
        self.visit_coefs: list[list[tuple[int, float]]] = []
        for v, (d, s, k) in enumerate(self.patterns.visit_keys):
            site = data.sites[s]
            dd = data.delegations[d]
            open_minutes = _minutes_on(site.open, data.day_span(k))
            coefs = [
                (rows.get(("link", d, s), 0.0), -1.0),
                (
                    rows.get(("groups", s, k), site.max_groups * open_minutes),
                    float(site.duration),
                ),
                (
                    rows.get(("people", s, k), site.capacity * open_minutes),
                    float(dd.size * site.duration),
                ),
            ]
            lo, hi = self.patterns.visit_range[v]
            if site.department >= 0:
                coefs += self._presenter_coefs(rows, d, s, k, lo, hi)
            self.visit_coefs.append(coefs)
            for r, c in coefs:
                vr_visit.append(v)
                vr_row.append(r)
                vr_coef.append(c)
        self.vr_visit = np.array(vr_visit)
        self.vr_row = np.array(vr_row)
        self.vr_coef = np.array(vr_coef)
        self.n_visits = len(self.patterns.visit_keys)

    def _presenter_coefs(
        self, rows: _Rows, d: int, s: int, k: int, lo: int, hi: int
    ) -> list[tuple[int, float]]:
        """Rule 6 per department-day, for every team that some visit's
        presenters (those of the department speaking a language of the
        delegation) lie within: the visits only such a team can host are
        at most its visits a day, and their minutes inside each window at
        most the team's minutes available there."""
        data = self.data
        site = data.sites[s]
        eligible = frozenset(data.presenters_for(d, s))
        out = []
        for team in self.teams[(site.department, k)]:
            if not eligible <= team:
                continue
            people = [data.presenters[p] for p in team]
            out.append(
                (
                    rows.get(
                        ("presenters", site.department, k, team),
                        sum(p.max_per_day for p in people),
                    ),
                    1.0,
                )
            )
            for a, b in self.windows[k]:
                inside = _least_of_visit(lo, hi, site.duration, a, b)
                if inside > 0:
                    available = sum(
                        _minutes_on(p.available, (a, b)) for p in people
                    )
                    out.append(
                        (
                            rows.get(
                                (
                                    "presenter minutes",
                                    site.department,
                                    k,
                                    team,
                                    a,
                                    b,
                                ),
                                available,
                            ),
                            float(inside),
                        )
                    )
        return out

    def _vehicle_rows(self, rows: _Rows) -> None:
        """Per pattern and window of its day: the least minutes inside."""
        data = self.data
        plac_pattern, earliest, last_depart, span = [], [], [], []
        for p, placements in enumerate(self.patterns.placements):
            for pl in placements:
                plac_pattern.append(p)
                earliest.append(pl.earliest)
                last_depart.append(pl.latest - pl.span)
                span.append(pl.span)
        day_of = np.array([k for _, k in self.patterns.blocks])[self.block]
        plac = np.array(plac_pattern)
        starts = np.array(earliest)[:, None]
        ends = np.array(last_depart)[:, None]
        spans = np.array(span)[:, None]
        window_keys: list[tuple[int, int, int]] = []
        iw: tuple[list[np.ndarray], ...] = ([], [], [])
        for k in np.unique(day_of).tolist():
            on = np.flatnonzero(day_of[plac] == k)
            windows = self.windows[k]
            a = np.array([w[0] for w in windows])[None, :]
            b = np.array([w[1] for w in windows])[None, :]

            least = np.minimum(
                _overlaps(starts[on], spans[on], a, b),
                _overlaps(ends[on], spans[on], a, b),
            )
            first = np.flatnonzero(np.r_[True, plac[on][1:] != plac[on][:-1]])
            per_pattern = np.minimum.reduceat(least, first, axis=0)
            pattern_ids = plac[on][first]
            i, j = np.nonzero(per_pattern > 0)
            iw[0].append(pattern_ids[i])
            iw[1].append(j + len(window_keys))
            iw[2].append(per_pattern[i, j].astype(float))
            window_keys += [(k, wa, wb) for wa, wb in windows]
        order = np.argsort(np.concatenate(iw[0]), kind="stable")
        self.iw_pattern = np.concatenate(iw[0])[order]
        self.iw_window = np.concatenate(iw[1])[order]
        self.iw_value = np.concatenate(iw[2])[order]
        self.window_row = np.array(
            [
                [
                    rows.get(
                        ("vehicles", pool, k, a, b),
                        data.vehicles[pool].count * (b - a),
                    )
                    for (k, a, b) in window_keys
                ]
                for pool in range(len(data.vehicles))
            ],
            dtype=np.int64,
        ).reshape(len(data.vehicles), len(window_keys))

    def singles(self) -> list[tuple[int, int]]:
        """Every one-site pattern on every pool it can ride."""
        return [
            (p, q)
            for p, ids in enumerate(self.pattern_visits)
            if len(ids) == 1
            for q in np.flatnonzero(np.isfinite(self.need[p])).tolist()
        ]

    def reduced_costs(self, duals: np.ndarray) -> np.ndarray:
        """Pattern × pool → reduced cost (−inf where the pool is too small)."""
        visit_price = np.bincount(
            self.vr_visit,
            weights=self.vr_coef * duals[self.vr_row],
            minlength=self.n_visits,
        )
        price = np.bincount(
            self.pv_pattern,
            weights=visit_price[self.pv_visit],
            minlength=self.n,
        )
        price += duals[self.conv]
        out = np.empty_like(self.need)
        for q in range(self.need.shape[1]):
            vehicle = np.bincount(
                self.iw_pattern,
                weights=self.iw_value
                * duals[self.window_row[q][self.iw_window]],
                minlength=self.n,
            )
            with np.errstate(invalid="ignore"):
                out[:, q] = -(price + self.need[:, q] * vehicle)
        out[~np.isfinite(self.need)] = -np.inf
        reduced: np.ndarray = out
        return reduced

    def block_gains(self, reduced: np.ndarray) -> np.ndarray:
        """Per delegation-day: its best positive reduced cost (0 if none)."""
        best = np.zeros(len(self.patterns.blocks))
        np.maximum.at(best, self.block, reduced.max(axis=1))
        return best

    def best(self, reduced: np.ndarray) -> list[tuple[int, int]]:
        """Up to ``PER_ROUND`` columns per delegation-day, best first, that
        price positive and are not in the master yet."""
        flat = np.flatnonzero(reduced.ravel() > 1e-6)
        order = flat[np.argsort(-reduced.ravel()[flat], kind="stable")]
        taken: dict[int, int] = defaultdict(int)
        out = []
        n_pools = reduced.shape[1]
        for i in order.tolist():
            p, q = divmod(i, n_pools)
            b = int(self.block[p])
            if taken[b] >= PER_ROUND or (p, q) in self.in_master:
                continue
            taken[b] += 1
            out.append((p, q))
        return out

    def add(self, lp: pywraplp.Solver, chosen: list[tuple[int, int]]) -> None:
        """Put the columns not there yet in the master."""
        for p, q in chosen:
            if (p, q) in self.in_master:
                continue
            self.in_master.add((p, q))
            z = lp.NumVar(0, lp.infinity(), "")
            self.master.append((p, z))
            coefs: dict[int, float] = defaultdict(float)
            coefs[int(self.conv[p])] += 1.0
            for v in self.pattern_visits[p]:
                for r, c in self.visit_coefs[v]:
                    coefs[r] += c
            need = float(self.need[p, q])
            span = slice(*np.searchsorted(self.iw_pattern, [p, p + 1]))
            for w, inside in zip(
                self.iw_window[span].tolist(),
                self.iw_value[span].tolist(),
                strict=True,
            ):
                coefs[int(self.window_row[q][w])] += need * inside
            rows = self._rows
            for r, c in coefs.items():
                rows.rows[r].SetCoefficient(z, c)

    def plan(self, value: float) -> Plan:
        """The sites of the columns the solved master uses, per
        delegation-day (``Plan``)."""
        patterns, data = self.patterns, self.data
        sites: dict[tuple[int, int], set[int]] = defaultdict(set)
        day_values: dict[int, float] = defaultdict(float)
        for p, z in self.master:
            share = z.solution_value()
            if share < MASTER_SHARE:
                continue
            d, k = patterns.blocks[patterns.block[p]]
            mine = [patterns.visit_keys[v][1] for v in patterns.visits[p]]
            sites[(d, k)].update(mine)
            requests = data.delegations[d].requests
            day_values[k] += share * sum(
                max((r.value for r in requests if s in r.sites), default=0)
                for s in mine
            )
        return Plan(
            value,
            {key: frozenset(found) for key, found in sites.items()},
            dict(day_values),
        )
