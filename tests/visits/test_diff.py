"""`visits diff` on two real plan folders: words and CSV."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.loading import load_schedule
from tests.paths import WEEKS
from visits.cli import main


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A greedy plan of the sample week, and a hand edit of it: the first
    visit 15 minutes later, the last one gone."""
    root = tmp_path_factory.mktemp("diff")
    first = root / "first"
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(WEEKS / "example.yaml"),
            "--out",
            str(first),
            "--solver",
            "greedy",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    second = root / "second"
    shutil.copytree(first, second)
    data = json.loads((second / "schedule.json").read_text())
    visit = data["visits"][0]
    visit["start"] = (
        visit["start"].replace(":00:00", ":15:00").replace(":30:00", ":45:00")
    )
    data["visits"].pop()
    (second / "schedule.json").write_text(json.dumps(data))
    return first, second


def test_diff_tells_what_changed_in_words(plans: tuple[Path, Path]) -> None:
    first, second = plans
    before = load_schedule(first / "schedule.json")
    result = CliRunner().invoke(main, ["diff", str(first), str(second)])
    assert result.exit_code == 0, result.output
    assert f"{len(before.visits) - 2} kept" in result.output
    assert "1 cancelled" in result.output
    gone = before.visits[-1]
    assert f"{gone.delegation} at {gone.site}: cancelled" in result.output


def test_diff_writes_a_row_per_visit(
    plans: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = plans
    table = tmp_path / "changes.csv"
    result = CliRunner().invoke(
        main, ["diff", str(first), str(second), "--csv", str(table)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(table.open()))
    before = load_schedule(first / "schedule.json")
    assert len(rows) == len(before.visits)
    kinds = {r["visit"]: r["kind"] for r in rows}
    assert kinds[before.visits[-1].id] == "cancelled"
    again = CliRunner().invoke(
        main, ["diff", str(first), str(second), "--csv", str(table)]
    )
    assert again.exit_code == 2
    assert "already exists" in again.output


def test_diff_of_a_folder_that_is_no_plan(
    plans: tuple[Path, Path], tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main, ["diff", str(plans[0]), str(tmp_path / "nowhere")]
    )
    assert result.exit_code == 2
    assert "nowhere" in result.output
