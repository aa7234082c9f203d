"""Why a request is not served, in words a coordinator understands.

Two kinds of reason (SPEC "Objective"):

- static: the request could never be served, whatever else is planned
  ("group of 45 > capacity 40 at Ruta N", "no presenter of Metro de
  Medellín speaks ko", "Parque Explora is closed during the stay"). Found
  from the data alone, by asking an empty ``Timeline`` about every start.
- outcompeted: it could be served alone, but the final schedule leaves no
  room. The request is tried at every site and start of the final schedule;
  the rule that blocks it most often names the resource it lost on.

This is the solver side, in problem-data ids and English only: the greedy
solver words its conflicts with it. A calendar schedule's reasons, in the
catalog's names and both languages, come from ``scheduler.explain``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scheduler.problem.timeline import Blocker, Timeline, lunch_fits
from scheduler.problem.windows import format_clock, intersect

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scheduler.problem.data import ProblemData
    from scheduler.problem.solution import PlannedVisit

SHOWN_SITES = 3
"""A topic request's reason lists at most this many sites."""


@dataclass(frozen=True)
class Words:
    """Display names in problem data: site ids and department names."""

    sites: tuple[str, ...]
    departments: tuple[str, ...]

    @classmethod
    def of_data(cls, data: ProblemData) -> Words:
        return cls(
            sites=tuple(s.name for s in data.sites),
            departments=data.departments,
        )

    def topic(self, d: int, j: int) -> str:
        """Problem data keeps no topic names."""
        del d, j
        return "the requested topic"


# --- public ---------------------------------------------------------------------


def unserved_reasons(
    data: ProblemData,
    visits: Sequence[PlannedVisit],
    served: set[tuple[int, int]],
) -> dict[tuple[int, int], str]:
    """A reason for every request (d, j) not in ``served``, in ids."""
    words = Words.of_data(data)
    empty = Timeline(data)
    final = Timeline(data)
    for v in sorted(visits, key=lambda v: v.start):
        final.place(v)
    reasons = {}
    for d, dd in enumerate(data.delegations):
        for j in range(len(dd.requests)):
            if (d, j) in served:
                continue
            reasons[(d, j)] = static_reason_of(
                data, d, j, empty, words
            ) or outcompeted(data, d, j, final, words)
    return reasons


# --- static -------------------------------------------------------------------


def static_reason_of(
    data: ProblemData, d: int, j: int, empty: Timeline, words: Words
) -> str | None:
    """The static reason of request j of delegation d, or None."""
    dd = data.delegations[d]
    request = dd.requests[j]
    if not request.sites:
        return f"no site offers {words.topic(d, j)}"
    if not dd.days:
        return "the stay leaves no time inside the day window"
    vehicles = _vehicle_reason(data, d)
    if vehicles:
        return vehicles
    found = []
    for s in request.sites:
        reason = _site_reason(data, d, s, empty, words)
        if reason is None:
            return None
        found.append(reason)
    if len(found) == 1:
        return found[0][1]
    return _combined(data, d, j, found, words)


def _vehicle_reason(data: ProblemData, d: int) -> str | None:
    """No pool has ceil(size / seats) vehicles for the group."""
    if not data.vehicles:
        return "there are no vehicles in the catalog"
    if any(
        data.vehicles_needed(d, p) <= pool.count
        for p, pool in enumerate(data.vehicles)
    ):
        return None
    size = data.delegations[d].size
    return f"no vehicle pool can carry a group of {size} at once"


Reason = tuple[str, str]
"""(kind, words): the kind lets a topic request's reasons be grouped."""


def _site_reason(
    data: ProblemData, d: int, s: int, empty: Timeline, words: Words
) -> Reason | None:
    """Why no start at site s could ever take the delegation, or None."""
    if any(
        empty.why_not(d, s, start) is None
        for lo, hi in data.starts(d, s)
        for start in range(lo, hi + 1, data.slot)
    ):
        return None
    dd = data.delegations[d]
    site = data.sites[s]
    name = words.sites[s]
    if dd.accessible_only and not site.accessible:
        return ("access", f"{name} is not accessible")
    if dd.size > site.capacity:
        return (
            "capacity",
            f"group of {dd.size} > capacity {site.capacity} at {name}",
        )
    languages = " or ".join(sorted(dd.languages))
    if site.department >= 0:
        dept = words.departments[site.department]
        if not any(p.department == site.department for p in data.presenters):
            return ("presenters", f"{dept} has no presenters")
        if not data.presenters_for(d, s):
            return (
                "language",
                f"no presenter of {dept} speaks {languages}",
            )
    stay = [
        (day.index * data.day_length, (day.index + 1) * data.day_length)
        for day in dd.days
    ]
    if not intersect(list(site.open), stay):
        return ("closed", f"{name} is closed during the stay")
    starts = _window_starts(data, d, s)
    slot = f"no slot of {site.duration} min at {name} fits the day window"
    if not starts:
        return ("window", f"{slot} with travel")
    if not any(_lunch_alone(data, d, s, start) for start in starts):
        return ("window", f"{slot} with travel and lunch")
    if site.department >= 0:
        dept = words.departments[site.department]
        return (
            "presenters",
            f"no {languages}-speaking presenter of {dept} is free while "
            f"{name} is open during the stay",
        )
    return (
        "window",
        f"no start at {name} fits opening hours, the day window, travel "
        "and lunch together",
    )


