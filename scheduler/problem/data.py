"""Integer problem data: what every solver reads.

A calendar ``Instance`` compiles into ``ProblemData`` once
(``scheduler.compile``: minutes from the horizon's first midnight, windows,
durations, a travel matrix, resources and their limits, requests and their
values). Other front ends, such as the TOPTW benchmark, build
``ProblemData`` directly. Solvers never see calendars; ``scheduler.build``
maps their answer back to calendar times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from scheduler.problem.windows import Window, intersect, union


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
    published: tuple[LockedData, ...] = ()
    """Visits of the plan already sent out (``visits replan``) that still
    fit the week: each is kept where it is unless moving it serves more."""
    max_changes: int | None = None
    """At most this many ``published`` visits may move or go; None: any."""
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
