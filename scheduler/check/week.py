"""The shared facts about a placed schedule, built once per check.

``Week`` holds the instance's lookups, travel times and calendar words;
``place`` turns visits into horizon minutes; the helpers below answer what
the rules and the KPIs (``scheduler.kpis``) both ask: a delegation's
outings per day, which requests a visit serves, how many vehicles a group
needs, and how a resource's load adds up over time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scheduler.problem.windows import format_clock
from scheduler.travel import TravelTimes

if TYPE_CHECKING:
    from scheduler.model import Delegation, Instance, Schedule, Site, Visit

DAY = 1440
"""Minutes in a day; horizon minute m lies on day m // DAY."""


@dataclass(frozen=True)
class Placed:
    """A visit whose delegation and site exist, in horizon minutes."""

    visit: Visit
    delegation: Delegation
    site: Site
    start: int
    end: int

    @property
    def id(self) -> str:
        return self.visit.id

    @property
    def day(self) -> int:
        return self.start // DAY


Outings = dict[tuple[str, int], list["Placed"]]
"""(delegation id, day) -> that day's visits, sorted by start."""


class Week:
    """Lookups and calendar words for one instance, built once."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        catalog = instance.catalog
        self.sites = {s.id: s for s in catalog.sites}
        self.delegations = {d.id: d for d in instance.delegations}
        self.presenters = {p.id: p for p in catalog.presenters}
        self.pools = {v.id: v for v in catalog.vehicles}
        self.departments = {d.id: d.name for d in catalog.departments}
        self.travel = TravelTimes(catalog.travel)
        self.end = instance.horizon.days * DAY

    # --- travel -----------------------------------------------------------

    def from_lodging(self, d: Delegation, s: Site) -> int:
        return self.travel.minutes(
            f"lodging:{d.id}", d.lodging, s.id, s.location
        )

    def to_lodging(self, s: Site, d: Delegation) -> int:
        return self.travel.minutes(
            s.id, s.location, f"lodging:{d.id}", d.lodging
        )

    def between(self, a: Site, b: Site) -> int:
        return self.travel.minutes(a.id, a.location, b.id, b.location)

    def with_travel(self, day: list[Visit]) -> list[Visit]:
        """One delegation-day's visits in start order, each with
        ``travel_minutes_before`` from the previous place of the day (the
        lodging for the first); a visit already right is kept as is."""
        out = []
        previous: Site | None = None
        for v in sorted(day, key=lambda v: v.start):
            site = self.sites[v.site]
            need = (
                self.from_lodging(self.delegations[v.delegation], site)
                if previous is None
                else self.between(previous, site)
            )
            if v.travel_minutes_before != need:
                v = v.model_copy(update={"travel_minutes_before": need})
            out.append(v)
            previous = site
        return out

    def depart(self, day: list[Placed]) -> int:
        """start(v1) − travel(lodging, s1)."""
        first = day[0]
        return first.start - self.from_lodging(first.delegation, first.site)

    def back(self, day: list[Placed]) -> int:
        """end(vk) + travel(sk, lodging)."""
        last = max(day, key=lambda p: p.end)
        return last.end + self.to_lodging(last.site, last.delegation)

    # --- the wall clock ---------------------------------------------------

    def wall(self, minute: int) -> dt.datetime:
        """The local wall-clock date-time of a horizon minute (naive)."""
        first = dt.datetime.combine(self.instance.horizon.start, dt.time())
        return first + dt.timedelta(minutes=minute)

    def unsteady(self, lo: int, hi: int) -> str | None:
        """Why the wall-clock span [lo, hi] is not as long in real time,
        or None: an end the clock never shows or shows twice, or a
        clock change between them. Minutes count by the wall clock, so
        a visit or a day out must keep clear of clock changes.
        """
        zone = self.instance.catalog.zone
        ends = (self.wall(lo), self.wall(hi))
        for t in ends:
            first, second = (
                t.replace(tzinfo=zone),
                t.replace(tzinfo=zone, fold=1),
            )
            if first.utcoffset() != second.utcoffset():
                shown = first.astimezone(dt.UTC).astimezone(zone)
                how = (
                    "does not exist (the clocks jump forward)"
                    if shown.replace(tzinfo=None) != t
                    else "happens twice (the clocks go back)"
                )
                return f"{t:%H:%M} on {t:%a %Y-%m-%d} {how} in {zone.key}"
        a, b = (t.replace(tzinfo=zone).timestamp() for t in ends)
        real = round((b - a) / 60)
        if real != hi - lo:
            return (
                f"the clocks change in {zone.key} between {ends[0]:%H:%M} "
                f"and {ends[1]:%H:%M} on {ends[0]:%a %Y-%m-%d}: "
                f"{hi - lo} min by the clock are {real} min"
            )
        return None

    # --- calendar words ---------------------------------------------------

    def date_of(self, day: int) -> str:
        date = self.instance.horizon.start + dt.timedelta(days=day)
        return f"{date:%a %Y-%m-%d}"

    def when(self, minute: int) -> str:
        return f"{self.date_of(minute // DAY)} {format_clock(minute % DAY)}"

    def span(self, p: Placed) -> str:
        return (
            f"{p.id} {format_clock(p.start % DAY)}-{format_clock(p.end % DAY)}"
        )


def place(week: Week, schedule: Schedule) -> list[Placed]:
    """The visits whose delegation and site exist, in horizon minutes."""
    out = []
    for v in schedule.visits:
        d = week.delegations.get(v.delegation)
        s = week.sites.get(v.site)
        if d is not None and s is not None:
            minute = week.instance.minute
            out.append(Placed(v, d, s, minute(v.start), minute(v.end)))
    return out


def group_outings(placed: list[Placed]) -> Outings:
    """A delegation's visits per day, sorted by start (then end)."""
    outings: Outings = defaultdict(list)
    for p in sorted(placed, key=lambda p: (p.start, p.end, p.id)):
        outings[(p.delegation.id, p.day)].append(p)
    return dict(outings)


