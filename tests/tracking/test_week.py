"""`visits week`: the accepted requests of one ISO week as a week file the
planner reads (validate, plan, check), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.paths import CATALOG, MEDELLIN
from tests.tracking.conftest import portal_row, write_catalog, write_portal_csv
from tracking.models import WeekRow
from visits.cli import main

SAMPLE = MEDELLIN / "portal" / "requests-2026-W49.csv"
ACCEPTED_W49 = ["br-recife", "mx-guadalajara", "br-fortaleza", "us-denver"]
"""The sample's accepted requests, by arrival (Leipzig and Valparaíso are
refused: too little notice, a weekend stay)."""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def intake(db_url: str, path: Path, catalog: Path = CATALOG) -> None:
    result = invoke(
        "intake", str(path), "--db", db_url, "--catalog", str(catalog)
    )
    assert result.exit_code == 0, result.output


def week(
    db_url: str, out: Path, *extra: str, when: str = "2026-W49"
) -> Result:
    return invoke(
        "week", "--from", db_url, "--week", when, "--out", str(out), *extra
    )


def test_the_sample_week_validates_plans_and_checks(
    db_url: str, tmp_path: Path
) -> None:
    intake(db_url, SAMPLE)
    out = tmp_path / "weeks" / "w49.yaml"
    made = week(db_url, out)
    assert made.exit_code == 0, made.output
    assert "4 delegations" in made.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert not Path(data["catalog"]).is_absolute()
    assert (out.parent / data["catalog"]).resolve() == CATALOG.resolve()
    assert data["horizon"] == {"start": "2026-11-30", "days": 5}
    assert [d["id"] for d in data["delegations"]] == ACCEPTED_W49
    assert invoke("validate", str(out)).exit_code == 0
    plan = tmp_path / "plan"
    planned = invoke(
        "plan", str(out), "--out", str(plan), "--solver", "greedy", "--quiet"
    )
    assert planned.exit_code == 0, planned.output
    schedule = json.loads((plan / "schedule.json").read_text("utf-8"))
    assert schedule["visits"], "no request served"
    served = {v["delegation"] for v in schedule["visits"]}
    assert served <= set(ACCEPTED_W49) and len(served) >= 3
    checked = invoke("check", str(out), str(plan / "schedule.json"))
    assert checked.exit_code == 0, checked.output


def test_the_week_is_recorded(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    intake(db_url, SAMPLE)
    out = tmp_path / "w49.yaml"
    assert week(db_url, out).exit_code == 0
    with Session(engine) as session:
        row = session.scalars(select(WeekRow)).one()
    assert (row.week, row.delegations) == ("2026-W49", 4)
    assert Path(row.file) == out.resolve()


def test_refused_and_waitlisted_requests_are_left_out(
    db_url: str, tmp_path: Path
) -> None:
    catalog = write_catalog(
        tmp_path, max_delegations_per_week=2, min_lead_days=21
    )
    intake(
        db_url,
        write_portal_csv(
            tmp_path / "p.csv",
            [
                portal_row("in-a", "2026-11-30T07:00", "2026-12-01T18:00"),
                portal_row(
                    "late",
                    "2026-11-30T07:00",
                    "2026-12-01T18:00",
                    submitted="2026-11-25",
                ),
                portal_row("in-b", "2026-12-01T07:00", "2026-12-02T18:00"),
                portal_row("waiting", "2026-12-02T07:00", "2026-12-03T18:00"),
                portal_row(
                    "next-week", "2026-12-07T07:00", "2026-12-08T18:00"
                ),
            ],
        ),
        catalog,
    )
    out = tmp_path / "w49.yaml"
    made = week(db_url, out)
    assert made.exit_code == 0, made.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [d["id"] for d in data["delegations"]] == ["in-a", "in-b"]
    assert data["catalog"] == "catalog.yaml"
    assert invoke("validate", str(out)).exit_code == 0


def test_a_week_with_no_accepted_request_exits_2(
    db_url: str, tmp_path: Path
) -> None:
    intake(db_url, SAMPLE)
    out = tmp_path / "w50.yaml"
    result = week(db_url, out, when="2026-W50")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "no accepted request arrives in 2026-W50" in result.output
    assert not out.exists()


def test_an_existing_out_is_kept_without_force(
    db_url: str, tmp_path: Path
) -> None:
    intake(db_url, SAMPLE)
    out = tmp_path / "w49.yaml"
    out.write_text("# my own notes\n", encoding="utf-8")
    result = week(db_url, out)
    assert result.exit_code == 2, result.output
    assert "already exists" in result.output and "--force" in result.output
    assert out.read_text(encoding="utf-8") == "# my own notes\n"
    forced = week(db_url, out, "--force")
    assert forced.exit_code == 0, forced.output
    assert "br-recife" in out.read_text(encoding="utf-8")
    kept = [p for p in tmp_path.iterdir() if ".replaced-" in p.name]
    assert [p.read_text(encoding="utf-8") for p in kept] == [
        "# my own notes\n"
    ]


@pytest.mark.parametrize("bad", ["2026-49", "2026-W54", "W49"])
def test_a_bad_week_string_exits_2(
    bad: str, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "w.yaml"
    result = week(db_url, out, when=bad)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f'error: --week: "{bad}" is not an ISO week' in result.output
    assert not out.exists()


def test_no_database_rows_means_no_week(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    result = week(db_url, tmp_path / "w.yaml")
    assert result.exit_code == 2, result.output
    assert "no accepted request" in result.output
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(WeekRow)) == 0
