"""Outcompeted: a request that fits alone but not in this schedule.

Every start the request could take in an empty week is tried against the
final schedule, asking for every rule it breaks there (not only the
first). The starts that break the fewest rules need the smallest change;
among them the most common set of blocked resources, earliest first, is
the one told: the resource, who holds it (the competing delegations with
their request and priority), and the change that would serve it: one more
van of a pool at that hour, a presenter free then, room at the site, or
one of the delegation's own visits moved.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from scheduler.explain.words import Joined, Phrase, Reason, When
from scheduler.problem.timeline import Blocker

if TYPE_CHECKING:
    from scheduler.model import Instance
    from scheduler.problem.data import ProblemData
    from scheduler.problem.solution import PlannedVisit
    from scheduler.problem.timeline import Timeline

SHOWN_RIVALS = 3
"""The competitors named (highest value first); the rest are counted."""

OWN = (Blocker.SAME_SITE, Blocker.DAY_FULL, Blocker.OWN_TIME)
"""Blockers of the delegation's own week."""

Candidate = tuple[int, int, tuple[Blocker, ...]]
"""(site, start, the rules it breaks in the final schedule)."""


def outcompeted(
    instance: Instance,
    data: ProblemData,
    d: int,
    j: int,
    final: Timeline,
    empty: Timeline,
) -> Phrase:
    """What request j of delegation d lost to, and what would free it."""
    sites = instance.catalog.sites
    request = data.delegations[d].requests[j]
    visited = [s for s in request.sites if final.visits_site(d, s)]
    for s in visited:
        if not any(v.site == s and v.request >= 0 for v in final.visits_of(d)):
            return Reason("stopped_idle", {"site": sites[s].name})
    candidates: list[Candidate] = []
    for s in request.sites:
        for lo, hi in data.starts(d, s):
            for start in range(lo, hi + 1, data.slot):
                if empty.why_not(d, s, start) is not None:
                    continue
                broken = final.blockers(d, s, start)
                if not broken:
                    return Reason("stopped")
                candidates.append((s, start, tuple(broken)))
    if not candidates:
        if visited:
            names = Joined(tuple(sites[s].name for s in visited), "and")
            return Reason(
                "outcompeted_own",
                {
                    "resource": Reason("r_visits", {"sites": names}),
                    "change": Reason(
                        "c_same_site", {"site": sites[visited[0]].name}
                    ),
                },
            )
        return Reason("no_start")
    fewest = min(len(b) for _, _, b in candidates)
    closest = [c for c in candidates if len(c[2]) == fewest]
    common = Counter(frozenset(b) for _, _, b in closest)
    order = list(Blocker)
    best = max(
        common,
        key=lambda k: (common[k], [-order.index(b) for b in sorted(k)]),
    )
    site, start, blocked = min(
        (c for c in closest if frozenset(c[2]) == best),
        key=lambda c: (c[1], c[0]),
    )
    return _Told(instance, data, d, final).reason(site, start, blocked)


