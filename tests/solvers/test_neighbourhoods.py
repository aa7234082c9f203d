"""Neighbourhoods by what binds, adaptive selection, steps side by side."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from scheduler.build import to_schedule
from scheduler.check import served_value, violations
from scheduler.compile import compile_instance
from scheduler.generate.writer import generate_week_file
from scheduler.model import Department, Instance, VehiclePool
from scheduler.problem import PlannedVisit, Solution, SolveParams, Status
from scheduler.problem.data import ProblemData
from solvers.clock import Clock
from solvers.cpsat import strategy as cpsat_strategy
from solvers.cpsat.lns import _best_merge, improve, score
from solvers.cpsat.neighbourhoods import (
    SIZES,
    Neighbourhood,
    Neighbourhoods,
    Selection,
)
from solvers.greedy import solve as greedy
from tests.factories import (
    MONDAY,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)
from tests.paths import CATALOG
from visits.planning import plan_week
from whatif.scenario import load_instance

MON, TUE = 0, 1


def two_days() -> Instance:
    """s1 and s1b are department a's, s2 department b's; s1 opens only
    08:00-11:00. d0 is at s1 on Monday, d1 at s1b, d2 at s2 in the
    afternoon, d3 at s1 on Tuesday; d4 wants s1 and has nothing."""
    mornings = {
        day: ["08:00-11:00"] for day in ("mon", "tue", "wed", "thu", "fri")
    }
    catalog = make_catalog(
        sites=[
            make_site("s1", department="a", opening_hours=mornings),
            make_site("s1b", department="a"),
            make_site("s2", department="b"),
        ],
        presenters=[
            make_presenter("pa", department="a"),
            make_presenter("pa2", department="a"),
            make_presenter("pb", department="b"),
        ],
        departments=[
            Department(id="a", name="A", email="a@example.org"),
            Department(id="b", name="B", email="b@example.org"),
        ],
        vehicles=[VehiclePool(id="van", seats=15, count=3)],
    )
    stay = {
        "arrival": dt.datetime.combine(MONDAY, dt.time(7, 0)),
        "departure": dt.datetime.combine(
            MONDAY + dt.timedelta(days=1), dt.time(20, 0)
        ),
    }
    return make_instance(
        catalog,
        [
            make_delegation("d0", requests=[{"site": "s1"}], **stay),
            make_delegation("d1", requests=[{"site": "s1b"}], **stay),
            make_delegation("d2", requests=[{"site": "s2"}], **stay),
            make_delegation("d3", requests=[{"site": "s1"}], **stay),
            make_delegation("d4", requests=[{"site": "s1"}], **stay),
        ],
        days=2,
    )


def schedule(data: ProblemData) -> list[PlannedVisit]:
    day = data.day_length
    return [
        PlannedVisit(0, 0, 9 * 60, presenter=0, request=0, pool=0),
        PlannedVisit(1, 1, 9 * 60, presenter=1, request=0, pool=0),
        PlannedVisit(2, 2, 15 * 60, presenter=2, request=0, pool=0),
        PlannedVisit(3, 0, day + 9 * 60, presenter=0, request=0, pool=0),
    ]


def as_solution(visits: Sequence[PlannedVisit]) -> Solution:
    return Solution(Status.FEASIBLE, tuple(visits))


def draws_of(kind: str, size: int, data: ProblemData) -> list[Neighbourhood]:
    out = []
    for seed in range(30):
        draws = Neighbourhoods(data, seed, {})
        draws.selection.weights = {
            k: 1.0 if k == kind else 0.0 for k in draws.selection.weights
        }
        draws.selection.sizes[kind] = size
        drawn = draws.draw(schedule(data))
        assert drawn is not None
        out.append(drawn)
    return out


def test_the_schedule_used_by_these_tests_is_valid() -> None:
    instance = two_days()
    data = compile_instance(instance)
    planned = to_schedule(instance, data, as_solution(schedule(data)), "x")
    assert violations(instance, planned) == []


def test_a_site_neighbourhood_frees_who_holds_the_site_that_day() -> None:
    data = compile_instance(two_days())
    seen = set()
    for n in draws_of("site", 2, data):
        assert n.kind == "site"
        holder = 0 if n.day == MON else 3
        assert n.group == {4, holder}
        seen.add(n.day)
    assert seen == {MON, TUE}


def test_a_presenter_neighbourhood_frees_the_department_not_others() -> None:
    data = compile_instance(two_days())
    mondays = [n for n in draws_of("presenters", 3, data) if n.day == MON]
    assert mondays
    for n in mondays:
        assert n.group == {4, 0, 1}  # department a on Monday, not d2 (b)


def test_a_vehicle_neighbourhood_frees_the_riders_out_at_those_hours() -> None:
    data = compile_instance(two_days())
    mondays = [n for n in draws_of("vehicles", 3, data) if n.day == MON]
    assert mondays
    for n in mondays:
        # s1 opens 08:00-11:00: d2, out in the afternoon, ranks last.
        assert n.group == {4, 0, 1}


def test_a_second_neighbourhood_is_on_another_day_with_others() -> None:
    data = compile_instance(two_days())
    for seed in range(20):
        draws = Neighbourhoods(data, seed, {})
        first = draws.draw(schedule(data))
        assert first is not None
        if first.day is None:
            continue
        second = draws.draw(schedule(data), avoid=first)
        if second is None:  # everyone in town was in the first group
            assert first.group == set(range(5))
            continue
        assert second.day is not None and second.day != first.day
        assert not second.group & first.group


def test_selection_follows_what_pays_and_sizes_follow_proofs() -> None:
    import random

    selection = Selection(random.Random(0))
    for _ in range(20):
        selection.record("site", served_more=True, proven=True)
        selection.record("week", served_more=False, proven=False)
    assert selection.weights["site"] > 0.9 > 0.1 > selection.weights["week"]
    assert selection.weights["week"] > 0  # never dropped
    assert selection.sizes["site"] == SIZES["site"][1] + 20
    assert selection.sizes["week"] == SIZES["week"][0]
    picks = Counter(selection.kind() for _ in range(500))
    assert picks["site"] > 5 * picks["week"]
    assert "week" not in {selection.kind(one_day=True) for _ in range(200)}


def test_a_step_that_finds_nothing_halves_its_size() -> None:
    import random

    selection = Selection(random.Random(0))
    first = SIZES["day"][1]
    selection.record("day", served_more=False, proven=False, found=False)
    assert selection.sizes["day"] == first // 2
    for _ in range(10):
        selection.record("day", served_more=False, proven=False, found=False)
    assert selection.sizes["day"] == SIZES["day"][0]


def test_steps_on_different_days_combine() -> None:
    data = compile_instance(two_days())
    best = tuple(schedule(data)[:3])  # d3 not yet at s1 on Tuesday
    monday = Neighbourhood("day", frozenset({4}), MON)
    tuesday = Neighbourhood("day", frozenset({3}), TUE)
    moved = (PlannedVisit(4, 0, 10 * 60, presenter=0, request=0, pool=0),)
    added = (
        PlannedVisit(
            3, 0, data.day_length + 9 * 60, presenter=0, request=0, pool=0
        ),
    )
    merged, merged_score, used = _best_merge(
        data,
        best,
        score(data, best),
        [(monday, moved, True), (tuesday, added, True)],
    )
    assert used == (monday, tuesday)
    assert set(merged) == {*best, *moved, *added}
    assert merged_score.value == score(data, best).value + 2
    instance = two_days()
    planned = to_schedule(instance, data, as_solution(merged), "x")
    assert violations(instance, planned) == []


@pytest.mark.parametrize("workers", [1, 2])
def test_the_search_keeps_every_rule_and_never_loses_value(
    caplog: pytest.LogCaptureFixture, workers: int
) -> None:
    """A crowded three-day week (one van, 4 groups a day at most): the
    search from greedy's schedule stays valid and serves no less; with two
    workers, steps run side by side."""
    monkey = pytest.MonkeyPatch()
    monkey.setattr(cpsat_strategy, "LNS_FROM_VISITS", 0)
    for kind in SIZES:  # small groups, so that two fit side by side
        monkey.setitem(SIZES, kind, (2, 3, 4))
    catalog = make_catalog(
        sites=[make_site(f"s{i}", visit_minutes=90) for i in range(4)],
        presenters=[make_presenter(f"p{i}") for i in range(3)],
        vehicles=[VehiclePool(id="van", seats=15, count=1)],
    )
    stay = {
        "arrival": dt.datetime.combine(MONDAY, dt.time(7, 0)),
        "departure": dt.datetime.combine(
            MONDAY + dt.timedelta(days=2), dt.time(20, 0)
        ),
    }
    delegations = [
        make_delegation(
            f"d{i}",
            priority=1 + i % 3,
            requests=[{"site": f"s{(i + k) % 4}"} for k in range(3)],
            **stay,
        )
        for i in range(8)
    ]
    instance = make_instance(catalog, delegations, days=3)
    data = compile_instance(instance)
    start = greedy(data, SolveParams(time_limit=1.0)).visits
    caplog.set_level(logging.DEBUG, logger="solvers.cpsat.lns")
    found = improve(
        data,
        start,
        SolveParams(time_limit=4.0, workers=workers, seed=1),
        Clock(),
        deadline=4.0,
        on_better=lambda _: None,
    )
    monkey.undo()
    after = to_schedule(instance, data, as_solution(found), "cpsat")
    assert violations(instance, after) == []
    before = to_schedule(instance, data, as_solution(start), "greedy")
    assert served_value(instance, after) >= served_value(instance, before)
    steps = Counter(
        m.group(1)
        for m in map(re.compile(r"LNS step (\d+):").match, caplog.messages)
        if m
    )
    together = sum(1 for n in steps.values() if n == 2)
    assert (together > 0) == (workers == 2)


def test_a_generated_week_plans_validly_through_the_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan_week on a generated week through the search: one more
    end-to-end check of validity where vans bind."""
    monkeypatch.setattr(cpsat_strategy, "LNS_FROM_VISITS", 0)
    week = tmp_path / "weeks" / "w.yaml"
    generate_week_file(CATALOG, "2026-W48", 40, 3, week)
    instance = load_instance(week)
    result = plan_week(
        instance, "cpsat", SolveParams(time_limit=6.0, workers=2, seed=0)
    )
    assert violations(instance, result.schedule) == []
