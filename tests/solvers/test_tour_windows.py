"""The window loop for large tours (``solvers/cpsat/tour_windows.py``).

A window's exact re-plan puts back an obviously free valuable site; the
loop never returns a worse or invalid schedule (judged by
``scheduler.check`` on a generated week, and by the TOPTW verifier on a
classic case); deterministic runs repeat, window loop and whole strategy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.orienteering.compile import compile_toptw
from bench.orienteering.instances import Toptw, load
from bench.orienteering.verify import tours_of, verify
from scheduler.build import to_schedule
from scheduler.check import served_value, violations
from scheduler.compile import compile_instance
from scheduler.model import Instance
from scheduler.problem import ProblemData, Solution, SolveParams, Status
from scheduler.problem.solution import PlannedVisit, schedule_value
from solvers import solve
from solvers.clock import Clock
from solvers.cpsat import strategy, tour_windows
from solvers.pyvrp_warm_start import RoutingModel
from tests.solvers.test_tours import site, touring
from tests.strategies import SPOTS

PR01 = Path(__file__).resolve().parents[1] / "data" / "toptw" / "pr01.txt"
"""A copy of the shared pr01 (tests/data/toptw/README.md): CI clones lack
``../shared``."""


def pr01_tours(m: int) -> tuple[Toptw, ProblemData, tuple[PlannedVisit, ...]]:
    """pr01 (48 sites) with m tours and PyVRP's tours after 400
    iterations (a deterministic clock): a start with room to improve."""
    inst = load(PR01)
    data = compile_toptw(inst, m)
    visits = RoutingModel.build(data).solve(0.2, 0, clock=Clock(True))
    assert visits
    return inst, data, visits


def test_a_window_puts_back_a_free_valuable_site() -> None:
    _, data, visits = pr01_tours(1)
    plan = tour_windows.Plan.of(data, visits)
    order = plan.tours[0]
    assert len(order) >= 6
    # The most valuable visit of the middle, taken off its tour: the tour
    # still fits (waiting is allowed) and the site is free again.
    requests = data.delegations[0].requests
    k = max(
        range(2, len(order) - 2), key=lambda i: requests[order[i][1]].value
    )
    removed = order.pop(k)
    assert plan.earliest(0, order) is not None
    before = tour_windows.value_and_travel(plan)[0]
    window = tour_windows.window_of(
        plan, [tour_windows.Segment(0, k - 2, k + 1)], [removed[0]]
    )
    new = tour_windows.replan(plan, window, Clock(True), 0, None)
    assert new is not None
    assert removed[0] in [s for s, _ in new[0]]
    order[k - 2 : k + 1] = new[0]
    assert plan.earliest(0, order) is not None
    after = tour_windows.value_and_travel(plan)[0]
    assert after >= before + requests[removed[1]].value


def test_a_window_that_cannot_do_better_changes_nothing() -> None:
    _, data, visits = pr01_tours(1)
    plan = tour_windows.Plan.of(data, visits)
    # No site outside the segment: the same sites, already well ordered
    # by PyVRP, or a better order; never a worse one.
    window = tour_windows.window_of(plan, [tour_windows.Segment(0, 0, 2)], [])
    new = tour_windows.replan(plan, window, Clock(True), 0, None)
    if new is not None:
        old = plan.tours[0][0:2]
        assert sorted(new[0]) == sorted(old)
        assert plan.tour_travel(new[0] + plan.tours[0][2:]) < plan.tour_travel(
            plan.tours[0]
        )


def halved(
    data: ProblemData, visits: tuple[PlannedVisit, ...]
) -> tuple[PlannedVisit, ...]:
    """Every other visit of each tour: valid, with room to improve."""
    plan = tour_windows.Plan.of(data, visits)
    plan.tours = [order[::2] for order in plan.tours]
    return plan.visits()


@pytest.mark.parametrize("m", [1, 2])
def test_the_loop_is_never_worse_and_the_verifier_agrees(
    m: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tour_windows, "WINDOW_S", 0.2)
    inst, data, visits = pr01_tours(m)
    start = halved(data, visits)
    stats: dict[str, float] = {}
    out = tour_windows.improve(data, start, Clock(True), 0.8, stats=stats)
    assert stats["window_improved"] > 0
    assert schedule_value(data, out) > schedule_value(data, start)
    routes, starts, problems = tours_of(
        inst, m, Solution(Status.FEASIBLE, out, schedule_value(data, out))
    )
    verdict = verify(inst, m, routes, starts)
    assert problems == [] and verdict.ok, verdict.errors
    assert verdict.score == schedule_value(data, out)


def week_of_eight_sites() -> Instance:
    """Two alike days, eight sites on three spots, one request each."""
    hours = {day: ["08:00-17:00"] for day in ("mon", "tue")}
    sites = [
        site(
            f"s{i}",
            location=SPOTS[i % 3],
            visit_minutes=(60, 90, 120)[i % 3],
            opening_hours=hours,
        )
        for i in range(8)
    ]
    requests = [{"site": f"s{i}", "weight": 1 + i % 3} for i in range(8)]
    return touring(
        sites, requests, days=2, day_window="09:00-13:00", lodging=SPOTS[0]
    )


def test_the_loop_fills_empty_tours_and_the_judge_accepts() -> None:
    instance = week_of_eight_sites()
    data = compile_instance(instance)
    out = tour_windows.improve(data, (), Clock(True), 1.0, seed=0)
    assert schedule_value(data, out) > 0
    schedule = to_schedule(
        instance,
        data,
        Solution(Status.FEASIBLE, out, schedule_value(data, out)),
        "cpsat",
    )
    assert violations(instance, schedule) == []
    assert served_value(instance, schedule) == schedule_value(data, out)


def test_deterministic_window_loops_repeat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tour_windows, "WINDOW_S", 0.2)
    _, data, visits = pr01_tours(2)
    start = halved(data, visits)
    runs = [
        tour_windows.improve(data, start, Clock(True), 0.6, seed=3)
        for _ in range(2)
    ]
    assert schedule_value(data, runs[0]) > schedule_value(data, start)
    assert runs[0] == runs[1]


def test_deterministic_plans_of_large_tours_repeat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pr01's 48 sites count as large here, so the short plan goes the way
    # of 100+ sites: races, more PyVRP runs, then windows.
    monkeypatch.setattr(strategy, "LARGE_TOURS_SITES", 10)
    monkeypatch.setattr(strategy, "RESTART_PATIENCE", 500)
    inst = load(PR01)
    data = compile_toptw(inst, 2)
    params = SolveParams(time_limit=3.0, workers=2, seed=0, deterministic=True)
    first = solve(data, "cpsat", params)
    second = solve(data, "cpsat", params)
    assert first.stats.get("restarts", 0) >= 1
    assert "windows" in first.stats
    assert first.visits == second.visits
    routes, starts, _ = tours_of(inst, 2, first)
    assert verify(inst, 2, routes, starts).ok
