"""Catalogs in zones with daylight saving (docs/model.md, "Clock changes").

The model counts by the wall clock; no visit and no day out may start, end
or run in the hour a clock change skips or repeats. Here: both solvers
plan weeks around such changes that ``visits check`` accepts, with every
visit as long in real time as by the clock (in schedule.json and in the
invites); the judge draws the line where the planner does; times in files
that the clock never shows are refused with exit 2, naming the field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject
import yaml
from click.testing import CliRunner
from pydantic import ValidationError

from exports.ical import visit_uid, write_ical
from scheduler.check import violations
from scheduler.clock import ClockChange, clock_changes
from scheduler.compile import compile_instance
from scheduler.loading import load_week
from scheduler.model import (
    Horizon,
    Instance,
    LatLon,
    Schedule,
    SolverInfo,
    Visit,
    visit_id,
)
from scheduler.problem import SolveParams
from tests.factories import (
    make_catalog,
    make_delegation,
    make_presenter,
    make_site,
)
from visits.cli import main
from visits.planning import plan_week

DAY = 1440
ALL_DAY = {
    d: ["00:00-24:00"]
    for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
NIGHTS = {
    d: ["00:00-05:00", "21:00-24:00"]
    for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}

CHANGES = {
    "new-york-spring": ("America/New_York", dt.date(2026, 3, 8)),
    "new-york-fall": ("America/New_York", dt.date(2026, 11, 1)),
    "madrid-fall": ("Europe/Madrid", dt.date(2026, 10, 25)),
    "santiago-spring": ("America/Santiago", dt.date(2026, 9, 6)),
    "santiago-fall": ("America/Santiago", dt.date(2026, 4, 5)),
}
"""A change each: 02:00→03:00, 02:00→01:00, 03:00→02:00, midnight
skipped (00:00→01:00), and 24:00→23:00 the evening before."""


def night_week(
    zone: str, day: dt.date, *, hours: dict[str, list[str]] = NIGHTS
) -> Instance:
    """Eight delegations staying only the night of the change, two sites
    open then for one group at a time: more demand than hours, so a
    planner that ignores the change uses the changed hour. A presenter
    is away from 01:00 to 03:30, across the change."""
    talk = make_site("talk", opening_hours=hours)
    night = make_site("night", opening_hours=hours, presenter_required=False)
    absent = {
        "start": dt.datetime.combine(day, dt.time(1, 0)),
        "end": dt.datetime.combine(day, dt.time(3, 30)),
    }
    catalog = make_catalog(
        sites=[night, talk],
        presenters=[
            make_presenter("p1", unavailable=[absent]),
            make_presenter("p2"),
        ],
    ).model_copy(update={"timezone": zone})
    before = day - dt.timedelta(days=1)
    delegations = [
        make_delegation(
            f"d{i}",
            arrival=dt.datetime.combine(before, dt.time(20, 0)),
            departure=dt.datetime.combine(day, dt.time(6, 0)),
            day_window="00:00-24:00",
            lunch={"window": "12:00-14:00", "minutes": 0},
            requests=[{"site": "night"}, {"site": "talk"}],
        )
        for i in range(8)
    ]
    return Instance(
        name="dst",
        catalog=catalog,
        horizon=Horizon(start=before, days=3),
        delegations=delegations,
    )


def changes_of(instance: Instance) -> tuple[ClockChange, ...]:
    h = instance.horizon
    return clock_changes(instance.catalog.zone, h.start, h.days)


def as_written(schedule: Schedule) -> Schedule:
    """The schedule as ``visits check`` reads it back from schedule.json."""
    return Schedule.model_validate_json(schedule.model_dump_json())


def real_minutes(start: dt.datetime, end: dt.datetime) -> float:
    """Elapsed minutes (aware datetimes of one zone subtract by the wall
    clock in Python, so through UTC)."""
    elapsed = end.astimezone(dt.UTC) - start.astimezone(dt.UTC)
    return elapsed.total_seconds() / 60


def shown_once(zone: ZoneInfo, t: dt.datetime) -> bool:
    """The wall clock shows ``t``'s local time, and only once."""
    local = t.astimezone(zone).replace(tzinfo=None)
    first, second = (
        local.replace(tzinfo=zone),
        local.replace(tzinfo=zone, fold=1),
    )
    return first.utcoffset() == second.utcoffset()


