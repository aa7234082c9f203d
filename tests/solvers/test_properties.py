"""Properties over small random instances (tests/strategies.py).

- every schedule from either solver passes the independent judge, and its
  objective is the served value the judge recomputes;
- every unserved request carries a reason;
- CP-SAT serves at least the value greedy serves;
- on tiny instances, a brute-force enumeration over the problem data gives
  the optimum: greedy never beats it, a CP-SAT proven optimum equals it,
  and the bounds (LP, alone caps) never fall below it.

CP-SAT runs with a 2 s limit and one worker. Until ``solvers.cpsat`` can
be imported, its cases are skipped (and say so); greedy runs regardless.
"""

from __future__ import annotations

import datetime as dt
import importlib
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings

from scheduler.build import Result
from scheduler.check import served_value, violations
from scheduler.compile import compile_instance
from scheduler.model import Instance
from scheduler.problem import ProblemData, SolveParams, Status
from scheduler.problem.timeline import Timeline
from tests.factories import (
    MONDAY,
    make_catalog,
    make_delegation,
    make_instance,
    make_site,
)
from tests.strategies import instances, tiny_instances
from visits.planning import plan_week

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
CPSAT = SolveParams(time_limit=2, workers=1)


@cache
def cpsat_missing() -> str | None:
    """Why CP-SAT cannot run yet, or None."""
    try:
        module = importlib.import_module("solvers.cpsat")
    except ImportError as exc:
        return f"solvers.cpsat does not import yet: {exc}"
    if not hasattr(module, "solve"):
        return "solvers.cpsat has no plan_week() yet"
    return None


def run_cpsat(instance: Instance) -> Result:
    reason = cpsat_missing()
    if reason:
        pytest.skip(reason)
    return plan_week(instance, "cpsat", CPSAT)


def assert_valid(instance: Instance, result: Result) -> None:
    """A schedule the judge accepts, and a reason for each unserved one."""
    schedule = result.schedule
    assert violations(instance, schedule) == []
    assert result.objective == served_value(instance, schedule)
    served = {(v.delegation, v.request) for v in schedule.visits}
    for d in instance.delegations:
        for j in range(len(d.requests)):
            reasons = [
                u.reason
                for u in schedule.unserved
                if (u.delegation, u.request) == (d.id, j)
            ]
            if (d.id, j) in served:
                assert reasons == []
            else:
                assert len(reasons) == 1 and reasons[0]


def has_schedule(result: Result) -> bool:
    return result.status in (Status.OPTIMAL, Status.FEASIBLE)


# --- every schedule passes the judge ---------------------------------------------


@PROPERTY
@given(instances())
def test_greedy_schedules_pass_the_checker(instance: Instance) -> None:
    result = plan_week(instance, "greedy", SolveParams())
    if has_schedule(result):
        assert result.status is Status.FEASIBLE
        assert_valid(instance, result)
    else:
        # Only a required request can keep greedy from a schedule.
        assert result.conflicts
        assert any(
            r.required for d in instance.delegations for r in d.requests
        )


@PROPERTY
@given(instances())
def test_cpsat_schedules_pass_the_checker_and_beat_greedy(
    instance: Instance,
) -> None:
    cpsat = run_cpsat(instance)
    greedy = plan_week(instance, "greedy", SolveParams())
    if has_schedule(cpsat):
        assert_valid(instance, cpsat)
    if has_schedule(greedy):
        assert has_schedule(cpsat)
        assert cpsat.objective is not None and greedy.objective is not None
        assert cpsat.objective >= greedy.objective


# --- the optimum by enumeration ----------------------------------------------------


