"""Loading and validating instances: every error names file, field and fix.

Each invalid input is a valid base (a small catalog and week written to a
temporary folder) with one change; the test checks the file, the field path
and the message of the problem reported.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from scheduler.errors import InputError, Problem
from scheduler.loading import (
    CSV_COLUMNS,
    load_catalog,
    load_delegations_csv,
    load_schedule,
    parse_requests,
)
from scheduler.model import Schedule, SolverInfo, Visit
from scheduler.reasons import warnings
from tests.factories import (
    at,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)
from tests.paths import REPO as ROOT
from visits.cli import main
from whatif.scenario import load_instance

WEEKS = ROOT / "instances" / "medellin" / "weeks"
DELETE = object()
"""Marks a field to remove instead of setting."""

WEEKDAYS = {
    day: ["08:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")
}
BASE_CATALOG: dict[str, Any] = {
    "name": "test",
    "timezone": "America/Bogota",
    "organizer": {"name": "ACI", "email": "aci@example.org"},
    "departments": [
        {"id": "metro", "name": "Metro", "email": "metro@example.org"},
        {"id": "rutan", "name": "Ruta N", "email": "rutan@example.org"},
    ],
    "sites": [
        {
            "id": "cable",
            "name": "Metrocable",
            "location": {"lat": 6.29, "lon": -75.54},
            "department": "metro",
            "topics": ["mobility"],
            "visit_minutes": 90,
            "capacity": 30,
            "opening_hours": WEEKDAYS,
        },
        {
            "id": "hub",
            "name": "Innovation hub",
            "location": {"lat": 6.27, "lon": -75.57},
            "department": "rutan",
            "topics": ["innovation"],
            "visit_minutes": 60,
            "capacity": 20,
            "opening_hours": WEEKDAYS,
        },
    ],
    "presenters": [
        {
            "id": "ana",
            "name": "Ana",
            "department": "metro",
            "languages": ["es", "en"],
        },
        {
            "id": "ben",
            "name": "Ben",
            "department": "rutan",
            "languages": ["es"],
        },
    ],
    "vehicles": [{"id": "van", "seats": 15, "count": 2}],
}
BASE_WEEK: dict[str, Any] = {
    "catalog": "catalog.yaml",
    "horizon": {"start": "2026-11-23", "days": 5},
    "delegations": [
        {
            "id": "d1",
            "name": "Boston",
            "country": "US",
            "size": 8,
            "languages": ["en"],
            "arrival": "2026-11-23T07:00",
            "departure": "2026-11-24T18:00",
            "lodging": {"lat": 6.21, "lon": -75.567},
            "requests": [{"site": "cable"}, {"topic": "innovation"}],
        },
        {
            "id": "d2",
            "name": "Cali",
            "country": "CO",
            "size": 6,
            "languages": ["es"],
            "arrival": "2026-11-25T07:00",
            "departure": "2026-11-26T18:00",
            "lodging": {"lat": 6.25, "lon": -75.568},
            "requests": [{"site": "hub", "required": True}],
        },
    ],
    "locked": [
        {
            "delegation": "d1",
            "site": "cable",
            "start": "2026-11-23T09:00",
            "presenter": "ana",
        },
    ],
}

CSV_HEADER = ",".join(CSV_COLUMNS)
CSV_ROW = (
    "d3,Lima,PE,Municipalidad de Lima,7,es;en,2026-11-23T07:00,"
    "2026-11-23T18:00,,,,,6.2090,-75.5670,,,lima@example.org,"
    "site:cable*;topic:innovation=2,"
)
"""One cell per column of ``CSV_COLUMNS`` (``submitted`` left empty)."""


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set (or delete) ``doc`` at a field path like ``sites[0].name``."""
    parts = [
        int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)
    ]
    node: Any = doc
    for part in parts[:-1]:
        node = node[part]
    if value is DELETE:
        del node[parts[-1]]
    else:
        node[parts[-1]] = value


