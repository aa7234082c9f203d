"""Tours from a routing engine, as a warm start for CP-SAT.

A delegation touring the city for several days, choosing which sites to
visit under opening windows, visit lengths and travel, is a prize-collecting
vehicle routing problem with time windows: one vehicle a day, the lodging as
depot, each site an optional client whose prize is the value it serves.
PyVRP (a dedicated routing engine) finds such tours far faster than a
general model; CP-SAT then takes them as a hint and a seed for its
neighbourhood search, and adds what routing cannot express.

What it models: ONE delegation, its days (leave and return inside each
day's window), travel from and to its lodging and between sites, each
site's feasible start ranges (``ProblemData.starts``: opening hours, slot
grid, day window), visit durations, at most ``max_per_day`` visits a day,
each site at most once, values of requests. It returns None for data with
features it cannot model: several delegations (they share sites, presenters
and vans), presenters, lunch, locked visits.

Prizes are ``value × W`` with W above any possible total travel, so the
tours maximise served value first and travel second, as the product does.
A search ends as soon as its tours serve every request: none can be worth
more (travel is then left to CP-SAT).
When every day looks the same (same length, same start ranges relative to
the day's start), the days are interchangeable vehicles of one type on one
relative clock (the TOPTW case); otherwise each day is its own vehicle type
and each site has one client copy per start range, the copies of a site
forming a mutually exclusive group.

Why one module of about 600 lines: ``RoutingModel`` builds the PyVRP data
and maps PyVRP's routes back to planned visits through the same index
tables (client copies, vehicle types, relative clocks); split apart, the two
halves would share those private tables across a module border. ``Race``
and ``Watch`` (running PyVRP beside CP-SAT) are small and read the model's
tables too.
"""

from __future__ import annotations

import logging
import threading
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from scheduler.problem.solution import PlannedVisit, schedule_value
from solvers.clock import Clock

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    import pyvrp

    from scheduler.problem import DayData, ProblemData, Window
log = logging.getLogger(__name__)

DELEGATION = 0
"""The one delegation this routing model plans."""

PATIENCE = 20_000
"""PyVRP iterations without a better solution after which the one-core
warm start hands its tours to CP-SAT (about ten seconds on 100 sites)."""

SECOND_PATIENCE = 50_000
"""The second race ends after this many iterations without a better
solution (5–12 s on 100–288 sites here), so that CP-SAT gets its core
early where PyVRP has stalled (and time to prove optimality)."""

SECOND_NEIGHBOURS = 20
"""The second race's granular neighbourhood (PyVRP's default: 50). Fewer
neighbours, more iterations, another course. PyVRP alone against this
race, 60 s each, seed 0: pr09 m=1 468 vs 493, pr10 m=1 567 vs 594,
r106 m=1 289 vs 293, r111 m=2 539 vs 544, r202 m=1 917 vs 924; but c104
m=1 420 vs 410, pr03 m=2 731 vs 720, pr05 m=1 594 vs 592: neither is
better everywhere, so both run."""

ITERATIONS_PER_SECOND = 2_000
"""PyVRP iterations counted as a second of work on a deterministic clock
(PyVRP runs about 1,500–3,000 a second on 100 sites here)."""


def unsupported(data: ProblemData) -> str | None:
    """Why the routing model cannot plan this data, or None if it can."""
    if len(data.delegations) != 1:
        return (
            f"{len(data.delegations)} delegations: routing plans one "
            "(they would share sites, presenters and vans)"
        )
    if data.locked:
        return "locked visits"
    d = data.delegations[DELEGATION]
    if any(day.lunch_minutes > 0 for day in d.days):
        return "lunch breaks"
    if any(data.sites[s].department >= 0 for s in data.candidate_sites(0)):
        return "sites that need a presenter"
    if data.vehicles and delegation_pool(data) < 0:
        return "no vehicle pool holds the delegation"
    return None


