"""`visits diff`: what changed between two plans, in words and as CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scheduler.changes import compare_schedules, counts
from scheduler.errors import InputError, Problem
from scheduler.files import write_file
from scheduler.loading import load_schedule
from visits.cli.options import user_errors

if TYPE_CHECKING:
    import datetime as dt

    from scheduler.changes import Change

COLUMNS = (
    "visit",
    "delegation",
    "site",
    "kind",
    "before_start",
    "before_end",
    "before_presenter",
    "after_start",
    "after_end",
    "after_presenter",
    "reason",
)


def _schedule_of(folder: Path) -> Path:
    path = folder / "schedule.json"
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    str(folder),
                    "",
                    "is not a plan folder (no schedule.json); give folders "
                    "written by `visits plan`, `replan` or `export`",
                )
            ]
        )
    return path


def _reasons(folder: Path) -> dict[str, str]:
    """Why each visit changed, from a re-plan's replan.json."""
    path = folder / "replan.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            str(c["visit"]): str(c.get("reason", ""))
            for c in data.get("changes", [])
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}


def _when(moment: dt.datetime, zone: dt.tzinfo | None) -> str:
    return f"{moment.astimezone(zone):%a %d %b %H:%M}"


def in_words(change: Change, reason: str) -> str:
    """'d-lima at metrocable: moved from Tue 24 Nov 09:00 to Wed 25 Nov
    10:30; presenter ana → luis (site closed ...)'."""
    a, b = change.before, change.after
    head = f"{change.delegation} at {change.site}: "
    either = b or a
    zone = either.start.tzinfo if either is not None else None
    if change.kind == "added" and b is not None:
        text = f"added on {_when(b.start, zone)}"
        if b.presenter:
            text += f" with {b.presenter}"
    elif change.kind == "cancelled" and a is not None:
        text = f"cancelled (was {_when(a.start, zone)})"
    elif a is not None and b is not None:
        text = (
            f"moved from {_when(a.start, zone)} to {_when(b.start, zone)}"
            if change.kind == "moved"
            else f"same time ({_when(b.start, zone)})"
        )
        if a.presenter != b.presenter:
            text += f"; presenter {a.presenter or '—'} → {b.presenter or '—'}"
    else:
        text = change.kind
    return head + text + (f" ({reason})" if reason else "")


def _row(change: Change, reason: str) -> dict[str, Any]:
    a, b = change.before, change.after
    return {
        "visit": change.visit,
        "delegation": change.delegation,
        "site": change.site,
        "kind": change.kind,
        "before_start": a.start.isoformat() if a else "",
        "before_end": a.end.isoformat() if a else "",
        "before_presenter": (a.presenter or "") if a else "",
        "after_start": b.start.isoformat() if b else "",
        "after_end": b.end.isoformat() if b else "",
        "after_presenter": (b.presenter or "") if b else "",
        "reason": reason,
    }


@click.command()
@click.argument("first", type=click.Path(path_type=Path))
@click.argument("second", type=click.Path(path_type=Path))
@click.option(
    "--csv",
    "table",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write one row per visit into this CSV file.",
)
@click.option("--force", is_flag=True, help="Replace an existing CSV file.")
@user_errors
def diff(first: Path, second: Path, table: Path | None, force: bool) -> None:
    """What changed from plan FIRST to plan SECOND (two plan folders)."""
    before = load_schedule(_schedule_of(first))
    after = load_schedule(_schedule_of(second))
    reasons = _reasons(second)
    changes = compare_schedules(before, after)
    n = counts(changes)
    click.echo(
        f"{n['kept']} kept, {n['moved']} moved, {n['presenter']} with "
        f"another presenter, {n['cancelled']} cancelled, {n['added']} added"
    )
    for change in changes:
        if change.changed:
            click.echo("  " + in_words(change, reasons.get(change.visit, "")))
    if table is not None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        for change in changes:
            writer.writerow(_row(change, reasons.get(change.visit, "")))
        write_file(
            table,
            buffer.getvalue(),
            force=force,
            inputs=[first / "schedule.json", second / "schedule.json"],
            option="--csv",
        )
        click.echo(f"wrote {table}")
