"""The `visits` command line: a thin layer that parses, calls, prints."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from exports import schedule_problems, write_all
from exports.i18n import as_lang
from scheduler.errors import InputError
from scheduler.files import check_folder, write_folder
from scheduler.generate import MAX_GENERATED, generate_week_file
from scheduler.ledger import folder_ledger
from scheduler.loading import load_schedule
from scheduler.reasons import warnings
from visits.cli.db import db
from visits.cli.diff import diff
from visits.cli.intake import intake, week
from visits.cli.options import (
    SEED,
    force_option,
    record_option,
    solver_options,
    user_errors,
)
from visits.cli.options_cmd import options
from visits.cli.publish import publish, replies
from visits.cli.replan import replan
from visits.cli.serve import password, serve
from visits.cli.stats import stats
from visits.cli.whatif import whatif
from visits.cli.why import why
from visits.planning import plan_command
from visits.recording import record_folder
from visits.replies import answers
from visits.screens import show_broken_rules, show_check, show_kept
from whatif.scenario import load_instance


@click.group()
@click.version_option(package_name="visits")
def main() -> None:
    """Plan study visits for delegations: sites, presenters, vans, lunch."""


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@user_errors
def validate(instance: Path) -> None:
    """Check a week or scenario file; list errors and warnings."""
    loaded = load_instance(instance)
    notes = warnings(loaded)
    for note in notes:
        click.echo(f"warning: {note}")
    requests = sum(len(d.requests) for d in loaded.delegations)
    click.echo(
        f"ok: {instance}: {len(loaded.delegations)} delegations, "
        f"{requests} requests, {len(loaded.catalog.sites)} sites, "
        f"{len(notes)} warning(s)"
    )


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.argument("schedule_json", type=click.Path(path_type=Path))
@user_errors
def check(instance: Path, schedule_json: Path) -> None:
    """Verify a schedule against every hard rule; exit 1 on a violation."""
    sys.exit(show_check(load_instance(instance), load_schedule(schedule_json)))


@main.command()
@click.option("--catalog", required=True, type=click.Path(path_type=Path))
@click.option("--week", required=True, help="ISO week, e.g. 2026-W48.")
@click.option(
    "--delegations",
    "count",
    required=True,
    type=click.IntRange(1, MAX_GENERATED),
    help=f"How many (1 to {MAX_GENERATED:,}).",
)
@click.option("--seed", default=0, show_default=True, type=SEED)
@click.option("--out", required=True, type=click.Path(path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing OUT file (the old one is kept beside).",
)
@user_errors
def generate(
    catalog: Path, week: str, count: int, seed: int, out: Path, force: bool
) -> None:
    """Draw a week of delegation requests that follows Medellín's demand."""
    written = generate_week_file(catalog, week, count, seed, out, force=force)
    click.echo(f"wrote {out}: {count} delegations, seed {seed}")
    show_kept(written)


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(path_type=Path))
@solver_options
@click.option("--lang", type=click.Choice(["es", "en"]), default=None)
@click.option("--log", is_flag=True, help="Show the CP-SAT search log.")
@click.option("--quiet", is_flag=True, help="No progress display.")
@force_option
@record_option
@user_errors
def plan(
    instance: Path,
    out: Path,
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
    """Plan a week and write the schedule, invites and report into OUT."""
    code = plan_command(
        instance,
        out,
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


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.argument("schedule_json", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["es", "en"]), default=None)
@force_option
@click.option(
    "--allow-invalid",
    is_flag=True,
    help="Export a schedule that breaks hard rules (they are listed).",
)
@user_errors
def export(
    instance: Path,
    schedule_json: Path,
    out: Path,
    lang: str | None,
    force: bool,
    allow_invalid: bool,
) -> None:
    """Write the invites, Excel and report again from a saved schedule.

    The schedule is judged first (as `visits check` does): one that breaks
    a hard rule is refused with exit 1 unless --allow-invalid.
    """
    check_folder(out, force=force)
    loaded = load_instance(instance)
    schedule = load_schedule(schedule_json)
    problems = schedule_problems(schedule, loaded, str(schedule_json))
    if problems:
        raise InputError(problems)
    if not show_broken_rules(loaded, schedule, schedule_json, allow_invalid):
        sys.exit(1)
    written = write_folder(
        out,
        lambda folder: write_all(
            schedule,
            loaded,
            folder,
            lang=as_lang(lang),
            previous=folder_ledger(schedule_json.parent),
            replies=answers(schedule_json.parent),
            source=str(schedule_json),
        ),
        force=force,
    )
    click.echo(f"wrote {len(written.paths)} files into {out}")
    show_kept(written)


main.add_command(whatif)
main.add_command(replan)
main.add_command(publish)
main.add_command(replies)
main.add_command(diff)
main.add_command(intake)
main.add_command(week)
main.add_command(db)
main.add_command(stats)
main.add_command(serve)
main.add_command(password)
main.add_command(options)
main.add_command(why)