class Race:
    """PyVRP searching on a thread of its own while the caller goes on.

    PyVRP's search runs in C++ without the GIL, so races and CP-SAT really
    share the machine's cores. With the default ``neighbours`` and the same
    seed a race follows PyVRP-alone's course; a race with fewer neighbours
    searches differently (see ``SECOND_NEIGHBOURS``). ``patience`` ends it
    after that many iterations without a better solution. ``handover``
    gives the best tours so far to start CP-SAT from, ``finish`` the final
    ones.
    """

    def __init__(
        self,
        model: RoutingModel,
        time_limit: float,
        seed: int,
        *,
        neighbours: int | None = None,
        patience: int | None = None,
        deterministic: bool = False,
        stop: threading.Event | None = None,
    ) -> None:
        self.visits: tuple[PlannedVisit, ...] = ()
        self._model = model
        self._watch = Watch(model.serves_all)
        self._done = threading.Event()
        stops = (self._done,) if stop is None else (self._done, stop)
        clock = Clock(deterministic)
        self._thread = threading.Thread(
            target=self._run,
            args=(time_limit, seed, neighbours, patience, stops, clock),
            name="routing-race",
            daemon=True,
        )
        self._thread.start()

    def _run(
        self,
        time_limit: float,
        seed: int,
        neighbours: int | None,
        patience: int | None,
        stops: tuple[threading.Event, ...],
        clock: Clock,
    ) -> None:
        try:
            if self._model.sites:
                self.visits = self._model.solve(
                    time_limit,
                    seed,
                    patience,
                    clock,
                    stops,
                    watch=self._watch,
                    neighbours=neighbours,
                )
        finally:
            self._watch.ended.set()

    @property
    def iterations(self) -> int:
        return self._watch.iterations

    def handover(self, after: int | None = None) -> tuple[PlannedVisit, ...]:
        """The best tours so far; with ``after``, the best once that many
        iterations were run (waiting for them): a deterministic plan must
        read the same tours on any load."""
        best = self._watch.best if after is None else self._watch.after(after)
        return () if best is None else self._model.visits_of(best)

    def finish(self, *, wait: bool = False) -> tuple[PlannedVisit, ...]:
        """The race's best tours (() if none): stopped now, or with
        ``wait`` once its own limit is reached (a deterministic plan must
        not depend on when CP-SAT ended)."""
        if not wait:
            self._done.set()
        self._thread.join()
        return self.visits


class Watch:
    """Sees PyVRP's search as it goes (its callbacks protocol): the best
    feasible solution, and after which iteration each one was found.

    With ``serves_all``, ``served_all`` is set once the best tours serve
    every request: no tours can be worth more, so the search may stop.
    """

    def __init__(
        self, serves_all: Callable[[pyvrp.Solution], bool] | None = None
    ) -> None:
        self.best: pyvrp.Solution | None = None
        self.iterations = 0
        self.ended = threading.Event()
        self.served_all = threading.Event()
        self._serves_all = serves_all
        self._found: list[tuple[int, pyvrp.Solution]] = []

    def _new_best(self, best: pyvrp.Solution, iterations: int) -> None:
        self._found.append((iterations, best))
        self.best = best
        if self._serves_all is not None and self._serves_all(best):
            self.served_all.set()

    def after(self, iterations: int) -> pyvrp.Solution | None:
        """The best once ``iterations`` were run (or at the end)."""
        while self.iterations < iterations and not self.ended.wait(0.01):
            pass
        held = [best for n, best in self._found if n <= iterations]
        return held[-1] if held else None

    def on_start(self, ils: Any) -> None:
        pass

    def on_iteration(
        self, current: Any, candidate: Any, best: pyvrp.Solution, cost: Any
    ) -> None:
        # The best is here from the first iteration on, even when the
        # initial solution is never improved (no ``on_best`` call).
        done = self.iterations + 1
        if best is not self.best and best.is_feasible():
            self._new_best(best, done)
        self.iterations = done  # last: ``after`` reads ``_found`` then

    def on_best(self, best: pyvrp.Solution) -> None:
        pass

    def on_restart(self, best: pyvrp.Solution) -> None:
        pass

    def on_end(self, result: pyvrp.Result) -> None:
        if result.best.is_feasible() and result.best is not self.best:
            self._new_best(result.best, self.iterations)


