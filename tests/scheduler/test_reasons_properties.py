"""Reasons against the solver, on small random weeks (tests/strategies.py).

A request is tried in a week of its own: its delegation, that request
only, no locks. CP-SAT (its own model, not the ``Timeline`` the reasons
read) decides whether it can be served there, and the plan is judged.

- served alone: the request never gets a static reason;
- never servable alone (CP-SAT proves it): in the full week's plan it is
  never "outcompeted" nor "not placed", always a static reason.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from scheduler.check import served_requests, violations
from scheduler.explain.words import STATIC_KINDS
from scheduler.model import Instance
from scheduler.problem import SolveParams, Status
from scheduler.reasons import static_reason
from tests.strategies import instances
from visits.planning import plan_week

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
ALONE = SolveParams(time_limit=5, workers=1)


def alone(instance: Instance, d: int, j: int) -> Instance:
    delegation = instance.delegations[d]
    only = delegation.model_copy(update={"requests": [delegation.requests[j]]})
    return instance.model_copy(update={"delegations": [only], "locked": []})


def served_alone(instance: Instance, d: int, j: int) -> bool | None:
    """True/False when CP-SAT settles it alone; None when it cannot tell."""
    week = alone(instance, d, j)
    result = plan_week(week, "cpsat", ALONE)
    if result.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return None if result.status is Status.UNKNOWN else False
    assert violations(week, result.schedule) == []
    if result.schedule.visits:
        return True
    return False if result.status is Status.OPTIMAL else None


def requests_of(instance: Instance) -> list[tuple[int, int]]:
    return [
        (d, j)
        for d, delegation in enumerate(instance.delegations)
        for j, request in enumerate(delegation.requests)
        if not request.required  # a required one makes the week infeasible
    ]


@PROPERTY
@given(instances(max_days=2, max_sites=3, max_delegations=2, max_requests=2))
def test_a_request_served_alone_never_gets_a_static_reason(
    instance: Instance,
) -> None:
    for d, j in requests_of(instance):
        if served_alone(instance, d, j):
            delegation = instance.delegations[d]
            assert static_reason(instance, delegation, j) is None


@PROPERTY
@given(instances(max_days=2, max_sites=3, max_delegations=3, max_requests=2))
def test_a_request_never_servable_is_never_outcompeted(
    instance: Instance,
) -> None:
    week = instance.model_copy(
        update={
            "locked": [],
            "delegations": [
                d.model_copy(
                    update={
                        "requests": [
                            r.model_copy(update={"required": False})
                            for r in d.requests
                        ]
                    }
                )
                for d in instance.delegations
            ],
        }
    )
    plan = plan_week(week, "greedy", SolveParams())
    served = served_requests(week, plan.schedule)
    kinds = {(u.delegation, u.request): u.kind for u in plan.schedule.unserved}
    for d, delegation in enumerate(week.delegations):
        for j in range(len(delegation.requests)):
            if (delegation.id, j) in served:
                continue
            kind = kinds[(delegation.id, j)]
            if served_alone(week, d, j) is False:
                assert kind in STATIC_KINDS, (delegation.id, j, kind)
            elif kind in STATIC_KINDS:
                # a static reason means it could not be served alone
                assert served_alone(week, d, j) is not True
