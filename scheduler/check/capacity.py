"""Rules 4 and 5: visits per delegation-day and per site, site capacity."""

from __future__ import annotations

from collections import defaultdict

from scheduler.check.violation import Violation
from scheduler.check.week import Outings, Placed, Week, overloads


def per_day_and_site(
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


def capacity(week: Week, placed: list[Placed]) -> list[Violation]:
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
