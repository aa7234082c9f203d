"""Build the CP-SAT model in an explicit order, solve it, extract visits.

``solve(data, params)`` is the solver's entry point:

1. requirements that can never hold are named at once (``conflicts.py``);
2. each delegation's best value alone is computed in a small share of the
   time and added as cuts (``bounds.alone_caps``);
3. a normal week is solved whole, lexicographically: served value first
   (proven optimal on the sample normal week in seconds), then travel and
   presenter balance with the value held; one delegation whose days are
   all alike is solved so by the tour model (``tours.py``), which has no
   symmetric copies of a tour on other days;
4. a big week (more than ``LNS_FROM_VISITS`` candidate visits) is improved
   by large-neighbourhood search from a valid schedule (``lns.py``), with
   a linear-programming bound (``bounds.relaxation_bound``);
5. when the requirements conflict, the conflict is explained in words.

A hint that serves every required request and keeps every lock is a
schedule to fall back on: the answer never serves less value than it.
"""

from __future__ import annotations

import logging
import math
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from ortools.sat.python import cp_model

from scheduler.problem.solution import (
    PlannedVisit,
    Progress,
    Solution,
    Status,
    schedule_value,
)
from solvers.clock import Clock
from solvers.cpsat.constraints.aggregates import (
    add_aggregates,
    add_value_caps,
)
from solvers.cpsat.constraints.day_limits import add_day_limits
from solvers.cpsat.constraints.locked import add_locked
from solvers.cpsat.constraints.lunch import add_lunch
from solvers.cpsat.constraints.presenters import add_presenters
from solvers.cpsat.constraints.requests import add_requests
from solvers.cpsat.constraints.routes import add_routes
from solvers.cpsat.constraints.site_capacity import add_site_capacity
from solvers.cpsat.constraints.vehicles import add_vehicles
from solvers.cpsat.constraints.visit_days import add_visit_days
from solvers.cpsat.engine import new_solver
from solvers.cpsat.hints import add_hints
from solvers.cpsat.objective import Objective, set_objective
from solvers.cpsat.variables import Expr, Variables, make_variables

if TYPE_CHECKING:
    from collections.abc import (
        Callable,
        Collection,
        Iterator,
        Mapping,
        Sequence,
    )

    from scheduler.problem import ProblemData
    from scheduler.problem.solution import SolveParams
    from solvers.pyvrp_warm_start import Race, RoutingModel

logger = logging.getLogger(__name__)

FAMILIES = (
    "visit_days",
    "requests",
    "routes",
    "lunch",
    "day_limits",
    "site_capacity",
    "presenters",
    "vehicles",
    "locked",
)
"""The hard-constraint families, in the order ``build`` adds them."""


@dataclass(frozen=True)
class Built:
    data: ProblemData
    model: cp_model.CpModel
    vars: Variables
    objective: Objective | None
    build_s: float

    def hint(self, visits: Sequence[PlannedVisit]) -> int:
        assert self.objective is not None
        return add_hints(
            self.model, self.data, self.vars, self.objective, visits
        )

    def extract(self, solver: cp_model.CpSolver) -> tuple[PlannedVisit, ...]:
        return extract(self.data, self.vars, solver)


class Formulation(Protocol):
    """A CP-SAT model of the data that ``_solve_whole`` can solve: the week
    model (``Built``) or, for one delegation whose days are alike, the
    tour model (``tours.Tours``)."""

    @property
    def model(self) -> cp_model.CpModel: ...
    @property
    def objective(self) -> Objective | None: ...
    @property
    def build_s(self) -> float: ...
    def hint(self, visits: Sequence[PlannedVisit]) -> int: ...
    def extract(
        self, solver: cp_model.CpSolver
    ) -> tuple[PlannedVisit, ...]: ...


