"""Compile a calendar ``Instance`` into integer ``ProblemData``, once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.problem.data import (
    DayData,
    DelegationData,
    LockedData,
    PresenterData,
    ProblemData,
    RequestData,
    SiteData,
    VehicleData,
)
from scheduler.problem.windows import subtract
from scheduler.travel import TravelTimes

if TYPE_CHECKING:
    from scheduler.model import Instance


def compile_instance(instance: Instance) -> ProblemData:
    """Calendars to integer minutes from the horizon's first midnight."""
    catalog = instance.catalog
    horizon = instance.horizon
    dates = horizon.dates
    dept_index = {d.id: i for i, d in enumerate(catalog.departments)}
    travel = TravelTimes(catalog.travel)

    sites = []
    for site in catalog.sites:
        open_ranges = [
            (k * 1440 + lo, k * 1440 + hi)
            for k, date in enumerate(dates)
            if date not in site.closed
            for lo, hi in site.opening_hours.on(date)
        ]
        sites.append(
            SiteData(
                name=site.id,
                duration=site.visit_minutes,
                capacity=site.capacity,
                max_groups=site.max_groups,
                department=dept_index[site.department]
                if site.presenter_required
                else -1,
                accessible=site.accessible,
                open=tuple(open_ranges),
            )
        )

    presenters = []
    for pres in catalog.presenters:
        if pres.availability is None:
            avail = [(0, horizon.days * 1440)]
        else:
            avail = [
                (k * 1440 + lo, k * 1440 + hi)
                for k, date in enumerate(dates)
                for lo, hi in pres.availability.on(date)
            ]
        cut = [
            (instance.minute(r.start), instance.minute(r.end))
            for r in pres.unavailable
        ]
        presenters.append(
            PresenterData(
                name=pres.id,
                department=dept_index[pres.department],
                languages=frozenset(pres.languages),
                available=tuple(subtract(avail, sorted(cut))),
                max_per_day=pres.max_visits_per_day,
            )
        )

    site_index = {s.id: i for i, s in enumerate(catalog.sites)}
    matrix = tuple(
        tuple(
            travel.minutes(a.id, a.location, b.id, b.location)
            for b in catalog.sites
        )
        for a in catalog.sites
    )

    delegations = []
    for d in instance.delegations:
        arrival, departure = (
            instance.minute(d.arrival),
            instance.minute(d.departure),
        )
        days = []
        for k in range(horizon.days):
            lo = max(k * 1440 + d.day_window[0], arrival)
            hi = min(k * 1440 + d.day_window[1], departure)
            if lo < hi:
                lunch = (
                    k * 1440 + d.lunch.window[0],
                    k * 1440 + d.lunch.window[1],
                )
                days.append(DayData(k, lo, hi, lunch, d.lunch.minutes))
        requests = []
        for r in d.requests:
            if r.site is not None:
                targets: tuple[int, ...] = (site_index[r.site],)
            else:
                targets = tuple(
                    i
                    for i, s in enumerate(catalog.sites)
                    if r.topic in s.topics
                )
            requests.append(
                RequestData(targets, r.weight * d.priority, r.required)
            )
        lodging = f"lodging:{d.id}"
        delegations.append(
            DelegationData(
                name=d.id,
                size=d.size,
                languages=frozenset(d.languages),
                days=tuple(days),
                max_per_day=d.max_visits_per_day,
                accessible_only=d.accessible_only,
                requests=tuple(requests),
                from_lodging=tuple(
                    travel.minutes(lodging, d.lodging, s.id, s.location)
                    for s in catalog.sites
                ),
                to_lodging=tuple(
                    travel.minutes(s.id, s.location, lodging, d.lodging)
                    for s in catalog.sites
                ),
            )
        )

    delegation_index = {d.id: i for i, d in enumerate(instance.delegations)}
    presenter_index = {p.id: i for i, p in enumerate(catalog.presenters)}
    locked = tuple(
        LockedData(
            delegation=delegation_index[lock.delegation],
            site=site_index[lock.site],
            start=instance.minute(lock.start),
            presenter=presenter_index[lock.presenter]
            if lock.presenter is not None
            else -1,
        )
        for lock in instance.locked
    )
    return ProblemData(
        name=instance.name,
        slot=horizon.slot_minutes,
        day_length=1440,
        n_days=horizon.days,
        departments=tuple(d.id for d in catalog.departments),
        sites=tuple(sites),
        presenters=tuple(presenters),
        delegations=tuple(delegations),
        travel=matrix,
        vehicles=tuple(
            VehicleData(v.id, v.seats, v.count) for v in catalog.vehicles
        ),
        locked=locked,
    )
