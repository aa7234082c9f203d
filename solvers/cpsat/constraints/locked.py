"""Rule 9 (locked visits): a coordinator's fixed visit stays as fixed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from solvers.cpsat.variables import Requirement

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from scheduler.problem import ProblemData
    from solvers.cpsat.variables import Variables


def add_locked(
    model: cp_model.CpModel, data: ProblemData, vars: Variables
) -> None:
    """present(d, s) = 1 for each locked visit (d, s, start, presenter).

    Its start is the locked minute and its presenter, when given, its only
    candidate (variables.py); a locked visit that cannot lie where it is
    locked has no variables, and its lock is false.
    """
    for i, lock in enumerate(data.locked):
        if lock.delegation not in vars.delegations:
            continue
        switch = vars.requirement(Requirement("locked", lock.delegation, i))
        visit = vars.visit(lock.delegation, lock.site)
        literals = [visit.present] if visit is not None else []
        if switch is None:
            model.add_bool_or(literals)
        else:
            model.add_bool_or(literals).only_enforce_if(switch)
