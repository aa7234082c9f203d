"""plan, publish, replies, replan and whatif record what they did (--db).

The cycle runs on the sample week against a real SMTP server (aiosmtpd)
and, through ``db_url``, on SQLite and on a real PostgreSQL server; the
database is read back with SQLAlchemy and compared to the folder.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import func, select

from scheduler.loading import load_schedule
from tests.paths import MEDELLIN, WEEKS
from tests.visits.test_publish import Inbox, reply
from tracking.models import PlanRow, ScenarioRun, UnservedRow, VisitRow
from tracking.session import database
from visits.cli import main
from whatif.scenario import load_instance

GREEDY = ["--solver", "greedy", "--quiet"]


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def smtp() -> Iterator[str]:
    """A real SMTP server on loopback; its HOST:PORT."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"127.0.0.1:{controller.port}"
    finally:
        controller.stop()


def rows(url: str, model: Any, *where: Any) -> list[Any]:
    with database(url) as session:
        return list(session.scalars(select(model).where(*where)))


def count(url: str, model: Any) -> int:
    with database(url) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_plan_publish_replies_replan_are_recorded(
    db_url: str, tmp_path: Path, smtp: str
) -> None:
    week = WEEKS / "example.yaml"
    first = tmp_path / "plan"
    result = run(
        "plan", str(week), "--out", str(first), "--db", db_url, *GREEDY
    )
    assert result.exit_code == 0, result.output
    assert "recorded plan" in result.output
    schedule = load_schedule(first / "schedule.json")
    ledger = json.loads((first / "ledger.json").read_text())["visits"]
    [plan] = rows(db_url, PlanRow)
    assert plan.folder == str(first.resolve())
    assert plan.solver == schedule.solver.name
    assert plan.kpis == schedule.kpis
    visits = {v.visit: v for v in rows(db_url, VisitRow)}
    assert set(visits) == {v.id for v in schedule.visits}
    for v in schedule.visits:
        row = visits[v.id]
        assert (row.site, row.presenter, row.start, row.end) == (
            v.site,
            v.presenter,
            v.start,
            v.end,
        )
        assert row.uid == ledger[v.id]["uid"]
        assert row.last_method == ""  # nothing sent yet
    unserved = rows(db_url, UnservedRow)
    assert len(unserved) == len(schedule.unserved)
    labels = {
        d.id: [r.label for r in d.requests]
        for d in load_instance(week).delegations
    }
    for u in unserved:
        assert u.wish == labels[u.delegation][u.request]

    result = run("publish", str(first), "--smtp", smtp, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "updated plan" in result.output
    assert count(db_url, PlanRow) == 1  # the same plan, updated
    sent = {v.visit: v for v in rows(db_url, VisitRow)}
    assert all(
        v.last_method == "REQUEST" for v in sent.values() if v.presenter
    )
    assert all(v.sent_at is not None for v in sent.values())
    assert {u.wish for u in rows(db_url, UnservedRow)} == {
        u.wish for u in unserved
    }  # kept across a re-record without the week

    data, key = reply(first, "DECLINED")
    answer = tmp_path / "reply.ics"
    answer.write_bytes(data)
    result = run("replies", str(first), str(answer), "--db", db_url)
    assert result.exit_code == 0, result.output
    [declined] = rows(db_url, VisitRow, VisitRow.visit == key)
    assert declined.reply == "DECLINED"

    second = tmp_path / "plan-2"
    result = run(
        "replan",
        str(week),
        "--previous",
        str(first),
        "--out",
        str(second),
        "--db",
        db_url,
        *GREEDY,
    )
    assert result.exit_code == 0, result.output
    plans = rows(db_url, PlanRow)
    assert len(plans) == 2
    newer = next(p for p in plans if p.folder == str(second.resolve()))
    assert newer.revision == 1
    assert newer.previous == str(first)
    moved = json.loads((second / "ledger.json").read_text())["visits"][key]
    [again] = rows(
        db_url,
        VisitRow,
        VisitRow.plan_id == newer.id,
        VisitRow.uid == moved["uid"],
    )
    assert again.sequence == moved["sequence"]
    assert again.status == moved["status"]


def test_nothing_is_recorded_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISITS_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "plan"
    result = run(
        "plan", str(WEEKS / "example.yaml"), "--out", str(out), *GREEDY
    )
    assert result.exit_code == 0, result.output
    assert "tracking database" not in result.output
    assert not (tmp_path / "visits.db").exists()


def test_visits_db_in_the_environment_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = str(tmp_path / "agency.db")
    monkeypatch.setenv("VISITS_DB", url)
    out = tmp_path / "plan"
    result = run(
        "plan", str(WEEKS / "example.yaml"), "--out", str(out), *GREEDY
    )
    assert result.exit_code == 0, result.output
    assert count(url, PlanRow) == 1


def test_a_database_that_is_down_never_costs_the_plan(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there
    url = f"postgresql://visits@127.0.0.1:{port}/visits"
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(WEEKS / "example.yaml"),
            "--out",
            str(out),
            "--db",
            url,
            *GREEDY,
        ],
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "cannot open the database" in result.output
    assert f"visits db record {out}" in result.output
    assert (out / "schedule.json").is_file()


def test_whatif_records_each_scenario_run(db_url: str, tmp_path: Path) -> None:
    scenario = MEDELLIN / "scenarios" / "changes-after-invites.yaml"
    base = WEEKS / "normal.yaml"
    out = tmp_path / "whatif"
    result = run(
        "whatif",
        str(base),
        str(scenario),
        "--out",
        str(out),
        "--db",
        db_url,
        *GREEDY,
    )
    assert result.exit_code == 0, result.output
    runs = rows(db_url, ScenarioRun)
    assert len(runs) == 2  # the base and the scenario
    assert {r.folder for r in runs} == {str(out)}
    assert all(r.kpis for r in runs)


def test_db_record_twice_keeps_one_plan(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert (
        run(
            "plan", str(WEEKS / "example.yaml"), "--out", str(out), *GREEDY
        ).exit_code
        == 0
    )
    for verb in ("recorded", "updated"):
        result = run("db", "record", str(out), "--db", db_url)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(verb)
    assert count(db_url, PlanRow) == 1
    assert count(db_url, VisitRow) == len(
        load_schedule(out / "schedule.json").visits
    )


def test_db_record_of_a_folder_without_a_plan_is_refused(
    db_url: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main, ["db", "record", str(tmp_path), "--db", db_url]
    )
    assert result.exit_code == 2
    assert "holds no schedule.json" in result.output
