"""Ranked feasible slots for one request ("Recommended Fit").

A coordinator with a new or unserved request asks: where and when could
it go, with whom, and what would have to move? ``slot_options`` tries
every site serving the request, every start on the slot grid inside the
site's opening hours and the delegation's stay and day window, and the
presenters of the site's department who speak a delegation language. A
candidate is checked cheaply first (the delegation's own day), then by the
judge's own rule families on the few visits it can touch (its delegation,
its site and presenter that day, the outings riding its vehicle pool that
day), and every option returned is verified by the full judge
(``scheduler.check.violations``) on the whole schedule with the option in.

A slot that fits only if one visit of a lower-value request gives way is
offered too (disruption 1), naming that visit. Ranking: higher value,
then less disruption, then earlier start, then less added travel.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from scheduler.check import (
    DAY,
    Outings,
    Placed,
    Violation,
    Week,
    group_outings,
    serves,
    violations,
)
from scheduler.check.capacity import capacity, per_day_and_site
from scheduler.check.mobility import access, vehicles
from scheduler.check.presenters import presenters
from scheduler.check.times import times
from scheduler.check.travel import days_out, lunch
from scheduler.errors import InputError, Problem
from scheduler.model import (
    Delegation,
    Instance,
    Presenter,
    Schedule,
    Site,
    Visit,
    visit_id,
)
from scheduler.problem.windows import format_clock
from scheduler.travel import TravelTimes

if TYPE_CHECKING:
    import datetime as dt

    from scheduler.model import LatLon

MAX_SUSPECTS = 12
"""Visits tried as the one to give way, per slot (the first the judge
names): enough to find the slot's cheapest swap, bounded for speed."""

RULE_WORDS = {
    1: "time windows (opening hours, stay, day window)",
    2: "the delegation's day (one place at a time, travel)",
    3: "lunch break",
    4: "visits per day / one visit per site",
    5: "site capacity",
    6: "presenters (language, availability, one visit at a time)",
    7: "accessible sites",
    8: "vehicle pools",
}


@dataclass(frozen=True)
class Option:
    """One feasible placement of a request, and what it costs."""

    site: str
    start: dt.datetime
    end: dt.datetime
    presenter: str | None
    value: int
    """The request's value: weight × priority."""
    disruption: int
    """Visits of the current schedule that move (0: fits as is); moving
    the request's own current visit counts 0."""
    displaced: str | None
    """The visit (id) that gives way, when disruption is 1."""
    travel_minutes: int
    """Travel the delegation's week gains with this option (negative:
    it saves travel)."""
    vehicle_pool: str | None
    words: str


@dataclass(frozen=True)
class Search:
    """What ``search_options`` found: the options, the request's current
    visit (if served), and what blocked the other candidates."""

    delegation: str
    request: int
    label: str
    options: tuple[Option, ...]
    current: Visit | None
    candidates: int
    blocked: Counter[str] = field(default_factory=Counter)
    judge_refused: int = 0
    """Candidates the rule families passed and the full judge did not
    (never offered; 0 unless the reduced check misses a rule)."""

    def main_blocker(self) -> str | None:
        """The rule that blocked the most candidates, in words."""
        if not self.blocked:
            return None
        rule, count = self.blocked.most_common(1)[0]
        return f"{rule} ({count} of {self.candidates} candidates)"


def slot_options(
    instance: Instance,
    schedule: Schedule,
    delegation_id: str,
    request_index: int,
    *,
    top: int = 10,
) -> list[Option]:
    """The best ``top`` judge-valid placements of one request, ranked."""
    found = search_options(
        instance, schedule, delegation_id, request_index, top=top
    )
    return list(found.options)


def search_options(
    instance: Instance,
    schedule: Schedule,
    delegation_id: str,
    request_index: int,
    *,
    top: int = 10,
) -> Search:
    """``slot_options`` with the current visit and the blockers told."""
    week = Week(instance)
    d = delegation_of(week, delegation_id, request_index)
    return _Searcher(week, schedule, d, request_index).run(top)


