"""`visits check`: an independent judge of a schedule against SPEC 1–9.

The judge reads the calendar ``Instance`` and the ``Schedule`` only; it
knows nothing of ``ProblemData`` or of any solver, so a bug in the
compilation or in a solver cannot hide itself here. Every check states the
rule it enforces as a formula in its docstring; every violation names the
rule, the visits involved and what a coordinator should look at.

Besides the hard rules, a schedule must be consistent with itself, and
those checks are filed under the nearest rule: unknown delegation or site
and the slot grid (rule 1), a recorded ``travel_minutes_before`` that is
not the travel time (rule 2), visit ids (rule 4), unknown presenters (rule
6), vehicle pools (rule 8), and the ``request`` a visit claims (rule 9).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass

from scheduler.model import (
    Delegation,
    Instance,
    Presenter,
    Schedule,
    Site,
    Visit,
    visit_id,
)
from scheduler.problem.travel import TravelTimes
from scheduler.problem.windows import format_clock

DAY = 1440
"""Minutes in a day; horizon minute m lies on day m // DAY."""


@dataclass(frozen=True)
class Violation:
    """A broken hard rule: its SPEC number, the visits, and why, in words."""

    rule: int
    visit_ids: tuple[str, ...]
    detail: str

    def __str__(self) -> str:
        return f"rule {self.rule} [{', '.join(self.visit_ids)}]: {self.detail}"


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

    def depart(self, day: list[Placed]) -> int:
        """start(v1) − travel(lodging, s1)."""
        first = day[0]
        return first.start - self.from_lodging(first.delegation, first.site)

    def back(self, day: list[Placed]) -> int:
        """end(vk) + travel(sk, lodging)."""
        last = max(day, key=lambda p: p.end)
        return last.end + self.to_lodging(last.site, last.delegation)

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


# --- the public judge --------------------------------------------------------


def violations(instance: Instance, schedule: Schedule) -> list[Violation]:
    """Every broken hard rule of SPEC 1–9 (empty: the schedule is valid)."""
    week = Week(instance)
    found, placed = _known(week, schedule)
    outings = group_outings(placed)
    found += _times(week, placed)
    found += _days_out(week, outings)
    found += _lunch(week, outings)
    found += _per_day_and_site(week, placed, outings)
    found += _capacity(week, placed)
    found += _presenters(week, placed)
    found += _access(placed)
    found += _vehicles(week, outings)
    found += _requests(week, placed)
    found += _locked(week, placed)
    return found


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


# --- consistency --------------------------------------------------------------


