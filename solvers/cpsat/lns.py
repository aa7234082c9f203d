"""Large-neighbourhood search for big weeks (issue 3: event weeks).

The whole-week model of a 200-delegation week is too big for CP-SAT to
improve within minutes on two cores. Instead, starting from a valid
schedule (the greedy one), each step frees a few delegations, keeps every
other visit where it is (holding its site, presenter and vehicles), and
re-plans the freed delegations' whole week with the exact model
(``build(data, delegations=..., fixed=...)``), warm-started from their
current visits. A step is kept when it serves more value, or as much with
no more changes to published visits (a re-plan) and no more travel. Freed groups are chosen around one delegation: those out
on the same days and wanting the same sites, departments or vehicles.
"""

from __future__ import annotations

import itertools
import logging
import random
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from solvers.cpsat.callbacks import stop_on
from solvers.cpsat.constraints.stability import changed_count
from solvers.cpsat.engine import new_solver
from solvers.cpsat.formulation import build, extract
from solvers.cpsat.hints import add_hints

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Collection, Mapping, Sequence

    from scheduler.problem import ProblemData
    from scheduler.problem.solution import PlannedVisit, SolveParams
    from solvers.clock import Clock
    from solvers.cpsat.variables import Variables

logger = logging.getLogger(__name__)

STEP_S = 1.5
"""Time limit of one step (a neighbourhood re-planned)."""
WEEK_SIZES = (3, 12)
DAY_SIZES = (6, 60)
"""Least and most delegations freed for their whole week / for one day."""
SHORTLIST = 4
"""Presenters a visit may choose from within one step (``shortlist``)."""

POLISH_SHARE = 0.2
"""Share of the time, at the end, where steps weigh travel and balance
too; before, a step maximizes the served value alone (it proves faster)."""
DAY_SHARE = 0.7
"""Share of steps that free one day of many delegations (vehicles,
presenters and sites are shared day by day)."""


@dataclass(frozen=True)
class Score:
    """What a schedule is worth: served value, then published visits
    changed (a re-plan), then travel minutes."""

    value: int
    travel: int
    changes: int = 0

    def at_least(self, other: Score) -> bool:
        return (self.value, -self.changes, -self.travel) >= (
            other.value,
            -other.changes,
            -other.travel,
        )


def score(data: ProblemData, visits: Sequence[PlannedVisit]) -> Score:
    value = sum(
        data.delegations[v.delegation].requests[v.request].value
        for v in visits
        if v.request >= 0
    )
    return Score(
        value, travel_minutes(data, visits), changed_count(data, visits)
    )


def travel_minutes(data: ProblemData, visits: Sequence[PlannedVisit]) -> int:
    """Σ legs of every delegation-day, lodging legs included."""
    days: dict[tuple[int, int], list[PlannedVisit]] = {}
    for v in visits:
        days.setdefault((v.delegation, data.day_of(v.start)), []).append(v)
    total = 0
    for (d, _), day in days.items():
        dd = data.delegations[d]
        day.sort(key=lambda v: v.start)
        total += dd.from_lodging[day[0].site] + dd.to_lodging[day[-1].site]
        total += sum(
            data.travel[a.site][b.site] for a, b in itertools.pairwise(day)
        )
    return total


class Neighbourhoods:
    """Draws groups of delegations that compete for the same things."""

    def __init__(
        self, data: ProblemData, seed: int, caps: Mapping[int, int]
    ) -> None:
        self.data = data
        self.caps = caps
        self.rng = random.Random(seed)
        self.days = [{day.index for day in d.days} for d in data.delegations]
        self.sites = [
            {s for s in data.candidate_sites(d) if data.starts(d, s)}
            for d in range(len(data.delegations))
        ]
        self.departments = [
            {data.sites[s].department for s in sites} for sites in self.sites
        ]
        self.candidates = [d for d, s in enumerate(self.sites) if s]

    def draw(
        self, sizes: dict[bool, int], visits: Sequence[PlannedVisit]
    ) -> tuple[set[int], int | None]:
        """Delegations to free, and the one day they are free on (None: the
        whole week). A centre, favouring delegations with room to gain,
        and its rivals for sites, presenters and vehicles."""
        if self.rng.random() >= DAY_SHARE:
            return self._around(sizes[False], visits), None
        centre = next(iter(self._around(1, visits)))
        day = self.rng.choice(sorted(self.days[centre]))
        return self._around(sizes[True], visits, on=day), day

    def _around(
        self, size: int, visits: Sequence[PlannedVisit], on: int | None = None
    ) -> set[int]:
        candidates = [
            d for d in self.candidates if on is None or on in self.days[d]
        ]
        if len(candidates) <= size:
            return set(candidates)
        if self.rng.random() < 0.15:
            return set(self.rng.sample(candidates, size))
        served = {v.delegation for v in visits if v.request >= 0}
        got = {d: 0 for d in candidates}
        for v in visits:
            if v.delegation in got and v.request >= 0:
                got[v.delegation] += (
                    self.data.delegations[v.delegation]
                    .requests[v.request]
                    .value
                )
        # Room to gain: up to the delegation's cap (its best alone).
        weights = [
            0.2
            + self.caps.get(d, self.data.delegations[d].requested_value)
            - got[d]
            for d in candidates
        ]
        centre = self.rng.choices(candidates, weights)[0]
        rivals = []
        for d in candidates:
            if d == centre:
                continue
            shared_days = len(self.days[d] & self.days[centre])
            if not shared_days:
                continue
            closeness = (
                shared_days
                + 2 * len(self.sites[d] & self.sites[centre])
                + len(self.departments[d] & self.departments[centre])
                + (d in served)
                + 2 * self.rng.random()
            )
            rivals.append((closeness, d))
        rivals.sort(reverse=True)
        return {centre} | {d for _, d in rivals[: size - 1]}


