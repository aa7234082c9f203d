"""`visits why`: every rule that keeps a request out of a place, in words.

"Why not here?" must get the same answer everywhere, so the rules come
from the judge's own code (``scheduler.check``, what `visits check`
runs), never from a solver's model. ``why_placement`` builds the schedule
as it would be with the request's visit at one site and start (its
current visit, if served, moves; travel recorded anew for the touched
days), tries every presenter of the site's department and every vehicle
pool, and runs the full judge; only what the new visit adds counts, not
what the schedule broke already.

``why_request`` answers for the request as a whole: which visit serves
it, or the recorded reason it is unserved and, per site serving it, which
rules forbid each grid start of the stay and the nearest start. It judges
the many starts with the rule families on the touched visits (the
machinery `visits options` uses) and the nearest one with the full judge.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scheduler.check import DAY, Placed, Violation, Week, serves, violations
from scheduler.check.capacity import per_day_and_site
from scheduler.check.requests import locked
from scheduler.errors import InputError, Problem
from scheduler.model import Visit, visit_id
from visits.options import RULE_WORDS, candidates, delegation_of

if TYPE_CHECKING:
    from scheduler.model import Delegation, Instance, Presenter, Schedule, Site
    from visits.options import Touch, _Searcher

RULE_NAMES = {**RULE_WORDS, 9: "requests and locked visits"}
"""Rule number -> a short name a coordinator reads."""

MAX_IDS = 4
"""Visit ids shown after a rule's words (JSON has them all)."""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Broken:
    """One broken rule, as the judge words it."""

    rule: int
    name: str
    visit_ids: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class HostNote:
    """Why one presenter could or could not host the visit."""

    presenter: str
    name: str
    reasons: tuple[str, ...]
    """The judge's rule-6 words with this presenter; empty: can host."""


@dataclass(frozen=True)
class Verdict:
    """One proposed placement judged: what it breaks, for the best
    presenter and pool, and why each presenter cannot host."""

    delegation: str
    request: int
    label: str
    site: str
    site_name: str
    start: dt.datetime
    end: dt.datetime
    presenter: str | None
    vehicle_pool: str | None
    broken: tuple[Broken, ...]
    hosts: tuple[HostNote, ...]
    self_guided: bool
    moves: Visit | None
    """The request's current visit, which this placement moves."""
    earlier: tuple[Broken, ...]
    """What the schedule broke before the change (not counted)."""

    @property
    def fits(self) -> bool:
        return not self.broken


@dataclass(frozen=True)
class SiteAnswer:
    """Every grid start of the stay at one site serving the request."""

    site: str
    name: str
    starts: int
    fitting: int
    rules: tuple[tuple[int, int], ...]
    """(rule, how many starts it forbids), by rule."""
    nearest: Verdict | None
    """The start with the fewest broken rules (earliest on ties)."""


@dataclass(frozen=True)
class RequestAnswer:
    """A request as a whole: served where, or why not anywhere."""

    delegation: str
    request: int
    label: str
    served_by: Visit | None
    reason: str | None
    sites: tuple[SiteAnswer, ...]
    earlier: tuple[Broken, ...]

    @property
    def fits(self) -> bool:
        """Served, or some start fits as is."""
        return self.served_by is not None or any(s.fitting for s in self.sites)


def broken(v: Violation) -> Broken:
    return Broken(
        v.rule, RULE_NAMES.get(v.rule, f"rule {v.rule}"), v.visit_ids, v.detail
    )


# --- looking things up -------------------------------------------------


def site_of(week: Week, site: str) -> Site:
    found = week.sites.get(site)
    if found is None:
        known = ", ".join(sorted(week.sites)[:8]) or "none"
        raise InputError(
            [
                Problem(
                    "--site",
                    site,
                    f'no site "{site}" in the catalog; give a site id '
                    f"(e.g. {known})",
                )
            ]
        )
    return found