def delegation_of(week: Week, delegation: str, request: int) -> Delegation:
    """The delegation, and its request checked, or a clear input error."""
    d = week.delegations.get(delegation)
    if d is None:
        known = ", ".join(sorted(week.delegations)[:8]) or "none in this week"
        raise InputError(
            [
                Problem(
                    "delegation",
                    delegation,
                    f'no delegation "{delegation}"; give one of its ids '
                    f"(e.g. {known})",
                )
            ]
        )
    if not 0 <= request < len(d.requests):
        raise InputError(
            [
                Problem(
                    "request",
                    str(request),
                    f"request {request} does not exist: {d.id} has "
                    f"{len(d.requests)} request(s), numbered from 0",
                )
            ]
        )
    return d


def with_option(
    instance: Instance,
    schedule: Schedule,
    delegation_id: str,
    request_index: int,
    option: Option,
) -> Schedule:
    """The schedule with ``option`` taken: its visit in, the request's
    current visit and the displaced one out (what the judge verified)."""
    week = Week(instance)
    searcher = _Searcher(
        week, schedule, week.delegations[delegation_id], request_index
    )
    visit = Visit(
        id=visit_id(delegation_id, option.site),
        delegation=delegation_id,
        site=option.site,
        presenter=option.presenter,
        start=option.start,
        end=option.end,
        request=request_index,
        vehicle_pool=option.vehicle_pool,
    )
    visits = searcher.after(visit, option.displaced)
    return schedule.model_copy(update={"visits": visits})


def find_request(delegation: Delegation, request: str) -> int:
    """A request given as its 0-based index or its label (site:x, topic:y)."""
    text = request.strip()
    if text.isdigit():
        return int(text)
    for j, r in enumerate(delegation.requests):
        if r.label == text:
            return j
    labels = ", ".join(r.label for r in delegation.requests) or "none"
    raise InputError(
        [
            Problem(
                "request",
                request,
                f"{delegation.id} has no request {request!r}; give its "
                f"0-based index or one of its labels: {labels}",
            )
        ]
    )


def candidates(
    week: Week, schedule: Schedule, delegation: Delegation, request: int
) -> _Searcher:
    """The touched-visits machinery of one request against a schedule:
    `visits why` judges its starts with the rule families options uses."""
    return _Searcher(week, schedule, delegation, request)


@dataclass(frozen=True)
class _Try:
    """A candidate checked by the rule families, before the full judge."""

    key: tuple[int, int, int, int, str]
    option: Option
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class Touch:
    """One candidate visit and the visits of the schedule it can touch:
    its delegation's outings, its site and presenter that day."""

    searcher: _Searcher
    base: Visit
    """The candidate, travel recomputed, with no presenter or pool."""
    start: int
    changed: dict[str, Visit]
    gone: frozenset[str]
    ids: frozenset[str] = frozenset()
    mine: list[Placed] = field(default_factory=list)
    touched: Outings = field(default_factory=dict)

    @property
    def day(self) -> int:
        return self.start // DAY

    def around(self, ids: set[str] | frozenset[str]) -> list[Placed]:
        """The schedule's visits ``ids`` as they are after the change."""
        s = self.searcher
        return [
            s.placed(self.changed.get(i, s.visits[i]))
            for i in sorted(set(ids) - self.gone - {self.base.id})
        ]

    def new(self, v: Visit) -> Placed:
        """The candidate ``v`` placed."""
        s = self.searcher
        site = s.week.sites[v.site]
        return Placed(
            v, s.d, site, self.start, self.start + site.visit_minutes
        )


class _RememberedTravel(TravelTimes):
    """Travel times looked up once per pair of places: the rule families
    ask for the same legs thousands of times in one search."""

    def __init__(self, times: TravelTimes) -> None:
        self.__dict__.update(times.__dict__)
        self._known: dict[tuple[str, str], int] = {}

    def minutes(self, a_name: str, a: LatLon, b_name: str, b: LatLon) -> int:
        key = (a_name, b_name)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = super().minutes(a_name, a, b_name, b)
        return found


