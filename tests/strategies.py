"""Hypothesis strategies that build small valid instances.

``instances()`` draws 1-2 days, 1-4 sites, 1-4 presenters, 1-5
delegations with 1-3 requests each, 1-2 vehicle pools and, sometimes,
locked visits that fit together (each placed through a ``Timeline`` on the
instance's problem data, so a set of locks is always feasible). Sites and
lodgings stand on three spots a few minutes apart, so travel matters but
stays short. ``tiny_instances()`` keeps the search space small enough for
a brute-force enumeration: one day, an hourly grid, at most three requests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from scheduler.compile import compile_instance
from scheduler.model import (
    Department,
    Instance,
    LockedVisit,
    TravelSettings,
    VehiclePool,
)
from scheduler.problem.timeline import Timeline
from tests.factories import (
    MONDAY,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)

SPOTS = (
    {"lat": 6.25, "lon": -75.57},
    {"lat": 6.26, "lon": -75.57},
    {"lat": 6.25, "lon": -75.555},
)
"""Sites and lodgings stand here: about 4 to 8 minutes apart."""

HOURS = (
    ["08:00-17:00"],
    ["08:00-12:00", "14:00-17:00"],
    ["09:00-13:00"],
    ["11:00-15:00"],
)
TOPICS = ("urbanism", "mobility", "innovation")
WINDOWS = ("08:00-18:00", "09:00-17:00", "07:30-12:30", "11:00-16:00")


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True about once in n draws (shrinks to False)."""
    return st.sampled_from(range(n)).map(lambda k: k == n - 1)


def _weekdays(hours: list[str], days: int) -> dict[str, list[str]]:
    return {day: hours for day in ("mon", "tue")[:days]}


@st.composite
def sites(draw: st.DrawFn, id: str, days: int, departments: int) -> Any:
    hours = draw(st.sampled_from(HOURS))
    return make_site(
        id,
        location=draw(st.sampled_from(SPOTS)),
        department=f"dep{draw(st.integers(0, departments - 1))}",
        topics=draw(
            st.lists(
                st.sampled_from(TOPICS), min_size=1, max_size=2, unique=True
            )
        ),
        visit_minutes=draw(st.sampled_from((30, 60, 90))),
        capacity=draw(st.sampled_from((40, 25, 15))),
        max_groups=draw(st.integers(1, 2)),
        opening_hours=_weekdays(hours, days),
        closed=[MONDAY] if draw(one_in(10)) else [],
        accessible=not draw(one_in(5)),
        presenter_required=not draw(one_in(6)),
    )


@st.composite
def presenters(draw: st.DrawFn, id: str, days: int, department: int) -> Any:
    availability = draw(
        st.one_of(
            st.none(),
            st.sampled_from(HOURS).map(lambda h: _weekdays(h, days)),
        )
    )
    unavailable = []
    if draw(one_in(5)):
        start = dt.datetime.combine(MONDAY, dt.time(10, 0))
        unavailable = [{"start": start, "end": start + dt.timedelta(hours=2)}]
    return make_presenter(
        id,
        department=f"dep{department}",
        languages=draw(
            st.sampled_from((["es"], ["es", "en"], ["en"], ["es", "fr"]))
        ),
        availability=availability,
        unavailable=unavailable,
        max_visits_per_day=draw(st.integers(1, 3)),
    )


@st.composite
def requests(
    draw: st.DrawFn, site_ids: list[str], topics: list[str]
) -> dict[str, Any]:
    """Mostly a named site; else a topic some site offers; rarely any."""
    kind = draw(
        st.sampled_from(
            ("site", "site", "topic", "site", "topic", "any topic")
        )
    )
    if kind == "site":
        target = {"site": draw(st.sampled_from(site_ids))}
    else:
        pool = topics if kind == "topic" else TOPICS
        target = {"topic": draw(st.sampled_from(sorted(pool)))}
    return {
        **target,
        "weight": draw(st.integers(1, 3)),
        "required": draw(one_in(10)),
    }