def parse_start(instance: Instance, text: str) -> dt.datetime:
    """``2026-12-01T10:00``, ``2026-12-01 10:00`` (an offset allowed; none:
    the catalog's zone) or ``Tue 10:00`` (that weekday of the horizon)."""
    value = text.strip()
    day = re.fullmatch(r"([A-Za-z]{3})[A-Za-z]*\s+(\d{1,2}):(\d{2})", value)
    if day is not None and day.group(1).lower() in WEEKDAYS:
        weekday = WEEKDAYS.index(day.group(1).lower())
        hour, minute = int(day.group(2)), int(day.group(3))
        dates = [d for d in instance.horizon.dates if d.weekday() == weekday]
        if not dates or hour > 23 or minute > 59:
            first, last = instance.horizon.dates[0], instance.horizon.dates[-1]
            raise InputError(
                [
                    Problem(
                        "--start",
                        text,
                        f"{text!r} is not a time of the week {first} to "
                        f"{last}; give a weekday of the week and HH:MM, or "
                        "a date-time such as 2026-12-01T10:00",
                    )
                ]
            )
        clock = dt.time(hour, minute)
        return instance.local(dt.datetime.combine(dates[0], clock))
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or not re.search(r"\d[T ]\d", value):
        raise InputError(
            [
                Problem(
                    "--start",
                    text,
                    f"{text!r} is not a start: give a local date-time such "
                    "as 2026-12-01T10:00 or '2026-12-01 10:00' (an offset "
                    "such as -05:00 is allowed), or 'Tue 10:00'",
                )
            ]
        )
    return instance.local(parsed)


# --- one placement -----------------------------------------------------


def _current(schedule: Schedule, d: Delegation, j: int) -> Visit | None:
    return next(
        (
            v
            for v in schedule.visits
            if v.delegation == d.id and v.request == j
        ),
        None,
    )


def _added(
    after: list[Violation], before: Counter[Violation]
) -> list[Violation]:
    """The violations of ``after`` that were not there before."""
    left = Counter(before)
    out = []
    for v in after:
        if left[v] > 0:
            left[v] -= 1
        else:
            out.append(v)
    return out


