"""The independent judge: per rule, a schedule that breaks it and one that
just holds (boundary minutes, travel exactly enough, capacity exactly full).

Schedules are written by hand; the default instance (tests/factories.py)
puts lodging and every site at one spot, so travel is 0 unless a test uses
``travel_instance`` (lodging 16 min from each site, s1↔s2 30 min).
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.check import Violation, served_value, violations
from scheduler.model import (
    DateTimeRange,
    Delegation,
    Department,
    Instance,
    LockedVisit,
    Schedule,
    SolverInfo,
    TravelEntry,
    TravelSettings,
    VehiclePool,
    Visit,
    visit_id,
)
from scheduler.travel import TravelTimes
from tests.factories import (
    MONDAY,
    at,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)
from tests.paths import REPO
from visits.cli import main

# --- helpers -----------------------------------------------------------------


def visit(
    site: str = "s1",
    start: str = "10:00",
    *,
    d: str = "d1",
    minutes: int = 60,
    presenter: str | None = "p1",
    request: int | None = None,
    travel: int = 0,
    pool: str | None = "van",
    day: int = 0,
    id: str | None = None,
) -> Visit:
    begin = at(start, day)
    return Visit(
        id=id or visit_id(d, site),
        delegation=d,
        site=site,
        presenter=presenter,
        start=begin,
        end=begin + dt.timedelta(minutes=minutes),
        request=request,
        travel_minutes_before=travel,
        vehicle_pool=pool,
    )


def plan(*visits: Visit, objective: float | None = None) -> Schedule:
    return Schedule(
        instance="test",
        solver=SolverInfo(name="hand", status="FEASIBLE", objective=objective),
        visits=list(visits),
    )


def assert_valid(instance: Instance, *visits: Visit) -> None:
    found = violations(instance, plan(*visits))
    assert found == [], "\n".join(map(str, found))


def assert_breaks(
    instance: Instance,
    *visits: Visit,
    rule: int,
    vid: str | None,
    text: str = "",
    only: bool = True,
) -> list[Violation]:
    """Some violation of ``rule`` names ``vid``; with ``only``, no other rule."""
    found = violations(instance, plan(*visits))
    hits = [
        v
        for v in found
        if v.rule == rule
        and (vid is None or vid in v.visit_ids)
        and text in v.detail
    ]
    assert hits, "\n".join(map(str, found)) or "no violation"
    if only:
        assert {v.rule for v in found} == {rule}, "\n".join(map(str, found))
    return hits


LODGING = {"lat": 6.2501, "lon": -75.57}
TRAVEL = TravelSettings(
    detour_factor=1.0,
    speed_kmh=60.0,
    buffer_minutes=15,
    matrix=[
        TravelEntry.model_validate({"from": "s1", "to": "s2", "minutes": 15})
    ],
)


def travel_instance(
    delegations: list[Delegation] | None = None,
    slot: int = 1,
    **site_kw: object,
) -> Instance:
    """Lodging ↔ s1 or s2: 0.0111 or 0.0222 km at 60 km/h → 1 min + 15
    buffer = 16; s1 ↔ s2: matrix 15 + 15 buffer = 30. One-minute grid.
    """
    sites = [
        make_site("s1", **site_kw),
        make_site("s2", location={"lat": 6.2499, "lon": -75.57}, **site_kw),
    ]
    return make_instance(
        make_catalog(sites=sites, travel=TRAVEL),
        delegations or [make_delegation(lodging=LODGING)],
        slot=slot,
    )


def test_travel_instance_has_the_hand_computed_times() -> None:
    inst = travel_instance()
    times = TravelTimes(inst.catalog.travel)
    d = inst.delegations[0]
    s1, s2 = inst.catalog.sites
    assert times.minutes("lodging:d1", d.lodging, "s1", s1.location) == 16
    assert times.minutes("s2", s2.location, "lodging:d1", d.lodging) == 16
    assert times.minutes("s1", s1.location, "s2", s2.location) == 30


# --- rule 1: opening hours, stay, day window, horizon, grid -----------------


def test_visit_starts_before_site_opens() -> None:
    inst = make_instance(
        delegations=[make_delegation(day_window="07:00-18:00")]
    )
    assert_valid(inst, visit(start="08:00"))
    hits = assert_breaks(inst, visit(start="07:45"), rule=1, vid="d1--s1")
    assert hits[0].detail == (
        "d1--s1 starts 07:45, before Site s1 opens at 08:00 on Mon 2026-11-23"
    )


def test_visit_ends_exactly_at_closing() -> None:
    inst = make_instance()
    assert_valid(inst, visit(start="16:00"))
    assert_breaks(
        inst,
        visit(start="16:15"),
        rule=1,
        vid="d1--s1",
        text="closes at 17:00",
    )


def test_visit_on_a_closed_date() -> None:
    closed = make_instance(
        make_catalog(sites=[make_site(closed=[MONDAY])]),
    )
    open_ = make_instance(
        make_catalog(
            sites=[make_site(closed=[MONDAY + dt.timedelta(days=1)])]
        ),
    )
    assert_valid(open_, visit())
    assert_breaks(closed, visit(), rule=1, vid="d1--s1", text="closed on")


def test_visit_lies_inside_one_opening_range() -> None:
    split = {"mon": ["08:00-12:00", "13:00-17:00"]}
    inst = make_instance(make_catalog(sites=[make_site(opening_hours=split)]))
    assert_valid(inst, visit(start="11:00"))
    assert_breaks(inst, visit(start="11:30"), rule=1, vid="d1--s1")


def test_visit_on_a_day_the_site_does_not_open() -> None:
    inst = make_instance(
        make_catalog(sites=[make_site(opening_hours={"tue": ["08:00-17:00"]})])
    )
    assert_breaks(inst, visit(), rule=1, vid="d1--s1", text="does not open")


def test_visit_before_arrival() -> None:
    d = make_delegation(arrival=dt.datetime.combine(MONDAY, dt.time(10, 0)))
    inst = make_instance(delegations=[d])
    assert_valid(inst, visit(start="10:00"))
    # leaving lodging at 09:45 also breaks rule 2
    assert_breaks(
        inst,
        visit(start="09:45"),
        rule=1,
        vid="d1--s1",
        text="arrives",
        only=False,
    )


def test_visit_after_departure() -> None:
    d = make_delegation(departure=dt.datetime.combine(MONDAY, dt.time(15, 0)))
    inst = make_instance(delegations=[d])
    assert_valid(inst, visit(start="14:00"))
    assert_breaks(
        inst,
        visit(start="14:15"),
        rule=1,
        vid="d1--s1",
        text="departs",
        only=False,
    )


def test_visit_inside_the_day_window() -> None:
    inst = make_instance(
        make_catalog(sites=[make_site("s1"), make_site("s2")]),
        [make_delegation(day_window="09:00-16:00")],
    )
    assert_valid(inst, visit("s1", "09:00"), visit("s2", "15:00"))
    assert_breaks(
        inst,
        visit(start="08:45"),
        rule=1,
        vid="d1--s1",
        text="day window opens at 09:00",
        only=False,  # leaving lodging at 08:45 also breaks rule 2
    )
    assert_breaks(
        inst,
        visit(start="15:15"),
        rule=1,
        vid="d1--s1",
        text="day window closes at 16:00",
        only=False,
    )


def test_visit_inside_the_horizon() -> None:
    tuesday = dt.datetime.combine(MONDAY, dt.time(20, 0)) + dt.timedelta(
        days=1
    )
    d = make_delegation(departure=tuesday)
    one_day = make_instance(delegations=[d], days=1)
    two_days = make_instance(delegations=[d], days=2)
    assert_valid(two_days, visit(day=1))
    assert_breaks(
        one_day, visit(day=1), rule=1, vid="d1--s1", text="outside the week"
    )


def test_visit_lasts_the_site_visit_minutes() -> None:
    inst = make_instance()
    assert_valid(inst, visit(minutes=60))
    assert_breaks(
        inst, visit(minutes=45), rule=1, vid="d1--s1", text="lasts 60 min"
    )


def test_visit_starts_on_the_slot_grid() -> None:
    inst = make_instance()
    assert_valid(inst, visit(start="10:15"))
    assert_breaks(
        inst, visit(start="10:05"), rule=1, vid="d1--s1", text="grid"
    )


def test_locked_visit_may_start_off_the_grid() -> None:
    lock = LockedVisit(delegation="d1", site="s1", start=at("10:05"))
    inst = make_instance(locked=[lock])
    assert_valid(inst, visit(start="10:05"))


def test_unknown_delegation_and_site() -> None:
    inst = make_instance()
    assert_breaks(
        inst, visit(d="nobody"), rule=1, vid="nobody--s1", only=False
    )
    assert_breaks(inst, visit("nowhere"), rule=1, vid="d1--nowhere")


# --- rule 2: one place at a time, travel, leaving and returning -------------


def test_travel_between_sites_exactly_enough() -> None:
    inst = travel_instance()
    first = visit("s1", "09:00", travel=16)
    assert_valid(inst, first, visit("s2", "10:30", travel=30))
    hits = assert_breaks(
        inst, first, visit("s2", "10:29", travel=30), rule=2, vid="d1--s2"
    )
    assert hits[0].visit_ids == ("d1--s1", "d1--s2")
    assert "needs 30 min" in hits[0].detail


def test_two_visits_at_once() -> None:
    inst = make_instance(
        make_catalog(sites=[make_site("s1"), make_site("s2")])
    )
    assert_valid(inst, visit("s1", "09:00"), visit("s2", "10:00"))
    assert_breaks(
        inst,
        visit("s1", "09:00"),
        visit("s2", "09:45"),
        rule=2,
        vid="d1--s2",
        text="overlap",
        only=False,  # p1 presents both at once too (rule 6)
    )


def test_leaving_lodging_inside_the_day_window() -> None:
    inst = travel_instance()
    assert_valid(inst, visit("s1", "08:16", travel=16))
    assert_breaks(
        inst,
        visit("s1", "08:15", travel=16),
        rule=2,
        vid="d1--s1",
        text="leave its lodging at Mon 2026-11-23 07:59",
    )


def test_leaving_lodging_after_arrival() -> None:
    d = make_delegation(
        lodging=LODGING, arrival=dt.datetime.combine(MONDAY, dt.time(10, 0))
    )
    inst = travel_instance([d])
    assert_valid(inst, visit("s1", "10:16", travel=16))
    assert_breaks(
        inst,
        visit("s1", "10:15", travel=16),
        rule=2,
        vid="d1--s1",
        text="arrives",
    )


def test_back_at_lodging_inside_the_day_window() -> None:
    d = make_delegation(lodging=LODGING, day_window="08:00-17:00")
    inst = travel_instance([d])
    assert_valid(inst, visit("s1", "15:44", travel=16))
    assert_breaks(
        inst,
        visit("s1", "15:45", travel=16),
        rule=2,
        vid="d1--s1",
        text="17:01",
    )


def test_back_at_lodging_before_departure() -> None:
    d = make_delegation(
        lodging=LODGING, departure=dt.datetime.combine(MONDAY, dt.time(15, 0))
    )
    inst = travel_instance([d])
    assert_valid(inst, visit("s1", "13:44", travel=16))
    assert_breaks(
        inst,
        visit("s1", "13:45", travel=16),
        rule=2,
        vid="d1--s1",
        text="departs",
    )


def test_recorded_travel_minutes_match_the_trip() -> None:
    inst = travel_instance()
    assert_breaks(
        inst,
        visit("s1", "09:00", travel=0),
        rule=2,
        vid="d1--s1",
        text="takes 16",
    )
    assert_breaks(
        inst,
        visit("s1", "09:00", travel=16),
        visit("s2", "10:30", travel=15),
        rule=2,
        vid="d1--s2",
        text="takes 30",
    )


# --- rule 3: lunch -----------------------------------------------------------


def test_lunch_between_visits_with_travel_exactly_fitting() -> None:
    inst = travel_instance()
    first = visit("s1", "11:00", travel=16)
    # gap 12:00-13:30 = 30 min travel + 60 min lunch
    assert_valid(inst, first, visit("s2", "13:30", travel=30))
    assert_breaks(
        inst,
        first,
        visit("s2", "13:29", travel=30),
        rule=3,
        vid="d1--s2",
        text="no 60-minute lunch",
    )


def test_lunch_before_the_first_visit() -> None:
    d = make_delegation(lodging=LODGING, lunch={"window": "12:00-13:00"})
    inst = travel_instance([d])
    # lunch 12:00-13:00, then 16 min to s1
    assert_valid(inst, visit("s1", "13:16", travel=16))
    assert_breaks(inst, visit("s1", "13:15", travel=16), rule=3, vid="d1--s1")


def test_lunch_after_the_last_visit() -> None:
    d = make_delegation(lodging=LODGING, lunch={"window": "12:00-13:00"})
    inst = travel_instance([d])
    # back at lodging 12:00, lunch 12:00-13:00
    assert_valid(inst, visit("s1", "10:44", travel=16))
    assert_breaks(inst, visit("s1", "10:45", travel=16), rule=3, vid="d1--s1")


def test_visit_over_the_whole_lunch_window() -> None:
    d = make_delegation(lunch={"window": "12:00-13:00"})
    inst = make_instance(delegations=[d])
    assert_valid(inst, visit(start="13:00"))
    assert_breaks(inst, visit(start="12:15"), rule=3, vid="d1--s1")


def test_no_lunch_needed_when_minutes_are_zero() -> None:
    d = make_delegation(lunch={"window": "12:00-13:00", "minutes": 0})
    assert_valid(make_instance(delegations=[d]), visit(start="12:00"))


# --- rule 4: visits a day, one visit per site ---------------------------------


def three_sites() -> Instance:
    sites = [make_site("s1"), make_site("s2"), make_site("s3")]
    return make_instance(
        make_catalog(sites=sites),
        [make_delegation(max_visits_per_day=2)],
    )


def test_max_visits_per_day_exactly_reached() -> None:
    inst = three_sites()
    assert_valid(inst, visit("s1", "09:00"), visit("s2", "10:00"))
    hits = assert_breaks(
        inst,
        visit("s1", "09:00"),
        visit("s2", "10:00"),
        visit("s3", "11:00"),
        rule=4,
        vid="d1--s3",
    )
    assert "3 visits" in hits[0].detail


def test_a_site_at_most_once_per_delegation() -> None:
    two_days = make_instance(
        delegations=[
            make_delegation(
                departure=dt.datetime.combine(MONDAY, dt.time(20, 0))
                + dt.timedelta(days=1)
            )
        ],
        days=2,
    )
    assert_valid(two_days, visit("s1", "09:00"))
    assert_breaks(
        two_days,
        visit("s1", "09:00"),
        visit("s1", "09:00", day=1),
        rule=4,
        vid="d1--s1",
        text="2 times",
    )


def test_visit_id_is_delegation_and_site() -> None:
    assert_breaks(make_instance(), visit(id="v7"), rule=4, vid="v7")


# --- rule 5: site capacity and groups ------------------------------------------


def shared_site(sizes: list[int], capacity: int, max_groups: int) -> Instance:
    names = [f"d{i + 1}" for i in range(len(sizes))]
    return make_instance(
        make_catalog(
            sites=[make_site(capacity=capacity, max_groups=max_groups)],
            presenters=[
                make_presenter(f"p{i + 1}") for i in range(len(sizes))
            ],
        ),
        [
            make_delegation(n, size=size)
            for n, size in zip(names, sizes, strict=True)
        ],
    )


def together(n: int) -> list[Visit]:
    return [visit(d=f"d{i + 1}", presenter=f"p{i + 1}") for i in range(n)]


def test_site_capacity_exactly_full() -> None:
    assert_valid(shared_site([12, 8], capacity=20, max_groups=2), *together(2))
    hits = assert_breaks(
        shared_site([12, 9], capacity=20, max_groups=2),
        *together(2),
        rule=5,
        vid="d2--s1",
    )
    assert "21 people" in hits[0].detail


def test_max_groups_exactly_reached() -> None:
    assert_valid(shared_site([5, 5], capacity=40, max_groups=2), *together(2))
    hits = assert_breaks(
        shared_site([5, 5, 5], capacity=40, max_groups=2),
        *together(3),
        rule=5,
        vid="d3--s1",
    )
    assert set(hits[0].visit_ids) == {"d1--s1", "d2--s1", "d3--s1"}


def test_groups_back_to_back_at_a_site() -> None:
    inst = shared_site([5, 5], capacity=40, max_groups=1)
    first = visit(d="d1", start="09:00", presenter="p1")
    assert_valid(inst, first, visit(d="d2", start="10:00", presenter="p2"))
    assert_breaks(
        inst,
        first,
        visit(d="d2", start="09:45", presenter="p2"),
        rule=5,
        vid="d2--s1",
    )


# --- rule 6: presenters -----------------------------------------------------


def test_presenter_required_or_self_guided() -> None:
    assert_breaks(make_instance(), visit(presenter=None), rule=6, vid="d1--s1")
    guided = make_catalog(sites=[make_site(presenter_required=False)])
    assert_valid(make_instance(guided), visit(presenter=None))


def test_unknown_presenter() -> None:
    assert_breaks(make_instance(), visit(presenter="px"), rule=6, vid="d1--s1")


def test_presenter_of_the_sites_department() -> None:
    catalog = make_catalog(
        departments=[
            Department(id="dept", name="Metro"),
            Department(id="other", name="EPM"),
        ],
        presenters=[
            make_presenter("p1"),
            make_presenter("p2", department="other"),
        ],
    )
    inst = make_instance(catalog)
    assert_valid(inst, visit(presenter="p1"))
    assert_breaks(
        inst, visit(presenter="p2"), rule=6, vid="d1--s1", text="EPM"
    )


def test_presenter_speaks_a_delegation_language() -> None:
    catalog = make_catalog(
        presenters=[
            make_presenter("p1"),
            make_presenter("p2", languages=["ko"]),
        ]
    )
    inst = make_instance(catalog, [make_delegation(languages=["ko"])])
    assert_valid(inst, visit(presenter="p2"))
    assert_breaks(
        inst, visit(presenter="p1"), rule=6, vid="d1--s1", text="speaks"
    )


def test_presenter_weekly_availability() -> None:
    catalog = make_catalog(
        presenters=[make_presenter(availability={"mon": ["09:00-12:00"]})]
    )
    inst = make_instance(catalog)
    assert_valid(inst, visit(start="11:00"))
    assert_breaks(
        inst, visit(start="11:15"), rule=6, vid="d1--s1", text="not available"
    )


def test_presenter_availability_ranges_that_touch_join() -> None:
    hours = {"mon": ["09:00-10:30", "10:30-12:00"]}
    catalog = make_catalog(presenters=[make_presenter(availability=hours)])
    assert_valid(make_instance(catalog), visit(start="10:00"))


def test_presenter_unavailable_range() -> None:
    off = DateTimeRange(start=at("10:00"), end=at("11:00"))
    catalog = make_catalog(presenters=[make_presenter(unavailable=[off])])
    inst = make_instance(catalog)
    assert_valid(inst, visit(start="11:00"))
    assert_valid(inst, visit(start="09:00"))
    assert_breaks(
        inst, visit(start="10:45"), rule=6, vid="d1--s1", text="unavailable"
    )


def two_groups_two_sites(**presenter_kw: object) -> Instance:
    return make_instance(
        make_catalog(
            sites=[make_site("s1"), make_site("s2"), make_site("s3")],
            presenters=[make_presenter("p1", **presenter_kw)],
        ),
        [make_delegation("d1"), make_delegation("d2"), make_delegation("d3")],
    )


def test_presenter_back_to_back_at_two_sites() -> None:
    inst = two_groups_two_sites()
    first = visit("s1", "09:00", d="d1")
    assert_valid(inst, first, visit("s2", "10:00", d="d2"))
    hits = assert_breaks(
        inst, first, visit("s2", "09:30", d="d2"), rule=6, vid="d2--s2"
    )
    assert set(hits[0].visit_ids) == {"d1--s1", "d2--s2"}


def test_presenter_max_visits_per_day_exactly_reached() -> None:
    inst = two_groups_two_sites(max_visits_per_day=2)
    two = [visit("s1", "09:00", d="d1"), visit("s2", "10:00", d="d2")]
    assert_valid(inst, *two)
    assert_breaks(
        inst,
        *two,
        visit("s3", "11:00", d="d3"),
        rule=6,
        vid="d3--s3",
        text="3 visits",
    )


# --- rule 7: accessibility -------------------------------------------------


def test_accessible_only_delegation() -> None:
    d = make_delegation(accessible_only=True)
    yes = make_instance(make_catalog(sites=[make_site(accessible=True)]), [d])
    no = make_instance(make_catalog(sites=[make_site(accessible=False)]), [d])
    assert_valid(yes, visit())
    assert_breaks(no, visit(), rule=7, vid="d1--s1")


# --- rule 8: vehicles ---------------------------------------------------------


def test_every_day_out_has_one_known_pool() -> None:
    inst = make_instance(
        make_catalog(
            sites=[make_site("s1"), make_site("s2")],
            vehicles=[
                VehiclePool(id="van", seats=15, count=2),
                VehiclePool(id="bus", seats=40, count=1),
            ],
        )
    )
    assert_valid(inst, visit("s1", "09:00"), visit("s2", "10:00"))
    assert_breaks(
        inst, visit(pool=None), rule=8, vid="d1--s1", text="no vehicle"
    )
    assert_breaks(
        inst, visit(pool="truck"), rule=8, vid="d1--s1", text="truck"
    )
    assert_breaks(
        inst,
        visit("s1", "09:00", pool="van"),
        visit("s2", "10:00", pool="bus"),
        rule=8,
        vid="d1--s2",
        text="one pool",
    )


def fleet(sizes: list[int], count: int, seats: int = 10) -> Instance:
    names = [f"d{i + 1}" for i in range(len(sizes))]
    return make_instance(
        make_catalog(
            sites=[make_site(f"s{i + 1}") for i in range(len(sizes))],
            presenters=[
                make_presenter(f"p{i + 1}") for i in range(len(sizes))
            ],
            vehicles=[VehiclePool(id="van", seats=seats, count=count)],
        ),
        [
            make_delegation(n, size=s)
            for n, s in zip(names, sizes, strict=True)
        ],
    )


def test_vehicles_exactly_count() -> None:
    # d1: ceil(20/10) = 2 vans, d2: ceil(10/10) = 1 → 3 of 3
    both = [
        visit("s1", d="d1", presenter="p1"),
        visit("s2", d="d2", presenter="p2"),
    ]
    assert_valid(fleet([20, 10], count=3), *both)
    hits = assert_breaks(fleet([20, 11], count=3), *both, rule=8, vid="d2--s2")
    assert "4 vehicles" in hits[0].detail


def test_vehicle_busy_while_travelling() -> None:
    """One van: d1 is out [09:00, 10:32) with travel; d2 leaves 10:32."""
    inst = travel_instance(
        [
            make_delegation("d1", lodging=LODGING),
            make_delegation("d2", lodging=LODGING),
        ]
    )
    inst = inst.model_copy(
        update={
            "catalog": inst.catalog.model_copy(
                update={"vehicles": [VehiclePool(id="van", seats=15, count=1)]}
            )
        }
    )
    first = visit("s1", "09:16", d="d1", travel=16)
    assert_valid(inst, first, visit("s1", "10:48", d="d2", travel=16))
    assert_breaks(
        inst,
        first,
        visit("s1", "10:47", d="d2", travel=16),
        rule=8,
        vid="d2--s1",
    )


# --- rule 9: locked visits, requests ---------------------------------------------


def test_locked_visit_kept_exactly() -> None:
    catalog = make_catalog(
        presenters=[make_presenter("p1"), make_presenter("p2")]
    )
    lock = LockedVisit(
        delegation="d1", site="s1", start=at("10:00"), presenter="p2"
    )
    inst = make_instance(catalog, locked=[lock])
    assert_valid(inst, visit(presenter="p2"))
    assert_breaks(inst, rule=9, vid="d1--s1", text="missing")
    assert_breaks(
        inst,
        visit(start="10:15", presenter="p2"),
        rule=9,
        vid="d1--s1",
        text="locked at",
    )
    assert_breaks(inst, visit(presenter="p1"), rule=9, vid="d1--s1", text="p2")


def test_required_request_served() -> None:
    d = make_delegation(requests=[{"site": "s1", "required": True}])
    inst = make_instance(delegations=[d])
    assert_valid(inst, visit(request=0))
    assert_breaks(
        inst, visit(request=None), rule=9, vid=None, text="required request 0"
    )


def test_request_index_exists() -> None:
    assert_breaks(make_instance(), visit(request=1), rule=9, vid="d1--s1")


def test_visit_serves_the_request_it_claims() -> None:
    sites = [make_site("s1"), make_site("s2", topics=["innovation"])]
    d = make_delegation(requests=[{"site": "s1"}, {"topic": "innovation"}])
    inst = make_instance(make_catalog(sites=sites), [d])
    assert_valid(
        inst, visit("s1", "09:00", request=0), visit("s2", "10:00", request=1)
    )
    assert_breaks(
        inst, visit("s2", request=0), rule=9, vid="d1--s2", text="site s1"
    )
    assert_breaks(
        inst, visit("s1", request=1), rule=9, vid="d1--s1", text="no topic"
    )


def test_a_request_is_served_by_one_visit() -> None:
    sites = [make_site("s1"), make_site("s2")]  # both have topic urbanism
    d = make_delegation(requests=[{"topic": "urbanism"}])
    inst = make_instance(make_catalog(sites=sites), [d])
    assert_valid(inst, visit("s1", "09:00", request=0), visit("s2", "10:00"))
    hits = assert_breaks(
        inst,
        visit("s1", "09:00", request=0),
        visit("s2", "10:00", request=0),
        rule=9,
        vid="d1--s2",
    )
    assert hits[0].visit_ids == ("d1--s1", "d1--s2")


# --- the independent objective --------------------------------------------------


def test_served_value_counts_each_valid_request_once() -> None:
    sites = [make_site("s1"), make_site("s2"), make_site("s3", topics=["x"])]
    d = make_delegation(
        priority=2,
        requests=[
            {"topic": "urbanism", "weight": 3},
            {"site": "s3", "weight": 1},
        ],
    )
    inst = make_instance(make_catalog(sites=sites), [d])
    both = plan(
        visit("s1", "09:00", request=0), visit("s3", "10:00", request=1)
    )
    assert served_value(inst, both) == 3 * 2 + 1 * 2
    twice = plan(
        visit("s1", "09:00", request=0), visit("s2", "10:00", request=0)
    )
    assert served_value(inst, twice) == 6
    wrong = plan(visit("s1", "09:00", request=1))  # s1 is not s3
    assert served_value(inst, wrong) == 0


# --- the command -------------------------------------------------------------


def write_instance(tmp_path: Path, instance: Instance) -> Path:
    catalog = instance.catalog.model_dump(mode="json", by_alias=True)
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    week = instance.model_dump(mode="json", by_alias=True, exclude={"catalog"})
    week["catalog"] = "catalog.json"
    path = tmp_path / "week.json"
    path.write_text(json.dumps(week))
    return path


def run_check(tmp_path: Path, schedule: Schedule | str) -> tuple[int, str]:
    week = write_instance(tmp_path, make_instance())
    path = tmp_path / "schedule.json"
    text = (
        schedule if isinstance(schedule, str) else schedule.model_dump_json()
    )
    path.write_text(text)
    result = CliRunner().invoke(main, ["check", str(week), str(path)])
    return result.exit_code, result.output


def test_cli_accepts_a_valid_schedule(tmp_path: Path) -> None:
    code, out = run_check(tmp_path, plan(visit(request=0), objective=1))
    assert code == 0, out
    assert "valid" in out
    assert "served value" in out
    assert "warning" not in out


def test_cli_exits_1_on_a_violation(tmp_path: Path) -> None:
    code, out = run_check(tmp_path, plan(visit(start="07:45")))
    assert code == 1
    assert "rule 1 [d1--s1]: d1--s1 starts 07:45" in out


def test_cli_warns_when_the_objective_differs(tmp_path: Path) -> None:
    code, out = run_check(tmp_path, plan(visit(request=0), objective=5))
    assert code == 0
    assert "recomputed from the visits is 1" in out


@pytest.mark.parametrize(
    "text",
    [
        "{not json",  # broken JSON
        '{"instance": "test"}',  # no solver
        "[1, 2]",  # not an object
    ],
)
def test_cli_exits_2_on_a_bad_schedule_file(tmp_path: Path, text: str) -> None:
    code, out = run_check(tmp_path, text)
    assert code == 2
    assert "schedule.json" in out


JUDGE = sorted((REPO / "scheduler" / "check").glob("*.py"))
"""The judge's modules: the package scheduler/check/."""


@pytest.mark.parametrize(
    "module",
    [*(f"scheduler/check/{p.name}" for p in JUDGE), "scheduler/kpis.py"],
)
def test_the_judge_knows_no_solver(module: str) -> None:
    """Only the model, travel, loading, errors, the reasons' table of words
    (to group reasons by kind) and each other: never the compiled
    ProblemData, the builder or a solver."""
    allowed = {
        "scheduler.explain.words",
        "scheduler.model",
        "scheduler.travel",
        "scheduler.problem.windows",
        "scheduler.loading",
        "scheduler.check",
        "scheduler.kpis",
    } | {f"scheduler.check.{p.stem}" for p in JUDGE if p.stem != "__init__"}
    tree = ast.parse((REPO / module).read_text())
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    ours = {m for m in imported if m.split(".")[0] in ("scheduler", "solvers")}
    assert ours <= allowed, ours - allowed
