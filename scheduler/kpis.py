"""Key figures of a schedule, recomputed from its visits and the instance.

``compute_kpis`` never reads ``schedule.kpis`` or a solver's own figures
other than its status, objective and bound, so every export and the
what-if table compare schedules on the same footing. Utilization
denominators: a site's opening minutes on its open dates in the horizon;
a presenter's available minutes (their weekly availability, or when none
is given the opening hours of their department's sites, minus their
unavailable ranges).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from scheduler.check.week import (
    DAY,
    Load,
    Outings,
    Placed,
    Week,
    group_outings,
    peak,
    place,
    served_requests,
    served_value,
    vehicles_needed,
)
from scheduler.explain.words import kind_of_words
from scheduler.problem.windows import union

if TYPE_CHECKING:
    from scheduler.model import (
        Instance,
        Presenter,
        Schedule,
        Unserved,
        WeeklyHours,
    )

NO_REASON = "no reason given"


def category_of(entry: Unserved) -> str:
    """The reason's kind as the planner recorded it, else read from its
    words (a schedule written by hand or by an older version)."""
    return entry.kind or reason_category(entry.reason)


def reason_category(reason: str) -> str:
    """A short key that groups reasons without their names and numbers.

    The kind of the reason when its words are those of the reasons table
    (``scheduler.explain.words``, either language); else the words before
    ":" ("outcompeted: site capacity at Ruta N" -> "outcompeted"); else
    the first matching phrase of ``CATEGORIES`` ("Parque Explora is closed
    during the stay" -> "closed"); else the leading lower-case words
    before a name, a number or a preposition.
    """
    kind = kind_of_words(reason)
    if kind is not None:
        return kind
    head, colon, _ = reason.partition(":")
    if colon:
        return head.strip().lower() or NO_REASON
    text = reason.lower()
    for phrases, category in CATEGORIES:
        if any(phrase in text for phrase in phrases):
            return category
    words = []
    for word in reason.split():
        if word in _STOP or not re.fullmatch(r"[a-z\-']+", word):
            break
        words.append(word)
    return " ".join(words) or text.strip() or NO_REASON


CATEGORIES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("not accessible", "no accessible"), "access"),
    (("group of",), "capacity"),
    (("presenter",), "presenters"),
    (("closed",), "closed"),
    (("vehicle",), "vehicles"),
    (("no site offers", "no site with"), "topic"),
    (("no slot", "no start", "no time"), "day window"),
)
"""Phrases of older static reasons and their kind (scheduler/explain)."""

_STOP = frozenset(
    {"of", "for", "at", "in", "on", "than", "to", "by", "from", "during"}
    | {"with", "when", "because", "before", "after", "while"}
)


def compute_kpis(instance: Instance, schedule: Schedule) -> dict[str, Any]:
    """Served value and share, unserved by reason and topic, travel,
    site, presenter and vehicle use, and the solver's figures (JSON-ready).
    """
    week = Week(instance)
    placed = place(week, schedule)
    outings = group_outings(placed)
    served = served_requests(instance, schedule)
    value = served_value(instance, schedule)
    requested = sum(
        d.value(j)
        for d in instance.delegations
        for j in range(len(d.requests))
    )
    required = [
        (d.id, j)
        for d in instance.delegations
        for j, r in enumerate(d.requests)
        if r.required
    ]
    reasons = {(u.delegation, u.request): u for u in schedule.unserved}
    by_reason: Counter[str] = Counter()
    by_topic: Counter[str] = Counter()
    for d in instance.delegations:
        for j, r in enumerate(d.requests):
            if (d.id, j) in served:
                continue
            entry = reasons.get((d.id, j))
            by_reason[category_of(entry) if entry else NO_REASON] += 1
            by_topic[_topic(week, r.topic, r.site)] += 1

    travel = sum(v.visit.travel_minutes_before for v in placed)
    for visits in outings.values():
        last = max(visits, key=lambda p: p.end)
        travel += week.to_lodging(last.site, last.delegation)

    solver = schedule.solver
    return {
        "served_value": value,
        "requested_value": requested,
        "served_share": round(value / requested, 4) if requested else 0.0,
        "required_total": len(required),
        "required_served": sum(1 for x in required if x in served),
        "visits": len(schedule.visits),
        "delegations_total": len(instance.delegations),
        "delegations_with_visit": len({p.delegation.id for p in placed}),
        "unserved_total": sum(by_reason.values()),
        "unserved_by_reason": dict(by_reason.most_common()),
        "unserved_by_topic": dict(by_topic.most_common()),
        "travel_minutes": travel,
        "site_utilization": _site_use(week, placed),
        "presenter_utilization": _presenter_use(week, placed),
        "vans_used": _vans(week, outings),
        "solver": solver.name,
        "status": solver.status,
        "objective": solver.objective,
        "bound": solver.bound,
        "gap": _gap(solver.objective, solver.bound),
        "wall_s": solver.wall_s,
    }


def _topic(week: Week, topic: str | None, site: str | None) -> str:
    """The request's topic, or the named site's first topic."""
    if topic is not None:
        return topic
    known = week.sites.get(site or "")
    if known is None or not known.topics:
        return f"site:{site}"
    return known.topics[0]


def _gap(objective: float | None, bound: float | None) -> float | None:
    """(bound − objective) / bound; None without both figures."""
    if objective is None or bound is None:
        return None
    if bound == 0:
        return 0.0 if objective == 0 else None
    return round((bound - objective) / abs(bound), 6)


def _share(used: int, available: int) -> float:
    return round(used / available, 4) if available else 0.0


def _weekly_minutes(
    week: Week, hours: WeeklyHours, closed: frozenset[object] = frozenset()
) -> list[tuple[int, int]]:
    """Horizon ranges of weekly hours on the dates not closed."""
    return [
        (k * DAY + lo, k * DAY + hi)
        for k, date in enumerate(week.instance.horizon.dates)
        if date not in closed
        for lo, hi in hours.on(date)
    ]


def _site_use(week: Week, placed: list[Placed]) -> dict[str, Any]:
    """Visit-minutes / (open minutes × max_groups), per site and overall."""
    used: Counter[str] = Counter()
    for p in placed:
        used[p.site.id] += p.end - p.start
    by_site = {}
    total_open = 0
    for site in week.instance.catalog.sites:
        ranges = _weekly_minutes(
            week, site.opening_hours, frozenset(site.closed)
        )
        minutes = sum(hi - lo for lo, hi in ranges) * site.max_groups
        total_open += minutes
        by_site[site.id] = _share(used[site.id], minutes)
    return {
        "overall": _share(sum(used.values()), total_open),
        "by_site": by_site,
    }


def _available_minutes(week: Week, presenter: Presenter) -> int:
    if presenter.availability is not None:
        ranges = _weekly_minutes(week, presenter.availability)
    else:
        ranges = [
            r
            for site in week.instance.catalog.sites
            if site.department == presenter.department
            for r in _weekly_minutes(
                week, site.opening_hours, frozenset(site.closed)
            )
        ]
        ranges = union(ranges) or [(0, week.end)]
    minute = week.instance.minute
    cuts = [(minute(r.start), minute(r.end)) for r in presenter.unavailable]
    total = 0
    for lo, hi in union(ranges):
        total += hi - lo
        for c_lo, c_hi in union(cuts):
            total -= max(0, min(hi, c_hi) - max(lo, c_lo))
    return total


def _presenter_use(week: Week, placed: list[Placed]) -> dict[str, Any]:
    """Per presenter: visits, minutes, minutes / available minutes."""
    visits: Counter[str] = Counter()
    minutes: Counter[str] = Counter()
    for p in placed:
        if p.visit.presenter is not None:
            visits[p.visit.presenter] += 1
            minutes[p.visit.presenter] += p.end - p.start
    by_presenter = {}
    total_available = 0
    for presenter in week.instance.catalog.presenters:
        available = _available_minutes(week, presenter)
        total_available += available
        by_presenter[presenter.id] = {
            "visits": visits[presenter.id],
            "minutes": minutes[presenter.id],
            "share": _share(minutes[presenter.id], available),
        }
    known = sum(minutes[p] for p in by_presenter)
    return {
        "overall": _share(known, total_available),
        "by_presenter": by_presenter,
    }


def _vans(week: Week, outings: Outings) -> dict[str, int]:
    """Per pool, the peak number of vehicles out at once."""
    loads: dict[str, list[Load]] = defaultdict(list)
    for visits in outings.values():
        pools = {p.visit.vehicle_pool for p in visits}
        name = next(iter(pools))
        if len(pools) != 1 or name not in week.pools:
            continue
        pool = week.pools[str(name)]
        d = visits[0].delegation
        loads[pool.id].append(
            (
                week.depart(visits),
                week.back(visits),
                vehicles_needed(d, pool.seats),
                d.id,
            )
        )
    return {pool: peak(loads[pool]) for pool in week.pools}


def kpi_rows(kpis: dict[str, Any]) -> list[tuple[str, str]]:
    """The KPIs as (name, value) lines for a terminal table."""

    def pct(x: Any) -> str:
        return "-" if x is None else f"{x:.1%}"

    rows = [
        (
            "served value",
            f"{kpis['served_value']} of {kpis['requested_value']}",
        ),
        ("served share", pct(kpis["served_share"])),
        (
            "required served",
            f"{kpis['required_served']} of {kpis['required_total']}",
        ),
        ("visits", str(kpis["visits"])),
        (
            "delegations with a visit",
            f"{kpis['delegations_with_visit']} of {kpis['delegations_total']}",
        ),
        ("unserved requests", str(kpis["unserved_total"])),
    ]
    rows += [
        (f"  unserved: {reason}", str(n))
        for reason, n in kpis["unserved_by_reason"].items()
    ]
    rows += [
        ("travel minutes", str(kpis["travel_minutes"])),
        ("site utilization", pct(kpis["site_utilization"]["overall"])),
        (
            "presenter utilization",
            pct(kpis["presenter_utilization"]["overall"]),
        ),
    ]
    rows += [
        (f"  vehicles out at peak: {pool}", str(n))
        for pool, n in kpis["vans_used"].items()
    ]
    objective, bound = kpis["objective"], kpis["bound"]
    rows += [
        ("solver", f"{kpis['solver']} ({kpis['status']})"),
        ("objective", "-" if objective is None else f"{objective:g}"),
        ("bound", "-" if bound is None else f"{bound:g}"),
        ("gap", pct(kpis["gap"])),
        ("wall seconds", f"{kpis['wall_s']:.1f}"),
    ]
    return rows
