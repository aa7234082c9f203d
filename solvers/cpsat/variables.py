"""The decision variables of the CP-SAT model, in typed containers.

Every decision variable is made once (``declare.make_variables``) into
these containers, so that a warm start can hint all of them and the
constraint families only add constraints. Families
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
    """A planned delegation-day: its vehicles, from leaving lodging for the
    first visit to coming back from the last."""

    delegation: int
    day: int
    depart: int
    back: int
    pool: int


def outings_of(
    data: ProblemData, visits: Sequence[PlannedVisit]
) -> tuple[Outing, ...]:
    """Each delegation-day of ``visits`` as an outing, in (delegation, day)
    order."""
    days: dict[tuple[int, int], list[PlannedVisit]] = defaultdict(list)
    for v in visits:
        days[(v.delegation, data.day_of(v.start))].append(v)
    out = []
    for (d, k), planned in sorted(days.items()):
        dd = data.delegations[d]
        first = min(planned, key=lambda v: v.start)
        last = max(planned, key=lambda v: v.start)
        out.append(
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
    return tuple(out)


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
