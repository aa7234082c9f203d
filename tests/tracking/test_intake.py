"""`visits intake`: each catalog rule, duplicates, the JSON export, bad input.

Every case runs on SQLite and on PostgreSQL (``db_url``); each rule is
checked both ways (just broken: refused naming the rule; just kept:
accepted) so that removing the rule fails the test.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.paths import CATALOG, MEDELLIN
from tests.tracking.conftest import portal_row, write_catalog, write_portal_csv
from tracking.intake import (
    ACCEPTED,
    REFUSED,
    WAITLISTED,
    IntakeResult,
    record_intake,
)
from tracking.migrate import upgrade
from tracking.models import CatalogVersion, RequestRow
from tracking.session import session_scope
from visits.cli import main

NOW = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)
SAMPLE = MEDELLIN / "portal" / "requests-2026-W49.csv"


def intake(
    engine: Engine, path: Path, catalog: Path, now: dt.datetime = NOW
) -> IntakeResult:
    """One intake run, committed, as the CLI does it."""
    upgrade(engine)
    with session_scope(engine) as session:
        return record_intake(session, path, now, catalog_path=catalog)


def stored(engine: Engine) -> dict[str, RequestRow]:
    """The requests recorded, by their row in the file."""
    with Session(engine) as session:
        rows = session.scalars(select(RequestRow).order_by(RequestRow.id))
        return {f"{Path(r.file).name} {r.line}": r for r in rows}


def counts(engine: Engine) -> tuple[int, int]:
    """(requests, catalog versions) recorded."""
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(RequestRow)) or 0,
            session.scalar(select(func.count()).select_from(CatalogVersion))
            or 0,
        )


def by_delegation(result: IntakeResult) -> dict[str, tuple[str, str]]:
    return {d.delegation: (d.status, d.rule) for d in result.decisions}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


# --- the rules -------------------------------------------------------------


def test_min_lead_days_refuses_one_day_short_and_accepts_exactly(
    engine: Engine, tmp_path: Path
) -> None:
    catalog = write_catalog(tmp_path, min_lead_days=21)
    csv_file = write_portal_csv(
        tmp_path / "p.csv",
        [
            # Monday 2026-11-30: 20 days after 11-10, 21 after 11-09.
            portal_row(
                "short",
                "2026-11-30T07:00",
                "2026-12-01T18:00",
                submitted="2026-11-10",
            ),
            portal_row(
                "exact",
                "2026-11-30T07:00",
                "2026-12-01T18:00",
                submitted="2026-11-09",
            ),
        ],
    )
    decided = by_delegation(intake(engine, csv_file, catalog))
    status, rule = decided["short"]
    assert status == REFUSED
    assert rule.startswith("min_lead_days")
    assert "20 day(s)" in rule and "21" in rule
    assert decided["exact"] == (ACCEPTED, "")
    rows = stored(engine)
    assert rows["p.csv row 2"].status == REFUSED
    assert rows["p.csv row 2"].rule == rule
    assert rows["p.csv row 3"].status == ACCEPTED
    assert rows["p.csv row 3"].rule == ""


def test_weekdays_only_refuses_a_weekend_stay_not_friday_to_saturday(
    engine: Engine, tmp_path: Path
) -> None:
    catalog = write_catalog(tmp_path, weekdays_only=True)
    csv_file = write_portal_csv(
        tmp_path / "p.csv",
        [
            portal_row("weekend", "2026-12-05T07:00", "2026-12-06T17:00"),
            portal_row("friday", "2026-12-04T07:00", "2026-12-05T17:00"),
        ],
    )
    decided = by_delegation(intake(engine, csv_file, catalog))
    status, rule = decided["weekend"]
    assert status == REFUSED
    assert rule.startswith("weekdays_only") and "weekend" in rule
    assert decided["friday"] == (ACCEPTED, "")
    rows = stored(engine)
    assert [r.status for r in rows.values()] == [REFUSED, ACCEPTED]


def test_min_and_max_stay_days(engine: Engine, tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path, min_stay_days=2, max_stay_days=3)
    csv_file = write_portal_csv(
        tmp_path / "p.csv",
        [
            portal_row("one-day", "2026-11-30T07:00", "2026-11-30T18:00"),
            portal_row("two-days", "2026-12-01T07:00", "2026-12-02T18:00"),
            portal_row("three-days", "2026-12-01T07:00", "2026-12-03T18:00"),
            portal_row("four-days", "2026-11-30T07:00", "2026-12-03T18:00"),
        ],
    )
    decided = by_delegation(intake(engine, csv_file, catalog))
    status, rule = decided["one-day"]
    assert status == REFUSED
    assert rule.startswith("min_stay_days") and "1 day(s)" in rule
    assert "at least 2" in rule
    status, rule = decided["four-days"]
    assert status == REFUSED
    assert rule.startswith("max_stay_days") and "4 days" in rule
    assert "at most 3" in rule
    assert decided["two-days"] == (ACCEPTED, "")
    assert decided["three-days"] == (ACCEPTED, "")
    statuses = {r.delegation["id"]: r.status for r in stored(engine).values()}
    assert statuses == {
        "one-day": REFUSED,
        "two-days": ACCEPTED,
        "three-days": ACCEPTED,
        "four-days": REFUSED,
    }


def test_topic_repeat_months_across_files(
    engine: Engine, tmp_path: Path
) -> None:
    catalog = write_catalog(tmp_path, topic_repeat_months=12)
    first = write_portal_csv(
        tmp_path / "2025.csv",
        [
            portal_row(
                "a-2025",
                "2025-12-01T07:00",
                "2025-12-02T18:00",
                organization="Alcaldía de Quito",
                submitted="2025-10-01",
            ),
        ],
    )
    assert by_delegation(intake(engine, first, catalog)) == {
        "a-2025": (ACCEPTED, "")
    }
    second = write_portal_csv(
        tmp_path / "2026.csv",
        [
            # same organization (other case and spacing), same topic,
            # one day short of 12 months after 2025-12-01
            portal_row(
                "a-within",
                "2026-11-30T07:00",
                "2026-11-30T18:00",
                organization="  alcaldía  de QUITO ",
            ),
            # exactly 12 months later
            portal_row(
                "a-after",
                "2026-12-01T07:00",
                "2026-12-02T18:00",
                organization="Alcaldía de Quito",
            ),
            # another organization, same topic, same week
            portal_row(
                "b-other",
                "2026-11-30T07:00",
                "2026-12-01T18:00",
                organization="Alcaldía de Lima",
            ),
        ],
    )
    decided = by_delegation(intake(engine, second, catalog))
    status, rule = decided["a-within"]
    assert status == REFUSED
    assert rule.startswith("topic_repeat_months")
    assert "topic:mobility" in rule and "2025-12-01" in rule
    assert decided["a-after"] == (ACCEPTED, "")
    assert decided["b-other"] == (ACCEPTED, "")
    rows = stored(engine)
    assert rows["2026.csv row 2"].status == REFUSED
    assert rows["2026.csv row 2"].rule == rule
    assert len(rows) == 4


def test_topic_repeat_months_is_about_the_same_topic(
    engine: Engine, tmp_path: Path
) -> None:
    catalog = write_catalog(tmp_path, topic_repeat_months=12)
    csv_file = write_portal_csv(
        tmp_path / "p.csv",
        [
            portal_row(
                "first",
                "2026-11-02T07:00",
                "2026-11-03T18:00",
                organization="Org X",
            ),
            portal_row(
                "other-topic",
                "2026-11-30T07:00",
                "2026-12-01T18:00",
                organization="Org X",
                requests="topic:innovation",
            ),
            portal_row(
                "same-topic",
                "2026-12-07T07:00",
                "2026-12-08T18:00",
                organization="Org X",
            ),
        ],
    )
    decided = by_delegation(intake(engine, csv_file, catalog))
    assert decided["first"] == (ACCEPTED, "")
    assert decided["other-topic"] == (ACCEPTED, "")
    assert decided["same-topic"][0] == REFUSED


def test_max_delegations_per_week_waitlists_the_next_one(
    engine: Engine, tmp_path: Path
) -> None:
    catalog = write_catalog(tmp_path, max_delegations_per_week=2)
    csv_file = write_portal_csv(
        tmp_path / "p.csv",
        [
            portal_row("w49-a", "2026-11-30T07:00", "2026-12-01T18:00"),
            portal_row("w49-b", "2026-12-01T07:00", "2026-12-02T18:00"),
            portal_row("w49-c", "2026-12-02T07:00", "2026-12-03T18:00"),
            portal_row("w50-a", "2026-12-07T07:00", "2026-12-08T18:00"),
        ],
    )
    result = intake(engine, csv_file, catalog)
    decided = by_delegation(result)
    assert decided["w49-a"] == (ACCEPTED, "")
    assert decided["w49-b"] == (ACCEPTED, "")
    status, rule = decided["w49-c"]
    assert status == WAITLISTED
    assert rule.startswith("max_delegations_per_week")
    assert "2 delegations" in rule and "2026-W49" in rule
    assert decided["w50-a"] == (ACCEPTED, "")
    assert result.count(WAITLISTED) == 1
    rows = stored(engine)
    assert rows["p.csv row 4"].status == WAITLISTED
    assert rows["p.csv row 4"].week == "2026-W49"
    assert rows["p.csv row 5"].week == "2026-W50"


def test_a_wish_the_catalog_cannot_serve_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    catalog = write_catalog(tmp_path)
    csv_file = write_portal_csv(
        tmp_path / "p.csv",
        [
            portal_row(
                "no-site",
                "2026-11-30T07:00",
                "2026-12-01T18:00",
                requests="site:ruta-n;site:atlantis",
            ),
            portal_row(
                "no-topic",
                "2026-11-30T07:00",
                "2026-12-01T18:00",
                requests="topic:astrology",
            ),
            portal_row(
                "served",
                "2026-11-30T07:00",
                "2026-12-01T18:00",
                requests="site:ruta-n;topic:mobility",
            ),
        ],
    )
    decided = by_delegation(intake(engine, csv_file, catalog))
    status, rule = decided["no-site"]
    assert status == REFUSED
    assert rule.startswith("catalog") and '"atlantis"' in rule
    status, rule = decided["no-topic"]
    assert status == REFUSED
    assert rule.startswith("catalog") and '"astrology"' in rule
    assert decided["served"] == (ACCEPTED, "")
    rows = stored(engine)
    assert rows["p.csv row 2"].wishes == ["site:ruta-n", "site:atlantis"]
    assert [r.status for r in rows.values()] == [REFUSED, REFUSED, ACCEPTED]


def test_the_cli_prints_each_decision_and_the_rule(
    db_url: str, tmp_path: Path
) -> None:
    catalog = write_catalog(tmp_path, min_lead_days=21)
    csv_file = write_portal_csv(
        tmp_path / "p.csv",
        [
            portal_row(
                "late",
                "2026-11-30T07:00",
                "2026-12-01T18:00",
                submitted="2026-11-20",
            )
        ],
    )
    result = invoke(
        "intake", str(csv_file), "--db", db_url, "--catalog", str(catalog)
    )
    assert result.exit_code == 0, result.output
    assert "refused" in result.output and "min_lead_days" in result.output
    assert "1 recorded: 0 accepted, 0 waitlisted, 1 refused" in result.output


# --- duplicates ------------------------------------------------------------


def test_a_submission_sent_twice_in_one_file_is_recorded_once(
    engine: Engine, tmp_path: Path
) -> None:
    catalog = write_catalog(tmp_path)
    csv_file = write_portal_csv(
        tmp_path / "p.csv",
        [
            portal_row(
                "first",
                "2026-11-30T07:00",
                "2026-12-01T18:00",
                organization="Ciudad de Panamá",
            ),
            portal_row(
                "other",
                "2026-11-30T07:00",
                "2026-12-02T18:00",
                organization="Ciudad de Panamá",
            ),
            portal_row(
                "again",
                "2026-11-30T09:00",
                "2026-12-01T12:00",
                organization=" CIUDAD  de   panamá ",
            ),
        ],
    )
    result = intake(engine, csv_file, catalog)
    assert [d.delegation for d in result.decisions] == ["first", "other"]
    assert len(result.duplicates) == 1
    dup = result.duplicates[0]
    assert dup.line == "row 4"
    assert dup.first == f"{csv_file} row 2"
    assert list(stored(engine)) == ["p.csv row 2", "p.csv row 3"]


def test_intake_twice_on_one_file_records_nothing_the_second_time(
    engine: Engine, tmp_path: Path
) -> None:
    catalog = write_catalog(tmp_path, min_lead_days=21)
    csv_file = write_portal_csv(
        tmp_path / "p.csv",
        [
            portal_row("a", "2026-11-30T07:00", "2026-12-01T18:00"),
            portal_row(
                "b",
                "2026-12-01T07:00",
                "2026-12-02T18:00",
                submitted="2026-11-25",
            ),
        ],
    )
    first = intake(engine, csv_file, catalog)
    before = counts(engine)
    assert len(first.decisions) == 2 and before == (2, 1)
    again = intake(engine, csv_file, catalog, NOW + dt.timedelta(days=1))
    assert again.decisions == []
    assert [d.first for d in again.duplicates] == [
        f"{csv_file} row 2",
        f"{csv_file} row 3",
    ]
    assert counts(engine) == before


def test_the_sample_w49_export_gives_six_recorded_one_duplicate(
    db_url: str, engine: Engine
) -> None:
    result = invoke(
        "intake", str(SAMPLE), "--db", db_url, "--catalog", str(CATALOG)
    )
    assert result.exit_code == 0, result.output
    assert "6 recorded: 4 accepted, 0 waitlisted, 2 refused; 1 duplicate" in (
        result.output
    )
    rows = stored(engine)
    assert len(rows) == 6
    assert rows["requests-2026-W49.csv row 6"].rule.startswith("min_lead_days")
    assert rows["requests-2026-W49.csv row 7"].rule.startswith("weekdays_only")
    # the last row repeats the first: reported, not recorded
    assert "requests-2026-W49.csv row 8" not in rows
    assert "duplicate" in result.output
    # a second run without --catalog uses the one recorded: nothing new
    again = invoke("intake", str(SAMPLE), "--db", db_url)
    assert again.exit_code == 0, again.output
    assert "0 recorded" in again.output and "7 duplicate(s)" in again.output
    assert len(stored(engine)) == 6


# --- the JSON export -------------------------------------------------------


def sample_as_json(path: Path) -> Path:
    """The W49 sample as the portal's JSON export (typed where natural)."""
    records: list[dict[str, Any]] = []
    with SAMPLE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            record: dict[str, Any] = {k: v for k, v in row.items() if v}
            record["size"] = int(record["size"])
            record["languages"] = record["languages"].split(";")
            record["lodging_lat"] = float(record["lodging_lat"])
            records.append(record)
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_json_export_gives_the_csv_decisions(
    engine: Engine, tmp_path: Path
) -> None:
    upgrade(engine)
    json_file = sample_as_json(tmp_path / "requests.json")
    decisions = {}
    for path in (SAMPLE, json_file):
        with Session(engine) as session:
            result = record_intake(session, path, NOW, catalog_path=CATALOG)
            session.rollback()
        decisions[path.suffix] = (
            [(d.delegation, d.status, d.rule) for d in result.decisions],
            [d.delegation for d in result.duplicates],
            result.source,
        )
    csv_decisions, csv_dups, _ = decisions[".csv"]
    assert len(csv_decisions) == 6 and csv_dups == ["br-recife"]
    assert decisions[".json"][:2] == decisions[".csv"][:2]
    assert decisions[".json"][2] == "portal-json"
    assert counts(engine) == (0, 0)