def _with_visit(
    week: Week, schedule: Schedule, current: Visit | None, visit: Visit
) -> list[Visit]:
    """The schedule's visits with ``visit`` in and ``current`` out, the
    touched delegation-days' travel recorded anew (by position: the new
    visit may share its id with a visit already there)."""
    minute = week.instance.minute
    keep = [v for v in schedule.visits if v is not current]
    keep.append(visit)
    days = {minute(visit.start) // DAY}
    if current is not None:
        days.add(minute(current.start) // DAY)
    for day in days:
        at = [
            k
            for k, v in enumerate(keep)
            if v.delegation == visit.delegation
            and minute(v.start) // DAY == day
        ]
        ordered = sorted(at, key=lambda k: keep[k].start)
        for k, v in zip(
            ordered, week.with_travel([keep[k] for k in ordered]), strict=True
        ):
            keep[k] = v
    return keep


def _hosts(instance: Instance, site: Site) -> list[Presenter | None]:
    """Every presenter of the site's department, also those without a
    delegation language (so language shows as a reason)."""
    if not site.presenter_required:
        return [None]
    return list(instance.catalog.presenters_of(site.department)) or [None]


def _pools(
    instance: Instance,
    schedule: Schedule,
    d: Delegation,
    day: int,
    current: Visit | None,
) -> list[str | None]:
    """The day's pool when the delegation is out already, else each."""
    used = {
        v.vehicle_pool
        for v in schedule.visits
        if v.delegation == d.id
        and v is not current
        and instance.minute(v.start) // DAY == day
    }
    if used:
        return sorted(used, key=str)
    return [p.id for p in instance.catalog.vehicles] or [None]


def why_placement(
    instance: Instance,
    schedule: Schedule,
    delegation: str,
    request: int,
    site: str,
    start: dt.datetime,
) -> Verdict:
    """Every rule the request's visit at ``site`` from ``start`` breaks,
    for the presenter and pool that break the fewest."""
    week = Week(instance)
    d = delegation_of(week, delegation, request)
    s = site_of(week, site)
    return _placement(
        week, schedule, d, request, s, start, violations(instance, schedule)
    )


def _placement(
    week: Week,
    schedule: Schedule,
    d: Delegation,
    j: int,
    s: Site,
    start: dt.datetime,
    before: list[Violation],
) -> Verdict:
    instance = week.instance
    earlier = Counter(before)
    current = _current(schedule, d, j)
    begin = instance.minute(start)
    base = Visit(
        id=visit_id(d.id, s.id),
        delegation=d.id,
        site=s.id,
        start=instance.at(begin),
        end=instance.at(begin + s.visit_minutes),
        request=j,
    )
    hosts = _hosts(instance, s)
    pools = _pools(instance, schedule, d, begin // DAY, current)

    def judge(host: Presenter | None, pool: str | None) -> list[Violation]:
        visit = base.model_copy(
            update={
                "presenter": host.id if host is not None else None,
                "vehicle_pool": pool,
            }
        )
        after = _with_visit(week, schedule, current, visit)
        return _added(
            violations(
                instance, schedule.model_copy(update={"visits": after})
            ),
            earlier,
        )

    # Rule 6 hangs on the presenter alone and rule 8 on the pool alone:
    # the best of each, chosen apart, is the best pair.
    by_host = [(host, judge(host, pools[0])) for host in hosts]
    host, found = min(by_host, key=lambda h: len(h[1]))
    by_pool = [(pools[0], found)] + [(p, judge(host, p)) for p in pools[1:]]
    pool, found = min(by_pool, key=lambda p: len(p[1]))
    notes = tuple(
        HostNote(
            h.id,
            h.name,
            tuple(v.detail for v in broke if v.rule == 6),
        )
        for h, broke in by_host
        if h is not None
    )
    return Verdict(
        delegation=d.id,
        request=j,
        label=d.requests[j].label,
        site=s.id,
        site_name=s.name,
        start=base.start,
        end=base.end,
        presenter=host.id if host is not None else None,
        vehicle_pool=pool,
        broken=tuple(broken(v) for v in sorted(found, key=lambda v: v.rule)),
        hosts=notes,
        self_guided=not s.presenter_required,
        moves=current,
        earlier=tuple(broken(v) for v in before),
    )


# --- the request as a whole --------------------------------------------


def why_request(
    instance: Instance, schedule: Schedule, delegation: str, request: int
) -> RequestAnswer:
    """Which visit serves the request, or why it is out: per site serving
    it, the rules forbidding each grid start of the stay, and the
    nearest start judged in full."""
    week = Week(instance)
    d = delegation_of(week, delegation, request)
    current = _current(schedule, d, request)
    before = violations(instance, schedule)
    earlier = tuple(broken(v) for v in before)
    label = d.requests[request].label
    if current is not None:
        return RequestAnswer(d.id, request, label, current, None, (), earlier)
    reason = next(
        (
            u.reason
            for u in schedule.unserved
            if u.delegation == d.id and u.request == request
        ),
        None,
    )
    searcher = candidates(week, schedule, d, request)
    seen = set(before)
    sites = tuple(
        _site_answer(week, schedule, searcher, d, request, site, seen, before)
        for site in week.sites.values()
        if serves(site, d, request)
    )
    return RequestAnswer(d.id, request, label, None, reason, sites, earlier)


def stay_starts(instance: Instance, d: Delegation, site: Site) -> list[int]:
    """Every grid start of every day of the stay inside the day window
    (opening hours and the stay's ends left to the judge)."""
    slot = instance.horizon.slot_minutes
    first_day = instance.minute(d.arrival) // DAY
    last_day = instance.minute(d.departure) // DAY
    out: list[int] = []
    for day in range(instance.horizon.days):
        if not first_day <= day <= last_day:
            continue
        lo = day * DAY + d.day_window[0]
        lo += -lo % slot
        hi = day * DAY + d.day_window[1] - site.visit_minutes
        out += range(lo, hi + 1, slot)
    return out


def _site_answer(
    week: Week,
    schedule: Schedule,
    searcher: _Searcher,
    d: Delegation,
    j: int,
    site: Site,
    seen: set[Violation],
    before: list[Violation],
) -> SiteAnswer:
    instance = week.instance
    hosts = _hosts(instance, site)
    twin = next(
        (
            searcher.placed(v)
            for v in schedule.visits
            if v.delegation == d.id and v.site == site.id
        ),
        None,
    )
    starts = stay_starts(instance, d, site)
    tally: Counter[int] = Counter()
    fitting = 0
    best: tuple[int, int, int] | None = None
    for start in starts:
        found = _start_rules(searcher, site, start, hosts, twin)
        found = [v for v in found if v not in seen]
        rules = {v.rule for v in found}
        tally.update(rules)
        fitting += not found
        key = (len(rules), len(found), start)
        if best is None or key < best:
            best = key
    nearest = (
        _placement(week, schedule, d, j, site, instance.at(best[2]), before)
        if best is not None
        else None
    )
    return SiteAnswer(
        site=site.id,
        name=site.name,
        starts=len(starts),
        fitting=fitting,
        rules=tuple(sorted(tally.items())),
        nearest=nearest,
    )


def _start_rules(
    searcher: _Searcher,
    site: Site,
    start: int,
    hosts: list[Presenter | None],
    twin: Placed | None,
) -> list[Violation]:
    """The judge's rule families on the visits one start touches, for
    the best presenter and pool (chosen apart: rule 6 hangs on the
    presenter, rule 8 on the pool)."""
    week = searcher.week
    # A visit already there for another request shares the new visit's
    # id (one visit per delegation and site): the rule families see the
    # day without it, and rule 4 is told apart, in the judge's words.
    touch: Touch = searcher.touch(
        searcher.candidate(site, start), twin.id if twin else None
    )
    new = touch.new(touch.base)
    found = searcher.slot_rules(touch)
    if twin is not None:  # already visiting the site for another request
        found += per_day_and_site(week, [twin, new], {})
    found += [v for v in locked(week, [new]) if v.visit_ids == (new.id,)]
    chosen, by_host = min(
        (searcher.host_rules(touch, host) for host in hosts),
        key=lambda h: len(h[1]),
    )
    own = [
        i
        for i in searcher.by_outing.get((searcher.d.id, touch.day), [])
        if i not in touch.gone
    ]
    pools = searcher.pools(own) or [None]
    _, by_pool = min(
        (searcher.pool_rules(touch, chosen, pool) for pool in pools),
        key=lambda p: len(p[1]),
    )
    return found + by_host + by_pool


# --- words -------------------------------------------------------------


def _clock(value: dt.datetime) -> str:
    return f"{value:%a %Y-%m-%d %H:%M}"


def _rules_words(items: tuple[Broken, ...], indent: str) -> list[str]:
    lines: list[str] = []
    last: int | None = None
    for b in items:
        if b.rule != last:
            lines.append(f"{indent}rule {b.rule} ({b.name}):")
            last = b.rule
        shown = list(dict.fromkeys(b.visit_ids))
        if len(shown) > MAX_IDS:
            shown = [*shown[:MAX_IDS], f"{len(shown) - MAX_IDS} more"]
        ids = f" [{', '.join(shown)}]" if shown else ""
        lines.append(f"{indent}  - {b.detail}{ids}")
    return lines


def _earlier_words(earlier: tuple[Broken, ...]) -> list[str]:
    if not earlier:
        return []
    first = earlier[0]
    return [
        f"note: the schedule already breaks {len(earlier)} hard rule(s) "
        f"(first: rule {first.rule}, {first.detail}); only what this visit "
        "adds is counted below"
    ]


def verdict_words(v: Verdict, indent: str = "") -> list[str]:
    """A placement's answer, line by line."""
    where = f"{v.site_name} ({v.site}), {_clock(v.start)}-{v.end:%H:%M}"
    lines = [
        f"{indent}{v.delegation} request {v.request} ({v.label}) at {where}"
    ]
    if v.moves is not None:
        lines.append(
            f"{indent}  moves {v.moves.id} from {_clock(v.moves.start)}"
        )
    who = (
        "self-guided"
        if v.self_guided
        else f"presenter {v.presenter or 'none'}"
    )
    choice = f"{who}, pool {v.vehicle_pool or 'none'}"
    if v.fits:
        lines.append(f"{indent}  fits: {choice}")
    else:
        rules = sorted({b.rule for b in v.broken})
        lines.append(
            f"{indent}  breaks rule(s) {', '.join(map(str, rules))} "
            f"({len(v.broken)} violation(s)) with the best choice: {choice}"
        )
        lines += _rules_words(v.broken, indent + "  ")
    if v.hosts:
        lines.append(f"{indent}  presenters of the site:")
        for h in v.hosts:
            why = "; ".join(h.reasons) if h.reasons else "can host"
            lines.append(f"{indent}    {h.name} ({h.presenter}): {why}")
    return lines


def request_words(answer: RequestAnswer) -> list[str]:
    """A request's answer, line by line."""
    head = f"{answer.delegation} request {answer.request} ({answer.label})"
    lines = _earlier_words(answer.earlier)
    v = answer.served_by
    if v is not None:
        lines.append(
            f"{head} is served by {v.id}: {v.site}, {_clock(v.start)}-"
            f"{v.end:%H:%M}, presenter {v.presenter or 'none (self-guided)'}"
        )
        return lines
    lines.append(
        f"{head} is not served: {answer.reason or 'no reason recorded'}"
    )
    if not answer.sites:
        lines.append("  no site of the catalog serves it")
    for s in answer.sites:
        lines.append(
            f"{s.name} ({s.site}): {s.fitting} of {s.starts} starts fit"
        )
        for rule, count in s.rules:
            lines.append(
                f"  rule {rule} ({RULE_NAMES.get(rule, '')}) forbids "
                f"{count} of {s.starts} starts"
            )
        if s.nearest is not None and s.fitting == 0:
            lines.append("  nearest start:")
            lines += verdict_words(s.nearest, "    ")
    if any(s.fitting for s in answer.sites):
        lines.append(
            "some start fits as is: `visits options WEEK SCHEDULE "
            f"{answer.delegation} {answer.request}` ranks them"
        )
    return lines


def words(answer: Verdict | RequestAnswer) -> str:
    """The answer in words, as `visits why` prints it."""
    if isinstance(answer, RequestAnswer):
        return "\n".join(request_words(answer))
    return "\n".join([*_earlier_words(answer.earlier), *verdict_words(answer)])


# --- JSON --------------------------------------------------------------


def _broken_json(b: Broken) -> dict[str, object]:
    return {
        "rule": b.rule,
        "name": b.name,
        "visit_ids": list(b.visit_ids),
        "detail": b.detail,
    }


def verdict_json(v: Verdict) -> dict[str, object]:
    return {
        "delegation": v.delegation,
        "request": v.request,
        "label": v.label,
        "site": v.site,
        "start": v.start.isoformat(),
        "end": v.end.isoformat(),
        "fits": v.fits,
        "presenter": v.presenter,
        "vehicle_pool": v.vehicle_pool,
        "moves": v.moves.id if v.moves is not None else None,
        "rules": [_broken_json(b) for b in v.broken],
        "presenters": [
            {
                "presenter": h.presenter,
                "can_host": not h.reasons,
                "reasons": list(h.reasons),
            }
            for h in v.hosts
        ],
        "earlier": [_broken_json(b) for b in v.earlier],
    }


def as_json(answer: Verdict | RequestAnswer) -> dict[str, object]:
    """The answer as JSON-ready data (rules: number, name, visit ids,
    detail)."""
    if isinstance(answer, Verdict):
        return verdict_json(answer)
    v = answer.served_by
    return {
        "delegation": answer.delegation,
        "request": answer.request,
        "label": answer.label,
        "fits": answer.fits,
        "served_by": None
        if v is None
        else {
            "visit": v.id,
            "site": v.site,
            "start": v.start.isoformat(),
            "end": v.end.isoformat(),
            "presenter": v.presenter,
        },
        "reason": answer.reason,
        "sites": [
            {
                "site": s.site,
                "starts": s.starts,
                "fitting": s.fitting,
                "rules": [
                    {"rule": r, "name": RULE_NAMES.get(r, ""), "starts": c}
                    for r, c in s.rules
                ],
                "nearest": verdict_json(s.nearest)
                if s.nearest is not None
                else None,
            }
            for s in answer.sites
        ],
        "earlier": [_broken_json(b) for b in answer.earlier],
    }


__all__ = [
    "RULE_NAMES",
    "Broken",
    "HostNote",
    "RequestAnswer",
    "SiteAnswer",
    "Verdict",
    "as_json",
    "parse_start",
    "why_placement",
    "why_request",
    "words",
]
