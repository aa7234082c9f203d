"""What runs inside a CP-SAT search: progress reports and the stop switch.

``Watcher`` reports the served value and its bound as solutions and bounds
arrive; ``stop_on`` stops a search when the user's stop event is set;
``log_line`` sends CP-SAT's log to stderr.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.problem.solution import Progress

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from scheduler.problem.solution import SolveParams
    from solvers.cpsat.variables import Expr


def value_floor(bound: float) -> int:
    """A value bound from CP-SAT's (float) bound on the value objective."""
    return math.floor(bound + 1e-6) if math.isfinite(bound) else 2**62


def log_line(line: str) -> None:
    sys.stderr.write(line + "\n")


class Watcher(cp_model.CpSolverSolutionCallback):
    """Reports progress (served value, its bound, elapsed) as CP-SAT goes.

    ``to_served`` turns CP-SAT's objective bound into a served-value bound;
    it changes with the phase.
    """

    def __init__(
        self,
        value: Expr,
        params: SolveParams,
        started: float,
        hinted: int,
        requested: int,
    ) -> None:
        super().__init__()
        self.served = value
        self.report = params.progress
        self.started = started
        self.best = max(hinted, 0)
        self.bound = requested
        self.to_served: Callable[[float], int] = value_floor
        self.lock = threading.Lock()
        if self.report is not None and hinted >= 0:
            self._send()

    def on_solution_callback(self) -> None:
        with self.lock:
            self.best = max(self.best, int(self.value(self.served)))
            self.bound = min(
                self.bound, self.to_served(self.best_objective_bound)
            )
            self._send()

    def on_bound(self, objective_bound: float) -> None:
        with self.lock:
            self.bound = min(self.bound, self.to_served(objective_bound))
            self._send()

    def _send(self) -> None:
        if self.report is not None:
            elapsed = time.perf_counter() - self.started
            self.report(
                Progress(self.best, max(self.bound, self.best), elapsed)
            )


@contextmanager
def stop_on(
    solver: cp_model.CpSolver, stop: threading.Event | None
) -> Iterator[None]:
    """Stop the search when ``stop`` (a threading.Event) is set."""
    if stop is None:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if stop.wait(0.1):
                solver.stop_search()
                return

    thread = threading.Thread(target=watch, name="cpsat-stop", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
