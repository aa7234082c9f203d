"""Which delegations a search step frees: neighbourhoods by what binds.

A step re-plans a group of delegations exactly and keeps everyone else.
It gains only if the group holds what a better schedule needs, so groups
are drawn around a resource that is full:

* ``week``: one delegation and its closest rivals, for their whole week;
* ``day``: the same, on one day of the centre's stay;
* ``vehicles``: an unserved request, and the delegations riding a pool it
  could ride while they are out at the hours it could be served;
* ``site``: an unserved request, and the delegations at its site that day;
* ``presenters``: an unserved request, and the delegations hosted by its
  site's department that day;
* ``pattern``: every delegation out on one day, kept to the sites the
  day-pattern bound's master plans for them (``planned_days``).

``Selection`` learns which kinds pay on the week at hand (adaptive
large-neighbourhood search): each kind's weight follows how often its
steps served more, and its group size grows while its steps prove
optimal and shrinks while they do not.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from solvers.cpsat.variables import outings_of

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from scheduler.problem import ProblemData
    from scheduler.problem.solution import PlannedVisit
    from solvers.cpsat.day_patterns import Plan

KINDS = ("week", "day", "vehicles", "site", "presenters")

SIZES = {
    "week": (3, 6, 12),
    "day": (6, 20, 60),
    "vehicles": (4, 12, 40),
    "site": (4, 12, 40),
    "presenters": (4, 12, 40),
}
"""Least, first and most delegations a kind frees."""

REACTION = 0.2
"""How fast a kind's weight follows its recent steps."""
LEAST_WEIGHT = 0.05
"""No kind is ever dropped: what binds changes as the schedule improves."""
RANDOM_GROUP = 0.15
"""Share of ``week``/``day`` groups drawn at random, to leave a rut."""


@dataclass(frozen=True)
class Neighbourhood:
    kind: str
    group: frozenset[int]
    day: int | None
    """The one day the group is free on; None: its whole week."""
    sites: frozenset[tuple[int, int]] | None = None
    """(delegation, site) the group may visit on ``day``; None: any."""


