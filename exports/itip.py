"""``changes/``: only what must be sent, per recipient (iTIP, RFC 5546).

From the previous ledger and the new one (``scheduler.ledger``), each
visit is new, moved, re-hosted, cancelled or the same. The same ones are
sent to nobody. A presenter gets a REQUEST with the visits new or changed
for them and a CANCEL with those cancelled or handed to someone else; a
department the same for the visits to its sites; a delegation whose
visits changed gets its whole agenda again (PUBLISH, the same UIDs), its
cancelled visits marked STATUS:CANCELLED. ``changes/index.json`` lists
every message for ``visits publish``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from icalendar import Event

from exports.i18n import delegation_lang, word
from exports.ical import (
    _people,
    address,
    agenda_uid,
    attendee,
    delegation_calendar,
    finish,
    invite_event,
    new_calendar,
)
from scheduler.ledger import deltas

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping
    from pathlib import Path

    from icalendar import Calendar, vCalAddress

    from exports.i18n import Lang
    from scheduler.ledger import Delta, Ledger, PublishedVisit
    from scheduler.model import Instance, Schedule, Visit

Kind = Literal["presenter", "department", "delegation"]
Method = Literal["REQUEST", "CANCEL", "PUBLISH"]
FOLDERS: dict[Kind, str] = {
    "presenter": "presenters",
    "department": "departments",
    "delegation": "delegations",
}


@dataclass(frozen=True)
class Recipient:
    kind: Kind
    id: str
    name: str
    email: str


@dataclass(frozen=True)
class Message:
    """One calendar to send to one recipient with one method."""

    id: str
    recipient: Recipient
    method: Method
    file: str
    """Relative to ``changes/``."""
    visits: tuple[str, ...]
    summary: str

    def record(self) -> dict[str, Any]:
        out = asdict(self)
        out["visits"] = list(self.visits)
        return out


@dataclass
class _Outbox:
    """Visits to send, gathered per (recipient, method)."""

    visits: dict[tuple[Kind, str, Method], list[str]]

    def add(self, kind: Kind, key: str, method: Method, visit: str) -> None:
        self.visits.setdefault((kind, key, method), []).append(visit)


def _recipient(instance: Instance, kind: Kind, key: str) -> Recipient:
    catalog = instance.catalog
    found: Any = None
    if kind == "presenter":
        found = next((p for p in catalog.presenters if p.id == key), None)
    elif kind == "department":
        found = next((d for d in catalog.departments if d.id == key), None)
    else:
        found = next((d for d in instance.delegations if d.id == key), None)
    if found is None:
        return Recipient(kind, key, key, "")
    return Recipient(kind, key, found.name, found.email)


def _gather(
    previous: Ledger | None,
    ledger: Ledger,
    what: Mapping[str, Delta],
    staying: set[str],
) -> _Outbox:
    """Who hears of what. A delegation no longer in the week (it
    cancelled) gets no agenda: the week has no address for it."""
    before = previous.visits if previous is not None else {}
    box = _Outbox({})
    for key, delta in what.items():
        if delta == "same":
            continue
        entry = ledger.visits[key]
        old = before.get(key)
        if delta == "cancelled":
            if entry.presenter:
                box.add("presenter", entry.presenter, "CANCEL", key)
            if entry.department:
                box.add("department", entry.department, "CANCEL", key)
        else:
            if entry.presenter:
                box.add("presenter", entry.presenter, "REQUEST", key)
            if entry.department:
                box.add("department", entry.department, "REQUEST", key)
            if (
                old is not None
                and old.status == "active"
                and old.presenter
                and old.presenter != entry.presenter
            ):
                box.add("presenter", old.presenter, "CANCEL", key)
        if entry.delegation in staying:
            box.add("delegation", entry.delegation, "PUBLISH", key)
    return box


def _summary(visits: list[str], what: Mapping[str, Delta], lang: Lang) -> str:
    n = Counter(what[v] for v in visits)
    parts = [
        word(f"changes_{delta}", lang, n=n[delta])
        for delta in ("added", "moved", "presenter", "cancelled")
        if n[delta]
    ]
    return ", ".join(parts)


def _with_reason(event: Event, reason: str | None, lang: Lang) -> Event:
    if reason:
        text = str(event.pop("DESCRIPTION", ""))
        note = word("change_reason", lang, reason=reason)
        event.add("description", f"{note}\n\n{text}" if text else note)
    return event


def cancel_event(
    instance: Instance,
    entry: PublishedVisit,
    uid: str,
    *,
    lang: Lang,
    stamp: dt.datetime,
    attendees: list[vCalAddress],
    reason: str | None,
) -> Event:
    """METHOD:CANCEL's VEVENT: the same UID, the ledger's SEQUENCE,
    STATUS:CANCELLED (it needs no delegation or site still in the week)."""
    catalog = instance.catalog
    site = next((s for s in catalog.sites if s.id == entry.site), None)
    delegation = next(
        (d for d in instance.delegations if d.id == entry.delegation), None
    )
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", instance.local(entry.start))
    event.add("dtend", instance.local(entry.end))
    event.add("sequence", entry.sequence)
    event.add(
        "summary",
        word(
            "cancelled_summary",
            lang,
            delegation=delegation.name if delegation else entry.delegation,
            site=site.name if site else entry.site,
        ),
    )
    event.add(
        "organizer", address(catalog.organizer.name, catalog.organizer.email)
    )
    for person in attendees:
        event.add("attendee", person)
    event.add("status", "CANCELLED")
    return _with_reason(event, reason, lang)


def _staff_people(
    instance: Instance, recipient: Recipient, presenter: str | None
) -> list[vCalAddress]:
    """Who an invite to a presenter or department is addressed to."""
    catalog = instance.catalog
    people = []
    if recipient.kind == "department" and recipient.email:
        people.append(attendee(recipient.name, recipient.email, "GROUP"))
    if recipient.kind == "presenter":
        presenter = recipient.id
    if presenter:
        found = next(
            (p for p in catalog.presenters if p.id == presenter), None
        )
        people += _people(found)
    return people


def _calendar(
    recipient: Recipient,
    method: Method,
    keys: list[str],
    before: Mapping[str, PublishedVisit],
    ledger: Ledger,
    schedule: Schedule,
    instance: Instance,
    *,
    lang: Lang | None,
    stamp: dt.datetime,
    reasons: Mapping[str, str],
    what: Mapping[str, Delta],
) -> Calendar:
    visits: dict[str, Visit] = {v.id: v for v in schedule.visits}
    sequences = ledger.sequences()
    if method == "PUBLISH":
        delegation = next(
            (d for d in instance.delegations if d.id == recipient.id), None
        )
        chosen: Lang = (
            delegation_lang(delegation.languages, lang)
            if delegation is not None
            else lang or "es"
        )
        if delegation is not None and any(
            v.delegation == recipient.id for v in schedule.visits
        ):
            cal = delegation_calendar(
                schedule,
                instance,
                recipient.id,
                lang=chosen,
                stamp=stamp,
                sequences=sequences,
            )
        else:
            name = delegation.name if delegation else recipient.id
            cal = new_calendar(
                "PUBLISH",
                word("calendar_delegation", chosen, name=name),
                instance,
            )
        for key in keys:
            if what[key] != "cancelled":
                continue
            entry = ledger.visits[key]
            for part in ("visit", "transfer"):
                cal.add_component(
                    cancel_event(
                        instance,
                        entry,
                        agenda_uid(part, key),
                        lang=chosen,
                        stamp=stamp,
                        attendees=[],
                        reason=reasons.get(key),
                    )
                )
        return cal
    staff: Lang = lang or "es"
    title = (
        "calendar_presenter"
        if recipient.kind == "presenter"
        else "calendar_department"
    )
    cal = new_calendar(
        method, word(title, staff, name=recipient.name), instance
    )
    for key in sorted(keys, key=lambda k: ledger.visits[k].start):
        entry = ledger.visits[key]
        if method == "CANCEL":
            # A visit handed to another presenter: its old host is told of
            # the time they had, with the SEQUENCE of the new invite.
            old = before.get(key)
            shown = (
                old.model_copy(update={"sequence": entry.sequence})
                if what[key] != "cancelled" and old is not None
                else entry
            )
            cal.add_component(
                cancel_event(
                    instance,
                    shown,
                    entry.uid,
                    lang=staff,
                    stamp=stamp,
                    attendees=_staff_people(
                        instance, recipient, shown.presenter
                    ),
                    reason=reasons.get(key),
                )
            )
        else:
            visit = visits[key]
            cal.add_component(
                _with_reason(
                    invite_event(
                        instance,
                        visit,
                        lang=staff,
                        stamp=stamp,
                        sequence=entry.sequence,
                        attendees=_staff_people(
                            instance, recipient, visit.presenter
                        ),
                    ),
                    reasons.get(key),
                    staff,
                )
            )
    return cal


def write_changes(
    previous: Ledger | None,
    ledger: Ledger,
    schedule: Schedule,
    instance: Instance,
    out_dir: Path,
    *,
    lang: Lang | None,
    stamp: dt.datetime,
    reasons: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write ``changes/`` (the .ics to send and ``index.json``)."""
    what = deltas(previous, ledger)
    box = _gather(previous, ledger, what, {d.id for d in instance.delegations})
    folder = out_dir / "changes"
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    messages: list[Message] = []
    for (kind, key, method), keys in sorted(box.visits.items()):
        recipient = _recipient(instance, kind, key)
        cal = _calendar(
            recipient,
            method,
            keys,
            previous.visits if previous is not None else {},
            ledger,
            schedule,
            instance,
            lang=lang,
            stamp=stamp,
            reasons=reasons or {},
            what=what,
        )
        name = f"{FOLDERS[kind]}/{key}-{method.lower()}.ics"
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(finish(cal, instance))
        paths.append(path)
        summary = (
            word("changes_cancelled", lang or "es", n=len(keys))
            if method == "CANCEL"
            else _summary(keys, what, lang or "es")
        )
        if method == "PUBLISH":
            summary = f"{word('changes_agenda', lang or 'es')}: {summary}"
        messages.append(
            Message(
                id=f"r{ledger.revision}-{kind}-{key}-{method.lower()}",
                recipient=recipient,
                method=method,
                file=name,
                visits=tuple(keys),
                summary=summary,
            )
        )
    index = {
        "version": 1,
        "revision": ledger.revision,
        "organizer": ledger.organizer.model_dump(),
        "messages": [m.record() for m in messages],
    }
    path = folder / "index.json"
    path.write_text(
        json.dumps(index, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return [*paths, path]
