"""Window improvement of large tours: small exact re-plans, one at a time.

On tour-like data of more than a hundred sites, the whole tour model
(``tours.py``) is too big for CP-SAT to improve PyVRP's tours in a minute.
This loop improves them piece by piece instead: it picks a *window*, a
contiguous segment of one tour (or of two tours that pass near each
other) plus the unvisited sites nearest to it whose opening hours fit the
segment's time span, and re-plans just that window exactly with a small
CP-SAT model, the rest of the tours held fixed:

- a segment runs from a fixed entry (the visit before it, left at its
  earliest end, or the lodging at the day's start) to a fixed exit (the
  visit after it, reached by its latest start that keeps the rest of its
  tour feasible, or the lodging by the day's end);
- CP-SAT chooses which of the window's sites each segment visits, in which
  order and when (``AddCircuit`` a segment), each site at most once, at
  most ``max_per_day`` visits a day, each request served at most once
  (required ones exactly once), served value first and travel second.

A window's re-plan is kept when it serves more value, or the same value
with less travel; the tours are then timed again at their earliest starts,
which the exit's latest start keeps feasible. Windows are chosen
adaptively: a kind (one tour or two, segment length, nearby sites) that
improved recently is chosen more often. The work is counted on the
caller's ``Clock``, so a deterministic plan repeats.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.problem.solution import PlannedVisit
from solvers.cpsat.engine import new_solver
from solvers.pyvrp_warm_start import DELEGATION, delegation_pool

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Sequence

    from scheduler.problem import DayData, ProblemData, Window
    from solvers.clock import Clock

WINDOW_S = 1.0
"""One window's CP-SAT call gets at most this (seconds or work units);
a window of 10–40 sites is solved to optimality in well under that."""

KINDS: tuple[tuple[int, int, int], ...] = tuple(
    (tours, length, nearby)
    for tours in (1, 2)
    for length in (4, 8, 14)
    for nearby in (8, 16, 28)
)
"""Window kinds: (tours in the window, segment length, unvisited sites)."""

ADOPT_EVERY_S = 2.0
"""How often (clock seconds) the loop takes the race's tours when they
serve more than its own."""

Stop = tuple[int, int]
"""(site, request) on a tour."""


@dataclass(frozen=True)
class Segment:
    """Positions ``lo`` up to ``hi`` (exclusive) of tour ``tour``."""

    tour: int
    lo: int
    hi: int


@dataclass
class Plan:
    """Tours as (site, request) sequences, one per day in order."""

    data: ProblemData
    days: tuple[DayData, ...]
    tours: list[list[Stop]]
    ranges: dict[int, tuple[Window, ...]] = field(default_factory=dict)

    @staticmethod
    def of(data: ProblemData, visits: Sequence[PlannedVisit]) -> Plan:
        days = data.delegations[DELEGATION].days
        index = {day.index: k for k, day in enumerate(days)}
        tours: list[list[Stop]] = [[] for _ in days]
        for v in sorted(visits, key=lambda v: v.start):
            tours[index[data.day_of(v.start)]].append((v.site, v.request))
        return Plan(data, days, tours)

    def starts(self, site: int) -> tuple[Window, ...]:
        if site not in self.ranges:
            self.ranges[site] = self.data.starts(DELEGATION, site)
        return self.ranges[site]

    def travel(self, a: int, b: int) -> int:
        """Minutes from place a to place b (-1: the lodging)."""
        d = self.data.delegations[DELEGATION]
        if a < 0:
            return 0 if b < 0 else d.from_lodging[b]
        if b < 0:
            return d.to_lodging[a]
        return self.data.travel[a][b]

    def duration(self, site: int) -> int:
        return self.data.sites[site].duration

    def earliest(self, k: int, order: Sequence[Stop]) -> list[int] | None:
        """Earliest starts of a tour on day k (None: it does not fit)."""
        day = self.days[k]
        free, here, out = day.lo, -1, []
        for site, _ in order:
            start = self.first(site, free + self.travel(here, site), day)
            if start is None:
                return None
            out.append(start)
            free, here = start + self.duration(site), site
        if free + self.travel(here, -1) > day.hi:
            return None
        return out

    def latest(self, k: int, order: Sequence[Stop]) -> list[int]:
        """Latest starts that keep the rest of a (feasible) tour feasible."""
        day = self.days[k]
        out = [0] * len(order)
        bound, after = day.hi, -1
        for i in range(len(order) - 1, -1, -1):
            site = order[i][0]
            bound -= self.travel(site, after) + self.duration(site)
            last = self.last(site, bound, day)
            assert last is not None, "latest() of an infeasible tour"
            out[i] = bound = last
            after = site
        return out

    def first(self, site: int, reach: int, day: DayData) -> int | None:
        slot = self.data.slot
        for lo, hi in self.starts(site):
            if hi < reach or lo < day.lo or hi > day.hi:
                continue
            start = max(lo, -(-reach // slot) * slot)
            if start <= hi:
                return start
        return None

    def last(self, site: int, bound: int, day: DayData) -> int | None:
        slot = self.data.slot
        for lo, hi in reversed(self.starts(site)):
            if lo > bound or lo < day.lo or hi > day.hi:
                continue
            start = min(hi, bound // slot * slot)
            if start >= lo:
                return start
        return None

    def tour_travel(self, order: Sequence[Stop]) -> int:
        places = [-1, *(s for s, _ in order), -1]
        return sum(self.travel(a, b) for a, b in itertools.pairwise(places))

    def visits(self) -> tuple[PlannedVisit, ...]:
        pool = delegation_pool(self.data)
        out = []
        for k, order in enumerate(self.tours):
            starts = self.earliest(k, order)
            assert starts is not None, "an accepted tour no longer fits"
            out += [
                PlannedVisit(DELEGATION, site, start, -1, request, pool)
                for (site, request), start in zip(order, starts, strict=True)
            ]
        return tuple(sorted(out, key=lambda v: v.start))


@dataclass(frozen=True)
class Node:
    """A window site's start range on one segment's path."""

    segment: int
    site: int
    present: cp_model.IntVar
    start: cp_model.IntVar
    """The start's slot number (start = slot × it)."""
    lo: int
    hi: int
    """Earliest and latest start (minutes)."""