@pytest.mark.parametrize("solver", ["greedy", "cpsat"])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_solver_plans_around_the_change_and_check_agrees(
    change: str, solver: str
) -> None:
    instance = night_week(*CHANGES[change])
    (hour,) = changes_of(instance)
    result = plan_week(instance, solver, SolveParams(time_limit=3, workers=1))
    schedule = as_written(result.schedule)
    assert violations(instance, schedule) == []
    sites = {s.id: s for s in instance.catalog.sites}
    for v in schedule.visits:
        assert real_minutes(v.start, v.end) == sites[v.site].visit_minutes
    # the night is used right up to the changed hour, never inside it
    minutes = [instance.minute(v.start) for v in schedule.visits]
    assert any(hour.start - 180 <= m < hour.end + 180 for m in minutes)


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_check_draws_the_line_where_the_planner_does(change: str) -> None:
    """Every start on the grid around the change: the planner may place
    a visit there exactly when the judge accepts it there, and exactly
    when it lasts as long in real time as by the clock."""
    zone, day = CHANGES[change]
    instance = night_week(zone, day, hours=ALL_DAY)
    (hour,) = changes_of(instance)
    site = instance.catalog.site("night")
    length = site.visit_minutes
    (open_ranges,) = [
        s.open for s in compile_instance(instance).sites if s.name == "night"
    ]
    planner, judge, steady = set(), set(), set()
    slot = instance.horizon.slot_minutes
    for start in range(hour.start - 120, hour.end + 90, slot):
        end = start + length
        if any(lo <= start and end <= hi for lo, hi in open_ranges):
            planner.add(start)
        first, last = instance.at(start), instance.at(end)
        zone_info = instance.catalog.zone
        if (
            start % DAY + length <= DAY
            and real_minutes(first, last) == length
            and all(
                shown_once(zone_info, t.astimezone(dt.UTC))
                and instance.minute(t.astimezone(dt.UTC)) == m
                for t, m in ((first, start), (last, end))
            )
        ):
            steady.add(start)
        visit = {
            "id": visit_id("d0", "night"),
            "delegation": "d0",
            "site": "night",
            "start": first.isoformat(),
            "end": last.isoformat(),
            "request": 0,
            "vehicle_pool": "van",
        }
        try:
            schedule = Schedule.model_validate(
                {
                    "instance": "dst",
                    "solver": {"name": "hand", "status": "FEASIBLE"},
                    "visits": [visit],
                }
            )
        except ValidationError:
            continue
        if violations(instance, schedule) == []:
            judge.add(start)
    assert planner == judge == steady
    assert steady and len(steady) < len(
        range(hour.start - 120, hour.end + 90, slot)
    )


def test_check_refuses_the_second_of_two_equal_times() -> None:
    """On the fall-back night 01:15 happens twice; the model is the wall
    clock and reads 01:15 as the first, so a visit written at the second
    (-05:00) is refused, and the same visit at the first is accepted."""
    zone, day = CHANGES["new-york-fall"]
    instance = night_week(zone, day, hours=ALL_DAY)
    ny = ZoneInfo(zone)

    def at(hhmm: str, offset: int) -> dt.datetime:
        h, m = map(int, hhmm.split(":"))
        moment = dt.datetime.combine(
            day, dt.time(h, m), tzinfo=dt.timezone(dt.timedelta(hours=offset))
        )
        return moment.astimezone(ny)

    def one(start: dt.datetime, end: dt.datetime) -> Schedule:
        visit = Visit(
            id=visit_id("d0", "night"),
            delegation="d0",
            site="night",
            start=start,
            end=end,
            request=0,
            vehicle_pool="van",
        )
        return Schedule(
            instance="dst",
            solver=SolverInfo(name="hand", status="FEASIBLE"),
            visits=[visit],
        )

    assert violations(instance, one(at("02:00", -5), at("03:00", -5))) == []
    found = violations(instance, one(at("01:15", -5), at("02:15", -5)))
    assert [v.rule for v in found] == [1, 2]
    assert "01:15 on Sun 2026-11-01 happens twice" in found[0].detail


def test_a_day_out_keeps_clear_of_the_change() -> None:
    """Leaving the lodging in the skipped hour is refused by the judge,
    and the planner leaves after it: a visit at 03:00 with 5 minutes of
    travel would leave at 02:55, a time New York never shows."""
    zone, day = CHANGES["new-york-spring"]
    base = night_week(zone, day, hours={"sun": ["03:00-05:00"]})
    far = base.delegations[0].model_copy(
        update={"lodging": LatLon(lat=6.26, lon=-75.57)}
    )
    instance = base.model_copy(update={"delegations": [far]})
    result = plan_week(instance, "greedy", SolveParams())
    (planned,) = [v for v in result.schedule.visits if v.site == "night"]
    assert planned.travel_minutes_before > 0
    three = dt.datetime.combine(day, dt.time(3, 0), tzinfo=ZoneInfo(zone))
    lead = planned.travel_minutes_before
    assert planned.start - dt.timedelta(minutes=lead) >= three
    assert violations(instance, as_written(result.schedule)) == []
    early = planned.model_copy(
        update={"start": three, "end": three + dt.timedelta(hours=1)}
    )
    found = violations(
        instance,
        result.schedule.model_copy(update={"visits": [early]}),
    )
    assert [v.rule for v in found] == [2]
    assert "02:" in found[0].detail and "does not exist" in found[0].detail


