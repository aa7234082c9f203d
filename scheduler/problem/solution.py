"""What every solver returns, in integer terms, and its parameters.

``Solution`` is a solver's whole answer (status, visits, objective, bound);
``scheduler.build.Result`` is the same answer mapped onto the calendar.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import threading
    from collections.abc import Sequence

    from scheduler.problem.data import ProblemData


class Status(enum.StrEnum):
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"
    MODEL_INVALID = "MODEL_INVALID"


@dataclass(frozen=True)
class PlannedVisit:
    """One visit in problem-data indices; -1 means none."""

    delegation: int
    site: int
    start: int
    presenter: int = -1
    request: int = -1
    pool: int = -1


def schedule_value(data: ProblemData, visits: Sequence[PlannedVisit]) -> int:
    """Served value of a schedule (e.g. a hint): Σ value of the requests
    its visits claim to serve."""
    return sum(
        data.delegations[v.delegation].requests[v.request].value
        for v in visits
        if v.request >= 0
    )


@dataclass(frozen=True)
class Progress:
    """A snapshot for the progress display: best value, bound, elapsed."""

    objective: float
    bound: float
    elapsed_s: float

    @property
    def gap(self) -> float:
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / abs(self.bound))


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class SolveParams:
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    log: bool = False
    progress: ProgressCallback | None = None
    hint: tuple[PlannedVisit, ...] | None = None
    """A warm start (e.g. the greedy schedule, or the previous plan)."""
    warm_start: bool = True
    """Without a hint, start CP-SAT from the greedy schedule."""
    stop: threading.Event | None = None
    """Set it (e.g. on Ctrl-C) to stop the search and keep the best found."""
    deterministic: bool = False
    """Bound the search by work, not the wall clock (``solvers.clock``):
    the same data, seed, workers and limit give the same plan."""


@dataclass(frozen=True)
class Solution:
    """A solver's answer. No schedule found: no visits and a status."""

    status: Status
    visits: tuple[PlannedVisit, ...] = ()
    objective: float | None = None
    """Served value: Σ weight × priority over served requests."""
    bound: float | None = None
    wall_s: float = 0.0
    conflicts: tuple[str, ...] = ()
    """When required requests cannot all be served: why, in words."""
    stats: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """The solver settings a user chooses: picklable, one per plan or
    comparison (``visits plan``, every plan of ``visits whatif``)."""

    solver: str = "cpsat"
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = False

    def params(self, *, log: bool = False) -> SolveParams:
        return SolveParams(
            time_limit=self.time_limit,
            workers=self.workers,
            seed=self.seed,
            log=log,
            deterministic=self.deterministic,
        )
