"""How CP-SAT spends the time limit on a week: the solve strategy.

The model itself is built in ``formulation.py``; what runs inside a search
(progress, stop) is in ``callbacks.py``. ``solve(data, params)`` is the
solver's entry point:

1. requirements that can never hold are named at once (``conflicts.py``);
2. each delegation's best value alone is computed in a small share of the
   time and added as cuts (``bounds.alone_caps``);
3. a normal week is solved whole, lexicographically: served value first
   (proven optimal on the sample normal week in seconds), then travel and
   presenter balance with the value held; one delegation whose days are
   all alike is solved so by the tour model (``tours.py``), which has no
   symmetric copies of a tour on other days; on more than
   ``LARGE_TOURS_SITES`` sites, where that model is too big, PyVRP runs
   again from other seeds and small windows of the tours are re-planned
   exactly (``_solve_large_tours``, ``tour_windows.py``);
4. a big week (more than ``LNS_FROM_VISITS`` candidate visits) is improved
   by large-neighbourhood search from a valid schedule (``lns.py``), with
   linear-programming bounds (the day-pattern bound of ``day_patterns.py``,
   which sees how long each delegation holds its vehicles, or
   ``bounds.relaxation_bound`` where there are too many patterns);
5. when the requirements conflict, the conflict is explained in words.

A hint that serves every required request and keeps every lock is a
schedule to fall back on: the answer never serves less value than it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.problem.solution import (
    PlannedVisit,
    Progress,
    Solution,
    Status,
    schedule_value,
)
from solvers.clock import Clock
from solvers.cpsat import tour_windows
from solvers.cpsat import tours as tour_model
from solvers.cpsat.bounds import alone_caps, relaxation_bound
from solvers.cpsat.callbacks import Watcher, log_line, stop_on, value_floor
from solvers.cpsat.conflicts import explain_infeasible, static_conflicts
from solvers.cpsat.day_patterns import Plan, bound_in_process, pattern_bound
from solvers.cpsat.engine import new_solver
from solvers.cpsat.formulation import Formulation, build
from solvers.cpsat.lns import improve, score
from solvers.greedy import plan_in_order, value_order
from solvers.greedy import solve as greedy
from solvers.pyvrp_warm_start import (
    ITERATIONS_PER_SECOND,
    PATIENCE,
    SECOND_NEIGHBOURS,
    SECOND_PATIENCE,
    Race,
    RoutingModel,
    unsupported,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from scheduler.problem import ProblemData
    from scheduler.problem.solution import SolveParams

logger = logging.getLogger(__name__)

LNS_FROM_VISITS = 300
"""Weeks with more candidate visits than this are improved by
large-neighbourhood search from a valid schedule (``lns.py``): the
whole-week model is then too big to improve in minutes on two cores."""

VALUE_START_GAIN = 1.25
"""The search starts from the value-first plan only where it serves this
much more than the hint. On the surge week it serves 814 against 491
(1.66 times), a head start the search does not make up in 120 s: 912, 920
and 908 served at 120 s (seeds 0-2, gaps 21.4-22.4 %) against 832 from
first come, first served (28.8 %). On the peak week (457 against 417, so
not taken) the search did worse from it: 494-496 at 60 s against 501-503,
as first come, first served leaves more compact days."""

# The time limit, shared out. Every share of ``params.time_limit`` the
# strategy spends is named here; ``lns.py`` shares out its own deadline.

CAPS_SHARE = 0.1
CAPS_MAX_S = 15.0
"""Each delegation's best value alone (``bounds.alone_caps``, cuts for the
week model) gets this share of the limit, at most ``CAPS_MAX_S``."""

ROUTING_ALONE_SHARE = 0.5
"""With one CP-SAT worker, PyVRP builds tours first for at most this share
(it stops sooner when it stalls); CP-SAT improves them after."""

RACE_MARGIN_S = 1.0
"""The races end this long before the limit, to leave time to compare
and map their tours."""

HANDOVER_SHARE = 0.75
"""The second race's share of the time at most (it ends earlier when it
stalls); CP-SAT takes its core after."""

PHASE_ONE_SHARE = 0.7
"""Share of the remaining time for the served value alone; the rest is
phase two (travel, then presenter balance, the value held)."""

PHASE_TWO_MIN_S = 0.2
"""Phase two is skipped when less than this is left."""

LARGE_TOURS_SITES = 100
"""Tour-like data with more sites than this is improved by more PyVRP
runs and then window by window (``_solve_large_tours``) after the races,
instead of by the whole tour model, too big then to improve PyVRP's tours
in a minute."""

RESTART_PATIENCE = 20_000
"""On large tour-like data, each further PyVRP run ends after this many
iterations without a better solution (7–10 s on 200–288 sites)."""

WINDOWS_SHARE = 0.1
"""On large tour-like data, the window loop's share of the limit, at the
end (on PyVRP's tours it seldom finds a better window: pr16 m=1, pr20 m=2
and pr06 m=4 gave 0 improvements in 35–145 windows each)."""

LNS_DEADLINE_SHARE = 1.0
"""A big week's neighbourhood search runs to this share of the limit."""
QUICK_LP_VISITS = 600
"""Up to this many candidate visits the bounds take seconds (the peak week:
day patterns 3 s, the LP 0.8 s): the day patterns are priced in this process
(a process of their own costs more to start), and the LP bound is still
found if the search ended first. Above it (the surge week: 40 s and 7 s),
the day patterns get a process and the LP is not waited for."""
DETERMINISTIC_ROUNDS = 10
"""Rounds of the day-pattern bound under ``--deterministic``: it cannot stop
with the search (a clock of work does not time GLOP), so it stops here."""