def test_invites_carry_the_planned_instants_and_lengths(
    tmp_path: Path,
) -> None:
    """DTSTART/DTEND with TZID, read back through the file's own
    VTIMEZONE (vobject), are the schedule's instants, an hour apart, in
    every department's calendar."""
    for change in ("new-york-spring", "new-york-fall"):
        instance = night_week(*CHANGES[change])
        schedule = plan_week(instance, "greedy", SolveParams()).schedule
        out = tmp_path / change
        stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        write_ical(schedule, instance, out, lang=None, stamp=stamp)
        by_uid = {visit_uid(v): v for v in schedule.visits}
        seen = 0
        for path in (out / "ics" / "departments").glob("*.ics"):
            cal = vobject.readOne(path.read_text(encoding="utf-8"))
            for event in cal.vevent_list:
                visit = by_uid[event.uid.value]
                seen += 1
                start, end = event.dtstart.value, event.dtend.value
                assert (start, end) == (visit.start, visit.end)
                assert real_minutes(start, end) == 60
        assert seen == len(schedule.visits)


# --- times written in files ---------------------------------------------


def write_week(
    tmp_path: Path,
    *,
    arrival: str = "2026-03-07T20:00",
    departure: str = "2026-03-08T20:00",
    locked: list[dict[str, Any]] | None = None,
    unavailable: list[dict[str, str]] | None = None,
) -> Path:
    catalog = {
        "timezone": "America/New_York",
        "organizer": {"name": "Office", "email": "office@example.org"},
        "departments": [{"id": "dept", "name": "Department"}],
        "sites": [
            {
                "id": "night",
                "name": "Night market",
                "location": {"lat": 40.75, "lon": -73.99},
                "department": "dept",
                "visit_minutes": 60,
                "capacity": 40,
                "opening_hours": ALL_DAY,
            }
        ],
        "presenters": [
            {
                "id": "p1",
                "name": "P1",
                "department": "dept",
                "languages": ["en"],
                "unavailable": unavailable or [],
            }
        ],
    }
    week = {
        "catalog": "catalog.yaml",
        "horizon": {"start": "2026-03-07", "days": 3},
        "delegations": [
            {
                "id": "d0",
                "name": "Delegation",
                "country": "US",
                "size": 5,
                "languages": ["en"],
                "arrival": arrival,
                "departure": departure,
                "lodging": {"lat": 40.75, "lon": -73.99},
                "requests": [{"site": "night"}],
            }
        ],
        "locked": locked or [],
    }
    (tmp_path / "catalog.yaml").write_text(yaml.safe_dump(catalog))
    path = tmp_path / "week.yaml"
    path.write_text(yaml.safe_dump(week))
    return path


def refused(path: Path, command: str = "validate") -> str:
    args = [command, str(path)]
    if command == "plan":
        args += ["--solver", "greedy", "--out", str(path.parent / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_an_arrival_the_clock_never_shows_is_refused(
    tmp_path: Path, command: str
) -> None:
    path = write_week(tmp_path, arrival="2026-03-08T02:30")
    text = refused(path, command)
    assert "week.yaml: delegations[0].arrival" in text
    assert "2026-03-08 02:30 does not exist in America/New_York" in text
    assert "2026-03-08T03:30" in text  # how to fix: the same moment


def test_a_locked_start_and_an_absence_the_clock_never_shows_are_refused(
    tmp_path: Path,
) -> None:
    lock = {"delegation": "d0", "site": "night", "start": "2026-03-08T02:15"}
    text = refused(write_week(tmp_path, locked=[lock]))
    assert "week.yaml: locked[0].start" in text and "02:15" in text
    absence = {"start": "2026-03-08T01:00", "end": "2026-03-08T02:45"}
    text = refused(write_week(tmp_path, unavailable=[absence]))
    assert "catalog.yaml: presenters[0].unavailable[0].end" in text
    assert "02:45 does not exist" in text


def test_a_locked_visit_running_into_the_change_is_refused(
    tmp_path: Path,
) -> None:
    lock = {"delegation": "d0", "site": "night", "start": "2026-03-08T01:30"}
    text = refused(write_week(tmp_path, locked=[lock]))
    assert "week.yaml: locked[0].start" in text
    assert "01:30-02:30" in text
    assert "on 2026-03-08 the clocks go from 02:00 to 03:00" in text


def test_a_repeated_time_is_the_first_unless_its_offset_says_second(
    tmp_path: Path,
) -> None:
    """Without an offset, 01:30 on the fall-back night is the first 01:30
    (fold=0, documented); written with -05:00 it is the second, which the
    wall-clock model cannot tell apart: refused."""
    first = write_week(
        tmp_path, arrival="2026-11-01T01:30", departure="2026-11-01T20:00"
    )
    week = yaml.safe_load(first.read_text())
    week["horizon"]["start"] = "2026-10-31"
    first.write_text(yaml.safe_dump(week))
    result = CliRunner().invoke(main, ["validate", str(first)])
    assert result.exit_code == 0, result.output
    arrival = load_week(first).delegations[0].arrival
    assert load_week(first).local(arrival).utcoffset() == dt.timedelta(
        hours=-4
    )

    week["delegations"][0]["arrival"] = "2026-11-01T01:30-05:00"
    week["delegations"][0]["departure"] = "2026-11-01T20:00-05:00"
    first.write_text(yaml.safe_dump(week))
    text = refused(first)
    assert "delegations[0].arrival" in text
    assert "second 01:30 of 2026-11-01" in text
