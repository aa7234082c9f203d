"""`visits intake` and `visits week`: the portal's requests in, a week out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from scheduler.generate.week import week_start
from tracking.intake import ACCEPTED, REFUSED, WAITLISTED, record_intake
from tracking.session import database
from tracking.weeks import assemble_week
from visits.cli.options import db_option, user_errors
from visits.screens import show_kept

STYLE = {ACCEPTED: "green", WAITLISTED: "yellow", REFUSED: "red"}


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@db_option
@click.option(
    "--catalog",
    type=click.Path(path_type=Path),
    default=None,
    help="The catalog whose intake: rules apply (default: the one last "
    "recorded; a week file names its own).",
)
@user_errors
def intake(file: Path, db: str | None, catalog: Path | None) -> None:
    """Record the portal's CSV/JSON export (or a week file): each request
    accepted, waitlisted or refused by the catalog's rules."""
    with database(db) as session:
        result = record_intake(
            session, file, dt.datetime.now(dt.UTC), catalog_path=catalog
        )
    table = Table(title=f"Intake of {file} ({result.source})")
    for column in ("where", "delegation", "organization", "week", "status"):
        table.add_column(column)
    table.add_column("rule", overflow="fold")
    for d in result.decisions:
        table.add_row(
            d.line,
            d.delegation,
            d.organization,
            d.week,
            f"[{STYLE[d.status]}]{d.status}[/]",
            d.rule,
        )
    for dup in result.duplicates:
        table.add_row(
            dup.line,
            dup.delegation,
            dup.organization,
            "",
            "duplicate",
            f"already recorded from {dup.first}; not counted again",
        )
    console = Console(width=max(Console().width, 140))
    console.print(table)
    click.echo(
        f"{len(result.decisions)} recorded: "
        f"{result.count(ACCEPTED)} accepted, "
        f"{result.count(WAITLISTED)} waitlisted, "
        f"{result.count(REFUSED)} refused; "
        f"{len(result.duplicates)} duplicate(s) not counted"
    )


@click.command()
@click.option(
    "--from",
    "db",
    default=None,
    metavar="URL",
    help="Tracking database (default: $VISITS_DB, else visits.db here).",
)
@click.option("--week", required=True, help="ISO week, e.g. 2026-W49.")
@click.option("--out", required=True, type=click.Path(path_type=Path))
@click.option(
    "--catalog",
    type=click.Path(path_type=Path),
    default=None,
    help="Catalog to name (default: the one the requests were checked on).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing OUT file (the old one is kept beside).",
)
@user_errors
def week(
    db: str | None, week: str, out: Path, catalog: Path | None, force: bool
) -> None:
    """Assemble the week file the planner reads from the accepted
    requests arriving in one ISO week."""
    week_start(week)
    with database(db) as session:
        made = assemble_week(
            session,
            week,
            out,
            dt.datetime.now(dt.UTC),
            catalog_path=catalog,
            force=force,
        )
    click.echo(
        f"wrote {out}: {made.delegations} delegations, {made.requests} "
        f"requests arriving in {week}"
    )
    for key in made.replaced:
        click.echo(
            f"note: {key} has two accepted requests this week; the later "
            "one is in the file"
        )
    show_kept(made.written)
