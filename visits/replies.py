"""Presenters' answers to their invites (iTIP REPLY, RFC 5546).

A reply arrives as an ``.ics`` file or as the e-mail itself (``.eml``,
its ``text/calendar`` part or ``.ics`` attachment). Each VEVENT names the
invite by UID, the presenter by ATTENDEE and the answer by PARTSTAT. The
latest answer per visit (higher SEQUENCE, then later DTSTAMP) is kept in
``replies.json``; one to an older version of the invite is kept but
marked stale. ``visits replan`` turns a current DECLINED into the
presenter being unavailable over that visit's time.
"""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import tempfile
from dataclasses import dataclass
from email import policy
from typing import TYPE_CHECKING, Any

from icalendar import Calendar

from exports import schedule_problems
from exports.excel import write_excel
from exports.html import write_html
from scheduler.errors import InputError, Problem
from scheduler.ledger import folder_ledger
from scheduler.loading import load_schedule

if TYPE_CHECKING:
    from pathlib import Path

    from scheduler.ledger import Ledger
    from scheduler.model import Instance

FILE = "replies.json"
ANSWERS = ("ACCEPTED", "DECLINED", "TENTATIVE")
WORDS = {
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "may come to",
}


@dataclass(frozen=True)
class Reply:
    uid: str
    attendee: str
    partstat: str
    sequence: int
    stamp: str
    file: str


