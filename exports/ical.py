"""iCalendar files: invites for presenters and departments, agendas.

- ``ics/presenters/<id>.ics``: one iTIP invite (RFC 5546 METHOD:REQUEST)
  per visit the presenter gives; ORGANIZER is the catalog's organizer,
  ATTENDEE the presenter (RSVP=TRUE, PARTSTAT=NEEDS-ACTION).
- ``ics/departments/<id>.ics``: every visit to the department's sites, as
  the same invite (same UID), addressed to the department and presenter.
- ``ics/delegations/<id>.ics``: the delegation's agenda (METHOD:PUBLISH):
  its visits, the transfer before each and the daily lunch break.

Times carry ``TZID`` of the catalog's zone with its VTIMEZONE; the UID of a
visit is ``<visit id>@visits.aci-medellin``, stable for the same delegation
and site across re-plans; SEQUENCE is 0 unless a re-plan passes its own.
"""

from __future__ import annotations

import functools
import logging
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress

from exports.agenda import AgendaItem, delegation_days
from exports.i18n import Lang, delegation_lang, word

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from scheduler.model import Instance, Presenter, Schedule, Site, Visit

log = logging.getLogger(__name__)

PRODID = "-//ACI Medellin//visits//ES"
UID_DOMAIN = "visits.aci-medellin"


def visit_uid(visit: Visit) -> str:
    """The invite's UID: stable for the same delegation and site."""
    return f"{visit.id}@{UID_DOMAIN}"


def agenda_uid(kind: str, key: str) -> str:
    """UIDs of a delegation's agenda entries (its own calendar objects)."""
    return f"{kind}.{key}@{UID_DOMAIN}"


def new_calendar(method: str, name: str, instance: Instance) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", instance.catalog.timezone)
    return cal


@functools.cache
def vtimezone(zone: str, year: int) -> Timezone:
    """The VTIMEZONE of ``zone`` for ``year`` and the next.

    Shorter and exact where icalendar's default spans 1970-2038; cached
    because icalendar builds it by scanning the zone's offsets (~50 ms).
    """
    return Timezone.from_tzinfo(
        ZoneInfo(zone),
        tzid=zone,
        first_date=date(year, 1, 1),
        last_date=date(year + 2, 1, 1),
    )


def finish(cal: Calendar, instance: Instance) -> bytes:
    """Put the VTIMEZONE of the catalog's zone first, and serialize.

    Every DTSTART/DTEND written here carries that one TZID.
    """
    zone = vtimezone(instance.catalog.timezone, instance.horizon.start.year)
    cal.subcomponents.insert(0, zone)
    return bytes(cal.to_ical())


def address(name: str, email: str, **params: str) -> vCalAddress:
    """A ``mailto:`` calendar user with its common name."""
    value = vCalAddress(f"mailto:{email}")
    value.params["CN"] = name
    for key, param in params.items():
        value.params[key.upper()] = param
    return value


def attendee(name: str, email: str, cutype: str = "INDIVIDUAL") -> vCalAddress:
    return address(
        name,
        email,
        cutype=cutype,
        role="REQ-PARTICIPANT",
        partstat="NEEDS-ACTION",
        rsvp="TRUE",
    )


def purpose(instance: Instance, visit: Visit, lang: Lang) -> str:
    """What the visit is for: the request it serves, in words."""
    site = instance.catalog.site(visit.site)
    if visit.request is None:
        return word("purpose_locked", lang)
    request = instance.delegation(visit.delegation).requests[visit.request]
    if request.site is not None:
        return word("purpose_site", lang, site=site.name)
    return word("purpose_topic", lang, topic=request.topic, site=site.name)


def visit_description(
    instance: Instance,
    visit: Visit,
    lang: Lang,
    presenter: Presenter | None,
    *,
    hosts: bool = True,
) -> str:
    """Who comes, how many, in which languages, who to contact, and why.

    ``hosts=False`` (the delegation's own agenda) leaves out what the
    delegation knows about itself: why, where, who receives it.
    """
    delegation = instance.delegation(visit.delegation)
    site = instance.catalog.site(visit.site)
    department = instance.catalog.department(site.department)
    who = delegation.name
    if delegation.organization:
        who += f" ({delegation.organization})"
    lines = []
    if hosts:
        size = word("people", lang, n=delegation.size)
        lines += [
            f"{word('delegation', lang)}: {who}",
            f"{word('country', lang)}: {delegation.country}",
            f"{word('group_size', lang)}: {size}",
            f"{word('languages', lang)}: {', '.join(delegation.languages)}",
        ]
        if delegation.email:
            lines.append(f"{word('contact', lang)}: {delegation.email}")
    lines += [
        f"{word('purpose', lang)}: {purpose(instance, visit, lang)}",
        f"{word('site', lang)}: {site.name}",
        f"{word('address', lang)}: {site.address or site.name}",
        f"{word('host', lang)}: {department.name}",
        f"{word('presenter', lang)}: "
        + (presenter.name if presenter else word("self_guided", lang)),
    ]
    if visit.vehicle_pool:
        lines.append(f"{word('vehicle_pool', lang)}: {visit.vehicle_pool}")
    return "\n".join(lines)


