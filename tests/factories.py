"""Tiny instances built in code, for tests of every part.

Defaults: one Monday (2026-11-23), America/Bogota, 15-minute slots; sites
open 08:00-17:00 on weekdays; travel settings with no buffer so hand
calculations stay simple (override ``travel`` to test buffers).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scheduler.model import (
    Catalog,
    Delegation,
    Department,
    Horizon,
    Instance,
    LatLon,
    LockedVisit,
    Organizer,
    Presenter,
    Request,
    Site,
    TravelSettings,
    VehiclePool,
    WeeklyHours,
)

MONDAY = dt.date(2026, 11, 23)
WEEKDAYS_8_17 = {
    day: ["08:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")
}


def make_site(id: str = "s1", **kw: Any) -> Site:
    data: dict[str, Any] = {
        "id": id,
        "name": f"Site {id}",
        "address": f"Calle {id}",
        "location": {"lat": 6.25, "lon": -75.57},
        "department": "dept",
        "topics": ["urbanism"],
        "visit_minutes": 60,
        "capacity": 40,
        "max_groups": 1,
        "opening_hours": WEEKDAYS_8_17,
        "accessible": True,
    }
    data.update(kw)
    return Site.model_validate(data)


def make_presenter(id: str = "p1", **kw: Any) -> Presenter:
    data: dict[str, Any] = {
        "id": id,
        "name": f"Presenter {id}",
        "department": "dept",
        "email": f"{id}@example.org",
        "languages": ["es", "en"],
        "max_visits_per_day": 4,
    }
    data.update(kw)
    return Presenter.model_validate(data)


def make_catalog(
    sites: list[Site] | None = None,
    presenters: list[Presenter] | None = None,
    departments: list[Department] | None = None,
    vehicles: list[VehiclePool] | None = None,
    travel: TravelSettings | None = None,
) -> Catalog:
    return Catalog(
        name="test",
        organizer=Organizer(name="ACI", email="aci@example.org"),
        departments=departments
        or [Department(id="dept", name="Department", email="d@example.org")],
        sites=sites if sites is not None else [make_site()],
        presenters=presenters
        if presenters is not None
        else [make_presenter()],
        vehicles=vehicles
        if vehicles is not None
        else [VehiclePool(id="van", seats=15, count=10)],
        travel=travel or TravelSettings(buffer_minutes=0),
    )


def make_delegation(id: str = "d1", **kw: Any) -> Delegation:
    data: dict[str, Any] = {
        "id": id,
        "name": f"Delegation {id}",
        "country": "US",
        "size": 8,
        "languages": ["en"],
        "arrival": dt.datetime.combine(MONDAY, dt.time(7, 0)),
        "departure": dt.datetime.combine(MONDAY, dt.time(20, 0)),
        "day_window": "08:00-18:00",
        "lunch": {"window": "12:00-14:00", "minutes": 60},
        "lodging": {"lat": 6.25, "lon": -75.57},
        "requests": [{"site": "s1"}],
    }
    data.update(kw)
    return Delegation.model_validate(data)


def make_instance(
    catalog: Catalog | None = None,
    delegations: list[Delegation] | None = None,
    days: int = 1,
    slot: int = 15,
    locked: list[LockedVisit] | None = None,
) -> Instance:
    return Instance(
        name="test",
        catalog=catalog or make_catalog(),
        horizon=Horizon(start=MONDAY, days=days, slot_minutes=slot),
        delegations=delegations
        if delegations is not None
        else [make_delegation()],
        locked=locked or [],
    )


def at(hhmm: str, day: int = 0) -> dt.datetime:
    """An aware Bogotá date-time on the test Monday (+ day)."""
    from zoneinfo import ZoneInfo

    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(
        MONDAY + dt.timedelta(days=day),
        dt.time(h, m),
        tzinfo=ZoneInfo("America/Bogota"),
    )


__all__ = [
    "LatLon",
    "LockedVisit",
    "Request",
    "WeeklyHours",
    "at",
    "make_catalog",
    "make_delegation",
    "make_instance",
    "make_presenter",
    "make_site",
]
