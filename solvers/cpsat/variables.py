"""The decision variables of the CP-SAT model, in typed containers.

Every decision variable is made here, once, so that a warm start can hint
all of them and the constraint families only add constraints. Families
reach variables through the query methods of ``Variables``; none of them
keeps its own index.

Candidate visit (d, s): a delegation ``d`` and a site ``s`` it could visit
(``data.candidate_sites(d)`` with a non-empty ``data.starts(d, s)``). Its
start lies on the slot grid, ``start = slot × n`` with ``n`` restricted to
the pre-filtered start ranges; a locked visit starts where it is locked.

Route of a delegation: one circuit through the week. Node k < K is the
lodging on the k-th day the delegation can go out; nodes ≥ K are its
candidate visits. A day's visits form the path lodging_k → v1 → … → vk →
lodging_{k+1} (the last day returns to lodging_0); the arc lodging_k →
lodging_{k+1} means the day stays idle; a visit's self-loop means it is
absent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ortools.sat.python import cp_model

from scheduler.problem import intersect

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Mapping, Sequence

    from scheduler.problem import DayData, LockedData, ProblemData, Window
    from scheduler.problem.solution import PlannedVisit

Lit = cp_model.IntVar
"""A Boolean variable (CP-SAT has no separate type for it)."""

Expr = cp_model.LinearExpr | int
"""A linear expression or a constant minute."""


def slot_domain(windows: Collection[Window], slot: int) -> cp_model.Domain:
    """Slot numbers n with slot × n inside one of the inclusive ranges."""
    return cp_model.Domain.from_intervals(
        [[-(-lo // slot), hi // slot] for lo, hi in windows]
    )


def start_domain(windows: Collection[Window]) -> cp_model.Domain:
    """Start minutes inside one of the inclusive ranges."""
    return cp_model.Domain.from_intervals([[lo, hi] for lo, hi in windows])


def clip(windows: Collection[Window], lo: int, hi: int) -> list[Window]:
    """Inclusive ranges cut to [lo, hi] (inclusive)."""
    return [
        (max(a, lo), min(b, hi))
        for a, b in windows
        if max(a, lo) <= min(b, hi)
    ]


@dataclass(frozen=True)
class VisitVars:
    """Candidate visit of a delegation to a site."""

    delegation: int
    site: int
    duration: int
    node: int
    """Circuit node in the delegation's route."""
    present: Lit
    start: Expr
    slot: Lit | None
    """start = slot_minutes × slot; None for a locked visit (fixed start)."""
    interval: cp_model.IntervalVar
    days: Mapping[int, Lit]
    """Day index → "the visit lies on this day" (Σ = present)."""
    windows: tuple[Window, ...]
    """Inclusive start ranges the start may take."""
    before_lunch: Lit | None
    """The visit ends before its day's lunch; None if no lunch is due."""
    locked: int
    """Index into ``data.locked``, or -1."""

    @property
    def end(self) -> Expr:
        return self.start + self.duration

    def windows_on(self, band: Window) -> list[Window]:
        """Start ranges inside a day's band [lo, hi)."""
        return clip(self.windows, band[0], band[1] - 1)

    @property
    def first_start(self) -> int:
        return self.windows[0][0]

    @property
    def last_start(self) -> int:
        return self.windows[-1][1]


@dataclass(frozen=True)
class DayVars:
    """A day a delegation may go out, and the lodging node that starts it."""

    delegation: int
    day: DayData
    node: int
    next_node: int
    """The lodging node of its next outing day (the route wraps around)."""
    idle: Lit
    """No visit this day: the arc lodging_k → lodging_{k+1}."""
    depart: Lit
    back: Lit
    span: Lit
    """back − depart, the size of the day's vehicle interval."""
    pools: Mapping[int, Lit]
    """Vehicle pool index → "the day rides this pool" (Σ = used)."""

    @property
    def used(self) -> cp_model.LiteralT:
        return ~self.idle


@dataclass(frozen=True)
class Move:
    """Arc v → w: w is the next visit after v on the same day."""

    origin: VisitVars
    target: VisitVars
    literal: Lit
    travel: int


