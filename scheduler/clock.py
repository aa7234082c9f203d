"""Clock changes: the hour a daylight-saving zone skips or repeats.

The model counts minutes by the local wall clock (opening hours, day
windows and lunch are wall-clock ranges), so a visit lasts its wall-clock
length only where the clock runs steadily. Where it jumps forward (spring)
an hour of wall-clock times does not exist; where it falls back (autumn)
an hour happens twice. No visit and no day out may start, end or run in
such an hour (docs/model.md, "Clock changes"): ``compile`` cuts it out of
the sites' hours and the delegations' days, and the loaders refuse a time
written in a file that does not exist (or, with a UTC offset, names the
second of two equal wall-clock times). A local time written without an
offset that happens twice is read as the first (``fold=0``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from scheduler.errors import Problem
from scheduler.problem.windows import Window, format_clock, subtract

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from scheduler.model import Catalog, Instance

DAY = 1440
_STEP = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ClockChange:
    """The wall-clock hour [start, end) in horizon minutes that a change
    skips or repeats; ``begins`` is its first wall-clock date-time."""

    start: int
    end: int
    skipped: bool
    begins: dt.datetime

    @property
    def words(self) -> str:
        """E.g. "on 2026-03-08 the clocks go from 02:00 to 03:00"."""
        base = self.start // DAY * DAY
        start = format_clock(self.start - base)
        end = format_clock(self.end - base)
        if self.skipped:
            return f"on {self.begins:%Y-%m-%d} the clocks go from {start} to {end}"
        return (
            f"on {self.begins:%Y-%m-%d} the clocks go back from {end} to "
            f"{start}, so {start}-{end} happens twice"
        )


@lru_cache(maxsize=64)
def clock_changes(
    zone: ZoneInfo, first: dt.date, days: int
) -> tuple[ClockChange, ...]:
    """The changes of ``zone`` that touch the horizon of ``days`` days from
    ``first`` (two days either side are scanned: a change late the evening
    before can reach the first midnight)."""
    midnight = dt.datetime.combine(first, dt.time())
    scan = dt.datetime.combine(first - dt.timedelta(days=2), dt.time(), dt.UTC)
    stop = scan + dt.timedelta(days=days + 4)
    changes = []
    offset = scan.astimezone(zone).utcoffset()
    while scan < stop:
        later = scan + _STEP
        after = later.astimezone(zone).utcoffset()
        if after != offset and offset is not None and after is not None:
            moment = _first_with(zone, scan, later, after)
            wall_before = (moment + offset).replace(tzinfo=None)
            wall_after = (moment + after).replace(tzinfo=None)
            lo, hi = sorted((wall_before, wall_after))
            changes.append(
                ClockChange(
                    start=_minutes(lo - midnight),
                    end=_minutes(hi - midnight),
                    skipped=wall_after > wall_before,
                    begins=lo,
                )
            )
        scan, offset = later, after
    return tuple(c for c in changes if c.end >= 0 and c.start <= days * DAY)


def _first_with(
    zone: ZoneInfo, lo: dt.datetime, hi: dt.datetime, offset: dt.timedelta
) -> dt.datetime:
    """The first UTC minute in (lo, hi] whose offset is ``offset``."""
    while hi - lo > dt.timedelta(minutes=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(second=0, microsecond=0)
        if mid <= lo:
            break
        if mid.astimezone(zone).utcoffset() == offset:
            hi = mid
        else:
            lo = mid
    return hi


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def steady_hours(
    ranges: list[Window], changes: tuple[ClockChange, ...]
) -> list[Window]:
    """Half-open ranges that hold a visit [s, e) only if neither s nor e
    nor any minute between lies in a changed hour: cut [start − 1, end)
    (a visit may end at start − 1, not at start, which may not exist)."""
    return subtract(ranges, [(c.start - 1, c.end) for c in changes])


def steady_day(
    lo: int, hi: int, changes: tuple[ClockChange, ...]
) -> tuple[int, int] | None:
    """A day out [lo, hi] (leave ≥ lo, back ≤ hi) that runs through a
    changed hour keeps its longer part on one side (the later on a tie)."""
    pieces = subtract([(lo, hi + 1)], [(c.start, c.end) for c in changes])
    if not pieces:
        return None
    a, b = max(pieces, key=lambda p: (p[1] - p[0], p[0]))
    return a, b - 1


# --- times written in files ------------------------------------------------


def time_problem(zone: ZoneInfo, value: dt.datetime) -> str | None:
    """Why ``value`` cannot be placed on the wall clock of ``zone``, or None.

    A local time that does not exist is refused; one with a UTC offset
    that names the second of two equal wall-clock times is refused too
    (the model would read it as the first). A local time without offset
    that happens twice is the first (fold=0), as documented.
    """
    if value.tzinfo is None:
        aware = value.replace(tzinfo=zone)
        back = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
        if back == value:
            return None
        return (
            f"{value:%Y-%m-%d %H:%M} does not exist in {zone.key}: the "
            "clocks jump forward that night; write the time the clock "
            f"shows, e.g. {back:%Y-%m-%dT%H:%M} (the same moment) or a "
            "time before the change"
        )
    local = value.astimezone(zone)
    if (
        local.fold == 1
        and local.utcoffset() != local.replace(fold=0).utcoffset()
    ):
        first = local.replace(fold=0)
        return (
            f"{value.isoformat()} is the second {local:%H:%M} of "
            f"{local:%Y-%m-%d} in {zone.key} (the clocks go back that "
            f"night); times are read by the wall clock, which takes the "
            f"first ({first.isoformat()}): move it out of the repeated hour"
        )
    return None


Where = Callable[[int], tuple[str, str]]
"""Delegation index -> (file, field path prefix) where the user wrote it."""


def catalog_clock_problems(catalog: Catalog, file: str) -> list[Problem]:
    """Presenters' absences at times the catalog's clock never shows."""
    problems = []
    for i, presenter in enumerate(catalog.presenters):
        for j, absence in enumerate(presenter.unavailable):
            for field in ("start", "end"):
                why = time_problem(catalog.zone, getattr(absence, field))
                if why:
                    path = f"presenters[{i}].unavailable[{j}].{field}"
                    problems.append(Problem(file, path, why))
    return problems


def week_clock_problems(
    instance: Instance, file: str, where: Where | None = None
) -> list[Problem]:
    """Arrivals, departures and locked starts the clock never shows, and
    locked visits that would run in a changed hour."""
    zone = instance.catalog.zone
    problems = []
    for i, d in enumerate(instance.delegations):
        at, path = where(i) if where else (file, f"delegations[{i}]")
        for field in ("arrival", "departure"):
            why = time_problem(zone, getattr(d, field))
            if why:
                problems.append(Problem(at, f"{path}.{field}", why))
    horizon = instance.horizon
    changes = clock_changes(zone, horizon.start, horizon.days)
    sites = {s.id: s for s in instance.catalog.sites}
    for i, lock in enumerate(instance.locked):
        path = f"locked[{i}].start"
        why = time_problem(zone, lock.start)
        if why:
            problems.append(Problem(file, path, why))
            continue
        site = sites.get(lock.site)
        if site is None:
            continue
        start = instance.minute(lock.start)
        end = start + site.visit_minutes
        for change in changes:
            if start < change.end and end >= change.start:
                problems.append(
                    Problem(
                        file,
                        path,
                        f"the locked visit to {lock.site} would run "
                        f"{format_clock(start % DAY)}-{format_clock(end % DAY)}"
                        f", into the clock change ({change.words}); no "
                        "visit may start, end or run in that hour: lock "
                        "it earlier or later",
                    )
                )
    return problems
