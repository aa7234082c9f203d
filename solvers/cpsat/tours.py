"""The tour model: one delegation whose days are all alike.

For tour-like data (``routing.unsupported`` is None) whose days look the
same (``RoutingModel.periodic``: same length, same start ranges relative to
the day's start, as in TOPTW), the days are interchangeable. The week model
then holds every tour on each of m days, m symmetric copies its linear
relaxation cannot tell apart; this model holds none. Node 0 is the lodging,
node c ≥ 1 a site's start range (``RoutingModel.copies``) on the day's own
clock; CP-SAT's multiple-circuit constraint routes tours from the lodging,
at most one a day, and extraction lays the tours on the days in order.

It states the same rules as the week model for such data: starts on the
slot grid inside a site's ranges, travel between places and from and to the
lodging, back by the day's end, each site at most once, at most
``max_per_day`` visits a day, each request served at most once (required
ones exactly once) by a visit to one of its sites.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.problem.solution import PlannedVisit
from solvers.cpsat.objective import Objective
from solvers.cpsat.variables import slot_domain
from solvers.pyvrp_warm_start import DELEGATION, delegation_pool

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from scheduler.problem import ProblemData
    from solvers.cpsat.variables import Expr, Lit
    from solvers.pyvrp_warm_start import Copy, RoutingModel

LODGING = 0

FAMILIES = ("sites_once", "tours", "days", "travel", "day_limits", "requests")
"""The hard-constraint families, in the order ``build`` adds them."""


def unfit(data: ProblemData, routing: RoutingModel) -> str | None:
    """Why the tour model cannot plan this tour-like data, or None."""
    if not routing.periodic:
        return "the days differ"
    days = data.delegations[DELEGATION].days
    if len({day.lo % data.slot for day in days}) != 1:
        return "the days start on different slot offsets"
    requests = data.delegations[DELEGATION].requests
    if any(r.required and r.value <= 0 for r in requests):
        return "a required request of no value"
    if not routing.copies:
        return "no site to visit"
    return None


@dataclass(frozen=True)
class Stop:
    """Node c ≥ 1: a visit to ``copy.site`` starting inside the copy's
    range (minutes after the day's start)."""

    node: int
    copy: Copy
    present: Lit
    slot: cp_model.IntVar
    """Absolute start = slot × n on any day (``unfit``)."""
    start: Expr


@dataclass(frozen=True)
class Leg:
    """Arc tail → head: the tour goes from one to the other."""

    tail: int
    head: int
    literal: Lit
    travel: int


@dataclass(frozen=True)
class Serve:
    """Request ``request`` is served by the visit to ``site``."""

    request: int
    site: int
    literal: Lit
    value: int


@dataclass
class Tours:
    """The built model and its variables; ``hint`` and ``extract`` map
    visits in and out."""

    data: ProblemData
    model: cp_model.CpModel
    stops: list[Stop]
    legs: list[Leg]
    serves: list[Serve]
    objective: Objective | None = None
    build_s: float = 0.0

    @cached_property
    def at_site(self) -> dict[int, list[Stop]]:
        """Site → its nodes (one per start range)."""
        by_site: dict[int, list[Stop]] = defaultdict(list)
        for stop in self.stops:
            by_site[stop.copy.site].append(stop)
        return dict(by_site)

    @cached_property
    def leaving(self) -> list[Lit]:
        """The legs out of the lodging: one per tour."""
        return [leg.literal for leg in self.legs if leg.tail == LODGING]

    @property
    def span(self) -> int:
        """Minutes in a day (all days alike)."""
        day = self.data.delegations[DELEGATION].days[0]
        return day.hi - day.lo

    def duration(self, node: int) -> int:
        return self.data.sites[self.stops[node - 1].copy.site].duration

    def hint(self, visits: Sequence[PlannedVisit]) -> int:
        """Hint a schedule of this data; the number of visits it has that
        the model cannot place (0 for a schedule of the same rules)."""
        days = self.data.delegations[DELEGATION].days
        by_day: dict[int, list[PlannedVisit]] = defaultdict(list)
        for v in visits:
            by_day[self.data.day_of(v.start)].append(v)
        at_site = self.at_site
        chosen: dict[int, int] = {}  # node → start on the day's clock
        order: list[list[int]] = []
        missing = 0
        starts = {day.index: day.lo for day in days}
        for k in sorted(by_day):
            if k not in starts:
                missing += len(by_day[k])
                continue
            tour = []
            for v in sorted(by_day[k], key=lambda v: v.start):
                rel = v.start - starts[k]
                stop = next(
                    (
                        s
                        for s in at_site.get(v.site, [])
                        if s.copy.lo <= rel <= s.copy.hi
                    ),
                    None,
                )
                if stop is None:
                    missing += 1
                    continue
                chosen[stop.node] = rel
                tour.append(stop.node)
            if tour:
                order.append(tour)
        arcs = {
            (a, b)
            for tour in order
            for a, b in zip([LODGING, *tour], [*tour, LODGING], strict=True)
        }
        m = self.model
        for stop in self.stops:
            m.add_hint(stop.present, stop.node in chosen)
            if stop.node in chosen:
                absolute = chosen[stop.node] + days[0].lo
                m.add_hint(stop.slot, absolute // self.data.slot)
        for leg in self.legs:
            m.add_hint(leg.literal, (leg.tail, leg.head) in arcs)
        served = {(v.request, v.site) for v in visits}
        for serve in self.serves:
            m.add_hint(serve.literal, (serve.request, serve.site) in served)
        return missing

    def extract(self, solver: cp_model.CpSolver) -> tuple[PlannedVisit, ...]:
        """The tours, laid on the days in order, as timed visits."""
        days = self.data.delegations[DELEGATION].days
        successor = {
            leg.tail: leg.head
            for leg in self.legs
            if leg.tail != LODGING and solver.boolean_value(leg.literal)
        }
        firsts = sorted(
            (
                int(solver.value(self.stops[leg.head - 1].start)),
                leg.head,
            )
            for leg in self.legs
            if leg.tail == LODGING and solver.boolean_value(leg.literal)
        )
        request_of = {
            serve.site: serve.request
            for serve in self.serves
            if solver.boolean_value(serve.literal)
        }
        pool = delegation_pool(self.data)
        out = []
        # A solution of the whole model has at most one tour a day, each a
        # path back to the lodging; the guards only bound the walk.
        for day, (_, first) in zip(days, firsts, strict=False):
            node, seen = first, set()
            while node != LODGING and node not in seen:
                seen.add(node)
                stop = self.stops[node - 1]
                site = stop.copy.site
                start = day.lo + int(solver.value(stop.start))
                out.append(
                    PlannedVisit(
                        DELEGATION,
                        site,
                        start,
                        -1,
                        request_of.get(site, -1),
                        pool,
                    )
                )
                node = successor.get(node, LODGING)
        return tuple(sorted(out, key=lambda p: p.start))


def build(
    data: ProblemData, routing: RoutingModel, drop: Collection[str] = ()
) -> Tours:
    """The tour model of ``data`` (``unfit(data, routing)`` is None);
    ``drop`` leaves families out (for tests)."""
    started = time.perf_counter()
    model = cp_model.CpModel()
    tours = Tours(data, model, *_make_variables(model, data, routing))
    if "sites_once" not in drop:
        add_sites_once(model, tours)
    if "tours" not in drop:
        add_tours(model, tours)
    if "days" not in drop:
        add_days(model, data, tours)
    if "travel" not in drop:
        add_travel(model, data, tours)
    if "day_limits" not in drop:
        add_day_limits(model, data, tours)
    if "requests" not in drop:
        add_requests(model, data, tours)
    if "aggregates" not in drop:
        add_aggregates(model, data, tours)
    tours.objective = set_objective(model, data, tours)
    tours.build_s = time.perf_counter() - started
    return tours


def _make_variables(
    model: cp_model.CpModel, data: ProblemData, routing: RoutingModel
) -> tuple[list[Stop], list[Leg], list[Serve]]:
    d = data.delegations[DELEGATION]
    base = d.days[0].lo
    span = d.days[0].hi - d.days[0].lo
    stops = []
    for node, c in enumerate(routing.copies, start=1):
        present = model.new_bool_var(f"S{c.site}_{c.lo}_present")
        # Absolute starts lie on the grid; every day starts on the same
        # offset from it (``unfit``), so one slot domain serves all days.
        slot = model.new_int_var_from_domain(
            slot_domain([(c.lo + base, c.hi + base)], data.slot),
            f"S{c.site}_{c.lo}_slot",
        )
        stops.append(Stop(node, c, present, slot, data.slot * slot - base))
    legs = []

    def leg(tail: int, head: int, travel: int) -> None:
        literal = model.new_bool_var(f"leg_{tail}_{head}")
        legs.append(Leg(tail, head, literal, travel))

    for a in stops:
        site, dur = a.copy.site, data.sites[a.copy.site].duration
        if d.from_lodging[site] <= a.copy.hi:
            leg(LODGING, a.node, d.from_lodging[site])
        if a.copy.lo + dur + d.to_lodging[site] <= span:
            leg(a.node, LODGING, d.to_lodging[site])
        for b in stops:
            if b.copy.site == site:
                continue
            travel = data.travel[site][b.copy.site]
            if a.copy.lo + dur + travel <= b.copy.hi:
                leg(a.node, b.node, travel)
    serves = [
        Serve(j, s, model.new_bool_var(f"x_R{j}_S{s}"), r.value)
        for j, r in enumerate(d.requests)
        for s in r.sites
        if s in routing.sites
    ]
    return stops, legs, serves


def add_sites_once(model: cp_model.CpModel, tours: Tours) -> None:
    """A site is visited at most once: one of its ranges at most."""
    for stops in tours.at_site.values():
        if len(stops) > 1:
            model.add_at_most_one(s.present for s in stops)


def add_tours(model: cp_model.CpModel, tours: Tours) -> None:
    """Tours leave the lodging and come back to it; a visit is on exactly
    one tour when present (a self-loop when absent)."""
    arcs: list[tuple[int, int, cp_model.LiteralT]] = [
        (leg.tail, leg.head, leg.literal) for leg in tours.legs
    ]
    arcs += [(s.node, s.node, ~s.present) for s in tours.stops]
    model.add_multiple_circuit(arcs)


def add_days(model: cp_model.CpModel, data: ProblemData, tours: Tours) -> None:
    """At most one tour a day."""
    days = len(data.delegations[DELEGATION].days)
    if len(tours.leaving) > days:
        model.add(sum(tours.leaving) <= days)


def add_travel(
    model: cp_model.CpModel, data: ProblemData, tours: Tours
) -> None:
    """Leave at the day's start at the earliest, one place at a time with
    travel between places, back at the lodging by the day's end."""
    for leg in tours.legs:
        if leg.tail == LODGING:
            head = tours.stops[leg.head - 1]
            model.add(head.start >= leg.travel).only_enforce_if(leg.literal)
        elif leg.head == LODGING:
            tail = tours.stops[leg.tail - 1]
            end = tail.start + tours.duration(leg.tail) + leg.travel
            model.add(end <= tours.span).only_enforce_if(leg.literal)
        else:
            tail, head = tours.stops[leg.tail - 1], tours.stops[leg.head - 1]
            model.add(
                head.start
                >= tail.start + tours.duration(leg.tail) + leg.travel
            ).only_enforce_if(leg.literal)


def add_day_limits(
    model: cp_model.CpModel, data: ProblemData, tours: Tours
) -> None:
    """At most ``max_per_day`` visits a tour: a visit's rank on its tour
    is one more than its predecessor's."""
    cap = data.delegations[DELEGATION].max_per_day
    if len(tours.at_site) <= cap:
        return
    rank = {
        s.node: model.new_int_var(1, cap, f"rank_{s.node}")
        for s in tours.stops
    }
    for leg in tours.legs:
        if leg.tail != LODGING and leg.head != LODGING:
            model.add(rank[leg.head] >= rank[leg.tail] + 1).only_enforce_if(
                leg.literal
            )


def add_requests(
    model: cp_model.CpModel, data: ProblemData, tours: Tours
) -> None:
    """A request is served at most once (required: exactly once), by a
    visit to one of its sites; a visit is made only to serve a request,
    and serves one."""
    requests = data.delegations[DELEGATION].requests
    by_request: dict[int, list[Lit]] = defaultdict(list)
    by_site: dict[int, list[Lit]] = defaultdict(list)
    for serve in tours.serves:
        by_request[serve.request].append(serve.literal)
        by_site[serve.site].append(serve.literal)
    for j, r in enumerate(requests):
        if r.required:
            model.add_exactly_one(by_request[j])
        elif len(by_request[j]) > 1:
            model.add_at_most_one(by_request[j])
    at_site = tours.at_site
    for site, literals in by_site.items():
        model.add(sum(literals) == sum(s.present for s in at_site[site]))


def add_aggregates(
    model: cp_model.CpModel, data: ProblemData, tours: Tours
) -> None:
    """Redundant, for the bound (as the week model's ``aggregates``): the
    days' time holds every visit with the shortest travel into it, and
    each tour's shortest way back.

    Σ_c present(c)·(duration(c) + min travel into c)
        + tours·min travel back  ≤  days·(day.hi − day.lo)
    """
    into: dict[int, int] = {}
    for leg in tours.legs:
        if leg.head != LODGING:
            into[leg.head] = min(into.get(leg.head, leg.travel), leg.travel)
    home = [leg for leg in tours.legs if leg.head == LODGING]
    if not into or not home:
        return
    back = min(leg.travel for leg in home)
    load = sum(
        s.present * (tours.duration(s.node) + into.get(s.node, 0))
        for s in tours.stops
    )
    days = len(data.delegations[DELEGATION].days)
    model.add(load + back * sum(tours.leaving) <= days * tours.span)


def set_objective(
    model: cp_model.CpModel, data: ProblemData, tours: Tours
) -> Objective:
    """Served value first, travel second (no presenters: no balance)."""
    value = sum(s.value * s.literal for s in tours.serves)
    travel = sum(leg.travel * leg.literal for leg in tours.legs if leg.travel)
    longest: dict[int, int] = defaultdict(int)
    for leg in tours.legs:
        longest[leg.tail] = max(longest[leg.tail], leg.travel)
    # Each visit leaves by one leg, the lodging once a tour.
    days = len(data.delegations[DELEGATION].days)
    most_travel = sum(longest.values()) + (days - 1) * longest[LODGING]
    requested = data.delegations[DELEGATION].requested_value
    objective = Objective(
        value=value,
        travel=travel,
        secondary=travel,
        value_weight=most_travel + 1,
        travel_weight=1,
        slack=most_travel,
        requested=requested,
        busiest={},
    )
    objective.weigh(model)
    return objective
