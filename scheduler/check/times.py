"""Rule 1, time windows: each visit's minutes, its site's hours, its stay.

``known`` comes first: the consistency checks filed under rule 1 (a
visit's delegation and site exist) and rule 4 (its id is d--s); only the
visits it places are judged by the rules after it.
"""

from __future__ import annotations

import datetime as dt

from scheduler.check.violation import Violation
from scheduler.check.week import DAY, Placed, Week, place
from scheduler.model import Schedule, visit_id
from scheduler.problem.windows import format_clock


def known(
    week: Week, schedule: Schedule
) -> tuple[list[Violation], list[Placed]]:
    """Visits name an existing delegation and site (rule 1); id = d--s (4)."""
    found = []
    for v in schedule.visits:
        if v.delegation not in week.delegations:
            found.append(
                Violation(
                    1,
                    (v.id,),
                    f'{v.id} is for delegation "{v.delegation}", which is '
                    "not in the instance",
                )
            )
        if v.site not in week.sites:
            found.append(
                Violation(
                    1,
                    (v.id,),
                    f'{v.id} is at site "{v.site}", which is not in the '
                    "catalog",
                )
            )
        expected = visit_id(v.delegation, v.site)
        if v.id != expected:
            found.append(
                Violation(
                    4,
                    (v.id,),
                    f'visit "{v.id}" of {v.delegation} at {v.site} must '
                    f'have the id "{expected}" (one visit per delegation '
                    "and site)",
                )
            )
    return found, place(week, schedule)


def times(week: Week, placed: list[Placed]) -> list[Violation]:
    """end = start + visit_minutes; start on the slot grid unless locked;
    [start, end) inside the horizon, inside one opening range of an open
    date, and inside [max(window start, arrival), min(window end,
    departure)) of its day; [start, end] clear of clock changes.
    """
    instance = week.instance
    slot = instance.horizon.slot_minutes
    locks = {
        (lock.delegation, lock.site): instance.minute(lock.start)
        for lock in instance.locked
    }
    found = []
    for p in placed:
        ids = (p.id,)
        length = p.site.visit_minutes
        if p.end != p.start + length:
            found.append(
                Violation(
                    1,
                    ids,
                    f"{p.id} runs {week.when(p.start)} to "
                    f"{week.when(p.end)}, but a visit to {p.site.name} "
                    f"lasts {length} min",
                )
            )
        locked = locks.get((p.delegation.id, p.site.id)) == p.start
        if not locked and (p.start % DAY) % slot:
            found.append(
                Violation(
                    1,
                    ids,
                    f"{p.id} starts {week.when(p.start)}, off the "
                    f"{slot}-minute grid (visits start at multiples of "
                    f"{slot} min from midnight)",
                )
            )
        if p.start < 0 or p.end > week.end:
            found.append(
                Violation(
                    1,
                    ids,
                    f"{p.id} runs {week.when(p.start)} to "
                    f"{week.when(p.end)}, outside the week "
                    f"{week.date_of(0)} to {week.date_of(week.end // DAY - 1)}",
                )
            )
        found += _opening(week, p)
        found += _stay(week, p)
        found += _steady(week, p)
    return found


def _steady(week: Week, p: Placed) -> list[Violation]:
    """[start, end] keeps clear of the hour a clock change skips or
    repeats: both ends shown once by the wall clock, and as many real
    minutes between them as wall-clock minutes."""
    why = week.unsteady(p.start, p.end)
    if why is None:
        return []
    return [
        Violation(
            1,
            (p.id,),
            f"{week.span(p)} on {week.date_of(p.day)} meets a clock "
            f"change: {why}; no visit may start, end or run in that hour",
        )
    ]


def _opening(week: Week, p: Placed) -> list[Violation]:
    """[start, end) ⊆ one opening range of the site on an open date."""
    date = week.instance.horizon.start + dt.timedelta(days=p.day)
    name, on = p.site.name, week.date_of(p.day)
    if date in p.site.closed:
        return [Violation(1, (p.id,), f"{name} is closed on {on}")]
    base = p.day * DAY
    ranges = [
        (base + lo, base + hi) for lo, hi in p.site.opening_hours.on(date)
    ]
    if any(lo <= p.start and p.end <= hi for lo, hi in ranges):
        return []
    clock = format_clock
    if not ranges:
        detail = f"{name} does not open on {on}"
    else:
        holding = [r for r in ranges if r[0] <= p.start < r[1]]
        before = [r for r in ranges if p.start < r[0] < p.end]
        if holding:
            detail = (
                f"{p.id} ends {clock(p.end - base)}, after {name} closes "
                f"at {clock(holding[0][1] - base)} on {on}"
            )
        elif before and p.end <= before[0][1]:
            detail = (
                f"{p.id} starts {clock(p.start % DAY)}, before {name} "
                f"opens at {clock(before[0][0] - base)} on {on}"
            )
        else:
            hours = ", ".join(
                f"{clock(lo - base)}-{clock(hi - base)}" for lo, hi in ranges
            )
            detail = (
                f"{week.span(p)} is outside {name}'s opening hours "
                f"({hours}) on {on}"
            )
    return [Violation(1, (p.id,), detail)]


def _stay(week: Week, p: Placed) -> list[Violation]:
    """arrival ≤ start, end ≤ departure, and inside the day window."""
    d, instance = p.delegation, week.instance
    arrival, departure = (
        instance.minute(d.arrival),
        instance.minute(d.departure),
    )
    opens, closes = (
        p.day * DAY + d.day_window[0],
        p.day * DAY + d.day_window[1],
    )
    found = []
    if p.start < arrival:
        found.append(
            f"{p.id} starts {week.when(p.start)}, before {d.name} arrives "
            f"at {week.when(arrival)}"
        )
    if p.end > departure:
        found.append(
            f"{p.id} ends {week.when(p.end)}, after {d.name} departs at "
            f"{week.when(departure)}"
        )
    if p.start < opens:
        found.append(
            f"{p.id} starts {format_clock(p.start % DAY)}, before "
            f"{d.name}'s day window opens at {format_clock(d.day_window[0])} "
            f"on {week.date_of(p.day)}"
        )
    if p.end > closes:
        found.append(
            f"{p.id} ends {format_clock(p.end - p.day * DAY)}, after "
            f"{d.name}'s day window closes at "
            f"{format_clock(d.day_window[1])} on {week.date_of(p.day)}"
        )
    return [Violation(1, (p.id,), text) for text in found]
