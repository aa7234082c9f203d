"""Map a solver's integer answer back to a calendar ``Schedule``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scheduler.kpis import compute_kpis
from scheduler.model import (
    Instance,
    Schedule,
    SolverInfo,
    Visit,
    visit_id,
)
from scheduler.reasons import unserved as unserved_requests

if TYPE_CHECKING:
    from scheduler.problem import ProblemData, Solution, Status


@dataclass(frozen=True)
class Result:
    """A planned week: the calendar schedule and the solver's figures."""

    status: Status
    schedule: Schedule
    objective: float | None
    bound: float | None
    wall_s: float
    conflicts: tuple[str, ...] = ()


def to_schedule(
    instance: Instance, data: ProblemData, solution: Solution, solver: str
) -> Schedule:
    """The calendar schedule of a solution, with reasons and KPIs."""
    by_day: dict[tuple[int, int], list[int]] = {}
    planned = sorted(solution.visits, key=lambda v: (v.delegation, v.start))
    visits = []
    for v in planned:
        d = data.delegations[v.delegation]
        key = (v.delegation, data.day_of(v.start))
        previous = by_day.setdefault(key, [])
        travel = (
            data.travel[previous[-1]][v.site]
            if previous
            else d.from_lodging[v.site]
        )
        previous.append(v.site)
        site = data.sites[v.site]
        visits.append(
            Visit(
                id=visit_id(d.name, site.name),
                delegation=d.name,
                site=site.name,
                presenter=data.presenters[v.presenter].name
                if v.presenter >= 0
                else None,
                start=instance.at(v.start),
                end=instance.at(v.start + site.duration),
                request=v.request if v.request >= 0 else None,
                travel_minutes_before=travel,
                vehicle_pool=data.vehicles[v.pool].name
                if v.pool >= 0
                else None,
            )
        )
    served = {(v.delegation, v.request) for v in solution.visits}
    unserved = unserved_requests(instance, data, solution.visits, served)
    schedule = Schedule(
        instance=instance.name,
        solver=SolverInfo(
            name=solver,
            status=str(solution.status),
            objective=solution.objective,
            bound=solution.bound,
            wall_s=round(solution.wall_s, 3),
        ),
        visits=visits,
        unserved=unserved,
    )
    return schedule.model_copy(
        update={"kpis": compute_kpis(instance, schedule)}
    )