def _known(
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


# --- rule 1 -------------------------------------------------------------------


def _times(week: Week, placed: list[Placed]) -> list[Violation]:
    """end = start + visit_minutes; start on the slot grid unless locked;
    [start, end) inside the horizon, inside one opening range of an open
    date, and inside [max(window start, arrival), min(window end,
    departure)) of its day.
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
    return found


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


# --- rule 2 -------------------------------------------------------------------


def _days_out(week: Week, outings: Outings) -> list[Violation]:
    """Per delegation-day v1..vk at s1..sk:
    start(v_{i+1}) ≥ end(v_i) + travel(s_i, s_{i+1});
    start(v1) − travel(lodging, s1) ≥ max(window start, arrival);
    end(vk) + travel(sk, lodging) ≤ min(window end, departure);
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
    return found


# --- rule 3 -------------------------------------------------------------------


def _lunch(week: Week, outings: Outings) -> list[Violation]:
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


# --- rule 4 -------------------------------------------------------------------


def _per_day_and_site(
    week: Week, placed: list[Placed], outings: Outings
) -> list[Violation]:
    """#visits(d, day) ≤ max_visits_per_day; #visits(d, s) ≤ 1."""
    found = []
    for (_, day), visits in outings.items():
        d = visits[0].delegation
        if len(visits) > d.max_visits_per_day:
            found.append(
                Violation(
                    4,
                    tuple(p.id for p in visits),
                    f"{d.name} has {len(visits)} visits on "
                    f"{week.date_of(day)}, more than its maximum of "
                    f"{d.max_visits_per_day} a day",
                )
            )
    pairs: dict[tuple[str, str], list[Placed]] = defaultdict(list)
    for p in placed:
        pairs[(p.delegation.id, p.site.id)].append(p)
    for same in pairs.values():
        if len(same) > 1:
            p = same[0]
            times = ", ".join(week.when(x.start) for x in same)
            found.append(
                Violation(
                    4,
                    tuple(x.id for x in same),
                    f"{p.delegation.name} visits {p.site.name} "
                    f"{len(same)} times ({times}); a delegation visits a "
                    "site at most once",
                )
            )
    return found


# --- rule 5 -------------------------------------------------------------------


def _capacity(week: Week, placed: list[Placed]) -> list[Violation]:
    """At any minute, per site: Σ size ≤ capacity and #groups ≤ max_groups."""
    by_site: dict[str, list[Placed]] = defaultdict(list)
    for p in placed:
        by_site[p.site.id].append(p)
    found = []
    for visits in by_site.values():
        site = visits[0].site
        people = [(p.start, p.end, p.delegation.size, p.id) for p in visits]
        for minute, total, active in overloads(people, site.capacity):
            who = ", ".join(f"{x[3]} ({x[2]})" for x in active)
            found.append(
                Violation(
                    5,
                    tuple(x[3] for x in active),
                    f"{site.name} holds {total} people at "
                    f"{week.when(minute)} ({who}), over its capacity of "
                    f"{site.capacity}",
                )
            )
        groups = [(p.start, p.end, 1, p.id) for p in visits]
        for minute, total, active in overloads(groups, site.max_groups):
            found.append(
                Violation(
                    5,
                    tuple(x[3] for x in active),
                    f"{site.name} hosts {total} delegations at "
                    f"{week.when(minute)}, over its limit of "
                    f"{site.max_groups} at once",
                )
            )
    return found


# --- rule 6 -------------------------------------------------------------------


def _presenters(week: Week, placed: list[Placed]) -> list[Violation]:
    """Presenter required ⇒ one known presenter of the site's department
    who speaks a delegation language and is available for [start, end);
    per presenter: no two visits overlap, ≤ max_visits_per_day a day.
    """
    found = []
    by_presenter: dict[str, list[Placed]] = defaultdict(list)
    for p in placed:
        name = p.visit.presenter
        if name is None:
            if p.site.presenter_required:
                dept = week.departments.get(p.site.department, "")
                found.append(
                    Violation(
                        6,
                        (p.id,),
                        f"{p.id} has no presenter; {p.site.name} needs one "
                        f"from {dept or p.site.department}",
                    )
                )
            continue
        presenter = week.presenters.get(name)
        if presenter is None:
            found.append(
                Violation(
                    6,
                    (p.id,),
                    f'{p.id} names presenter "{name}", who is not in the '
                    "catalog",
                )
            )
            continue
        by_presenter[name].append(p)
        if p.site.presenter_required:
            found += _presenter_fits(week, p, presenter)
    for name, visits in by_presenter.items():
        found += _presenter_load(week, week.presenters[name], visits)
    return found


def _presenter_fits(
    week: Week, p: Placed, presenter: Presenter
) -> list[Violation]:
    found = []
    if presenter.department != p.site.department:
        found.append(
            f"{presenter.name} works for "
            f"{week.departments.get(presenter.department)}, not for "
            f"{week.departments.get(p.site.department)}, which hosts "
            f"{p.site.name}"
        )
    if not set(presenter.languages) & set(p.delegation.languages):
        found.append(
            f"{presenter.name} speaks {', '.join(presenter.languages)}; "
            f"{p.delegation.name} speaks "
            f"{', '.join(p.delegation.languages)}"
        )
    found += _available(week, p, presenter)
    return [Violation(6, (p.id,), text) for text in found]


def _available(week: Week, p: Placed, presenter: Presenter) -> list[str]:
    """[start, end) ⊆ one weekly availability range (adjacent ranges
    joined; None = always) and disjoint from every unavailable range.
    """
    out = []
    instance = week.instance
    if presenter.availability is not None:
        date = instance.horizon.start + dt.timedelta(days=p.day)
        base = p.day * DAY
        ranges = _joined(
            [
                (base + lo, base + hi)
                for lo, hi in presenter.availability.on(date)
            ]
        )
        if not any(lo <= p.start and p.end <= hi for lo, hi in ranges):
            hours = ", ".join(
                f"{format_clock(lo - base)}-{format_clock(hi - base)}"
                for lo, hi in ranges
            )
            out.append(
                f"{presenter.name} is not available for {week.span(p)} on "
                f"{week.date_of(p.day)} (available: {hours or 'not at all'})"
            )
    for off in presenter.unavailable:
        lo, hi = instance.minute(off.start), instance.minute(off.end)
        if lo < p.end and p.start < hi:
            out.append(
                f"{presenter.name} is unavailable from {week.when(lo)} to "
                f"{week.when(hi)}, during {week.span(p)}"
            )
    return out


def _joined(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _presenter_load(
    week: Week, presenter: Presenter, visits: list[Placed]
) -> list[Violation]:
    found = []
    loads = [(p.start, p.end, 1, p.id) for p in visits]
    spans = {p.id: week.span(p) for p in visits}
    for minute, _, active in overloads(loads, 1):
        found.append(
            Violation(
                6,
                tuple(x[3] for x in active),
                f"{presenter.name} has {len(active)} visits at once at "
                f"{week.when(minute)}: "
                + ", ".join(spans[x[3]] for x in active),
            )
        )
    per_day: dict[int, list[Placed]] = defaultdict(list)
    for p in visits:
        per_day[p.day].append(p)
    for day, same in sorted(per_day.items()):
        if len(same) > presenter.max_visits_per_day:
            found.append(
                Violation(
                    6,
                    tuple(p.id for p in same),
                    f"{presenter.name} has {len(same)} visits on "
                    f"{week.date_of(day)}, more than their maximum of "
                    f"{presenter.max_visits_per_day}",
                )
            )
    return found


# --- rule 7 -------------------------------------------------------------------


def _access(placed: list[Placed]) -> list[Violation]:
    """accessible_only(d) ⇒ accessible(s)."""
    return [
        Violation(
            7,
            (p.id,),
            f"{p.delegation.name} needs accessible sites, and "
            f"{p.site.name} is not known to be accessible",
        )
        for p in placed
        if p.delegation.accessible_only and not p.site.accessible
    ]


# --- rule 8 -------------------------------------------------------------------


def _vehicles(week: Week, outings: Outings) -> list[Violation]:
    """A delegation-day rides one existing pool (vehicle_pool set alike on
    all its visits) and uses ceil(size / seats) of its vehicles during
    [depart, return); per pool, at any minute Σ vehicles ≤ count.
    """
    found = []
    loads: dict[str, list[Load]] = defaultdict(list)
    for (_, day), visits in outings.items():
        d = visits[0].delegation
        ids = tuple(p.id for p in visits)
        names = {p.visit.vehicle_pool for p in visits}
        missing = [p.id for p in visits if p.visit.vehicle_pool is None]
        if missing:
            found.append(
                Violation(
                    8,
                    tuple(missing),
                    f"{', '.join(missing)} has no vehicle pool; {d.name} "
                    f"needs vehicles every day it has a visit",
                )
            )
            continue
        if len(names) > 1:
            found.append(
                Violation(
                    8,
                    ids,
                    f"{d.name} rides pools {', '.join(sorted(map(str, names)))} on "
                    f"{week.date_of(day)}; a day's visits use one pool",
                )
            )
            continue
        pool = week.pools.get(str(visits[0].visit.vehicle_pool))
        if pool is None:
            found.append(
                Violation(
                    8,
                    ids,
                    f'vehicle pool "{visits[0].visit.vehicle_pool}" is not '
                    "in the catalog",
                )
            )
            continue
        need = vehicles_needed(d, pool.seats)
        loads[pool.id].append(
            (week.depart(visits), week.back(visits), need, d.id)
        )
    for name, pool_loads in loads.items():
        pool = week.pools[name]
        for minute, total, active in overloads(pool_loads, pool.count):
            who = ", ".join(f"{x[3]} {x[2]}" for x in active)
            found.append(
                Violation(
                    8,
                    _outing_ids(outings, active),
                    f"pool {pool.id} has {total} vehicles out at "
                    f"{week.when(minute)} ({who}), more than its "
                    f"{pool.count}",
                )
            )
    return found


def _outing_ids(outings: Outings, active: list[Load]) -> tuple[str, ...]:
    ids: list[str] = []
    for lo, _, _, d in active:
        ids += [p.id for p in outings.get((d, lo // DAY), [])]
    return tuple(ids)


# --- rule 9 -------------------------------------------------------------------


def _requests(week: Week, placed: list[Placed]) -> list[Violation]:
    """request(v) = j ⇒ j exists and site(v) serves it; a request is
    served by one visit at most; every required request is served.
    """
    found = []
    claims: dict[tuple[str, int], list[Placed]] = defaultdict(list)
    for p in placed:
        j = p.visit.request
        if j is None:
            continue
        d = p.delegation
        if not 0 <= j < len(d.requests):
            found.append(
                Violation(
                    9,
                    (p.id,),
                    f"{p.id} serves request {j}, but {d.name} has "
                    f"{len(d.requests)} request(s), numbered from 0",
                )
            )
            continue
        r = d.requests[j]
        if not serves(p.site, d, j):
            why = (
                f"it asks for site {r.site}"
                if r.site is not None
                else f"{p.site.name} has no topic {r.topic}"
            )
            found.append(
                Violation(
                    9,
                    (p.id,),
                    f"{p.id} claims request {j} ({r.label}) of {d.name}, "
                    f"but {why}",
                )
            )
            continue
        claims[(d.id, j)].append(p)
    for (_, j), visits in claims.items():
        if len(visits) > 1:
            found.append(
                Violation(
                    9,
                    tuple(p.id for p in visits),
                    f"{' and '.join(p.id for p in visits)} all claim "
                    f"request {j} of {visits[0].delegation.name}; a "
                    "request is served by one visit",
                )
            )
    for d in week.instance.delegations:
        for j, r in enumerate(d.requests):
            if r.required and (d.id, j) not in claims:
                found.append(
                    Violation(
                        9,
                        (),
                        f"required request {j} ({r.label}) of {d.name} is "
                        "not served",
                    )
                )
    return found


def _locked(week: Week, placed: list[Placed]) -> list[Violation]:
    """A locked visit is in the schedule at its start, with its presenter."""
    found = []
    instance = week.instance
    at = {(p.delegation.id, p.site.id): p for p in placed}
    for lock in instance.locked:
        vid = visit_id(lock.delegation, lock.site)
        start = instance.minute(lock.start)
        p = at.get((lock.delegation, lock.site))
        if p is None:
            found.append(
                Violation(
                    9,
                    (vid,),
                    f"locked visit {vid} at {week.when(start)} is missing",
                )
            )
            continue
        if p.start != start:
            found.append(
                Violation(
                    9,
                    (vid,),
                    f"{vid} starts {week.when(p.start)}, but it is locked "
                    f"at {week.when(start)}",
                )
            )
        if lock.presenter is not None and p.visit.presenter != lock.presenter:
            found.append(
                Violation(
                    9,
                    (vid,),
                    f"{vid} is presented by {p.visit.presenter or 'nobody'}, "
                    f"but it is locked with {lock.presenter}",
                )
            )
    return found