def write_instance(
    tmp_path: Path,
    catalog: dict[str, Any] | None = None,
    week: dict[str, Any] | None = None,
) -> Path:
    (tmp_path / "catalog.yaml").write_text(
        yaml.safe_dump(catalog or BASE_CATALOG), encoding="utf-8"
    )
    path = tmp_path / "week.yaml"
    path.write_text(yaml.safe_dump(week or BASE_WEEK), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        load_instance(path)
    return info.value.problems


def assert_problem(
    problems: list[Problem], file: Path, path: str, text: str
) -> None:
    """One problem names ``file`` and ``path`` and says ``text``."""
    matches = [p for p in problems if p.path == path]
    assert matches, f"no problem at {path!r}: {problems}"
    assert any(Path(p.file) == file and text in p.message for p in matches), (
        matches
    )


def test_base_instance_is_valid(tmp_path: Path) -> None:
    instance = load_instance(write_instance(tmp_path))
    assert [d.id for d in instance.delegations] == ["d1", "d2"]
    assert instance.name == "week"
    assert instance.locked[0].presenter == "ana"


INVALID = [
    # schema: a required field is missing
    (
        "week",
        {"delegations[0].name": DELETE},
        "delegations[0].name",
        "required field is missing",
    ),
    # schema: wrong type
    (
        "week",
        {"delegations[0].size": "twelve"},
        "delegations[0].size",
        "valid integer",
    ),
    # schema: a field the model does not know (a typo)
    (
        "week",
        {"delegations[0].sise": 8},
        "delegations[0].sise",
        "unknown field",
    ),
    # schema: country not ISO 3166 alpha-2
    (
        "week",
        {"delegations[0].country": "USA"},
        "delegations[0].country",
        "pattern",
    ),
    # schema: priority out of 1..5
    (
        "week",
        {"delegations[0].priority": 7},
        "delegations[0].priority",
        "less than or equal to 5",
    ),
    # schema: a request with both a site and a topic
    (
        "week",
        {"delegations[0].requests[0].topic": "mobility"},
        "delegations[0].requests[0]",
        "exactly one of site or topic",
    ),
    # schema: lunch longer than its window
    (
        "week",
        {"delegations[0].lunch": {"window": "12:00-13:00", "minutes": 90}},
        "delegations[0].lunch",
        "do not fit",
    ),
    # bad HH:MM: not a time at all
    (
        "catalog",
        {"sites[0].opening_hours.mon": ["8h-12:00"]},
        "sites[0].opening_hours.mon[0]",
        "is not a time; write it as HH:MM",
    ),
    # bad HH:MM: 61 minutes
    (
        "catalog",
        {"sites[0].opening_hours.mon": ["08:61-12:00"]},
        "sites[0].opening_hours.mon[0]",
        "is not a time of day",
    ),
    # bad range: one time only
    (
        "catalog",
        {"sites[0].opening_hours.tue": ["08:00"]},
        "sites[0].opening_hours.tue[0]",
        "is not a time range",
    ),
    # inverted hours range
    (
        "catalog",
        {"sites[0].opening_hours.wed": ["17:00-08:00"]},
        "sites[0].opening_hours.wed[0]",
        "ends before it starts",
    ),
    # inverted day window of a delegation
    (
        "week",
        {"delegations[0].day_window": "18:00-08:00"},
        "delegations[0].day_window",
        "ends before it starts",
    ),
    # overlapping hours on one day
    (
        "catalog",
        {"sites[1].opening_hours.mon": ["08:00-12:00", "11:00-15:00"]},
        "sites[1].opening_hours",
        "overlap",
    ),
    # unknown time zone
    (
        "catalog",
        {"timezone": "Mars/Olympus"},
        "timezone",
        "not an IANA time zone",
    ),
    # unknown site id in a request
    (
        "week",
        {"delegations[0].requests[0].site": "metrocable-z"},
        "delegations[0].requests[0].site",
        'unknown site "metrocable-z"',
    ),
    # unknown department for a site
    (
        "catalog",
        {"sites[1].department": "edu"},
        "sites[1].department",
        'unknown department "edu"',
    ),
    # unknown department for a presenter
    (
        "catalog",
        {"presenters[0].department": "epm"},
        "presenters[0].department",
        'unknown department "epm"',
    ),
    # duplicate site ids
    (
        "catalog",
        {"sites[1].id": "cable"},
        "sites[1].id",
        'duplicate id "cable"',
    ),
    # duplicate presenter ids
    (
        "catalog",
        {"presenters[1].id": "ana"},
        "presenters[1].id",
        'duplicate id "ana"',
    ),
    # travel matrix naming an unknown site
    (
        "catalog",
        {
            "travel": {
                "matrix": [{"from": "cable", "to": "nowhere", "minutes": 5}]
            }
        },
        "travel.matrix[0].to",
        'unknown site "nowhere"',
    ),
    # duplicate delegation ids
    (
        "week",
        {"delegations[1].id": "d1"},
        "delegations[1].id",
        'duplicate delegation id "d1"',
    ),
    # arrival after departure
    (
        "week",
        {"delegations[0].arrival": "2026-11-25T07:00"},
        "delegations[0]",
        "is not after arrival",
    ),
    # stay outside the horizon (the week after)
    (
        "week",
        {
            "delegations[1].arrival": "2026-12-01T07:00",
            "delegations[1].departure": "2026-12-02T18:00",
        },
        "delegations[1].arrival",
        "outside the horizon",
    ),
    # locked visit: unknown presenter
    (
        "week",
        {"locked[0].presenter": "zoe"},
        "locked[0].presenter",
        'unknown presenter "zoe"',
    ),
    # locked visit: presenter of another department than the site's host
    (
        "week",
        {"locked[0].presenter": "ben"},
        "locked[0].presenter",
        'belongs to department "rutan"',
    ),
    # locked visit: unknown delegation
    (
        "week",
        {"locked[0].delegation": "d9"},
        "locked[0].delegation",
        'unknown delegation "d9"',
    ),
    # locked visit: unknown site
    (
        "week",
        {"locked[0].site": "zoo"},
        "locked[0].site",
        'unknown site "zoo"',
    ),
    # locked visit: outside the horizon
    (
        "week",
        {"locked[0].start": "2026-11-30T09:00"},
        "locked[0].start",
        "outside the horizon",
    ),
    # the week does not name its catalog
    ("week", {"catalog": DELETE}, "catalog", "relative to this file"),
    # the catalog file named does not exist
    ("week", {"catalog": "catalogue.yaml"}, "catalog", "not found"),
    # the portal CSV file named does not exist
    (
        "week",
        {"delegations_csv": "portal.csv"},
        "delegations_csv",
        "not found",
    ),
]


@pytest.mark.parametrize(
    ("document", "changes", "path", "text"),
    INVALID,
    ids=[f"{row[0]}:{row[2]}:{row[3][:24]}" for row in INVALID],
)
def test_invalid_input_names_field_and_fix(
    tmp_path: Path,
    document: str,
    changes: dict[str, Any],
    path: str,
    text: str,
) -> None:
    catalog, week = copy.deepcopy(BASE_CATALOG), copy.deepcopy(BASE_WEEK)
    for field, value in changes.items():
        set_path(catalog if document == "catalog" else week, field, value)
    week_path = write_instance(tmp_path, catalog, week)
    file = tmp_path / (
        "catalog.yaml" if document == "catalog" else "week.yaml"
    )
    assert_problem(problems_of(week_path), file, path, text)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    week = copy.deepcopy(BASE_WEEK)
    set_path(week, "delegations[0].requests[0].site", "zoo")
    set_path(week, "delegations[1].id", "d1")
    problems = problems_of(write_instance(tmp_path, week=week))
    assert {p.path for p in problems} == {
        "delegations[0].requests[0].site",
        "delegations[1].id",
    }


# --- files -----------------------------------------------------------------


def test_file_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    problems = problems_of(missing)
    assert problems == [
        Problem(str(missing), "", "file not found; check the path")
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        # an unclosed flow list
        ("week.yaml", "delegations: [\n", "not valid YAML"),
        # a tab where YAML wants spaces
        ("week.yaml", "horizon:\n\tstart: 2026-11-23\n", "not valid YAML"),
        # a trailing comma
        ("week.json", '{"catalog": "catalog.yaml",}', "not valid JSON"),
        # a list, not a mapping
        ("week.yaml", "- catalog.yaml\n", "is a mapping"),
        # an empty file
        ("week.yaml", "", "is a mapping"),
    ],
)
def test_unreadable_document(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].file == str(path)
    assert message in problems[0].message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "week.yaml"
    path.write_bytes("name: Bogotá\n".encode("latin-1"))
    [problem] = problems_of(path)
    assert "not UTF-8" in problem.message


