"""The ledger and ``changes/``: iTIP across re-plans (RFC 5546).

A real greedy plan of the sample week is published, then edited by hand
the way a re-plan changes it (one visit moved, one re-hosted, one
dropped), then published again, twice.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import vobject
from icalendar import Calendar

from exports import write_all
from scheduler.ledger import Ledger, deltas, load_ledger, next_ledger
from scheduler.model import Instance, Schedule
from scheduler.problem import SolveParams
from tests.paths import WEEKS
from visits.planning import plan_week
from whatif.scenario import load_instance

STAMP = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)


@cache
def week() -> tuple[Instance, Schedule]:
    instance = load_instance(WEEKS / "example.yaml")
    params = SolveParams(time_limit=5, workers=1)
    return instance, plan_week(instance, "greedy", params).schedule


def edited(
    schedule: Schedule, instance: Instance
) -> tuple[Schedule, dict[str, str]]:
    """One visit later by 15 min, one with another presenter of its
    department, one dropped; the ids of each."""
    visits = list(schedule.visits)
    moved = visits[0]
    visits[0] = moved.model_copy(
        update={
            "start": moved.start + dt.timedelta(minutes=15),
            "end": moved.end + dt.timedelta(minutes=15),
        }
    )
    k, hosted = next(
        (i, v)
        for i, v in enumerate(visits)
        if i > 0
        and v.presenter is not None
        and _colleague(instance, v.presenter)
    )
    other = _colleague(instance, hosted.presenter or "")
    visits[k] = hosted.model_copy(update={"presenter": other})
    dropped = visits.pop(-1)
    return schedule.model_copy(update={"visits": visits}), {
        "moved": moved.id,
        "presenter": hosted.id,
        "old_presenter": hosted.presenter or "",
        "new_presenter": other or "",
        "dropped": dropped.id,
        "dropped_presenter": dropped.presenter or "",
    }


def _colleague(instance: Instance, presenter: str) -> str | None:
    me = instance.catalog.presenter(presenter)
    return next(
        (
            p.id
            for p in instance.catalog.presenters
            if p.department == me.department and p.id != presenter
        ),
        None,
    )


def publish(
    schedule: Schedule,
    instance: Instance,
    folder: Path,
    previous: Ledger | None,
) -> tuple[Ledger, dict[str, Any]]:
    write_all(schedule, instance, folder, stamp=STAMP, previous=previous)
    index = json.loads((folder / "changes" / "index.json").read_text())
    return load_ledger(folder / "ledger.json"), index


def events(path: Path) -> list[Any]:
    cal = Calendar.from_ical(path.read_bytes())
    return [c for c in cal.walk("VEVENT")]


def test_a_first_plan_sends_every_invite(tmp_path: Path) -> None:
    instance, schedule = week()
    ledger, index = publish(schedule, instance, tmp_path, None)
    assert ledger.revision == 0
    assert {e.sequence for e in ledger.visits.values()} == {0}
    assert set(ledger.visits) == {v.id for v in schedule.visits}
    sent = {
        (m["recipient"]["kind"], m["recipient"]["id"], m["method"])
        for m in index["messages"]
    }
    presenters = {v.presenter for v in schedule.visits if v.presenter}
    delegations = {v.delegation for v in schedule.visits}
    assert {k for k in sent if k[0] == "presenter"} == {
        ("presenter", p, "REQUEST") for p in presenters
    }
    assert {k for k in sent if k[0] == "delegation"} == {
        ("delegation", d, "PUBLISH") for d in delegations
    }
    assert any(k[0] == "department" for k in sent)


def test_a_replan_sends_only_what_changed(tmp_path: Path) -> None:
    instance, schedule = week()
    first, _ = publish(schedule, instance, tmp_path / "r0", None)
    second_plan, ids = edited(schedule, instance)
    ledger, index = publish(second_plan, instance, tmp_path / "r1", first)
    assert ledger.revision == 1
    assert ledger.visits[ids["moved"]].sequence == 1
    assert ledger.visits[ids["presenter"]].sequence == 1
    assert ledger.visits[ids["dropped"]].status == "cancelled"
    assert ledger.visits[ids["dropped"]].sequence == 1
    changed = {ids["moved"], ids["presenter"], ids["dropped"]}
    same = {k for k, e in ledger.visits.items() if k not in changed}
    assert all(ledger.visits[k] == first.visits[k] for k in same)
    mentioned = {v for m in index["messages"] for v in m["visits"]}
    assert mentioned == changed
    for m in index["messages"]:
        for event in events(tmp_path / "r1" / "changes" / m["file"]):
            uid = str(event["UID"])
            if m["method"] == "PUBLISH":
                continue
            key = uid.split("@")[0]
            assert key in changed
            assert int(event["SEQUENCE"]) == ledger.visits[key].sequence
            if m["method"] == "CANCEL":
                assert str(event["STATUS"]) == "CANCELLED"
    by = {
        (m["recipient"]["id"], m["method"]): m["visits"]
        for m in index["messages"]
    }
    assert ids["presenter"] in by[(ids["old_presenter"], "CANCEL")]
    assert ids["presenter"] in by[(ids["new_presenter"], "REQUEST")]
    if ids["dropped_presenter"]:
        assert ids["dropped"] in by[(ids["dropped_presenter"], "CANCEL")]


def test_two_replans_keep_uids_and_cancel_once(tmp_path: Path) -> None:
    instance, schedule = week()
    first, _ = publish(schedule, instance, tmp_path / "r0", None)
    second_plan, ids = edited(schedule, instance)
    second, _ = publish(second_plan, instance, tmp_path / "r1", first)
    third_plan, more = edited(second_plan, instance)
    third, index = publish(third_plan, instance, tmp_path / "r2", second)
    assert third.revision == 2
    for key, entry in third.visits.items():
        assert entry.uid == f"{key}@visits.aci-medellin"
        earlier = [
            led.visits[key].sequence
            for led in (first, second)
            if key in led.visits
        ]
        assert all(s <= entry.sequence for s in earlier)
    cancels = [
        v
        for m in index["messages"]
        if m["method"] == "CANCEL"
        for v in m["visits"]
    ]
    assert ids["dropped"] not in cancels  # cancelled at revision 1 only
    assert more["dropped"] in cancels
    assert deltas(second, third)[ids["dropped"]] == "same"


def test_a_visit_that_comes_back_is_requested_again(tmp_path: Path) -> None:
    instance, schedule = week()
    first = next_ledger(None, schedule, instance)
    gone = schedule.model_copy(update={"visits": schedule.visits[:-1]})
    second = next_ledger(first, gone, instance)
    back = next_ledger(second, schedule, instance)
    key = schedule.visits[-1].id
    assert [led.visits[key].status for led in (first, second, back)] == [
        "active",
        "cancelled",
        "active",
    ]
    assert [led.visits[key].sequence for led in (first, second, back)] == [
        0,
        1,
        2,
    ]
    assert deltas(second, back)[key] == "added"


def test_every_change_file_reads_back_with_vobject(tmp_path: Path) -> None:
    instance, schedule = week()
    first, _ = publish(schedule, instance, tmp_path / "r0", None)
    second_plan, _ = edited(schedule, instance)
    publish(second_plan, instance, tmp_path / "r1", first)
    files = sorted((tmp_path / "r1" / "changes").rglob("*.ics"))
    assert files
    for path in files:
        cal = vobject.readOne(path.read_text(encoding="utf-8"))
        assert cal.method.value in ("REQUEST", "CANCEL", "PUBLISH")
        assert cal.contents.get("vevent")


def test_a_malformed_ledger_names_the_field(tmp_path: Path) -> None:
    from scheduler.errors import InputError

    path = tmp_path / "ledger.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "revision": -1,
                "week": "w",
                "organizer": {"name": "a", "email": "b"},
            }
        )
    )
    with pytest.raises(InputError) as caught:
        load_ledger(path)
    assert "revision" in str(caught.value)