def serves(site: Site, delegation: Delegation, request: int) -> bool:
    """A visit to ``site`` serves request j: the named site, or its topic."""
    if not 0 <= request < len(delegation.requests):
        return False
    r = delegation.requests[request]
    if r.site is not None:
        return r.site == site.id
    return r.topic in site.topics


def served_requests(
    instance: Instance, schedule: Schedule
) -> set[tuple[str, int]]:
    """(delegation, request) pairs some visit validly serves."""
    week = Week(instance)
    return {
        (p.delegation.id, p.visit.request)
        for p in place(week, schedule)
        if p.visit.request is not None
        and serves(p.site, p.delegation, p.visit.request)
    }


def served_value(instance: Instance, schedule: Schedule) -> int:
    """Σ weight × priority over the requests served (each counted once)."""
    delegations = {d.id: d for d in instance.delegations}
    return sum(
        delegations[d].value(j) for d, j in served_requests(instance, schedule)
    )


def vehicles_needed(delegation: Delegation, seats: int) -> int:
    """ceil(size / seats)."""
    return math.ceil(delegation.size / seats)


Load = tuple[int, int, int, str]
"""An interval [lo, hi) using ``amount`` of a resource, and who uses it."""


def overloads(
    loads: list[Load], limit: int
) -> list[tuple[int, int, list[Load]]]:
    """Minutes where Σ amount over intervals holding the minute > limit.

    A load only rises where an interval starts, so the sweep looks at
    start points; each overloaded set of intervals is reported once.
    """
    found: list[tuple[int, int, list[Load]]] = []
    seen: list[frozenset[str]] = []
    for minute in sorted({lo for lo, _, _, _ in loads}):
        active = [x for x in loads if x[0] <= minute < x[1]]
        total = sum(x[2] for x in active)
        names = frozenset(x[3] for x in active)
        if total > limit and not any(names <= other for other in seen):
            seen.append(names)
            found.append((minute, total, active))
    return found


def peak(loads: list[Load]) -> int:
    """The highest Σ amount over intervals holding one minute."""
    best = 0
    for minute in {lo for lo, _, _, _ in loads}:
        best = max(best, sum(x[2] for x in loads if x[0] <= minute < x[1]))
    return best
