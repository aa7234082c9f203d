"""Make every decision variable of the CP-SAT model, once.

``make_variables`` fills the containers of ``variables.py``: candidate
visits and their start domains, days out, routes, request assignments,
presenter choices, departures and vehicle pools. The containers and their
queries live apart so that the constraint families, the hints and the
objective read them without seeing how they are made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.problem import intersect
from solvers.cpsat.variables import (
    Assignment,
    DayVars,
    Expr,
    Leave,
    Lit,
    Move,
    PresenterChoice,
    Requirement,
    Return,
    Route,
    Variables,
    VisitVars,
    clip,
    locked_windows,
    outings_of,
    slot_domain,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from ortools.sat.python import cp_model

    from scheduler.problem import DayData, ProblemData, Window
    from scheduler.problem.solution import PlannedVisit


def make_variables(
    model: cp_model.CpModel,
    data: ProblemData,
    *,
    delegations: Collection[int] | None = None,
    explain: bool = False,
    fixed: Sequence[PlannedVisit] = (),
    shortlist: Mapping[tuple[int, int], tuple[int, ...]] | None = None,
) -> Variables:
    """Create every decision variable of the model.

    ``delegations`` restricts the model to some delegations (to explain a
    conflict on a small model, or to re-plan a neighbourhood); ``fixed``
    are other delegations' visits that keep holding their resources;
    ``explain`` gives every required request and locked visit a switch
    literal to be assumed; ``shortlist`` narrows presenter choices
    (``Variables.shortlist``).
    """
    vars = Variables()
    vars.shortlist = shortlist or {}
    chosen = (
        range(len(data.delegations)) if delegations is None else delegations
    )
    vars.delegations = tuple(sorted(chosen))
    _set_background(data, vars, fixed)
    for d in vars.delegations:
        _make_delegation(model, data, vars, d)
    if explain:
        for d in vars.delegations:
            for j, request in enumerate(data.delegations[d].requests):
                if request.required:
                    key = Requirement("request", d, j)
                    vars.requirements[key] = model.new_bool_var(
                        f"required_D{d}_R{j}"
                    )
        for i, lock in enumerate(data.locked):
            if lock.delegation in vars.delegations:
                key = Requirement("locked", lock.delegation, i)
                vars.requirements[key] = model.new_bool_var(f"locked_{i}")
    return vars


def _set_background(
    data: ProblemData, vars: Variables, fixed: Sequence[PlannedVisit]
) -> None:
    """Index the background visits and derive their outings.

    Only background on the modelled delegations' days can meet their
    visits and rides (both stay inside a day); the rest is left out.
    """
    modelled = {
        day.index for d in vars.delegations for day in data.delegations[d].days
    }
    vars.fixed = tuple(v for v in fixed if data.day_of(v.start) in modelled)
    for v in vars.fixed:
        vars._fixed_at[v.site].append(v)
        if v.presenter >= 0:
            vars._fixed_by[v.presenter].append(v)
    vars.outings = outings_of(data, vars.fixed)


def _make_delegation(
    model: cp_model.CpModel, data: ProblemData, vars: Variables, d: int
) -> None:
    dd = data.delegations[d]
    locks = {
        lock.site: i
        for i, lock in enumerate(data.locked)
        if lock.delegation == d
    }
    windows: dict[int, tuple[Window, ...]] = {}
    for s in data.candidate_sites(d):
        if s in locks:
            found = locked_windows(data, data.locked[locks[s]])
        else:
            found = data.starts(d, s)
        if found:
            windows[s] = found
    outing_days = [
        day
        for day in dd.days
        if any(
            clip(w, *_inclusive(data.day_span(day.index)))
            for w in windows.values()
        )
    ]
    if not outing_days:
        return
    n_days = len(outing_days)
    visits = []
    for node, (s, found) in enumerate(sorted(windows.items()), start=n_days):
        visit = _make_visit(
            model, data, d, s, node, found, outing_days, locks.get(s, -1)
        )
        vars._add_visit(visit)
        visits.append(visit)
    days = tuple(
        _make_day(model, data, d, k, day, outing_days)
        for k, day in enumerate(outing_days)
    )
    vars.routes.append(_make_route(model, data, d, days, visits))
    for visit in visits:
        for j, request in enumerate(dd.requests):
            if visit.site in request.sites:
                literal = model.new_bool_var(f"x_D{d}_R{j}_S{visit.site}")
                vars._add_assignment(
                    d, Assignment(j, visit, literal, request.value)
                )
        if data.sites[visit.site].department >= 0:
            for choice in _make_choices(model, data, vars, visit):
                vars._add_choice(choice)


def _make_visit(
    model: cp_model.CpModel,
    data: ProblemData,
    d: int,
    s: int,
    node: int,
    windows: tuple[Window, ...],
    outing_days: list[DayData],
    lock: int,
) -> VisitVars:
    name = f"V{d}_{s}"
    duration = data.sites[s].duration
    present = model.new_bool_var(f"{name}_present")
    slot: Lit | None
    if lock >= 0:
        slot = None
        start: Expr = windows[0][0]
    else:
        slot = model.new_int_var_from_domain(
            slot_domain(windows, data.slot), f"{name}_slot"
        )
        start = data.slot * slot
    interval = model.new_optional_fixed_size_interval_var(
        start, duration, present, f"{name}_interval"
    )
    its_days = [
        day
        for day in outing_days
        if clip(windows, *_inclusive(data.day_span(day.index)))
    ]
    days: dict[int, Lit] = {}
    if len(its_days) == 1:
        days[its_days[0].index] = present
    else:
        for day in its_days:
            days[day.index] = model.new_bool_var(f"{name}_day{day.index}")
    lunch_due = any(day.lunch_minutes > 0 for day in its_days)
    before_lunch = (
        model.new_bool_var(f"{name}_before_lunch") if lunch_due else None
    )
    return VisitVars(
        delegation=d,
        site=s,
        duration=duration,
        node=node,
        present=present,
        start=start,
        slot=slot,
        interval=interval,
        days=days,
        windows=windows,
        before_lunch=before_lunch,
        locked=lock,
    )


def _make_day(
    model: cp_model.CpModel,
    data: ProblemData,
    d: int,
    k: int,
    day: DayData,
    outing_days: list[DayData],
) -> DayVars:
    name = f"D{d}_day{day.index}"
    pools = {
        p: model.new_bool_var(f"{name}_pool{p}")
        for p, pool in enumerate(data.vehicles)
        if data.vehicles_needed(d, p) <= pool.count
    }
    return DayVars(
        delegation=d,
        day=day,
        node=k,
        next_node=(k + 1) % len(outing_days),
        idle=model.new_bool_var(f"{name}_idle"),
        depart=model.new_int_var(day.lo, day.hi, f"{name}_depart"),
        back=model.new_int_var(day.lo, day.hi, f"{name}_back"),
        span=model.new_int_var(0, day.hi - day.lo, f"{name}_span"),
        pools=pools,
    )


def _make_route(
    model: cp_model.CpModel,
    data: ProblemData,
    d: int,
    days: tuple[DayVars, ...],
    visits: list[VisitVars],
) -> Route:
    dd = data.delegations[d]
    moves, leaves, returns = [], [], []
    for day in days:
        for v in visits:
            if day.day.index not in v.days:
                continue
            leaves.append(
                Leave(
                    day,
                    v,
                    model.new_bool_var(
                        f"leave_D{d}_day{day.day.index}_S{v.site}"
                    ),
                    dd.from_lodging[v.site],
                )
            )
            returns.append(
                Return(
                    v,
                    day,
                    model.new_bool_var(
                        f"return_D{d}_S{v.site}_day{day.day.index}"
                    ),
                    dd.to_lodging[v.site],
                )
            )
    for v in visits:
        for w in visits:
            if v is not w and _may_follow(data, days, v, w):
                moves.append(
                    Move(
                        v,
                        w,
                        model.new_bool_var(f"move_D{d}_S{v.site}_S{w.site}"),
                        data.travel[v.site][w.site],
                    )
                )
    return Route(
        d, days, tuple(visits), tuple(moves), tuple(leaves), tuple(returns)
    )


def _may_follow(
    data: ProblemData, days: tuple[DayVars, ...], v: VisitVars, w: VisitVars
) -> bool:
    """w can come right after v on some day: time windows allow it."""
    gap = v.duration + data.travel[v.site][w.site]
    for day in days:
        first_v = v.windows_on(data.day_span(day.day.index))
        last_w = w.windows_on(data.day_span(day.day.index))
        if first_v and last_w and first_v[0][0] + gap <= last_w[-1][1]:
            return True
    return False


def _make_choices(
    model: cp_model.CpModel,
    data: ProblemData,
    vars: Variables,
    visit: VisitVars,
) -> list[PresenterChoice]:
    d, s = visit.delegation, visit.site
    candidates = vars.shortlist.get((d, s), data.presenters_for(d, s))
    if visit.locked >= 0 and data.locked[visit.locked].presenter >= 0:
        fixed = data.locked[visit.locked].presenter
        candidates = (fixed,) if fixed in candidates else ()
    choices = []
    for p in candidates:
        allowed = _available_starts(data, visit, p)
        if not allowed:
            continue
        literal = model.new_bool_var(f"host_V{d}_{s}_P{p}")
        interval = model.new_optional_fixed_size_interval_var(
            visit.start,
            visit.duration,
            literal,
            f"host_V{d}_{s}_P{p}_interval",
        )
        choices.append(
            PresenterChoice(
                visit=visit,
                presenter=p,
                literal=literal,
                interval=interval,
                allowed=None if allowed == visit.windows else allowed,
                days=_cap_days(model, data, visit, p, literal, allowed),
            )
        )
    return choices


def _available_starts(
    data: ProblemData, visit: VisitVars, p: int
) -> tuple[Window, ...]:
    """Starts of the visit where presenter p is there for all of it."""
    fits = [
        (lo, hi - visit.duration + 1)
        for lo, hi in data.presenters[p].available
        if hi - lo >= visit.duration
    ]
    own = [(lo, hi + 1) for lo, hi in visit.windows]
    allowed = [(lo, hi - 1) for lo, hi in intersect(own, fits)]
    if visit.slot is None:
        return tuple(allowed)
    step = data.slot
    on_grid = [
        (-(-lo // step) * step, hi // step * step) for lo, hi in allowed
    ]
    return tuple((lo, hi) for lo, hi in on_grid if lo <= hi)


def _cap_days(
    model: cp_model.CpModel,
    data: ProblemData,
    visit: VisitVars,
    p: int,
    literal: Lit,
    allowed: tuple[Window, ...],
) -> dict[int, Lit]:
    """Day index → "p hosts the visit on that day", for the daily cap.

    A visit that can fall on one day only uses the choice literal itself;
    otherwise a literal per day where the cap can bind at all (the
    presenter's hours that day hold more than max_per_day visits).
    """
    days = sorted({data.day_of(lo) for lo, _ in allowed})
    if len(days) == 1:
        return {days[0]: literal}
    cap = data.presenters[p].max_per_day
    shortest = min(site.duration for site in data.sites)
    out = {}
    for k in days:
        band = data.day_span(k)
        minutes = sum(
            max(0, min(hi, band[1]) - max(lo, band[0]))
            for lo, hi in data.presenters[p].available
        )
        if minutes // shortest > cap:
            out[k] = model.new_bool_var(
                f"host_V{visit.delegation}_{visit.site}_P{p}_day{k}"
            )
    return out


def _inclusive(band: Window) -> Window:
    return band[0], band[1] - 1