def _place(event: Event, site: Site) -> None:
    event.add("location", site.address or site.name)
    event.add("geo", (site.location.lat, site.location.lon))


def _timed(
    event: Event,
    uid: str,
    start: dt.datetime,
    end: dt.datetime,
    stamp: dt.datetime,
    sequence: int,
) -> None:
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("sequence", sequence)


def invite_event(
    instance: Instance,
    visit: Visit,
    *,
    lang: Lang,
    stamp: dt.datetime,
    sequence: int,
    attendees: list[vCalAddress],
) -> Event:
    """The iTIP REQUEST VEVENT of one visit."""
    catalog = instance.catalog
    site = catalog.site(visit.site)
    delegation = instance.delegation(visit.delegation)
    presenter = catalog.presenter(visit.presenter) if visit.presenter else None
    event = Event()
    _timed(
        event,
        visit_uid(visit),
        instance.local(visit.start),
        instance.local(visit.end),
        stamp,
        sequence,
    )
    event.add(
        "summary",
        word(
            "visit_summary", lang, delegation=delegation.name, site=site.name
        ),
    )
    _place(event, site)
    event.add(
        "description", visit_description(instance, visit, lang, presenter)
    )
    event.add(
        "organizer", address(catalog.organizer.name, catalog.organizer.email)
    )
    for person in attendees:
        event.add("attendee", person)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def presenter_calendar(
    schedule: Schedule,
    instance: Instance,
    presenter_id: str,
    *,
    lang: Lang,
    stamp: dt.datetime,
    sequences: Mapping[str, int] | None = None,
) -> Calendar:
    """Invites for every visit the presenter gives (METHOD:REQUEST)."""
    presenter = instance.catalog.presenter(presenter_id)
    people = _people(presenter)
    return _invites(
        word("calendar_presenter", lang, name=presenter.name),
        [v for v in schedule.visits if v.presenter == presenter_id],
        instance,
        lambda _: people,
        lang=lang,
        stamp=stamp,
        sequences=sequences,
    )


def department_calendar(
    schedule: Schedule,
    instance: Instance,
    department_id: str,
    *,
    lang: Lang,
    stamp: dt.datetime,
    sequences: Mapping[str, int] | None = None,
) -> Calendar:
    """Every visit the department hosts, addressed to it and the presenter."""
    catalog = instance.catalog
    department = catalog.department(department_id)
    hosted = {s.id for s in catalog.sites if s.department == department_id}
    group = (
        [attendee(department.name, department.email, "GROUP")]
        if department.email
        else []
    )

    def people(visit: Visit) -> list[vCalAddress]:
        presenter = (
            catalog.presenter(visit.presenter) if visit.presenter else None
        )
        return group + _people(presenter)

    return _invites(
        word("calendar_department", lang, name=department.name),
        [v for v in schedule.visits if v.site in hosted],
        instance,
        people,
        lang=lang,
        stamp=stamp,
        sequences=sequences,
    )


def _invites(
    name: str,
    visits: list[Visit],
    instance: Instance,
    people: Callable[[Visit], list[vCalAddress]],
    *,
    lang: Lang,
    stamp: dt.datetime,
    sequences: Mapping[str, int] | None,
) -> Calendar:
    """A METHOD:REQUEST calendar of the visits' invites, in time order:
    presenters and departments get the same invite (same UID), addressed
    to whom ``people`` names."""
    cal = new_calendar("REQUEST", name, instance)
    for visit in _sorted(visits):
        cal.add_component(
            invite_event(
                instance,
                visit,
                lang=lang,
                stamp=stamp,
                sequence=(sequences or {}).get(visit.id, 0),
                attendees=people(visit),
            )
        )
    return cal


