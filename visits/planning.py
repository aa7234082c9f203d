"""Planning a week: compile -> solve -> calendar schedule -> outputs.

``plan_week`` is the one path from a calendar week down to a solver and
back (``visits plan``, every plan of ``visits whatif``); ``plan_command``
adds the live progress line and writes every output.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.live import Live
from rich.text import Text

import solvers
from exports import write_all
from exports.i18n import as_lang
from scheduler.build import Result, to_schedule
from scheduler.compile import compile_instance
from scheduler.files import check_folder, write_folder
from scheduler.problem import Settings, SolveParams
from visits.screens import show_kept
from whatif.scenario import load_instance

if TYPE_CHECKING:
    from pathlib import Path

    from scheduler.model import Instance
    from scheduler.problem import Progress


def plan_week(
    instance: Instance,
    solver: str = "cpsat",
    params: SolveParams | None = None,
) -> Result:
    """Plan a week: compile, solve, and map back to calendar times."""
    started = time.perf_counter()
    data = compile_instance(instance)
    solution = solvers.solve(data, solver, params)
    schedule = to_schedule(instance, data, solution, solver)
    return Result(
        status=solution.status,
        schedule=schedule,
        objective=solution.objective,
        bound=solution.bound,
        wall_s=time.perf_counter() - started,
        conflicts=solution.conflicts,
    )


def _progress_text(best: Progress | None, started: float) -> Text:
    elapsed = time.perf_counter() - started
    if best is None:
        return Text(f"searching…  {elapsed:6.1f} s")
    return Text(
        f"best served value {best.objective:g}   bound {best.bound:g}   "
        f"gap {best.gap:6.2%}   {elapsed:6.1f} s"
    )


def solve_with_progress(
    instance: Instance, solver: str, params: SolveParams, quiet: bool
) -> Result:
    """Solve in a worker thread so Ctrl-C stops the search, not the program.

    On Ctrl-C the stop event is set; the solver returns its best schedule
    so far, which is still written.
    """
    stop = threading.Event()
    latest: list[Progress] = []
    console = Console(stderr=True, quiet=quiet)
    params = replace(params, progress=latest.append, stop=stop)
    outcome: list[Result | BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(plan_week(instance, solver, params))
        except BaseException as exc:  # handed to the main thread
            outcome.append(exc)
        finally:
            done.set()

    # Wait on an Event, not Thread.join: a join interrupted by Ctrl-C can
    # report the thread finished while it still runs.
    worker = threading.Thread(target=run, name="solve", daemon=True)
    started = time.perf_counter()
    worker.start()
    with Live(
        _progress_text(None, started),
        console=console,
        refresh_per_second=4,
        transient=True,
    ) as live:
        while not done.is_set():
            try:
                done.wait(0.25)
            except KeyboardInterrupt:
                stop.set()
                console.print("stopping: keeping the best schedule found…")
            live.update(
                _progress_text(latest[-1] if latest else None, started)
            )
    console.print(_progress_text(latest[-1] if latest else None, started))
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def plan_command(
    instance_path: Path,
    out: Path,
    *,
    solver: str,
    time_limit: float,
    workers: int,
    seed: int,
    deterministic: bool,
    lang: str | None,
    log: bool,
    quiet: bool,
    force: bool = False,
) -> int:
    """Plan, write outputs, print a summary; the exit code for the CLI."""
    settings = Settings(solver, time_limit, workers, seed, deterministic)
    params = settings.params(log=log)
    check_folder(out, force=force)
    instance = load_instance(instance_path)
    result = solve_with_progress(instance, solver, params, quiet)
    if result.conflicts:
        click.echo(
            "error: the required requests cannot all be served; "
            "no schedule written:",
            err=True,
        )
        for conflict in result.conflicts:
            click.echo(f"  - {conflict}", err=True)
        click.echo(
            "fix: drop `required` from one of them, lengthen a stay, "
            "or free the resource named.",
            err=True,
        )
        return 1
    schedule = result.schedule
    written = write_folder(
        out,
        lambda folder: write_all(
            schedule, instance, folder, lang=as_lang(lang)
        ),
        force=force,
    )
    kpis = schedule.kpis
    click.echo(
        f"{result.status}: served value {kpis.get('served_value')} of "
        f"{kpis.get('requested_value')} "
        f"({kpis.get('served_share', 0):.1%}), {len(schedule.visits)} visits, "
        f"{len(schedule.unserved)} unserved, "
        f"bound {'—' if result.bound is None else f'{result.bound:g}'}, "
        f"{result.wall_s:.1f} s"
    )
    click.echo(f"wrote {len(written.paths)} files into {out}")
    show_kept(written)
    return 0
