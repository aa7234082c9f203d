"""Static reasons: the fact that rules a request out whatever is planned.

A request is static-unservable when an empty ``Timeline`` (the rules the
solvers plan by) takes it at no site and start. Its words come from
elimination over the candidate starts: every slot-grid start, at each site
serving the request, on each day the delegation is in town. The facts are
tried in the order a coordinator fixes things (SPEC rules in their words):

1. the site's closed dates;
2. its opening hours against the stay (both shown);
3. the delegation's day window, then its lunch;
4. travel from and back to the lodging;
5. presenters: the department has some, one speaks a delegation
   language, one is available;
6. capacity, accessibility and vehicles.

When several facts each rule out every candidate alone, all are named,
shortest first; otherwise the fact that removes the last candidate is
named, with the ones before it that removed some.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from scheduler.explain.words import (
    Dates,
    Hours,
    Joined,
    Phrase,
    Reason,
    Several,
    Stay,
    clock_range,
)
from scheduler.problem.timeline import lunch_fits

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from scheduler.model import Delegation, Instance, Site
    from scheduler.problem.data import DayData, ProblemData
    from scheduler.problem.timeline import Timeline

DAY = 1440
SHOWN_SITES = 3
"""A topic request's reason lists at most this many sites."""


@dataclass(frozen=True)
class Fact:
    """A rule that may remove candidate starts, and its words."""

    name: str
    rules_out: Callable[[int], bool]
    words: Callable[[], Phrase]
    context_words: Callable[[], Phrase] | None = None
    """Its words beside another binding fact, if they differ."""
    shows: frozenset[str] = frozenset()
    """Facts its words already state (not repeated beside them)."""

    def context(self) -> Phrase:
        return (self.context_words or self.words)()


def static_reason(
    instance: Instance, data: ProblemData, d: int, j: int, empty: Timeline
) -> Phrase | None:
    """Why request j of delegation d can never be served, or None."""
    delegation = instance.delegations[d]
    request = data.delegations[d].requests[j]
    topic = delegation.requests[j].topic
    if not request.sites:
        return Reason("no_site", {"topic": topic or ""})
    if any(_fits_alone(data, d, s, empty) for s in request.sites):
        return None
    found = [(s, _site_reason(instance, data, d, s)) for s in request.sites]
    if len(found) == 1:
        return found[0][1]
    return _combined(instance, d, j, found)


def _fits_alone(data: ProblemData, d: int, s: int, empty: Timeline) -> bool:
    return any(
        empty.why_not(d, s, start) is None
        for lo, hi in data.starts(d, s)
        for start in range(lo, hi + 1, data.slot)
    )


def _site_reason(
    instance: Instance, data: ProblemData, d: int, s: int
) -> Phrase:
    explainer = _Site(instance, data, d, s)
    candidates = explainer.candidates()
    if not candidates:
        return Reason("no_stay", {"stay": explainer.stay})
    facts = explainer.facts()
    alone = [f for f in facts if all(f.rules_out(c) for c in candidates)]
    if alone:
        words = tuple(f.words() for f in alone)
        return words[0] if len(words) == 1 else Several(words)
    remaining = candidates
    for k, fact in enumerate(facts):
        remaining = [c for c in remaining if not fact.rules_out(c)]
        if remaining:
            continue
        # The facts before it without which some start would survive.
        needed = [
            e.context()
            for e in facts[:k]
            if e.name not in fact.shows
            and any(
                not any(f.rules_out(c) for f in facts[: k + 1] if f is not e)
                for c in candidates
            )
        ]
        if not needed:
            return fact.words()
        return Reason(
            "together_with",
            {"reason": fact.words(), "earlier": Several(tuple(needed))},
        )
    return Reason("together", {"site": explainer.site.name})


