"""The tour model (``solvers/cpsat/tours.py``): one delegation, days alike.

Per hard-constraint family, as in test_cpsat_constraints: a tiny tour-like
week where the rule binds, solved to a proven optimum that the independent
judge (``scheduler.check``) accepts; and the same week with the family's
``add_<family>`` a no-op, where the claimed value or the judge shows the
rule broken. Then: the model is chosen only where it applies, and on small
random tour-like weeks it finds the week model's proven optimum.

Tour-like here: no lunch, sites without presenters, one delegation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.build import Result
from scheduler.check import served_value, violations
from scheduler.compile import compile_instance
from scheduler.model import (
    Instance,
    Schedule,
    Site,
    TravelEntry,
    TravelSettings,
)
from scheduler.problem import SolveParams, Status
from solvers import solve
from solvers.cpsat import tours as tour_model
from solvers.pyvrp_warm_start import RoutingModel
from tests.factories import (
    MONDAY,
    make_catalog,
    make_delegation,
    make_instance,
    make_site,
)
from tests.solvers import test_cpsat_constraints as constraints
from tests.strategies import SPOTS
from visits.planning import plan_week

PARAMS = SolveParams(time_limit=5.0, workers=1, seed=0)
NO_LUNCH = {"window": "12:00-14:00", "minutes": 0}


def site(id: str, **kw: Any) -> Site:
    return make_site(id, presenter_required=False, **kw)


def touring(
    sites: list[Site],
    requests: list[dict[str, Any]],
    *,
    days: int = 1,
    travel: TravelSettings | None = None,
    **kw: Any,
) -> Instance:
    """One delegation, no lunch, on ``days`` alike weekdays from Monday."""
    d = make_delegation(
        requests=requests,
        lunch=NO_LUNCH,
        departure=dt.datetime.combine(
            MONDAY + dt.timedelta(days=days - 1), dt.time(20)
        ),
        **kw,
    )
    catalog = make_catalog(sites=sites, presenters=[], travel=travel)
    return make_instance(catalog, [d], days=days)


def uses_tour_model(instance: Instance) -> bool:
    solution = solve(compile_instance(instance), "cpsat", PARAMS)
    return solution.stats.get("tour_model") == 1.0


def plan(instance: Instance) -> Result:
    """The tour model's schedule, judged: valid, value recomputed, optimal."""
    assert uses_tour_model(instance)
    result = plan_week(instance, "cpsat", PARAMS)
    assert result.status is Status.OPTIMAL
    assert violations(instance, result.schedule) == []
    assert result.objective == served_value(instance, result.schedule)
    return result


def without(
    monkeypatch: pytest.MonkeyPatch, family: str, instance: Instance
) -> tuple[Schedule, set[int]]:
    return constraints.without(
        monkeypatch, family, instance, model=tour_model, params=PARAMS
    )


def test_every_family_has_a_switch() -> None:
    assert set(tour_model.FAMILIES) == {
        "sites_once",
        "tours",
        "days",
        "travel",
        "day_limits",
        "requests",
    }
    for family in tour_model.FAMILIES:
        assert callable(getattr(tour_model, f"add_{family}"))


# --- tours and days: one tour a day, from the lodging and back ------------------


def three_early_sites() -> Instance:
    """Three sites open 08:00-09:00 only (60-min visits): one a day, and
    the delegation stays two days."""
    hours = {"mon": ["08:00-09:00"], "tue": ["08:00-09:00"]}
    return touring(
        [site(i, opening_hours=hours) for i in ("s1", "s2", "s3")],
        [{"site": "s1"}, {"site": "s2", "weight": 2}, {"site": "s3"}],
        days=2,
    )


def test_tours_one_visit_in_each_early_hour() -> None:
    result = plan(three_early_sites())
    assert result.objective == 3
    assert sorted(v.start.day for v in result.schedule.visits) == [23, 24]


def one_site_two_requests() -> Instance:
    """s1 is the only urbanism site; both requests can only use it."""
    return touring(
        [site("s1")], [{"site": "s1"}, {"topic": "urbanism", "weight": 2}]
    )


@pytest.mark.parametrize(
    ("family", "instance", "claimed"),
    [
        ("tours", three_early_sites, 4),  # visits float free of tours
        ("days", three_early_sites, 4),  # a third tour has no day
        ("requests", one_site_two_requests, 3),  # one visit serves two
    ],
)
def test_without_family_the_claim_exceeds_what_is_served(
    monkeypatch: pytest.MonkeyPatch,
    family: str,
    instance: Callable[[], Instance],
    claimed: int,
) -> None:
    week = instance()
    schedule, _ = without(monkeypatch, family, week)
    assert schedule.solver.objective == claimed
    assert served_value(week, schedule) < claimed


# --- travel --------------------------------------------------------------------


def three_sites_twenty_minutes_apart() -> Instance:
    """s1 starts 08:00, s2 09:00-09:30, s3 10:00-10:30 (60-min visits),
    20 min apart: any two fit one after the other, all three do not (s2
    at 09:30 ends 10:30, too late for s3)."""
    s1 = site("s1", opening_hours={"mon": ["08:00-09:00"]})
    s2 = site("s2", location=SPOTS[1], opening_hours={"mon": ["09:00-10:30"]})
    s3 = site("s3", location=SPOTS[2], opening_hours={"mon": ["10:00-11:30"]})
    travel = TravelSettings(
        buffer_minutes=0,
        matrix=[
            TravelEntry(origin=a, to=b, minutes=20)
            for a, b in (("s1", "s2"), ("s2", "s3"), ("s1", "s3"))
        ],
    )
    return touring(
        [s1, s2, s3],
        [{"site": "s1"}, {"site": "s2"}, {"site": "s3"}],
        travel=travel,
        day_window="07:00-18:00",
    )


