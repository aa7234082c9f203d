"""Solvers behind one interface: ``solve(data, solver=...) -> Solution``.

Solvers read the integer contract (``scheduler.problem``) and nothing of
calendars, files or exports; ``visits.planning`` compiles a week, calls
``solve`` and maps the answer back to calendar times.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

from scheduler.problem import SolveParams
from solvers import cpsat, greedy
from solvers.pyvrp_warm_start import unsupported

if TYPE_CHECKING:
    from scheduler.problem import ProblemData, Solution

SOLVERS = ("cpsat", "greedy")
"""The names ``visits plan --solver`` takes."""

__all__ = ["SOLVERS", "solve"]


def solve(
    data: ProblemData, solver: str = "cpsat", params: SolveParams | None = None
) -> Solution:
    """Solve integer problem data with the named solver."""
    params = params or SolveParams()
    if solver == "greedy":
        return greedy.solve(data, params)
    if solver == "cpsat":
        return cpsat.solve(data, _with_greedy_start(data, params))
    raise ValueError(
        f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}"
    )


def _with_greedy_start(data: ProblemData, params: SolveParams) -> SolveParams:
    """CP-SAT starts from the greedy schedule unless it was given a hint.

    Tour-like data gets its warm start from the routing engine instead,
    which the greedy pass would only delay (seconds on wide windows).
    """
    if params.hint is not None or not params.warm_start:
        return params
    if unsupported(data) is None and not data.published:
        return params
    started = time.perf_counter()
    hint = greedy.best_effort(data).visits
    # The warm start is part of the time limit (on wide windows it takes
    # seconds); a deterministic plan counts work, not seconds.
    spent = 0.0 if params.deterministic else time.perf_counter() - started
    return replace(
        params, hint=hint, time_limit=max(0.1, params.time_limit - spent)
    )