class Selection:
    """Adaptive choice of the next kind, and of its group size."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.weights = dict.fromkeys(KINDS, 1.0)
        self.sizes = {kind: SIZES[kind][1] for kind in KINDS}

    def kind(self, *, one_day: bool = False) -> str:
        kinds = [k for k in KINDS if not (one_day and k == "week")]
        return self.rng.choices(kinds, [self.weights[k] for k in kinds])[0]

    def record(
        self,
        kind: str,
        *,
        served_more: bool,
        proven: bool,
        found: bool = True,
    ) -> None:
        """``found``: the step found a schedule at all. It is hinted with a
        whole one, so finding none means its model was too big to even load
        in the step's time: the size is halved, not stepped down (the
        surge week's first steps, 12 and 20 delegations, found nothing)."""
        won = 1.0 if served_more else 0.0
        self.weights[kind] = max(
            LEAST_WEIGHT,
            (1 - REACTION) * self.weights[kind] + REACTION * won,
        )
        least, _, most = SIZES[kind]
        if not found:
            self.sizes[kind] = max(least, self.sizes[kind] // 2)
            return
        step = 1 if proven else -1
        self.sizes[kind] = min(most, max(least, self.sizes[kind] + step))


class Neighbourhoods:
    """Draws groups of delegations that compete for the same things."""

    def __init__(
        self, data: ProblemData, seed: int, caps: Mapping[int, int]
    ) -> None:
        self.data = data
        self.caps = caps
        self.rng = random.Random(seed)
        self.selection = Selection(self.rng)
        self.days = [{day.index for day in d.days} for d in data.delegations]
        self.sites = [
            {s for s in data.candidate_sites(d) if data.starts(d, s)}
            for d in range(len(data.delegations))
        ]
        self.departments = [
            {data.sites[s].department for s in sites} for sites in self.sites
        ]
        self.candidates = [d for d, s in enumerate(self.sites) if s]

    def draw(
        self,
        visits: Sequence[PlannedVisit],
        *,
        one_day: bool = False,
        avoid: Neighbourhood | None = None,
    ) -> Neighbourhood | None:
        """A group to free, of a kind the selection picks. With ``avoid``,
        on another day and with none of its delegations (so that both
        steps can run at once: nothing a delegation needs on one day is
        shared with another day). None: no delegation is left to free."""
        kind = self.selection.kind(one_day=one_day or avoid is not None)
        size = self.selection.sizes[kind]
        busy: set[int] = set(avoid.group) if avoid is not None else set()
        off = avoid.day if avoid is not None else None
        if kind in ("vehicles", "site", "presenters"):
            found = self._around_request(kind, size, visits, busy, off)
            if found is not None:
                return found
            kind = "day"
            size = self.selection.sizes[kind]
        if kind == "week":
            group = self._around(size, visits, busy)
            return (
                Neighbourhood(kind, frozenset(group), None) if group else None
            )
        centres = self._around(1, visits, busy, off_day=off)
        if not centres:
            return None
        centre = next(iter(centres))
        days = sorted(self.days[centre] - {off})
        day = self.rng.choice(days)
        group = self._around(size, visits, busy, on=day) | {centre}
        return Neighbourhood(kind, frozenset(group), day)

    def _gain_room(
        self, visits: Sequence[PlannedVisit], candidates: Sequence[int]
    ) -> list[float]:
        """Room to gain per delegation: up to its cap (its best alone)."""
        got = dict.fromkeys(candidates, 0)
        for v in visits:
            if v.delegation in got and v.request >= 0:
                got[v.delegation] += (
                    self.data.delegations[v.delegation]
                    .requests[v.request]
                    .value
                )
        return [
            0.2
            + self.caps.get(d, self.data.delegations[d].requested_value)
            - got[d]
            for d in candidates
        ]

    def _around(
        self,
        size: int,
        visits: Sequence[PlannedVisit],
        busy: set[int],
        on: int | None = None,
        off_day: int | None = None,
    ) -> set[int]:
        """A centre, favouring delegations with room to gain, and its
        rivals for sites, presenters and vehicles (on day ``on``)."""
        candidates = [
            d
            for d in self.candidates
            if d not in busy
            and (on is None or on in self.days[d])
            and (off_day is None or self.days[d] - {off_day})
        ]
        if len(candidates) <= size:
            return set(candidates)
        if self.rng.random() < RANDOM_GROUP:
            return set(self.rng.sample(candidates, size))
        served = {v.delegation for v in visits if v.request >= 0}
        weights = self._gain_room(visits, candidates)
        centre = self.rng.choices(candidates, weights)[0]
        rivals = []
        for d in candidates:
            if d == centre:
                continue
            shared_days = len(self.days[d] & self.days[centre])
            if not shared_days:
                continue
            closeness = (
                shared_days
                + 2 * len(self.sites[d] & self.sites[centre])
                + len(self.departments[d] & self.departments[centre])
                + (d in served)
                + 2 * self.rng.random()
            )
            rivals.append((closeness, d))
        rivals.sort(reverse=True)
        return {centre} | {d for _, d in rivals[: size - 1]}

    def _around_request(
        self,
        kind: str,
        size: int,
        visits: Sequence[PlannedVisit],
        busy: set[int],
        off_day: int | None,
    ) -> Neighbourhood | None:
        """An unserved request (by value), one of its sites and days, and
        the delegations holding the resource ``kind`` names there and
        then, closest in time first; None when nothing is left to serve."""
        data = self.data
        served = {(v.delegation, v.request) for v in visits}
        open_requests = [
            (d, j)
            for d in self.candidates
            if d not in busy
            for j, request in enumerate(data.delegations[d].requests)
            if (d, j) not in served
            and any(s in self.sites[d] for s in request.sites)
        ]
        if not open_requests:
            return None
        d, j = self.rng.choices(
            open_requests,
            [data.delegations[d].requests[j].value for d, j in open_requests],
        )[0]
        request = data.delegations[d].requests[j]
        places = [
            (s, day.index, lo, hi)
            for s in request.sites
            if s in self.sites[d]
            for day in data.delegations[d].days
            if day.index != off_day
            for lo, hi in data.starts(d, s)
            if day.lo <= lo and hi < day.hi
        ]
        if not places:
            return None
        s, k, lo, hi = self.rng.choice(places)
        end = hi + data.sites[s].duration
        if kind == "vehicles":
            dd = data.delegations[d]
            lo, end = lo - dd.from_lodging[s], end + dd.to_lodging[s]
        holders = self._holders(kind, d, s, k, lo, end, visits)
        group = {d}
        for other in holders:
            if len(group) >= size:
                break
            if other not in busy:
                group.add(other)
        if len(group) < size:
            group |= self._around(
                size - len(group), visits, busy | group, on=k
            )
        return Neighbourhood(kind, frozenset(group), k)

    def _holders(
        self,
        kind: str,
        d: int,
        s: int,
        k: int,
        lo: int,
        hi: int,
        visits: Sequence[PlannedVisit],
    ) -> list[int]:
        """Delegations holding ``kind`` on day k, most overlap with
        [lo, hi) first (ties at random)."""
        data = self.data

        def overlap(a: int, b: int) -> float:
            return min(b, hi) - max(a, lo) + self.rng.random()

        ranked: dict[int, float] = {}
        if kind == "vehicles":
            pools = {
                p
                for p, pool in enumerate(data.vehicles)
                if data.vehicles_needed(d, p) <= pool.count
            }
            for o in outings_of(data, visits):
                if o.day == k and o.pool in pools and o.delegation != d:
                    ranked[o.delegation] = overlap(o.depart, o.back)
        else:
            dept = data.sites[s].department
            for v in visits:
                if v.delegation == d or data.day_of(v.start) != k:
                    continue
                if kind == "site" and v.site != s:
                    continue
                if kind == "presenters" and (
                    dept < 0 or data.sites[v.site].department != dept
                ):
                    continue
                end = v.start + data.sites[v.site].duration
                ranked[v.delegation] = max(
                    ranked.get(v.delegation, -1e9), overlap(v.start, end)
                )
        return sorted(ranked, key=lambda o: -ranked[o])


def planned_days(
    data: ProblemData, plan: Plan, visits: Sequence[PlannedVisit]
) -> list[int]:
    """The days where the master plans more value than the schedule
    serves, most first: each gets a ``pattern`` step (``on_plan``)."""
    serving: dict[int, int] = {}
    for v in visits:
        if v.request >= 0:
            k = data.day_of(v.start)
            value = data.delegations[v.delegation].requests[v.request].value
            serving[k] = serving.get(k, 0) + value
    gains = {
        k: planned - serving.get(k, 0)
        for k, planned in plan.day_values.items()
    }
    return sorted(
        (k for k, gain in gains.items() if gain >= 1),
        key=lambda k: (-gains[k], k),
    )


def on_plan(
    data: ProblemData, plan: Plan, visits: Sequence[PlannedVisit], day: int
) -> Neighbourhood:
    """Every delegation out on ``day``, free on that day only, each kept to
    its sites in the master's plan and those it visits now.

    Where vehicles bind, the master chains two or three sites a day out
    and a first-fit schedule rides out for one; keeping to those sites cuts
    the day's model to a size CP-SAT re-plans in seconds, though it frees
    a hundred delegations."""
    group = frozenset(
        d
        for d, dd in enumerate(data.delegations)
        if any(stay.index == day for stay in dd.days)
    )
    sites = {
        (d, s)
        for (d, k), found in plan.sites.items()
        if k == day
        for s in found
    }
    sites |= {
        (v.delegation, v.site) for v in visits if data.day_of(v.start) == day
    }
    return Neighbourhood("pattern", group, day, frozenset(sites))
