"""Rules 2 and 3: a delegation's day out, its travel and its lunch.

Rule 2: one place at a time with the travel between, the recorded
``travel_minutes_before``, and leaving and returning to the lodging inside
the day window and the stay. Rule 3: a lunch break that fits the day.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from scheduler.check.violation import Violation
from scheduler.check.week import DAY, Outings, Placed, Week
from scheduler.problem.windows import format_clock

if TYPE_CHECKING:
    from scheduler.model import Delegation


def days_out(week: Week, outings: Outings) -> list[Violation]:
    """Per delegation-day v1..vk at s1..sk:
    start(v_{i+1}) ≥ end(v_i) + travel(s_i, s_{i+1});
    start(v1) − travel(lodging, s1) ≥ max(window start, arrival);
    end(vk) + travel(sk, lodging) ≤ min(window end, departure);
    [leave, return] clear of clock changes;
    travel_minutes_before(v_i) = travel from the previous place.
    """
    found = []
    for (_, day), visits in outings.items():
        d = visits[0].delegation
        first = visits[0]
        lead = week.from_lodging(d, first.site)
        found += _recorded(first, lead, "its lodging")
        for a, b in itertools.pairwise(visits):
            need = week.between(a.site, b.site)
            found += _recorded(b, need, a.site.name)
            if b.start < a.end:
                found.append(
                    Violation(
                        2,
                        (a.id, b.id),
                        f"{week.span(a)} and {week.span(b)} overlap on "
                        f"{week.date_of(day)}: {d.name} can be at one "
                        "place at a time",
                    )
                )
            elif b.start < a.end + need:
                found.append(
                    Violation(
                        2,
                        (a.id, b.id),
                        f"{b.id} starts {format_clock(b.start % DAY)}, but "
                        f"{d.name} needs {need} min from {a.site.name} "
                        f"(left {format_clock(a.end % DAY)}): earliest "
                        f"{format_clock((a.end + need) % DAY)} on "
                        f"{week.date_of(day)}",
                    )
                )
        found += _leave_and_return(week, d, day, visits)
    return found


def _recorded(p: Placed, travel: int, origin: str) -> list[Violation]:
    if p.visit.travel_minutes_before == travel:
        return []
    return [
        Violation(
            2,
            (p.id,),
            f"{p.id} records {p.visit.travel_minutes_before} travel min "
            f"before it, but the trip from {origin} takes {travel} min",
        )
    ]


def _leave_and_return(
    week: Week,
    d: Delegation,
    day: int,
    visits: list[Placed],
) -> list[Violation]:
    instance = week.instance
    arrival, departure = (
        instance.minute(d.arrival),
        instance.minute(d.departure),
    )
    opens, closes = day * DAY + d.day_window[0], day * DAY + d.day_window[1]
    depart, back = week.depart(visits), week.back(visits)
    first = visits[0]
    last = max(visits, key=lambda p: p.end)
    found = []
    if depart < max(opens, arrival):
        limit = (
            f"it arrives at {week.when(arrival)}"
            if arrival > opens
            else f"its day window opens at {format_clock(d.day_window[0])}"
        )
        found.append(
            Violation(
                2,
                (first.id,),
                f"{d.name} must leave its lodging at {week.when(depart)} "
                f"to reach {first.site.name} by "
                f"{format_clock(first.start % DAY)}, but {limit}",
            )
        )
    if back > min(closes, departure):
        limit = (
            f"it departs at {week.when(departure)}"
            if departure < closes
            else f"its day window closes at {format_clock(d.day_window[1])}"
        )
        found.append(
            Violation(
                2,
                (last.id,),
                f"{d.name} gets back to its lodging from {last.site.name} "
                f"at {week.when(back)}, but {limit}",
            )
        )
    why = week.unsteady(depart, back)
    if why is not None:
        found.append(
            Violation(
                2,
                tuple(p.id for p in visits),
                f"{d.name}'s day out {week.when(depart)} to "
                f"{format_clock(back % DAY)} meets a clock change: {why}; "
                "leave and return outside that hour",
            )
        )
    return found


def lunch(week: Week, outings: Outings) -> list[Violation]:
    """Each day with a visit has an a with [a, a+m) ⊆ lunch window, no
    visit overlapping it, and travel beside it: before v1,
    a + m + travel(lodging, s1) ≤ start(v1); after vk,
    a ≥ end(vk) + travel(sk, lodging); between v_i and v_{i+1},
    start(v_{i+1}) − end(v_i) ≥ travel(s_i, s_{i+1}) + m.
    """
    found = []
    for (_, day), visits in outings.items():
        d = visits[0].delegation
        m = d.lunch.minutes
        if m == 0:
            continue
        lo, hi = day * DAY + d.lunch.window[0], day * DAY + d.lunch.window[1]
        if any(_lunch_fits(week, visits, a, m) for a in range(lo, hi - m + 1)):
            continue
        agenda = ", ".join(week.span(p) for p in visits)
        found.append(
            Violation(
                3,
                tuple(p.id for p in visits),
                f"{d.name} gets no {m}-minute lunch between "
                f"{format_clock(d.lunch.window[0])} and "
                f"{format_clock(d.lunch.window[1])} on {week.date_of(day)} "
                f"(visits and travel: {agenda})",
            )
        )
    return found


def _lunch_fits(week: Week, visits: list[Placed], a: int, m: int) -> bool:
    if any(p.start < a + m and a < p.end for p in visits):
        return False
    before = [p for p in visits if p.end <= a]
    after = [p for p in visits if p.start >= a + m]
    if not before:
        nxt = min(after, key=lambda p: p.start)
        lead = week.from_lodging(nxt.delegation, nxt.site)
        return a + m + lead <= nxt.start
    prev = max(before, key=lambda p: p.end)
    if not after:
        return a >= prev.end + week.to_lodging(prev.site, prev.delegation)
    nxt = min(after, key=lambda p: p.start)
    return nxt.start - prev.end >= week.between(prev.site, nxt.site) + m
