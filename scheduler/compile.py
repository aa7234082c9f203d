"""Compile a calendar ``Instance`` into integer ``ProblemData``, once.

Every time becomes integer minutes from the horizon's first midnight; every
id becomes an index. One function per part of the data, in the order the
solver reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.clock import clock_changes, steady_day, steady_hours
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
    from scheduler.clock import ClockChange
    from scheduler.model import Catalog, Delegation, Instance, Presenter, Site

DAY = 1440


def compile_instance(instance: Instance) -> ProblemData:
    """Calendars to integer minutes from the horizon's first midnight."""
    catalog = instance.catalog
    travel = TravelTimes(catalog.travel)
    return ProblemData(
        name=instance.name,
        slot=instance.horizon.slot_minutes,
        day_length=DAY,
        n_days=instance.horizon.days,
        departments=tuple(d.id for d in catalog.departments),
        sites=tuple(_site(instance, s) for s in catalog.sites),
        presenters=tuple(_presenter(instance, p) for p in catalog.presenters),
        delegations=tuple(
            _delegation(instance, d, travel) for d in instance.delegations
        ),
        travel=tuple(
            tuple(
                travel.minutes(a.id, a.location, b.id, b.location)
                for b in catalog.sites
            )
            for a in catalog.sites
        ),
        vehicles=tuple(
            VehicleData(v.id, v.seats, v.count) for v in catalog.vehicles
        ),
        locked=_locked(instance),
    )


def _changes(instance: Instance) -> tuple[ClockChange, ...]:
    horizon = instance.horizon
    return clock_changes(instance.catalog.zone, horizon.start, horizon.days)


def _department_index(catalog: Catalog) -> dict[str, int]:
    return {d.id: i for i, d in enumerate(catalog.departments)}


def _site(instance: Instance, site: Site) -> SiteData:
    dates = instance.horizon.dates
    open_ranges = steady_hours(
        [
            (k * DAY + lo, k * DAY + hi)
            for k, date in enumerate(dates)
            if date not in site.closed
            for lo, hi in site.opening_hours.on(date)
        ],
        _changes(instance),
    )
    department = (
        _department_index(instance.catalog)[site.department]
        if site.presenter_required
        else -1
    )
    return SiteData(
        name=site.id,
        duration=site.visit_minutes,
        capacity=site.capacity,
        max_groups=site.max_groups,
        department=department,
        accessible=site.accessible,
        open=tuple(open_ranges),
    )


def _presenter(instance: Instance, presenter: Presenter) -> PresenterData:
    """Weekly availability minus the presenter's dated absences."""
    horizon = instance.horizon
    if presenter.availability is None:
        available = [(0, horizon.days * DAY)]
    else:
        available = [
            (k * DAY + lo, k * DAY + hi)
            for k, date in enumerate(horizon.dates)
            for lo, hi in presenter.availability.on(date)
        ]
    absent = sorted(
        (instance.minute(r.start), instance.minute(r.end))
        for r in presenter.unavailable
    )
    return PresenterData(
        name=presenter.id,
        department=_department_index(instance.catalog)[presenter.department],
        languages=frozenset(presenter.languages),
        available=tuple(subtract(available, absent)),
        max_per_day=presenter.max_visits_per_day,
    )


def _days(instance: Instance, delegation: Delegation) -> tuple[DayData, ...]:
    """The delegation's touring window on each day it is in the city,
    clear of the hours a clock change skips or repeats."""
    arrival = instance.minute(delegation.arrival)
    departure = instance.minute(delegation.departure)
    changes = _changes(instance)
    days = []
    for k in range(instance.horizon.days):
        lo = max(k * DAY + delegation.day_window[0], arrival)
        hi = min(k * DAY + delegation.day_window[1], departure)
        steady = steady_day(lo, hi, changes) if lo < hi else None
        if steady is not None and steady[0] < steady[1]:
            lo, hi = steady
            lunch = (
                k * DAY + delegation.lunch.window[0],
                k * DAY + delegation.lunch.window[1],
            )
            days.append(DayData(k, lo, hi, lunch, delegation.lunch.minutes))
    return tuple(days)


def _requests(
    instance: Instance, delegation: Delegation
) -> tuple[RequestData, ...]:
    """A request names one site or a topic any matching site serves."""
    sites = instance.catalog.sites
    site_index = {s.id: i for i, s in enumerate(sites)}
    requests = []
    for r in delegation.requests:
        if r.site is not None:
            targets: tuple[int, ...] = (site_index[r.site],)
        else:
            targets = tuple(
                i for i, s in enumerate(sites) if r.topic in s.topics
            )
        requests.append(
            RequestData(targets, r.weight * delegation.priority, r.required)
        )
    return tuple(requests)


def _delegation(
    instance: Instance, delegation: Delegation, travel: TravelTimes
) -> DelegationData:
    sites = instance.catalog.sites
    lodging = f"lodging:{delegation.id}"
    return DelegationData(
        name=delegation.id,
        size=delegation.size,
        languages=frozenset(delegation.languages),
        days=_days(instance, delegation),
        max_per_day=delegation.max_visits_per_day,
        accessible_only=delegation.accessible_only,
        requests=_requests(instance, delegation),
        from_lodging=tuple(
            travel.minutes(lodging, delegation.lodging, s.id, s.location)
            for s in sites
        ),
        to_lodging=tuple(
            travel.minutes(s.id, s.location, lodging, delegation.lodging)
            for s in sites
        ),
    )


def _locked(instance: Instance) -> tuple[LockedData, ...]:
    catalog = instance.catalog
    site_index = {s.id: i for i, s in enumerate(catalog.sites)}
    delegation_index = {d.id: i for i, d in enumerate(instance.delegations)}
    presenter_index = {p.id: i for i, p in enumerate(catalog.presenters)}
    return tuple(
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
