"""Which requirements conflict, and why, in words (issue 3, item 5).

When required requests and locked visits cannot all hold, the model is
rebuilt with each of them behind a switch literal, solved under the
assumption that all switches are on, and CP-SAT's sufficient assumptions
for infeasibility give a conflicting set. That set is shrunk to a minimal
one on a model of its delegations alone (the others' requests are all
optional, so they cannot matter), and each droppable rule family is left
out in turn: the families whose removal makes the set feasible are the
rules that make it conflict.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from solvers.clock import Clock
from solvers.cpsat.engine import new_solver
from solvers.cpsat.formulation import build
from solvers.cpsat.variables import Requirement, locked_windows

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from scheduler.problem import ProblemData
    from scheduler.problem.solution import SolveParams

logger = logging.getLogger(__name__)

EXPLAINING = (
    "site_capacity",
    "presenters",
    "vehicles",
    "routes",
    "lunch",
    "day_limits",
)
"""Families that may be left out to see which one makes the conflict."""


def static_conflicts(data: ProblemData) -> tuple[str, ...]:
    """Required requests and locks that can never hold, found before solving."""
    found = []
    for d, dd in enumerate(data.delegations):
        for j, request in enumerate(dd.requests):
            if not request.required:
                continue
            if any(data.starts(d, s) for s in request.sites):
                continue
            why = "; ".join(_never_reasons(data, d, request.sites))
            found.append(
                f"{_requirement(data, d, j)}: it can never be served — {why}"
            )
    for i, lock in enumerate(data.locked):
        if not locked_windows(data, lock):
            found.append(
                f"{_lock(data, i)}: it cannot be kept — "
                f"{_lock_reason(data, i)}"
            )
    return tuple(found)


def explain_infeasible(
    data: ProblemData, params: SolveParams
) -> tuple[str, ...]:
    """The conflicting requirements, in words (one line a conflict)."""
    budget = max(5.0, 0.5 * params.time_limit)
    clock = Clock(params.deterministic)
    every = _switches(data)
    if not every:
        return ("no schedule satisfies the rules, yet nothing is required",)
    core = _core(data, every, clock, budget)
    if core is None:
        return (
            "the required requests and locked visits cannot all be kept, "
            "but the solver could not tell which within the time limit",
        )
    core = _shrink(data, core, clock, max(2.0, budget - clock.now()))
    rules = [
        family
        for family in EXPLAINING
        if _feasible(data, core, clock, drop=(family,), limit=5.0) is True
    ]
    return (_sentence(data, core, rules),)


# --- solving under assumptions ----------------------------------------------


def _switches(data: ProblemData) -> list[Requirement]:
    keys = [
        Requirement("request", d, j)
        for d, dd in enumerate(data.delegations)
        for j, request in enumerate(dd.requests)
        if request.required
    ]
    keys += [
        Requirement("locked", lock.delegation, i)
        for i, lock in enumerate(data.locked)
    ]
    return keys


def _core(
    data: ProblemData, keys: list[Requirement], clock: Clock, limit: float
) -> list[Requirement] | None:
    built = build(data, explain=True, objective=False)
    switches = built.vars.requirements
    built.model.add_assumptions([switches[k] for k in keys])
    code, solver = _single_thread(built.model, clock, limit)
    if code != cp_model.INFEASIBLE:
        logger.warning(
            "explaining: status %s under all requirements",
            solver.status_name(code),
        )
        return None
    by_index = {switches[k].index: k for k in keys}
    core = [
        by_index[i]
        for i in solver.sufficient_assumptions_for_infeasibility()
        if i in by_index
    ]
    return core or keys


def _shrink(
    data: ProblemData, core: list[Requirement], clock: Clock, limit: float
) -> list[Requirement]:
    """Drop requirements the conflict does not need (deletion filter)."""
    until = clock.now() + limit
    kept = list(core)
    for key in list(core):
        if len(kept) == 1 or clock.now() > until:
            break
        trial = [k for k in kept if k != key]
        if _feasible(data, trial, clock, drop=(), limit=2.0) is False:
            kept = trial
    return kept


def _feasible(
    data: ProblemData,
    keys: Sequence[Requirement],
    clock: Clock,
    *,
    drop: Collection[str],
    limit: float,
) -> bool | None:
    """Can ``keys`` all hold without the ``drop`` families? None: unknown."""
    delegations = {k.delegation for k in keys}
    built = build(
        data, delegations=delegations, drop=drop, explain=True, objective=False
    )
    switches = built.vars.requirements
    built.model.add_assumptions([switches[k] for k in keys])
    code, _ = _single_thread(built.model, clock, limit)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if code == cp_model.INFEASIBLE:
        return False
    return None


def _single_thread(
    model: cp_model.CpModel, clock: Clock, limit: float
) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    """Cores come from the single-thread search."""
    solver = new_solver()
    solver.parameters.num_workers = 1
    clock.limit(solver, limit)
    code = clock.solve(solver, model)
    return code, solver


# --- words ------------------------------------------------------------------


def _sentence(
    data: ProblemData, core: list[Requirement], rules: list[str]
) -> str:
    items = [
        _requirement(data, k.delegation, k.index)
        if k.kind == "request"
        else _lock(data, k.index)
        for k in core
    ]
    what = (
        f"{items[0]}: it cannot be served"
        if len(items) == 1
        else f"{', '.join(items[:-1])} and {items[-1]}: "
        "they cannot all be served"
    )
    because = [_rule(data, core, family) for family in rules]
    if not because:
        because = [_fallback(data, core)]
    return f"{what} — {'; '.join(because)}"


def _requirement(data: ProblemData, d: int, j: int) -> str:
    request = data.delegations[d].requests[j]
    names = [data.sites[s].name for s in request.sites]
    target = (
        f"site {names[0]}"
        if len(names) == 1
        else f"one of sites {', '.join(names)}"
    )
    return f'delegation "{data.delegations[d].name}" requires {target} (request {j})'


def _lock(data: ProblemData, i: int) -> str:
    lock = data.locked[i]
    return (
        f'delegation "{data.delegations[lock.delegation].name}" is locked '
        f"at site {data.sites[lock.site].name} at {_when(lock.start)}"
    )


def _when(minute: int) -> str:
    day, rest = divmod(minute, 1440)
    return f"{rest // 60:02d}:{rest % 60:02d} on day {day + 1}"


def _sites_of(data: ProblemData, key: Requirement) -> tuple[int, ...]:
    if key.kind == "request":
        return data.delegations[key.delegation].requests[key.index].sites
    return (data.locked[key.index].site,)


def _rule(data: ProblemData, core: list[Requirement], family: str) -> str:
    delegations = sorted({k.delegation for k in core})
    names = ", ".join(f'"{data.delegations[d].name}"' for d in delegations)
    sites = sorted({s for k in core for s in _sites_of(data, k)})
    if family == "site_capacity":
        shared = _shared_sites(data, core) or sites
        return "; ".join(
            f"site {data.sites[s].name} takes {data.sites[s].max_groups} "
            f"group(s) and {data.sites[s].capacity} people at a time"
            for s in shared
        )
    if family == "presenters":
        departments = sorted({data.sites[s].department for s in sites} - {-1})
        return "; ".join(
            _presenters_text(data, dept, delegations) for dept in departments
        )
    if family == "vehicles":
        return "; ".join(
            f"vehicle pool {pool.name} has {pool.count} vehicles of "
            f"{pool.seats} seats"
            for pool in data.vehicles
        )
    if family == "routes":
        return (
            f"delegation {names} is at one place at a time, with travel "
            "between places, inside its stay and day window"
        )
    if family == "lunch":
        return "; ".join(_lunch_text(data, d) for d in delegations)
    if family == "day_limits":
        return "; ".join(
            f'delegation "{data.delegations[d].name}" makes at most '
            f"{data.delegations[d].max_per_day} visits a day"
            for d in delegations
        )
    raise ValueError(family)


def _shared_sites(data: ProblemData, core: list[Requirement]) -> list[int]:
    """Sites two delegations of the conflict may both need."""
    by_site: dict[int, set[int]] = {}
    for k in core:
        for s in _sites_of(data, k):
            by_site.setdefault(s, set()).add(k.delegation)
    return sorted(s for s, ds in by_site.items() if len(ds) > 1)


def _presenters_text(
    data: ProblemData, dept: int, delegations: list[int]
) -> str:
    langs = sorted(
        {lang for d in delegations for lang in data.delegations[d].languages}
    )
    team = [
        p
        for p in data.presenters
        if p.department == dept and p.languages & set(langs)
    ]
    return (
        f"department {data.departments[dept]} has {len(team)} presenter(s) "
        f"speaking {', '.join(langs)}, one visit at a time each"
        + (
            f", at most {max(p.max_per_day for p in team)} a day"
            if team
            else ""
        )
    )


def _lunch_text(data: ProblemData, d: int) -> str:
    dd = data.delegations[d]
    if not dd.days:
        return f'delegation "{dd.name}" needs its lunch break'
    day = dd.days[0]
    lo, hi = (day.lunch[0] % 1440, day.lunch[1] % 1440 or 1440)
    return (
        f'delegation "{dd.name}" needs a {day.lunch_minutes}-minute lunch '
        f"between {lo // 60:02d}:{lo % 60:02d} and {hi // 60:02d}:{hi % 60:02d}, "
        "free of visits and travel"
    )


def _fallback(data: ProblemData, core: list[Requirement]) -> str:
    by_delegation: dict[int, list[int]] = {}
    for k in core:
        by_delegation.setdefault(k.delegation, []).extend(_sites_of(data, k))
    for d, sites in by_delegation.items():
        if len(sites) > len(set(sites)):
            return (
                f'delegation "{data.delegations[d].name}" visits a site at '
                "most once and one visit serves one request"
            )
    return (
        "together, the sites' opening hours, the stays, travel times, "
        "presenters and vehicles leave no room for all of them"
    )


def _never_reasons(
    data: ProblemData, d: int, sites: tuple[int, ...]
) -> list[str]:
    if not sites:
        return ["no site offers what it asks for"]
    dd = data.delegations[d]
    out = []
    for s in sites:
        site = data.sites[s]
        if site.capacity < dd.size:
            out.append(
                f"group of {dd.size} > capacity {site.capacity} of site {site.name}"
            )
        elif dd.accessible_only and not site.accessible:
            out.append(f"site {site.name} is not accessible")
        elif site.department >= 0 and not data.presenters_for(d, s):
            out.append(
                f"no presenter of department {data.departments[site.department]} "
                f"speaks {', '.join(sorted(dd.languages))}"
            )
        else:
            out.append(
                f"site {site.name} is not open, with a presenter available, "
                "at a time the delegation can get there and back within its "
                "stay and day window"
            )
    return out


def _lock_reason(data: ProblemData, i: int) -> str:
    lock = data.locked[i]
    dd = data.delegations[lock.delegation]
    site = data.sites[lock.site]
    start, end = lock.start, lock.start + site.duration
    if site.capacity < dd.size:
        return f"group of {dd.size} > capacity {site.capacity} of site {site.name}"
    if dd.accessible_only and not site.accessible:
        return f"site {site.name} is not accessible"
    if not any(lo <= start and end <= hi for lo, hi in site.open):
        return f"the visit does not lie inside the opening hours of site {site.name}"
    return (
        "the delegation cannot leave its lodging, get there, and be back "
        "within its stay and day window"
    )