class _Told:
    """The words for one blocked start: resource, rivals and change."""

    def __init__(
        self, instance: Instance, data: ProblemData, d: int, final: Timeline
    ) -> None:
        self.instance = instance
        self.data = data
        self.d = d
        self.final = final
        self.dated = instance.horizon.days > 7

    def reason(
        self, s: int, start: int, blocked: tuple[Blocker, ...]
    ) -> Phrase:
        resources: list[Phrase] = []
        changes: list[Phrase] = []
        rivals: list[PlannedVisit] = []
        own_day = any(b in OWN for b in blocked)
        for blocker in blocked:
            resource, change, held_by = self._one(blocker, s, start)
            if (
                own_day
                and blocker not in OWN
                and held_by
                and all(v.delegation == self.d for v in held_by)
            ):
                continue  # held by its own visits: the own day says it
            if not (
                blocker is Blocker.OWN_TIME and Blocker.DAY_FULL in blocked
            ):
                resources.append(resource)  # one "own days are full"
            changes.append(change)
            rivals += [v for v in held_by if v not in rivals]
        resource = _joined(resources)
        change = _joined(changes)
        others = [v for v in rivals if v.delegation != self.d]
        if not others:
            return Reason(
                "outcompeted_own", {"resource": resource, "change": change}
            )
        unique = {(v.delegation, v.request): v for v in others}.values()
        ranked = sorted(unique, key=lambda v: (-self._value(v), v.start))
        named: Phrase = Joined(
            tuple(self._rival(v) for v in ranked[:SHOWN_RIVALS]), "and"
        )
        if len(ranked) > SHOWN_RIVALS:
            named = Reason(
                "more_rivals",
                {
                    "shown": Joined(
                        tuple(self._rival(v) for v in ranked[:SHOWN_RIVALS])
                    ).text_with(", "),
                    "more": len(ranked) - SHOWN_RIVALS,
                },
            )
        return Reason(
            "outcompeted",
            {"resource": resource, "rivals": named, "change": change},
        )

    # --- one blocked resource ---------------------------------------------

    def _one(
        self, blocker: Blocker, s: int, start: int
    ) -> tuple[Phrase, Phrase, list[PlannedVisit]]:
        data, d = self.data, self.d
        site = data.sites[s]
        name = self.instance.catalog.sites[s].name
        end = start + site.duration
        when = self._when(start, end)
        if blocker is Blocker.SAME_SITE:
            mine = [v for v in self.final.visits_of(d) if v.site == s]
            return (
                Reason("r_same_site", {"site": name}),
                Reason("c_same_site", {"site": name}),
                mine,
            )
        if blocker is Blocker.DAY_FULL:
            day = self._day_visits(start)
            return (
                Reason(
                    "r_day_full", {"most": data.delegations[d].max_per_day}
                ),
                Reason("c_day_full", {"when": self._when(start, None)}),
                day,
            )
        if blocker is Blocker.OWN_TIME:
            day = self._day_visits(start)
            nearest = min(
                day, key=lambda v: abs(v.start - start), default=None
            )
            change: Phrase = Reason("r_own_time")
            if nearest is not None:
                change = Reason(
                    "c_own_time",
                    {
                        "site": self.instance.catalog.sites[nearest.site].name,
                        "when": when,
                    },
                )
            return Reason("r_own_time"), change, day
        if blocker in (Blocker.SITE_CAPACITY, Blocker.SITE_GROUPS):
            there = [
                v
                for v in self.final.visits
                if v.site == s
                and v.start < end
                and start < v.start + site.duration
            ]
            if blocker is Blocker.SITE_CAPACITY:
                used = sum(data.delegations[v.delegation].size for v in there)
                more = data.delegations[d].size + used - site.capacity
                return (
                    Reason(
                        "r_site_capacity",
                        {"site": name, "capacity": site.capacity},
                    ),
                    Reason(
                        "c_site_room",
                        {"size": max(more, 1), "site": name, "when": when},
                    ),
                    there,
                )
            return (
                Reason(
                    "r_site_groups", {"site": name, "groups": site.max_groups}
                ),
                Reason("c_site_group", {"site": name, "when": when}),
                there,
            )
        if blocker is Blocker.PRESENTERS:
            return self._presenters(s, start, end)
        return self._vehicles(s, start)

    def _presenters(
        self, s: int, start: int, end: int
    ) -> tuple[Phrase, Phrase, list[PlannedVisit]]:
        data = self.data
        department = data.sites[s].department
        dept = self.instance.catalog.departments[department].name
        busy: list[tuple[int, int, list[PlannedVisit]]] = []
        for p in data.presenters_for(self.d, s):
            state = self.final.presenter_state(p, start, end)
            if state == "away":
                continue
            hosting = [
                v
                for v in self.final.visits
                if v.presenter == p
                and (
                    (
                        state == "full"
                        and data.day_of(v.start) == data.day_of(start)
                    )
                    or (
                        v.start < end
                        and start < v.start + data.sites[v.site].duration
                    )
                )
            ]
            value = sum(self._value(v) for v in hosting)
            busy.append((value, p, hosting))
        busy.sort(key=lambda b: (b[0], b[1]))
        freed = busy[0] if busy else None
        change: Phrase = Reason(
            "c_presenter",
            {
                "presenter": self.instance.catalog.presenters[freed[1]].name
                if freed
                else dept,
                "when": self._when(start, end),
            },
        )
        held = [v for _, _, hosting in busy for v in hosting]
        return Reason("r_presenters", {"department": dept}), change, held

    def _vehicles(
        self, s: int, start: int
    ) -> tuple[Phrase, Phrase, list[PlannedVisit]]:
        data, d = self.data, self.d
        leave, back = self.final.ride(d, s, start)
        day = data.day_of(start)
        pool = self.final.outing_pool(d, day)
        pools = (
            [pool]
            if pool >= 0
            else [
                p
                for p, v in enumerate(data.vehicles)
                if data.vehicles_needed(d, p) <= v.count
            ]
        )
        best: tuple[int, int, list[int]] | None = None
        for p in pools:
            riders = [x for x in self.final.riders(p, leave, back) if x != d]
            short = self.final.pool_peak(p, day, leave, back, d)
            short += data.vehicles_needed(d, p) - data.vehicles[p].count
            if best is None or short < best[0]:
                best = (short, p, riders)
        assert best is not None
        short, p, riders = best
        name = data.vehicles[p].name
        held = [
            v
            for v in self.final.visits
            if v.delegation in riders and data.day_of(v.start) == day
        ]
        first_of = {
            v.delegation: v for v in sorted(held, key=lambda v: v.start)
        }
        return (
            Reason("r_vehicles", {"pool": name}),
            Reason(
                "c_vehicles",
                {
                    "need": max(short, 1),
                    "pool": name,
                    "when": self._when(leave, back),
                },
            ),
            list(first_of.values()),
        )

    # --- helpers -------------------------------------------------------------

    def _day_visits(self, start: int) -> list[PlannedVisit]:
        day = self.data.day_of(start)
        return [
            v
            for v in self.final.visits_of(self.d)
            if self.data.day_of(v.start) == day
        ]

    def _value(self, v: PlannedVisit) -> int:
        if v.request < 0:
            return 0
        return self.data.delegations[v.delegation].requests[v.request].value

    def _rival(self, v: PlannedVisit) -> Phrase:
        delegation = self.instance.delegations[v.delegation]
        label = delegation.requests[v.request].label if v.request >= 0 else "—"
        return Reason(
            "rival",
            {
                "delegation": delegation.name,
                "label": label,
                "priority": delegation.priority,
                "value": self._value(v),
            },
        )

    def _when(self, start: int, end: int | None) -> When:
        at = self.instance.at
        return When(
            at(start).replace(tzinfo=None),
            at(end).replace(tzinfo=None) if end is not None else None,
            self.dated,
        )


def _joined(phrases: list[Phrase]) -> Phrase:
    if len(phrases) == 1:
        return phrases[0]
    return Joined(tuple(phrases), "and")