class _Stopped:
    """A PyVRP stopping criterion: stop once any of ``events`` is set."""

    def __init__(self, events: Collection[threading.Event]) -> None:
        self.events = events

    def __call__(self, best_cost: float) -> bool:
        return any(event.is_set() for event in self.events)


@dataclass(frozen=True)
class Copy:
    """One PyVRP client: a site's start range [lo, hi] on one clock."""

    site: int
    lo: int
    hi: int


@dataclass(frozen=True)
class RoutingModel:
    """The delegation's tour problem in PyVRP terms (see module docstring)."""

    data: ProblemData
    sites: tuple[int, ...]
    """Candidate sites with a start range and a positive prize."""
    prize: tuple[int, ...]
    """Per entry of ``sites``: the most valuable request it can serve."""
    copies: tuple[Copy, ...]
    periodic: bool
    """All days alike: one vehicle type, times relative to the day."""

    @staticmethod
    def build(data: ProblemData) -> RoutingModel:
        d = data.delegations[DELEGATION]
        best: dict[int, int] = {}
        for request in d.requests:
            for s in request.sites:
                best[s] = max(best.get(s, 0), request.value)
        sites = tuple(
            s
            for s in data.candidate_sites(DELEGATION)
            if best.get(s, 0) > 0
            and data.sites[s].max_groups >= 1
            and data.starts(DELEGATION, s)
        )
        relative = {s: _relative(data, d.days, s) for s in sites}
        periodic = len({day.hi - day.lo for day in d.days}) == 1 and all(
            rel is not None for rel in relative.values()
        )
        copies = []
        for s in sites:
            rel = relative[s]
            ranges = (
                rel
                if periodic and rel is not None
                else (data.starts(DELEGATION, s))
            )
            copies += [Copy(s, lo, hi) for lo, hi in ranges]
        return RoutingModel(
            data,
            sites,
            tuple(best[s] for s in sites),
            tuple(copies),
            periodic,
        )

    def solve(
        self,
        time_limit: float,
        seed: int,
        patience: int | None = None,
        clock: Clock | None = None,
        stops: Collection[threading.Event] = (),
        watch: Watch | None = None,
        neighbours: int | None = None,
    ) -> tuple[PlannedVisit, ...]:
        """PyVRP's best tours, timed; () when it found no feasible ones.

        The visits start at the earliest slot their tour allows, serve one
        request each and respect every rule the routing model covers, so
        they form a feasible schedule.

        Parameters
        ----------
        time_limit
            Seconds PyVRP may search.
        seed
            PyVRP's random seed (the same seed and time give the same tours
            on an idle machine; PyVRP's search is single-threaded).
        patience
            Also stop after this many PyVRP iterations without a better
            solution (about 1,500–3,000 iterations a second on 100 sites),
            to hand over to CP-SAT early; None: search for the whole time.
        clock
            A deterministic clock bounds PyVRP by iterations instead of
            seconds (``ITERATIONS_PER_SECOND`` of them a second) and is
            charged for the iterations run.
        stops
            Setting any of them ends the search early (the best tours so
            far count).
        watch
            Sees the search as it goes (it does not change its course: the
            same seed follows the same trajectory).
        neighbours
            Replaces PyVRP's granular neighbourhood size (50).
        """
        import pyvrp
        from pyvrp.exceptions import PenaltyBoundWarning
        from pyvrp.IteratedLocalSearch import IteratedLocalSearchParams
        from pyvrp.search import NeighbourhoodParams
        from pyvrp.stop import (
            MaxIterations,
            MaxRuntime,
            MultipleCriteria,
            NoImprovement,
            StoppingCriterion,
        )

        problem = self.pyvrp_data()
        deterministic = clock is not None and clock.deterministic
        limit: StoppingCriterion = (
            MaxIterations(max(1, int(time_limit * ITERATIONS_PER_SECOND)))
            if deterministic
            else MaxRuntime(max(0.0, time_limit))
        )
        criteria = [limit]
        if patience is not None:
            criteria.append(NoImprovement(patience))
        # Tours that serve every request cannot be bettered in value.
        watch = Watch(self.serves_all) if watch is None else watch
        criteria.append(_Stopped((*stops, watch.served_all)))
        ils = IteratedLocalSearchParams(
            # PyVRP calls the five methods of its callbacks protocol.
            callbacks=cast("pyvrp.IteratedLocalSearchCallbacks", watch)
        )
        # PyVRP warns when its penalties for infeasible candidates reach
        # their cap; tours without sites are always feasible, so the
        # warning tells a coordinator nothing.
        warnings.filterwarnings("ignore", category=PenaltyBoundWarning)
        result = pyvrp.solve(
            problem,
            stop=MultipleCriteria(criteria),
            seed=seed,
            collect_stats=False,
            display=False,
            params=pyvrp.SolveParams(
                ils=ils,
                neighbourhood=NeighbourhoodParams()
                if neighbours is None
                else NeighbourhoodParams(num_neighbours=neighbours),
            ),
        )
        if clock is not None:
            clock.spend(result.num_iterations / ITERATIONS_PER_SECOND)
        if not result.best.is_feasible():
            log.debug("routing hint: PyVRP found no feasible tours")
            return ()
        return self.visits_of(result.best)

    def visits_of(self, best: pyvrp.Solution) -> tuple[PlannedVisit, ...]:
        """A feasible PyVRP solution's tours as timed visits."""
        days = self.data.delegations[DELEGATION].days
        tours: list[tuple[DayData, list[int]]] = []
        for k, route in enumerate(best.routes()):
            day = days[k] if self.periodic else days[route.vehicle_type()]
            order = [
                self.copies[act.idx].site for act in route if act.is_client()
            ]
            tours.append((day, order))
        return self.visits(tours)

    @cached_property
    def weight(self) -> int:
        """A value point's prize: above any total travel of the tours, so
        that they serve the most value first and travel least second."""
        days = self.data.delegations[DELEGATION].days
        return sum(day.hi - day.lo for day in days) + 1

    @cached_property
    def requested(self) -> int:
        """The value of every request: no tours can serve more."""
        return self.data.delegations[DELEGATION].requested_value

    def serves_all(self, best: pyvrp.Solution) -> bool:
        """Do these (feasible) tours serve every request of the delegation?
        Called on each new best, so the prizes are checked first."""
        if best.prizes() < self.requested * self.weight:
            return False  # each served request brings its value's prize
        return (
            schedule_value(self.data, self.visits_of(best)) >= self.requested
        )

    def pyvrp_data(self) -> pyvrp.ProblemData:
        """The PyVRP ProblemData: location 0 the lodging, then the sites."""
        import numpy as np
        import pyvrp

        data = self.data
        d = data.delegations[DELEGATION]
        where = {s: k + 1 for k, s in enumerate(self.sites)}
        size = len(self.sites) + 1
        matrix = np.zeros((size, size), dtype=np.int64)
        for s, i in where.items():
            matrix[0, i] = d.from_lodging[s]
            matrix[i, 0] = d.to_lodging[s]
            for t, j in where.items():
                if s != t:
                    matrix[i, j] = data.travel[s][t]
        spans = [day.hi - day.lo for day in d.days]
        weight = self.weight
        prize = dict(zip(self.sites, self.prize, strict=True))
        # The copies of a site (one per start range) exclude each other.
        by_site: dict[int, list[int]] = {}
        for k, c in enumerate(self.copies):
            by_site.setdefault(c.site, []).append(k)
        shared = [members for members in by_site.values() if len(members) > 1]
        group_of = {k: g for g, members in enumerate(shared) for k in members}
        groups = [
            pyvrp.ClientGroup(members, required=False) for members in shared
        ]
        clients = [
            pyvrp.Client(
                where[c.site],
                delivery=[1],
                service_duration=data.sites[c.site].duration,
                tw_early=c.lo,
                tw_late=c.hi,
                prize=prize[c.site] * weight,
                required=False,
                group=group_of.get(k),
            )
            for k, c in enumerate(self.copies)
        ]
        if self.periodic:
            horizon = (0, spans[0])
            vehicles = [
                pyvrp.VehicleType(
                    num_available=len(d.days),
                    capacity=[d.max_per_day],
                    tw_early=0,
                    tw_late=spans[0],
                )
            ]
        else:
            horizon = (d.days[0].lo, d.days[-1].hi)
            vehicles = [
                pyvrp.VehicleType(
                    num_available=1,
                    capacity=[d.max_per_day],
                    tw_early=day.lo,
                    tw_late=day.hi,
                )
                for day in d.days
            ]
        locations = [pyvrp.Location(0.0, 0.0) for _ in range(size)]
        return pyvrp.ProblemData(
            locations,
            clients,
            [pyvrp.Depot(0, tw_early=horizon[0], tw_late=horizon[1])],
            vehicles,
            [matrix],  # type: ignore[list-item]  # stub says ndarray[int]
            [matrix],  # type: ignore[list-item]
            groups,
        )

    def visits(
        self, tours: list[tuple[DayData, list[int]]]
    ) -> tuple[PlannedVisit, ...]:
        """Time each tour at its earliest slots; one request per visit.

        A visit that no longer fits (e.g. its earliest slot moved past its
        range when rounded to the grid) is dropped, so the result is always
        feasible for the rules modelled here.
        """
        data = self.data
        d = data.delegations[DELEGATION]
        pool = delegation_pool(data)
        served: set[int] = set()
        out = []
        for day, order in tours:
            free, here = day.lo, -1
            count = 0
            for s in order:
                if count >= d.max_per_day:
                    break
                reach = free + (
                    d.from_lodging[s] if here < 0 else data.travel[here][s]
                )
                start = _first_start(data, s, reach, day)
                request = _request(data, s, served)
                if start is None or request < 0:
                    continue
                served.add(request)
                out.append(
                    PlannedVisit(DELEGATION, s, start, -1, request, pool)
                )
                free, here = start + data.sites[s].duration, s
                count += 1
        return tuple(out)