def brute_force(data: ProblemData) -> int | None:
    """The highest served value of any valid schedule; None if none exists.

    Enumerates, through a ``Timeline``, every way to keep the locked visits
    (presenter choices) and to serve each request: by a locked visit, or by
    a new visit at each site, grid start and compatible presenter, or not
    at all unless required. Exact for one vehicle pool (tiny instances).
    """
    assert len(data.vehicles) <= 1, "pool choice is not enumerated"
    tasks = [
        (d, j)
        for d, dd in enumerate(data.delegations)
        for j in range(len(dd.requests))
    ]
    values = [data.delegations[d].requests[j].value for d, j in tasks]
    best: list[int | None] = [None]

    def presenters(d: int, s: int) -> tuple[int | None, ...]:
        if data.sites[s].department < 0:
            return (None,)
        return data.presenters_for(d, s)

    def serve(
        k: int, timeline: Timeline, claimed: frozenset[int], value: int
    ) -> None:
        current = best[0]
        if current is not None and value + sum(values[k:]) <= current:
            return
        if k == len(tasks):
            best[0] = value
            return
        d, j = tasks[k]
        request = data.delegations[d].requests[j]
        for i, lock in enumerate(data.locked):
            if (
                i not in claimed
                and lock.delegation == d
                and lock.site in request.sites
            ):
                serve(k + 1, timeline, claimed | {i}, value + values[k])
        for s in request.sites:
            for lo, hi in data.starts(d, s):
                for start in range(lo, hi + 1, data.slot):
                    for p in presenters(d, s):
                        fit = timeline.fit(d, s, start, p)
                        if fit.visit is not None:
                            branch = timeline.copy()
                            branch.place(fit.visit)
                            serve(k + 1, branch, claimed, value + values[k])
        if not request.required:
            serve(k + 1, timeline, claimed, value)

    def keep_locks(i: int, timeline: Timeline) -> None:
        if i == len(data.locked):
            serve(0, timeline, frozenset(), 0)
            return
        lock = data.locked[i]
        options: tuple[int | None, ...] = (
            (lock.presenter,)
            if lock.presenter >= 0
            else presenters(lock.delegation, lock.site)
        )
        for p in options:
            fit = timeline.fit(
                lock.delegation, lock.site, lock.start, p, locked=True
            )
            if fit.visit is not None:
                branch = timeline.copy()
                branch.place(fit.visit)
                keep_locks(i + 1, branch)

    keep_locks(0, Timeline(data))
    return best[0]


@PROPERTY
@given(tiny_instances())
def test_greedy_never_beats_the_enumerated_optimum(instance: Instance) -> None:
    optimum = brute_force(compile_instance(instance))
    greedy = plan_week(instance, "greedy", SolveParams())
    if has_schedule(greedy):
        assert optimum is not None
        assert greedy.objective is not None
        assert greedy.objective <= optimum


@PROPERTY
@given(tiny_instances())
def test_cpsat_proven_optimum_equals_enumeration(instance: Instance) -> None:
    cpsat = run_cpsat(instance)
    optimum = brute_force(compile_instance(instance))
    if optimum is None:
        assert not has_schedule(cpsat)
    elif cpsat.status is Status.OPTIMAL:
        assert cpsat.objective == optimum
    else:
        assert cpsat.objective is None or cpsat.objective <= optimum


@PROPERTY
@given(tiny_instances())
def test_the_bounds_never_cut_off_the_enumerated_optimum(
    instance: Instance,
) -> None:
    """The LP bounds and each delegation's alone cap are relaxations: no
    schedule serves more than they allow."""
    from solvers.clock import Clock
    from solvers.cpsat.bounds import alone_caps, relaxation_bound
    from solvers.cpsat.day_patterns import pattern_bound

    data = compile_instance(instance)
    optimum = brute_force(data)
    if optimum is None:
        return
    caps = alone_caps(data, Clock(), budget=5.0)
    bound = relaxation_bound(data, caps)
    assert bound is None or bound >= optimum
    for given_caps in (caps, None):
        patterns = pattern_bound(data, given_caps)
        assert patterns is None or patterns >= optimum
        first_round = pattern_bound(data, given_caps, rounds=1)
        assert first_round is None or first_round >= optimum
    assert sum(caps.values()) >= optimum or len(caps) < len(data.delegations)


def test_brute_force_on_a_hand_made_case() -> None:
    """Two delegations, one 60-min slot at s1: the optimum is the larger
    value (priority 3), which first come, first served misses.
    """
    site = make_site(opening_hours={"mon": ["08:00-09:00"]})
    early = make_delegation(
        "early",
        arrival=dt.datetime.combine(MONDAY, dt.time(7, 0)),
        day_window="07:00-18:00",
    )
    valued = make_delegation("valued", priority=3)
    instance = make_instance(make_catalog(sites=[site]), [early, valued])
    assert brute_force(compile_instance(instance)) == 3
    assert plan_week(instance, "greedy", SolveParams()).objective == 1
