"""The CP-SAT solver as a whole: objective order, hints, progress, stop,
statuses and the words for conflicting requirements.

Factory defaults as in tests/solvers/test_cpsat_constraints.py: one Monday, sites
open 08:00-17:00 at one spot, 60-minute visits, presenter p1, 10 vans.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from ortools.sat.python import cp_model

from scheduler.build import Result
from scheduler.check import served_value, violations
from scheduler.compile import compile_instance
from scheduler.model import Instance, LockedVisit, TravelEntry, TravelSettings
from scheduler.problem import PlannedVisit, Progress, SolveParams, Status
from solvers.clock import Clock
from solvers.cpsat import formulation
from solvers.cpsat import solve as cpsat_solve
from solvers.cpsat import strategy as cpsat_strategy
from solvers.cpsat.bounds import alone_caps, relaxation_bound
from solvers.cpsat.lns import shortlist as lns_shortlist
from tests.factories import (
    MONDAY,
    at,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)
from visits.planning import plan_week

PARAMS = SolveParams(time_limit=2.0, workers=1, seed=0)


def plan(instance: Instance, params: SolveParams = PARAMS) -> Result:
    result = plan_week(instance, "cpsat", params)
    assert violations(instance, result.schedule) == []
    assert result.objective == served_value(instance, result.schedule)
    return result


# --- objective: value, then travel, then presenter balance ---------------------


def near_and_far() -> Instance:
    """A topic served by s-near (5 min from lodging) or s-far (30 min)."""
    catalog = make_catalog(
        sites=[
            make_site("s-far", location={"lat": 6.30, "lon": -75.57}),
            make_site("s-near", location={"lat": 6.26, "lon": -75.57}),
        ],
        travel=TravelSettings(
            buffer_minutes=0,
            matrix=[
                TravelEntry(origin="lodging:d1", to="s-near", minutes=5),
                TravelEntry(origin="lodging:d1", to="s-far", minutes=30),
            ],
        ),
    )
    return make_instance(
        catalog, [make_delegation(requests=[{"topic": "urbanism"}])]
    )


def test_travel_breaks_ties_in_value() -> None:
    result = plan(near_and_far())
    [visit] = result.schedule.visits
    assert (visit.site, visit.travel_minutes_before) == ("s-near", 5)
    assert result.status is Status.OPTIMAL


def test_value_comes_before_travel() -> None:
    # Both sites wanted: the 60 min of travel to s-far is worth one request.
    instance = near_and_far()
    d = make_delegation(requests=[{"site": "s-near"}, {"site": "s-far"}])
    result = plan(instance.model_copy(update={"delegations": [d]}))
    assert result.objective == 2


def test_presenter_load_is_spread() -> None:
    catalog = make_catalog(
        sites=[make_site("s1"), make_site("s2")],
        presenters=[make_presenter("p1"), make_presenter("p2")],
    )
    d = make_delegation(requests=[{"site": "s1"}, {"site": "s2"}])
    result = plan(make_instance(catalog, [d]))
    assert sorted(v.presenter or "" for v in result.schedule.visits) == [
        "p1",
        "p2",
    ]


def test_priority_wins_the_only_slot() -> None:
    site = make_site(opening_hours={"mon": ["08:00-09:00"]})
    low = make_delegation("low")
    high = make_delegation("high", priority=3)
    result = plan(make_instance(make_catalog(sites=[site]), [low, high]))
    assert [v.delegation for v in result.schedule.visits] == ["high"]
    assert (result.objective, result.bound) == (3, 3)


def test_a_stay_of_two_days_uses_both() -> None:
    d = make_delegation(
        requests=[{"site": "s1"}, {"site": "s2"}],
        max_visits_per_day=1,
        departure=dt.datetime.combine(
            MONDAY + dt.timedelta(days=1), dt.time(20)
        ),
    )
    catalog = make_catalog(sites=[make_site("s1"), make_site("s2")])
    result = plan(make_instance(catalog, [d], days=2))
    assert result.objective == 2
    assert len({v.start.date() for v in result.schedule.visits}) == 2


# --- hints, progress, stop --------------------------------------------------------


def test_hint_is_kept_when_the_search_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A search that stops at once (no time) must still return the hint.
    instance = make_instance()
    data = compile_instance(instance)
    hint = (PlannedVisit(0, 0, 9 * 60, presenter=0, request=0, pool=0),)
    real = cpsat_strategy._solver

    def no_time(params: SolveParams, clock: Clock, seconds: float, **kw: bool):  # type: ignore[no-untyped-def]
        solver = real(params, clock, seconds, **kw)
        solver.parameters.max_time_in_seconds = 0.0
        return solver

    monkeypatch.setattr(cpsat_strategy, "_solver", no_time)
    solution = cpsat_solve(data, SolveParams(time_limit=1.0, hint=hint))
    assert solution.status is Status.FEASIBLE
    assert solution.visits == hint
    assert solution.objective == 1


def test_a_complete_hint_is_accepted_and_improved() -> None:
    # Hint: d1 alone at 09:00; the optimum also serves d2 (value 2).
    catalog = make_catalog(sites=[make_site("s1"), make_site("s2")])
    d1 = make_delegation("d1", requests=[{"site": "s1"}])
    d2 = make_delegation("d2", requests=[{"site": "s2", "weight": 2}])
    instance = make_instance(catalog, [d1, d2])
    hint = (PlannedVisit(0, 0, 9 * 60, presenter=0, request=0, pool=0),)
    result = plan(instance, SolveParams(time_limit=2.0, workers=1, hint=hint))
    assert (result.status, result.objective) == (Status.OPTIMAL, 3)


def test_progress_reports_value_and_bound() -> None:
    seen: list[Progress] = []
    params = SolveParams(time_limit=2.0, workers=1, progress=seen.append)
    result = plan(make_instance(), params)
    assert seen
    assert all(p.objective <= p.bound for p in seen)
    assert seen[-1].objective == result.objective == 1


def test_a_set_stop_event_still_returns_a_valid_schedule() -> None:
    stop = threading.Event()
    stop.set()
    params = SolveParams(time_limit=2.0, workers=1, stop=stop)
    result = plan(make_instance(), params)
    assert result.status in {Status.OPTIMAL, Status.FEASIBLE, Status.UNKNOWN}


# --- conflicts between requirements --------------------------------------------------------


def test_required_requests_that_cannot_both_be_served_are_named() -> None:
    site = make_site(opening_hours={"mon": ["08:00-09:00"]})
    catalog = make_catalog(
        sites=[site], presenters=[make_presenter("p1"), make_presenter("p2")]
    )
    a = make_delegation(
        "a", requests=[{"site": "s2"}, {"site": "s1", "required": True}]
    )
    b = make_delegation("b", requests=[{"site": "s1", "required": True}])
    catalog = make_catalog(
        sites=[site, make_site("s2")],
        presenters=[make_presenter("p1"), make_presenter("p2")],
    )
    result = plan_week(make_instance(catalog, [a, b]), "cpsat", PARAMS)
    assert result.status is Status.INFEASIBLE
    assert result.schedule.visits == []
    [conflict] = result.conflicts
    assert 'delegation "a" requires site s1 (request 1)' in conflict
    assert 'delegation "b" requires site s1 (request 0)' in conflict
    assert "site s1 takes 1 group(s)" in conflict


def test_conflict_names_the_presenters_when_they_are_the_limit() -> None:
    catalog = make_catalog(
        sites=[
            make_site("s1", opening_hours={"mon": ["08:00-09:00"]}),
            make_site("s2", opening_hours={"mon": ["08:00-09:00"]}),
        ],
    )
    a = make_delegation("a", requests=[{"site": "s1", "required": True}])
    b = make_delegation("b", requests=[{"site": "s2", "required": True}])
    result = plan_week(make_instance(catalog, [a, b]), "cpsat", PARAMS)
    [conflict] = result.conflicts
    assert "requires site s1 (request 0)" in conflict
    assert "requires site s2 (request 0)" in conflict
    assert "department dept has 1 presenter(s) speaking en" in conflict


def test_conflict_with_a_locked_visit_names_the_lock() -> None:
    site = make_site(opening_hours={"mon": ["10:00-11:00"]})
    catalog = make_catalog(
        sites=[site, make_site("s2")],
        presenters=[make_presenter("p1"), make_presenter("p2")],
    )
    a = make_delegation("a", requests=[{"site": "s2"}])
    b = make_delegation("b", requests=[{"site": "s1", "required": True}])
    lock = LockedVisit(delegation="a", site="s1", start=at("10:00"))
    result = plan_week(
        make_instance(catalog, [a, b], locked=[lock]), "cpsat", PARAMS
    )
    [conflict] = result.conflicts
    assert 'delegation "a" is locked at site s1 at 10:00 on day 1' in conflict
    assert 'delegation "b" requires site s1 (request 0)' in conflict


def test_a_required_request_that_never_fits_is_named_before_solving() -> None:
    d = make_delegation(requests=[{"site": "s1", "required": True}])
    catalog = make_catalog(sites=[make_site(capacity=5)])
    result = plan_week(make_instance(catalog, [d]), "cpsat", PARAMS)
    assert result.status is Status.INFEASIBLE
    assert result.conflicts == (
        'delegation "d1" requires site s1 (request 0): it can never be '
        "served — group of 8 > capacity 5 of site s1",
    )


def test_a_lock_outside_opening_hours_cannot_be_kept() -> None:
    lock = LockedVisit(delegation="d1", site="s1", start=at("16:30"))
    result = plan_week(make_instance(locked=[lock]), "cpsat", PARAMS)
    assert result.status is Status.INFEASIBLE
    [conflict] = result.conflicts
    assert "locked at site s1 at 16:30 on day 1: it cannot be kept" in conflict
    assert "opening hours of site s1" in conflict


def test_required_requests_that_fit_are_served() -> None:
    site = make_site(opening_hours={"mon": ["08:00-09:00"]})
    low = make_delegation("low", requests=[{"site": "s1", "required": True}])
    high = make_delegation("high", priority=5)
    result = plan(make_instance(make_catalog(sites=[site]), [low, high]))
    assert [v.delegation for v in result.schedule.visits] == ["low"]
    assert result.objective == 1


# --- large weeks: neighbourhood search and bounds ------------------------------------


def three_delegations() -> Instance:
    """s1 open 08:00-09:00 only; three delegations, values 1, 2, 3."""
    catalog = make_catalog(
        sites=[
            make_site(opening_hours={"mon": ["08:00-09:00"]}),
            make_site("s2"),
        ],
        presenters=[make_presenter("p1"), make_presenter("p2")],
    )
    return make_instance(
        catalog,
        [
            make_delegation("d1", requests=[{"site": "s1"}]),
            make_delegation("d2", priority=2, requests=[{"site": "s1"}]),
            make_delegation(
                "d3", priority=3, requests=[{"site": "s1"}, {"site": "s2"}]
            ),
        ],
    )


def test_neighbourhood_search_improves_a_hint_to_the_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Hint: d1 holds s1 (value 1). Best: d3 at s1 and s2 (3 + 3).
    monkeypatch.setattr(cpsat_strategy, "LNS_FROM_VISITS", 0)
    instance = three_delegations()
    hint = (PlannedVisit(0, 0, 8 * 60, presenter=0, request=0, pool=0),)
    seen: list[Progress] = []
    params = SolveParams(
        time_limit=1.5, workers=1, hint=hint, progress=seen.append
    )
    result = plan(instance, params)
    assert result.objective == 6
    assert result.bound == 6  # the LP bound: one group in s1's one hour
    assert seen[0].objective == 1 and seen[-1].objective == 6


def test_a_big_week_starts_from_the_value_first_plan_when_it_serves_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # First come, first served gives the one slot to "early" (value 1);
    # taking valuable requests first gives it to "late" (value 5).
    site = make_site(opening_hours={"mon": ["08:00-09:00"]})
    late = make_delegation(
        "late", priority=5, arrival=dt.datetime.combine(MONDAY, dt.time(7, 30))
    )
    early = make_delegation("early")
    data = compile_instance(
        make_instance(make_catalog(sites=[site]), [late, early])
    )
    fcfs = (PlannedVisit(1, 0, 8 * 60, presenter=0, request=0, pool=0),)
    start = cpsat_strategy._start(data, SolveParams(hint=fcfs))
    assert start is not None
    assert [v.delegation for v in start] == [0]
    # A hint serving as much is the floor: it is kept.
    best = (PlannedVisit(0, 0, 8 * 60, presenter=0, request=0, pool=0),)
    assert cpsat_strategy._start(data, SolveParams(hint=best)) == best
    # Where the value-first plan gains less than VALUE_START_GAIN, the
    # hint's (first come, first served) more compact days are kept.
    monkeypatch.setattr(cpsat_strategy, "VALUE_START_GAIN", 6.0)
    assert cpsat_strategy._start(data, SolveParams(hint=fcfs)) == fcfs


def test_a_neighbourhood_respects_the_visits_kept_fixed() -> None:
    # d1 keeps s1 08:00 with p1 and a van: d2 cannot have s1 (one group),
    # nor p1 for s2 at that hour, nor a van if there is only one.
    data = compile_instance(three_delegations())
    kept = (PlannedVisit(0, 0, 8 * 60, presenter=0, request=0, pool=0),)
    built = formulation.build(data, delegations=[1, 2], fixed=kept)
    assert built.objective is not None
    built.objective.value_only(built.model)
    solver = cp_model.CpSolver()
    assert solver.solve(built.model) == cp_model.OPTIMAL
    planned = formulation.extract(data, built.vars, solver)
    assert [(v.delegation, v.site) for v in planned] == [(2, 1)]
    assert planned[0].presenter == 1 or planned[0].start >= 9 * 60


def test_bounds_alone_and_relaxed() -> None:
    data = compile_instance(three_delegations())
    caps = alone_caps(data, Clock(), budget=5.0)
    assert caps == {0: 1, 1: 2, 2: 6}
    # s1 holds one group for its one hour: value ≤ 3 (s1) + 3 (s2).
    assert relaxation_bound(data, caps) == 6
    assert relaxation_bound(data) == 6


def test_caps_fill_a_shared_dict_and_stop_when_told() -> None:
    """The search reads the caps while they are found beside it."""
    data = compile_instance(three_delegations())
    shared: dict[int, int] = {}
    assert alone_caps(data, Clock(), budget=5.0, into=shared) is shared
    assert shared == {0: 1, 1: 2, 2: 6}
    stop = threading.Event()
    stop.set()
    assert alone_caps(data, Clock(), budget=5.0, stop=stop) == {}


@pytest.mark.parametrize("lns_from", [0, 10_000])
def test_a_hint_missing_a_required_request_is_not_returned(
    monkeypatch: pytest.MonkeyPatch, lns_from: int
) -> None:
    # The hint gives the only slot to "vip" (value 5); "d1" requires it.
    monkeypatch.setattr(cpsat_strategy, "LNS_FROM_VISITS", lns_from)
    site = make_site(opening_hours={"mon": ["08:00-09:00"]})
    d1 = make_delegation("d1", requests=[{"site": "s1", "required": True}])
    vip = make_delegation("vip", priority=5)
    instance = make_instance(make_catalog(sites=[site]), [d1, vip])
    hint = (PlannedVisit(1, 0, 8 * 60, presenter=0, request=0, pool=0),)
    params = SolveParams(time_limit=1.5, workers=1, hint=hint)
    result = plan(instance, params)
    assert [v.delegation for v in result.schedule.visits] == ["d1"]
    assert result.objective == 1


def test_a_step_chooses_among_the_current_and_the_least_busy_presenters() -> (
    None
):
    # Six presenters of one department: a step keeps d1's current one (p6)
    # and the least busy others (p2, p4 and p5 host nothing); the busiest
    # (p1 with two visits, p3 with one) are left out.
    presenters = [make_presenter(f"p{i}") for i in range(1, 7)]
    sites = [make_site(f"s{i}") for i in range(1, 4)]
    instance = make_instance(
        make_catalog(sites=sites, presenters=presenters),
        [
            make_delegation(f"d{i}", requests=[{"site": "s1"}])
            for i in range(1, 5)
        ],
    )
    data = compile_instance(instance)
    mine = (PlannedVisit(0, 0, 9 * 60, presenter=5, request=0, pool=0),)
    others = (
        PlannedVisit(1, 1, 9 * 60, presenter=0, request=-1, pool=0),
        PlannedVisit(2, 2, 9 * 60, presenter=0, request=-1, pool=0),
        PlannedVisit(3, 1, 11 * 60, presenter=2, request=-1, pool=0),
    )
    chosen = lns_shortlist(data, [0], mine, others)
    assert chosen[(0, 0)] == (1, 3, 4, 5)
    built = formulation.build(
        data, delegations=[0], fixed=others, shortlist=chosen
    )
    visit = built.vars.visit(0, 0)
    assert visit is not None
    assert sorted(c.presenter for c in built.vars.choices_for(visit)) == [
        1,
        3,
        4,
        5,
    ]
