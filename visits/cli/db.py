"""`visits db`: record a plan folder; export and import the database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from scheduler.files import write_file
from tracking.backup import export_text, import_file
from tracking.record import record_plan
from tracking.session import database
from visits.cli.options import db_option, user_errors
from visits.screens import show_kept


@click.group()
def db() -> None:
    """The tracking database: record plans, back up, restore."""


@db.command()
@click.argument("folder", type=click.Path(path_type=Path))
@db_option
@user_errors
def record(folder: Path, db: str | None) -> None:
    """Record a plan folder (schedule, ledger, sent, replies); again
    updates it, never duplicates."""
    with database(db) as session:
        done = record_plan(session, folder, dt.datetime.now(dt.UTC))
    verb = "updated" if done.again else "recorded"
    click.echo(
        f"{verb} plan {done.plan_id} ({folder}): {done.visits} visits, "
        f"{done.unserved} unserved, {done.sent} with an invite sent, "
        f"{done.replies} with a reply"
    )


@db.command(name="export")
@click.argument("file", type=click.Path(path_type=Path))
@db_option
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing FILE (the old one is kept beside).",
)
@user_errors
def export_db(file: Path, db: str | None, force: bool) -> None:
    """Write every row of the database to one JSON file."""
    with database(db) as session:
        text = export_text(session)
    written = write_file(file, text, force=force, option="FILE")
    click.echo(f"wrote {file}")
    show_kept(written)


@db.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@db_option
@user_errors
def import_db(file: Path, db: str | None) -> None:
    """Load a `visits db export` file into an empty database."""
    with database(db) as session:
        counts = import_file(session, file)
    click.echo(
        f"imported {sum(counts.values())} rows: "
        + ", ".join(f"{n} {t}" for t, n in counts.items() if n)
    )