def _window_starts(data: ProblemData, d: int, s: int) -> list[int]:
    """Grid starts inside opening hours and a day window with travel."""
    dd = data.delegations[d]
    site = data.sites[s]
    windows = [
        (day.lo + dd.from_lodging[s], day.hi - dd.to_lodging[s])
        for day in dd.days
    ]
    ranges = intersect(list(site.open), [w for w in windows if w[0] < w[1]])
    out: list[int] = []
    for lo, hi in ranges:
        first = -(-lo // data.slot) * data.slot
        out += range(first, hi - site.duration + 1, data.slot)
    return out


def _lunch_alone(data: ProblemData, d: int, s: int, start: int) -> bool:
    dd = data.delegations[d]
    day = next(x for x in dd.days if x.index == data.day_of(start))
    stop = (start, start + data.sites[s].duration, s)
    return lunch_fits(dd, day, [stop], data.travel)


def _combined(
    data: ProblemData, d: int, j: int, found: list[Reason], words: Words
) -> str:
    """One line for a request every one of whose sites is ruled out."""
    topic = words.topic(d, j)
    kinds = {kind for kind, _ in found}
    dd = data.delegations[d]
    sites = data.delegations[d].requests[j].sites
    if kinds == {"access"}:
        return f"no accessible site offers {topic}"
    if kinds == {"closed"}:
        return f"every site with {topic} is closed during the stay"
    if kinds == {"capacity"}:
        largest = max(data.sites[s].capacity for s in sites)
        return (
            f"group of {dd.size} > capacity of every site with {topic} "
            f"(largest {largest})"
        )
    shown = "; ".join(text for _, text in found[:SHOWN_SITES])
    more = len(found) - SHOWN_SITES
    tail = f"; and {more} more site(s)" if more > 0 else ""
    return f"no site with {topic} fits: {shown}{tail}"


# --- outcompeted -----------------------------------------------------------------


def outcompeted(
    data: ProblemData, d: int, j: int, final: Timeline, words: Words
) -> str:
    """The resource the request lost on, trying it alone in the final
    schedule at every site and start; the most frequent blocker wins.
    """
    request = data.delegations[d].requests[j]
    blocked: Counter[tuple[Blocker, int]] = Counter()
    visited = [s for s in request.sites if final.visits_site(d, s)]
    for s in visited:
        if not any(v.site == s and v.request >= 0 for v in final.visits_of(d)):
            return (
                f"not placed: the visit to {words.sites[s]} serves no "
                "request yet (the solver stopped early)"
            )
    for s in request.sites:
        if s in visited:
            continue
        for lo, hi in data.starts(d, s):
            for start in range(lo, hi + 1, data.slot):
                blocker = final.why_not(d, s, start)
                if blocker is None:
                    return (
                        "not placed: the solver stopped before reaching it "
                        "(time limit)"
                    )
                blocked[(blocker, s)] += 1
    if not blocked and len(visited) > 1:
        names = ", ".join(words.sites[s] for s in visited)
        return (
            f"outcompeted: the delegation already visits {names} for "
            "other requests"
        )
    if not blocked and visited:
        return "outcompeted: " + _lost_on(
            data, d, Blocker.SAME_SITE, visited[0], words
        )
    if not blocked:
        return "outcompeted: no start fits"
    per_kind: Counter[Blocker] = Counter()
    for (blocker, _), n in blocked.items():
        per_kind[blocker] += n
    order = list(Blocker)
    kind = max(per_kind, key=lambda b: (per_kind[b], -order.index(b)))
    site = max(
        (s for b, s in blocked if b == kind),
        key=lambda s: (blocked[(kind, s)], -s),
    )
    return "outcompeted: " + _lost_on(data, d, kind, site, words)


def _lost_on(
    data: ProblemData, d: int, kind: Blocker, s: int, words: Words
) -> str:
    name = words.sites[s]
    site = data.sites[s]
    dd = data.delegations[d]
    if kind is Blocker.SAME_SITE:
        return f"the delegation already visits {name} for another request"
    if kind is Blocker.DAY_FULL:
        return (
            "the delegation's own days are full "
            f"({dd.max_per_day} visit(s) a day)"
        )
    if kind is Blocker.OWN_TIME:
        return (
            "the delegation's own days are full (its other visits, travel "
            "and lunch)"
        )
    if kind is Blocker.SITE_CAPACITY:
        return f"site capacity at {name}"
    if kind is Blocker.SITE_GROUPS:
        return (
            f"site capacity at {name} "
            f"({site.max_groups} delegation(s) at a time)"
        )
    if kind is Blocker.PRESENTERS and site.department >= 0:
        return f"presenters of {words.departments[site.department]} busy"
    if kind is Blocker.VEHICLES:
        pools = ", ".join(
            v.name
            for p, v in enumerate(data.vehicles)
            if data.vehicles_needed(d, p) <= v.count
        )
        return f"vehicles all in use (pool {pools})"
    return f"{describe(kind)} at {name}"


def describe(blocker: Blocker) -> str:
    """A blocker in words (for conflicts and logs)."""
    return {
        Blocker.ACCESS: "the site is not accessible",
        Blocker.CLOSED: "the site is closed then, or it is outside the stay",
        Blocker.SAME_SITE: "the delegation already visits the site",
        Blocker.DAY_FULL: "the delegation's day is full",
        Blocker.OWN_TIME: "it clashes with the delegation's other visits, "
        "travel, lunch or day window",
        Blocker.SITE_CAPACITY: "the site is full",
        Blocker.SITE_GROUPS: "the site hosts its maximum of groups",
        Blocker.PRESENTERS: "no presenter is free",
        Blocker.VEHICLES: "no vehicles are free",
    }[blocker]


def when(data: ProblemData, minute: int) -> str:
    """Horizon minute as "day N HH:MM" (ProblemData has no dates)."""
    day, rest = divmod(minute, data.day_length)
    return f"day {day + 1} {format_clock(rest)}"
