"""`visits publish` and `visits replies`: the invites out, the answers in."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scheduler.ledger import folder_ledger
from visits.cli.options import record_option, user_errors
from visits.mail import parse_smtp
from visits.mail import publish as send_changes
from visits.recording import record_folder
from visits.replies import describe, record_replies, refresh_report
from whatif.scenario import load_instance


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--smtp",
    default="localhost:25",
    show_default=True,
    help="The mail server, HOST:PORT.",
)
@click.option(
    "--from",
    "sender",
    default=None,
    help='Sender, "Name <address>"; default the catalog\'s organizer.',
)
@click.option("--dry-run", is_flag=True, help="List what would be sent.")
@record_option
@user_errors
def publish(
    folder: Path,
    smtp: str,
    sender: str | None,
    dry_run: bool,
    db: str | None,
) -> None:
    """Send FOLDER/changes/ as e-mail invites (iMIP), each message once.

    What was sent is recorded in FOLDER/sent.json after each message, so
    running it again sends only what did not go. Exit 1 when a message
    could not be sent (each is listed), 0 otherwise.
    """
    host, port = parse_smtp(smtp)
    outcome = send_changes(
        folder, host, port, sender=sender, dry_run=dry_run, say=click.echo
    )
    for note in outcome.unsent:
        click.echo(note, err=True)
    done = (
        f"dry run: {len(outcome.would)} would be sent"
        if dry_run
        else f"{len(outcome.sent)} sent"
    )
    click.echo(
        f"{done}, {len(outcome.earlier)} already sent earlier, "
        f"{len(outcome.unsent)} not sent"
    )
    if not dry_run:
        record_folder(db, folder)
    sys.exit(1 if outcome.unsent else 0)


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@click.option(
    "--week",
    "instance",
    type=click.Path(path_type=Path),
    default=None,
    help="The week file FOLDER was planned from: report.html and "
    "schedule.xlsx are then written again with each visit's answer.",
)
@record_option
@user_errors
def replies(
    folder: Path,
    files: tuple[Path, ...],
    instance: Path | None,
    db: str | None,
) -> None:
    """Record presenters' replies (.ics or .eml) to FOLDER's invites.

    A decline makes the presenter unavailable over that visit's time in
    the next `visits replan --previous FOLDER`. Exit 1 when a reply was
    rejected (each is listed), 0 otherwise.
    """
    week = load_instance(instance) if instance is not None else None
    done, rejected = record_replies(folder, list(files))
    if week is not None:
        for path in refresh_report(folder, week):
            click.echo(f"wrote {path} with the answers")
    ledger = folder_ledger(folder)
    for key, record in done:
        click.echo(describe(key, record, ledger))
    for note in rejected:
        click.echo(f"rejected: {note}", err=True)
    click.echo(f"recorded {len(done)} reply(ies) in {folder / 'replies.json'}")
    record_folder(db, folder, week)
    sys.exit(1 if rejected else 0)