def build(
    data: ProblemData,
    *,
    delegations: Collection[int] | None = None,
    drop: Collection[str] = (),
    explain: bool = False,
    objective: bool = True,
    fixed: Sequence[PlannedVisit] = (),
    caps: Mapping[int, int] | None = None,
    shortlist: Mapping[tuple[int, int], tuple[int, ...]] | None = None,
) -> Built:
    """The CP-SAT model of ``data``.

    ``delegations`` keeps only some delegations, ``drop`` leaves families
    out and ``explain`` puts required requests and locks behind switch
    literals: these serve to explain an infeasible set of requirements.
    ``delegations`` with ``fixed`` (the other delegations' visits, which
    keep their sites, presenters and vehicles) re-plan a neighbourhood.
    ``caps`` are proven per-delegation value bounds, added as cuts;
    ``shortlist`` narrows a neighbourhood's presenter choices.
    """
    started = time.perf_counter()
    model = cp_model.CpModel()
    # 1. Variables: candidate visits, days, lunch sides, routes, requests,
    #    presenter choices, departures and vehicle pools.
    vars = make_variables(
        model,
        data,
        delegations=delegations,
        explain=explain,
        fixed=fixed,
        shortlist=shortlist,
    )
    # 2. Rule 1: each visit on one day, inside its pre-filtered starts.
    if "visit_days" not in drop:
        add_visit_days(model, data, vars)
    # 3. Rule 9: requests served by visits; required ones served.
    if "requests" not in drop:
        add_requests(model, data, vars)
    # 4. Rule 2: one circuit per delegation; travel between places.
    if "routes" not in drop:
        add_routes(model, data, vars)
    # 5. Rule 3: lunch where the day's visits switch from before to after.
    if "lunch" not in drop:
        add_lunch(model, data, vars)
    # 6. Rule 4: visits a day.
    if "day_limits" not in drop:
        add_day_limits(model, data, vars)
    # 7. Rule 5: people and groups on site.
    if "site_capacity" not in drop:
        add_site_capacity(model, data, vars)
    # 8. Rule 6: presenters (language, availability, no overlap, daily cap).
    if "presenters" not in drop:
        add_presenters(model, data, vars)
    # 9. Rule 8: one vehicle pool a day out; pool counts.
    if "vehicles" not in drop:
        add_vehicles(model, data, vars)
    # 10. Rule 9: locked visits kept.
    if "locked" not in drop:
        add_locked(model, data, vars)
    # 11. Redundant: per delegation-day time budgets, for a tighter bound.
    if "aggregates" not in drop:
        add_aggregates(model, data, vars)
        if caps:
            add_value_caps(model, vars, caps)
    # 12. Objective: value, then travel, then presenter balance.
    goal = set_objective(model, data, vars) if objective else None
    return Built(data, model, vars, goal, time.perf_counter() - started)


LNS_FROM_VISITS = 300
"""Weeks with more candidate visits than this are improved by
large-neighbourhood search from a valid schedule (``lns.py``): the
whole-week model is then too big to improve in minutes on two cores."""


