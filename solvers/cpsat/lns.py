"""Large-neighbourhood search for big weeks (issue 3: event weeks).

The whole-week model of a 200-delegation week is too big for CP-SAT to
improve within minutes on two cores. Instead, starting from a valid
schedule (the greedy one), each step frees a group of delegations, keeps
every other visit where it is (holding its site, presenter and vehicles),
and re-plans the group exactly (``build(data, delegations=...,
fixed=...)``), warm-started from its current visits. A step is kept when
it serves more value, or as much with no more changes to published visits
(a re-plan) and no more travel. Groups are drawn around what binds
(``neighbourhoods.py``); two one-day groups on different days share
nothing, so with two workers they are re-planned at once, one worker each.
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from solvers.cpsat.callbacks import stop_on
from solvers.cpsat.constraints.stability import changed_count
from solvers.cpsat.engine import new_solver
from solvers.cpsat.formulation import Built, build, extract
from solvers.cpsat.hints import add_hints
from solvers.cpsat.neighbourhoods import (
    Neighbourhood,
    Neighbourhoods,
    on_plan,
    planned_days,
)

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Collection, Mapping, Sequence

    from scheduler.problem import ProblemData
    from scheduler.problem.solution import PlannedVisit, SolveParams
    from solvers.clock import Clock
    from solvers.cpsat.day_patterns import Plan
    from solvers.cpsat.variables import Variables

logger = logging.getLogger(__name__)

STEP_S = 1.5
"""Time limit of one step (a neighbourhood re-planned)."""
SHORTLIST = 4
"""Presenters a visit may choose from within one step (``shortlist``)."""

PATTERN_STEP_S = 10.0
"""Time limit of a ``pattern`` step: one whole day, every delegation out
that day re-planned inside the master's sites."""
PATTERN_LEAST_S = 2.0
"""A ``pattern`` step needs this much time left: its model of a hundred
delegations takes a second to build."""
PLAN_RISE = 0.01
"""A master plan is followed again (each day it serves more on) when it
plans this share more than the last one followed (or the schedule served
more since)."""

