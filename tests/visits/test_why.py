"""`visits why`: every rule that forbids a placement, in the judge's words.

The weeks are built so the answer is known by construction (see
tests/factories.py: one Monday, site s1 open 08:00-17:00, presenter p1
speaking es and en, ten 15-seat vans, no travel unless a lodging is moved
away). Each test asserts the rule number and the words naming its cause,
so it fails if the rule were missed or another one blamed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.check import violations
from scheduler.errors import InputError
from scheduler.model import Instance, Schedule, SolverInfo, Unserved, Visit
from tests.factories import (
    MONDAY,
    at,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)
from tests.strategies import instances
from tests.visits.test_options_cmd import write_schedule, write_week
from visits.cli import main
from visits.options import search_options
from visits.planning import plan_week
from visits.why import Verdict, parse_start, why_placement, why_request, words

EMPTY = Schedule(
    instance="test", solver=SolverInfo(name="greedy", status="FEASIBLE")
)


def visit(site: str, start: str, delegation: str = "d1", **kw: Any) -> Visit:
    """A one-hour visit on the test Monday, no travel, van, p1."""
    data: dict[str, Any] = {
        "id": f"{delegation}--{site}",
        "delegation": delegation,
        "site": site,
        "presenter": "p1",
        "start": at(start),
        "end": at(f"{int(start[:2]) + 1:02d}{start[2:]}"),
        "request": 0,
        "travel_minutes_before": 0,
        "vehicle_pool": "van",
    }
    data.update(kw)
    return Visit.model_validate(data)


def planned(*visits: Visit) -> Schedule:
    return EMPTY.model_copy(update={"visits": list(visits)})


def ask(
    instance: Instance,
    schedule: Schedule = EMPTY,
    site: str = "s1",
    start: str = "10:00",
    delegation: str = "d1",
    request: int = 0,
) -> Verdict:
    return why_placement(
        instance, schedule, delegation, request, site, at(start)
    )


def rules(v: Verdict) -> set[int]:
    return {b.rule for b in v.broken}


def details(v: Verdict, rule: int) -> str:
    return " | ".join(b.detail for b in v.broken if b.rule == rule)


# --- one placement: each rule named -------------------------------------


def test_a_placement_that_fits_names_presenter_and_pool() -> None:
    v = ask(make_instance())
    assert v.fits and v.broken == ()
    assert (v.presenter, v.vehicle_pool) == ("p1", "van")
    assert "fits: presenter p1, pool van" in words(v)


def test_closed_site_is_rule_1_naming_the_closure() -> None:
    site = make_site(closed=[MONDAY])
    v = ask(make_instance(make_catalog(sites=[site])))
    assert rules(v) == {1}
    assert "Site s1 is closed on Mon 2026-11-23" in details(v, 1)


def test_outside_opening_hours_is_rule_1() -> None:
    site = make_site(opening_hours={"mon": ["10:00-12:00"]})
    v = ask(make_instance(make_catalog(sites=[site])), start="08:00")
    assert rules(v) == {1}
    assert "outside Site s1's opening hours (10:00-12:00)" in details(v, 1)


def test_beyond_the_day_window_with_travel_is_rule_2() -> None:
    far = make_delegation(lodging={"lat": 6.30, "lon": -75.57})
    v = ask(make_instance(delegations=[far]), start="08:00")
    assert rules(v) == {2}
    assert "day window opens at 08:00" in details(v, 2)
    assert "must leave its lodging at Mon 2026-11-23 07:" in details(v, 2)


def test_no_lunch_is_rule_3() -> None:
    d1 = make_delegation(lunch={"window": "12:00-13:00", "minutes": 60})
    v = ask(make_instance(delegations=[d1]), start="12:00")
    assert rules(v) == {3}
    assert "no 60-minute lunch between 12:00 and 13:00" in details(v, 3)


def test_a_second_visit_to_the_site_is_rule_4() -> None:
    d1 = make_delegation(requests=[{"site": "s1"}, {"topic": "urbanism"}])
    instance = make_instance(delegations=[d1])
    schedule = planned(visit("s1", "08:00"))
    assert violations(instance, schedule) == []
    v = ask(instance, schedule, start="15:00", request=1)
    assert 4 in rules(v)
    assert "visits Site s1 2 times" in details(v, 4)
    assert "at most once" in details(v, 4)


def test_a_full_site_is_rule_5_naming_the_visit_there() -> None:
    presenters = [make_presenter("p1"), make_presenter("p2")]
    d2 = make_delegation("d2")
    instance = make_instance(
        make_catalog(presenters=presenters), [make_delegation(), d2]
    )
    schedule = planned(visit("s1", "10:00", "d2"))
    v = ask(instance, schedule)
    assert rules(v) == {5}
    assert "hosts 2 delegations" in details(v, 5)
    assert "d2--s1" in {i for b in v.broken for i in b.visit_ids}
    assert v.presenter == "p2"  # p1 is busy with d2


def test_a_busy_presenter_is_rule_6_naming_the_visit() -> None:
    sites = [make_site("s1"), make_site("s2")]
    d2 = make_delegation("d2", requests=[{"site": "s2"}])
    instance = make_instance(
        make_catalog(sites=sites), [make_delegation(), d2]
    )
    schedule = planned(visit("s2", "10:00", "d2"))
    v = ask(instance, schedule, start="10:30")
    assert rules(v) == {6}
    assert "d2--s2 10:00-11:00" in details(v, 6)
    (note,) = v.hosts
    assert note.presenter == "p1" and "d2--s2" in " ".join(note.reasons)
    assert "Presenter p1 (p1): Presenter p1 has 2 visits at once" in words(v)


def test_no_presenter_speaks_the_language_is_rule_6() -> None:
    presenters = [make_presenter("p-es", languages=["es"])]
    instance = make_instance(make_catalog(presenters=presenters))
    v = ask(instance)
    assert rules(v) == {6}
    assert "speaks es; Delegation d1 speaks en" in details(v, 6)
    assert v.hosts[0].reasons


def test_a_site_not_accessible_is_rule_7() -> None:
    site = make_site(accessible=False)
    d1 = make_delegation(accessible_only=True)
    v = ask(make_instance(make_catalog(sites=[site]), [d1]))
    assert rules(v) == {7}
    assert "needs accessible sites" in details(v, 7)


def test_vans_all_out_is_rule_8_naming_the_pool() -> None:
    from scheduler.model import VehiclePool

    sites = [make_site("s1"), make_site("s2")]
    presenters = [make_presenter("p1"), make_presenter("p2")]
    catalog = make_catalog(
        sites=sites,
        presenters=presenters,
        vehicles=[VehiclePool(id="van", seats=15, count=1)],
    )
    d2 = make_delegation("d2", requests=[{"site": "s2"}])
    instance = make_instance(catalog, [make_delegation(), d2])
    schedule = planned(visit("s2", "10:00", "d2", presenter="p2"))
    assert violations(instance, schedule) == []
    v = ask(instance, schedule, start="10:30")
    assert rules(v) == {8}
    assert "pool van has 2 vehicles out" in details(v, 8)
    assert "more than its 1" in details(v, 8)


def test_a_site_not_serving_the_request_is_rule_9() -> None:
    sites = [make_site("s1"), make_site("s2")]
    instance = make_instance(make_catalog(sites=sites))
    v = ask(instance, site="s2")
    assert rules(v) == {9}
    assert "it asks for site s1" in details(v, 9)


def test_off_the_grid_and_outside_the_horizon_are_rule_1() -> None:
    instance = make_instance()
    off = ask(instance, start="10:07")
    assert "off the 15-minute grid" in details(off, 1)
    later = why_placement(instance, EMPTY, "d1", 0, "s1", at("10:00", day=1))
    assert "outside the week" in details(later, 1)


def test_the_current_visit_moves_and_earlier_breaks_are_not_counted() -> None:
    d2 = make_delegation("d2")
    presenters = [make_presenter("p1"), make_presenter("p2")]
    instance = make_instance(
        make_catalog(sites=[make_site(max_groups=2)], presenters=presenters),
        [make_delegation(), d2],
    )
    # d2's visit is off the grid (rule 1 already); d1's moves to 14:00.
    schedule = planned(
        visit("s1", "08:00"),
        visit("s1", "10:05", "d2", presenter="p2"),
    )
    before = violations(instance, schedule)
    assert [b.rule for b in before] == [1]
    v = ask(instance, schedule, start="14:00")
    assert v.fits, v.broken
    assert v.moves is not None and v.moves.id == "d1--s1"
    assert len(v.earlier) == 1
    assert "already breaks 1 hard rule(s)" in words(v)


def test_parse_start_forms() -> None:
    instance = make_instance()
    ten = at("10:00")
    assert parse_start(instance, "2026-11-23T10:00") == ten
    assert parse_start(instance, "2026-11-23 10:00") == ten
    assert parse_start(instance, "2026-11-23T15:00+00:00") == ten
    assert parse_start(instance, "Mon 10:00") == ten
    assert parse_start(instance, "monday 10:00") == ten
    for bad in ("Tue 10:00", "2026-11-23", "tomorrow", "Mon 25:00"):
        with pytest.raises(InputError):
            parse_start(instance, bad)


# --- the request as a whole ---------------------------------------------


def test_a_served_request_names_its_visit() -> None:
    instance = make_instance()
    answer = why_request(instance, planned(visit("s1", "09:00")), "d1", 0)
    assert answer.fits and answer.served_by is not None
    text = words(answer)
    assert "is served by d1--s1: s1, Mon 2026-11-23 09:00-10:00" in text
    assert "presenter p1" in text


def test_an_unserved_request_shows_its_reason_and_the_rules_per_start() -> (
    None
):
    site = make_site(opening_hours={"mon": ["10:00-12:00"]})
    presenters = [make_presenter("p1", availability={"mon": ["11:00-17:00"]})]
    instance = make_instance(make_catalog(sites=[site], presenters=presenters))
    schedule = EMPTY.model_copy(
        update={
            "unserved": [
                Unserved(delegation="d1", request=0, reason="ran late")
            ]
        }
    )
    answer = why_request(instance, schedule, "d1", 0)
    assert answer.reason == "ran late"
    (s1,) = answer.sites
    # Day window 08:00-18:00, 60-minute visits: 08:00 to 17:00 by quarters.
    assert s1.starts == 37
    # Only 11:00 is inside both opening hours (10:00-11:00) and p1's hours.
    assert s1.fitting == 1
    # Rule 1: all but the five starts 10:00-11:00; rule 6: p1 is not
    # available before 11:00 nor after 17:00 (08:00-10:45 and
    # 16:15-17:00, sixteen starts); rule 3: a visit from 12:15, 12:30 or
    # 12:45 leaves no hour for lunch by 14:00.
    assert dict(s1.rules) == {1: 32, 3: 3, 6: 16}
    text = words(answer)
    assert "is not served: ran late" in text
    assert "1 of 37 starts fit" in text and "visits options" in text
    assert answer.fits


def test_nearest_start_words_when_the_site_is_closed() -> None:
    site = make_site(closed=[MONDAY])
    instance = make_instance(make_catalog(sites=[site]))
    answer = why_request(instance, EMPTY, "d1", 0)
    assert not answer.fits
    (s1,) = answer.sites
    # Closed at every start; lunch lost too from 12:15 to 12:45.
    assert s1.fitting == 0 and dict(s1.rules) == {1: s1.starts, 3: 3}
    assert s1.nearest is not None
    assert s1.nearest.start == at("08:00")  # earliest on ties
    assert "closed on Mon 2026-11-23" in words(answer)


# --- the same answer everywhere -----------------------------------------


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    instance=instances(max_delegations=4, max_requests=3),
    pick=st.integers(0, 1000),
)
def test_every_option_that_fits_as_is_fits_for_why(
    instance: Instance, pick: int
) -> None:
    """Where `visits options` offers a slot that fits as is, `visits why`
    says it fits; for an unserved request, it finds as many fitting
    starts per site as options offers."""
    schedule = plan_week(instance, "greedy").schedule
    if violations(instance, schedule):
        return
    pairs = [
        (d.id, j) for d in instance.delegations for j in range(len(d.requests))
    ]
    delegation, request = pairs[pick % len(pairs)]
    found = search_options(instance, schedule, delegation, request, top=500)
    fitting = [o for o in found.options if o.disruption == 0]
    for o in fitting[:8]:
        v = why_placement(
            instance, schedule, delegation, request, o.site, o.start
        )
        assert v.fits, (o, v.broken)
    if found.current is None and len(found.options) < 500:
        answer = why_request(instance, schedule, delegation, request)
        counted = {s.site: s.fitting for s in answer.sites if s.fitting}
        assert counted == dict(Counter(o.site for o in fitting))


# --- the command --------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    sites = [make_site("s1"), make_site("s2", topics=["mobility"])]
    d1 = make_delegation(requests=[{"site": "s1"}, {"topic": "mobility"}])
    instance = make_instance(make_catalog(sites=sites), [d1])
    schedule = planned(visit("s1", "09:00"))
    return write_week(tmp_path, instance), write_schedule(tmp_path, schedule)


def run(*args: str | Path) -> Any:
    result = CliRunner().invoke(main, ["why", *map(str, args)])
    assert isinstance(result.exception, (SystemExit, type(None))), (
        result.exception
    )
    assert "Traceback" not in result.output
    return result


def test_cli_a_placement_that_fits_exits_0(files: tuple[Path, Path]) -> None:
    week, schedule = files
    result = run(
        week, schedule, "d1", "1", "--site", "s2", "--start", "Mon 14:00"
    )
    assert result.exit_code == 0, result.output
    assert "fits: presenter p1, pool van" in result.output


def test_cli_a_placement_that_breaks_exits_1_with_the_rule(
    files: tuple[Path, Path],
) -> None:
    week, schedule = files
    result = run(
        week,
        schedule,
        "d1",
        "topic:mobility",
        "--site",
        "s2",
        "--start",
        "2026-11-23 09:30",
    )
    assert result.exit_code == 1, result.output
    assert "rule 2 (the delegation's day" in result.output
    assert "overlap" in result.output


def test_cli_request_served_and_unserved(files: tuple[Path, Path]) -> None:
    week, schedule = files
    served = run(week, schedule, "d1", "site:s1")
    assert served.exit_code == 0, served.output
    assert "is served by d1--s1" in served.output
    unserved = run(week, schedule, "d1", "1")
    assert unserved.exit_code == 0, unserved.output
    assert "is not served: no reason recorded" in unserved.output
    assert "Site s2 (s2):" in unserved.output


def test_cli_json_parses(files: tuple[Path, Path]) -> None:
    week, schedule = files
    result = run(
        week,
        schedule,
        "d1",
        "1",
        "--site",
        "s2",
        "--start",
        "2026-11-23T09:30",
        "--json",
    )
    assert result.exit_code == 1, result.output
    found = json.loads(result.output)
    assert found["fits"] is False and found["moves"] is None
    # d1 is at s1 09:00-10:00 (rule 2), with p1, the only presenter (6).
    assert {r["rule"] for r in found["rules"]} == {2, 6}
    assert found["rules"][0]["name"].startswith("the delegation's day")
    assert "d1--s2" in found["rules"][0]["visit_ids"]
    request = json.loads(run(week, schedule, "d1", "1", "--json").output)
    assert request["served_by"] is None
    assert request["sites"][0]["site"] == "s2"
    assert request["sites"][0]["fitting"] > 0


@pytest.mark.parametrize(
    ("args", "words_"),
    [
        (["d1", "0", "--site", "s1"], "--site and --start go together"),
        (
            ["d1", "0", "--start", "Mon 10:00"],
            "--site and --start go together",
        ),
        (["nobody", "0"], 'no delegation "nobody"'),
        (["d1", "topic:cooking"], "no request 'topic:cooking'"),
        (["d1", "7"], "request 7 does not exist"),
        (
            ["d1", "0", "--site", "nowhere", "--start", "Mon 10:00"],
            'no site "nowhere"',
        ),
        (["d1", "0", "--site", "s1", "--start", "soon"], "is not a start"),
    ],
)
def test_cli_usage_errors_exit_2(
    files: tuple[Path, Path], args: list[str], words_: str
) -> None:
    week, schedule = files
    result = run(week, schedule, *args)
    assert result.exit_code == 2, result.output
    assert words_ in result.output


def test_cli_a_broken_schedule_is_said_and_still_answered(
    tmp_path: Path,
) -> None:
    instance = make_instance()
    week = write_week(tmp_path, instance)
    schedule = write_schedule(tmp_path, planned(visit("s1", "09:05")))
    result = run(
        week, schedule, "d1", "0", "--site", "s1", "--start", "Mon 10:00"
    )
    assert "already breaks 1 hard rule(s)" in result.output
    assert "off the 15-minute grid" in result.output  # the first one, said
    assert result.exit_code == 0, result.output  # the move itself fits
    assert "moves d1--s1" in result.output


def test_start_outside_a_one_day_week_is_refused_by_weekday(
    files: tuple[Path, Path],
) -> None:
    week, schedule = files
    result = run(
        week, schedule, "d1", "0", "--site", "s1", "--start", "Tue 10:00"
    )
    assert result.exit_code == 2
    assert "2026-11-23 to 2026-11-23" in result.output
    assert dt.date(2026, 11, 23) == MONDAY
