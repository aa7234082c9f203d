"""`visits replan` end to end on the sample week: what changed, and why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from icalendar import Calendar, Event, vCalAddress

from scheduler.check import violations
from scheduler.loading import load_schedule
from scheduler.model import Schedule
from tests.paths import CATALOG, WEEKS
from visits.cli import main
from whatif.scenario import load_instance

FAST = ["--time-limit", "5", "--workers", "2", "--quiet"]


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample week planned and 'sent out'."""
    out = tmp_path_factory.mktemp("published") / "plan"
    result = run(
        "plan",
        str(WEEKS / "example.yaml"),
        "--out",
        str(out),
        *FAST,
        "--deterministic",
    )
    assert result.exit_code == 0, result.output
    return out


def changed_week(
    folder: Path,
    *,
    drop: str | None = None,
    close: tuple[str, str] | None = None,
    add: dict[str, Any] | None = None,
) -> Path:
    """A copy of the sample week with a delegation gone, a site closed on
    a day, or a delegation added."""
    week = yaml.safe_load((WEEKS / "example.yaml").read_text())
    catalog = yaml.safe_load(CATALOG.read_text())
    if drop is not None:
        week["delegations"] = [
            d for d in week["delegations"] if d["id"] != drop
        ]
    if close is not None:
        site, day = close
        for s in catalog["sites"]:
            if s["id"] == site:
                s.setdefault("closed", []).append(day)
    if add is not None:
        week["delegations"].append(add)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalog.yaml").write_text(yaml.safe_dump(catalog))
    week["catalog"] = "catalog.yaml"
    path = folder / "week.yaml"
    path.write_text(yaml.safe_dump(week, sort_keys=False))
    return path


def replan(
    week: Path, previous: Path, out: Path, *more: str, solver: str = "cpsat"
) -> tuple[Any, Schedule, dict[str, Any]]:
    result = run(
        "replan",
        str(week),
        "--previous",
        str(previous),
        "--out",
        str(out),
        "--solver",
        solver,
        *FAST,
        *more,
    )
    assert result.exit_code == 0, result.output
    schedule = load_schedule(out / "schedule.json")
    assert violations(load_instance(week), schedule) == []
    record = json.loads((out / "replan.json").read_text())
    return result, schedule, record


def kinds(record: dict[str, Any]) -> dict[str, str]:
    return {c["visit"]: c["kind"] for c in record["changes"]}


@pytest.mark.parametrize("solver", ["cpsat", "greedy"])
def test_a_delegation_that_leaves_is_cancelled_and_nothing_else_moves(
    published: Path, tmp_path: Path, solver: str
) -> None:
    week = changed_week(tmp_path / "in", drop="kr-seoul")
    before = load_schedule(published / "schedule.json")
    result, _, record = replan(
        week, published, tmp_path / "out", solver=solver
    )
    seoul = {v.id for v in before.visits if v.delegation == "kr-seoul"}
    assert seoul
    assert kinds(record) == dict.fromkeys(seoul, "cancelled")
    assert record["counts"]["kept"] == len(before.visits) - len(seoul)
    reasons = {c["reason"] for c in record["changes"]}
    assert reasons == {"delegation kr-seoul left"}
    assert "delegation kr-seoul left" in result.output
    out = tmp_path / "out"
    ledger = json.loads((out / "ledger.json").read_text())
    assert ledger["revision"] == 1
    assert {
        k for k, e in ledger["visits"].items() if e["status"] == "cancelled"
    } == seoul
    index = json.loads((out / "changes" / "index.json").read_text())
    assert {v for m in index["messages"] for v in m["visits"]} == seoul
    # the presenters and departments hear of it; the delegation that
    # cancelled is no longer in the week, so it gets no agenda
    assert {m["method"] for m in index["messages"]} == {"CANCEL"}
    assert {m["recipient"]["kind"] for m in index["messages"]} == {
        "presenter",
        "department",
    }


def test_a_site_closed_on_a_day_moves_only_its_visit(
    published: Path, tmp_path: Path
) -> None:
    before = load_schedule(published / "schedule.json")
    visit = before.visits[0]
    day = f"{visit.start:%Y-%m-%d}"
    week = changed_week(tmp_path / "in", close=(visit.site, day))
    _, after, record = replan(week, published, tmp_path / "out")
    changed = kinds(record)
    assert changed.get(visit.id) in ("moved", "cancelled")
    assert len(changed) <= 2
    (why,) = [c["reason"] for c in record["changes"] if c["visit"] == visit.id]
    assert "closed" in why
    moved = {v.id: v for v in after.visits}.get(visit.id)
    assert moved is None or f"{moved.start:%Y-%m-%d}" != day