POLISH_SHARE = 0.2
"""Share of the time, at the end, where steps weigh travel and balance
too; before, a step maximizes the served value alone (it proves faster)."""


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
    plan: Callable[[], Plan | None] | None = None,
) -> tuple[PlannedVisit, ...]:
    """Improve ``start`` (a valid schedule) until ``clock`` reads
    ``deadline``.

    Returns the best schedule found; ``on_better`` hears each improvement.
    ``caps`` (each delegation's best alone) steer the search to where
    value can be gained, and cut the steps' models. With two workers or
    more, two one-day steps on different days and different delegations
    run at once, one worker each (``Clock.solve_together``); a week step
    takes every worker.

    ``plan`` gives the day-pattern bound's latest master plan, if any:
    each day where it serves more than the schedule is re-planned whole
    inside its sites (a ``pattern`` step, every worker); a plan is
    followed again when it plans ``PLAN_RISE`` more than the last one
    followed, or the schedule served more since that one was taken up.
    """
    caps = caps or {}
    best = tuple(start)
    best_score = score(data, best)
    draws = Neighbourhoods(data, params.seed, caps)
    polish_from = deadline - POLISH_SHARE * (deadline - clock.now())
    together = params.workers >= 2 and data.max_changes is None
    steps = kept = 0
    following: Plan | None = None
    followed_from = 0
    """Value served when the plan followed last was taken up."""
    days: list[int] = []
    while clock.now() < deadline - 0.5:
        if stop is not None and stop.is_set():
            break
        latest = plan() if plan is not None and not days else None
        if latest is not None and (
            following is None
            or latest.value >= (1 + PLAN_RISE) * following.value
            or best_score.value > followed_from
        ):
            following, followed_from = latest, best_score.value
            days = planned_days(data, latest, best)
        step_s = STEP_S
        if (
            days
            and following is not None
            and deadline - clock.now() >= PATTERN_LEAST_S
        ):
            drawn = [on_plan(data, following, best, days.pop(0))]
            step_s = PATTERN_STEP_S
        else:
            first = draws.draw(best)
            if first is None:
                break
            drawn = [first]
            if together and first.day is not None:
                second = draws.draw(best, avoid=first)
                if second is not None:
                    drawn.append(second)
        workers = max(1, params.workers // len(drawn))
        polish = clock.now() >= polish_from
        prepared = [_prepare(data, n, best, caps, polish) for n in drawn]
        # After the build: a pattern step's model takes a second or more.
        limit = max(0.2, min(step_s, deadline - clock.now()))
        calls = []
        for i, built in enumerate(prepared):
            solver = new_solver()
            solver.parameters.num_workers = workers
            solver.parameters.random_seed = params.seed + steps + i
            clock.limit(solver, limit)
            calls.append((solver, built.model))
        steps += 1
        with ExitStack() as watching:
            for solver, _ in calls:
                watching.enter_context(stop_on(solver, stop))
            codes = clock.solve_together(calls)
        results = []
        for n, built, (solver, _), code in zip(
            drawn, prepared, calls, codes, strict=True
        ):
            logger.debug(
                "LNS step %d: %s, %d delegations, day %s, %s in %.1f s",
                steps,
                n.kind,
                len(n.group),
                n.day,
                solver.status_name(code),
                solver.wall_time,
            )
            found = (
                extract(data, built.vars, solver)
                if code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
                else None
            )
            results.append((n, found, code == cp_model.OPTIMAL))
        candidate, candidate_score, used = _best_merge(
            data, best, best_score, results
        )
        for n, visits, proven in results:
            if n.kind == "pattern":
                continue
            draws.selection.record(
                n.kind,
                served_more=n in used
                and candidate_score.value > best_score.value,
                proven=proven,
                found=visits is not None,
            )
        if candidate_score.at_least(best_score) and used:
            improved = candidate_score != best_score
            best, best_score = candidate, candidate_score
            if improved:
                kept += 1
                on_better(best)
    logger.info(
        "LNS: %d steps, %d improvements, served %d, travel %d; kinds %s",
        steps,
        kept,
        best_score.value,
        best_score.travel,
        {k: round(w, 2) for k, w in draws.selection.weights.items()},
    )
    return best


def _prepare(
    data: ProblemData,
    n: Neighbourhood,
    best: Sequence[PlannedVisit],
    caps: Mapping[int, int],
    polish: bool,
) -> Built:
    """The step's model: the group free (on its day), everyone else kept,
    hinted with the group's current visits."""
    mine = [v for v in best if v.delegation in n.group]
    others = [v for v in best if v.delegation not in n.group]
    built = build(
        data,
        delegations=n.group,
        fixed=others,
        caps=caps,
        shortlist=shortlist(data, n.group, mine, others),
    )
    add_hints(built.model, data, built.vars, built.objective, mine)
    assert built.objective is not None
    if not polish:
        built.objective.value_only(built.model)
    if n.day is not None:
        _free_one_day(data, built.vars, mine, n.day, built.model)
    if n.sites is not None and n.day is not None:
        _keep_to_sites(built.vars, n.sites, n.day, built.model)
    return built


def _keep_to_sites(
    vars: Variables,
    sites: Collection[tuple[int, int]],
    day: int,
    model: cp_model.CpModel,
) -> None:
    """On ``day``, only the (delegation, site) visits of ``sites``."""
    for visit in vars.visits:
        on_day = visit.days.get(day)
        if on_day is not None and (visit.delegation, visit.site) not in sites:
            model.add(on_day == 0)


def _best_merge(
    data: ProblemData,
    best: tuple[PlannedVisit, ...],
    best_score: Score,
    results: Sequence[
        tuple[Neighbourhood, tuple[PlannedVisit, ...] | None, bool]
    ],
) -> tuple[tuple[PlannedVisit, ...], Score, tuple[Neighbourhood, ...]]:
    """The best schedule from the steps' results: each alone, or all
    together (they touch different delegations on different days, so
    their changes combine)."""
    found = [(n, visits) for n, visits, _ in results if visits is not None]
    options = [found[:1], found[1:], found] if len(found) > 1 else [found]
    winner: tuple[tuple[PlannedVisit, ...], Score, tuple[Neighbourhood, ...]]
    winner = (best, best_score, ())
    for option in options:
        if not option:
            continue
        freed = set().union(*(n.group for n, _ in option))
        merged = tuple(
            sorted(
                (
                    *(v for v in best if v.delegation not in freed),
                    *(v for _, visits in option for v in visits),
                ),
                key=lambda v: (v.delegation, v.start),
            )
        )
        merged_score = score(data, merged)
        if merged_score.at_least(winner[1]) and (
            merged_score != winner[1] or not winner[2]
        ):
            winner = (merged, merged_score, tuple(n for n, _ in option))
    return winner


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
