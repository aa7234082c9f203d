"""KPIs on a tiny week computed by hand (figures in the comments)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from scheduler.kpis import compute_kpis, reason_category
from scheduler.model import (
    DateTimeRange,
    Department,
    Instance,
    Schedule,
    SolverInfo,
    TravelEntry,
    TravelSettings,
    Unserved,
    VehiclePool,
    Visit,
    visit_id,
)
from tests.factories import (
    MONDAY,
    at,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)

LODGING = {"lat": 6.2501, "lon": -75.57}


def week() -> Instance:
    """3 sites, 4 presenters, 2 pools, 3 delegations, one Monday.

    Travel: lodging ↔ s1 or s2 = 1 min + 15 buffer = 16; s1 ↔ s2 = 15 + 15.
    Open minutes: s1 08-17 = 540, s2 08-12 = 240, s3 closed = 0.
    """
    sites = [
        make_site("s1"),
        make_site(
            "s2",
            location={"lat": 6.2499, "lon": -75.57},
            topics=["innovation", "education"],
            visit_minutes=90,
            opening_hours={"mon": ["08:00-12:00"]},
        ),
        make_site(
            "s3", department="other", topics=["mobility"], closed=[MONDAY]
        ),
    ]
    presenters = [
        make_presenter("p1"),  # dept sites open 08-17: 540
        make_presenter(  # 09-13 minus 12-13: 180
            "p2",
            availability={"mon": ["09:00-13:00"]},
            unavailable=[DateTimeRange(start=at("12:00"), end=at("13:00"))],
        ),
        make_presenter("p3"),  # 540
        make_presenter("p4", department="other"),  # s3 closed: whole day 1440
    ]
    catalog = make_catalog(
        sites=sites,
        presenters=presenters,
        departments=[
            Department(id="dept", name="Metro"),
            Department(id="other", name="EPM"),
        ],
        vehicles=[
            VehiclePool(id="van", seats=15, count=10),
            VehiclePool(id="bus", seats=40, count=1),
        ],
        travel=TravelSettings(
            detour_factor=1.0,
            speed_kmh=60.0,
            buffer_minutes=15,
            matrix=[
                TravelEntry.model_validate(
                    {"from": "s1", "to": "s2", "minutes": 15}
                )
            ],
        ),
    )
    delegations = [
        make_delegation(
            "d1",
            priority=2,
            lodging=LODGING,
            requests=[
                {"site": "s1", "weight": 3, "required": True},  # 6
                {"topic": "innovation"},  # 2
                {"topic": "education"},  # 2
            ],
        ),
        make_delegation(
            "d2", size=20, lodging=LODGING, requests=[{"site": "s2"}]
        ),  # 1
        make_delegation("d3", requests=[{"topic": "mobility"}]),  # 1
    ]
    return make_instance(catalog, delegations, slot=1)


def visit(
    d: str,
    site: str,
    start: str,
    minutes: int,
    presenter: str,
    request: int,
    travel: int,
) -> Visit:
    return Visit(
        id=visit_id(d, site),
        delegation=d,
        site=site,
        presenter=presenter,
        start=at(start),
        end=at(start) + dt.timedelta(minutes=minutes),
        request=request,
        travel_minutes_before=travel,
        vehicle_pool="van",
    )


def schedule() -> Schedule:
    return Schedule(
        instance="test",
        solver=SolverInfo(
            name="hand", status="FEASIBLE", objective=9, bound=12, wall_s=1.5
        ),
        visits=[
            visit("d1", "s1", "09:00", 60, "p1", 0, 16),
            visit("d1", "s2", "10:30", 90, "p2", 1, 30),
            visit("d2", "s2", "08:30", 90, "p3", 0, 16),
        ],
        unserved=[
            Unserved(
                delegation="d1",
                request=2,
                reason="outcompeted: presenter time at Metro",
            ),
        ],
        kpis={"served_value": 999},  # never read
    )


def test_kpis_of_the_hand_computed_week() -> None:
    kpis = compute_kpis(week(), schedule())
    assert kpis["served_value"] == 9  # 6 + 2 + 1
    assert kpis["requested_value"] == 12  # 6 + 2 + 2 + 1 + 1
    assert kpis["served_share"] == 0.75
    assert (kpis["required_total"], kpis["required_served"]) == (1, 1)
    assert kpis["visits"] == 3
    assert (kpis["delegations_total"], kpis["delegations_with_visit"]) == (
        3,
        2,
    )
    assert kpis["unserved_total"] == 2
    assert kpis["unserved_by_reason"] == {
        "outcompeted": 1,
        "no reason given": 1,  # d3's request has no entry
    }
    assert kpis["unserved_by_topic"] == {"education": 1, "mobility": 1}
    # d1: 16 + 30 + 16 back; d2: 16 + 16 back
    assert kpis["travel_minutes"] == 94


def test_utilization_of_the_hand_computed_week() -> None:
    kpis = compute_kpis(week(), schedule())
    assert kpis["site_utilization"] == {
        "overall": round(240 / 780, 4),
        "by_site": {"s1": round(60 / 540, 4), "s2": 0.75, "s3": 0.0},
    }
    assert kpis["presenter_utilization"] == {
        "overall": round(240 / 2700, 4),
        "by_presenter": {
            "p1": {"visits": 1, "minutes": 60, "share": round(60 / 540, 4)},
            "p2": {"visits": 1, "minutes": 90, "share": 0.5},
            "p3": {"visits": 1, "minutes": 90, "share": round(90 / 540, 4)},
            "p4": {"visits": 0, "minutes": 0, "share": 0.0},
        },
    }
    # d1 1 van [08:44, 12:16), d2 2 vans [08:14, 10:16): 3 at 08:44
    assert kpis["vans_used"] == {"van": 3, "bus": 0}


def test_solver_figures_and_json() -> None:
    kpis = compute_kpis(week(), schedule())
    assert kpis["status"] == "FEASIBLE"
    assert (kpis["objective"], kpis["bound"], kpis["wall_s"]) == (9, 12, 1.5)
    assert kpis["gap"] == 0.25  # (12 - 9) / 12
    assert json.loads(json.dumps(kpis)) == kpis


def test_empty_schedule_without_requests() -> None:
    inst = make_instance(delegations=[make_delegation(requests=[])])
    empty = Schedule(
        instance="test", solver=SolverInfo(name="hand", status="UNKNOWN")
    )
    kpis = compute_kpis(inst, empty)
    assert (kpis["served_value"], kpis["served_share"]) == (0, 0.0)
    assert kpis["gap"] is None
    assert kpis["travel_minutes"] == 0


@pytest.mark.parametrize(
    ("reason", "category"),
    [
        ("outcompeted: site capacity at Ruta N", "outcompeted"),
        ("not placed: the visit to Ruta N serves no request", "not placed"),
        ("no presenter of Metro de Medellín speaks ko", "presenters"),
        ("EPM has no presenters", "presenters"),
        ("group of 45 > capacity 40 at Ruta N", "capacity"),
        ("Parque Explora is closed during the stay", "closed"),
        ("Metrocable K is not accessible", "access"),
        ("no site offers mobility", "topic"),
        ("there are no vehicles in the catalog", "vehicles"),
        ("no slot of 90 min at EPM fits the day window", "day window"),
        ("the stay leaves no time inside the day window", "day window"),
        ("rain expected in the afternoon", "rain expected"),  # first words
    ],
)
def test_reason_category(reason: str, category: str) -> None:
    assert reason_category(reason) == category


def test_site_utilization_counts_every_group_place() -> None:
    """A site taking 2 groups at once offers 2 × 540 group-minutes."""
    inst = make_instance(
        catalog=make_catalog(sites=[make_site("s1", max_groups=2)])
    )
    visit = Visit(
        id=visit_id("d1", "s1"),
        delegation="d1",
        site="s1",
        presenter="p1",
        start=at("10:00"),
        end=at("11:00"),
        request=0,
        vehicle_pool="van",
    )
    sched = Schedule(
        instance="test",
        solver=SolverInfo(name="hand", status="FEASIBLE"),
        visits=[visit],
    )
    kpis = compute_kpis(inst, sched)
    assert kpis["site_utilization"]["by_site"]["s1"] == round(60 / 1080, 4)
