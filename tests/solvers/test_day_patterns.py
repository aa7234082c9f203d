"""The day-pattern bound: a delegation holds its vehicles from leaving
lodging to coming back, waits and lunch included."""

from __future__ import annotations

import threading

from scheduler.compile import compile_instance
from scheduler.model import Instance
from solvers.cpsat.bounds import relaxation_bound
from solvers.cpsat.day_patterns import (
    _enumerate,
    bound_in_process,
    pattern_bound,
)
from tests.factories import (
    VehiclePool,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)
from tests.solvers.test_properties import brute_force


def one_van_all_day() -> Instance:
    """d1 wants A (08:00-10:00 only) and B (15:00-17:00 only): with both, its
    one van is out from 08:00 to 17:00. d2 wants C (11:00-13:00 only)."""
    catalog = make_catalog(
        sites=[
            make_site(
                "A", visit_minutes=120, opening_hours={"mon": ["08:00-10:00"]}
            ),
            make_site(
                "B", visit_minutes=120, opening_hours={"mon": ["15:00-17:00"]}
            ),
            make_site(
                "C", visit_minutes=120, opening_hours={"mon": ["11:00-13:00"]}
            ),
        ],
        presenters=[make_presenter("p1"), make_presenter("p2")],
        vehicles=[VehiclePool(id="van", seats=15, count=1)],
    )
    return make_instance(
        catalog,
        [
            make_delegation("d1", requests=[{"site": "A"}, {"site": "B"}]),
            make_delegation("d2", requests=[{"site": "C"}]),
        ],
    )


def test_a_day_out_holds_the_van_while_it_waits() -> None:
    """Counting only visits and legs, the van has room for all three visits
    (the LP bound says 3); held from leaving to coming back, it serves d1's
    two visits or one of them and d2's: at most 2."""
    data = compile_instance(one_van_all_day())
    assert brute_force(data) == 2
    assert relaxation_bound(data) == 3
    assert pattern_bound(data) == 2


def test_a_pattern_lasts_from_its_latest_leave_to_its_earliest_back() -> None:
    data = compile_instance(one_van_all_day())
    patterns = _enumerate(data)
    assert patterns is not None
    both = [
        placements
        for ids, placements in zip(
            patterns.visits, patterns.placements, strict=True
        )
        if len(ids) == 2
    ]
    assert len(both) == 1
    # A starts at 08:00 at the latest, B ends at 17:00 at the earliest.
    assert min(p.span for p in both[0]) >= 9 * 60


def test_sites_that_cannot_share_a_day_make_no_pattern() -> None:
    """Two 5-hour visits and an hour of lunch do not fit 08:00-18:00."""
    catalog = make_catalog(
        sites=[
            make_site("A", visit_minutes=300),
            make_site("B", visit_minutes=300),
        ],
        presenters=[make_presenter("p1"), make_presenter("p2")],
    )
    instance = make_instance(
        catalog,
        [make_delegation("d1", requests=[{"site": "A"}, {"site": "B"}])],
    )
    data = compile_instance(instance)
    patterns = _enumerate(data)
    assert patterns is not None
    assert sorted(len(ids) for ids in patterns.visits) == [1, 1]
    assert pattern_bound(data) == 1 == brute_force(data)


def test_every_round_gives_a_bound_and_the_search_may_stop_it() -> None:
    """The Lagrangian bound of any round is valid: stopping early gives a
    weaker bound, never one below the optimum."""
    data = compile_instance(one_van_all_day())
    converged = pattern_bound(data)
    assert converged is not None
    rounds: list[float] = []
    first = pattern_bound(
        data, rounds=1, on_round=lambda i, v, b: rounds.append(b)
    )
    assert first is not None and first >= converged and len(rounds) == 1
    stop = threading.Event()
    stop.set()
    stopped = pattern_bound(data, stop=stop)
    assert stopped is not None and stopped >= converged
    assert pattern_bound(data, seconds_left=lambda: 0.0) is None


def test_visits_only_some_presenters_can_host_share_those_presenters() -> None:
    """Two Korean delegations want s1; of its department only p1 speaks
    Korean, once a day. The department has five visits a day in all, so
    counting the whole team says 2; counting p1 says 1."""
    catalog = make_catalog(
        sites=[make_site(max_groups=2)],
        presenters=[
            make_presenter("p1", languages=["ko", "es"], max_visits_per_day=1),
            make_presenter("p2", languages=["es"]),
        ],
    )
    instance = make_instance(
        catalog,
        [
            make_delegation("d1", languages=["ko"]),
            make_delegation("d2", languages=["ko"]),
        ],
    )
    data = compile_instance(instance)
    assert brute_force(data) == 1
    assert relaxation_bound(data) == 2
    assert pattern_bound(data) == 1


def test_the_bound_runs_in_a_process_of_its_own() -> None:
    """Beside the search it reports each better round, ends with the same
    bound, and gives nothing once the search has ended."""
    data = compile_instance(one_van_all_day())
    seen: list[int] = []
    got = bound_in_process(data, None, threading.Event(), on_bound=seen.append)
    assert got == 2 == pattern_bound(data)
    assert seen[-1] == 2 and seen == sorted(seen, reverse=True)
    ended = threading.Event()
    ended.set()
    assert bound_in_process(data, None, ended) is None
