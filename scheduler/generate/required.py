"""The required requests: only on targets a delegation can reach comfortably.

About one delegation in ten gets one required request, only on a target it
could be served at comfortably on its own (capacity, a presenter speaking
its language, open hours during its stay, lunch, with at least
``ROBUST_MIN_STARTS`` possible start times), so that the generated weeks'
required requests can be served together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scheduler.compile import compile_instance
from scheduler.generate.demand import REQUIRED_SHARE

if TYPE_CHECKING:
    import random

    from scheduler.model import Instance
    from scheduler.problem import ProblemData

ROBUST_MIN_STARTS = 8
"""A required request's target offers at least this many start times."""


def comfortable_starts(data: ProblemData, d: int, s: int) -> int:
    """Start times at which delegation ``d`` could visit site ``s`` alone.

    A start t counts when ``t ∈ starts(d, s)``, one presenter able to host
    the group is available for all of [t, t + duration), and the lunch fits
    before leaving lodging (lunch_lo + m ≤ t − from_lodging) or after
    coming back (t + duration + to_lodging + m ≤ lunch_hi).
    """
    site = data.sites[s]
    delegation = data.delegations[d]
    presenters = data.presenters_for(d, s) if site.department >= 0 else ()
    if not any(
        data.vehicles_needed(d, v) <= pool.count
        for v, pool in enumerate(data.vehicles)
    ):
        return 0
    count = 0
    for lo, hi in data.starts(d, s):
        for t in range(lo, hi + 1, data.slot):
            end = t + site.duration
            if site.department >= 0 and not any(
                a <= t and end <= b
                for p in presenters
                for a, b in data.presenters[p].available
            ):
                continue
            day = next(
                (x for x in delegation.days if x.index == data.day_of(t)),
                None,
            )
            if day is None:
                continue
            m = day.lunch_minutes
            lunch_before = day.lunch[0] + m <= t - delegation.from_lodging[s]
            lunch_after = end + delegation.to_lodging[s] + m <= day.lunch[1]
            if m == 0 or lunch_before or lunch_after:
                count += 1
    return count


def mark_required(
    rng: random.Random, instance: Instance, delegations: list[dict[str, Any]]
) -> None:
    """One required request for about one delegation in ten.

    Only on a comfortable target, and at most one required visit per site
    and open group slot a week (``max_groups`` × open days), so that the
    required requests stay servable together.
    """
    data = compile_instance(instance)
    budget = {
        i: site.max_groups * len({data.day_of(lo) for lo, _ in site.open})
        for i, site in enumerate(data.sites)
    }
    for d, raw in enumerate(delegations):
        if rng.random() >= REQUIRED_SHARE:
            continue
        robust = []
        for j, request in enumerate(data.delegations[d].requests):
            sites = [
                s
                for s in request.sites
                if budget[s] > 0
                and comfortable_starts(data, d, s) >= ROBUST_MIN_STARTS
            ]
            if sites:
                robust.append((j, sites))
        if not robust:
            continue
        j, sites = rng.choice(robust)
        raw["requests"][j]["required"] = True
        if len(sites) == 1:
            budget[sites[0]] -= 1