def test_the_json_export_is_stored_with_its_source(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    json_file = sample_as_json(tmp_path / "requests.json")
    result = invoke(
        "intake", str(json_file), "--db", db_url, "--catalog", str(CATALOG)
    )
    assert result.exit_code == 0, result.output
    rows = stored(engine)
    assert len(rows) == 6
    assert {r.source for r in rows.values()} == {"portal-json"}
    assert rows["requests.json [0]"].languages == ["pt", "es"]
    assert rows["requests.json [0]"].size == 7


def one_request(**changes: Any) -> list[dict[str, Any]]:
    record: dict[str, Any] = {
        "id": "pe-lima",
        "name": "Municipalidad de Lima",
        "country": "PE",
        "size": 4,
        "languages": "es",
        "arrival": "2026-11-30T07:00",
        "departure": "2026-12-01T18:00",
        "lodging_lat": 6.21,
        "lodging_lon": -75.57,
        "requests": "topic:mobility",
        "submitted": "2026-10-01",
    }
    record.update(changes)
    return [record]


BAD_JSON = {
    "unknown field": (one_request(colour="red"), "[0]", "colour"),
    "bad submitted date": (
        one_request(submitted="last tuesday"),
        "[0].submitted",
        "last tuesday",
    ),
    "not a list": (one_request()[0], "", "list of requests"),
    "yes/no neither": (
        one_request(accessible_only="maybe"),
        "[0].accessible_only",
        '"maybe" is not yes or no',
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_JSON))
def test_bad_json_exits_2_naming_file_and_field_db_unchanged(
    case: str, db_url: str, engine: Engine, tmp_path: Path
) -> None:
    good = invoke(
        "intake", str(SAMPLE), "--db", db_url, "--catalog", str(CATALOG)
    )
    assert good.exit_code == 0, good.output
    before = counts(engine)
    data, field, words = BAD_JSON[case]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    other_catalog = write_catalog(tmp_path, min_lead_days=1)
    result = invoke(
        "intake", str(bad), "--db", db_url, "--catalog", str(other_catalog)
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [
        ln for ln in result.output.splitlines() if ln.startswith("error")
    ]
    assert len(errors) == 1, result.output
    assert errors[0].startswith(f"error: {bad}: {field}".rstrip())
    assert words in errors[0]
    # nothing recorded, not even the new catalog version
    assert counts(engine) == before


def test_a_yes_no_cell_that_is_neither_in_the_csv(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "id,name,country,size,languages,arrival,departure,lodging_lat,"
        "lodging_lon,requests,accessible_only\n"
        "pe-lima,Lima,PE,4,es,2026-11-30T07:00,2026-12-01T18:00,6.21,"
        "-75.57,topic:mobility,perhaps\n",
        encoding="utf-8",
    )
    result = invoke(
        "intake", str(path), "--db", db_url, "--catalog", str(CATALOG)
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{path}: row 2.accessible_only" in result.output
    assert counts(engine) == (0, 0)


def test_a_wrong_extension_exits_2(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    path = write_portal_csv(
        tmp_path / "p.txt",
        [portal_row("a", "2026-11-30T07:00", "2026-12-01T18:00")],
    )
    result = invoke(
        "intake", str(path), "--db", db_url, "--catalog", str(CATALOG)
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"error: {path}: " in result.output and ".csv or .json" in (
        result.output
    )
    assert counts(engine) == (0, 0)


def test_no_catalog_given_and_none_recorded_exits_2(
    db_url: str, engine: Engine
) -> None:
    result = invoke("intake", str(SAMPLE), "--db", db_url)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "error: --catalog" in result.output
    assert "--catalog instances/medellin/catalog.yaml" in result.output
    assert counts(engine) == (0, 0)
