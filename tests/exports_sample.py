"""A small hand-built week and schedule for the export tests.

Three sites (one self-guided) of three departments, three presenters,
three delegations (English, Spanish, French+English) over two days;
seven visits, two unserved requests. Transfers use the real travel rule
(``TravelTimes``, 10-minute buffer) so agendas show realistic minutes.
The schedule is valid: every lunch fits (checked in the tests).
"""

from __future__ import annotations

import datetime as dt

from scheduler.model import (
    Department,
    Instance,
    Organizer,
    Schedule,
    SolverInfo,
    TravelSettings,
    Unserved,
    Visit,
    visit_id,
)
from scheduler.travel import TravelTimes
from tests.factories import (
    MONDAY,
    at,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)

STAMP = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)


def sample_instance() -> Instance:
    sites = [
        make_site(
            "metrocable-k",
            name="Metrocable Línea K",
            address="Estación Acevedo, Cra. 52 #100, Medellín",
            location={"lat": 6.300, "lon": -75.558},
            department="metro",
            topics=["mobility", "urbanism"],
            visit_minutes=90,
            max_groups=2,
        ),
        make_site(
            "ruta-n",
            name="Ruta N",
            address="Calle 67 #52-20, Medellín",
            location={"lat": 6.2667, "lon": -75.5653},
            department="rutan",
            topics=["innovation"],
        ),
        make_site(
            "jardin",
            name="Jardín Botánico",
            address="Calle 73 #51D-14, Medellín",
            location={"lat": 6.2706, "lon": -75.5645},
            department="parks",
            topics=["environment"],
            presenter_required=False,
        ),
    ]
    presenters = [
        make_presenter("ana", department="metro", languages=["es", "en"]),
        make_presenter("luis", department="metro", languages=["es"]),
        make_presenter("carla", department="rutan", languages=["en", "es"]),
    ]
    departments = [
        Department(
            id="metro", name="Metro de Medellín", email="metro@example.org"
        ),
        Department(id="rutan", name="Ruta N", email="rutan@example.org"),
        Department(id="parks", name="Parques", email="parques@example.org"),
    ]
    stay = {
        "arrival": dt.datetime.combine(MONDAY, dt.time(7, 0)),
        "departure": dt.datetime.combine(
            MONDAY + dt.timedelta(days=1), dt.time(20, 0)
        ),
    }
    delegations = [
        make_delegation(
            "d-boston",
            name="Boston Planning",
            organization="City of Boston",
            country="US",
            size=12,
            languages=["en"],
            email="boston@example.org",
            lodging={"lat": 6.210, "lon": -75.570},
            requests=[
                {"site": "metrocable-k", "weight": 3},
                {"topic": "innovation"},
                {"site": "jardin", "required": True},
            ],
            **stay,
        ),
        make_delegation(
            "d-lima",
            name="Municipalidad de Lima",
            country="PE",
            size=6,
            languages=["es"],
            email="lima@example.org",
            lodging={"lat": 6.250, "lon": -75.590},
            requests=[
                {"site": "ruta-n"},
                {"topic": "environment"},
                {"site": "metrocable-k"},
            ],
            **stay,
        ),
        make_delegation(
            "d-lyon",
            name="Métropole de Lyon",
            country="FR",
            size=20,
            languages=["fr", "en"],
            lodging={"lat": 6.245, "lon": -75.575},
            requests=[{"site": "metrocable-k"}, {"topic": "innovation"}],
            **stay,
        ),
    ]
    from tests.factories import make_catalog

    catalog = make_catalog(
        sites=sites,
        presenters=presenters,
        departments=departments,
        travel=TravelSettings(buffer_minutes=10),
    ).model_copy(
        update={
            "organizer": Organizer(
                name="ACI Medellín", email="visitas@acimedellin.org"
            )
        }
    )
    return make_instance(catalog=catalog, delegations=delegations, days=2)


# (delegation, site, start "HH:MM", day, presenter, request)
PLAN: list[tuple[str, str, str, int, str | None, int | None]] = [
    ("d-boston", "metrocable-k", "09:00", 0, "ana", 0),
    ("d-boston", "ruta-n", "14:00", 0, "carla", 1),
    ("d-lima", "ruta-n", "09:00", 0, "carla", 0),
    ("d-lima", "jardin", "15:00", 0, None, 1),
    ("d-lima", "metrocable-k", "09:00", 1, "luis", 2),
    ("d-lyon", "jardin", "10:00", 0, None, None),
    ("d-lyon", "metrocable-k", "10:00", 1, "ana", 0),
]


def travel_before(
    instance: Instance, delegation: str, site: str, previous: str | None
) -> int:
    times = TravelTimes(instance.catalog.travel)
    here = instance.catalog.site(site)
    if previous is None:
        d = instance.delegation(delegation)
        return times.minutes(
            f"lodging:{delegation}", d.lodging, site, here.location
        )
    there = instance.catalog.site(previous)
    return times.minutes(previous, there.location, site, here.location)


def sample_schedule(instance: Instance) -> Schedule:
    visits = []
    last: dict[tuple[str, int], str] = {}
    for delegation, site, start, day, presenter, request in sorted(
        PLAN, key=lambda p: (p[0], p[3], p[2])
    ):
        begin = at(start, day)
        minutes = instance.catalog.site(site).visit_minutes
        visits.append(
            Visit(
                id=visit_id(delegation, site),
                delegation=delegation,
                site=site,
                presenter=presenter,
                start=begin,
                end=begin + dt.timedelta(minutes=minutes),
                request=request,
                travel_minutes_before=travel_before(
                    instance, delegation, site, last.get((delegation, day))
                ),
                vehicle_pool="van",
            )
        )
        last[(delegation, day)] = site
    return Schedule(
        instance=instance.name,
        solver=SolverInfo(
            name="hand",
            status="FEASIBLE",
            objective=10.0,
            bound=12.0,
            wall_s=0.5,
        ),
        visits=visits,
        unserved=[
            Unserved(
                delegation="d-boston",
                request=2,
                reason="site closed during the stay",
            ),
            Unserved(
                delegation="d-lyon",
                request=1,
                reason="no presenter of Ruta N speaks fr & <b>",
            ),
        ],
        kpis={
            "served_value": 10,
            "requested_value": 12,
            "served_share": 10 / 12,
            "visits": 7,
            "unserved_by_reason": {"outcompeted": 0, "closed": 1},
            "travel_minutes": 321,
        },
    )
