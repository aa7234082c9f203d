"""The CP-SAT formulation of a week: build the model, read its visits.

``build`` adds the variables, then one hard-constraint family per function
(``constraints/``, in ``FAMILIES`` order), the redundant aggregates and the
objective; ``extract`` turns a solved model back into planned visits. The
strategy (``strategy.py``), the bounds, the conflicts explainer and the
neighbourhood search all build through here; nothing here solves.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ortools.sat.python import cp_model

from scheduler.problem.solution import PlannedVisit
from solvers.cpsat.constraints.aggregates import (
    add_aggregates,
    add_value_caps,
)
from solvers.cpsat.constraints.day_limits import add_day_limits
from solvers.cpsat.constraints.locked import add_locked
from solvers.cpsat.constraints.lunch import add_lunch
from solvers.cpsat.constraints.presenters import add_presenters
from solvers.cpsat.constraints.requests import add_requests
from solvers.cpsat.constraints.routes import add_routes
from solvers.cpsat.constraints.site_capacity import add_site_capacity
from solvers.cpsat.constraints.stability import add_stability
from solvers.cpsat.constraints.vehicles import add_vehicles
from solvers.cpsat.constraints.visit_days import add_visit_days
from solvers.cpsat.declare import make_variables
from solvers.cpsat.hints import add_hints
from solvers.cpsat.objective import Objective, set_objective

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from scheduler.problem import ProblemData
    from solvers.cpsat.variables import Variables

FAMILIES = (
    "visit_days",
    "requests",
    "routes",
    "lunch",
    "day_limits",
    "site_capacity",
    "presenters",
    "vehicles",
    "locked",
)
"""The hard-constraint families, in the order ``build`` adds them."""


@dataclass(frozen=True)
class Built:
    data: ProblemData
    model: cp_model.CpModel
    vars: Variables
    objective: Objective | None
    build_s: float

    def hint(self, visits: Sequence[PlannedVisit]) -> int:
        assert self.objective is not None
        return add_hints(
            self.model, self.data, self.vars, self.objective, visits
        )

    def extract(self, solver: cp_model.CpSolver) -> tuple[PlannedVisit, ...]:
        return extract(self.data, self.vars, solver)


class Formulation(Protocol):
    """A CP-SAT model of the data that ``_solve_whole`` can solve: the week
    model (``Built``) or, for one delegation whose days are alike, the
    tour model (``tours.Tours``)."""

    @property
    def model(self) -> cp_model.CpModel: ...
    @property
    def objective(self) -> Objective | None: ...
    @property
    def build_s(self) -> float: ...
    def hint(self, visits: Sequence[PlannedVisit]) -> int: ...
    def extract(
        self, solver: cp_model.CpSolver
    ) -> tuple[PlannedVisit, ...]: ...


def build(
    data: ProblemData,
    *,
    delegations: Collection[int] | None = None,
    drop: Collection[str] = (),
    explain: bool = False,
    objective: bool = True,
    fixed: Sequence[PlannedVisit] = (),
    caps: Mapping[int, int] | None = None,
    shortlist: Mapping[tuple[int, int], tuple[int, ...]] | None = None,
) -> Built:
    """The CP-SAT model of ``data``.

    ``delegations`` keeps only some delegations, ``drop`` leaves families
    out and ``explain`` puts required requests and locks behind switch
    literals: these serve to explain an infeasible set of requirements.
    ``delegations`` with ``fixed`` (the other delegations' visits, which
    keep their sites, presenters and vehicles) re-plan a neighbourhood.
    ``caps`` are proven per-delegation value bounds, added as cuts;
    ``shortlist`` narrows a neighbourhood's presenter choices.
    """
    started = time.perf_counter()
    model = cp_model.CpModel()
    # 1. Variables: candidate visits, days, lunch sides, routes, requests,
    #    presenter choices, departures and vehicle pools.
    vars = make_variables(
        model,
        data,
        delegations=delegations,
        explain=explain,
        fixed=fixed,
        shortlist=shortlist,
    )
    # 2. Rule 1: each visit on one day, inside its pre-filtered starts.
    if "visit_days" not in drop:
        add_visit_days(model, data, vars)
    # 3. Rule 9: requests served by visits; required ones served.
    if "requests" not in drop:
        add_requests(model, data, vars)
    # 4. Rule 2: one circuit per delegation; travel between places.
    if "routes" not in drop:
        add_routes(model, data, vars)
    # 5. Rule 3: lunch where the day's visits switch from before to after.
    if "lunch" not in drop:
        add_lunch(model, data, vars)
    # 6. Rule 4: visits a day.
    if "day_limits" not in drop:
        add_day_limits(model, data, vars)
    # 7. Rule 5: people and groups on site.
    if "site_capacity" not in drop:
        add_site_capacity(model, data, vars)
    # 8. Rule 6: presenters (language, availability, no overlap, daily cap).
    if "presenters" not in drop:
        add_presenters(model, data, vars)
    # 9. Rule 8: one vehicle pool a day out; pool counts.
    if "vehicles" not in drop:
        add_vehicles(model, data, vars)
    # 10. Rule 9: locked visits kept.
    if "locked" not in drop:
        add_locked(model, data, vars)
    # 11. Redundant: per delegation-day time budgets, for a tighter bound.
    if "aggregates" not in drop:
        add_aggregates(model, data, vars)
        if caps:
            add_value_caps(model, vars, caps)
    # 12. Re-plan: published visits kept, at most max_changes not.
    kept = add_stability(model, data, vars, fixed) if data.published else []
    # 13. Objective: value, then changes, travel, presenter balance.
    goal = set_objective(model, data, vars, kept) if objective else None
    return Built(data, model, vars, goal, time.perf_counter() - started)


def extract(
    data: ProblemData, vars: Variables, solver: cp_model.CpSolver
) -> tuple[PlannedVisit, ...]:
    """The present visits with their start, presenter, request and pool."""
    pools: dict[tuple[int, int], int] = {}
    for route in vars.routes:
        for day in route.days:
            for pool, literal in day.pools.items():
                if solver.boolean_value(literal):
                    pools[(route.delegation, day.day.index)] = pool
    out = []
    for v in vars.visits:
        if not solver.boolean_value(v.present):
            continue
        start = int(solver.value(v.start))
        presenter = next(
            (
                c.presenter
                for c in vars.choices_for(v)
                if solver.boolean_value(c.literal)
            ),
            -1,
        )
        request = next(
            (
                a.request
                for a in vars.assignments_to(v)
                if solver.boolean_value(a.literal)
            ),
            -1,
        )
        out.append(
            PlannedVisit(
                delegation=v.delegation,
                site=v.site,
                start=start,
                presenter=presenter,
                request=request,
                pool=pools.get((v.delegation, data.day_of(start)), -1),
            )
        )
    return tuple(sorted(out, key=lambda p: (p.delegation, p.start)))
