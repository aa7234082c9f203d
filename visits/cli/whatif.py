"""`visits whatif`: scenarios side by side, sweeps, and what to add first.

Registered in ``visits.cli`` with ``main.add_command(whatif)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import Progress

from exports.whatif import terminal_tables, write_whatif
from scheduler.errors import InputError, Problem
from scheduler.files import check_folder, write_folder
from scheduler.loading import read_document
from scheduler.problem import Settings
from visits.cli.options import (
    MAX_WORKERS,
    FiniteRange,
    force_option,
    record_option,
    solver_options,
    user_errors,
)
from visits.compare import compare, sweep
from visits.recording import record_runs
from visits.screens import show_kept
from whatif.report import Variant
from whatif.scenario import load_instance, parse_sweep

if TYPE_CHECKING:
    from visits.jobs import PlanOutcome


@click.command()
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("scenarios", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(path_type=Path))
@click.option(
    "--sweep",
    "sweep_spec",
    default=None,
    help="knob=v1,v2,...: demand[:replicate], capacity:<site>, "
    "groups:<site>, presenters:<department>, vehicles:<pool>.",
)
@solver_options
@click.option(
    "--jobs",
    "jobs",
    default=None,
    type=click.IntRange(1, MAX_WORKERS),
    help="Plans at once in separate processes [default: the cores].",
)
@click.option(
    "--dask",
    default=None,
    metavar="ADDRESS",
    help="Run the plans on a Dask cluster, e.g. tcp://10.0.0.5:8786.",
)
@click.option(
    "--top",
    default=3,
    show_default=True,
    type=click.IntRange(0, 20),
    help="Binding resources per scenario to re-plan with one more unit "
    "(0: no advice).",
)
@click.option(
    "--target",
    default=0.9,
    show_default=True,
    type=FiniteRange(0, 1, min_open=True),
    help="Served share the sweep's sentence measures against.",
)
@click.option("--quiet", is_flag=True, help="No progress display.")
@force_option
@record_option
@user_errors
def whatif(
    base: Path,
    scenarios: tuple[Path, ...],
    out: Path,
    sweep_spec: str | None,
    solver: str,
    time_limit: float,
    workers: int,
    seed: int,
    deterministic: bool,
    jobs: int | None,
    dask: str | None,
    top: int,
    target: float,
    quiet: bool,
    force: bool,
    db: str | None,
) -> None:
    """Plan BASE and each SCENARIO alike and compare them (into OUT)."""
    if sweep_spec and scenarios:
        raise InputError(
            [
                Problem(
                    "--sweep",
                    "",
                    "sweep one base at a time; give the "
                    "scenarios in a separate run",
                )
            ]
        )
    if not sweep_spec and not scenarios:
        raise InputError(
            [
                Problem(
                    "whatif",
                    "",
                    "give SCENARIO files to compare with "
                    "BASE, or --sweep knob=v1,v2,...",
                )
            ]
        )
    check_folder(out, force=force)
    swept = parse_sweep(sweep_spec) if sweep_spec else None
    settings = Settings(solver, time_limit, workers, seed, deterministic)
    base_instance = load_instance(base)
    console = Console(stderr=True, quiet=quiet)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("planning", total=None)

        planned: list[str] = []

        def done(outcome: PlanOutcome) -> None:
            planned.append(outcome.label)
            progress.update(
                task,
                advance=1,
                description=f"planned {len(planned)}: {outcome.label}",
            )

        if swept is not None:
            knob, values = swept
            report = sweep(
                base_instance,
                knob,
                values,
                settings,
                base_file=base,
                target=target,
                parallel=jobs,
                dask=dask,
                done=done,
            )
        else:
            variants = []
            for path in scenarios:
                instance = load_instance(path)
                data = read_document(path)
                description = (
                    str(data.get("description", "")).strip()
                    if isinstance(data, dict)
                    else ""
                )
                variants.append(
                    Variant(instance.name, instance, "scenario", description)
                )
            report = compare(
                base_instance,
                variants,
                settings,
                parallel=jobs,
                dask=dask,
                top=top,
                done=done,
            )
    written = write_folder(
        out, lambda folder: write_whatif(report, folder), force=force
    )
    screen = Console()
    if not screen.is_terminal:
        screen = Console(width=160)  # a file or a pipe: don't wrap at 80
    for item in terminal_tables(report):
        screen.print(item)
    click.echo(
        f"wrote {len(written.paths)} files into {out} "
        "(whatif.html, whatif.csv)"
    )
    show_kept(written)
    record_runs(
        db, base, out, [(row.label, row.figures) for row in report.rows]
    )
