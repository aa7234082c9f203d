"""`visits publish` against a real SMTP server on loopback (aiosmtpd),
and `visits replies` on replies built as a presenter's mail program would.

The plan folder is a real greedy plan of the sample week; every message
the server receives is parsed back with the stdlib e-mail parser and its
calendar with icalendar.
"""

from __future__ import annotations

import email
import json
import shutil
import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from icalendar import Calendar, Event, vCalAddress

from tests.paths import WEEKS
from visits.cli import main


class Inbox:
    """An aiosmtpd handler that keeps every message; it can refuse from
    the n-th on with a temporary failure (451)."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse_from: int | None = None

    async def handle_DATA(
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        if (
            self.refuse_from is not None
            and len(self.messages) >= self.refuse_from
        ):
            return "451 try again later"
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[arg-type]
        )
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, f"127.0.0.1:{controller.port}"
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "plan"
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(WEEKS / "example.yaml"),
            "--out",
            str(out),
            "--solver",
            "greedy",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def folder(planned: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "plan"
    shutil.copytree(planned, copy)
    return copy


def index(folder: Path) -> list[dict[str, Any]]:
    data = json.loads((folder / "changes" / "index.json").read_text())
    return list(data["messages"])


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_publish_sends_each_message_as_imip(
    folder: Path, smtp: tuple[Inbox, str]
) -> None:
    inbox, address = smtp
    result = run("publish", str(folder), "--smtp", address)
    assert result.exit_code == 0, result.output
    messages = index(folder)
    assert len(inbox.messages) == len(messages)
    by_to = {}
    for got in inbox.messages:
        assert got.get_content_type() == "multipart/mixed"
        assert got["Message-ID"].endswith("@visits.aci-medellin>")
        alternative = next(
            p
            for p in got.iter_parts()
            if p.get_content_type() == "multipart/alternative"
        )
        kinds = [p.get_content_type() for p in alternative.iter_parts()]
        assert kinds == ["text/plain", "text/calendar"]
        calendar_part = list(alternative.iter_parts())[1]
        attachment = next(p for p in got.iter_attachments())
        assert attachment.get_filename() == "invite.ics"
        by_to[str(got["To"])] = (calendar_part, attachment)
    for m in messages:
        if not m["recipient"]["email"]:
            continue
        part, attachment = next(
            v for k, v in by_to.items() if m["recipient"]["email"] in k
        )
        assert part.get_param("method") == m["method"]
        on_disk = Calendar.from_ical(
            (folder / "changes" / m["file"]).read_bytes()
        )
        assert Calendar.from_ical(part.get_content()) == on_disk
        assert Calendar.from_ical(attachment.get_content()) == on_disk
    sent = json.loads((folder / "sent.json").read_text())["sent"]
    assert set(sent) == {m["id"] for m in messages if m["recipient"]["email"]}


def test_a_second_run_sends_nothing(
    folder: Path, smtp: tuple[Inbox, str]
) -> None:
    inbox, address = smtp
    assert run("publish", str(folder), "--smtp", address).exit_code == 0
    first = len(inbox.messages)
    again = run("publish", str(folder), "--smtp", address)
    assert again.exit_code == 0
    assert len(inbox.messages) == first
    assert f"0 sent, {first} already sent earlier" in again.output


def test_an_interrupted_run_resumes_and_sends_each_once(
    folder: Path, smtp: tuple[Inbox, str]
) -> None:
    inbox, address = smtp
    inbox.refuse_from = 3
    failed = run("publish", str(folder), "--smtp", address)
    assert failed.exit_code == 1
    assert "451" in failed.output
    assert len(inbox.messages) == 3
    inbox.refuse_from = None
    resumed = run("publish", str(folder), "--smtp", address)
    assert resumed.exit_code == 0, resumed.output
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == len(set(ids)) == len(index(folder))
    recipients = [
        str(m["To"]) + str(m["Subject"]) + m.get_body(("plain",)).get_content()
        for m in inbox.messages
    ]
    assert len(recipients) == len(set(recipients))


def test_dry_run_sends_and_writes_nothing(
    folder: Path, smtp: tuple[Inbox, str]
) -> None:
    inbox, address = smtp
    result = run("publish", str(folder), "--smtp", address, "--dry-run")
    assert result.exit_code == 0
    assert inbox.messages == []
    assert not (folder / "sent.json").exists()
    assert f"{len(index(folder))} would be sent" in result.output


def test_a_recipient_without_email_is_named_and_the_rest_sent(
    folder: Path, smtp: tuple[Inbox, str]
) -> None:
    inbox, address = smtp
    path = folder / "changes" / "index.json"
    data = json.loads(path.read_text())
    data["messages"][0]["recipient"]["email"] = ""
    path.write_text(json.dumps(data))
    result = run("publish", str(folder), "--smtp", address)
    assert result.exit_code == 1
    assert (
        f"no e-mail for {data['messages'][0]['recipient']['kind']}"
        in result.output
    )
    assert len(inbox.messages) == len(data["messages"]) - 1


def test_an_unreachable_server_is_one_clear_error(folder: Path) -> None:
    result = run("publish", str(folder), "--smtp", f"127.0.0.1:{_free_port()}")
    assert result.exit_code == 2
    assert "cannot reach the mail server" in result.output
    assert not (folder / "sent.json").exists()


@pytest.mark.parametrize(
    "bad", ["localhost", "localhost:0", "host:99999", ":25"]
)
def test_a_bad_smtp_address_is_refused(folder: Path, bad: str) -> None:
    result = run("publish", str(folder), "--smtp", bad)
    assert result.exit_code == 2
    assert "HOST:PORT" in result.output


def test_a_folder_without_changes_is_refused(tmp_path: Path) -> None:
    result = run("publish", str(tmp_path), "--smtp", "127.0.0.1:25")
    assert result.exit_code == 2
    assert "changes/index.json" in result.output


# --- replies ---------------------------------------------------------------


def reply(
    folder: Path, partstat: str, *, sequence: int = 0, method: str = "REPLY"
) -> tuple[bytes, str]:
    """A presenter's answer to the first visit with a presenter."""
    ledger = json.loads((folder / "ledger.json").read_text())
    key, entry = next(
        (k, e) for k, e in ledger["visits"].items() if e["presenter"]
    )
    cal = Calendar()
    cal.add("prodid", "-//test//mail//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", entry["uid"])
    event.add("sequence", sequence)
    event.add("dtstamp", __import__("datetime").datetime(2026, 11, 21, 9, 0))
    who = vCalAddress("mailto:presenter@example.org")
    who.params["PARTSTAT"] = partstat
    event.add("attendee", who)
    cal.add_component(event)
    return cal.to_ical(), key


