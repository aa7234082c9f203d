"""iCalendar exports read back with icalendar AND vobject (two parsers).

The sample week (tests/exports_sample.py): 7 visits of 3 delegations, 2
days, one self-guided site. Every property SPEC and issue 4 list is
checked on every event, and local times against the schedule's.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar, Event

from exports import write_all
from exports.agenda import delegation_days, lunch_minute
from exports.ical import UID_DOMAIN, write_ical
from scheduler.model import (
    Horizon,
    Instance,
    Schedule,
    SolverInfo,
    TravelEntry,
    TravelSettings,
    Visit,
    visit_id,
)
from scheduler.travel import TravelTimes
from tests.exports_sample import STAMP, sample_instance
from tests.factories import (
    at,
    make_catalog,
    make_delegation,
    make_instance,
    make_site,
)
from tests.paths import GOLDEN

BOGOTA = "America/Bogota"


@pytest.fixture(scope="module")
def out(
    sample: tuple[Instance, Schedule], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    instance, schedule = sample
    folder = tmp_path_factory.mktemp("out")
    write_ical(schedule, instance, folder, lang=None, stamp=STAMP)
    return folder


def read(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def events(cal: Calendar) -> list[Event]:
    return list(cal.walk("VEVENT"))


def test_one_file_per_presenter_department_and_delegation(out: Path) -> None:
    names = {
        str(p.relative_to(out / "ics")) for p in (out / "ics").rglob("*.ics")
    }
    assert names == {
        "presenters/ana.ics",
        "presenters/carla.ics",
        "presenters/luis.ics",  # jardin is self-guided: no presenter file
        "departments/metro.ics",
        "departments/rutan.ics",
        "departments/parks.ics",
        "delegations/d-boston.ics",
        "delegations/d-lima.ics",
        "delegations/d-lyon.ics",
    }


def test_every_file_parses_with_both_parsers(out: Path) -> None:
    for path in (out / "ics").rglob("*.ics"):
        cal = read(path)
        parsed = vobject.readOne(path.read_text(encoding="utf-8"))
        assert len(parsed.vevent_list) == len(events(cal)) > 0
        assert str(cal["VERSION"]) == "2.0"
        assert str(cal["CALSCALE"]) == "GREGORIAN"
        assert "visits" in str(cal["PRODID"])
        zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
        assert zones == [BOGOTA]
        assert parsed.vtimezone.tzid.value == BOGOTA


def test_presenter_invite_has_every_itip_property(
    sample: tuple[Instance, Schedule], out: Path
) -> None:
    instance, schedule = sample
    cal = read(out / "ics/presenters/ana.ics")
    assert str(cal["METHOD"]) == "REQUEST"
    ana = [v for v in schedule.visits if v.presenter == "ana"]
    got = {str(e["UID"]): e for e in events(cal)}
    assert set(got) == {f"{v.id}@{UID_DOMAIN}" for v in ana}
    for visit in ana:
        event = got[f"{visit.id}@{UID_DOMAIN}"]
        site = instance.catalog.site(visit.site)
        delegation = instance.delegation(visit.delegation)
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTAMP") == STAMP
        assert event["DTSTART"].params["TZID"] == BOGOTA
        assert event["DTEND"].params["TZID"] == BOGOTA
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start == visit.start and end == visit.end
        assert start.utcoffset() == dt.timedelta(hours=-5)
        assert (start.hour, start.minute) == (
            visit.start.hour,
            visit.start.minute,
        )
        organizer = event["ORGANIZER"]
        assert str(organizer) == "mailto:visitas@acimedellin.org"
        assert organizer.params["CN"] == "ACI Medellín"
        attendee = event["ATTENDEE"]
        assert str(attendee) == "mailto:ana@example.org"
        assert dict(attendee.params) == {
            "CN": "Presenter ana",
            "CUTYPE": "INDIVIDUAL",
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "NEEDS-ACTION",
            "RSVP": "TRUE",
        }
        summary = str(event["SUMMARY"])
        assert delegation.name in summary and site.name in summary
        assert str(event["LOCATION"]) == site.address
        geo = event["GEO"]
        assert (geo.latitude, geo.longitude) == (
            site.location.lat,
            site.location.lon,
        )
        text = str(event["DESCRIPTION"])
        assert f"{delegation.size} personas" in text
        assert ", ".join(delegation.languages) in text
        assert "Metrocable Línea K" in text  # what it is for: site request
    # the English delegation's contact and the French one's languages
    boston = got[f"d-boston--metrocable-k@{UID_DOMAIN}"]
    assert "Contacto: boston@example.org" in str(boston["DESCRIPTION"])
    lyon = got[f"d-lyon--metrocable-k@{UID_DOMAIN}"]
    assert "Idiomas: fr, en" in str(lyon["DESCRIPTION"])


def test_second_parser_reads_the_same_invites(
    sample: tuple[Instance, Schedule], out: Path
) -> None:
    _, schedule = sample
    by_uid = {f"{v.id}@{UID_DOMAIN}": v for v in schedule.visits}
    for path in (out / "ics/presenters").glob("*.ics"):
        cal = vobject.readOne(path.read_text(encoding="utf-8"))
        assert cal.method.value == "REQUEST"
        for event in cal.vevent_list:
            visit = by_uid[event.uid.value]
            assert event.dtstart.value == visit.start
            assert event.dtend.value == visit.end
            # vobject resolves TZID to the file's VTIMEZONE
            tzid = vobject.icalendar.TimezoneComponent.pickTzid
            assert tzid(event.dtstart.value.tzinfo) == BOGOTA
            assert tzid(event.dtend.value.tzinfo) == BOGOTA
            local = event.dtstart.value
            assert local.strftime("%H:%M") == visit.start.strftime("%H:%M")
            assert event.sequence.value == "0"
            assert event.dtstamp.value == STAMP
            assert event.organizer.params["CN"] == ["ACI Medellín"]
            assert (
                event.attendee.value == f"mailto:{visit.presenter}@example.org"
            )
            assert event.attendee.params["RSVP"] == ["TRUE"]
            assert event.attendee.params["PARTSTAT"] == ["NEEDS-ACTION"]
            assert event.attendee.params["ROLE"] == ["REQ-PARTICIPANT"]
            assert event.geo.value.count(";") == 1
            assert event.location.value


def test_department_file_holds_every_hosted_visit(
    sample: tuple[Instance, Schedule], out: Path
) -> None:
    instance, schedule = sample
    for department in instance.catalog.departments:
        hosted = {
            s.id
            for s in instance.catalog.sites
            if s.department == department.id
        }
        expected = {
            f"{v.id}@{UID_DOMAIN}" for v in schedule.visits if v.site in hosted
        }
        cal = read(out / f"ics/departments/{department.id}.ics")
        assert str(cal["METHOD"]) == "REQUEST"
        got = events(cal)
        assert {str(e["UID"]) for e in got} == expected
        for event in got:
            attendees = event["ATTENDEE"]
            attendees = (
                attendees if isinstance(attendees, list) else [attendees]
            )
            emails = [str(a) for a in attendees]
            assert emails[0] == f"mailto:{department.email}"
            assert attendees[0].params["CUTYPE"] == "GROUP"
            visit = next(
                v
                for v in schedule.visits
                if f"{v.id}@{UID_DOMAIN}" == event["UID"]
            )
            if visit.presenter is None:
                assert emails == [f"mailto:{department.email}"]
                assert "visita autoguiada" in str(event["DESCRIPTION"])
            else:
                assert emails[1] == f"mailto:{visit.presenter}@example.org"


def test_locked_visit_says_it_was_fixed_by_hand(out: Path) -> None:
    cal = read(out / "ics/departments/parks.ics")
    lyon = next(
        e for e in events(cal) if str(e["UID"]).startswith("d-lyon--jardin")
    )
    assert "visita fijada por la coordinación" in str(lyon["DESCRIPTION"])


def test_delegation_agenda_has_visits_transfers_and_lunch(
    sample: tuple[Instance, Schedule], out: Path
) -> None:
    instance, schedule = sample
    for delegation in instance.delegations:
        cal = read(out / f"ics/delegations/{delegation.id}.ics")
        assert str(cal["METHOD"]) == "PUBLISH"
        got = events(cal)
        assert all("ATTENDEE" not in e for e in got)  # PUBLISH: no attendees
        assert all("ORGANIZER" in e for e in got)
        visits = schedule.visits_of(delegation.id)
        uids = {str(e["UID"]): e for e in got}
        for visit in visits:
            event = uids[f"visit.{visit.id}@{UID_DOMAIN}"]
            assert event.decoded("DTSTART") == visit.start
            assert event.decoded("DTEND") == visit.end
            transfer = uids[f"transfer.{visit.id}@{UID_DOMAIN}"]
            assert transfer.decoded("DTEND") == visit.start
            assert transfer.decoded("DTSTART") == visit.start - dt.timedelta(
                minutes=visit.travel_minutes_before
            )
        days = {v.start.date() for v in visits}
        lunches = [e for e in got if str(e["UID"]).startswith("lunch.")]
        assert {e.decoded("DTSTART").date() for e in lunches} == days
        assert len(lunches) == len(days)
        busy = [
            (e.decoded("DTSTART"), e.decoded("DTEND"))
            for e in got
            if not str(e["UID"]).startswith("lunch.")
        ]
        for lunch in lunches:
            start, end = lunch.decoded("DTSTART"), lunch.decoded("DTEND")
            assert end - start == dt.timedelta(minutes=60)
            assert dt.time(12, 0) <= start.time() and end.time() <= dt.time(
                14, 0
            )
            assert all(end <= a or b <= start for a, b in busy)


def test_lyon_lunch_waits_for_the_trip_back_to_the_hotel(out: Path) -> None:
    """Tue: Metrocable 10:00-11:30, 37 min back to the lodging: lunch at
    11:30 + 0:37 = 12:07, rounded up to 12:10 (12:10-13:10 fits 12-14)."""
    instance = sample_instance()
    site = instance.catalog.site("metrocable-k")
    lyon = instance.delegation("d-lyon")
    home = TravelTimes(instance.catalog.travel).minutes(
        site.id, site.location, "lodging:d-lyon", lyon.lodging
    )
    assert home == 37
    cal = read(out / "ics/delegations/d-lyon.ics")
    lunch = next(
        e
        for e in events(cal)
        if str(e["UID"]) == f"lunch.d-lyon.20261124@{UID_DOMAIN}"
    )
    assert lunch.decoded("DTSTART") == at("12:10", day=1)
    assert lunch.decoded("DTEND") == at("13:10", day=1)


def test_languages_follow_the_audience(out: Path) -> None:
    def summaries(path: str) -> set[str]:
        return {str(e["SUMMARY"]) for e in events(read(out / path))}

    assert "Almuerzo" in summaries("ics/delegations/d-lima.ics")  # es
    assert "Lunch" in summaries("ics/delegations/d-boston.ics")  # en
    assert "Lunch" in summaries("ics/delegations/d-lyon.ics")  # fr, en -> en
    assert all(
        s.startswith("Visita: ") for s in summaries("ics/presenters/carla.ics")
    )
    assert all(
        s.startswith("Visita: ")
        for s in summaries("ics/departments/metro.ics")
    )


def test_lang_overrides_every_file(
    sample: tuple[Instance, Schedule], tmp_path: Path
) -> None:
    instance, schedule = sample
    write_ical(schedule, instance, tmp_path, lang="en", stamp=STAMP)
    lima = {
        str(e["SUMMARY"])
        for e in events(read(tmp_path / "ics/delegations/d-lima.ics"))
    }
    assert "Lunch" in lima and "Almuerzo" not in lima
    metro = read(tmp_path / "ics/departments/metro.ics")
    assert all(str(e["SUMMARY"]).startswith("Visit: ") for e in events(metro))
    write_ical(schedule, instance, tmp_path, lang="es", stamp=STAMP)
    boston = {
        str(e["SUMMARY"])
        for e in events(read(tmp_path / "ics/delegations/d-boston.ics"))
    }
    assert "Almuerzo" in boston


def test_uid_is_stable_when_the_visit_moves(
    sample: tuple[Instance, Schedule], tmp_path: Path
) -> None:
    instance, schedule = sample
    moved = [
        v.model_copy(
            update={
                "start": v.start + dt.timedelta(hours=1),
                "end": v.end + dt.timedelta(hours=1),
            }
        )
        if v.id == "d-lima--metrocable-k"
        else v
        for v in schedule.visits
    ]
    write_ical(
        schedule.model_copy(update={"visits": moved}),
        instance,
        tmp_path,
        lang=None,
        stamp=STAMP,
        sequences={"d-lima--metrocable-k": 1},
    )
    event = next(
        e
        for e in events(read(tmp_path / "ics/presenters/luis.ics"))
        if str(e["UID"]) == f"d-lima--metrocable-k@{UID_DOMAIN}"
    )
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == at("10:00", day=1)


def test_transfer_moves_before_a_lunch_taken_at_the_next_site() -> None:
    """s1 10:00-11:00, s2 13:00-14:00, 20 min apart, lunch 12-14 (60 min).
    Lunch then transfer would end 13:20 > 13:00, so the transfer leaves at
    11:00 (11:00-11:20) and lunch is 12:00-13:00 near s2."""
    catalog = make_catalog(
        sites=[
            make_site("s1", location={"lat": 6.25, "lon": -75.57}),
            make_site("s2", location={"lat": 6.27, "lon": -75.56}),
        ],
        travel=TravelSettings(
            buffer_minutes=0,
            matrix=[
                TravelEntry.model_validate(
                    {"from": "s1", "to": "s2", "minutes": 20}
                )
            ],
        ),
    )
    delegation = make_delegation(requests=[{"site": "s1"}, {"site": "s2"}])
    instance = make_instance(catalog=catalog, delegations=[delegation])
    visits = [
        Visit(
            id=visit_id("d1", "s1"),
            delegation="d1",
            site="s1",
            presenter="p1",
            start=at("10:00"),
            end=at("11:00"),
            request=0,
        ),
        Visit(
            id=visit_id("d1", "s2"),
            delegation="d1",
            site="s2",
            presenter="p1",
            start=at("13:00"),
            end=at("14:00"),
            request=1,
            travel_minutes_before=20,
        ),
    ]
    schedule = Schedule(
        instance="test",
        solver=SolverInfo(name="hand", status="FEASIBLE"),
        visits=visits,
    )
    (items,) = delegation_days(schedule, instance, "d1").values()
    assert [(i.kind, i.start, i.end) for i in items] == [
        ("visit", at("10:00"), at("11:00")),
        ("transfer", at("11:00"), at("11:20")),
        ("lunch", at("12:00"), at("13:00")),
        ("visit", at("13:00"), at("14:00")),
    ]


# window, minutes, visits (start, end, travel before), travel home -> lunch
LUNCH_CASES = [
    # after the only visit: 10:30 + 20 < 12:00, lunch at the window start
    ((720, 840), 60, [(540, 630, 30)], 20, 720),
    # 13:00-14:00 visit with 15 min transfer leaves 12:00-12:45: no lunch
    ((720, 840), 60, [(780, 840, 15)], 15, None),
    # before the only visit: 12:00-13:00, then 30 min transfer to 15:00
    ((720, 840), 60, [(900, 960, 30)], 0, 720),
    # gap 11:00-13:00 with 20 min transfer: lunch 12:00-13:00 after it
    ((720, 840), 60, [(600, 660, 10), (780, 840, 20)], 0, 720),
    # after 11:30 + 37 min = 12:07, rounded up to 12:10
    ((720, 840), 60, [(540, 690, 0)], 37, 730),
    # 12:07 rounded to 12:10 would end 13:10 > 13:08: the exact 12:07
    ((720, 788), 60, [(540, 690, 0)], 37, 727),
    # visits 12:00-13:00 and 13:00-14:00 fill the window
    ((720, 840), 30, [(720, 780, 0), (780, 840, 0)], 0, None),
]


@pytest.mark.parametrize(
    ("window", "minutes", "visits", "home", "expected"), LUNCH_CASES
)
def test_lunch_minute(
    window: tuple[int, int],
    minutes: int,
    visits: list[tuple[int, int, int]],
    home: int,
    expected: int | None,
) -> None:
    assert lunch_minute(window, minutes, visits, home) == expected


@pytest.mark.parametrize(
    "name", ["presenters/ana.ics", "delegations/d-lima.ics"]
)
def test_golden(out: Path, name: str) -> None:
    """Byte-for-byte against a reviewed file (DTSTAMP fixed by STAMP).

    Regenerate after an intended change with UPDATE_GOLDEN=1 and review
    the diff.
    """
    got = (out / "ics" / name).read_text(encoding="utf-8")
    golden = GOLDEN / name.replace("/", "-")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(got, encoding="utf-8", newline="")
    assert got == golden.read_text(encoding="utf-8")


def test_write_all_is_pure_given_the_stamp(
    sample: tuple[Instance, Schedule], tmp_path: Path
) -> None:
    instance, schedule = sample
    first = write_all(schedule, instance, tmp_path / "a", stamp=STAMP)
    second = write_all(schedule, instance, tmp_path / "b", stamp=STAMP)
    for a, b in zip(first, second, strict=True):
        if a.suffix != ".xlsx":  # xlsx zips carry their own save time
            assert a.read_bytes() == b.read_bytes(), a.name


def test_a_zone_with_daylight_saving_keeps_local_times(tmp_path: Path) -> None:
    """Europe/Madrid leaves summer time on Sunday 2026-10-25: a Friday
    visit at 10:00 is UTC+2, the Monday one at 10:00 is UTC+1; both
    parsers must read 10:00 local and the right instants."""
    madrid = ZoneInfo("Europe/Madrid")
    friday, monday = dt.date(2026, 10, 23), dt.date(2026, 10, 26)
    catalog = make_catalog(
        sites=[make_site("s1"), make_site("s2")]
    ).model_copy(update={"timezone": "Europe/Madrid"})
    delegation = make_delegation(
        arrival=dt.datetime.combine(friday, dt.time(7)),
        departure=dt.datetime.combine(monday, dt.time(20)),
    )
    instance = make_instance(catalog=catalog, delegations=[delegation])
    instance = instance.model_copy(
        update={"horizon": Horizon(start=friday, days=4)}
    )
    starts = [
        dt.datetime.combine(day, dt.time(10), tzinfo=madrid)
        for day in (friday, monday)
    ]
    visits = [
        Visit(
            id=visit_id("d1", f"s{i}"),
            delegation="d1",
            site=f"s{i}",
            presenter="p1",
            start=start,
            end=start + dt.timedelta(hours=1),
            request=0,
        )
        for i, start in enumerate(starts, start=1)
    ]
    schedule = Schedule(
        instance="test",
        solver=SolverInfo(name="hand", status="FEASIBLE"),
        visits=visits,
    )
    write_ical(schedule, instance, tmp_path, lang=None, stamp=STAMP)
    path = tmp_path / "ics/presenters/p1.ics"
    cal = read(path)
    (zone,) = cal.walk("VTIMEZONE")
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    got = sorted(e.decoded("DTSTART") for e in events(cal))
    assert got == starts
    assert [g.utcoffset() for g in got] == [
        dt.timedelta(hours=2),
        dt.timedelta(hours=1),
    ]
    other = vobject.readOne(path.read_text(encoding="utf-8"))
    read_back = sorted(e.dtstart.value for e in other.vevent_list)
    assert read_back == starts
    assert [(t.hour, t.utcoffset()) for t in read_back] == [
        (10, dt.timedelta(hours=2)),
        (10, dt.timedelta(hours=1)),
    ]
