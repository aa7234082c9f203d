"""A delegation's day as people live it: transfers, visits and lunch.

The schedule only holds visits; the agenda adds the transfer before each
visit (``travel_minutes_before`` minutes ending at its start) and the lunch
break at the earliest time the project's lunch rule allows (see
``lunch_minute``). Both the iCalendar agendas and the HTML report read
this, so they always agree.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from scheduler.travel import TravelTimes

if TYPE_CHECKING:
    from scheduler.model import Delegation, Instance, Schedule, Site, Visit

log = logging.getLogger(__name__)

Kind = Literal["visit", "transfer", "lunch"]
ROUND_TO = 5
"""Lunch starts on a 5-minute mark where it fits: people read agendas."""


@dataclass(frozen=True)
class AgendaItem:
    """One block of a delegation's day, in aware local time."""

    kind: Kind
    start: dt.datetime
    end: dt.datetime
    visit: Visit | None = None
    site: Site | None = None
    """The visit's site; for a transfer, where it goes."""
    origin: Site | None = None
    """For a transfer: the site it leaves, None for the lodging."""


def lodging_name(delegation: Delegation) -> str:
    """The place name ``TravelTimes`` uses for a delegation's lodging."""
    return f"lodging:{delegation.id}"


def lunch_minute(
    lunch_window: tuple[int, int],
    lunch_minutes: int,
    day_visits: list[tuple[int, int, int]],
    travel_home: int,
) -> int | None:
    """Earliest clock minute ``a`` a lunch of ``lunch_minutes`` can start.

    ``day_visits`` holds (start, end, travel before) per visit of the day,
    clock minutes, sorted by start; ``travel_home`` is the trip from the
    last site to the lodging. The rule (common brief): ``[a, a+m)`` inside
    the window, no visit overlaps it, and the travel does not overlap it:

    - before v1: ``a + m + travel(lodging, s1) ≤ start(v1)``;
    - between vi and vi+1: the gap holds the lunch and the transfer, in
      either order: ``a ≥ end(vi)`` and ``a + m + travel ≤ start(vi+1)``,
      or ``a ≥ end(vi) + travel`` and ``a + m ≤ start(vi+1)``;
    - after vk: ``a ≥ end(vk) + travel(sk, lodging)``.

    ``a`` is rounded up to ``ROUND_TO`` minutes where that still fits, so
    agendas read 12:10 rather than 12:07. None when no such ``a`` exists
    (the schedule breaks the lunch rule).
    """
    low, high = lunch_window
    m = lunch_minutes
    if not day_visits:
        return None
    first_start, _, first_travel = day_visits[0]
    candidates: list[tuple[int, int]] = [(low, first_start - first_travel)]
    for (_, end, _), (start, _, travel) in itertools.pairwise(day_visits):
        candidates.append((end, start - travel))
        candidates.append((end + travel, start))
    candidates.append((day_visits[-1][1] + travel_home, high))
    for earliest, latest_end in candidates:
        exact = max(low, earliest)
        for a in (-(-exact // ROUND_TO) * ROUND_TO, exact):
            if a + m <= min(high, latest_end):
                return a
    return None


def delegation_days(
    schedule: Schedule, instance: Instance, delegation_id: str
) -> dict[dt.date, list[AgendaItem]]:
    """The delegation's agenda per local date, items sorted by start."""
    delegation = instance.delegation(delegation_id)
    sites = {s.id: s for s in instance.catalog.sites}
    travel = TravelTimes(instance.catalog.travel)
    by_date: dict[dt.date, list[Visit]] = {}
    for visit in schedule.visits_of(delegation_id):
        by_date.setdefault(instance.local(visit.start).date(), []).append(
            visit
        )
    days: dict[dt.date, list[AgendaItem]] = {}
    for date, visits in sorted(by_date.items()):
        items: list[AgendaItem] = []
        clock: list[tuple[int, int, int]] = []
        previous: Site | None = None
        for visit in visits:
            site = sites[visit.site]
            start = instance.local(visit.start)
            end = instance.local(visit.end)
            clock.append(
                (_clock(start), _clock(end), visit.travel_minutes_before)
            )
            if visit.travel_minutes_before > 0:
                items.append(
                    AgendaItem(
                        kind="transfer",
                        start=start
                        - dt.timedelta(minutes=visit.travel_minutes_before),
                        end=start,
                        visit=visit,
                        site=site,
                        origin=previous,
                    )
                )
            items.append(
                AgendaItem(
                    kind="visit", start=start, end=end, visit=visit, site=site
                )
            )
            previous = site
        if delegation.lunch.minutes > 0 and previous is not None:
            home = travel.minutes(
                previous.id,
                previous.location,
                lodging_name(delegation),
                delegation.lodging,
            )
            a = lunch_minute(
                delegation.lunch.window, delegation.lunch.minutes, clock, home
            )
            if a is None:
                log.warning(
                    "delegation %s has no valid lunch on %s; the agenda "
                    "shows none",
                    delegation_id,
                    date,
                )
            else:
                items = _with_lunch(items, date, a, delegation, instance)
        days[date] = sorted(items, key=lambda item: (item.start, item.end))
    return days


def _clock(moment: dt.datetime) -> int:
    return moment.hour * 60 + moment.minute


def _with_lunch(
    items: list[AgendaItem],
    date: dt.date,
    a: int,
    delegation: Delegation,
    instance: Instance,
) -> list[AgendaItem]:
    """Add the lunch; a transfer it would overlap moves before it.

    Only possible when the lunch sits at the destination end of a gap
    (``a ≥ end(vi) + travel``): the transfer then leaves right after vi.
    """
    zone = instance.catalog.zone
    start = dt.datetime.combine(date, dt.time(a // 60, a % 60), tzinfo=zone)
    end = start + dt.timedelta(minutes=delegation.lunch.minutes)
    out: list[AgendaItem] = []
    for i, item in enumerate(items):
        if item.kind == "transfer" and item.start < end and start < item.end:
            length = item.end - item.start
            before = items[i - 1].end if i > 0 else start - length
            item = AgendaItem(
                kind="transfer",
                start=before,
                end=before + length,
                visit=item.visit,
                site=item.site,
                origin=item.origin,
            )
        out.append(item)
    out.append(AgendaItem(kind="lunch", start=start, end=end))
    return out
