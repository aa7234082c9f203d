"""Rule 9 (served requests): one visit serves at most one request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from solvers.cpsat.variables import Requirement

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from scheduler.problem import ProblemData
    from solvers.cpsat.variables import Variables


def add_requests(
    model: cp_model.CpModel, data: ProblemData, vars: Variables
) -> None:
    """Assign requests to visits.

    Σ_s x(d, j, s) ≤ 1, and = 1 when request j is required;
    Σ_j x(d, j, s) = present(d, s) (≤ for a locked visit, which may serve
    no request): a visit is made only to serve a request, and serves one.
    """
    for d in vars.delegations:
        for j, request in enumerate(data.delegations[d].requests):
            chosen = [a.literal for a in vars.assignments_for(d, j)]
            switch = vars.requirement(Requirement("request", d, j))
            if len(chosen) > 1:
                model.add_at_most_one(chosen)
            if not request.required:
                continue
            if switch is None:
                model.add_bool_or(chosen)
            else:
                model.add_bool_or(chosen).only_enforce_if(switch)
    for v in vars.visits:
        served = sum(a.literal for a in vars.assignments_to(v))
        if v.locked >= 0:
            model.add(served <= v.present)
        else:
            model.add(served == v.present)
