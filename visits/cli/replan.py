"""`visits replan`: keep a published week true with the fewest changes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from visits.cli.options import (
    force_option,
    record_option,
    solver_options,
    user_errors,
)
from visits.planning import replan_command
from visits.recording import record_folder
from visits.replanning import MAX_CHANGES


@click.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.option(
    "--previous",
    required=True,
    type=click.Path(path_type=Path),
    help="The folder of the plan already published (plan or replan OUT).",
)
@click.option("--out", required=True, type=click.Path(path_type=Path))
@click.option(
    "--max-changes",
    type=click.IntRange(0, MAX_CHANGES),
    default=None,
    help="At most this many published visits that still fit may move or "
    "go (0: only additions). Visits that must change (their delegation "
    "left, the site closed, the presenter declined) always may.",
)
@solver_options
@click.option("--lang", type=click.Choice(["es", "en"]), default=None)
@click.option("--log", is_flag=True, help="Show the CP-SAT search log.")
@click.option("--quiet", is_flag=True, help="No progress display.")
@force_option
@record_option
@user_errors
def replan(
    instance: Path,
    previous: Path,
    out: Path,
    max_changes: int | None,
    solver: str,
    time_limit: float,
    workers: int,
    seed: int,
    deterministic: bool,
    lang: str | None,
    log: bool,
    quiet: bool,
    force: bool,
    db: str | None,
) -> None:
    """Re-plan the changed week INSTANCE from the plan in --previous.

    Served value comes first, then the fewest changes to published
    visits: one keeps its site, time and presenter unless it must change
    or moving it serves more. OUT gets the new plan, replan.json (each
    change and why) and the updates and cancellations to send.
    """
    code = replan_command(
        instance,
        previous,
        out,
        max_changes=max_changes,
        solver=solver,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        deterministic=deterministic,
        lang=lang,
        log=log,
        quiet=quiet,
        force=force,
    )
    if (out / "schedule.json").is_file():
        record_folder(db, out, instance)
    sys.exit(code)
