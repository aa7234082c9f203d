"""Pattern steps: whole days re-planned inside the day-pattern master's
sites (``neighbourhoods.on_plan``, ``lns.improve(plan=...)``)."""

from __future__ import annotations

import logging
import threading

import pytest
from ortools.sat.python import cp_model

from scheduler.build import to_schedule
from scheduler.check import served_value, violations
from scheduler.compile import compile_instance
from scheduler.problem import SolveParams
from solvers.clock import Clock
from solvers.cpsat.day_patterns import Plan, bound_in_process, pattern_bound
from solvers.cpsat.engine import new_solver
from solvers.cpsat.formulation import extract
from solvers.cpsat.lns import _prepare, improve
from solvers.cpsat.neighbourhoods import on_plan, planned_days
from tests.solvers.test_day_patterns import one_van_all_day
from tests.solvers.test_neighbourhoods import (
    MON,
    TUE,
    as_solution,
    schedule,
    two_days,
)

D4_AT_S1 = Plan(1.0, {(4, MON): frozenset({0})}, {MON: 4.0, TUE: 1.0})
"""A plan serving d4 at s1 on Monday: more than the schedule there (3),
as much as it on Tuesday (1)."""


def test_each_round_reports_the_sites_its_master_plans() -> None:
    """d1 wants A (08-10) and B (15-17), d2 wants C (11-13), one van: the
    master serves at most 2, and its plan names only sites each delegation
    asked for."""
    data = compile_instance(one_van_all_day())
    plans: list[Plan] = []
    assert pattern_bound(data, on_plan=plans.append) == 2
    last = plans[-1]
    assert 2 <= last.value < 3  # the LP's optimum; its floor is the bound
    assert set(last.day_values) == {0} and last.day_values[0] > 0
    asked = {0: {0, 1}, 1: {2}}
    assert last.sites
    for (d, k), sites in last.sites.items():
        assert k == 0 and sites <= asked[d]
    from_child: list[Plan] = []
    bound_in_process(data, None, threading.Event(), on_plan=from_child.append)
    assert from_child and from_child[-1].sites == last.sites


def test_days_are_followed_where_the_plan_serves_more() -> None:
    data = compile_instance(two_days())
    assert planned_days(data, D4_AT_S1, schedule(data)) == [MON]
    richer = Plan(1.0, {}, {MON: 4.0, TUE: 6.0})
    assert planned_days(data, richer, schedule(data)) == [TUE, MON]


def solve_step(sites_plan: Plan) -> tuple[int, list[int]]:
    """One pattern step on Monday from ``schedule``: value served and who
    is out that day."""
    data = compile_instance(two_days())
    best = schedule(data)
    step = on_plan(data, sites_plan, best, MON)
    assert step.group == frozenset(range(5)) and step.day == MON
    built = _prepare(data, step, best, {}, polish=False)
    solver = new_solver()
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(built.model) == cp_model.OPTIMAL
    found = extract(data, built.vars, solver)
    monday = sorted(v.delegation for v in found if data.day_of(v.start) == 0)
    return len([v for v in found if v.request >= 0]), monday


def test_a_pattern_step_keeps_each_delegation_to_its_planned_sites() -> None:
    """d4 wants s1 too, and fits at 10:00 on Monday. Planned there, the
    step serves it; with a plan that leaves it out, the step may not (the
    test fails if the step ignores the plan's sites)."""
    served, monday = solve_step(D4_AT_S1)
    assert 4 in monday and served == 5
    without = Plan(1.0, {}, {MON: 4.0})
    served, monday = solve_step(without)
    assert 4 not in monday and served == 4
    assert {0, 1, 2} <= set(monday)


def test_the_search_follows_the_plan_and_stays_valid(
    caplog: pytest.LogCaptureFixture,
) -> None:
    instance = two_days()
    data = compile_instance(instance)
    start = tuple(schedule(data))
    caplog.set_level(logging.DEBUG, logger="solvers.cpsat.lns")
    found = improve(
        data,
        start,
        SolveParams(time_limit=4.0, workers=2, seed=0),
        Clock(),
        deadline=4.0,
        on_better=lambda _: None,
        plan=lambda: D4_AT_S1,
    )
    assert any(": pattern, 5 delegations, day 0" in m for m in caplog.messages)
    after = to_schedule(instance, data, as_solution(found), "cpsat")
    assert violations(instance, after) == []
    assert served_value(instance, after) == 5
