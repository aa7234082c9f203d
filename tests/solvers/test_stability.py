"""Re-planning keeps published visits (``constraints/stability.py``).

Tiny weeks on the factory defaults (tests/factories.py): site s1 open
08:00-10:00 Monday, 60-minute visits, one group at a time. A visit
published at 08:30 leaves no room for a second one; moving it to 08:00
or 09:00 makes room.
"""

from __future__ import annotations

import pytest

from scheduler.check import violations
from scheduler.compile import compile_instance
from scheduler.model import Instance, Visit, visit_id
from scheduler.problem import SolveParams, Status
from scheduler.problem.solution import PlannedVisit
from solvers.cpsat import formulation as cpsat_model
from solvers.cpsat.constraints.stability import changed_count
from tests.factories import (
    at,
    make_catalog,
    make_delegation,
    make_instance,
    make_site,
)
from visits.planning import plan_week
from visits.replanning import published_data

PARAMS = SolveParams(time_limit=5.0, workers=1, seed=0, warm_start=False)
"""No greedy warm start: what holds a visit is the model, not the hint."""
MORNING = {"mon": ["08:00-10:00"]}


def week(*delegations: str) -> Instance:
    catalog = make_catalog(sites=[make_site(opening_hours=MORNING)])
    return make_instance(catalog, [make_delegation(d) for d in delegations])


def published(instance: Instance, start: str) -> Visit:
    return Visit(
        id=visit_id("d1", "s1"),
        delegation="d1",
        site="s1",
        presenter="p1",
        start=at(start),
        end=at(f"{int(start[:2]) + 1:02d}{start[2:]}"),
        request=0,
    )


def replan(
    instance: Instance, visit: Visit, max_changes: int | None, solver: str
) -> dict[str, str]:
    data = published_data(
        compile_instance(instance), instance, (visit,), max_changes
    )
    result = plan_week(instance, solver, PARAMS, data)
    assert violations(instance, result.schedule) == []
    return {v.delegation: f"{v.start:%H:%M}" for v in result.schedule.visits}


@pytest.mark.parametrize("solver", ["cpsat", "greedy"])
def test_a_published_visit_stays_where_it_was(solver: str) -> None:
    instance = week("d1")
    assert replan(instance, published(instance, "08:30"), None, solver) == {
        "d1": "08:30"
    }


def test_served_value_comes_before_stability() -> None:
    instance = week("d1", "d2")
    starts = replan(instance, published(instance, "08:30"), None, "cpsat")
    assert set(starts) == {"d1", "d2"}
    assert starts["d1"] != "08:30"


def test_max_changes_zero_makes_only_additions() -> None:
    instance = week("d1", "d2")
    starts = replan(instance, published(instance, "08:30"), 0, "cpsat")
    assert starts == {"d1": "08:30"}


def test_changed_count_counts_moved_and_dropped_visits() -> None:
    instance = week("d1")
    data = published_data(
        compile_instance(instance),
        instance,
        (published(instance, "08:30"),),
        None,
    )
    (lock,) = data.published
    assert changed_count(data, [PlannedVisit(0, 0, lock.start, 0, 0)]) == 0
    assert changed_count(data, [PlannedVisit(0, 0, lock.start + 15, 0)]) == 1
    assert changed_count(data, []) == 1


def test_without_stability_the_published_visit_moves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The family removed: max_changes no longer binds, so d1 moves."""
    monkeypatch.setattr(cpsat_model, "add_stability", lambda *a: [])
    instance = week("d1", "d2")
    starts = replan(instance, published(instance, "08:30"), 0, "cpsat")
    assert set(starts) == {"d1", "d2"}
    assert starts["d1"] != "08:30"


def test_without_the_change_term_the_visit_is_not_held(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stability removed, nothing holds d1 at its published 08:30."""
    monkeypatch.setattr(cpsat_model, "add_stability", lambda *a: [])
    instance = week("d1")
    data = published_data(
        compile_instance(instance),
        instance,
        (published(instance, "08:30"),),
        None,
    )
    result = plan_week(instance, "cpsat", PARAMS, data)
    assert result.status is Status.OPTIMAL
    assert [f"{v.start:%H:%M}" for v in result.schedule.visits] != ["08:30"]
