"""Occupancy so far: does one more visit fit, and if not, what blocks it?

``Timeline`` is the incremental state a planner keeps by hand: what each
site, presenter, delegation-day and vehicle pool already holds. The greedy
solver asks it where the next visit fits; the reasons module asks it what
an unserved request lost on; the brute force of the property tests builds
every schedule through it. It reads ``ProblemData`` only and shares no code
with ``scheduler.check``, the independent judge.

Semantics (the common brief): a delegation-day v1..vk at sites s1..sk
leaves at ``start(v1) − travel(lodging, s1) ≥ day.lo``, is back at
``end(vk) + travel(sk, lodging) ≤ day.hi``, moves with
``start(v_{i+1}) ≥ end(v_i) + travel(s_i, s_{i+1})``, gets ``m`` minutes of
lunch beside its travel, and holds ``ceil(size / seats)`` vehicles of one
pool over ``[leave, back)``.
"""

from __future__ import annotations

import bisect
import copy
import enum
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from scheduler.problem import union
from scheduler.problem.solution import PlannedVisit

if TYPE_CHECKING:
    from scheduler.problem import DayData, DelegationData, ProblemData


class Blocker(enum.StrEnum):
    """Why a visit does not fit, from the cheapest check to the dearest."""

    ACCESS = "access"
    """The delegation needs accessible sites; this one is not."""
    CLOSED = "closed"
    """Off the grid, outside the stay, or the site is not open then."""
    SAME_SITE = "same_site"
    """The delegation already visits this site."""
    DAY_FULL = "day_full"
    """The delegation has its maximum of visits that day."""
    OWN_TIME = "own_time"
    """Its other visits, travel, lunch or day window leave no room."""
    SITE_CAPACITY = "site_capacity"
    """Too many people on site at some minute."""
    SITE_GROUPS = "site_groups"
    """Too many delegations on site at some minute."""
    PRESENTERS = "presenters"
    """No presenter of the department is free, available and fluent."""
    VEHICLES = "vehicles"
    """No pool has the vehicles for the day's outing."""


Stop = tuple[int, int, int]
"""A visit of a delegation-day: (start, end, site)."""


@dataclass
class Outing:
    """A delegation-day: its visits sorted by start, and its pool."""

    stops: list[Stop] = field(default_factory=list)
    pool: int = -1


@dataclass(frozen=True)
class Fit:
    """The answer to "does it fit?": a visit to place, or what blocks it."""

    visit: PlannedVisit | None
    blocker: Blocker | None