def test_a_declined_reply_is_recorded(folder: Path, tmp_path: Path) -> None:
    data, key = reply(folder, "DECLINED")
    path = tmp_path / "reply.ics"
    path.write_bytes(data)
    before = (folder / "report.html").read_text()
    assert "rechazó" not in before
    result = run(
        "replies",
        str(folder),
        str(path),
        "--week",
        str(WEEKS / "example.yaml"),
    )
    assert result.exit_code == 0, result.output
    recorded = json.loads((folder / "replies.json").read_text())["replies"]
    assert recorded[key]["partstat"] == "DECLINED"
    assert recorded[key]["stale"] is False
    assert "declined" in result.output
    assert "(rechazó)" in (folder / "report.html").read_text()
    sheet = openpyxl.load_workbook(folder / "schedule.xlsx")["visits"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Respuesta")
    answers = {row[0]: row[column] for row in rows[1:]}
    assert answers[key] == "rechazó"
    assert "sin respuesta" in answers.values()


def test_a_reply_inside_an_email_is_read(folder: Path, tmp_path: Path) -> None:
    data, key = reply(folder, "ACCEPTED")
    message = EmailMessage()
    message["Subject"] = "Accepted"
    message.set_content("See you there")
    message.add_attachment(
        data,
        maintype="text",
        subtype="calendar",
        params={"method": "REPLY"},
        filename="reply.ics",
    )
    path = tmp_path / "reply.eml"
    path.write_bytes(bytes(message))
    result = run("replies", str(folder), str(path))
    assert result.exit_code == 0, result.output
    recorded = json.loads((folder / "replies.json").read_text())["replies"]
    assert recorded[key]["partstat"] == "ACCEPTED"


def test_a_reply_to_an_older_invite_is_stale(
    folder: Path, tmp_path: Path
) -> None:
    ledger_path = folder / "ledger.json"
    ledger = json.loads(ledger_path.read_text())
    _, key = reply(folder, "DECLINED")
    ledger["visits"][key]["sequence"] = 2
    ledger_path.write_text(json.dumps(ledger))
    data, _ = reply(folder, "DECLINED", sequence=1)
    path = tmp_path / "reply.ics"
    path.write_bytes(data)
    assert run("replies", str(folder), str(path)).exit_code == 0
    recorded = json.loads((folder / "replies.json").read_text())["replies"]
    assert recorded[key]["stale"] is True


def test_a_request_is_not_a_reply(folder: Path, tmp_path: Path) -> None:
    data, _ = reply(folder, "ACCEPTED", method="REQUEST")
    path = tmp_path / "not-a-reply.ics"
    path.write_bytes(data)
    result = run("replies", str(folder), str(path))
    assert result.exit_code == 1
    assert "not REPLY" in result.output


def test_a_garbage_file_is_one_clear_error(
    folder: Path, tmp_path: Path
) -> None:
    path = tmp_path / "garbage.eml"
    path.write_bytes(b"\x00\x01 hello")
    result = run("replies", str(folder), str(path))
    assert result.exit_code == 2
    assert "garbage.eml" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
