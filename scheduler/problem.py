"""Integer problem data: what every solver reads.

A calendar ``Instance`` compiles into ``ProblemData`` once (minutes from the
horizon's first midnight, windows, durations, a travel matrix, resources and
their limits, requests and their values). Other front ends, such as the TOPTW
benchmark, build ``ProblemData`` directly. Solvers never see calendars;
``scheduler.build`` maps their answer back to calendar times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scheduler.travel import TravelTimes

if TYPE_CHECKING:
    from scheduler.model import Instance

Window = tuple[int, int]
"""A half-open integer range [lo, hi)."""


def intersect(a: list[Window], b: list[Window]) -> list[Window]:
    """Intersection of two sorted lists of disjoint half-open ranges."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def union(ranges: list[Window]) -> list[Window]:
    out: list[Window] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def subtract(a: list[Window], cut: list[Window]) -> list[Window]:
    out = []
    for lo, hi in a:
        pieces = [(lo, hi)]
        for c_lo, c_hi in cut:
            nxt = []
            for p_lo, p_hi in pieces:
                if c_hi <= p_lo or c_lo >= p_hi:
                    nxt.append((p_lo, p_hi))
                    continue
                if p_lo < c_lo:
                    nxt.append((p_lo, c_lo))
                if c_hi < p_hi:
                    nxt.append((c_hi, p_hi))
            pieces = nxt
        out.extend(pieces)
    return out


@dataclass(frozen=True)
class SiteData:
    name: str
    duration: int
    capacity: int
    max_groups: int
    department: int
    """Index of the host department; -1 when no presenter is needed."""
    accessible: bool
    open: tuple[Window, ...]
    """Where a visit may lie: [start, start + duration) inside one range."""


@dataclass(frozen=True)
class PresenterData:
    name: str
    department: int
    languages: frozenset[str]
    available: tuple[Window, ...]
    max_per_day: int


@dataclass(frozen=True)
class RequestData:
    sites: tuple[int, ...]
    value: int
    required: bool


@dataclass(frozen=True)
class DayData:
    """One day a delegation may go out: leave and return inside [lo, hi)."""

    index: int
    lo: int
    hi: int
    lunch: Window
    lunch_minutes: int


@dataclass(frozen=True)
class DelegationData:
    name: str
    size: int
    languages: frozenset[str]
    days: tuple[DayData, ...]
    max_per_day: int
    accessible_only: bool
    requests: tuple[RequestData, ...]
    from_lodging: tuple[int, ...]
    to_lodging: tuple[int, ...]

    @property
    def requested_value(self) -> int:
        """Σ value of its requests: no schedule serves it more."""
        return sum(r.value for r in self.requests)


@dataclass(frozen=True)
class VehicleData:
    name: str
    seats: int
    count: int


@dataclass(frozen=True)
class LockedData:
    delegation: int
    site: int
    start: int
    presenter: int
    """-1 when the solver may choose."""


@dataclass(frozen=True)
class ProblemData:
    name: str
    slot: int
    day_length: int
    n_days: int
    departments: tuple[str, ...]
    sites: tuple[SiteData, ...]
    presenters: tuple[PresenterData, ...]
    delegations: tuple[DelegationData, ...]
    travel: tuple[tuple[int, ...], ...]
    vehicles: tuple[VehicleData, ...]
    locked: tuple[LockedData, ...] = ()
    _cache: dict[object, object] = field(
        default_factory=dict, compare=False, repr=False
    )

    def day_of(self, minute: int) -> int:
        return minute // self.day_length

    @property
    def requested_value(self) -> int:
        """Σ value of every request: no schedule serves more."""
        return sum(d.requested_value for d in self.delegations)

    def day_span(self, k: int) -> Window:
        """Day k's band of minutes, [k·L, (k+1)·L), L = ``day_length``."""
        return (k * self.day_length, (k + 1) * self.day_length)

    def vehicles_needed(self, delegation: int, pool: int) -> int:
        return math.ceil(
            self.delegations[delegation].size / self.vehicles[pool].seats
        )

    def presenters_for(self, delegation: int, site: int) -> tuple[int, ...]:
        """Presenters of the site's department who speak a shared language."""
        key = ("presenters", delegation, site)
        if key not in self._cache:
            dept = self.sites[site].department
            langs = self.delegations[delegation].languages
            self._cache[key] = tuple(
                p
                for p, pres in enumerate(self.presenters)
                if pres.department == dept and pres.languages & langs
            )
        return self._cache[key]  # type: ignore[return-value]

    def candidate_sites(self, delegation: int) -> tuple[int, ...]:
        """Sites that could serve a request of the delegation, or are locked."""
        d = self.delegations[delegation]
        sites = {s for r in d.requests for s in r.sites}
        sites |= {
            lock.site for lock in self.locked if lock.delegation == delegation
        }
        return tuple(sorted(sites))

    def starts(self, delegation: int, site: int) -> tuple[Window, ...]:
        """Feasible start ranges [lo, hi] (inclusive, on the slot grid).

        grid ∩ opening hours ∩ day window with travel from and to lodging ∩
        a compatible presenter's availability ∩ site rules for the group.
        """
        key = ("starts", delegation, site)
        if key not in self._cache:
            self._cache[key] = tuple(self._starts(delegation, site))
        return self._cache[key]  # type: ignore[return-value]

    def _starts(self, delegation: int, site: int) -> list[Window]:
        d = self.delegations[delegation]
        s = self.sites[site]
        if s.capacity < d.size or (d.accessible_only and not s.accessible):
            return []
        lies_in = list(s.open)
        days = [
            (day.lo + d.from_lodging[site], day.hi - d.to_lodging[site])
            for day in d.days
        ]
        lies_in = intersect(lies_in, [w for w in days if w[0] < w[1]])
        if s.department >= 0:
            presenters = self.presenters_for(delegation, site)
            avail = union(
                [w for p in presenters for w in self.presenters[p].available]
            )
            lies_in = intersect(lies_in, avail)
        out = []
        for lo, hi in lies_in:
            first = -(-lo // self.slot) * self.slot
            last = (hi - s.duration) // self.slot * self.slot
            if first <= last:
                out.append((first, last))
        return out


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
