"""`visits plan` and `visits export` write every export (issue 4, item 5).

Uses the sample week instances/medellin/weeks/example.yaml (5 delegations)
and the greedy solver (well under a second).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from scheduler.model import Schedule
from tests.paths import WEEKS
from visits.cli import main

EXAMPLE = WEEKS / "example.yaml"
pytestmark = pytest.mark.skipif(
    not EXAMPLE.is_file(), reason="the example week is not written yet"
)


def exported(folder: Path) -> set[str]:
    return {
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(EXAMPLE),
            "--out",
            str(out),
            "--solver",
            "greedy",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_plan_writes_every_export(planned: Path) -> None:
    files = exported(planned)
    assert {
        "schedule.json",
        "schedule.csv",
        "schedule.xlsx",
        "report.html",
    } <= files
    schedule = Schedule.model_validate_json(
        (planned / "schedule.json").read_text(encoding="utf-8")
    )
    for visit in schedule.visits:
        assert f"ics/delegations/{visit.delegation}.ics" in files
        if visit.presenter:
            assert f"ics/presenters/{visit.presenter}.ics" in files
    assert any(name.startswith("ics/departments/") for name in files)


def test_export_regenerates_the_same_files(
    planned: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "export",
            str(EXAMPLE),
            str(planned / "schedule.json"),
            "--out",
            str(tmp_path),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output

    def outputs(folder: Path) -> set[str]:
        return {f for f in exported(folder) if not f.startswith("changes/")}

    assert outputs(tmp_path) == outputs(planned)
    # Exported beside its ledger, an unchanged schedule has nothing to send.
    index = json.loads((tmp_path / "changes/index.json").read_text())
    assert index["messages"] == []
    assert json.loads((tmp_path / "ledger.json").read_text())["revision"] == 1
    assert (tmp_path / "schedule.json").read_text(encoding="utf-8") == (
        planned / "schedule.json"
    ).read_text(encoding="utf-8")
    some = next((tmp_path / "ics/departments").glob("*.ics"))
    event = next(iter(Calendar.from_ical(some.read_bytes()).walk("VEVENT")))
    assert str(event["SUMMARY"]).startswith("Visit: ")  # --lang en


def test_export_of_a_schedule_from_another_week_fails_clearly(
    planned: Path, tmp_path: Path
) -> None:
    data = json.loads((planned / "schedule.json").read_text(encoding="utf-8"))
    data["visits"][0]["site"] = "no-such-site"
    stray = tmp_path / "stray.json"
    stray.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["export", str(EXAMPLE), str(stray), "--out", str(tmp_path / "out")],
    )
    assert result.exit_code == 2
    assert 'unknown site "no-such-site"' in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stray.json"]


def broken(planned: Path, tmp_path: Path, how: str) -> Path:
    """The planned schedule, hand-edited to break one hard rule."""
    data = json.loads((planned / "schedule.json").read_text(encoding="utf-8"))
    first = data["visits"][0]
    if how == "twice":
        data["visits"].append({**first, "id": first["id"] + "-again"})
    else:  # a visit at 03:00, outside every opening hour
        day = first["start"][:10]
        zone = first["start"][19:]
        first["start"] = f"{day}T03:00:00{zone}"
        first["end"] = f"{day}T04:00:00{zone}"
    path = tmp_path / f"{how}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("how", ["twice", "at-night"])
def test_export_refuses_a_schedule_that_breaks_a_hard_rule(
    planned: Path, tmp_path: Path, how: str
) -> None:
    schedule = broken(planned, tmp_path, how)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["export", str(EXAMPLE), str(schedule), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "hard rule" in result.output and "--allow-invalid" in result.output
    assert "rule " in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_allow_invalid_exports_and_still_lists_the_broken_rules(
    planned: Path, tmp_path: Path
) -> None:
    schedule = broken(planned, tmp_path, "twice")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "export",
            str(EXAMPLE),
            str(schedule),
            "--out",
            str(out),
            "--allow-invalid",
        ],
    )
    assert result.exit_code == 0
    assert "warning:" in result.output and "rule " in result.output
    assert (out / "schedule.json").is_file()