def solve(data: ProblemData, params: SolveParams) -> Solution:
    """Plan with CP-SAT; see the module docstring.

    Steps: (1) requirements that can never hold are reported at once;
    (2) tour-like data gets PyVRP's tours to start from (``_routing_races``);
    several delegations get caps (the best each could do alone) within a
    small share of the time; (3) a normal week is solved whole;
    a big one is improved neighbourhood by neighbourhood from the hint
    (or the greedy schedule), with a linear-programming bound.
    """
    from solvers.cpsat import tours as tour_model
    from solvers.cpsat.bounds import alone_caps
    from solvers.cpsat.conflicts import static_conflicts
    from solvers.pyvrp_warm_start import RoutingModel, unsupported

    started = time.perf_counter()
    clock = Clock(params.deterministic)
    conflicts = static_conflicts(data)
    if conflicts:
        return Solution(
            Status.INFEASIBLE,
            conflicts=conflicts,
            wall_s=time.perf_counter() - started,
        )
    large = _candidate_visits(data) > LNS_FROM_VISITS
    tour_like = unsupported(data) is None
    routing = RoutingModel.build(data) if tour_like else None
    races = (
        _routing_races(routing, params, clock)
        if routing is not None and routing.sites and not large
        else None
    )
    tours = (
        routing
        if routing is not None
        and not large
        and tour_model.unfit(data, routing) is None
        else None
    )
    if routing is not None and routing.sites:
        params = _with_routing_hint(routing, params, clock, races)
    hint = params.hint or ()
    if params.progress is not None and keeps_requirements(data, hint) and hint:
        requested = data.requested_value
        now = time.perf_counter() - started
        params.progress(Progress(schedule_value(data, hint), requested, now))
    # One delegation's cap is the whole problem: the main solve bounds it.
    caps = (
        alone_caps(data, clock, budget=min(15.0, 0.1 * params.time_limit))
        if len(data.delegations) > 1
        else {}
    )
    deadline = params.time_limit
    if not large:
        if races is None:
            return _solve_whole(
                data, params, caps, started, clock, deadline, tours=tours
            )
        whole, second = races
        cores = replace(params, workers=params.workers - 1)
        found = _solve_whole(
            data, cores, caps, started, clock, deadline, tours=tours
        )
        proven = found.status == Status.OPTIMAL
        found = _better(data, found, second.visits)
        return _better(
            data, found, whole.finish(wait=clock.deterministic and not proven)
        )
    start = _start(data, params)
    if start is None:
        # No valid schedule to start from: the whole model finds one (or
        # proves the requirements conflict).
        first = _solve_whole(
            data, params, caps, started, clock, deadline, first_only=True
        )
        stopped = params.stop is not None and params.stop.is_set()
        if first.status not in (Status.FEASIBLE,) or stopped:
            return first
        start = first.visits
    return _solve_by_lns(data, params, start, caps, started, clock)


def _with_routing_hint(
    routing: RoutingModel,
    params: SolveParams,
    clock: Clock,
    races: tuple[Race, Race] | None,
) -> SolveParams:
    """For tour-like data (``routing.unsupported`` is None): let the
    routing engine build tours and start from them when they serve
    more than the given hint. Alone, it searches until it stalls (in up to
    half the time); with ``races``, the better tours of the two when the
    second one ends. CP-SAT then improves them and proves what it can in
    the time left."""
    from solvers.pyvrp_warm_start import ITERATIONS_PER_SECOND, PATIENCE

    data = routing.data
    if races is None:
        routed = routing.solve(
            params.time_limit / 2, params.seed, PATIENCE, clock
        )
    else:
        whole, second = races
        own = second.finish(wait=True)
        clock.spend(second.iterations / ITERATIONS_PER_SECOND)
        after = second.iterations if clock.deterministic else None
        routed = max(
            (whole.handover(after), own), key=lambda v: schedule_value(data, v)
        )
    if routed and schedule_value(data, routed) > schedule_value(
        data, params.hint or ()
    ):
        return replace(params, hint=routed)
    return params


RACE_MARGIN_S = 1.0
"""The races end this long before the limit, to leave time to compare
and map their tours."""

HANDOVER_SHARE = 0.75
"""The second race's share of the time at most (it ends earlier when it
stalls); CP-SAT takes its core after."""


def _routing_races(
    model: RoutingModel, params: SolveParams, clock: Clock
) -> tuple[Race, Race] | None:
    """For tour-like data, when CP-SAT has two workers or more: PyVRP with
    its defaults for the whole time (so PyVRP alone's course), and PyVRP
    with ``SECOND_NEIGHBOURS`` on another core until it stalls or its share
    ends; CP-SAT then takes that core over from the better tours
    (``routing.Race``)."""
    from solvers.pyvrp_warm_start import (
        SECOND_NEIGHBOURS,
        SECOND_PATIENCE,
        Race,
    )

    if params.workers < 2:
        return None
    limit = params.time_limit - clock.now() - RACE_MARGIN_S
    whole = Race(
        model,
        limit,
        params.seed,
        deterministic=clock.deterministic,
        stop=params.stop,
    )
    second = Race(
        model,
        HANDOVER_SHARE * limit,
        params.seed,
        neighbours=SECOND_NEIGHBOURS,
        patience=SECOND_PATIENCE,
        deterministic=clock.deterministic,
        stop=params.stop,
    )
    return whole, second