class _Site:
    """The facts about one site for one delegation, in calendar terms."""

    def __init__(
        self, instance: Instance, data: ProblemData, d: int, s: int
    ) -> None:
        self.instance = instance
        self.data = data
        self.d = d
        self.s = s
        self.delegation: Delegation = instance.delegations[d]
        self.site: Site = instance.catalog.sites[s]
        self.dd = data.delegations[d]
        self.sd = data.sites[s]
        self.dated = instance.horizon.days > 7
        self.arrival = instance.minute(self.delegation.arrival)
        self.departure = instance.minute(self.delegation.departure)
        self.stay = Stay(
            instance.local(self.delegation.arrival).replace(tzinfo=None),
            instance.local(self.delegation.departure).replace(tzinfo=None),
            self.dated,
        )
        self.days: dict[int, DayData] = {
            day.index: day for day in self.dd.days
        }
        self.dates = instance.horizon.dates
        self.stay_days = range(
            max(0, self.arrival // DAY),
            min(len(self.dates) - 1, (self.departure - 1) // DAY) + 1,
        )
        """Horizon days the delegation is in town."""

    # --- candidates -------------------------------------------------------

    def candidates(self) -> list[int]:
        """Grid starts on each day of the horizon the delegation is in
        town, at any hour."""
        slot = self.data.slot
        out: list[int] = []
        for k in self.stay_days:
            out += range(k * DAY, (k + 1) * DAY - self.sd.duration + 1, slot)
        return out

    def _date(self, start: int) -> dt.date:
        return self.dates[start // DAY]

    # --- the facts, in the order a coordinator fixes them -------------------

    def facts(self) -> list[Fact]:
        words = self._words
        return [
            Fact("closed", self._closed, words.closed),
            Fact("hours", self._outside_hours, words.hours, words.hours_plain),
            Fact(
                "window",
                self._outside_window,
                words.window,
                shows=frozenset({"hours"}),
            ),
            Fact("lunch", self._no_lunch, words.lunch),
            Fact(
                "travel",
                self._travel,
                words.travel,
                shows=frozenset({"hours", "window"}),
            ),
            *self._presenter_facts(),
            Fact(
                "capacity",
                lambda _: self.dd.size > self.sd.capacity,
                words.capacity,
            ),
            Fact("access", lambda _: self._inaccessible(), words.access),
            *self._vehicle_facts(),
        ]

    @cached_property
    def _words(self) -> _SiteWords:
        return _SiteWords(self)

    def _closed(self, start: int) -> bool:
        return self._date(start) in self.site.closed

    def _outside_hours(self, start: int) -> bool:
        end = start + self.sd.duration
        base = start // DAY * DAY
        if start < self.arrival or end > self.departure:
            return True
        return not any(
            base + lo <= start and end <= base + hi
            for lo, hi in self.site.opening_hours.on(self._date(start))
        )

    def _outside_window(self, start: int) -> bool:
        base = start // DAY * DAY
        lo, hi = self.delegation.day_window
        return not (
            base + lo <= start and start + self.sd.duration <= base + hi
        )

    def _no_lunch(self, start: int) -> bool:
        """Lunch beside the visit alone, with no travel counted."""
        m = self.delegation.lunch.minutes
        if m == 0:
            return False
        base = start // DAY * DAY
        lo, hi = (base + x for x in self.delegation.lunch.window)
        end = start + self.sd.duration
        return not (lo <= min(hi - m, start - m) or max(lo, end) <= hi - m)

    def _travel(self, start: int) -> bool:
        day = self.days.get(start // DAY)
        if day is None:  # the stay and the day window do not meet
            return False
        end = start + self.sd.duration
        if start - self.dd.from_lodging[self.s] < day.lo:
            return True
        if end + self.dd.to_lodging[self.s] > day.hi:
            return True
        return not lunch_fits(
            self.dd, day, [(start, end, self.s)], self.data.travel
        )

    def _presenter_facts(self) -> list[Fact]:
        if self.sd.department < 0:
            return []
        words = self._words
        department = self.sd.department
        staff = [p for p in self.data.presenters if p.department == department]
        fluent = [p for p in staff if p.languages & self.dd.languages]

        def away(start: int) -> bool:
            end = start + self.sd.duration
            return bool(fluent) and not any(
                p.max_per_day > 0
                and any(lo <= start and end <= hi for lo, hi in p.available)
                for p in fluent
            )

        return [
            Fact("no presenters", lambda _: not staff, words.no_presenters),
            Fact(
                "language",
                lambda _: bool(staff) and not fluent,
                words.language,
            ),
            Fact("presenters", away, words.presenters_away),
        ]

    def _inaccessible(self) -> bool:
        return self.dd.accessible_only and not self.sd.accessible

    def _vehicle_facts(self) -> list[Fact]:
        data, d = self.data, self.d
        words = self._words
        if not data.vehicles:
            return [Fact("vehicles", lambda _: True, words.no_vehicles)]
        carried = any(
            data.vehicles_needed(d, p) <= pool.count
            for p, pool in enumerate(data.vehicles)
        )
        return [Fact("vehicles", lambda _: not carried, words.vehicles)]


class _SiteWords:
    """The words of each fact about one site."""

    def __init__(self, site: _Site) -> None:
        self.x = site
        self.name = site.site.name
        self.hours_phrase = Hours(site.site.opening_hours)

    def closed(self) -> Phrase:
        x = self.x
        stay = [x.dates[k] for k in x.stay_days]
        closed = tuple(date for date in stay if date in x.site.closed)
        key = "closed" if len(closed) == len(stay) else "closed_some"
        return Reason(key, {"site": self.name, "dates": Dates(closed)})

    def hours(self) -> Phrase:
        x = self.x
        overlaps = any(
            max(x.arrival, k * DAY + lo) < min(x.departure, k * DAY + hi)
            for k, date in enumerate(x.dates)
            if date not in x.site.closed
            for lo, hi in x.site.opening_hours.on(date)
        )
        fields = {
            "site": self.name,
            "hours": self.hours_phrase,
            "stay": x.stay,
        }
        if overlaps:
            return Reason("hours_short", {**fields, "minutes": x.sd.duration})
        return Reason("hours", fields)

    def hours_plain(self) -> Phrase:
        return Reason(
            "hours",
            {
                "site": self.name,
                "hours": self.hours_phrase,
                "stay": self.x.stay,
            },
        )

    def window(self) -> Phrase:
        x = self.x
        return Reason(
            "window",
            {
                "site": self.name,
                "minutes": x.sd.duration,
                "hours": self.hours_phrase,
                "window": clock_range(*x.delegation.day_window),
            },
        )

    def lunch(self) -> Phrase:
        x = self.x
        return Reason(
            "lunch",
            {
                "site": self.name,
                "minutes": x.sd.duration,
                "lunch": x.delegation.lunch.minutes,
                "lunch_window": clock_range(*x.delegation.lunch.window),
            },
        )

    def travel(self) -> Phrase:
        x = self.x
        return Reason(
            "travel",
            {
                "site": self.name,
                "there": x.dd.from_lodging[x.s],
                "back": x.dd.to_lodging[x.s],
                "minutes": x.sd.duration,
                "window": clock_range(*x.delegation.day_window),
                "hours": self.hours_phrase,
            },
        )

    def _department(self) -> str:
        return self.x.instance.catalog.departments[self.x.sd.department].name

    def no_presenters(self) -> Phrase:
        return Reason("no_presenters", {"department": self._department()})

    def language(self) -> Phrase:
        x = self.x
        spoken = sorted(
            {
                lang
                for p in x.data.presenters
                if p.department == x.sd.department
                for lang in p.languages
            }
        )
        return Reason(
            "language",
            {
                "department": self._department(),
                "languages": Joined(tuple(sorted(x.dd.languages))),
                "spoken": ", ".join(spoken),
            },
        )

    def presenters_away(self) -> Phrase:
        return Reason(
            "presenters_away",
            {
                "department": self._department(),
                "languages": Joined(tuple(sorted(self.x.dd.languages))),
                "site": self.name,
            },
        )

    def capacity(self) -> Phrase:
        x = self.x
        return Reason(
            "capacity",
            {"size": x.dd.size, "capacity": x.sd.capacity, "site": self.name},
        )

    def access(self) -> Phrase:
        return Reason("access", {"site": self.name})

    def no_vehicles(self) -> Phrase:
        return Reason("no_vehicles")

    def vehicles(self) -> Phrase:
        largest = max(self.x.data.vehicles, key=lambda v: v.seats * v.count)
        return Reason(
            "vehicles",
            {
                "size": self.x.dd.size,
                "largest": f"{largest.name}, {largest.count} × "
                f"{largest.seats}",
            },
        )


def _combined(
    instance: Instance, d: int, j: int, found: list[tuple[int, Phrase]]
) -> Phrase:
    """One reason for a topic request every one of whose sites is out."""
    delegation = instance.delegations[d]
    topic = delegation.requests[j].topic or ""
    kinds = {getattr(p, "kind", "") for _, p in found}
    keys = {getattr(p, "key", "") for _, p in found}
    sites = instance.catalog.sites
    if keys == {"access"}:
        return Reason("topic_access", {"topic": topic})
    if keys == {"closed"}:
        return Reason("topic_closed", {"topic": topic})
    if keys == {"capacity"}:
        largest = max(sites[s].capacity for s, _ in found)
        return Reason(
            "topic_capacity",
            {"topic": topic, "size": delegation.size, "largest": largest},
        )
    if len(kinds) == 1 and keys <= {"no_vehicles", "vehicles"}:
        return found[0][1]
    shown: Phrase = Several(tuple(p for _, p in found[:SHOWN_SITES]))
    more = len(found) - SHOWN_SITES
    if more > 0:
        shown = Reason("more_sites", {"shown": shown, "more": more})
    return Reason("topic_sites", {"topic": topic, "each": shown})