class Timeline:
    """What is booked so far; ``fit`` tests one more visit, ``place`` adds it.

    Examples
    --------
    >>> timeline = Timeline(data)                   # doctest: +SKIP
    >>> fit = timeline.fit(0, 2, 600)               # doctest: +SKIP
    >>> if fit.visit: timeline.place(fit.visit)     # doctest: +SKIP
    """

    def __init__(self, data: ProblemData) -> None:
        self.data = data
        self.visits: list[PlannedVisit] = []
        self._site_use: list[list[tuple[int, int, int]]] = [
            [] for _ in data.sites
        ]
        self._presenter_use: list[list[tuple[int, int]]] = [
            [] for _ in data.presenters
        ]
        self._presenter_day: list[dict[int, int]] = [
            {} for _ in data.presenters
        ]
        self._outings: dict[tuple[int, int], Outing] = {}
        self._visited: list[set[int]] = [set() for _ in data.delegations]
        self._pool_load: dict[tuple[int, int], np.ndarray] = {}
        """(pool, day) -> vehicles out at each minute of the day: a pool's
        check reads a slice instead of every outing of the day (event
        weeks have hundreds a pool)."""
        self._need = [
            [data.vehicles_needed(d, p) for p in range(len(data.vehicles))]
            for d in range(len(data.delegations))
        ]
        self._available = [
            tuple(union(list(p.available))) for p in data.presenters
        ]
        self._longest = max((site.duration for site in data.sites), default=0)
        """No visit lasts longer: what began before start − this is over."""
        self._day_of: list[dict[int, DayData]] = [
            {day.index: day for day in d.days} for d in data.delegations
        ]

    # --- queries ------------------------------------------------------------

    def copy(self) -> Timeline:
        """An independent copy (the brute force branches on it)."""
        twin = copy.copy(self)
        twin.visits = list(self.visits)
        twin._site_use = [list(x) for x in self._site_use]
        twin._presenter_use = [list(x) for x in self._presenter_use]
        twin._presenter_day = [dict(x) for x in self._presenter_day]
        twin._outings = {
            key: Outing(list(o.stops), o.pool)
            for key, o in self._outings.items()
        }
        twin._visited = [set(x) for x in self._visited]
        twin._pool_load = {
            key: load.copy() for key, load in self._pool_load.items()
        }
        return twin

    def visits_of(self, delegation: int) -> list[PlannedVisit]:
        return [v for v in self.visits if v.delegation == delegation]

    def visits_site(self, delegation: int, site: int) -> bool:
        return site in self._visited[delegation]

    def day_count(self, delegation: int, day: int) -> int:
        outing = self._outings.get((delegation, day))
        return len(outing.stops) if outing else 0

    def why_not(
        self,
        delegation: int,
        site: int,
        start: int,
        presenter: int | None = None,
        *,
        locked: bool = False,
    ) -> Blocker | None:
        """The first rule one more visit breaks, or None if it fits.

        ``presenter=None`` lets any free compatible presenter take it;
        ``locked`` allows a start off the slot grid.
        """
        return self.fit(
            delegation, site, start, presenter, locked=locked
        ).blocker

    def fit(
        self,
        delegation: int,
        site: int,
        start: int,
        presenter: int | None = None,
        *,
        locked: bool = False,
    ) -> Fit:
        """The visit to place (first free presenter, first pool with room),
        or the first rule it breaks. Checks run cheapest first.
        """
        data = self.data
        d = data.delegations[delegation]
        s = data.sites[site]
        end = start + s.duration
        day_index = data.day_of(start)
        day = self._day_of[delegation].get(day_index)
        if d.accessible_only and not s.accessible:
            return Fit(None, Blocker.ACCESS)
        if (
            day is None
            or (not locked and start % data.slot)
            or not any(lo <= start and end <= hi for lo, hi in s.open)
        ):
            return Fit(None, Blocker.CLOSED)
        if site in self._visited[delegation]:
            return Fit(None, Blocker.SAME_SITE)
        outing = self._outings.get((delegation, day_index))
        before = outing.stops if outing else []
        if len(before) >= d.max_per_day:
            return Fit(None, Blocker.DAY_FULL)
        stops = sorted([*before, (start, end, site)])
        if not self._day_holds(d, day, stops):
            return Fit(None, Blocker.OWN_TIME)
        blocker = self._site_blocker(site, start, end, d.size)
        if blocker is not None:
            return Fit(None, blocker)
        chosen = self._presenter(delegation, site, start, end, presenter)
        if chosen is None:
            return Fit(None, Blocker.PRESENTERS)
        leave, back = self._ride(delegation, stops)
        pool = self._pool(delegation, day_index, leave, back, outing)
        if pool is None:
            return Fit(None, Blocker.VEHICLES)
        return Fit(
            PlannedVisit(delegation, site, start, chosen, -1, pool), None
        )

    def blockers(
        self, delegation: int, site: int, start: int
    ) -> list[Blocker]:
        """Every rule one more visit breaks (``fit`` stops at the first):
        what would have to change for it to fit. Off-grid, closed or
        inaccessible starts give their one blocker."""
        data = self.data
        d = data.delegations[delegation]
        s = data.sites[site]
        first = self.why_not(delegation, site, start)
        if first in (None, Blocker.ACCESS, Blocker.CLOSED):
            return [] if first is None else [first]
        end = start + s.duration
        day_index = data.day_of(start)
        day = self._day_of[delegation][day_index]
        found = []
        if site in self._visited[delegation]:
            found.append(Blocker.SAME_SITE)
        outing = self._outings.get((delegation, day_index))
        before = outing.stops if outing else []
        if len(before) >= d.max_per_day:
            found.append(Blocker.DAY_FULL)
        stops = sorted([*before, (start, end, site)])
        if not self._day_holds(d, day, stops):
            found.append(Blocker.OWN_TIME)
        blocker = self._site_blocker(site, start, end, d.size)
        if blocker is not None:
            found.append(blocker)
        if self._presenter(delegation, site, start, end, None) is None:
            found.append(Blocker.PRESENTERS)
        leave, back = self._ride(delegation, stops)
        if self._pool(delegation, day_index, leave, back, outing) is None:
            found.append(Blocker.VEHICLES)
        return found

    def presenter_state(self, p: int, start: int, end: int) -> str:
        """ "free", "away" (not available), "full" (daily cap) or "busy"."""
        if not any(lo <= start and end <= hi for lo, hi in self._available[p]):
            return "away"
        day = self.data.day_of(start)
        if (
            self._presenter_day[p].get(day, 0)
            >= self.data.presenters[p].max_per_day
        ):
            return "full"
        return (
            "free"
            if self._presenter_free(p, start, end, check_hours=False)
            else "busy"
        )

    def riders(self, pool: int, lo: int, hi: int) -> list[int]:
        """Delegations whose outing rides ``pool`` during [lo, hi)."""
        out = []
        for (delegation, _), outing in self._outings.items():
            if outing.pool != pool or not outing.stops:
                continue
            leave, back = self._ride(delegation, outing.stops)
            if leave < hi and lo < back:
                out.append(delegation)
        return sorted(set(out))

    def ride(self, delegation: int, site: int, start: int) -> tuple[int, int]:
        """[leave, back) of the delegation's day with one more visit."""
        end = start + self.data.sites[site].duration
        outing = self._outings.get((delegation, self.data.day_of(start)))
        before = outing.stops if outing else []
        return self._ride(delegation, sorted([*before, (start, end, site)]))

    def pool_peak(
        self, pool: int, day: int, lo: int, hi: int, delegation: int
    ) -> int:
        """Most vehicles of ``pool`` out at once during [lo, hi) that day,
        the delegation's own outing left out."""
        load = self._pool_load.get((pool, day))
        if load is None:
            return 0
        day_lo, day_hi = self.data.day_span(day)
        a, b = max(lo, day_lo) - day_lo, min(hi, day_hi) - day_lo
        if b <= a:
            return 0
        others = load[a:b].copy()
        outing = self._outings.get((delegation, day))
        if outing is not None and outing.pool == pool and outing.stops:
            leave, back = self._ride(delegation, outing.stops)
            x = max(leave - day_lo, a) - a
            y = min(back - day_lo, b) - a
            if x < y:
                others[x:y] -= self._need[delegation][pool]
        return int(others.max())

    def outing_pool(self, delegation: int, day: int) -> int:
        outing = self._outings.get((delegation, day))
        return outing.pool if outing else -1

    # --- booking ------------------------------------------------------------

    def place(self, visit: PlannedVisit) -> None:
        """Book a visit as given (no check: ``fit`` is the check).

        A pool of -1 keeps the outing's pool; a visit's pool sets it.
        """
        data = self.data
        d = data.delegations[visit.delegation]
        end = visit.start + data.sites[visit.site].duration
        day = data.day_of(visit.start)
        self.visits.append(visit)
        self._visited[visit.delegation].add(visit.site)
        bisect.insort(self._site_use[visit.site], (visit.start, end, d.size))
        if visit.presenter >= 0:
            bisect.insort(
                self._presenter_use[visit.presenter], (visit.start, end)
            )
            per_day = self._presenter_day[visit.presenter]
            per_day[day] = per_day.get(day, 0) + 1
        outing = self._outings.setdefault((visit.delegation, day), Outing())
        if outing.pool >= 0:
            self._book_vehicles(visit.delegation, day, outing, -1)
        bisect.insort(outing.stops, (visit.start, end, visit.site))
        if visit.pool >= 0:
            outing.pool = visit.pool
        if outing.pool >= 0:
            self._book_vehicles(visit.delegation, day, outing, +1)

    def _ride(self, delegation: int, stops: list[Stop]) -> tuple[int, int]:
        """[leave, back) of a day out through ``stops``."""
        d = self.data.delegations[delegation]
        first, last = stops[0], stops[-1]
        return (
            first[0] - d.from_lodging[first[2]],
            last[1] + d.to_lodging[last[2]],
        )

    def _book_vehicles(
        self, delegation: int, day: int, outing: Outing, sign: int
    ) -> None:
        """Add (sign +1) or take back (−1) an outing's vehicles."""
        day_lo, day_hi = self.data.day_span(day)
        key = (outing.pool, day)
        load = self._pool_load.get(key)
        if load is None:
            load = self._pool_load[key] = np.zeros(
                day_hi - day_lo, dtype=np.int64
            )
        leave, back = self._ride(delegation, outing.stops)
        lo, hi = max(leave, day_lo) - day_lo, min(back, day_hi) - day_lo
        load[lo:hi] += sign * self._need[delegation][outing.pool]

    # --- the rules ----------------------------------------------------------

    def _day_holds(
        self, d: DelegationData, day: DayData, stops: list[Stop]
    ) -> bool:
        """Leave and return inside the day, travel between stops, lunch."""
        travel = self.data.travel
        first, last = stops[0], stops[-1]
        if first[0] - d.from_lodging[first[2]] < day.lo:
            return False
        if last[1] + d.to_lodging[last[2]] > day.hi:
            return False
        for (_, end, a), (start, _, b) in itertools.pairwise(stops):
            if start < end + travel[a][b]:
                return False
        return lunch_fits(d, day, stops, travel)

    def _site_blocker(
        self, site: int, start: int, end: int, size: int
    ) -> Blocker | None:
        """Σ size ≤ capacity and #groups ≤ max_groups at every minute."""
        s = self.data.sites[site]
        if size > s.capacity:
            return Blocker.SITE_CAPACITY
        # Every visit to a site lasts its duration: the ones under way
        # during [start, end) began in (start − duration, end).
        use = self._site_use[site]
        first = bisect.bisect_left(use, (start - s.duration + 1,))
        last = bisect.bisect_left(use, (end,))
        overlapping = use[first:last]
        if not overlapping:
            return None
        groups_full = False
        # Loads only rise where a visit starts: check those minutes.
        for minute in {start} | {lo for lo, _, _ in overlapping if lo > start}:
            here = [x for x in overlapping if x[0] <= minute < x[1]]
            if size + sum(x[2] for x in here) > s.capacity:
                return Blocker.SITE_CAPACITY
            if len(here) + 1 > s.max_groups:
                groups_full = True
        return Blocker.SITE_GROUPS if groups_full else None

    def _presenter(
        self,
        delegation: int,
        site: int,
        start: int,
        end: int,
        wanted: int | None,
    ) -> int | None:
        """The given presenter if free, else the first free compatible one;
        -1 when the site needs none.
        """
        needs = self.data.sites[site].department >= 0
        if wanted is None:
            if not needs:
                return -1
            candidates: tuple[int, ...] = self.data.presenters_for(
                delegation, site
            )
        elif wanted < 0:
            return None if needs else -1
        else:
            if needs and wanted not in self.data.presenters_for(
                delegation, site
            ):
                return None
            candidates = (wanted,)
        for p in candidates:
            if self._presenter_free(p, start, end, check_hours=needs):
                return p
        return None

    def _presenter_free(
        self, p: int, start: int, end: int, *, check_hours: bool
    ) -> bool:
        """Available for the whole visit, not busy, under the daily cap."""
        if check_hours and not any(
            lo <= start and end <= hi for lo, hi in self._available[p]
        ):
            return False
        day = self.data.day_of(start)
        if (
            self._presenter_day[p].get(day, 0)
            >= self.data.presenters[p].max_per_day
        ):
            return False
        busy = self._presenter_use[p]
        first = bisect.bisect_left(busy, (start - self._longest + 1,))
        last = bisect.bisect_left(busy, (end, end))
        return not any(start < hi for _, hi in busy[first:last])

    def _pool(
        self,
        delegation: int,
        day: int,
        leave: int,
        back: int,
        outing: Outing | None,
    ) -> int | None:
        """The outing's pool if it still has room over [leave, back), else
        (no pool chosen yet) the first pool with room.
        """
        pool = outing.pool if outing else -1
        pools = [pool] if pool >= 0 else range(len(self.data.vehicles))
        day_lo, day_hi = self.data.day_span(day)
        lo, hi = max(leave, day_lo) - day_lo, min(back, day_hi) - day_lo
        for p in pools:
            need = self._need[delegation][p]
            count = self.data.vehicles[p].count
            load = self._pool_load.get((p, day))
            if load is None or hi <= lo:
                if need <= count:
                    return p
                continue
            others = load[lo:hi]
            if outing is not None and outing.pool == p:
                # The outing's vehicles as booked so far are its own.
                own_leave, own_back = self._ride(delegation, outing.stops)
                own_lo = max(own_leave - day_lo, lo) - lo
                own_hi = min(own_back - day_lo, hi) - lo
                if own_lo < own_hi:
                    others = others.copy()
                    others[own_lo:own_hi] -= need
            if need + int(others.max()) <= count:
                return p
        return None


def lunch_fits(
    d: DelegationData,
    day: DayData,
    stops: list[Stop],
    travel: tuple[tuple[int, ...], ...],
) -> bool:
    """An a with [a, a+m) ⊆ lunch window, clear of visits and travel.

    Before v1: a + m + travel(lodging, s1) ≤ start(v1); between v_i and
    v_{i+1}: end(v_i) ≤ a, a + m ≤ start(v_{i+1}) and the gap holds travel
    and lunch; after vk: a ≥ end(vk) + travel(sk, lodging).
    """
    m = day.lunch_minutes
    if m == 0 or not stops:
        return True
    lo, last_a = day.lunch[0], day.lunch[1] - m
    first_start, _, first_site = stops[0]
    if lo <= min(last_a, first_start - d.from_lodging[first_site] - m):
        return True
    for (_, end, a), (start, _, b) in itertools.pairwise(stops):
        if start - end >= travel[a][b] + m and max(lo, end) <= min(
            last_a, start - m
        ):
            return True
    _, last_end, last_site = stops[-1]
    return max(lo, last_end + d.to_lodging[last_site]) <= last_a