def solve(data: ProblemData, params: SolveParams) -> Solution:
    """Plan with CP-SAT; see the module docstring.

    Steps: (1) requirements that can never hold are reported at once;
    (2) tour-like data gets PyVRP's tours to start from (``_routing_races``);
    several delegations get caps (the best each could do alone) within a
    small share of the time; (3) a normal week is solved whole;
    a big one is improved neighbourhood by neighbourhood from the hint
    (or the greedy schedule), with a linear-programming bound.
    """

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
    # The tour model and routing engine know nothing of published visits.
    tour_like = unsupported(data) is None and not data.published
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
    several = len(data.delegations) > 1
    caps_budget = min(CAPS_MAX_S, CAPS_SHARE * params.time_limit)
    # A big week's search starts at once and its caps are found beside it
    # (``_solve_by_lns``), unless the plan must be reproducible.
    beside = large and several and not clock.deterministic
    caps = (
        alone_caps(data, clock, budget=caps_budget)
        if several and not beside
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
        found = (
            _solve_large_tours(routing, cores, started, clock, deadline, whole)
            if routing is not None and len(routing.sites) > LARGE_TOURS_SITES
            else _solve_whole(
                data, cores, caps, started, clock, deadline, tours=tours
            )
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
    return _solve_by_lns(
        data,
        params,
        start,
        caps,
        started,
        clock,
        caps_budget=caps_budget if beside else None,
    )


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

    data = routing.data
    if races is None:
        routed = routing.solve(
            ROUTING_ALONE_SHARE * params.time_limit,
            params.seed,
            PATIENCE,
            clock,
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


def _routing_races(
    model: RoutingModel, params: SolveParams, clock: Clock
) -> tuple[Race, Race] | None:
    """For tour-like data, when CP-SAT has two workers or more: PyVRP with
    its defaults for the whole time (so PyVRP alone's course), and PyVRP
    with ``SECOND_NEIGHBOURS`` on another core until it stalls or its share
    ends; CP-SAT then takes that core over from the better tours
    (``routing.Race``)."""

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
        # Large tours: stop sooner, for more runs from other seeds after.
        patience=RESTART_PATIENCE
        if len(model.sites) > LARGE_TOURS_SITES
        else SECOND_PATIENCE,
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
    """A valid schedule to improve: the hint (the greedy schedule unless
    one was given), or the same plan taking valuable requests first
    (``value_order``) where that serves ``VALUE_START_GAIN`` times as much
    and changes no more published visits; None when neither serves every
    required request."""
    hint: tuple[PlannedVisit, ...] | None = None
    if params.hint and keeps_requirements(data, params.hint):
        hint = tuple(params.hint)
    else:
        first = greedy(data, replace(params, hint=None))
        if first.status in (
            Status.FEASIBLE,
            Status.OPTIMAL,
        ) and keeps_requirements(data, first.visits):
            hint = first.visits
    valued = plan_in_order(data, value_order(data))
    if not valued.complete or not keeps_requirements(data, valued.visits):
        return hint
    if hint is None:
        return valued.visits
    mine, theirs = score(data, valued.visits), score(data, hint)
    gain = mine.value >= VALUE_START_GAIN * max(1, theirs.value)
    if gain and mine.changes <= theirs.changes:
        return valued.visits
    return hint


def _solve_by_lns(
    data: ProblemData,
    params: SolveParams,
    start: tuple[PlannedVisit, ...],
    caps: dict[int, int],
    started: float,
    clock: Clock,
    caps_budget: float | None = None,
) -> Solution:
    """Improve ``start`` neighbourhood by neighbourhood (``lns.improve``)
    while the bounds are found beside it: with ``caps_budget``, first the
    caps (``caps`` fills as they come: the search reads it step by step),
    then the day-pattern bound (``day_patterns``, above ``QUICK_LP_VISITS``
    in a process of its own; each round's bound is shown as it comes, and
    it stops with the search), or the LP bound where the patterns are too
    many. CP-SAT and GLOP leave
    the interpreter while they solve, and on an event week the bounds take
    tens of seconds the search should not wait for. Until a bound is known,
    the bound shown is the requested value. Under ``--deterministic`` the
    patterns get ``DETERMINISTIC_ROUNDS`` rounds, waited for."""
    requested = data.requested_value
    best: list[int] = []
    latest: list[int] = []
    """The day-pattern bound's rounds so far, shown while it goes on."""
    plans: list[Plan] = []
    """The latest round's master plan, once one came (``lns.improve``
    follows it)."""
    finished = threading.Event()

    def keep_plan(plan: Plan) -> None:
        plans[:] = [plan]

    def bounds() -> int | None:
        if caps_budget is not None:
            alone_caps(
                data, clock, budget=caps_budget, into=caps, stop=params.stop
            )
        if params.stop is not None and params.stop.is_set():
            return None
        rounds = DETERMINISTIC_ROUNDS if clock.deterministic else 200
        small = _candidate_visits(data) <= QUICK_LP_VISITS
        if small:
            found = pattern_bound(
                data,
                caps,
                stop=finished,
                rounds=rounds,
                on_round=lambda _, __, b: latest.append(math.floor(b + 1e-6)),
                on_plan=keep_plan,
            )
        else:
            found = bound_in_process(
                data,
                caps,
                until=finished,
                rounds=rounds,
                on_bound=latest.append,
                on_plan=keep_plan,
            )
        if found is not None:
            return found
        if finished.is_set() and not small:
            return None
        return relaxation_bound(data, caps)

    with ThreadPoolExecutor(1, thread_name_prefix="bounds") as side:
        pending = side.submit(bounds)

        def bound() -> int:
            if pending.done() and pending.result() is not None:
                return min(requested, pending.result() or requested)
            return min([requested, *latest])

        def report(visits: tuple[PlannedVisit, ...]) -> None:
            best.append(schedule_value(data, visits))
            if params.progress is not None:
                elapsed = time.perf_counter() - started
                params.progress(
                    Progress(best[-1], max(bound(), best[-1]), elapsed)
                )

        report(start)
        visits = improve(
            data,
            start,
            params,
            clock=clock,
            deadline=LNS_DEADLINE_SHARE * params.time_limit,
            on_better=report,
            stop=params.stop,
            caps=caps,
            plan=None
            if clock.deterministic
            else lambda: next(iter(plans), None),
        )
        if not clock.deterministic or (params.stop and params.stop.is_set()):
            finished.set()
        pending.result()
    value = schedule_value(data, visits)
    return Solution(
        Status.FEASIBLE,
        visits,
        value,
        max(bound(), value),
        time.perf_counter() - started,
        stats={"lns": 1.0, "capped": float(len(caps))},
    )


def _solve_large_tours(
    routing: RoutingModel,
    params: SolveParams,
    started: float,
    clock: Clock,
    deadline: float,
    whole: Race,
) -> Solution:
    """Large tour-like data, on the core the second race had: PyVRP again
    from other seeds, each run until it stalls (``RESTART_PATIENCE``),
    while more than ``WINDOWS_SHARE`` of the limit is left; then the best
    tours so far (the first race's included) improved window by window
    (``tour_windows.improve``) to the deadline.

    Why: on 100+ sites the whole tour model adds nothing to PyVRP's tours
    in a minute, while PyVRP's runs differ widely from seed to seed (pr16
    m=1, 30 s: 612–641) and most find their best within seconds. On a
    deterministic clock each run is bounded and counted in iterations and
    the first race is read after as many iterations as the clock counted.
    """
    data = routing.data
    requested = data.requested_value
    best = tuple(params.hint or ())

    def after() -> int | None:
        now = clock.now()
        return (
            int(now * ITERATIONS_PER_SECOND) if clock.deterministic else None
        )

    def report(visits: tuple[PlannedVisit, ...]) -> None:
        if params.progress is not None:
            value = schedule_value(data, visits)
            wall = time.perf_counter() - started
            params.progress(Progress(value, requested, wall))

    def take(visits: Sequence[PlannedVisit]) -> None:
        nonlocal best
        if schedule_value(data, visits) > schedule_value(data, best):
            best = tuple(visits)
            report(best)

    windows_from = deadline - WINDOWS_SHARE * params.time_limit
    stops = () if params.stop is None else (params.stop,)
    restarts = 0
    while clock.now() < windows_from and not any(e.is_set() for e in stops):
        restarts += 1
        take(
            routing.solve(
                windows_from - clock.now(),
                params.seed + restarts,
                RESTART_PATIENCE,
                clock,
                stops,
                neighbours=SECOND_NEIGHBOURS if restarts % 2 else None,
            )
        )
    take(whole.handover(after()))
    stats: dict[str, float] = {"restarts": float(restarts)}
    visits = tour_windows.improve(
        data,
        best,
        clock,
        deadline - RACE_MARGIN_S,
        seed=params.seed,
        stop=params.stop,
        incoming=lambda _: whole.handover(after()),
        on_better=report,
        stats=stats,
    )
    value = schedule_value(data, visits)
    return Solution(
        Status.FEASIBLE,
        visits,
        value,
        max(requested, value),
        time.perf_counter() - started,
        stats=stats,
    )


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

    built = _formulation(data, caps, tours)
    goal = built.objective
    assert goal is not None
    model = built.model
    hint = tuple(params.hint or ())
    trusted = bool(hint) and keeps_requirements(data, hint)
    hinted = schedule_value(data, hint) if trusted else -1
    watcher = Watcher(goal.value, params, started, hinted, goal.requested)
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
    watcher.to_served = value_floor
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
        bound = min(bound, value_floor(solver.best_objective_bound))
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
    if left > PHASE_TWO_MIN_S and not stopped and not first_only:
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

    return tour_model.build(data, tours)


def _run(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    watcher: Watcher,
    params: SolveParams,
    clock: Clock,
) -> cp_model.CpSolverStatus:
    solver.best_bound_callback = watcher.on_bound
    with stop_on(solver, params.stop):
        return clock.solve(solver, model, watcher)


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
        solver.log_callback = log_line
    return solver
