"""First come, first served: the way coordinators plan by hand today.

Locked visits first, then a re-plan's published visits where they were;
then delegations in arrival order (earliest first
outing, ties by list order), each delegation's required requests before its
other ones, each request in its list order; for a request, its sites in
order (for a topic, the sites the delegation also names come last), the
earliest slot that fits, the first free presenter who speaks the
delegation's language, and the first vehicle pool with room. Nothing placed
is ever moved. This is the baseline every figure is compared with, and the
warm start of CP-SAT (on an oversubscribed week the search may start from
``value_order`` instead: the same plan, valuable requests first).

If that order leaves a required request out, the coordinator's second try
is taken: every delegation's required requests first, then the rest. If a
required request still does not fit, no schedule is returned and the
conflicts say which requests and why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scheduler.problem.reasons import describe, unserved_reasons, when
from scheduler.problem.solution import PlannedVisit, Solution, Status
from scheduler.problem.timeline import Blocker, Timeline

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from scheduler.problem import LockedData, ProblemData
    from scheduler.problem.solution import SolveParams

Task = tuple[int, int]
"""A request to place: (delegation, request index)."""


@dataclass(frozen=True)
class Plan:
    """A first-come-first-served plan, and what it could not do."""

    visits: tuple[PlannedVisit, ...]
    missing_required: tuple[Task, ...]
    broken_locks: tuple[tuple[int, Blocker], ...]
    """(index in ``data.locked``, the rule it breaks)."""

    @property
    def complete(self) -> bool:
        return not self.missing_required and not self.broken_locks


def solve(data: ProblemData, params: SolveParams) -> Solution:
    """Plan by hand, fast; status FEASIBLE (never OPTIMAL), no bound."""
    started = time.perf_counter()
    plan = best_effort(data)
    wall = time.perf_counter() - started
    if not plan.complete:
        return Solution(
            status=Status.UNKNOWN,
            wall_s=wall,
            conflicts=conflicts(data, plan),
        )
    value = sum(
        data.delegations[v.delegation].requests[v.request].value
        for v in plan.visits
        if v.request >= 0
    )
    return Solution(
        status=Status.FEASIBLE,
        visits=plan.visits,
        objective=float(value),
        bound=None,
        wall_s=wall,
        stats={"visits": float(len(plan.visits))},
    )


def best_effort(data: ProblemData) -> Plan:
    """The plan, even when a required request is left out (a hint)."""
    plan = _best_order(data)
    if plan.missing_required and data.published:
        # Published visits booked first can crowd out a required request
        # (a re-plan); the coordinator then plans the week again instead.
        fresh = _best_order(replace(data, published=()))
        if len(fresh.missing_required) < len(plan.missing_required):
            return fresh
    return plan


def _best_order(data: ProblemData) -> Plan:
    plan = plan_in_order(data, arrival_order(data, required_first=False))
    if plan.missing_required and not plan.broken_locks:
        retry = plan_in_order(data, arrival_order(data, required_first=True))
        if len(retry.missing_required) < len(plan.missing_required):
            return retry
    return plan


def arrival_order(data: ProblemData, *, required_first: bool) -> list[Task]:
    """Delegations by first outing; per delegation required, then the rest.

    ``required_first`` puts every delegation's required requests ahead of
    all optional ones (the second try).
    """
    never = data.n_days * data.day_length
    delegations = sorted(
        range(len(data.delegations)),
        key=lambda d: (
            data.delegations[d].days[0].lo
            if data.delegations[d].days
            else never,
            d,
        ),
    )
    required = [
        (d, j)
        for d in delegations
        for j, r in enumerate(data.delegations[d].requests)
        if r.required
    ]
    optional = [
        (d, j)
        for d in delegations
        for j, r in enumerate(data.delegations[d].requests)
        if not r.required
    ]
    if required_first:
        return required + optional
    rank = {d: k for k, d in enumerate(delegations)}
    return sorted(required + optional, key=lambda t: rank[t[0]])


def value_order(data: ProblemData) -> list[Task]:
    """Required requests first (in arrival order), then the rest by value,
    most first; among equals, fewer sites to choose from first.

    Not how coordinators plan (that is ``arrival_order``), but on an
    oversubscribed week a far better start for the search: first come,
    first served spends the vans on whoever asked first (surge week: 814
    served against 491).
    """
    tasks = arrival_order(data, required_first=True)
    rank = {task: k for k, task in enumerate(tasks)}

    def key(task: Task) -> tuple[bool, int, int, int]:
        request = data.delegations[task[0]].requests[task[1]]
        if request.required:
            return (False, 0, 0, rank[task])
        return (True, -request.value, len(request.sites), rank[task])

    return sorted(tasks, key=key)


def plan_in_order(data: ProblemData, tasks: Iterable[Task]) -> Plan:
    """Locked visits, then each task at its earliest fitting slot."""
    timeline = Timeline(data)
    served: set[Task] = set()
    broken = place_locked(data, timeline, served)
    place_published(data, timeline, served)
    visits = list(timeline.visits)
    for d, j in tasks:
        if (d, j) in served:
            continue
        visit = earliest(data, timeline, d, j)
        if visit is not None:
            timeline.place(visit)
            visits.append(visit)
            served.add((d, j))
    missing = tuple(
        (d, j)
        for d, dd in enumerate(data.delegations)
        for j, r in enumerate(dd.requests)
        if r.required and (d, j) not in served
    )
    return Plan(tuple(visits), missing, tuple(broken))


def place_locked(
    data: ProblemData, timeline: Timeline, served: set[Task]
) -> list[tuple[int, Blocker]]:
    """Book the locked visits; each serves the request it suits best."""
    return _book(data, data.locked, timeline, served, locked=True)


def place_published(
    data: ProblemData, timeline: Timeline, served: set[Task]
) -> None:
    """Book the published visits of a re-plan where they are, if they
    still fit and serve a request: nothing placed is moved."""
    _book(data, data.published, timeline, served, locked=False)


def _book(
    data: ProblemData,
    fixed: Sequence[LockedData],
    timeline: Timeline,
    served: set[Task],
    *,
    locked: bool,
) -> list[tuple[int, Blocker]]:
    """Book visits fixed in place; each serves the request it suits best.

    A fixed visit serves, of its delegation's unserved requests its site
    can serve, a required one first, then one no other site can serve,
    then the most valuable. A published one serving none is not booked.
    """
    broken = []
    for k, lock in enumerate(fixed):
        fit = timeline.fit(
            lock.delegation,
            lock.site,
            lock.start,
            lock.presenter if lock.presenter >= 0 else None,
            locked=locked,
        )
        if fit.visit is None:
            assert fit.blocker is not None
            broken.append((k, fit.blocker))
            continue
        requests = data.delegations[lock.delegation].requests
        choices = [
            j
            for j, r in enumerate(requests)
            if lock.site in r.sites and (lock.delegation, j) not in served
        ]
        request = min(
            choices,
            key=lambda j: (
                not requests[j].required,
                len(requests[j].sites),
                -requests[j].value,
                j,
            ),
            default=-1,
        )
        if request < 0 and not locked:
            continue
        visit = PlannedVisit(
            fit.visit.delegation,
            fit.visit.site,
            fit.visit.start,
            fit.visit.presenter,
            request,
            fit.visit.pool,
        )
        timeline.place(visit)
        if request >= 0:
            served.add((lock.delegation, request))
    return broken


def earliest(
    data: ProblemData, timeline: Timeline, d: int, j: int
) -> PlannedVisit | None:
    """The request's first site (in order) with a fitting slot, earliest."""
    full_days = {
        day.index
        for day in data.delegations[d].days
        if timeline.day_count(d, day.index) >= data.delegations[d].max_per_day
    }
    for site in sites_to_try(data, d, j):
        if timeline.visits_site(d, site):
            continue
        for lo, hi in data.starts(d, site):
            for start in range(lo, hi + 1, data.slot):
                if data.day_of(start) in full_days:
                    continue
                fit = timeline.fit(d, site, start)
                if fit.visit is not None:
                    v = fit.visit
                    return PlannedVisit(
                        v.delegation, v.site, v.start, v.presenter, j, v.pool
                    )
    return None