def _better(
    data: ProblemData, found: Solution, raced: tuple[PlannedVisit, ...]
) -> Solution:
    """CP-SAT's solution, or the race's tours when they serve more (with
    CP-SAT's bound, which holds for any schedule)."""
    if not raced or not keeps_requirements(data, raced):
        return found
    if found.status not in (Status.OPTIMAL, Status.FEASIBLE, Status.UNKNOWN):
        return found
    value = schedule_value(data, raced)
    if found.objective is not None and value <= found.objective:
        return found
    bound = max(value, found.bound if found.bound is not None else value)
    # CP-SAT's bound holds for any schedule: tours that reach it are optimal.
    proven = found.bound is not None and value >= found.bound
    return replace(
        found,
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        visits=raced,
        objective=value,
        bound=bound,
        stats={**found.stats, "raced": 1.0},
    )


def _candidate_visits(data: ProblemData) -> int:
    return sum(
        1
        for d in range(len(data.delegations))
        for s in data.candidate_sites(d)
        if data.starts(d, s)
    )


def keeps_requirements(
    data: ProblemData, visits: Sequence[PlannedVisit]
) -> bool:
    """Does a schedule serve every required request and keep every lock?

    Only such a hint is a schedule to fall back on (the greedy best effort
    may leave a required request out); any other is a mere warm start.
    """
    served = {(v.delegation, v.request) for v in visits if v.request >= 0}
    placed = {(v.delegation, v.site): v for v in visits}
    for d, dd in enumerate(data.delegations):
        for j, request in enumerate(dd.requests):
            if request.required and (d, j) not in served:
                return False
    for lock in data.locked:
        v = placed.get((lock.delegation, lock.site))
        if v is None or v.start != lock.start:
            return False
        if lock.presenter >= 0 and v.presenter != lock.presenter:
            return False
    return True


def _start(
    data: ProblemData, params: SolveParams
) -> tuple[PlannedVisit, ...] | None:
    """A valid schedule to improve: the hint, else the greedy schedule
    (None when neither serves every required request)."""
    if params.hint and keeps_requirements(data, params.hint):
        return tuple(params.hint)
    from solvers.greedy import solve as greedy

    first = greedy(data, replace(params, hint=None))
    if first.status in (
        Status.FEASIBLE,
        Status.OPTIMAL,
    ) and keeps_requirements(data, first.visits):
        return first.visits
    return None


def _solve_by_lns(
    data: ProblemData,
    params: SolveParams,
    start: tuple[PlannedVisit, ...],
    caps: Mapping[int, int],
    started: float,
    clock: Clock,
) -> Solution:
    from solvers.cpsat.bounds import relaxation_bound
    from solvers.cpsat.lns import improve

    requested = data.requested_value
    found = relaxation_bound(data, caps)
    bound = requested if found is None else min(found, requested)
    best: list[int] = []

    def report(visits: tuple[PlannedVisit, ...]) -> None:
        best.append(schedule_value(data, visits))
        if params.progress is not None:
            elapsed = time.perf_counter() - started
            params.progress(Progress(best[-1], max(bound, best[-1]), elapsed))

    report(start)
    visits = improve(
        data,
        start,
        params,
        clock=clock,
        deadline=params.time_limit,
        on_better=report,
        stop=params.stop,
        caps=caps,
    )
    value = schedule_value(data, visits)
    return Solution(
        Status.FEASIBLE,
        visits,
        value,
        max(bound, value),
        time.perf_counter() - started,
        stats={"lns": 1.0, "capped": float(len(caps))},
    )


PHASE_ONE_SHARE = 0.7
"""Share of the remaining time for the served value alone."""


