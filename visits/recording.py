"""What plan, replan, publish, replies and whatif did, into the database.

A command records only when a database is given (``--db URL``) or the
agency set ``VISITS_DB``: nobody gets a ``visits.db`` they did not ask
for. The folder is written first and recorded after, so a database that
is busy or down never costs a plan: the message says how to record it
later (``visits db record``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scheduler.errors import InputError, Problem
from tracking.record import record_plan, record_scenario
from tracking.session import ENV, database
from whatif.scenario import load_instance

if TYPE_CHECKING:
    from scheduler.model import Instance


def wanted(db: str | None) -> str | None:
    """The database to record in, or None when none was asked for."""
    if db is not None and db.strip():
        return db
    return os.environ.get(ENV) or None


def _later(db: str, folder: Path, exc: InputError) -> InputError:
    problems = list(exc.problems)
    problems.append(
        Problem(
            str(folder),
            "",
            "the folder is written and kept; once this is fixed, record "
            f"it with: visits db record {folder} --db {db}",
        )
    )
    return InputError(problems)


def record_folder(
    db: str | None, folder: Path, week: Instance | Path | None = None
) -> None:
    """Record (or update) the plan folder ``folder`` when asked to;
    ``week`` (the week planned, or its file, read only then) names the
    unserved requests' wishes."""
    url = wanted(db)
    if url is None:
        return
    instance = load_instance(week) if isinstance(week, Path) else week
    try:
        with database(url) as session:
            done = record_plan(
                session, folder, dt.datetime.now(dt.UTC), instance=instance
            )
    except InputError as exc:
        raise _later(url, folder, exc) from None
    verb = "updated" if done.again else "recorded"
    click.echo(
        f"{verb} plan {done.plan_id} in the tracking database: "
        f"{done.visits} visits, {done.unserved} unserved, {done.sent} with "
        f"an invite sent, {done.replies} with a reply"
    )


def record_runs(
    db: str | None,
    base: Path,
    out: Path,
    runs: list[tuple[str, dict[str, Any]]],
) -> None:
    """Record each what-if row (its label and figures) when asked to."""
    url = wanted(db)
    if url is None:
        return
    now = dt.datetime.now(dt.UTC)
    try:
        with database(url) as session:
            for name, figures in runs:
                record_scenario(
                    session,
                    name,
                    str(base),
                    str(out),
                    json.loads(json.dumps(figures, default=str)),
                    now,
                )
    except InputError as exc:
        raise _later(url, out, exc) from None
    click.echo(
        f"recorded {len(runs)} scenario run(s) in the tracking database"
    )
