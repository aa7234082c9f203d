"""Solvers behind one interface: ``solve(instance, solver=...) -> Result``."""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from solvers.base import (
    PlannedVisit,
    Progress,
    Solution,
    SolveParams,
    Status,
)

if TYPE_CHECKING:
    from scheduler.model import Instance, Schedule
    from scheduler.problem import ProblemData

SOLVERS = {"cpsat": "solvers.cpsat", "greedy": "solvers.greedy"}

__all__ = [
    "SOLVERS",
    "PlannedVisit",
    "Progress",
    "Result",
    "Solution",
    "SolveParams",
    "Status",
    "solve",
    "solve_data",
]


@dataclass(frozen=True)
class Result:
    status: Status
    schedule: Schedule
    objective: float | None
    bound: float | None
    wall_s: float
    conflicts: tuple[str, ...] = ()


def solve_data(
    data: ProblemData, solver: str = "cpsat", params: SolveParams | None = None
) -> Solution:
    """Solve integer problem data with the named solver."""
    if solver not in SOLVERS:
        raise ValueError(
            f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}"
        )
    from solvers.routing import unsupported

    params = params or SolveParams()
    # Tour-like data gets its warm start from the routing engine, which
    # the greedy pass would only delay (seconds on wide windows).
    tours = unsupported(data) is None
    if (
        solver == "cpsat"
        and params.hint is None
        and params.warm_start
        and not tours
    ):
        from solvers.greedy import best_effort

        started = time.perf_counter()
        hint = best_effort(data).visits
        # The warm start is part of the time limit (on wide windows it
        # takes seconds); a deterministic plan counts work, not seconds.
        spent = 0.0 if params.deterministic else time.perf_counter() - started
        params = replace(
            params, hint=hint, time_limit=max(0.1, params.time_limit - spent)
        )
    module = importlib.import_module(SOLVERS[solver])
    solution: Solution = module.solve(data, params)
    return solution


def solve(
    instance: Instance,
    solver: str = "cpsat",
    params: SolveParams | None = None,
) -> Result:
    """Plan a week: compile, solve, and map back to calendar times."""
    from scheduler.build import to_schedule
    from scheduler.problem import compile_instance

    started = time.perf_counter()
    data = compile_instance(instance)
    solution = solve_data(data, solver, params)
    schedule = to_schedule(instance, data, solution, solver)
    return Result(
        status=solution.status,
        schedule=schedule,
        objective=solution.objective,
        bound=solution.bound,
        wall_s=time.perf_counter() - started,
        conflicts=solution.conflicts,
    )