def delegation_calendar(
    schedule: Schedule,
    instance: Instance,
    delegation_id: str,
    *,
    lang: Lang,
    stamp: dt.datetime,
    sequences: Mapping[str, int] | None = None,
) -> Calendar:
    """The delegation's agenda (METHOD:PUBLISH): visits, transfers, lunch."""
    delegation = instance.delegation(delegation_id)
    cal = new_calendar(
        "PUBLISH",
        word("calendar_delegation", lang, name=delegation.name),
        instance,
    )
    organizer = address(
        instance.catalog.organizer.name, instance.catalog.organizer.email
    )
    days = delegation_days(schedule, instance, delegation_id)
    for day, items in days.items():
        for item in items:
            event = _agenda_event(
                instance,
                item,
                f"{delegation_id}.{day:%Y%m%d}",
                lang=lang,
                stamp=stamp,
                sequences=sequences or {},
            )
            event.add("organizer", organizer)
            cal.add_component(event)
    return cal


def _agenda_event(
    instance: Instance,
    item: AgendaItem,
    day_key: str,
    *,
    lang: Lang,
    stamp: dt.datetime,
    sequences: Mapping[str, int],
) -> Event:
    """One VEVENT of an agenda; ``day_key`` names the lunch's day."""
    event = Event()
    sequence = sequences.get(item.visit.id, 0) if item.visit else 0
    if item.kind == "visit":
        assert item.visit is not None and item.site is not None
        visit = item.visit
        presenter = (
            instance.catalog.presenter(visit.presenter)
            if visit.presenter
            else None
        )
        _timed(
            event,
            agenda_uid("visit", visit.id),
            item.start,
            item.end,
            stamp,
            sequence,
        )
        event.add("summary", word("agenda_visit", lang, site=item.site.name))
        _place(event, item.site)
        event.add(
            "description",
            visit_description(instance, visit, lang, presenter, hosts=False),
        )
    elif item.kind == "transfer":
        assert item.visit is not None and item.site is not None
        minutes = int((item.end - item.start).total_seconds() // 60)
        _timed(
            event,
            agenda_uid("transfer", item.visit.id),
            item.start,
            item.end,
            stamp,
            sequence,
        )
        event.add("summary", word("transfer_to", lang, site=item.site.name))
        origin = (
            word(
                "transfer_from_site",
                lang,
                site=item.origin.name,
                minutes=minutes,
            )
            if item.origin is not None
            else word("transfer_from_lodging", lang, minutes=minutes)
        )
        event.add("description", origin)
        event.add("location", item.site.address or item.site.name)
        event.add("transp", "OPAQUE")
    else:
        minutes = int((item.end - item.start).total_seconds() // 60)
        _timed(
            event,
            agenda_uid("lunch", day_key),
            item.start,
            item.end,
            stamp,
            0,
        )
        event.add("summary", word("lunch", lang))
        event.add("description", word("lunch_break", lang, minutes=minutes))
    return event


def _people(presenter: Presenter | None) -> list[vCalAddress]:
    """The presenter as an attendee; none without an email to write to."""
    if presenter is None:
        return []
    if not presenter.email:
        log.warning(
            "presenter %s has no email; the invite has no attendee for them",
            presenter.id,
        )
        return []
    return [attendee(presenter.name, presenter.email)]


def _sorted(visits: list[Visit]) -> list[Visit]:
    return sorted(visits, key=lambda v: (v.start, v.delegation, v.site))


def write_ical(
    schedule: Schedule,
    instance: Instance,
    out_dir: Path,
    *,
    lang: Lang | None,
    stamp: dt.datetime,
    sequences: Mapping[str, int] | None = None,
) -> list[Path]:
    """Write every .ics under ``out_dir/ics``; return their paths.

    Files exist only for presenters, departments and delegations with at
    least one visit; self-guided visits have no presenter file.
    """
    paths: list[Path] = []
    staff_lang: Lang = lang or "es"
    catalog = instance.catalog
    presenters = sorted({v.presenter for v in schedule.visits if v.presenter})
    hosted_sites = {v.site for v in schedule.visits}
    departments = sorted(
        {s.department for s in catalog.sites if s.id in hosted_sites}
    )
    delegations = sorted({v.delegation for v in schedule.visits})
    for folder, ids, build, pick in (
        ("presenters", presenters, presenter_calendar, None),
        ("departments", departments, department_calendar, None),
        ("delegations", delegations, delegation_calendar, True),
    ):
        target = out_dir / "ics" / folder
        target.mkdir(parents=True, exist_ok=True)
        for key in ids:
            chosen = (
                delegation_lang(instance.delegation(key).languages, lang)
                if pick
                else staff_lang
            )
            cal = build(
                schedule,
                instance,
                key,
                lang=chosen,
                stamp=stamp,
                sequences=sequences,
            )
            path = target / f"{key}.ics"
            path.write_bytes(finish(cal, instance))
            paths.append(path)
    return paths
