"""Re-plans of small random weeks (tests/strategies.py) pass the judge.

A week is planned, then changed (a delegation leaves, and the last one's
requests are required no more), then re-planned from the first plan by
each solver, with and without ``max_changes`` 0: every re-plan passes
``visits check``'s judge, and with 0 no visit that still fit changes.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.changes import compare_schedules
from scheduler.check import violations
from scheduler.model import Instance
from scheduler.problem import SolveParams
from tests.strategies import instances
from visits.planning import plan_week
from visits.replanning import Previous, compile_replan, sort_previous

PARAMS = SolveParams(time_limit=2, workers=1)


def changed(instance: Instance, leaving: int) -> Instance:
    delegations = list(instance.delegations)
    if len(delegations) > 1:
        del delegations[leaving % len(delegations)]
    ids = {d.id for d in delegations}
    locked = [lock for lock in instance.locked if lock.delegation in ids]
    return instance.model_copy(
        update={"delegations": delegations, "locked": locked}
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    instance=instances(),
    leaving=st.integers(0, 5),
    solver=st.sampled_from(["greedy", "cpsat"]),
    bounded=st.booleans(),
)
def test_every_replan_passes_the_judge(
    instance: Instance, leaving: int, solver: str, bounded: bool
) -> None:
    first = plan_week(instance, "greedy", PARAMS).schedule
    week = changed(instance, leaving)
    previous = Previous(Path("previous"), first)
    sorted_visits = sort_previous(week, previous)
    data = compile_replan(week, sorted_visits.fitting, 0 if bounded else None)
    result = plan_week(week, solver, PARAMS, data)
    if result.conflicts:
        return  # a required request of the changed week cannot be kept
    assert violations(week, result.schedule) == []
    if bounded and result.schedule.visits:
        fitting = {v.id for v in sorted_visits.fitting}
        moved = [
            c.visit
            for c in compare_schedules(first, result.schedule)
            if c.changed and c.visit in fitting
        ]
        assert moved == []