@pytest.mark.parametrize(
    ("name", "text", "field"),
    [
        # an escape in a YAML double-quoted text (found by tests/fuzz)
        ("week.yaml", 'name: "week\\x17"\n', "name"),
        # an escape in a JSON key, deep in the document
        ("week.json", '{"horizon": {"a\\u0007": 1}}', "horizon.a\x07"),
        # written out in the file, as a CSV or a hand edit might carry it
        ("week.json", '{\n"name":\n"w\x0c"}', "line 3"),
    ],
)
def test_control_character_is_refused(
    tmp_path: Path, name: str, text: str, field: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [problem] = problems_of(path)
    assert (problem.file, problem.path) == (str(path), field)
    assert "control character U+00" in problem.message


def test_export_refuses_a_schedule_with_a_control_character(
    tmp_path: Path,
) -> None:
    # Found by tests/fuzz: a KPI name with U+0017 crashed the Excel export.
    week = WEEKS / "example.yaml"
    plan = tmp_path / "plan"
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(week),
            "--solver",
            "greedy",
            "--quiet",
            "--out",
            str(plan),
        ],
    )
    assert result.exit_code == 0, result.output
    schedule = json.loads((plan / "schedule.json").read_text(encoding="utf-8"))
    schedule["kpis"]["odd\u0017name"] = 1
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(schedule), encoding="utf-8")
    args = ["export", str(week), str(path), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "schedule.json: kpis.odd" in result.output
    assert "control character U+0017" in result.output
    assert not (tmp_path / "out").exists()


def test_json_week_is_read_like_yaml(tmp_path: Path) -> None:
    write_instance(tmp_path)
    path = tmp_path / "week.json"
    path.write_text(json.dumps(BASE_WEEK), encoding="utf-8")
    assert [d.id for d in load_instance(path).delegations] == ["d1", "d2"]


def test_catalog_alone_reports_its_own_file(tmp_path: Path) -> None:
    catalog = copy.deepcopy(BASE_CATALOG)
    set_path(catalog, "sites[0].capacity", 0)
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(catalog), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_catalog(path)
    assert_problem(
        info.value.problems, path, "sites[0].capacity", "greater than 0"
    )


# --- the portal's CSV ------------------------------------------------------


def write_csv(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "portal.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_row_becomes_a_delegation(tmp_path: Path) -> None:
    [d] = load_delegations_csv(write_csv(tmp_path, CSV_HEADER, CSV_ROW))
    assert (d.id, d.size, d.languages) == ("d3", 7, ["es", "en"])
    assert d.arrival == dt.datetime(2026, 11, 23, 7, 0)
    assert [(r.site, r.topic, r.weight, r.required) for r in d.requests] == [
        ("cable", None, 1, True),
        (None, "innovation", 2, False),
    ]


def test_parse_requests_syntax() -> None:
    assert parse_requests(" site:metrocable-k* ; topic:innovation=3 ;") == [
        {"site": "metrocable-k", "weight": 1, "required": True},
        {"topic": "innovation", "weight": 3, "required": False},
    ]


def _replace(row: str, column: str, value: str) -> str:
    cells = row.split(",")
    cells[CSV_COLUMNS.index(column)] = value
    return ",".join(cells)


def _drop(line: str, column: str) -> str:
    cells = line.split(",")
    del cells[CSV_COLUMNS.index(column)]
    return ",".join(cells)


BAD_CSV = [
    # a required column is missing
    (
        [_drop(CSV_HEADER, "size"), _drop(CSV_ROW, "size")],
        "header",
        "missing column(s) size",
    ),
    # a column the portal does not export
    (
        [CSV_HEADER + ",colour", CSV_ROW + ",red"],
        "header",
        "unknown column(s) colour",
    ),
    # request syntax: neither site: nor topic:
    (
        [CSV_HEADER, _replace(CSV_ROW, "requests", "place:cable")],
        "row 2.requests",
        '"place:cable" is not a request',
    ),
    # request syntax: a weight that is not a number
    (
        [CSV_HEADER, _replace(CSV_ROW, "requests", "site:cable=high")],
        "row 2.requests",
        "must be a whole number",
    ),
    # request syntax: nothing after the colon
    (
        [CSV_HEADER, _replace(CSV_ROW, "requests", "site:*")],
        "row 2.requests",
        "names no site or topic",
    ),
    # bad value, reported with its row number (the third line)
    (
        [
            CSV_HEADER,
            CSV_ROW,
            _replace(_replace(CSV_ROW, "id", "d4"), "size", "seven"),
        ],
        "row 3.size",
        "valid integer",
    ),
    # bad date
    (
        [CSV_HEADER, _replace(CSV_ROW, "arrival", "23/11/2026")],
        "row 2.arrival",
        "datetime",
    ),
    # a value with an unquoted comma: more cells than columns
    ([CSV_HEADER, CSV_ROW + ",extra"], "row 2", "more values than"),
]


@pytest.mark.parametrize(("lines", "path", "text"), BAD_CSV)
def test_bad_csv(
    tmp_path: Path, lines: list[str], path: str, text: str
) -> None:
    csv_path = write_csv(tmp_path, *lines)
    with pytest.raises(InputError) as info:
        load_delegations_csv(csv_path)
    assert_problem(info.value.problems, csv_path, path, text)


def test_csv_row_numbers_count_quoted_line_breaks(tmp_path: Path) -> None:
    # Row 2 spans two lines (a quoted name); the bad row starts on line 4.
    first = _replace(CSV_ROW, "name", '"Lima,\nPerú"')
    bad = _replace(_replace(CSV_ROW, "id", "d4"), "size", "x")
    csv_path = write_csv(tmp_path, CSV_HEADER, first, bad)
    with pytest.raises(InputError) as info:
        load_delegations_csv(csv_path)
    assert_problem(
        info.value.problems, csv_path, "row 4.size", "valid integer"
    )


def test_week_with_csv_delegations(tmp_path: Path) -> None:
    write_csv(tmp_path, CSV_HEADER, CSV_ROW)
    week = copy.deepcopy(BASE_WEEK)
    week["delegations_csv"] = "portal.csv"
    instance = load_instance(write_instance(tmp_path, week=week))
    assert [d.id for d in instance.delegations] == ["d1", "d2", "d3"]


@pytest.mark.parametrize(
    ("row", "path", "text"),
    [
        # unknown site in a CSV request: reported in the CSV, by row
        (
            _replace(CSV_ROW, "requests", "site:zoo"),
            "row 2.requests[0].site",
            'unknown site "zoo"',
        ),
        # a CSV delegation reusing an id of the week file
        (
            _replace(CSV_ROW, "id", "d1"),
            "row 2.id",
            'duplicate delegation id "d1"',
        ),
    ],
)
def test_csv_cross_reference_errors_point_at_the_csv_row(
    tmp_path: Path, row: str, path: str, text: str
) -> None:
    csv_path = write_csv(tmp_path, CSV_HEADER, row)
    week = copy.deepcopy(BASE_WEEK)
    week["delegations_csv"] = "portal.csv"
    problems = problems_of(write_instance(tmp_path, week=week))
    assert_problem(problems, csv_path, path, text)


def test_example_csv_week_equals_the_yaml_example() -> None:
    written = load_instance(WEEKS / "example.yaml")
    from_csv = load_instance(WEEKS / "example-csv.yaml")
    assert from_csv.delegations == written.delegations
    assert from_csv.locked == written.locked


# --- warnings: requests that can never be served ---------------------------


def test_warnings_name_requests_that_can_never_be_served() -> None:
    catalog = make_catalog(
        sites=[make_site("s1", capacity=20, topics=["urbanism"])],
        presenters=[make_presenter("p1", languages=["es", "en"])],
    )
    delegations = [
        # topic no site offers
        make_delegation(
            "astro", requests=[{"site": "s1"}, {"topic": "astronomy"}]
        ),
        # language no presenter speaks
        make_delegation("seoul", languages=["ko"], requests=[{"site": "s1"}]),
        # group larger than every matching site
        make_delegation("big", size=45, requests=[{"topic": "urbanism"}]),
        # fine: no warning
        make_delegation(
            "ok", requests=[{"site": "s1"}, {"topic": "urbanism"}]
        ),
    ]
    notes = warnings(make_instance(catalog, delegations))
    assert len(notes) == 3, notes
    astro, seoul, big = notes
    assert astro.startswith('delegation "astro", request 1 (topic:astronomy)')
    assert seoul.startswith('delegation "seoul", request 0 (site:s1)')
    assert "ko" in seoul.split(":", 2)[-1]
    assert big.startswith('delegation "big", request 0 (topic:urbanism)')
    assert "45" in big and "20" in big


# --- schedules -------------------------------------------------------------


def test_schedule_round_trip(tmp_path: Path) -> None:
    schedule = Schedule(
        instance="example",
        solver=SolverInfo(name="greedy", status="FEASIBLE", objective=3),
        visits=[
            Visit(
                id="d1--s1",
                delegation="d1",
                site="s1",
                presenter="p1",
                start=at("09:00"),
                end=at("10:00"),
                request=0,
            )
        ],
    )
    path = tmp_path / "schedule.json"
    path.write_text(schedule.model_dump_json(), encoding="utf-8")
    assert load_schedule(path) == schedule


def test_bad_schedule(tmp_path: Path) -> None:
    path = tmp_path / "schedule.json"
    path.write_text('{"instance": "x", "visits": []}', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_schedule(path)
    assert_problem(
        info.value.problems, path, "solver", "required field is missing"
    )


# --- the command line ------------------------------------------------------

COMMITTED = sorted(WEEKS.glob("*.yaml"))


def test_committed_weeks_exist() -> None:
    names = {p.name for p in COMMITTED}
    assert {
        "example.yaml",
        "example-csv.yaml",
        "normal.yaml",
        "peak.yaml",
        "surge.yaml",
    } <= names


@pytest.mark.parametrize("week", COMMITTED, ids=lambda p: p.name)
def test_validate_accepts_every_committed_week(week: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(week)])
    assert result.exit_code == 0, result.output
    assert f"ok: {week}" in result.output


def test_validate_rejects_a_bad_file_without_traceback(tmp_path: Path) -> None:
    week = copy.deepcopy(BASE_WEEK)
    set_path(week, "delegations[1].departure", "2026-11-24T18:00")
    path = write_instance(tmp_path, week=week)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert (
        f"error: {path}: delegations[1]: departure 2026-11-24 18:00:00 is not "
        "after arrival" in result.stderr
    )
    assert "Traceback" not in result.output


def test_validate_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "no.yaml")])
    assert result.exit_code == 2
    assert "file not found" in result.stderr


@pytest.mark.parametrize("field", ["catalog", "base"])
def test_a_file_name_too_long_for_the_system_is_one_clear_error(
    tmp_path: Path, field: str
) -> None:
    """Found by the fuzz suite: ENAMETOOLONG was a traceback."""
    from click.testing import CliRunner

    from visits.cli import main

    name = "é" * 5000
    doc = (
        {"base": name, "changes": []}
        if field == "base"
        else {"name": "w", "catalog": name, "horizon": {"start": "2026-11-23"}}
    )
    path = tmp_path / "in.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "in.yaml" in result.output
    assert "not found" in result.output