@dataclass
class TourWindow:
    """One window's model: segments, their sites, and the values."""

    plan: Plan
    segments: list[Segment]
    sites: list[int]
    free: dict[int, list[int]]
    """Site → requests it may serve here (served nowhere else)."""


def replan(
    plan: Plan,
    window: TourWindow,
    clock: Clock,
    seed: int,
    stop: threading.Event | None,
) -> list[list[Stop]] | None:
    """The window re-planned exactly (per segment, its new stops), or None
    when CP-SAT found nothing better than the current segments."""
    data = plan.data
    d = data.delegations[DELEGATION]
    requests = d.requests
    model = cp_model.CpModel()
    nodes: list[Node] = []
    arcs_of: list[list[tuple[int, int, cp_model.IntVar]]] = []
    travel_terms: list[tuple[int, cp_model.IntVar]] = []
    span = 0
    hinted: list[tuple[Node, int]] = []
    hint_arcs: set[tuple[int, int, int]] = set()
    for g, seg in enumerate(window.segments):
        order = plan.tours[seg.tour]
        day = plan.days[seg.tour]
        starts = plan.earliest(seg.tour, order)
        latest = plan.latest(seg.tour, order)
        assert starts is not None
        entry = order[seg.lo - 1][0] if seg.lo > 0 else -1
        free = (
            starts[seg.lo - 1] + plan.duration(entry) if seg.lo > 0 else day.lo
        )
        exit_ = order[seg.hi][0] if seg.hi < len(order) else -1
        deadline = latest[seg.hi] if seg.hi < len(order) else day.hi
        span += max(0, deadline - free)
        cap = d.max_per_day - (len(order) - (seg.hi - seg.lo))
        current = {order[i][0]: starts[i] for i in range(seg.lo, seg.hi)}
        mine: list[Node] = []
        for site in window.sites:
            dur = plan.duration(site)
            lo_ = free + plan.travel(entry, site)
            hi_ = deadline - dur - plan.travel(site, exit_)
            ranges = [
                (max(lo, lo_), min(hi, hi_))
                for lo, hi in plan.starts(site)
                if lo >= day.lo and hi <= day.hi
            ]
            ranges = [(a, b) for a, b in ranges if a <= b]
            slot = data.slot
            domain = cp_model.Domain.from_intervals(
                [[-(-a // slot), b // slot] for a, b in ranges]
            )
            if domain.is_empty():
                continue
            present = model.new_bool_var(f"p{g}_{site}")
            slot_var = model.new_int_var_from_domain(domain, f"t{g}_{site}")
            node = Node(
                g, site, present, slot_var, ranges[0][0], ranges[-1][1]
            )
            mine.append(node)
            if site in current:
                hinted.append((node, current[site] // slot))
        # Path: 0 entry, 1 exit, 2 + i the i-th node of this segment.
        arcs: list[tuple[int, int, cp_model.IntVar]] = []
        loops: list[tuple[int, int, cp_model.LiteralT]] = []
        back = model.new_bool_var(f"back{g}")
        model.add(back == 1)
        arcs.append((1, 0, back))
        direct = plan.travel(entry, exit_)
        if free + direct <= deadline:
            lit = model.new_bool_var(f"direct{g}")
            arcs.append((0, 1, lit))
            travel_terms.append((direct, lit))
        position = {n.site: 2 + i for i, n in enumerate(mine)}
        for n in mine:
            i = position[n.site]
            into = model.new_bool_var(f"in{g}_{n.site}")
            out = model.new_bool_var(f"out{g}_{n.site}")
            arcs += [(0, i, into), (i, 1, out)]
            loops.append((i, i, ~n.present))
            travel_terms += [
                (plan.travel(entry, n.site), into),
                (plan.travel(n.site, exit_), out),
            ]
            dur = plan.duration(n.site)
            for m in mine:
                if m is n:
                    continue
                t = data.travel[n.site][m.site]
                if n.lo + dur + t > m.hi:
                    continue
                lit = model.new_bool_var(f"a{g}_{n.site}_{m.site}")
                arcs.append((i, position[m.site], lit))
                travel_terms.append((t, lit))
                model.add(
                    slot * m.start >= slot * n.start + dur + t
                ).only_enforce_if(lit)
        model.add_circuit([*arcs, *loops])
        model.add(sum(n.present for n in mine) <= cap)
        # Redundant, for the bound: the span holds each visit with the
        # shortest travel into it, and the shortest way out to the exit.
        shortest_in = {
            n.site: min(
                [plan.travel(entry, n.site)]
                + [data.travel[m.site][n.site] for m in mine if m is not n]
            )
            for n in mine
        }
        if mine:
            model.add(
                sum(
                    n.present * (plan.duration(n.site) + shortest_in[n.site])
                    for n in mine
                )
                <= deadline
                - free
                - min([direct] + [plan.travel(n.site, exit_) for n in mine])
            )
        arcs_of.append(arcs)
        nodes += mine
        sequence = [
            0,
            *(position.get(order[i][0], -1) for i in range(seg.lo, seg.hi)),
            1,
            0,
        ]
        hint_arcs |= {(g, a, b) for a, b in itertools.pairwise(sequence)}
    # Each site at most once; its requests: the free ones, one a visit.
    at_site: dict[int, list[Node]] = {}
    for n in nodes:
        at_site.setdefault(n.site, []).append(n)
    for group in at_site.values():
        if len(group) > 1:
            model.add_at_most_one(n.present for n in group)
    serve: dict[tuple[int, int], cp_model.IntVar] = {}
    for site, group in at_site.items():
        lits = []
        for j in window.free[site]:
            lit = model.new_bool_var(f"x{j}_{site}")
            serve[j, site] = lit
            lits.append(lit)
        model.add(sum(lits) == sum(n.present for n in group))
    by_request: dict[int, list[cp_model.IntVar]] = {}
    for (j, _), lit in serve.items():
        by_request.setdefault(j, []).append(lit)
    for j, lits in by_request.items():
        if requests[j].required:
            model.add_exactly_one(lits)
        elif len(lits) > 1:
            model.add_at_most_one(lits)
    weight = span + 1
    value = sum(requests[j].value * lit for (j, _), lit in serve.items())
    travel = sum(t * lit for t, lit in travel_terms if t)
    model.maximize(weight * value - travel)
    # The current segments as the hint (and the bar to beat).
    served = {
        (r, plan.tours[seg.tour][i][0])
        for seg in window.segments
        for i in range(seg.lo, seg.hi)
        for r in (plan.tours[seg.tour][i][1],)
    }
    chosen: dict[int, set[int]] = {}
    for n, slot_value in hinted:
        chosen.setdefault(n.segment, set()).add(n.site)
        model.add_hint(n.start, slot_value)
    for n in nodes:
        model.add_hint(n.present, n.site in chosen.get(n.segment, set()))
    for (j, site), lit in serve.items():
        model.add_hint(lit, (j, site) in served)
    for g, path_arcs in enumerate(arcs_of):
        for a, b, arc in path_arcs:
            model.add_hint(arc, (g, a, b) in hint_arcs)
    old_value = sum(requests[j].value for j, _ in served if j >= 0)
    old_travel = 0
    for seg in window.segments:
        order = plan.tours[seg.tour]
        places = [
            order[seg.lo - 1][0] if seg.lo > 0 else -1,
            *(order[i][0] for i in range(seg.lo, seg.hi)),
            order[seg.hi][0] if seg.hi < len(order) else -1,
        ]
        old_travel += sum(
            plan.travel(a, b) for a, b in itertools.pairwise(places)
        )
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    clock.limit(solver, WINDOW_S)
    if stop is not None and stop.is_set():
        return None
    code = clock.solve(solver, model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if solver.objective_value <= weight * old_value - old_travel:
        return None
    new: list[list[Stop]] = []
    for g, arcs in enumerate(arcs_of):
        succ = {
            a: b for a, b, lit in arcs if a != 1 and solver.boolean_value(lit)
        }
        mine = [n for n in nodes if n.segment == g]
        stops: list[Stop] = []
        here = succ.get(0, 1)
        while here != 1 and len(stops) <= len(mine):
            n = mine[here - 2]
            request = next(
                j
                for j in window.free[n.site]
                if solver.boolean_value(serve[j, n.site])
            )
            stops.append((n.site, request))
            here = succ.get(here, 1)
        new.append(stops)
    return new


def window_of(
    plan: Plan, segments: list[Segment], extra: Sequence[int]
) -> TourWindow:
    """The window of these segments, their sites and the ``extra`` ones."""
    inside = {
        plan.tours[s.tour][i][0] for s in segments for i in range(s.lo, s.hi)
    }
    free = free_requests(plan, inside)
    sites = sorted(inside) + [s for s in extra if s not in inside]
    return TourWindow(
        plan, segments, sites, {s: free.get(s, []) for s in sites}
    )


class Chooser:
    """Picks windows; kinds that improved lately are picked more often."""

    def __init__(self, plan: Plan, rng: random.Random) -> None:
        self.plan = plan
        self.rng = rng
        self.weights = [1.0] * len(KINDS)

    def pick(self) -> tuple[int, TourWindow] | None:
        plan, rng = self.plan, self.rng
        busy = [k for k, order in enumerate(plan.tours) if order]
        kinds = [
            i
            for i, (tours, _, _) in enumerate(KINDS)
            if tours <= max(1, len(plan.tours))
        ]
        kind = rng.choices(kinds, [self.weights[i] for i in kinds])[0]
        tours, length, nearby = KINDS[kind]
        first = rng.choice(busy) if busy else rng.randrange(len(plan.tours))
        segments = [self._segment(first, length, None)]
        if tours == 2:
            others = [k for k in range(len(plan.tours)) if k != first]
            if others:
                near = segments[0]
                centre = [
                    plan.tours[first][i][0] for i in range(near.lo, near.hi)
                ]
                best = min(
                    others,
                    key=lambda k: self._distance(k, centre),
                )
                segments.append(self._segment(best, length, centre))
        places = [
            plan.tours[s.tour][i][0]
            for s in segments
            for i in range(
                max(0, s.lo - 1), min(len(plan.tours[s.tour]), s.hi + 1)
            )
        ]
        on_tour = {site for order in plan.tours for site, _ in order}
        inside = {
            plan.tours[s.tour][i][0]
            for s in segments
            for i in range(s.lo, s.hi)
        }
        free = free_requests(plan, inside)
        routed = [
            s
            for s in plan.data.candidate_sites(DELEGATION)
            if s not in on_tour and free.get(s)
        ]
        scored = sorted(
            routed,
            key=lambda s: (
                min(
                    (plan.data.travel[p][s] for p in places),
                    default=plan.travel(-1, s),
                ),
                s,
            ),
        )
        spans = [self._span(seg) for seg in segments]
        extra = [s for s in scored if self._fits(spans, s)][:nearby]
        return kind, window_of(plan, segments, extra)

    def _segment(
        self, tour: int, length: int, near: list[int] | None
    ) -> Segment:
        order = self.plan.tours[tour]
        size = len(order)
        length = min(length, size)
        if near:
            centre = min(
                range(size),
                key=lambda i: min(
                    self.plan.data.travel[order[i][0]][p] for p in near
                ),
                default=0,
            )
            lo = max(0, min(size - length, centre - length // 2))
        else:
            lo = self.rng.randint(0, size - length)
        return Segment(tour, lo, lo + length)

    def _distance(self, tour: int, sites: list[int]) -> int:
        order = self.plan.tours[tour]
        if not order or not sites:
            return 0
        return min(
            self.plan.data.travel[a][b] for a, _ in order for b in sites
        )

    def _span(self, seg: Segment) -> tuple[DayData, int, int]:
        """The segment's day and time span: entry's end to exit's latest."""
        plan = self.plan
        order = plan.tours[seg.tour]
        day = plan.days[seg.tour]
        starts = plan.earliest(seg.tour, order) or []
        latest = plan.latest(seg.tour, order)
        lo = (
            starts[seg.lo - 1] + plan.duration(order[seg.lo - 1][0])
            if seg.lo > 0
            else day.lo
        )
        hi = latest[seg.hi] if seg.hi < len(order) else day.hi
        return day, lo, hi

    def _fits(self, spans: list[tuple[DayData, int, int]], site: int) -> bool:
        """Can the site start within one segment's time span at all?"""
        for day, lo, hi in spans:
            for a, b in self.plan.starts(site):
                if a >= day.lo and b <= day.hi and b >= lo and a <= hi:
                    return True
        return False

    def reward(self, kind: int, improved: bool) -> None:
        w = self.weights[kind]
        self.weights[kind] = w + 1.0 if improved else max(0.2, w * 0.95)


def free_requests(plan: Plan, inside: set[int]) -> dict[int, list[int]]:
    """Site → the requests of value it may serve: those served by no visit
    outside the window."""
    d = plan.data.delegations[DELEGATION]
    taken = {
        request
        for order in plan.tours
        for site, request in order
        if site not in inside
    }
    free: dict[int, list[int]] = {}
    for j, r in enumerate(d.requests):
        if j in taken or r.value <= 0:
            continue
        for s in r.sites:
            free.setdefault(s, []).append(j)
    return free


def value_and_travel(plan: Plan) -> tuple[int, int]:
    requests = plan.data.delegations[DELEGATION].requests
    value = sum(requests[j].value for o in plan.tours for _, j in o if j >= 0)
    return value, sum(plan.tour_travel(o) for o in plan.tours)


def improve(
    data: ProblemData,
    visits: Sequence[PlannedVisit],
    clock: Clock,
    deadline: float,
    *,
    seed: int = 0,
    stop: threading.Event | None = None,
    incoming: Callable[[float], Sequence[PlannedVisit]] | None = None,
    on_better: Callable[[tuple[PlannedVisit, ...]], None] | None = None,
    stats: dict[str, float] | None = None,
) -> tuple[PlannedVisit, ...]:
    """Improve a valid tour-like schedule window by window until
    ``deadline`` on ``clock``; never worse than ``visits``.

    ``incoming(now)`` gives tours found meanwhile elsewhere (the race's):
    they replace the loop's own when they serve more. ``on_better`` sees
    each better schedule; ``stats`` counts windows and improvements.
    """
    plan = Plan.of(data, visits)
    if any(plan.earliest(k, o) is None for k, o in enumerate(plan.tours)):
        return tuple(visits)
    rng = random.Random(seed)
    chooser = Chooser(plan, rng)
    counts = {"windows": 0, "window_improved": 0, "window_adopted": 0}
    adopted_at = clock.now()
    while clock.now() < deadline and not (stop is not None and stop.is_set()):
        if incoming is not None and clock.now() - adopted_at >= ADOPT_EVERY_S:
            adopted_at = clock.now()
            other = Plan.of(data, incoming(adopted_at))
            if value_and_travel(other)[0] > value_and_travel(plan)[0] and all(
                other.earliest(k, o) is not None
                for k, o in enumerate(other.tours)
            ):
                plan.tours = other.tours
                counts["window_adopted"] += 1
        picked = chooser.pick()
        if picked is None:
            break
        kind, window = picked
        counts["windows"] += 1
        new = replan(plan, window, clock, seed, stop)
        improved = False
        if new is not None:
            tours = [list(o) for o in plan.tours]
            # Replace later segments first when two share a tour.
            for seg, stops in sorted(
                zip(window.segments, new, strict=True),
                key=lambda p: (p[0].tour, -p[0].lo),
            ):
                tours[seg.tour][seg.lo : seg.hi] = stops
            if all(
                plan.earliest(k, o) is not None for k, o in enumerate(tours)
            ):
                plan.tours = tours
                improved = True
                counts["window_improved"] += 1
                if on_better is not None:
                    on_better(plan.visits())
        chooser.reward(kind, improved)
    if stats is not None:
        stats.update({k: float(v) for k, v in counts.items()})
    return plan.visits()