def test_travel_leaves_time_to_travel() -> None:
    result = plan(three_sites_twenty_minutes_apart())
    assert result.objective == 2


# --- visits a day ----------------------------------------------------------------


def one_visit_a_day() -> Instance:
    return touring(
        [site("s1"), site("s2")],
        [{"site": "s1"}, {"site": "s2", "weight": 3}],
        max_visits_per_day=1,
    )


def test_day_limits_cap_visits_a_day() -> None:
    result = plan(one_visit_a_day())
    assert result.objective == 3
    assert [v.site for v in result.schedule.visits] == ["s2"]


# --- requests and sites once -------------------------------------------------------


def test_requests_one_visit_serves_one_request() -> None:
    result = plan(one_site_two_requests())
    assert result.objective == 2
    assert [v.request for v in result.schedule.visits] == [1]


def one_site_open_twice() -> Instance:
    """s1 opens 08:00-09:00 and 15:00-16:00 (two start ranges, two nodes
    of the model) on two days; two requests can only use it."""
    hours = ["08:00-09:00", "15:00-16:00"]
    s1 = site("s1", opening_hours={"mon": hours, "tue": hours})
    return touring(
        [s1], [{"site": "s1"}, {"topic": "urbanism", "weight": 2}], days=2
    )


def test_sites_once_one_visit_in_two_openings() -> None:
    result = plan(one_site_open_twice())
    assert result.objective == 2
    assert len(result.schedule.visits) == 1


@pytest.mark.parametrize(
    ("family", "instance", "claimed", "rule", "visits"),
    [
        # The delegation teleports between the three sites.
        ("travel", three_sites_twenty_minutes_apart, 3, 2, None),
        ("day_limits", one_visit_a_day, 4, 4, None),  # two visits a day
        ("sites_once", one_site_open_twice, 3, 4, 2),  # s1 visited twice
    ],
)
def test_without_family_the_judge_finds_the_rule_broken(
    monkeypatch: pytest.MonkeyPatch,
    family: str,
    instance: Callable[[], Instance],
    claimed: int,
    rule: int,
    visits: int | None,
) -> None:
    schedule, broken = without(monkeypatch, family, instance())
    assert schedule.solver.objective == claimed
    assert rule in broken
    if visits is not None:
        assert len(schedule.visits) == visits


def test_a_required_request_is_served_at_a_cost() -> None:
    """Required s1 (value 1) shuts out s2 (value 3): both 08:00-09:00."""
    hours = {"mon": ["08:00-09:00"]}
    instance = touring(
        [site("s1", opening_hours=hours), site("s2", opening_hours=hours)],
        [{"site": "s1", "required": True}, {"site": "s2", "weight": 3}],
    )
    result = plan(instance)
    assert result.objective == 1
    assert [v.site for v in result.schedule.visits] == ["s1"]


# --- where it applies --------------------------------------------------------------


def test_days_that_differ_keep_the_week_model() -> None:
    """s1 opens Monday only: the days are not alike."""
    instance = touring(
        [site("s1", opening_hours={"mon": ["08:00-17:00"]}), site("s2")],
        [{"site": "s1"}, {"site": "s2"}],
        days=2,
    )
    routing = RoutingModel.build(compile_instance(instance))
    assert tour_model.unfit(compile_instance(instance), routing) is not None
    assert not uses_tour_model(instance)
    assert uses_tour_model(three_early_sites())


@st.composite
def tour_weeks(draw: st.DrawFn) -> Instance:
    """1-2 alike days, 1-5 sites on three spots, no presenters or lunch."""
    days = draw(st.integers(1, 2))
    hours = draw(
        st.sampled_from(
            (["08:00-17:00"], ["08:00-10:00", "14:00-17:00"], ["09:00-12:00"])
        )
    )
    n = draw(st.integers(1, 5))
    sites = [
        site(
            f"s{i}",
            location=draw(st.sampled_from(SPOTS)),
            visit_minutes=draw(st.sampled_from((60, 90, 120))),
            opening_hours={day: hours for day in ("mon", "tue")},
            topics=[draw(st.sampled_from(("urbanism", "mobility")))],
        )
        for i in range(n)
    ]
    requests = draw(
        st.lists(
            st.one_of(
                st.builds(
                    lambda s, w: {"site": s, "weight": w},
                    st.sampled_from([s.id for s in sites]),
                    st.integers(1, 3),
                ),
                st.builds(
                    lambda t, w: {"topic": t, "weight": w},
                    st.sampled_from(sorted({s.topics[0] for s in sites})),
                    st.integers(1, 3),
                ),
            ),
            min_size=1,
            max_size=5,
        )
    )
    return touring(
        sites,
        requests,
        days=days,
        travel=TravelSettings(buffer_minutes=draw(st.sampled_from((0, 10)))),
        day_window=draw(st.sampled_from(("08:00-18:00", "09:00-13:00"))),
        max_visits_per_day=draw(st.integers(1, 3)),
        lodging=draw(st.sampled_from(SPOTS)),
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(tour_weeks())
def test_the_tour_model_finds_the_week_models_optimum(
    instance: Instance,
) -> None:
    data = compile_instance(instance)
    routing = RoutingModel.build(data)
    if not routing.sites or tour_model.unfit(data, routing) is not None:
        return
    result = plan_week(instance, "cpsat", PARAMS)
    assert violations(instance, result.schedule) == []
    assert result.objective == served_value(instance, result.schedule)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tour_model, "unfit", lambda *args: "test: week model")
        by_week = solve(data, "cpsat", PARAMS)
    assert by_week.stats.get("tour_model") == 0.0
    if result.status is Status.OPTIMAL and by_week.status is Status.OPTIMAL:
        assert result.objective == by_week.objective
