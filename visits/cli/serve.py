"""`visits serve`: the coordinator's web app; `visits password`: a hash."""

from __future__ import annotations

import os
from pathlib import Path

import click
import uvicorn

from scheduler.loading import load_catalog
from tracking.session import resolve_url
from visits.cli.options import user_errors
from visits.mail import parse_smtp
from visits.web.app import Settings, create_app
from visits.web.auth import Access, hash_password, is_loopback
from visits.web.workspace import Workspace

MEDELLIN = Path(__file__).resolve().parents[2] / "instances" / "medellin"
SAMPLE_CATALOG = MEDELLIN / "catalog.yaml"
SAMPLE_WEEK = MEDELLIN / "weeks" / "normal.yaml"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535)
)
@click.option(
    "--workspace",
    type=click.Path(path_type=Path),
    default=Path("visits-data"),
    show_default=True,
    help="Folder of the app's weeks and plans.",
)
@click.option(
    "--catalog",
    type=click.Path(path_type=Path),
    default=SAMPLE_CATALOG,
    show_default=True,
    help="Catalog for imported weeks and intake.",
)
@click.option(
    "--db",
    default=None,
    metavar="URL",
    help="Tracking database (default: $VISITS_DB, else visits.db here).",
)
@click.option(
    "--smtp",
    default=None,
    metavar="HOST:PORT",
    help="Mail server for publishing.",
)
@click.option("--from", "sender", default=None, help="Sender of the invites.")
@click.option(
    "--users",
    type=click.Path(path_type=Path),
    default=None,
    help="Users file (required off loopback): names, roles, password hashes.",
)
@click.option(
    "--sample",
    is_flag=True,
    help="Start with the sample Medellín week imported (when the workspace is empty).",
)
@user_errors
def serve(
    host: str,
    port: int,
    workspace: Path,
    catalog: Path,
    db: str | None,
    smtp: str | None,
    sender: str | None,
    users: Path | None,
    sample: bool,
) -> None:
    """Start the web app (loopback by default; a login off loopback)."""
    load_catalog(catalog)  # a clear error now, not on the first page
    access = Access.for_host(host, users)
    settings = Settings(
        workspace=workspace,
        catalog=catalog,
        db=resolve_url(db),
        smtp=parse_smtp(smtp) if smtp else None,
        sender=sender,
        access=access,
        secure_cookies=not is_loopback(host),
        secret=os.environ.get("VISITS_SECRET", ""),
    )
    if sample and not Workspace(workspace, catalog).weeks():
        Workspace(workspace, catalog).add(
            "sample-normal.yaml", SAMPLE_WEEK.read_text("utf-8")
        )
    click.echo(f"visits: open http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(
        create_app(settings), host=host, port=port, log_level="warning"
    )


@click.command()
@click.option(
    "--name", required=True, help="The user's name in the users file."
)
@click.option(
    "--role",
    type=click.Choice(["coordinator", "viewer"]),
    default="viewer",
    show_default=True,
)
@click.password_option()
def password(name: str, role: str, password: str) -> None:
    """Print a users-file entry with the password's PBKDF2 hash."""
    click.echo(
        f'  - {{name: {name}, role: {role}, password: "{hash_password(password)}"}}'
    )
