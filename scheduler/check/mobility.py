"""Rules 7 and 8: accessible sites, and the vehicles a delegation rides."""

from __future__ import annotations

from collections import defaultdict

from scheduler.check.violation import Violation
from scheduler.check.week import (
    DAY,
    Load,
    Outings,
    Placed,
    Week,
    overloads,
    vehicles_needed,
)


def access(placed: list[Placed]) -> list[Violation]:
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


def vehicles(week: Week, outings: Outings) -> list[Violation]:
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
