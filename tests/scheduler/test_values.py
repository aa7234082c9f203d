"""Values Python would take and the model must not, and files the readers
must refuse: each is a valid base with one change, refused with the file,
the field and what to write instead (never a traceback, never the later of
two keys silently winning).
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from scheduler import documents
from scheduler.errors import InputError
from scheduler.loading import load_schedule
from tests.scheduler.test_loading import (
    BASE_CATALOG,
    BASE_WEEK,
    assert_problem,
    problems_of,
    set_path,
    write_instance,
)
from visits.cli import main

VALUES = [
    # YAML reads `size: yes` as a boolean, which Python takes as 1
    ("week", "delegations[0].size", True, "yes/no value, not a number"),
    ("week", "delegations[0].priority", True, "yes/no value"),
    ("week", "delegations[0].requests[0].weight", False, "yes/no value"),
    ("catalog", "vehicles[0].seats", True, "yes/no value"),
    ("catalog", "sites[0].capacity", True, "yes/no value"),
    # `country: NO` is the boolean false in YAML
    ("week", "delegations[0].country", False, "put the text in quotes"),
    # hours as numbers: [8, 17] would read as minutes 8 to 17
    ("week", "delegations[0].day_window", [8, 17], "in quotes"),
    ("catalog", "sites[0].opening_hours.mon[0]", [480, 1020], "in quotes"),
    # infinity and NaN (`.inf`, `.nan` in YAML)
    ("catalog", "travel.detour_factor", math.inf, "finite number"),
    ("catalog", "travel.speed_kmh", math.nan, "finite number"),
    ("week", "delegations[0].lodging.lat", math.nan, "finite number"),
    # numbers past anything real
    ("catalog", "sites[0].capacity", 10**30, "less than or equal to"),
    ("catalog", "travel.detour_factor", 1e30, "less than or equal to"),
    ("catalog", "vehicles[0].count", 10**9, "less than or equal to"),
    ("catalog", "presenters[0].max_visits_per_day", 10**6, "less than"),
    # ids become file names: a file name holds 255 bytes
    ("catalog", "presenters[0].id", "p" * 300, "at most 64 characters"),
    ("week", "delegations[0].id", "d" * 65, "at most 64 characters"),
    # dates far away overflow date arithmetic
    ("week", "horizon.start", "3000-01-06", "out of range"),
    ("week", "delegations[0].arrival", "0001-01-01T08:00", "out of range"),
]


@pytest.mark.parametrize(
    ("document", "field", "value", "text"),
    VALUES,
    ids=[f"{row[0]}:{row[1]}={str(row[2])[:12]}" for row in VALUES],
)
def test_value_is_refused_with_its_field(
    tmp_path: Path, document: str, field: str, value: Any, text: str
) -> None:
    catalog, week = copy.deepcopy(BASE_CATALOG), copy.deepcopy(BASE_WEEK)
    catalog.setdefault("travel", {})
    set_path(catalog if document == "catalog" else week, field, value)
    path = write_instance(tmp_path, catalog, week)
    file = tmp_path / f"{document}.yaml"
    assert_problem(problems_of(path), file, field, text)


@pytest.mark.parametrize(
    ("document", "kind", "first", "second"),
    [
        ("catalog", "presenters", "ana", "Ana"),
        ("catalog", "departments", "metro", "METRO"),
        ("week", "delegations", "d1", "D1"),
    ],
)
def test_ids_differing_only_in_capitals_are_duplicates(
    tmp_path: Path, document: str, kind: str, first: str, second: str
) -> None:
    """``ana.ics`` and ``Ana.ics`` are one file on Windows and macOS."""
    catalog, week = copy.deepcopy(BASE_CATALOG), copy.deepcopy(BASE_WEEK)
    doc = catalog if document == "catalog" else week
    twin = copy.deepcopy(doc[kind][0])
    twin["id"] = second
    doc[kind].append(twin)
    path = write_instance(tmp_path, catalog, week)
    index = len(doc[kind]) - 1
    assert_problem(
        problems_of(path),
        tmp_path / f"{document}.yaml",
        f"{kind}[{index}].id",
        f'duplicate id "{second}"' if kind != "delegations" else "duplicate",
    )


# --- the readers -----------------------------------------------------------


def _week_text(**replace: str) -> str:
    text = yaml.safe_dump(BASE_WEEK, sort_keys=False)
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _refused(path: Path) -> str:
    problems = problems_of(path)
    assert len(problems) == 1, problems
    assert problems[0].file == str(path)
    return problems[0].message


def test_a_key_written_twice_is_refused_with_both_lines(
    tmp_path: Path,
) -> None:
    path = write_instance(tmp_path)
    path.write_text(
        _week_text(**{"  size: 8\n": "  size: 8\n  size: 80\n"}),
        encoding="utf-8",
    )
    message = _refused(path)
    assert '"size" is written twice' in message
    line = path.read_text().splitlines().index("  size: 80") + 1
    assert f"line {line}" in message


def test_a_merge_key_is_not_a_duplicate(tmp_path: Path) -> None:
    path = write_instance(tmp_path)
    text = (
        _week_text(**{"horizon:\n": "horizon: &h\n"})
        + "other:\n  <<: *h\n  days: 3\n"
    )
    path.write_text(text, encoding="utf-8")
    assert problems_of(path)[0].path == "other"  # unknown field, not YAML


def test_an_impossible_date_is_refused_with_its_line(tmp_path: Path) -> None:
    path = write_instance(tmp_path)
    path.write_text(
        _week_text(**{"start: '2026-11-23'": "start: 2026-02-30"}),
        encoding="utf-8",
    )
    message = _refused(path)
    assert '"2026-02-30" is not a real date' in message
    assert "line " in message


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    path = tmp_path / "week.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "expand to more than" in _refused(path)


def test_an_alias_that_holds_itself_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "week.yaml"
    path.write_text("a: &a [*a]\n", encoding="utf-8")
    assert "refers to the value that holds it" in _refused(path)


@pytest.mark.parametrize("name", ["week.yaml", "week.json"])
def test_deep_nesting_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "nested too deeply" in _refused(path)


def test_a_file_past_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_instance(tmp_path)
    monkeypatch.setattr(documents, "MAX_BYTES", path.stat().st_size - 1)
    assert "bytes, more than the" in _refused(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"instance": "x", "instance": "y"}', '"instance" is written twice'),
        ('{"instance": NaN}', "NaN is not a number"),
        ('{"instance": Infinity}', "Infinity is not a number"),
    ],
)
def test_json_the_standard_refuses(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "schedule.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_schedule(path)
    assert message in str(info.value)


# --- saved schedules -------------------------------------------------------

VISIT = {
    "id": "d1--cable",
    "delegation": "d1",
    "site": "cable",
    "presenter": "ana",
    "start": "2026-11-23T09:00:00-05:00",
    "end": "2026-11-23T10:30:00-05:00",
    "request": 0,
}


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        # without its offset a time is ambiguous across zones
        ("start", "2026-11-23T09:00:00", "timezone"),
        ("end", "2026-11-23T08:00:00-05:00", "before it starts"),
        ("start", "10000-01-01T09:00:00-05:00", "datetime"),
        ("request", -1, "greater than or equal to 0"),
        ("request", True, "yes/no value"),
        ("travel_minutes_before", 10**9, "less than or equal to"),
    ],
)
def test_bad_visit_in_a_schedule_names_its_field(
    tmp_path: Path, field: str, value: Any, text: str
) -> None:
    visit = {**VISIT, field: value}
    path = tmp_path / "schedule.json"
    path.write_text(
        json.dumps(
            {
                "instance": "x",
                "solver": {"name": "greedy", "status": "FEASIBLE"},
                "visits": [visit],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_schedule(path)
    paths = {p.path for p in info.value.problems}
    assert any(p.startswith("visits[0]") for p in paths), paths
    assert text in str(info.value)


def test_validate_refuses_a_yes_no_number_with_exit_2(tmp_path: Path) -> None:
    week = copy.deepcopy(BASE_WEEK)
    set_path(week, "delegations[0].size", True)
    path = write_instance(tmp_path, week=week)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "delegations[0].size" in result.stderr
    assert "Traceback" not in result.output
