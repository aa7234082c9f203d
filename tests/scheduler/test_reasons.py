"""Reasons for unserved requests: each static case, and "outcompeted" with
the resource named.

Default instance (tests/factories.py): one Monday, "Site s1" of
"Department" open 08:00-17:00, 60-minute visits, capacity 40, one group at
a time, lodging at the site, lunch 12:00-14:00 for 60 min, presenter p1
(es, en), pool "van" (15 seats, 10 vans).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from scheduler.check import violations
from scheduler.compile import compile_instance
from scheduler.model import Instance, TravelEntry, TravelSettings, VehiclePool
from scheduler.problem import SolveParams, Status
from scheduler.problem.reasons import unserved_reasons
from scheduler.reasons import static_reason, warnings, words_of
from solvers.greedy import solve as greedy_solve
from tests.factories import (
    MONDAY,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)
from visits.planning import plan_week

FAR = {"lat": 6.26, "lon": -75.57}
"""A lodging away from the sites (travel set by a matrix entry)."""


def monday(hhmm: str) -> dt.datetime:
    return dt.datetime.combine(MONDAY, dt.time.fromisoformat(hhmm))


def lodging_minutes(minutes: int) -> TravelSettings:
    return TravelSettings(
        buffer_minutes=0,
        matrix=[TravelEntry(origin="lodging:d1", to="s1", minutes=minutes)],
    )


def reason(
    site: dict[str, Any] | None = None,
    delegation: dict[str, Any] | None = None,
    **catalog: Any,
) -> str | None:
    """The static reason of request 0 of d1, on the default instance."""
    catalog.setdefault("sites", [make_site(**(site or {}))])
    d = make_delegation(**(delegation or {}))
    instance = make_instance(make_catalog(**catalog), [d])
    return static_reason(instance, instance.delegations[0], 0)


# --- static ----------------------------------------------------------------------


def test_a_request_that_fits_has_no_static_reason() -> None:
    assert reason() is None


@pytest.mark.parametrize(
    ("site", "delegation", "expected"),
    [
        # no site carries the topic
        ({}, {"requests": [{"topic": "astronomy"}]},
         'no site offers topic "astronomy"'),
        # group larger than the site
        ({"capacity": 40}, {"size": 45}, "group of 45 > capacity 40 at Site s1"),
        # nobody of the department speaks Korean
        ({}, {"languages": ["ko"]}, "no presenter of Department speaks ko"),
        # accessible_only against a site not known to be accessible
        ({"accessible": False}, {"accessible_only": True},
         "Site s1 is not accessible"),
        # closed on the only day of the stay
        ({"closed": [MONDAY]}, {}, "Site s1 is closed during the stay"),
        # open only on weekends; the stay is a Monday
        ({"opening_hours": {"sat": ["08:00-17:00"]}}, {},
         "Site s1 is closed during the stay"),
        # 90 min inside 12:00-14:00 always eats the lunch hour
        ({"opening_hours": {"mon": ["12:00-14:00"]}, "visit_minutes": 90}, {},
         "no slot of 90 min at Site s1 fits the day window with travel "
         "and lunch"),
        # the stay ends before the day window opens
        ({}, {"arrival": monday("19:00"), "departure": monday("21:00")},
         "the stay leaves no time inside the day window"),
    ],
)  # fmt: skip
def test_static_reason(
    site: dict[str, Any], delegation: dict[str, Any], expected: str
) -> None:
    assert reason(site, delegation) == expected


def test_no_slot_fits_the_day_window_with_travel() -> None:
    # Window 08:00-09:00, 20 min each way: 60 min of visit cannot fit.
    found = reason(
        delegation={"day_window": "08:00-09:00", "lodging": FAR},
        travel=lodging_minutes(20),
    )
    assert found == (
        "no slot of 60 min at Site s1 fits the day window with travel"
    )


def test_the_same_window_fits_without_travel() -> None:
    assert reason(delegation={"day_window": "08:00-09:00"}) is None


def test_no_presenter_free_while_the_site_is_open() -> None:
    evenings = make_presenter(availability={"mon": ["17:00-20:00"]})
    found = reason(presenters=[evenings])
    assert found == (
        "no en-speaking presenter of Department is free while Site s1 is "
        "open during the stay"
    )


def test_a_department_without_presenters() -> None:
    assert reason(presenters=[]) == "Department has no presenters"


def test_no_pool_carries_the_group() -> None:
    found = reason(
        delegation={"size": 20},
        vehicles=[VehiclePool(id="van", seats=15, count=1)],
    )
    assert found == "no vehicle pool can carry a group of 20 at once"


def test_topic_sites_with_one_kind_of_reason_are_summed_up() -> None:
    sites = [make_site(s, capacity=10) for s in ("s1", "s2")]
    sites.append(make_site("s3", capacity=15, topics=["other"]))
    found = reason(
        delegation={"size": 20, "requests": [{"topic": "urbanism"}]},
        sites=sites,
    )
    assert found == (
        'group of 20 > capacity of every site with topic "urbanism" '
        "(largest 10)"
    )


def test_topic_sites_with_different_reasons_are_listed() -> None:
    sites = [
        make_site("s1", accessible=False),
        make_site("s2", closed=[MONDAY]),
    ]
    found = reason(
        delegation={
            "accessible_only": True,
            "requests": [{"topic": "urbanism"}],
        },
        sites=sites,
    )
    assert found == (
        'no site with topic "urbanism" fits: Site s1 is not accessible; '
        "Site s2 is closed during the stay"
    )


def test_one_open_topic_site_means_no_static_reason() -> None:
    sites = [make_site("s1", closed=[MONDAY]), make_site("s2")]
    found = reason(
        delegation={"requests": [{"topic": "urbanism"}]}, sites=sites
    )
    assert found is None


def test_validate_warns_with_the_static_reason() -> None:
    d = make_delegation(size=45, requests=[{"site": "s1"}, {"site": "s1"}])
    assert warnings(make_instance(delegations=[d])) == [
        f'delegation "d1", request {j} (site:s1): group of 45 > capacity 40 '
        "at Site s1"
        for j in (0, 1)
    ]


# --- outcompeted --------------------------------------------------------------------


def greedy_reasons(instance: Instance) -> dict[tuple[str, int], str]:
    """Reasons (with catalog names) for what the greedy plan leaves out."""
    data = compile_instance(instance)
    solution = greedy_solve(data, SolveParams())
    assert solution.status is Status.FEASIBLE
    served = {(v.delegation, v.request) for v in solution.visits}
    found = unserved_reasons(data, solution.visits, served, words_of(instance))
    return {
        (data.delegations[d].name, j): text for (d, j), text in found.items()
    }


def two_delegations(
    site: dict[str, Any] | None = None, **catalog: Any
) -> Instance:
    """a (arrives first) and b both want s1, open 08:00-09:00 only."""
    catalog.setdefault(
        "sites",
        [make_site(opening_hours={"mon": ["08:00-09:00"]}, **(site or {}))],
    )
    a = make_delegation("a", arrival=monday("07:00"), day_window="07:00-18:00")
    return make_instance(make_catalog(**catalog), [a, make_delegation("b")])


def test_outcompeted_on_the_groups_a_site_takes() -> None:
    assert greedy_reasons(two_delegations()) == {
        ("b", 0): "outcompeted: site capacity at Site s1 (1 delegation(s) "
        "at a time)"
    }


def test_outcompeted_on_people_on_site() -> None:
    instance = two_delegations({"capacity": 10, "max_groups": 2})
    assert greedy_reasons(instance) == {
        ("b", 0): "outcompeted: site capacity at Site s1"
    }


def test_outcompeted_on_presenters() -> None:
    instance = two_delegations({"max_groups": 2})
    assert greedy_reasons(instance) == {
        ("b", 0): "outcompeted: presenters of Department busy"
    }


def test_outcompeted_on_vans() -> None:
    hours = {"mon": ["08:00-09:00"]}
    a = make_delegation("a", arrival=monday("07:00"), day_window="07:00-18:00")
    b = make_delegation("b", requests=[{"site": "s2"}])
    catalog = make_catalog(
        sites=[
            make_site("s1", opening_hours=hours),
            make_site("s2", opening_hours=hours),
        ],
        presenters=[make_presenter("p1"), make_presenter("p2")],
        vehicles=[VehiclePool(id="van", seats=15, count=1)],
    )
    assert greedy_reasons(make_instance(catalog, [a, b])) == {
        ("b", 0): "outcompeted: vehicles all in use (pool van)"
    }


def test_outcompeted_by_its_own_daily_maximum() -> None:
    d = make_delegation(
        requests=[{"site": "s1"}, {"site": "s2"}], max_visits_per_day=1
    )
    catalog = make_catalog(sites=[make_site("s1"), make_site("s2")])
    assert greedy_reasons(make_instance(catalog, [d])) == {
        ("d1", 1): "outcompeted: the delegation's own days are full "
        "(1 visit(s) a day)"
    }


def test_outcompeted_by_its_own_lunch() -> None:
    # s1 11:00-12:30 leaves s2 only 12:30-14:00: no lunch hour.
    hours = {"mon": ["11:00-14:00"]}
    sites = [
        make_site(s, visit_minutes=90, opening_hours=hours)
        for s in ("s1", "s2")
    ]
    d = make_delegation(requests=[{"site": "s1"}, {"site": "s2"}])
    assert greedy_reasons(make_instance(make_catalog(sites=sites), [d])) == {
        ("d1", 1): "outcompeted: the delegation's own days are full (its "
        "other visits, travel and lunch)"
    }


def test_outcompeted_by_its_own_visit_to_the_only_topic_site() -> None:
    d = make_delegation(requests=[{"site": "s1"}, {"topic": "urbanism"}])
    assert greedy_reasons(make_instance(delegations=[d])) == {
        ("d1", 1): "outcompeted: the delegation already visits Site s1 for "
        "another request"
    }


def test_a_request_that_still_fits_was_not_reached() -> None:
    instance = make_instance()
    data = compile_instance(instance)
    assert unserved_reasons(data, [], set()) == {
        (0, 0): "not placed: the solver stopped before reaching it (time "
        "limit)"
    }


def test_without_the_instance_reasons_use_ids() -> None:
    instance = make_instance(make_catalog(sites=[make_site(capacity=5)]))
    data = compile_instance(instance)
    assert unserved_reasons(data, [], set()) == {
        (0, 0): "group of 8 > capacity 5 at s1"
    }


def test_every_unserved_request_in_a_plan_has_a_reason() -> None:
    result = plan_week(two_delegations(), "greedy", SolveParams())
    schedule = result.schedule
    assert violations(two_delegations(), schedule) == []
    assert [(u.delegation, u.request) for u in schedule.unserved] == [("b", 0)]
    assert schedule.unserved[0].reason.startswith("outcompeted: ")
