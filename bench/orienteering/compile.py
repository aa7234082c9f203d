"""A TOPTW instance with m tours compiled DIRECTLY into ProblemData.

No calendars: the instance becomes the product solver's integer problem
data (all times in integer units of 0.1 for Solomon files, 0.01 for
Cordeau files, FORMAT.md):

- the depot is the delegation's lodging; tour k is day k, the band
  ``[k·H, k·H + Tmax]`` with ``H > Tmax`` (``day_length = H``);
- each customer is a site open, on day k, over
  ``[k·H + O, k·H + C + d)``: the window bounds the visit's START;
- one request per customer, value = score; no presenters or lunch;
  capacity and group limits that never bind (size 1); slot 1; max visits a
  day N; one vehicle pool of one vehicle (SPEC rule 8 puts every day out
  on a pool; tours never overlap, so it never binds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.orienteering.instances import day_length
from scheduler.problem import (
    DayData,
    DelegationData,
    ProblemData,
    RequestData,
    SiteData,
    VehicleData,
)

if TYPE_CHECKING:
    from bench.orienteering.instances import Toptw


def compile_toptw(inst: Toptw, m: int, *, pool: bool = True) -> ProblemData:
    """The TOPTW instance with m tours as integer problem data.

    ``pool`` gives the data one vehicle pool of one seat and one vehicle.
    SPEC rule 8 puts every day out on a pool, so without one the greedy
    and CP-SAT plan no visit at all; tours never overlap in time, so this
    pool never binds. ``pool=False`` leaves ``vehicles`` empty, for when
    the solvers read "no pools" as "no vehicle rule".
    """
    sc, h, tmax = inst.scale, day_length(inst), inst.tmax
    customers = inst.vertices[1:]
    sites = tuple(
        SiteData(
            name=f"v{v.id}",
            duration=v.duration * sc,
            capacity=1,
            max_groups=1,
            department=-1,
            accessible=True,
            open=tuple(
                (k * h + v.open * sc, k * h + (v.close + v.duration) * sc)
                for k in range(m)
            ),
        )
        for v in customers
    )
    days = tuple(
        DayData(
            index=k,
            lo=k * h,
            hi=k * h + tmax,
            lunch=(k * h, k * h),
            lunch_minutes=0,
        )
        for k in range(m)
    )
    delegation = DelegationData(
        name=inst.name,
        size=1,
        languages=frozenset(),
        days=days,
        max_per_day=inst.n,
        accessible_only=False,
        requests=tuple(
            RequestData(sites=(s,), value=v.score, required=False)
            for s, v in enumerate(customers)
        ),
        from_lodging=tuple(inst.travel(0, v.id) for v in customers),
        to_lodging=tuple(inst.travel(v.id, 0) for v in customers),
    )
    return ProblemData(
        name=f"{inst.name}-m{m}",
        slot=1,
        day_length=h,
        n_days=m,
        departments=(),
        sites=sites,
        presenters=(),
        delegations=(delegation,),
        travel=tuple(
            tuple(inst.travel(a.id, b.id) for b in customers)
            for a in customers
        ),
        vehicles=(VehicleData("tour", 1, 1),) if pool else (),
    )