def _relative(
    data: ProblemData, days: tuple[DayData, ...], site: int
) -> tuple[Window, ...] | None:
    """The site's start ranges relative to the day's start, if the same
    every day; else None."""
    per_day: list[tuple[Window, ...]] = []
    for day in days:
        per_day.append(
            tuple(
                (lo - day.lo, hi - day.lo)
                for lo, hi in data.starts(DELEGATION, site)
                if day.lo <= lo and hi < day.hi
            )
        )
    if any(rel != per_day[0] for rel in per_day):
        return None
    return per_day[0]


def _first_start(
    data: ProblemData, site: int, reach: int, day: DayData
) -> int | None:
    """The earliest feasible start ≥ reach on the grid, within the day."""
    for lo, hi in data.starts(DELEGATION, site):
        if hi < reach or lo >= day.hi:
            continue
        start = max(lo, -(-reach // data.slot) * data.slot)
        if start <= hi:
            return start
    return None


def _request(data: ProblemData, site: int, served: set[int]) -> int:
    """The most valuable unserved request the site serves, or -1."""
    requests = data.delegations[DELEGATION].requests
    choices = [
        j
        for j, r in enumerate(requests)
        if site in r.sites and j not in served and r.value > 0
    ]
    return max(choices, key=lambda j: (requests[j].value, -j), default=-1)


def delegation_pool(data: ProblemData) -> int:
    """The first pool that holds the delegation; -1 when there are none.

    One delegation's outings never overlap, so a pool with enough
    vehicles for one outing never binds.
    """
    for p, pool in enumerate(data.vehicles):
        if data.vehicles_needed(DELEGATION, p) <= pool.count:
            return p
    return -1