def sites_to_try(data: ProblemData, d: int, j: int) -> list[int]:
    """The request's sites in order, but for a topic request the sites the
    delegation also asks for by name come last: a coordinator does not
    spend a named visit on a topic.
    """
    requests = data.delegations[d].requests
    sites = requests[j].sites
    if len(sites) == 1:
        return list(sites)
    named = {r.sites[0] for r in requests if len(r.sites) == 1}
    return [s for s in sites if s not in named] + [
        s for s in sites if s in named
    ]


def conflicts(data: ProblemData, plan: Plan) -> tuple[str, ...]:
    """What kept the plan from being complete, in words."""
    out = []
    for k, blocker in plan.broken_locks:
        lock = data.locked[k]
        who = data.delegations[lock.delegation]
        out.append(
            f'locked visit of "{who.name}" to {data.sites[lock.site].name} on '
            f"{when(data, lock.start)} cannot be kept: {describe(blocker)}"
        )
    if plan.missing_required:
        served = {(v.delegation, v.request) for v in plan.visits}
        reasons = unserved_reasons(data, plan.visits, served)
        for d, j in plan.missing_required:
            out.append(
                f'required request {j} of "{data.delegations[d].name}" '
                f"does not fit first come, first served: {reasons[(d, j)]}"
            )
    return tuple(out)