def shortlist(
    data: ProblemData,
    group: Collection[int],
    mine: Sequence[PlannedVisit],
    others: Sequence[PlannedVisit],
) -> dict[tuple[int, int], tuple[int, ...]]:
    """The presenters each of the group's visits may choose from in a step:
    the one it has, then the least busy, ``SHORTLIST`` in all.

    Each presenter choice is a literal per day with its intervals; with
    presenters by the dozen (an event-week catalog) they made a step of
    six delegations a model of 24,000 variables, 22,000 of them choices,
    that CP-SAT could not even load in the step's time.
    """
    busy = Counter(v.presenter for v in others if v.presenter >= 0)
    has = {(v.delegation, v.site): v.presenter for v in mine}
    out: dict[tuple[int, int], tuple[int, ...]] = {}
    for d in group:
        for s in data.candidate_sites(d):
            every = data.presenters_for(d, s)
            if len(every) <= SHORTLIST:
                continue
            current = has.get((d, s), -1)
            ranked = sorted(
                (p for p in every if p != current), key=lambda p: busy[p]
            )
            keep = {current} if current >= 0 else set()
            keep.update(ranked[: SHORTLIST - len(keep)])
            out[(d, s)] = tuple(p for p in every if p in keep)
    return out


def improve(
    data: ProblemData,
    start: Sequence[PlannedVisit],
    params: SolveParams,
    clock: Clock,
    deadline: float,
    on_better: Callable[[tuple[PlannedVisit, ...]], None],
    stop: threading.Event | None = None,
    caps: Mapping[int, int] | None = None,
) -> tuple[PlannedVisit, ...]:
    """Improve ``start`` (a valid schedule) until ``clock`` reads
    ``deadline``.

    Returns the best schedule found; ``on_better`` hears each improvement.
    ``caps`` (each delegation's best alone) steer the search to where
    value can be gained, and cut the steps' models.
    """
    caps = caps or {}
    best = tuple(start)
    best_score = score(data, best)
    draws = Neighbourhoods(data, params.seed, caps)
    sizes = {False: 6, True: 20}
    polish_from = deadline - POLISH_SHARE * (deadline - clock.now())
    steps = kept = 0
    while clock.now() < deadline - 0.5:
        if stop is not None and stop.is_set():
            break
        steps += 1
        group, day = draws.draw(sizes, best)
        mine = [v for v in best if v.delegation in group]
        others = [v for v in best if v.delegation not in group]
        built = build(
            data,
            delegations=group,
            fixed=others,
            caps=caps,
            shortlist=shortlist(data, group, mine, others),
        )
        add_hints(built.model, data, built.vars, built.objective, mine)
        assert built.objective is not None
        if clock.now() < polish_from:
            built.objective.value_only(built.model)
        if day is not None:
            _free_one_day(data, built.vars, mine, day, built.model)
        solver = new_solver()
        solver.parameters.num_workers = max(1, params.workers)
        solver.parameters.random_seed = params.seed + steps
        clock.limit(solver, max(0.2, min(STEP_S, deadline - clock.now())))
        with stop_on(solver, stop):
            code = clock.solve(solver, built.model)
        logger.debug(
            "LNS step %d: %d delegations, day %s, %s in %.1f s",
            steps,
            len(group),
            day,
            solver.status_name(code),
            solver.wall_time,
        )
        least, most = DAY_SIZES if day is not None else WEEK_SIZES
        one_day = day is not None
        if code == cp_model.OPTIMAL:
            sizes[one_day] = min(most, sizes[one_day] + 1)
        else:
            sizes[one_day] = max(least, sizes[one_day] - 1)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        candidate = tuple(
            sorted(
                (*others, *extract(data, built.vars, solver)),
                key=lambda v: (v.delegation, v.start),
            )
        )
        candidate_score = score(data, candidate)
        if candidate_score.at_least(best_score):
            improved = candidate_score != best_score
            best, best_score = candidate, candidate_score
            if improved:
                kept += 1
                on_better(best)
    logger.info(
        "LNS: %d steps, %d improvements, served %d, travel %d",
        steps,
        kept,
        best_score.value,
        best_score.travel,
    )
    return best


def _free_one_day(
    data: ProblemData,
    vars: Variables,
    current: Sequence[PlannedVisit],
    day: int,
    model: cp_model.CpModel,
) -> None:
    """Keep the freed delegations' other days as they are.

    A visit now on another day stays, with its start and presenter; a
    visit not made may only be made on ``day``.
    """
    now = {(v.delegation, v.site): v for v in current}
    for visit in vars.visits:
        planned = now.get((visit.delegation, visit.site))
        if planned is not None and data.day_of(planned.start) != day:
            model.add(visit.present == 1)
            if visit.slot is not None:
                model.add(visit.slot == planned.start // data.slot)
            for choice in vars.choices_for(visit):
                model.add(
                    choice.literal == (choice.presenter == planned.presenter)
                )
            continue
        for k, on_day in visit.days.items():
            if k != day:
                model.add(on_day == 0)
