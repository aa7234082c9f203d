"""Rule 8: each day out rides one vehicle pool; pools have counts."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from scheduler.problem import ProblemData
    from solvers.cpsat.variables import Route, Variables


def add_vehicles(
    model: cp_model.CpModel, data: ProblemData, vars: Variables
) -> None:
    """Vehicles per pool, over each delegation-day's outing.

    Σ_pool ride(d, k, pool) = used(d, k)
    leave(k, v)  ⇒ depart(d, k) = start(v) − travel(lodging, s_v)
    return(v, k) ⇒ back(d, k) = end(v) + travel(s_v, lodging)
    per pool, at any minute t:
      Σ_{(d, k) rides pool, t ∈ [depart, back)} ceil(size(d) / seats) ≤ count

    Background outings (``vars.outings``) hold their vehicles as fixed
    intervals. Implied, for propagation (the first visit leaves lodging earliest, the
    last returns latest):
    on(v, k) ⇒ depart(d, k) ≤ start(v) − lead(v),  back(d, k) ≥ end(v) + tail(v)
    with lead(v) = travel(lodging, v) and tail(v) = travel(v, lodging) when
    no detour through another visit is shorter (triangle inequality with
    visit durations); otherwise lead and tail fall back to safe minima.
    """
    rides: dict[int, list[tuple[cp_model.IntervalVar, int]]] = defaultdict(
        list
    )
    for route in vars.routes:
        d = route.delegation
        for day in route.days:
            model.add(sum(day.pools.values()) + day.idle == 1)
            name = f"D{d}_day{day.day.index}"
            for pool, literal in day.pools.items():
                interval = model.new_optional_interval_var(
                    day.depart,
                    day.span,
                    day.back,
                    literal,
                    f"{name}_ride{pool}",
                )
                rides[pool].append((interval, data.vehicles_needed(d, pool)))
        lead, tail = _lead_and_tail(data, route)
        for v in route.visits:
            for k, on_day in v.days.items():
                day = next(x for x in route.days if x.day.index == k)
                model.add(
                    day.depart <= v.start - lead[v.site]
                ).only_enforce_if(on_day)
                model.add(day.back >= v.end + tail[v.site]).only_enforce_if(
                    on_day
                )
        for leave in route.leaves:
            model.add(
                leave.day.depart == leave.target.start - leave.travel
            ).only_enforce_if(leave.literal)
        for back in route.returns:
            model.add(
                back.day.back == back.origin.end + back.travel
            ).only_enforce_if(back.literal)
    for outing in vars.outings:
        if outing.pool in rides and outing.back > outing.depart:
            interval = model.new_fixed_size_interval_var(
                outing.depart,
                outing.back - outing.depart,
                f"fixed_D{outing.delegation}_day{outing.day}_ride",
            )
            need = data.vehicles_needed(outing.delegation, outing.pool)
            rides[outing.pool].append((interval, need))
    for pool, used in rides.items():
        count = data.vehicles[pool].count
        if sum(need for _, need in used) > count:
            model.add_cumulative(
                [interval for interval, _ in used],
                [need for _, need in used],
                count,
            )


def _lead_and_tail(
    data: ProblemData, route: Route
) -> tuple[dict[int, int], dict[int, int]]:
    """Lower bounds on start(v) − depart and back − end(v) for a day's visit.

    If v is not first, some u is, and start(v) ≥ start(u) + duration(u)
    (+ travel ≥ 0); so lead(v) ≥ min(from(v), min_u from(u) + duration(u)),
    and = from(v) when from(v) ≤ from(u) + duration(u) + travel(u, v) for
    all u (then any path u → … → v is no shorter). Likewise for tail.
    """
    dd = data.delegations[route.delegation]
    lead, tail = {}, {}
    for v in route.visits:
        others = [u for u in route.visits if u is not v]
        f, t = dd.from_lodging[v.site], dd.to_lodging[v.site]
        if all(
            f
            <= dd.from_lodging[u.site]
            + u.duration
            + data.travel[u.site][v.site]
            for u in others
        ):
            lead[v.site] = f
        else:
            lead[v.site] = min(
                [f] + [dd.from_lodging[u.site] + u.duration for u in others]
            )
        if all(
            t
            <= data.travel[v.site][u.site] + u.duration + dd.to_lodging[u.site]
            for u in others
        ):
            tail[v.site] = t
        else:
            tail[v.site] = min(
                [t] + [u.duration + dd.to_lodging[u.site] for u in others]
            )
    return lead, tail