class _Searcher:
    """The candidates of one request against one schedule."""

    def __init__(
        self, week: Week, schedule: Schedule, d: Delegation, j: int
    ) -> None:
        week.travel = _RememberedTravel(week.travel)
        self.week = week
        self.instance = week.instance
        self.schedule = schedule
        self.d = d
        self.j = j
        self.value = d.value(j)
        self.locks = {(lk.delegation, lk.site) for lk in self.instance.locked}
        self.visits = {v.id: v for v in schedule.visits}
        self.minute = {
            v.id: (self.instance.minute(v.start), self.instance.minute(v.end))
            for v in schedule.visits
        }
        self.current = next(
            (
                v
                for v in schedule.visits
                if v.delegation == d.id and v.request == j
            ),
            None,
        )
        self.by_outing: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.by_site: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.by_presenter: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.by_pool: dict[tuple[str, int], set[str]] = defaultdict(set)
        for v in schedule.visits:
            day = self.minute[v.id][0] // DAY
            self.by_outing[(v.delegation, day)].append(v.id)
            self.by_site[(v.site, day)].append(v.id)
            if v.presenter is not None:
                self.by_presenter[(v.presenter, day)].append(v.id)
            if v.vehicle_pool is not None:
                self.by_pool[(v.vehicle_pool, day)].add(v.delegation)
        self.mine = [v.id for v in schedule.visits if v.delegation == d.id]
        self.blocked: Counter[str] = Counter()
        self.suspects: dict[tuple[str, int], list[str]] = {}
        self.judge_refused = 0
        self.candidates = 0

    # --- the run ------------------------------------------------------

    def run(self, top: int) -> Search:
        base = violations(self.instance, self.schedule)
        if base:
            raise InputError(
                [
                    Problem(
                        "schedule",
                        "visits",
                        f"the schedule breaks {len(base)} hard rule(s) "
                        f"already (first: {base[0]}); run `visits check` "
                        "and plan again before asking for options",
                    )
                ]
            )
        if self.current is not None and (
            (self.d.id, self.current.site) in self.locks
        ):
            self.blocked["its current visit is locked"] += 1
            return self._result(())
        tries: list[_Try] = []
        failed: list[tuple[int, Site]] = []
        for site in self.week.sites.values():
            if not serves(site, self.d, self.j):
                continue
            for start in self._starts(site):
                if self._is_current(site, start):
                    continue
                self.candidates += 1
                found = self._place(site, start, displace=False)
                if found is not None:
                    tries.append(found)
                else:
                    failed.append((start, site))
        options = self._verified(sorted(tries, key=lambda t: t.key), top)
        # Slots where one lower-value visit gives way, earliest first,
        # until enough are found (all of the last start minute are tried).
        failed.sort(key=lambda c: (c[0], c[1].id))
        group: list[_Try] = []
        for k, (start, site) in enumerate(failed):
            if len(options) >= top:
                break
            found = self._place(site, start, displace=True)
            if found is not None:
                group.append(found)
            if k + 1 == len(failed) or failed[k + 1][0] != start:
                group.sort(key=lambda t: t.key)
                options += self._verified(group, top - len(options))
                group = []
        return self._result(tuple(options))

    def _is_current(self, site: Site, start: int) -> bool:
        """The request's visit where it is now is no alternative."""
        return (
            self.current is not None
            and self.current.site == site.id
            and self.minute[self.current.id][0] == start
        )

    def _verified(self, tries: list[_Try], wanted: int) -> list[Option]:
        """The first ``wanted`` tries the full judge passes, in order."""
        options: list[Option] = []
        for t in tries:
            if len(options) >= wanted:
                break
            after = self.schedule.model_copy(update={"visits": list(t.visits)})
            broken = violations(self.instance, after)
            if broken:  # the families missed something: never offer it
                self._block(broken)
                self.judge_refused += 1
                continue
            options.append(t.option)
        return options

    def _result(self, options: tuple[Option, ...]) -> Search:
        return Search(
            delegation=self.d.id,
            request=self.j,
            label=self.d.requests[self.j].label,
            options=options,
            current=self.current,
            candidates=self.candidates,
            blocked=self.blocked,
            judge_refused=self.judge_refused,
        )

    # --- candidates ---------------------------------------------------

    def _starts(self, site: Site) -> list[int]:
        """Grid starts inside opening hours ∩ stay ∩ day window."""
        instance, d = self.instance, self.d
        slot = instance.horizon.slot_minutes
        arrival, departure = (
            instance.minute(d.arrival),
            instance.minute(d.departure),
        )
        length = site.visit_minutes
        out: list[int] = []
        for day, date in enumerate(instance.horizon.dates):
            if date in site.closed:
                continue
            base = day * DAY
            for lo, hi in site.opening_hours.on(date):
                first = max(base + lo, base + d.day_window[0], arrival)
                last = min(base + hi, base + d.day_window[1], departure)
                first += -first % slot
                out += range(first, last - length + 1, slot)
        if site.id in {
            self.visits[i].site
            for i in self.mine
            if self.current is None or i != self.current.id
        }:
            self.blocked["the delegation already visits this site"] += len(out)
            return []
        if self.d.accessible_only and not site.accessible:
            self.blocked["accessible sites"] += len(out)
            return []
        return out

    def _hosts(self, site: Site) -> list[Presenter | None]:
        if not site.presenter_required:
            return [None]
        return [
            p
            for p in self.instance.catalog.presenters_of(site.department)
            if set(p.languages) & set(self.d.languages)
        ]

    def _place(self, site: Site, start: int, *, displace: bool) -> _Try | None:
        """The first presenter and pool that fit at ``start`` as is, or
        (``displace``) with one lower-value visit giving way."""
        day = start // DAY
        end = start + site.visit_minutes
        moving = self.current.id if self.current is not None else None
        own = [
            i for i in self.by_outing.get((self.d.id, day), []) if i != moving
        ]
        hosts = self._hosts(site)
        pools = self.pools(own)
        if displace:
            for other in self.suspects.get((site.id, start), [])[
                :MAX_SUSPECTS
            ]:
                _broken, fits = self._check(
                    self._visit(site, start, end, None, None),
                    other,
                    hosts,
                    pools,
                )
                if fits is not None:
                    return self._try(fits, other)
            return None
        if not self._own_day_free(site, start, end, own):
            return None
        if not hosts:
            self.blocked["no presenter speaks the delegation's language"] += 1
            return None
        if not pools:
            self.blocked["vehicle pools"] += 1
            return None
        free = [
            h
            for h in hosts
            if h is None or self._presenter_free(h, start, end, day)
        ]
        if not free:
            self.blocked["presenters (language, availability, busy)"] += 1
            return None
        first_broken, fits = self._check(
            self._visit(site, start, end, None, None), None, free, pools
        )
        if fits is not None:
            return self._try(fits, None)
        suspects = [
            i
            for b in first_broken
            for i in b.visit_ids
            if self._may_give_way(i)
        ]
        self.suspects[(site.id, start)] = list(dict.fromkeys(suspects))
        self._block(first_broken)
        return None

    def _own_day_free(
        self, site: Site, start: int, end: int, own: list[str]
    ) -> bool:
        """The delegation's visits that cannot give way leave room."""
        if len(own) >= self.d.max_visits_per_day and not any(
            self._may_give_way(i) for i in own
        ):
            self.blocked["visits per day / one visit per site"] += 1
            return False
        for i in own:
            if self._may_give_way(i):
                continue
            v = self.visits[i]
            lo, hi = self.minute[i]
            other = self.week.sites[v.site]
            if not (
                hi + self.week.between(other, site) <= start
                or end + self.week.between(site, other) <= lo
            ):
                self.blocked[
                    "the delegation's day (one place at a time, travel)"
                ] += 1
                return False
        return True

    def _presenter_free(
        self, host: Presenter, start: int, end: int, day: int
    ) -> bool:
        """No visit the presenter hosts that day overlaps, but the one
        that moves and those that may give way."""
        moving = self.current.id if self.current is not None else None
        for i in self.by_presenter.get((host.id, day), []):
            lo, hi = self.minute[i]
            if i == moving or self._may_give_way(i):
                continue
            if lo < end and start < hi:
                return False
        return True

    def pools(self, own: list[str]) -> list[str | None]:
        """The day's pool when the delegation is out already, else each."""
        used = {self.visits[i].vehicle_pool for i in own}
        if used:
            return list(used)
        return [p.id for p in self.instance.catalog.vehicles]

    def _may_give_way(self, visit: str) -> bool:
        """A visit of a lower-value, not required request, not locked."""
        v = self.visits.get(visit)
        if v is None or v.request is None:
            return False
        if self.current is not None and visit == self.current.id:
            return False
        if (v.delegation, v.site) in self.locks:
            return False
        owner = self.week.delegations[v.delegation]
        r = owner.requests[v.request]
        return not r.required and owner.value(v.request) < self.value

    def candidate(self, site: Site, start: int) -> Visit:
        """The request's visit at ``site`` from ``start``, no presenter
        or pool yet."""
        return self._visit(site, start, start + site.visit_minutes, None, None)

    def _visit(
        self,
        site: Site,
        start: int,
        end: int,
        host: Presenter | None,
        pool: str | None,
    ) -> Visit:
        return Visit(
            id=visit_id(self.d.id, site.id),
            delegation=self.d.id,
            site=site.id,
            presenter=host.id if host is not None else None,
            start=self.instance.at(start),
            end=self.instance.at(end),
            request=self.j,
            vehicle_pool=pool,
        )

    # --- the check ----------------------------------------------------

    def _changed(
        self, visit: Visit, gives_way: str | None
    ) -> tuple[dict[str, Visit], set[tuple[str, int]]]:
        """The visits of the touched outings after the change (travel
        recomputed), and those outings."""
        gone = {i for i in (gives_way,) if i is not None}
        if self.current is not None:
            gone.add(self.current.id)
        day = self.instance.minute(visit.start) // DAY
        outings = {(self.d.id, day)}
        for i in gone:
            outings.add((self.visits[i].delegation, self.minute[i][0] // DAY))
        changed: dict[str, Visit] = {}
        for key in outings:
            ids = [i for i in self.by_outing.get(key, []) if i not in gone]
            day_visits = [self.visits[i] for i in ids]
            if key == (self.d.id, day):
                day_visits.append(visit)
            for v in self.week.with_travel(day_visits):
                changed[v.id] = v
        return changed, outings

    def _check(
        self,
        visit: Visit,
        gives_way: str | None,
        hosts: list[Presenter | None],
        pools: list[str | None],
    ) -> tuple[list[Violation], Visit | None]:
        """The judge's rule families on every visit the change can touch:
        the violations of the slot itself, or the visit with the first
        host and pool that fit (None when none does).

        The slot's rules (1-5, 7) do not depend on who presents or which
        pool rides; rule 6 is checked per host, rule 8 per pool. Rule 9
        (requests and locks) needs no check here: the new visit serves
        its request, and the current visit of the request and a visit
        that gives way are never locked or required. Outings, sites and
        presenters the change leaves alone were valid before (the whole
        schedule is judged first) and still are.
        """
        touch = self.touch(visit, gives_way)
        found = self.slot_rules(touch)
        if found:
            return found, None
        host_found: list[Violation] = []
        chosen: Visit | None = None
        for host in hosts:
            v, broken = self.host_rules(touch, host)
            if not broken:
                chosen = v
                break
            host_found += broken
        if chosen is None:
            return host_found, None
        pool_found: list[Violation] = []
        for pool in pools:
            v, broken = self.pool_rules(touch, chosen, pool)
            if not broken:
                return [], v
            pool_found += broken
        return pool_found, None

    def touch(self, visit: Visit, gives_way: str | None) -> Touch:
        """The visits a candidate can touch, placed, the candidate's own
        with its travel recomputed (shared with `visits why`)."""
        changed, outings = self._changed(visit, gives_way)
        gone = {i for i in (gives_way,) if i is not None}
        if self.current is not None:
            gone.add(self.current.id)
        base = changed[visit.id]
        start = self.instance.minute(visit.start)
        touch = Touch(self, base, start, changed, frozenset(gone))
        ids: set[str] = set(self.mine)
        for key in outings:
            ids.update(self.by_outing.get(key, []))
        mine = [*touch.around(ids), touch.new(base)]
        touched = {
            k: v for k, v in group_outings(mine).items() if k in outings
        }
        return replace(touch, ids=frozenset(ids), mine=mine, touched=touched)

    def slot_rules(self, touch: Touch) -> list[Violation]:
        """Rules 1-5 and 7 on the touched visits: they do not depend on
        who presents or which pool rides."""
        week, new = self.week, touch.new(touch.base)
        found = times(week, [new])
        found += days_out(week, touch.touched)
        found += lunch(week, touch.touched)
        found += per_day_and_site(
            week,
            [p for p in touch.mine if p.delegation is self.d],
            touch.touched,
        )
        found += capacity(
            week,
            [
                *touch.around(
                    set(self.by_site.get((touch.base.site, touch.day), []))
                ),
                new,
            ],
        )
        found += access([new])
        return found

    def host_rules(
        self, touch: Touch, host: Presenter | None
    ) -> tuple[Visit, list[Violation]]:
        """Rule 6 with ``host`` presenting: the visit so, and what breaks."""
        name = host.id if host is not None else None
        v = touch.base.model_copy(update={"presenter": name})
        others = (
            touch.around(set(self.by_presenter.get((name, touch.day), [])))
            if name is not None
            else []
        )
        return v, presenters(self.week, [*others, touch.new(v)])

    def pool_rules(
        self, touch: Touch, chosen: Visit, pool: str | None
    ) -> tuple[Visit, list[Violation]]:
        """Rule 8 with the delegation riding ``pool``: the visit so, and
        what breaks."""
        day = touch.day
        v = chosen.model_copy(update={"vehicle_pool": pool})
        own = {k for k in touch.touched if k[1] == day}
        riders: set[str] = set()
        for owner in self.by_pool.get((str(pool), day), set()):
            riders.update(self.by_outing.get((owner, day), []))
        ridden = touch.around(riders - touch.ids) + [
            p for p in touch.mine if (p.delegation.id, p.day) in own
        ]
        ridden = [p if p.visit.id != v.id else touch.new(v) for p in ridden]
        return v, vehicles(self.week, group_outings(ridden))

    def placed(self, v: Visit) -> Placed:
        lo, hi = self.minute[v.id]
        return Placed(
            v,
            self.week.delegations[v.delegation],
            self.week.sites[v.site],
            lo,
            hi,
        )

    def after(self, visit: Visit, gives_way: str | None) -> list[Visit]:
        """The schedule's visits with ``visit`` in, the request's current
        visit and ``gives_way`` out, travel recorded anew."""
        changed, _ = self._changed(visit, gives_way)
        gone = {i for i in (gives_way,) if i is not None}
        if self.current is not None:
            gone.add(self.current.id)
        after = [
            changed.get(v.id, v)
            for v in self.schedule.visits
            if v.id not in gone and v.id != visit.id
        ]
        after.append(changed[visit.id])
        return after

    def _try(self, visit: Visit, gives_way: str | None) -> _Try:
        after = self.after(visit, gives_way)
        start = self.instance.minute(visit.start)
        travel = self._travel(after) - self._travel(self.schedule.visits)
        words = self._words(visit, gives_way, start)
        option = Option(
            site=visit.site,
            start=visit.start,
            end=visit.end,
            presenter=visit.presenter,
            value=self.value,
            disruption=0 if gives_way is None else 1,
            displaced=gives_way,
            travel_minutes=travel,
            vehicle_pool=visit.vehicle_pool,
            words=words,
        )
        key = (-self.value, option.disruption, start, travel, visit.site)
        return _Try(key, option, tuple(after))

    def _travel(self, visits: list[Visit]) -> int:
        """The delegation's week of travel: every leg and the way back."""
        total = 0
        mine = sorted(
            (v for v in visits if v.delegation == self.d.id),
            key=lambda v: v.start,
        )
        days: dict[int, list[Visit]] = defaultdict(list)
        for v in mine:
            days[self.instance.minute(v.start) // DAY].append(v)
        for day_visits in days.values():
            total += sum(v.travel_minutes_before for v in day_visits)
            last = self.week.sites[day_visits[-1].site]
            total += self.week.to_lodging(last, self.d)
        return total

    def _words(self, visit: Visit, gives_way: str | None, start: int) -> str:
        site = self.week.sites[visit.site]
        parts = []
        if gives_way is None:
            parts.append("fits as is")
        else:
            other = self.visits[gives_way]
            owner = self.week.delegations[other.delegation]
            assert other.request is not None
            parts.append(
                f"{other.delegation}'s visit for "
                f"{owner.requests[other.request].label} (value "
                f"{owner.value(other.request)}) gives way"
            )
        if self.current is not None:
            was = self.minute[self.current.id][0]
            parts.append(
                f"instead of {self.current.site} at {self.week.when(was)}"
            )
        if visit.presenter is None and not site.presenter_required:
            parts.append("self-guided")
        parts.append(f"{format_clock(start % DAY)} {site.name}")
        return "; ".join(parts)

    def _block(self, broken: list[Violation]) -> None:
        rule = min(b.rule for b in broken)
        self.blocked[RULE_WORDS.get(rule, f"rule {rule}")] += 1
