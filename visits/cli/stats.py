"""`visits stats`: demand, service and load; the cooperation calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from scheduler.files import write_file
from tracking.session import database
from tracking.stats import Only, compute_stats, render_html
from visits.cli.options import db_option, user_errors
from visits.screens import show_kept


@click.command()
@db_option
@click.option(
    "--html",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the figures as an HTML page with charts.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing HTML file (the old one is kept beside).",
)
@click.option(
    "--country", default=None, help="Only requests from this country (BR)."
)
@click.option(
    "--wish",
    default=None,
    help="Only requests with a wish holding this word (metrocable, "
    "topic:mobility); visits and unserved of those wishes only.",
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Only arrivals on or after this date (2026-01-01).",
)
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Only arrivals on or before this date.",
)
@user_errors
def stats(
    db: str | None,
    html: Path | None,
    force: bool,
    country: str | None,
    wish: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> None:
    """Demand by month, country, topic, site; served share and reasons;
    lead times; load; topics to serve in joint sessions."""
    only = Only(
        country=country,
        wish=wish,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    with database(db) as session:
        figures = compute_stats(session, only)
    console = Console(width=max(Console().width, 120))
    scope = f" {figures.scope}" if figures.scope else ""
    console.print(
        f"{figures.requests} requests recorded{scope}, {figures.accepted} "
        f"accepted, {figures.served} visits served"
    )
    for section in figures.sections:
        table = Table(title=section.title, caption=section.note or None)
        for column in section.columns:
            table.add_column(column)
        for row in section.rows:
            table.add_row(*(str(c) for c in row))
        console.print(table)
    if html is not None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        written = write_file(
            html, render_html(figures, stamp), force=force, option="--html"
        )
        click.echo(f"wrote {html}")
        show_kept(written)