def _solve_whole(
    data: ProblemData,
    params: SolveParams,
    caps: Mapping[int, int],
    started: float,
    clock: Clock,
    deadline: float,
    first_only: bool = False,
    tours: RoutingModel | None = None,
) -> Solution:
    """The whole-week model, lexicographic in two phases.

    Phase 1 maximizes the served value alone. Phase 2 holds the value
    found and minimizes travel, then presenter balance; when phase 1 could
    not prove its value optimal, phase 2 maximizes the weighted objective
    instead (value ≥ the value found), so the value may still grow.
    ``first_only`` stops at the first schedule (a start for LNS);
    ``tours`` (the data's routing model, when ``tours.unfit`` is None)
    solves the tour model (``tours.py``) instead of the week's.
    """
    from solvers.cpsat.conflicts import explain_infeasible

    built = _formulation(data, caps, tours)
    goal = built.objective
    assert goal is not None
    model = built.model
    hint = tuple(params.hint or ())
    trusted = bool(hint) and keeps_requirements(data, hint)
    hinted = schedule_value(data, hint) if trusted else -1
    watcher = _Watcher(goal.value, params, started, hinted, goal.requested)
    stats = {
        "build_s": round(built.build_s, 3),
        "variables": float(len(model.proto.variables)),
        "constraints": float(len(model.proto.constraints)),
        "capped": float(len(caps)),
        "tour_model": float(tours is not None),
    }

    def wall() -> float:
        return time.perf_counter() - started

    # Phase 1: the served value alone.
    goal.value_only(model)
    if hint:
        missing = built.hint(hint)
        if missing:
            logger.warning(
                "%d hinted visits are not candidate visits of the model",
                missing,
            )
    left = deadline - clock.now()
    share = 1.0 if first_only else PHASE_ONE_SHARE
    solver = _solver(params, clock, share * left, value_phase=True)
    solver.parameters.stop_after_first_solution = first_only
    watcher.to_served = _floor
    code = _run(solver, model, watcher, params, clock)
    stats["phase1_s"] = round(solver.wall_time, 3)
    if code == cp_model.INFEASIBLE:
        return Solution(
            Status.INFEASIBLE,
            conflicts=explain_infeasible(data, params),
            wall_s=wall(),
            stats=stats,
        )
    if code == cp_model.MODEL_INVALID:
        logger.error("CP-SAT model invalid: %s", model.validate())
        return Solution(Status.MODEL_INVALID, wall_s=wall(), stats=stats)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        raise RuntimeError(
            f"unexpected CP-SAT status {solver.status_name(code)}"
        )
    # CP-SAT's bound means something only with a solution; the watcher
    # keeps every bound reported along the way.
    bound = watcher.bound
    best: tuple[PlannedVisit, ...] | None = None
    value = -1
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = min(bound, _floor(solver.best_objective_bound))
        best, value = (
            built.extract(solver),
            int(solver.value(goal.value)),
        )
    if trusted and hinted > value:
        best, value = hint, hinted
    if best is None:
        return Solution(
            Status.UNKNOWN, bound=bound, wall_s=wall(), stats=stats
        )
    bound = max(bound, value)
    proven = value == bound

    # Phase 2: travel, then balance; the served value held.
    status = Status.FEASIBLE
    left = deadline - clock.now()
    stopped = params.stop is not None and params.stop.is_set()
    if left > 0.2 and not stopped and not first_only:
        model.clear_hints()  # type: ignore[no-untyped-call]
        built.hint(best)
        if proven:
            goal.after_value(model, value)
            watcher.to_served = lambda _: value
        else:
            goal.weigh(model)
            model.add(goal.value >= value)
            watcher.to_served = goal.served_bound
        solver = _solver(params, clock, left, value_phase=False)
        code = _run(solver, model, watcher, params, clock)
        stats["phase2_s"] = round(solver.wall_time, 3)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = int(solver.value(goal.value))
            if found >= value:
                best, value = built.extract(solver), found
            if proven and code == cp_model.OPTIMAL:
                status = Status.OPTIMAL
        elif code != cp_model.UNKNOWN:
            logger.warning(
                "phase 2 ended %s; keeping phase 1", solver.status_name(code)
            )
        if not proven:
            bound = min(bound, watcher.bound)
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                bound = min(
                    bound, watcher.to_served(solver.best_objective_bound)
                )
    return Solution(
        status, best, value, max(bound, value), wall(), stats=stats
    )


def _formulation(
    data: ProblemData, caps: Mapping[int, int], tours: RoutingModel | None
) -> Formulation:
    if tours is None:
        return build(data, caps=caps)
    from solvers.cpsat import tours as tour_model

    return tour_model.build(data, tours)