def test_a_declined_invite_changes_that_visit_only(
    published: Path, tmp_path: Path
) -> None:
    before = load_schedule(published / "schedule.json")
    visit = next(v for v in before.visits if v.presenter is not None)
    previous = tmp_path / "previous"
    previous.mkdir()
    shutil.copytree(published, previous, dirs_exist_ok=True)
    answer = Calendar()
    answer.add("prodid", "-//presenter//mail//EN")
    answer.add("version", "2.0")
    answer.add("method", "REPLY")
    event = Event()
    event.add("uid", f"{visit.id}@visits.aci-medellin")
    event.add("sequence", 0)
    who = vCalAddress("mailto:presenter@example.org")
    who.params["PARTSTAT"] = "DECLINED"
    event.add("attendee", who)
    answer.add_component(event)
    reply = tmp_path / "reply.ics"
    reply.write_bytes(answer.to_ical())
    recorded = run("replies", str(previous), str(reply))
    assert recorded.exit_code == 0, recorded.output
    _, after, record = replan(WEEKS / "example.yaml", previous, tmp_path / "o")
    assert set(kinds(record)) == {visit.id}
    (change,) = record["changes"]
    assert change["reason"] == f"presenter {visit.presenter} declined"
    new = {v.id: v for v in after.visits}.get(visit.id)
    if new is not None:
        assert (new.presenter, new.start) != (visit.presenter, visit.start)


def test_max_changes_zero_only_adds(published: Path, tmp_path: Path) -> None:
    week = yaml.safe_load((WEEKS / "example.yaml").read_text())
    newcomer = dict(week["delegations"][0])
    newcomer.update(id="mx-cdmx", name="CDMX", country="MX", email="")
    newcomer["requests"] = [
        {k: v for k, v in r.items() if k != "required"}
        for r in newcomer["requests"]
    ]
    path = changed_week(tmp_path / "in", add=newcomer)
    _, after, record = replan(
        path, published, tmp_path / "out", "--max-changes", "0"
    )
    assert set(kinds(record).values()) <= {"added"}
    assert any(v.delegation == "mx-cdmx" for v in after.visits)
    assert record["max_changes"] == 0


def test_replan_refuses_to_write_over_the_previous_plan(
    published: Path,
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "replan",
            str(WEEKS / "example.yaml"),
            "--previous",
            str(published),
            "--out",
            str(published),
            "--force",
        ],
    )
    assert result.exit_code == 2
    assert "previous plan" in result.output
    assert (published / "schedule.json").is_file()


def test_replan_without_a_previous_plan_is_one_clear_error(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "replan",
            str(WEEKS / "example.yaml"),
            "--previous",
            str(tmp_path / "nowhere"),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 2
    assert "nowhere" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_plan_past_max_changes_is_not_written(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The solver made to ignore the published visits (a plan from
    scratch): the command notices the plan moves more than allowed."""
    from scheduler.compile import compile_instance
    from visits import planning

    monkeypatch.setattr(
        planning,
        "compile_replan",
        lambda instance, fitting, bound: compile_instance(instance),
    )
    before = load_schedule(published / "schedule.json")
    result = CliRunner().invoke(
        main,
        [
            "replan",
            str(WEEKS / "example.yaml"),
            "--previous",
            str(published),
            "--out",
            str(tmp_path / "out"),
            "--solver",
            "greedy",
            "--quiet",
            "--max-changes",
            "0",
        ],
    )
    fresh = run(
        "plan",
        str(WEEKS / "example.yaml"),
        "--solver",
        "greedy",
        "--quiet",
        "--out",
        str(tmp_path / "fresh"),
    )
    assert fresh.exit_code == 0
    after = load_schedule(tmp_path / "fresh" / "schedule.json")
    assert {(v.id, v.start, v.presenter) for v in after.visits} != {
        (v.id, v.start, v.presenter) for v in before.visits
    }
    assert result.exit_code == 1, result.output
    assert "at most 0 published visit(s)" in result.output
    assert not (tmp_path / "out").exists()