@st.composite
def delegations(
    draw: st.DrawFn,
    id: str,
    days: int,
    site_ids: list[str],
    topics: list[str],
    max_requests: int,
) -> Any:
    first = draw(st.integers(0, days - 1))
    last = draw(st.integers(first, days - 1))
    arrival = dt.datetime.combine(
        MONDAY + dt.timedelta(days=first),
        draw(st.sampled_from((dt.time(7, 0), dt.time(10, 0)))),
    )
    departure = dt.datetime.combine(
        MONDAY + dt.timedelta(days=last),
        draw(st.sampled_from((dt.time(15, 0), dt.time(20, 0)))),
    )
    return make_delegation(
        id,
        size=draw(st.sampled_from((6, 12, 3, 20))),
        languages=draw(
            st.sampled_from((["es"], ["en"], ["en", "es"], ["fr"]))
        ),
        arrival=arrival,
        departure=departure,
        day_window=draw(st.sampled_from(WINDOWS)),
        lunch={
            "window": "12:00-14:00",
            "minutes": draw(st.sampled_from((0, 30, 60))),
        },
        max_visits_per_day=draw(st.integers(1, 3)),
        lodging=draw(st.sampled_from(SPOTS)),
        priority=draw(st.integers(1, 3)),
        accessible_only=draw(one_in(6)),
        requests=draw(
            st.lists(
                requests(site_ids, topics), min_size=1, max_size=max_requests
            )
        ),
    )


@st.composite
def instances(
    draw: st.DrawFn,
    *,
    max_days: int = 2,
    max_sites: int = 4,
    max_presenters: int = 4,
    max_delegations: int = 5,
    max_requests: int = 3,
    slots: tuple[int, ...] = (30, 60),
    max_pools: int = 2,
    locks: bool = True,
) -> Instance:
    """A small valid instance; see the module docstring."""
    days = draw(st.integers(1, max_days))
    n_departments = draw(st.integers(1, 2))
    n_sites = draw(st.integers(1, max_sites))
    site_list = [
        draw(sites(f"s{i}", days, n_departments)) for i in range(n_sites)
    ]
    site_ids = [s.id for s in site_list]
    topics = sorted({t for s in site_list for t in s.topics})
    n_presenters = draw(st.integers(1, max_presenters))
    presenter_list = [
        # Presenter i works for department i mod n: each has one, mostly.
        draw(presenters(f"p{i}", days, i % n_departments))
        for i in range(n_presenters)
    ]
    pools = [
        VehiclePool(
            id=f"pool{i}",
            seats=draw(st.sampled_from((8, 15, 30))),
            count=draw(st.sampled_from((2, 1, 3))),
        )
        for i in range(draw(st.integers(1, max_pools)))
    ]
    catalog = make_catalog(
        sites=site_list,
        presenters=presenter_list,
        departments=[
            Department(id=f"dep{i}", name=f"Department {i}")
            for i in range(n_departments)
        ],
        vehicles=pools,
        travel=TravelSettings(buffer_minutes=draw(st.sampled_from((0, 10)))),
    )
    n_delegations = draw(st.integers(1, max_delegations))
    delegation_list = [
        draw(delegations(f"d{i}", days, site_ids, topics, max_requests))
        for i in range(n_delegations)
    ]
    instance = make_instance(
        catalog, delegation_list, days=days, slot=draw(st.sampled_from(slots))
    )
    if locks and draw(one_in(3)):
        instance = _with_locks(draw, instance)
    return instance


def _with_locks(draw: st.DrawFn, instance: Instance) -> Instance:
    """Add 1-2 locked visits that fit together (or none, if none fits);
    now and then 10 minutes off the slot grid, as a coordinator may lock.
    """
    data = compile_instance(instance)
    timeline = Timeline(data)
    candidates = [
        (d, s, start)
        for d in range(len(data.delegations))
        for s in range(len(data.sites))
        for lo, hi in data.starts(d, s)
        for start in range(lo, hi + 1, data.slot)
    ]
    locked: list[LockedVisit] = []
    if not candidates:
        return instance
    wanted = draw(st.integers(1, 2))
    for _ in range(3 * wanted):
        if len(locked) == wanted:
            break
        d, s, start = draw(st.sampled_from(candidates))
        if draw(one_in(4)):
            start += 10
        fit = timeline.fit(d, s, start, locked=True)
        if fit.visit is None:
            continue
        timeline.place(fit.visit)
        presenter = None
        if fit.visit.presenter >= 0 and draw(st.booleans()):
            presenter = data.presenters[fit.visit.presenter].name
        locked.append(
            LockedVisit(
                delegation=data.delegations[d].name,
                site=data.sites[s].name,
                start=instance.at(start).replace(tzinfo=None),
                presenter=presenter,
            )
        )
    return instance.model_copy(update={"locked": locked})


def tiny_instances() -> st.SearchStrategy[Instance]:
    """Small enough to enumerate: 1 day, hourly slots, ≤ 4 requests."""
    return instances(
        max_days=1,
        max_sites=3,
        max_presenters=2,
        max_delegations=3,
        max_requests=2,
        slots=(60,),
        max_pools=1,
    ).filter(lambda i: sum(len(d.requests) for d in i.delegations) <= 4)
