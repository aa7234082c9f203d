"""The one place CP-SAT solvers are made."""

from __future__ import annotations

from ortools.sat.python import cp_model


def new_solver() -> cp_model.CpSolver:
    """A CP-SAT solver that leaves Ctrl-C to Python.

    CP-SAT catches SIGINT by default; run from a worker thread (as `visits
    plan` does, so Ctrl-C stops the search and keeps the best schedule) its
    handler aborts the process. The caller stops the search instead, through
    ``SolveParams.stop``.
    """
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    return solver