@dataclass(frozen=True)
class Leave:
    """Arc lodging_k → v: v is the first visit of the day."""

    day: DayVars
    target: VisitVars
    literal: Lit
    travel: int


@dataclass(frozen=True)
class Return:
    """Arc v → lodging_{k+1}: v is the last visit of day k."""

    origin: VisitVars
    day: DayVars
    literal: Lit
    travel: int


@dataclass(frozen=True)
class Route:
    """A delegation's week as one circuit (see the module docstring)."""

    delegation: int
    days: tuple[DayVars, ...]
    visits: tuple[VisitVars, ...]
    moves: tuple[Move, ...]
    leaves: tuple[Leave, ...]
    returns: tuple[Return, ...]

    def arcs(self) -> list[tuple[int, int, cp_model.LiteralT]]:
        """(tail, head, literal) for ``add_circuit``."""
        arcs: list[tuple[int, int, cp_model.LiteralT]] = [
            (day.node, day.next_node, day.idle) for day in self.days
        ]
        arcs += [(v.node, v.node, ~v.present) for v in self.visits]
        arcs += [(m.origin.node, m.target.node, m.literal) for m in self.moves]
        arcs += [(a.day.node, a.target.node, a.literal) for a in self.leaves]
        arcs += [
            (r.origin.node, r.day.next_node, r.literal) for r in self.returns
        ]
        return arcs

    def travel_terms(self) -> Iterator[tuple[Lit, int]]:
        """(arc literal, travel minutes) for every arc that travels."""
        arcs: list[Move | Leave | Return] = [
            *self.moves,
            *self.leaves,
            *self.returns,
        ]
        for arc in arcs:
            if arc.travel:
                yield arc.literal, arc.travel


@dataclass(frozen=True)
class Assignment:
    """x[d, j, s]: request j of delegation d is served by the visit to s."""

    request: int
    visit: VisitVars
    literal: Lit
    value: int


@dataclass(frozen=True)
class PresenterChoice:
    """The presenter hosts the visit (optional interval on its timeline)."""

    visit: VisitVars
    presenter: int
    literal: Lit
    interval: cp_model.IntervalVar
    allowed: tuple[Window, ...] | None
    """Inclusive start ranges where the presenter is available for the
    whole visit; None when that holds for every start of the visit."""
    days: Mapping[int, Lit]
    """Day index → "hosts it on this day" for the daily cap: the choice
    literal itself for a one-day visit; else only days where the cap can
    bind."""


@dataclass(frozen=True)
class Outing:
    """A fixed delegation-day (from the background schedule): its vehicles."""

    delegation: int
    day: int
    depart: int
    back: int
    pool: int


@dataclass(frozen=True)
class Requirement:
    """A hard requirement that can be switched off to explain conflicts."""

    kind: Literal["request", "locked"]
    delegation: int
    index: int
    """Request index, or index into ``data.locked``."""


