"""Sending a plan's ``changes/`` as e-mail invites (iMIP, RFC 6047).

One message per recipient and method: multipart/mixed holding a
multipart/alternative (the visits in words; the calendar as
``text/calendar; method=...``) and the same calendar as an ``.ics``
attachment, for mail programs that only show attachments. Each message
sent is recorded in ``sent.json`` at once (message id and the sha256 of
its calendar), so a second run sends nothing twice and an interrupted run
resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import smtplib
import tempfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any, Literal

from icalendar import Calendar
from pydantic import Field

from scheduler.documents import read_document, validate
from scheduler.errors import InputError, Problem
from scheduler.ledger import UID_DOMAIN, folder_ledger
from scheduler.model import Frozen, Organizer

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

SENT = "sent.json"


class Recipient(Frozen):
    kind: Literal["presenter", "department", "delegation"]
    id: str
    name: str
    email: str = ""


class Message(Frozen):
    id: str
    recipient: Recipient
    method: Literal["REQUEST", "CANCEL", "PUBLISH"]
    file: str
    visits: list[str] = Field(default_factory=list)
    summary: str = ""


class Index(Frozen):
    version: Literal[1] = 1
    revision: int = Field(ge=0)
    organizer: Organizer
    messages: list[Message] = Field(default_factory=list)


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)
    earlier: list[str] = field(default_factory=list)
    unsent: list[str] = field(default_factory=list)
    """Why each message that could not go did not."""
    would: list[str] = field(default_factory=list)
    """With --dry-run: the messages that would be sent."""


def load_index(folder: Path) -> Index:
    path = folder / "changes" / "index.json"
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "no changes/index.json: give a folder written by "
                    "`visits plan` or `visits replan`",
                )
            ]
        )
    return validate(Index, read_document(path), str(path))


def parse_smtp(text: str) -> tuple[str, int]:
    """HOST:PORT, the port 1 to 65535."""
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(
            [
                Problem(
                    "--smtp",
                    "",
                    f"{text!r} is not HOST:PORT (e.g. localhost:1025, the "
                    "port 1 to 65535)",
                )
            ]
        )
    return host.strip("[]"), int(port)


def parse_sender(text: str | None, organizer: Organizer) -> str:
    if text is None:
        return formataddr((organizer.name, organizer.email))
    name, email = parseaddr(text)
    if "@" not in email:
        raise InputError(
            [
                Problem(
                    "--from",
                    "",
                    f"{text!r} is not an e-mail address; write "
                    '"Name <address@example.org>" or an address',
                )
            ]
        )
    return formataddr((name, email))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_sent(folder: Path) -> dict[str, dict[str, Any]]:
    path = folder / SENT
    if not path.is_file():
        return {}
    data = read_document(path)
    if not isinstance(data, dict) or not isinstance(data.get("sent"), dict):
        raise InputError(
            [
                Problem(
                    str(path),
                    "sent",
                    "is not a record of sent messages; move it aside only "
                    "if you know nothing was sent",
                )
            ]
        )
    return dict(data["sent"])


def _write_sent(folder: Path, sent: dict[str, dict[str, Any]]) -> None:
    """Atomically: a crash leaves the old record or the new, never half."""
    text = json.dumps({"version": 1, "sent": sent}, indent=2) + "\n"
    fd, name = tempfile.mkstemp(prefix=f".{SENT}.", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(name, folder / SENT)


def _words(calendar: bytes, message: Message) -> str:
    """The text part: the message's visits, one line each."""
    cal = Calendar.from_ical(calendar)
    lines = [message.summary, ""]
    for event in cal.walk("VEVENT"):
        start = event.decoded("DTSTART")
        status = str(event.get("STATUS", ""))
        mark = " (CANCELLED)" if status == "CANCELLED" else ""
        where = str(event.get("LOCATION", ""))
        lines.append(
            f"- {start:%a %d %b %H:%M}: {event.get('SUMMARY', '')}{mark}"
            + (f" — {where}" if where else "")
        )
    return "\n".join(lines) + "\n"


def build_email(
    folder: Path, message: Message, sender: str, week: str
) -> tuple[EmailMessage, bytes]:
    """The iMIP e-mail of one message, and its calendar's bytes."""
    path = folder / "changes" / message.file
    try:
        calendar = path.read_bytes()
    except OSError as exc:
        raise InputError(
            [Problem(str(path), "file", f"cannot be read ({exc.strerror})")]
        ) from None
    email = EmailMessage()
    email["From"] = sender
    email["To"] = formataddr((message.recipient.name, message.recipient.email))
    email["Subject"] = f"{week}: {message.summary}"
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = make_msgid(domain=UID_DOMAIN)
    email.set_content(_words(calendar, message))
    email.add_alternative(
        calendar.decode("utf-8"),
        subtype="calendar",
        params={"method": message.method},
    )
    email.add_attachment(
        calendar, maintype="application", subtype="ics", filename="invite.ics"
    )
    return email, calendar


def publish(
    folder: Path,
    host: str,
    port: int,
    *,
    sender: str | None,
    dry_run: bool,
    say: Callable[[str], None],
) -> Outcome:
    """Send every message of ``changes/`` not sent before."""
    index = load_index(folder)
    sent = read_sent(folder)
    outcome = Outcome()
    frm = parse_sender(sender, index.organizer)
    ledger = folder_ledger(folder)
    week = ledger.week if ledger is not None else folder.name
    todo: list[tuple[Message, EmailMessage, bytes]] = []
    for message in index.messages:
        email, calendar = build_email(folder, message, frm, week)
        earlier = sent.get(message.id)
        if earlier is not None and earlier.get("sha256") == _digest(calendar):
            outcome.earlier.append(message.id)
            continue
        if not message.recipient.email:
            outcome.unsent.append(
                f"not sent: no e-mail for {message.recipient.kind} "
                f"{message.recipient.id} ({message.file}); add `email:` to "
                "the catalog or week"
            )
            continue
        todo.append((message, email, calendar))
    if dry_run:
        for message, email, _ in todo:
            outcome.would.append(message.id)
            say(
                f"would send {message.method} to {email['To']}: "
                f"{email['Subject']} ({len(message.visits)} visit(s))"
            )
        return outcome
    if not todo:
        return outcome
    try:
        smtp = smtplib.SMTP(host, port, timeout=30)
    except OSError as exc:
        raise InputError(
            [
                Problem(
                    "--smtp",
                    "",
                    f"cannot reach the mail server {host}:{port} "
                    f"({exc.strerror or exc}); check the address and that "
                    "it is running — nothing was sent",
                )
            ]
        ) from None
    with smtp:
        for message, email, calendar in todo:
            try:
                smtp.send_message(email)
            except smtplib.SMTPServerDisconnected as exc:
                outcome.unsent.append(
                    f"not sent: {message.id}: the server closed the "
                    f"connection ({exc}); run publish again to resume"
                )
                break
            except smtplib.SMTPException as exc:
                outcome.unsent.append(
                    f"not sent: {message.id} to {message.recipient.email}: "
                    f"{exc}; run publish again to retry"
                )
                continue
            sent[message.id] = {
                "sha256": _digest(calendar),
                "message_id": str(email["Message-ID"]),
                "to": message.recipient.email,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
            _write_sent(folder, sent)
            outcome.sent.append(message.id)
            say(f"sent {message.method} to {email['To']}")
    return outcome
