"""Scenario files: each change's effect on the instance and its errors.

The base week is a tiny instance from ``tests.factories`` written to a
temporary folder (catalog.yaml + week.yaml), so the scenario is read
exactly as a planner's file would be.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from scheduler.errors import InputError
from scheduler.model import Department, Instance, LockedVisit
from tests.factories import (
    MONDAY,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)
from tests.paths import MEDELLIN
from whatif.scenario import (
    Knob,
    apply_knob,
    knob_value,
    load_instance,
    parse_sweep,
)
from whatif.scenario import Source as ChangeSource


def write_week(folder: Path, instance: Instance) -> Path:
    """catalog.yaml and week.yaml for an instance built in code."""
    catalog = instance.catalog.model_dump(mode="json", by_alias=True)
    (folder / "catalog.yaml").write_text(yaml.safe_dump(catalog))
    week = {
        "catalog": "catalog.yaml",
        "name": instance.name,
        "horizon": instance.horizon.model_dump(mode="json"),
        "delegations": [
            d.model_dump(mode="json") for d in instance.delegations
        ],
        "locked": [lock.model_dump(mode="json") for lock in instance.locked],
    }
    path = folder / "week.yaml"
    path.write_text(yaml.safe_dump(week, sort_keys=False))
    return path


def base_instance() -> Instance:
    """Two sites (s1 of dept, s2 of sec), 4 presenters, 2 delegations,
    a 5-day week from Monday 2026-11-23 (ISO week 2026-W48)."""
    catalog = make_catalog(
        sites=[make_site("s1"), make_site("s2", department="sec")],
        presenters=[
            make_presenter("p1"),
            make_presenter("p2", languages=["es"]),
            make_presenter("q1", department="sec"),
            make_presenter("q2", department="sec"),
            make_presenter("q3", department="sec"),
            make_presenter("q4", department="sec"),
        ],
        departments=[
            Department(id="dept", name="Department"),
            Department(id="sec", name="Security Secretariat"),
        ],
    )
    late = dt.datetime.combine(MONDAY + dt.timedelta(days=2), dt.time(20))
    return make_instance(
        catalog=catalog,
        delegations=[
            make_delegation("d1"),
            make_delegation("d2", departure=late, requests=[{"site": "s2"}]),
        ],
        days=5,
    )


def scenario(folder: Path, changes: list[dict[str, Any]], **top: Any) -> Path:
    write_week(folder, base_instance())
    data = {"name": "what-if", "base": "week.yaml", "changes": changes, **top}
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def load(folder: Path, changes: list[dict[str, Any]], **top: Any) -> Instance:
    return load_instance(scenario(folder, changes, **top))


def error(
    folder: Path, changes: list[dict[str, Any]], **top: Any
) -> tuple[str, str]:
    """(field path, message) of the one problem the scenario has."""
    with pytest.raises(InputError) as caught:
        load(folder, changes, **top)
    (problem,) = caught.value.problems
    return problem.path, problem.message


# --- the file as a whole ----------------------------------------------------


def test_scenario_is_the_base_renamed_when_it_changes_nothing(
    tmp_path: Path,
) -> None:
    instance = load(tmp_path, [])
    assert instance.name == "what-if"
    assert instance.model_copy(update={"name": "test"}) == base_instance()


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        # a change that is not a mapping
        (["close the site"], "changes[0].change", "each change is a mapping"),
        # an unknown kind of change
        ([{"change": "close"}], "changes[0].change", 'unknown change "close"'),
        # an unknown field inside a known change
        (
            [
                {
                    "change": "close_site",
                    "site": "s1",
                    "dates": ["2026-11-24"],
                    "reason": "works",
                }
            ],
            "changes[0].reason",
            "unknown field",
        ),
        # a field of the wrong type
        (
            [{"change": "site", "site": "s1", "capacity": 0}],
            "changes[0].capacity",
            "greater than 0",
        ),
    ],
)
def test_malformed_changes_name_the_field(
    tmp_path: Path, changes: list[Any], path: str, words: str
) -> None:
    got_path, message = error(tmp_path, changes)
    assert got_path == path
    assert words in message


def test_problem_names_the_scenario_file(tmp_path: Path) -> None:
    path = scenario(tmp_path, [{"change": "close"}])
    with pytest.raises(InputError) as caught:
        load_instance(path)
    assert caught.value.problems[0].file == str(path)
    assert str(caught.value).startswith(f"{path}: changes[0].change:")


def test_unknown_top_level_field_and_missing_base(tmp_path: Path) -> None:
    assert error(tmp_path, [], notes="x") == (
        "notes",
        "unknown field; check its spelling against the docs",
    )
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nbase: nowhere.yaml\nchanges: []\n")
    with pytest.raises(InputError) as caught:
        load_instance(path)
    assert caught.value.problems[0].path == "base"
    assert "not found" in caught.value.problems[0].message


def test_a_scenario_may_build_on_a_scenario_but_not_on_itself(
    tmp_path: Path,
) -> None:
    first = scenario(
        tmp_path, [{"change": "site", "site": "s1", "capacity": 12}]
    )
    second = tmp_path / "second.yaml"
    second.write_text(
        "name: second\nbase: scenario.yaml\nchanges:\n"
        "  - {change: site, site: s1, max_groups: 3}\n"
    )
    site = load_instance(second).catalog.site("s1")
    assert (site.capacity, site.max_groups) == (12, 3)
    first.write_text("name: loop\nbase: second.yaml\nchanges: []\n")
    with pytest.raises(InputError) as caught:
        load_instance(second)
    assert "loop" in str(caught.value)


def test_changes_are_checked_again_as_a_whole(tmp_path: Path) -> None:
    # a delegation that comes on Thursday; a two-day week leaves it out.
    thursday = dt.datetime.combine(MONDAY + dt.timedelta(days=3), dt.time(8))
    late = make_delegation(
        "late", arrival=thursday, departure=thursday + dt.timedelta(hours=9)
    )
    (tmp_path / "late.yaml").write_text(
        yaml.safe_dump([late.model_dump(mode="json")])
    )
    path, message = error(
        tmp_path,
        [
            {"change": "add_delegations", "file": "late.yaml"},
            {"change": "horizon", "days": 2},
        ],
    )
    assert path == "delegations[2].arrival"
    assert "outside the horizon" in message
    assert message.endswith("(after the changes)")


# --- demand -------------------------------------------------------------------


def test_replicate_doubles_the_delegations_with_new_ids(
    tmp_path: Path,
) -> None:
    instance = load(
        tmp_path,
        [{"change": "scale_demand", "factor": 2, "mode": "replicate"}],
    )
    assert [d.id for d in instance.delegations] == [
        "d1",
        "d2",
        "d1-r1",
        "d2-r1",
    ]
    copy = instance.delegation("d2-r1")
    assert copy.requests == instance.delegation("d2").requests
    assert copy.name == "Delegation d2 (r1)"


def test_replicate_a_fraction_takes_a_seeded_sample(tmp_path: Path) -> None:
    changes = [
        {
            "change": "scale_demand",
            "factor": 2.5,
            "mode": "replicate",
            "seed": 3,
        }
    ]
    first = [d.id for d in load(tmp_path, changes).delegations]
    # 2.5 × 2 = 5: the base, one whole copy, one more copy of one of them
    assert first[:4] == ["d1", "d2", "d1-r1", "d2-r1"]
    assert first[4] in ("d1-r2", "d2-r2")
    assert [d.id for d in load(tmp_path, changes).delegations] == first


def test_scale_below_one_keeps_a_share(tmp_path: Path) -> None:
    instance = load(
        tmp_path,
        [{"change": "scale_demand", "factor": 0.5, "mode": "replicate"}],
    )
    assert len(instance.delegations) == 1


def test_added_demand_can_be_made_optional(tmp_path: Path) -> None:
    required = make_delegation(
        "d1", requests=[{"site": "s1", "required": True}]
    )
    folder = tmp_path
    base = base_instance().model_copy(update={"delegations": [required]})
    write_week(folder, base)
    (folder / "s.yaml").write_text(
        "name: s\nbase: week.yaml\nchanges:\n"
        "  - {change: scale_demand, factor: 2, mode: replicate, "
        "required: false}\n"
    )
    instance = load_instance(folder / "s.yaml")
    assert [d.requests[0].required for d in instance.delegations] == [
        True,
        False,
    ]


def test_generate_draws_from_the_generator_with_the_recorded_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def fake(catalog: Path, week: str, n: int, seed: int) -> dict[str, Any]:
        calls.append((catalog.name, week, n, seed))
        drawn = [make_delegation("d1"), make_delegation("g7")]
        return {"delegations": [d.model_dump(mode="json") for d in drawn]}

    monkeypatch.setattr("whatif.scenario.demand.generate_week", fake)
    instance = load(
        tmp_path, [{"change": "scale_demand", "factor": 2, "seed": 11}]
    )
    # ISO week of Monday 2026-11-23 is 2026-W48; 2 × 2 − 2 = 2 more.
    assert calls == [("catalog.yaml", "2026-W48", 2, 11)]
    assert [d.id for d in instance.delegations] == ["d1", "d2", "d1-2", "g7"]


def test_generate_uses_the_scenario_seed_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = []

    def fake(catalog: Path, week: str, n: int, seed: int) -> dict[str, Any]:
        seeds.append(seed)
        return {"delegations": []}

    monkeypatch.setattr("whatif.scenario.demand.generate_week", fake)
    load(tmp_path, [{"change": "scale_demand", "factor": 3}], seed=42)
    assert seeds == [42]


def test_generated_delegations_outside_the_week_are_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = dt.datetime(2026, 12, 7, 9)

    def fake(catalog: Path, week: str, n: int, seed: int) -> dict[str, Any]:
        d = make_delegation(
            "g1", arrival=later, departure=later + dt.timedelta(hours=8)
        )
        return {"delegations": [d.model_dump(mode="json")]}

    monkeypatch.setattr("whatif.scenario.demand.generate_week", fake)
    path, message = error(
        tmp_path, [{"change": "scale_demand", "factor": 1.5}]
    )
    assert path == "changes[0].mode"
    assert "outside the horizon" in message


def test_generate_with_the_real_generator(tmp_path: Path) -> None:
    pytest.importorskip("scheduler.generate")
    catalog = MEDELLIN / "catalog.yaml"
    if not catalog.is_file():
        pytest.skip("the Medellín catalog is not there yet")
    week = tmp_path / "week.yaml"
    week.write_text(
        yaml.safe_dump(
            {
                "catalog": str(catalog),
                "name": "empty",
                "horizon": {"start": "2026-11-23", "days": 5},
                "delegations": [
                    make_delegation(
                        "base-1", requests=[{"site": "ruta-n"}]
                    ).model_dump(mode="json")
                ],
            }
        )
    )
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\nbase: week.yaml\nchanges:\n"
        "  - {change: scale_demand, factor: 4, seed: 5}\n"
    )
    first = load_instance(path)
    assert len(first.delegations) == 4
    assert load_instance(path) == first


# --- adding delegations -------------------------------------------------------


def test_add_delegations_from_yaml_and_csv(tmp_path: Path) -> None:
    extra = [make_delegation("d9").model_dump(mode="json")]
    (tmp_path / "extra.yaml").write_text(yaml.safe_dump(extra))
    (tmp_path / "extra.csv").write_text(
        "id,name,country,size,languages,arrival,departure,lodging_lat,"
        "lodging_lon,requests\n"
        "br-1,Curitiba,BR,12,pt;es,2026-11-24T08:00,2026-11-24T19:00,"
        "6.21,-75.57,site:s2*;topic:urbanism\n"
    )
    instance = load(
        tmp_path,
        [
            {"change": "add_delegations", "file": "extra.yaml"},
            {"change": "add_delegations", "file": "extra.csv"},
        ],
    )
    assert [d.id for d in instance.delegations] == ["d1", "d2", "d9", "br-1"]
    added = instance.delegation("br-1")
    assert (added.size, added.languages) == (12, ["pt", "es"])
    assert added.requests[0].required


def test_add_delegations_errors(tmp_path: Path) -> None:
    assert (
        error(tmp_path, [{"change": "add_delegations", "file": "no.csv"}])[0]
        == "changes[0].file"
    )
    bad = [
        make_delegation("x", requests=[{"site": "s3"}]).model_dump(mode="json")
    ]
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad))
    path, message = error(
        tmp_path, [{"change": "add_delegations", "file": "bad.yaml"}]
    )
    assert path == "changes[0].file"
    assert 'unknown site "s3"' in message
    assert message.endswith("known: s1, s2")


@pytest.mark.parametrize(
    ("ids", "twice", "where"),
    [
        # a delegation the week already has (capitals do not count)
        (["D1"], False, "already in the week"),
        # the same delegation twice in the file
        (["d7", "d7"], False, "already in this file"),
        # the same file added by two changes
        (["d7"], True, "already in the week"),
    ],
)
def test_a_delegation_is_added_once(
    tmp_path: Path, ids: list[str], twice: bool, where: str
) -> None:
    extra = [make_delegation(i).model_dump(mode="json") for i in ids]
    (tmp_path / "extra.yaml").write_text(yaml.safe_dump(extra))
    change = {"change": "add_delegations", "file": "extra.yaml"}
    path, message = error(tmp_path, [change, change] if twice else [change])
    assert path == f"changes[{1 if twice else 0}].file"
    assert where in message


def test_errors_inside_the_added_file_name_that_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("- {id: x, name: X}\n")
    scenario(tmp_path, [{"change": "add_delegations", "file": "bad.yaml"}])
    with pytest.raises(InputError) as caught:
        load_instance(tmp_path / "scenario.yaml")
    problems = caught.value.problems
    assert {p.file for p in problems} == {str(tmp_path / "bad.yaml")}
    assert "[0].country" in {p.path for p in problems}


# --- sites --------------------------------------------------------------------


def test_remove_delegations_takes_them_and_their_locks(
    tmp_path: Path,
) -> None:
    lock = LockedVisit(
        delegation="d2",
        site="s2",
        start=dt.datetime.combine(MONDAY, dt.time(9)),
    )
    week = base_instance().model_copy(update={"locked": [lock]})
    write_week(tmp_path, week)
    path = tmp_path / "scenario.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "base": "week.yaml",
                "changes": [{"change": "remove_delegations", "ids": ["d2"]}],
            }
        )
    )
    assert load_instance(tmp_path / "week.yaml").locked
    instance = load_instance(path)
    assert [d.id for d in instance.delegations] == ["d1"]
    assert instance.locked == []


def test_remove_delegations_refuses_an_unknown_id(tmp_path: Path) -> None:
    got = error(tmp_path, [{"change": "remove_delegations", "ids": ["d3"]}])
    assert got[0] == "changes[0].ids[0]"
    assert 'unknown delegation "d3"' in got[1]


def test_close_site_on_dates(tmp_path: Path) -> None:
    instance = load(
        tmp_path,
        [
            {
                "change": "close_site",
                "site": "s2",
                "dates": ["2026-11-24", "2026-11-25"],
            }
        ],
    )
    assert instance.catalog.site("s2").closed == [
        dt.date(2026, 11, 24),
        dt.date(2026, 11, 25),
    ]
    assert instance.catalog.site("s1").closed == []


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        # a site id that does not exist, with a suggestion
        (
            {"site": "s-1", "dates": ["2026-11-24"]},
            "changes[0].site",
            'unknown site "s-1"; did you mean "s1"?',
        ),
        # a date outside the week
        (
            {"site": "s1", "dates": ["2026-11-24", "2026-12-24"]},
            "changes[0].dates[1]",
            "2026-12-24 is outside the horizon",
        ),
        # no dates
        ({"site": "s1", "dates": []}, "changes[0].dates", "at least 1"),
    ],
)
def test_close_site_errors(
    tmp_path: Path, change: dict[str, Any], path: str, words: str
) -> None:
    got = error(tmp_path, [{"change": "close_site", **change}])
    assert got[0] == path
    assert words in got[1]


def test_change_site_capacity_groups_and_hours(tmp_path: Path) -> None:
    instance = load(
        tmp_path,
        [
            {
                "change": "site",
                "site": "s1",
                "capacity": 60,
                "max_groups": 2,
                "opening_hours": {"mon": ["09:00-12:00"]},
            }
        ],
    )
    site = instance.catalog.site("s1")
    assert (site.capacity, site.max_groups) == (60, 2)
    assert site.opening_hours.mon == [(540, 720)]
    assert site.opening_hours.tue == []
    assert instance.catalog.site("s2") == base_instance().catalog.site("s2")


def test_change_site_needs_something_to_change(tmp_path: Path) -> None:
    path, message = error(tmp_path, [{"change": "site", "site": "s1"}])
    assert path == "changes[0].site"
    assert "say what changes" in message
    path, message = error(
        tmp_path,
        [
            {
                "change": "site",
                "site": "s1",
                "opening_hours": {"mon": ["12:00-09:00"]},
            }
        ],
    )
    assert path == "changes[0].opening_hours.mon[0]"
    assert "ends before it starts" in message


# --- presenters ---------------------------------------------------------------


def test_remove_presenters_by_id(tmp_path: Path) -> None:
    instance = load(
        tmp_path, [{"change": "remove_presenters", "ids": ["p2", "q1"]}]
    )
    assert [p.id for p in instance.catalog.presenters] == [
        "p1",
        "q2",
        "q3",
        "q4",
    ]


def test_remove_a_share_of_a_department(tmp_path: Path) -> None:
    changes = [
        {
            "change": "remove_presenters",
            "department": "sec",
            "share": 0.5,
            "seed": 1,
        }
    ]
    instance = load(tmp_path, changes)
    left = [p.id for p in instance.catalog.presenters_of("sec")]
    assert len(left) == 2  # round(0.5 × 4) = 2 leave
    assert [p.id for p in instance.catalog.presenters_of("dept")] == [
        "p1",
        "p2",
    ]
    assert [p.id for p in load(tmp_path, changes).catalog.presenters] == [
        "p1",
        "p2",
        *left,
    ]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        # neither ids nor a department
        ({}, "changes[0].ids", "give either ids"),
        # a department without share or count
        ({"department": "sec"}, "changes[0].share", "give one of share"),
        # an unknown presenter, with a suggestion
        ({"ids": ["q9"]}, "changes[0].ids[0]", 'unknown presenter "q9"'),
        # an unknown department
        (
            {"department": "security", "share": 0.5},
            "changes[0].department",
            'unknown department "security"',
        ),
        # more than the department has
        (
            {"department": "sec", "count": 5},
            "changes[0].count",
            "has 4 presenters; cannot remove 5",
        ),
        # a share above one
        (
            {"department": "sec", "share": 1.5},
            "changes[0].share",
            "less than or equal to 1",
        ),
    ],
)
def test_remove_presenters_errors(
    tmp_path: Path, change: dict[str, Any], path: str, words: str
) -> None:
    got = error(tmp_path, [{"change": "remove_presenters", **change}])
    assert got[0] == path
    assert words in got[1]


def test_add_presenters_new_or_like_an_existing_one(tmp_path: Path) -> None:
    instance = load(
        tmp_path,
        [
            {
                "change": "add_presenters",
                "presenters": [
                    {
                        "id": "n1",
                        "name": "New",
                        "department": "sec",
                        "languages": ["en", "ko"],
                    },
                    {"like": "p2", "id": "n2", "languages": ["fr"]},
                ],
            }
        ],
    )
    n1 = instance.catalog.presenter("n1")
    n2 = instance.catalog.presenter("n2")
    assert (n1.department, n1.languages) == ("sec", ["en", "ko"])
    p2 = instance.catalog.presenter("p2")
    assert n2.languages == ["fr"]
    assert (n2.department, n2.name, n2.max_visits_per_day) == (
        p2.department,
        p2.name,
        p2.max_visits_per_day,
    )


@pytest.mark.parametrize(
    ("presenter", "path", "words"),
    [
        # an id already taken
        (
            {
                "id": "p1",
                "name": "X",
                "department": "dept",
                "languages": ["es"],
            },
            "changes[0].presenters[0].id",
            'presenter id "p1" is taken',
        ),
        # an unknown department
        (
            {"id": "n", "name": "X", "department": "dep", "languages": ["es"]},
            "changes[0].presenters[0].department",
            'did you mean "dept"',
        ),
        # a language that is not ISO 639-1
        (
            {
                "id": "n",
                "name": "X",
                "department": "dept",
                "languages": ["english"],
            },
            "changes[0].presenters[0].languages[0]",
            "pattern",
        ),
        # like: an unknown presenter
        (
            {"like": "zz", "id": "n"},
            "changes[0].presenters[0].like",
            'unknown presenter "zz"',
        ),
    ],
)
def test_add_presenters_errors(
    tmp_path: Path, presenter: dict[str, Any], path: str, words: str
) -> None:
    got = error(
        tmp_path, [{"change": "add_presenters", "presenters": [presenter]}]
    )
    assert got[0] == path
    assert words in got[1]


# --- vehicles -----------------------------------------------------------------


def test_vehicle_pools_change_and_grow(tmp_path: Path) -> None:
    instance = load(
        tmp_path,
        [
            {"change": "vehicles", "pool": "van", "count": 3, "seats": 12},
            {
                "change": "vehicles",
                "add": [{"id": "bus", "seats": 40, "count": 1}],
            },
        ],
    )
    assert [(v.id, v.seats, v.count) for v in instance.catalog.vehicles] == [
        ("van", 12, 3),
        ("bus", 40, 1),
    ]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        # an unknown pool
        (
            {"pool": "vans", "count": 1},
            "changes[0].pool",
            'unknown vehicle pool "vans"; did you mean "van"?',
        ),
        # a pool and nothing to change
        ({"pool": "van"}, "changes[0].count", "say what changes"),
        # adding a pool that exists
        (
            {"add": [{"id": "van", "seats": 9, "count": 1}]},
            "changes[0].add[0].id",
            "exists",
        ),
        # a negative count
        (
            {"pool": "van", "count": -1},
            "changes[0].count",
            "greater than or equal to 0",
        ),
    ],
)
def test_vehicle_errors(
    tmp_path: Path, change: dict[str, Any], path: str, words: str
) -> None:
    got = error(tmp_path, [{"change": "vehicles", **change}])
    assert got[0] == path
    assert words in got[1]


# --- horizon ------------------------------------------------------------------


def test_shift_moves_every_date_of_the_week(tmp_path: Path) -> None:
    base = base_instance()
    site = base.catalog.site("s1").model_copy(
        update={"closed": [dt.date(2026, 11, 25)]}
    )
    folder = tmp_path
    write_week(
        folder,
        base.model_copy(
            update={
                "catalog": base.catalog.model_copy(
                    update={"sites": [site, base.catalog.site("s2")]}
                )
            }
        ),
    )
    (folder / "s.yaml").write_text(
        "name: s\nbase: week.yaml\nchanges:\n"
        "  - {change: horizon, shift_days: 7}\n"
    )
    instance = load_instance(folder / "s.yaml")
    week = dt.timedelta(days=7)
    assert instance.horizon.start == MONDAY + week
    assert instance.catalog.site("s1").closed == [dt.date(2026, 12, 2)]
    assert [d.arrival for d in instance.delegations] == [
        d.arrival + week for d in base.delegations
    ]


def test_stretch_adds_days_and_can_extend_stays(tmp_path: Path) -> None:
    instance = load(
        tmp_path,
        [{"change": "horizon", "days": 7, "extend_stays": True}],
    )
    assert instance.horizon.days == 7
    base = base_instance()
    assert instance.delegation("d2").departure == (
        base.delegation("d2").departure + dt.timedelta(days=2)
    )


def test_horizon_change_needs_something_to_change(tmp_path: Path) -> None:
    assert error(tmp_path, [{"change": "horizon"}])[0] == (
        "changes[0].shift_days"
    )


# --- sweep knobs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "knob", "values"),
    [
        ("demand=1,1.5,2", Knob("demand"), [1, 1.5, 2]),
        ("demand:replicate=2", Knob("demand", "replicate"), [2]),
        ("capacity:s1=10,20", Knob("capacity", "s1"), [10, 20]),
        ("presenters:sec=1,2,3", Knob("presenters", "sec"), [1, 2, 3]),
        ("vehicles:van=0,1", Knob("vehicles", "van"), [0, 1]),
    ],
)
def test_parse_sweep(text: str, knob: Knob, values: list[float]) -> None:
    assert parse_sweep(text) == (knob, values)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("demand", "is not a sweep"),  # no values
        ("speed=1,2", "is not a sweep"),  # unknown knob
        ("capacity=1,2", "capacity needs what it counts"),  # no site
        ("demand=1,x", "numbers separated by commas"),
        ("presenters:sec=1.5", "whole numbers"),
        ("demand=0,1", "positive"),
    ],
)
def test_parse_sweep_errors(text: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_sweep(text)
    assert words in str(caught.value)


def test_presenter_knob_removes_nested_sets_and_copies_to_grow() -> None:
    base = base_instance()
    knob = Knob("presenters", "sec")
    source = ChangeSource("--sweep", seed=2)
    assert knob_value(base, knob) == 4
    sizes = {}
    for n in (1, 2, 3, 4, 6):
        instance = apply_knob(base, knob, n, source)
        sizes[n] = {p.id for p in instance.catalog.presenters_of("sec")}
    assert [len(sizes[n]) for n in (1, 2, 3, 4, 6)] == [1, 2, 3, 4, 6]
    assert sizes[1] < sizes[2] < sizes[3] < sizes[4] < sizes[6]
    copies = sizes[6] - sizes[4]
    assert copies == {"q1-extra", "q2-extra"}
    grown = apply_knob(base, knob, 6, source).catalog
    assert grown.presenter("q1-extra").languages == ["es", "en"]
    assert grown.presenter("q1-extra").email == ""


def test_site_and_vehicle_knobs() -> None:
    base = base_instance()
    source = ChangeSource("--sweep")
    bigger = apply_knob(base, Knob("capacity", "s2"), 80, source)
    assert bigger.catalog.site("s2").capacity == 80
    groups = apply_knob(base, Knob("groups", "s2"), 3, source)
    assert groups.catalog.site("s2").max_groups == 3
    vans = apply_knob(base, Knob("vehicles", "van"), 2, source)
    assert vans.catalog.vehicles[0].count == 2
    with pytest.raises(InputError, match='unknown site "s9"'):
        apply_knob(base, Knob("capacity", "s9"), 1, source)


# --- the committed Medellín scenarios ----------------------------------------


def medellin(path: str) -> Instance:
    file = MEDELLIN / path
    if not file.is_file():
        pytest.skip(f"{path} is not there yet")
    return load_instance(file)


def test_world_cities_summit_triples_the_normal_week() -> None:
    normal = medellin("weeks/normal.yaml")
    summit = medellin("scenarios/world-cities-summit.yaml")
    assert summit.name == "world-cities-summit"
    assert len(summit.delegations) == 3 * len(normal.delegations)
    assert summit.delegations[: len(normal.delegations)] == normal.delegations
    assert summit.catalog == normal.catalog


def test_metrocable_k_closed_two_days() -> None:
    closed = medellin("scenarios/metrocable-k-closed.yaml")
    assert set(closed.catalog.site("metrocable-k").closed) >= {
        dt.date(2026, 11, 24),
        dt.date(2026, 11, 25),
    }


def test_security_secretariat_short_of_presenters() -> None:
    normal = medellin("weeks/normal.yaml")
    short = medellin("scenarios/security-short-staffed.yaml")
    before = normal.catalog.presenters_of("security")
    after = short.catalog.presenters_of("security")
    assert len(after) == len(before) - 2
    assert all(p in before for p in after)


def test_one_more_english_speaker_at_ruta_n() -> None:
    normal = medellin("weeks/normal.yaml")
    more = medellin("scenarios/ruta-n-english-presenter.yaml")

    def english(instance: Instance) -> int:
        staff = instance.catalog.presenters_of("ruta-n")
        return sum("en" in p.languages for p in staff)

    assert english(more) == english(normal) + 1