class Variables:
    """All decision variables, reached by query methods."""

    def __init__(self) -> None:
        self.visits: list[VisitVars] = []
        self.routes: list[Route] = []
        self.assignments: list[Assignment] = []
        self.choices: list[PresenterChoice] = []
        self.requirements: dict[Requirement, Lit] = {}
        self._visit: dict[tuple[int, int], VisitVars] = {}
        self._by_delegation: dict[int, list[VisitVars]] = defaultdict(list)
        self._by_site: dict[int, list[VisitVars]] = defaultdict(list)
        self._by_request: dict[tuple[int, int], list[Assignment]] = (
            defaultdict(list)
        )
        self._by_visit: dict[tuple[int, int], list[Assignment]] = defaultdict(
            list
        )
        self._choices_of_visit: dict[
            tuple[int, int], list[PresenterChoice]
        ] = defaultdict(list)
        self._choices_of_presenter: dict[int, list[PresenterChoice]] = (
            defaultdict(list)
        )
        self.delegations: tuple[int, ...] = ()
        self.fixed: tuple[PlannedVisit, ...] = ()
        """Visits of the delegations left out, kept as they are: they hold
        sites, presenters and vehicles (large-neighbourhood search)."""
        self.outings: tuple[Outing, ...] = ()
        self._fixed_at: dict[int, list[PlannedVisit]] = defaultdict(list)
        self._fixed_by: dict[int, list[PlannedVisit]] = defaultdict(list)
        self.shortlist: Mapping[tuple[int, int], tuple[int, ...]] = {}
        """(delegation, site) → the presenters a neighbourhood may choose
        from; others not listed choose from all (``presenters_for``)."""

    # --- queries ----------------------------------------------------------

    def visit(self, delegation: int, site: int) -> VisitVars | None:
        return self._visit.get((delegation, site))

    def visits_of(self, delegation: int) -> list[VisitVars]:
        return self._by_delegation.get(delegation, [])

    def visits_at(self, site: int) -> list[VisitVars]:
        return self._by_site.get(site, [])

    def assignments_for(
        self, delegation: int, request: int
    ) -> list[Assignment]:
        """The x literals of one request (one per site that may serve it)."""
        return self._by_request.get((delegation, request), [])

    def assignments_to(self, visit: VisitVars) -> list[Assignment]:
        """The x literals of the requests one visit may serve."""
        return self._by_visit.get((visit.delegation, visit.site), [])

    def choices_for(self, visit: VisitVars) -> list[PresenterChoice]:
        return self._choices_of_visit.get((visit.delegation, visit.site), [])

    def choices_of(self, presenter: int) -> list[PresenterChoice]:
        return self._choices_of_presenter.get(presenter, [])

    def fixed_at(self, site: int) -> list[PlannedVisit]:
        """Background visits at a site."""
        return self._fixed_at.get(site, [])

    def fixed_hosted_by(self, presenter: int) -> list[PlannedVisit]:
        """Background visits a presenter hosts."""
        return self._fixed_by.get(presenter, [])

    def requirement(self, requirement: Requirement) -> Lit | None:
        """The switch of a requirement when explaining; None: always on."""
        return self.requirements.get(requirement)

    # --- registration -----------------------------------------------------

    def _add_visit(self, visit: VisitVars) -> None:
        self.visits.append(visit)
        self._visit[(visit.delegation, visit.site)] = visit
        self._by_delegation[visit.delegation].append(visit)
        self._by_site[visit.site].append(visit)

    def _add_assignment(self, delegation: int, item: Assignment) -> None:
        self.assignments.append(item)
        self._by_request[(delegation, item.request)].append(item)
        self._by_visit[(delegation, item.visit.site)].append(item)

    def _add_choice(self, choice: PresenterChoice) -> None:
        v = choice.visit
        self.choices.append(choice)
        self._choices_of_visit[(v.delegation, v.site)].append(choice)
        self._choices_of_presenter[choice.presenter].append(choice)


# --- construction ----------------------------------------------------------


def locked_windows(data: ProblemData, lock: LockedData) -> tuple[Window, ...]:
    """The locked start, if the visit can lie there at all (rule 1).

    It must lie inside one opening range and inside a day the delegation
    can go out, travel from and to its lodging included.
    """
    d = data.delegations[lock.delegation]
    site = data.sites[lock.site]
    if site.capacity < d.size or (d.accessible_only and not site.accessible):
        return ()
    start, end = lock.start, lock.start + site.duration
    inside_open = any(lo <= start and end <= hi for lo, hi in site.open)
    inside_day = any(
        day.lo + d.from_lodging[lock.site] <= start
        and end + d.to_lodging[lock.site] <= day.hi
        for day in d.days
    )
    return ((start, start),) if inside_open and inside_day else ()


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
    days: dict[tuple[int, int], list[PlannedVisit]] = defaultdict(list)
    for v in vars.fixed:
        vars._fixed_at[v.site].append(v)
        if v.presenter >= 0:
            vars._fixed_by[v.presenter].append(v)
        days[(v.delegation, data.day_of(v.start))].append(v)
    outings = []
    for (d, k), visits in sorted(days.items()):
        dd = data.delegations[d]
        first = min(visits, key=lambda v: v.start)
        last = max(visits, key=lambda v: v.start)
        outings.append(
            Outing(
                delegation=d,
                day=k,
                depart=first.start - dd.from_lodging[first.site],
                back=last.start
                + data.sites[last.site].duration
                + dd.to_lodging[last.site],
                pool=first.pool,
            )
        )
    vars.outings = tuple(outings)


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
