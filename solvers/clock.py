"""The search's time: wall seconds, or work units for reproducible plans.

By default every search step is bounded by the wall clock, so a plan
depends on how busy the machine was. A deterministic clock counts CP-SAT's
deterministic time (a measure of work, about a second of one core each)
instead and never reads the wall clock: the same data, seed, workers and
limit then give the same plan on any machine load. CP-SAT runs its
workers interleaved in that mode (``interleave_search``), which keeps a
multi-worker search reproducible too.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ortools.sat.python import cp_model

MIN_STEP_WORK = 0.01
"""Work charged at least per search call, so that a loop of calls that
each prove at once still ends within a deterministic budget."""


class Clock:
    """Seconds spent so far: on the wall, or of CP-SAT work."""

    def __init__(self, deterministic: bool = False) -> None:
        self.deterministic = deterministic
        self._started = time.perf_counter()
        self._work = 0.0

    def now(self) -> float:
        if self.deterministic:
            return self._work
        return time.perf_counter() - self._started

    def limit(self, solver: cp_model.CpSolver, seconds: float) -> None:
        """Bound one CP-SAT call to ``seconds`` of this clock."""
        p = solver.parameters
        if self.deterministic:
            p.max_deterministic_time = max(MIN_STEP_WORK, seconds)
            p.interleave_search = True
        else:
            p.max_time_in_seconds = max(0.1, seconds)

    def solve(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        callback: cp_model.CpSolverSolutionCallback | None = None,
    ) -> cp_model.CpSolverStatus:
        """Run one CP-SAT call and count its work (every call goes through
        here: one left uncounted would let a deterministic loop run on)."""
        code = solver.solve(model, callback)
        if self.deterministic:
            self._work += max(MIN_STEP_WORK, solver.deterministic_time)
        return code

    def solve_together(
        self, calls: Sequence[tuple[cp_model.CpSolver, cp_model.CpModel]]
    ) -> list[cp_model.CpSolverStatus]:
        """Run independent CP-SAT calls at once, one thread each (CP-SAT
        releases the interpreter while it searches), and count the work
        of the longest: they ran side by side, as their workers would.
        Each call's result depends only on its own model and parameters,
        so a deterministic clock stays reproducible."""
        if len(calls) == 1:
            return [self.solve(*calls[0])]
        with ThreadPoolExecutor(len(calls)) as pool:
            codes = list(pool.map(lambda c: c[0].solve(c[1]), calls))
        if self.deterministic:
            self._work += max(
                max(MIN_STEP_WORK, solver.deterministic_time)
                for solver, _ in calls
            )
        return codes

    def spend(self, work: float) -> None:
        """Count work done outside CP-SAT, in its nominal seconds."""
        if self.deterministic:
            self._work += max(0.0, work)