def _floor(bound: float) -> int:
    """A value bound from CP-SAT's (float) bound on the value objective."""
    return math.floor(bound + 1e-6) if math.isfinite(bound) else 2**62


def _run(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    watcher: _Watcher,
    params: SolveParams,
    clock: Clock,
) -> cp_model.CpSolverStatus:
    solver.best_bound_callback = watcher.on_bound
    with stop_on(solver, params.stop):
        return clock.solve(solver, model, watcher)


def extract(
    data: ProblemData, vars: Variables, solver: cp_model.CpSolver
) -> tuple[PlannedVisit, ...]:
    """The present visits with their start, presenter, request and pool."""
    pools: dict[tuple[int, int], int] = {}
    for route in vars.routes:
        for day in route.days:
            for pool, literal in day.pools.items():
                if solver.boolean_value(literal):
                    pools[(route.delegation, day.day.index)] = pool
    out = []
    for v in vars.visits:
        if not solver.boolean_value(v.present):
            continue
        start = int(solver.value(v.start))
        presenter = next(
            (
                c.presenter
                for c in vars.choices_for(v)
                if solver.boolean_value(c.literal)
            ),
            -1,
        )
        request = next(
            (
                a.request
                for a in vars.assignments_to(v)
                if solver.boolean_value(a.literal)
            ),
            -1,
        )
        out.append(
            PlannedVisit(
                delegation=v.delegation,
                site=v.site,
                start=start,
                presenter=presenter,
                request=request,
                pool=pools.get((v.delegation, data.day_of(start)), -1),
            )
        )
    return tuple(sorted(out, key=lambda p: (p.delegation, p.start)))


def _solver(
    params: SolveParams, clock: Clock, seconds: float, *, value_phase: bool
) -> cp_model.CpSolver:
    """CP-SAT set up from the user's parameters.

    In the value phase the full-problem worker uses the richer linear
    relaxation (max_lp): with two workers the default one loses the
    bound to presolve (a weak bound of near "everything served").
    """
    solver = new_solver()
    p = solver.parameters
    clock.limit(solver, seconds)
    p.num_workers = max(1, params.workers)
    p.random_seed = params.seed
    p.log_search_progress = params.log
    if value_phase:
        if p.num_workers == 1:
            p.linearization_level = 2
        else:
            p.subsolvers.append("max_lp")
    if params.log:
        p.log_to_stdout = False
        solver.log_callback = _log_line
    return solver


def _log_line(line: str) -> None:
    sys.stderr.write(line + "\n")


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports progress (served value, its bound, elapsed) as CP-SAT goes.

    ``to_served`` turns CP-SAT's objective bound into a served-value bound;
    it changes with the phase.
    """

    def __init__(
        self,
        value: Expr,
        params: SolveParams,
        started: float,
        hinted: int,
        requested: int,
    ) -> None:
        super().__init__()
        self.served = value
        self.report = params.progress
        self.started = started
        self.best = max(hinted, 0)
        self.bound = requested
        self.to_served: Callable[[float], int] = _floor
        self.lock = threading.Lock()
        if self.report is not None and hinted >= 0:
            self._send()

    def on_solution_callback(self) -> None:
        with self.lock:
            self.best = max(self.best, int(self.value(self.served)))
            self.bound = min(
                self.bound, self.to_served(self.best_objective_bound)
            )
            self._send()

    def on_bound(self, objective_bound: float) -> None:
        with self.lock:
            self.bound = min(self.bound, self.to_served(objective_bound))
            self._send()

    def _send(self) -> None:
        if self.report is not None:
            elapsed = time.perf_counter() - self.started
            self.report(
                Progress(self.best, max(self.bound, self.best), elapsed)
            )


@contextmanager
def stop_on(
    solver: cp_model.CpSolver, stop: threading.Event | None
) -> Iterator[None]:
    """Stop the search when ``stop`` (a threading.Event) is set."""
    if stop is None:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if stop.wait(0.1):
                solver.stop_search()
                return

    thread = threading.Thread(target=watch, name="cpsat-stop", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