def _calendars(path: Path) -> list[bytes]:
    """The calendars in a reply file: itself, or an e-mail's parts."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            [Problem(str(path), "", f"cannot be read ({exc.strerror})")]
        ) from None
    if data.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
        return [data]
    message = email.message_from_bytes(data, policy=policy.default)
    found = []
    for part in message.walk():
        kind = part.get_content_type()
        name = (part.get_filename() or "").lower()
        if kind in ("text/calendar", "application/ics") or name.endswith(
            ".ics"
        ):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                found.append(payload)
    if not found:
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "holds no calendar: give the reply's .ics file or the "
                    "e-mail (.eml) with the reply attached",
                )
            ]
        )
    return found


def read_reply_file(path: Path) -> tuple[list[Reply], list[str]]:
    """The replies in one file, and why any part of it was rejected."""
    replies: list[Reply] = []
    rejected: list[str] = []
    for data in _calendars(path):
        try:
            cal = Calendar.from_ical(data)
        except ValueError as exc:
            raise InputError(
                [Problem(str(path), "", f"is not an iCalendar file ({exc})")]
            ) from None
        method = str(cal.get("METHOD", "")).upper()
        if method != "REPLY":
            rejected.append(
                f"{path.name}: METHOD is {method or 'missing'}, not REPLY; "
                "this is not a presenter's answer"
            )
            continue
        for event in cal.walk("VEVENT"):
            uid = str(event.get("UID", ""))
            people = event.get("ATTENDEE")
            people = people if isinstance(people, list) else [people]
            for person in people:
                if person is None:
                    rejected.append(f"{path.name}: {uid}: no ATTENDEE")
                    continue
                answer = str(person.params.get("PARTSTAT", "")).upper()
                if answer not in ANSWERS:
                    rejected.append(
                        f"{path.name}: {uid}: PARTSTAT {answer or 'missing'}"
                        f" is not one of {', '.join(ANSWERS)}"
                    )
                    continue
                stamp = event.get("DTSTAMP")
                replies.append(
                    Reply(
                        uid=uid,
                        attendee=str(person)
                        .removeprefix("mailto:")
                        .removeprefix("MAILTO:"),
                        partstat=answer,
                        sequence=int(event.get("SEQUENCE", 0)),
                        stamp=stamp.dt.isoformat() if stamp else "",
                        file=path.name,
                    )
                )
    return replies, rejected


def _visit_of(uid: str, ledger: Ledger | None) -> str | None:
    if ledger is not None:
        for key, entry in ledger.visits.items():
            if entry.uid == uid:
                return key
        return None
    return uid.split("@", 1)[0] or None


def read_recorded(folder: Path) -> dict[str, dict[str, Any]]:
    path = folder / FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        recorded = data["replies"]
        if not isinstance(recorded, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise InputError(
            [
                Problem(
                    str(path),
                    "replies",
                    "is not a record of replies; move it aside and read the "
                    "reply files again",
                )
            ]
        ) from None
    return recorded


def record_replies(
    folder: Path, files: list[Path]
) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """Record the replies in ``folder/replies.json``; return (visit id,
    record) of each recorded and the rejections in words."""
    if not (folder / "schedule.json").is_file():
        raise InputError(
            [
                Problem(
                    str(folder),
                    "DIR",
                    "is not a plan folder (no schedule.json); give the folder "
                    "whose invites were answered",
                )
            ]
        )
    ledger = folder_ledger(folder)
    recorded = read_recorded(folder)
    done: list[tuple[str, dict[str, Any]]] = []
    rejected: list[str] = []
    received = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for path in files:
        replies, refused = read_reply_file(path)
        rejected += refused
        for reply in replies:
            key = _visit_of(reply.uid, ledger)
            if key is None:
                rejected.append(
                    f"{reply.file}: {reply.uid} is no invite of this plan"
                )
                continue
            current = ledger.visits[key].sequence if ledger else 0
            record = {
                "attendee": reply.attendee,
                "partstat": reply.partstat,
                "sequence": reply.sequence,
                "stale": reply.sequence < current,
                "file": reply.file,
                "stamp": reply.stamp,
                "received": received,
            }
            old = recorded.get(key)
            if old is not None and (
                old.get("sequence", 0),
                old.get("stamp", ""),
            ) > (reply.sequence, reply.stamp):
                rejected.append(
                    f"{reply.file}: {key}: an answer newer than this one is "
                    "already recorded; kept that one"
                )
                continue
            recorded[key] = record
            done.append((key, record))
    text = json.dumps({"version": 1, "replies": recorded}, indent=2) + "\n"
    fd, name = tempfile.mkstemp(prefix=f".{FILE}.", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(name, folder / FILE)
    return done, rejected


def describe(key: str, record: dict[str, Any], ledger: Ledger | None) -> str:
    """'metro-gomez declined kr-seoul at metrocable-h (Thu 26 Nov 08:45)'."""
    entry = ledger.visits.get(key) if ledger else None
    who = (entry.presenter if entry else None) or record["attendee"]
    what = (
        f"{entry.delegation} at {entry.site} ({entry.start:%a %d %b %H:%M})"
        if entry
        else key
    )
    stale = " — to an older version of the invite" if record["stale"] else ""
    return f"{who} {WORDS[record['partstat']]} {what}{stale}"


def answers(folder: Path) -> dict[str, str]:
    """Visit id → the presenter's current answer (stale ones left out),
    for the report and Excel."""
    return {
        key: str(record.get("partstat", ""))
        for key, record in read_recorded(folder).items()
        if isinstance(record, dict) and not record.get("stale", False)
    }


def refresh_report(folder: Path, instance: Instance) -> list[Path]:
    """report.html and schedule.xlsx of ``folder`` again, with each visit's
    answer; each written beside and moved into place."""
    schedule = load_schedule(folder / "schedule.json")
    problems = schedule_problems(schedule, instance, str(folder))
    if problems:
        raise InputError(problems)
    replies = answers(folder)
    stamp = dt.datetime.now(dt.UTC)
    report = folder / ".new-report.html"
    sheet = folder / ".new-schedule.xlsx"
    try:
        write_html(
            schedule, instance, report, lang="es", stamp=stamp, replies=replies
        )
        write_excel(schedule, instance, sheet, lang="es", replies=replies)
        os.replace(report, folder / "report.html")
        os.replace(sheet, folder / "schedule.xlsx")
    finally:
        report.unlink(missing_ok=True)
        sheet.unlink(missing_ok=True)
    return [folder / "report.html", folder / "schedule.xlsx"]
