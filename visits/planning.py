"""Planning a week: compile -> solve -> calendar schedule -> outputs.

``plan_week`` is the one path from a calendar week down to a solver and
back (``visits plan``, every plan of ``visits whatif``); ``plan_command``
adds the live progress line and writes every output.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.live import Live
from rich.text import Text

import solvers
from exports import write_all
from exports.i18n import Lang, as_lang
from scheduler.build import Result, to_schedule
from scheduler.changes import compare_schedules, counts
from scheduler.compile import compile_instance
from scheduler.errors import InputError, Problem
from scheduler.files import check_folder, write_folder
from scheduler.ledger import folder_ledger, next_ledger
from scheduler.problem import Settings, SolveParams
from visits.replanning import (
    compile_replan,
    load_previous,
    reasons_for,
    replan_record,
    sort_previous,
    with_declines,
)
from visits.replies import read_recorded
from visits.screens import show_kept
from whatif.scenario import load_instance

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from scheduler.changes import Change
    from scheduler.files import Written
    from scheduler.model import Instance
    from scheduler.problem import ProblemData, Progress


def plan_week(
    instance: Instance,
    solver: str = "cpsat",
    params: SolveParams | None = None,
    data: ProblemData | None = None,
) -> Result:
    """Plan a week: compile, solve, and map back to calendar times.

    ``data``: the week already compiled (a re-plan adds its published
    visits to it).
    """
    started = time.perf_counter()
    if data is None:
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
    instance: Instance,
    solver: str,
    params: SolveParams,
    quiet: bool,
    data: ProblemData | None = None,
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
            outcome.append(plan_week(instance, solver, params, data))
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


@dataclass(frozen=True)
class Watch:
    """Someone else watches the search (the web app's job): its progress
    goes to ``progress`` and setting ``stop`` keeps the best found."""

    progress: Callable[[Progress], None]
    stop: threading.Event


def _solve(
    instance: Instance,
    solver: str,
    params: SolveParams,
    quiet: bool,
    data: ProblemData | None,
    watch: Watch | None,
) -> Result:
    if watch is None:
        return solve_with_progress(instance, solver, params, quiet, data)
    params = replace(params, progress=watch.progress, stop=watch.stop)
    return plan_week(instance, solver, params, data)


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
    watch: Watch | None = None,
) -> int:
    """Plan, write outputs, print a summary; the exit code for the CLI."""
    settings = Settings(solver, time_limit, workers, seed, deterministic)
    params = settings.params(log=log)
    check_folder(out, force=force)
    instance = load_instance(instance_path)
    result = _solve(instance, solver, params, quiet, None, watch)
    if result.conflicts:
        _show_conflicts(result)
        return 1
    schedule = result.schedule
    written = write_folder(
        out,
        lambda folder: write_all(
            schedule, instance, folder, lang=as_lang(lang)
        ),
        force=force,
    )
    _show_summary(result, written, out, as_lang(lang) or "es")
    return 0


def _show_conflicts(result: Result, more: str = "") -> None:
    click.echo(
        "error: the required requests cannot all be served; "
        "no schedule written:",
        err=True,
    )
    for conflict in result.conflicts:
        click.echo(f"  - {conflict}", err=True)
    click.echo(
        "fix: drop `required` from one of them, lengthen a stay, "
        f"or free the resource named{more}.",
        err=True,
    )


SHOWN_UNSERVED = 10
"""The summary lists this many unserved requests; report.html has all."""


def _show_summary(
    result: Result, written: Written, out: Path, lang: Lang = "es"
) -> None:
    schedule = result.schedule
    kpis = schedule.kpis
    click.echo(
        f"{result.status}: served value {kpis.get('served_value')} of "
        f"{kpis.get('requested_value')} "
        f"({kpis.get('served_share', 0):.1%}), {len(schedule.visits)} visits, "
        f"{len(schedule.unserved)} unserved, "
        f"bound {'—' if result.bound is None else f'{result.bound:g}'}, "
        f"{result.wall_s:.1f} s"
    )
    for u in schedule.unserved[:SHOWN_UNSERVED]:
        click.echo(f"  unserved {u.delegation} #{u.request}: {u.words(lang)}")
    more = len(schedule.unserved) - SHOWN_UNSERVED
    if more > 0:
        click.echo(f"  … and {more} more unserved (report.html lists all)")
    click.echo(f"wrote {len(written.paths)} files into {out}")
    show_kept(written)


def replan_command(
    instance_path: Path,
    previous_dir: Path,
    out: Path,
    *,
    max_changes: int | None,
    solver: str,
    time_limit: float,
    workers: int,
    seed: int,
    deterministic: bool,
    lang: str | None,
    log: bool,
    quiet: bool,
    force: bool = False,
    watch: Watch | None = None,
) -> int:
    """Re-plan a published week with the fewest changes; write the new
    plan with its updates and cancellations; the exit code for the CLI."""
    settings = Settings(solver, time_limit, workers, seed, deterministic)
    params = settings.params(log=log)
    if _same_folder(previous_dir, out):
        raise InputError(
            [
                Problem(
                    str(out),
                    "--out",
                    "is the previous plan's folder; write the new plan "
                    "into another folder (the previous one records what "
                    "was sent)",
                )
            ]
        )
    previous = load_previous(previous_dir)
    check_folder(out, force=force)
    instance = with_declines(load_instance(instance_path), previous)
    sorted_visits = sort_previous(instance, previous)
    data = compile_replan(instance, sorted_visits.fitting, max_changes)
    result = _solve(instance, solver, params, quiet, data, watch)
    if result.conflicts:
        more = (
            f", or allow more than --max-changes {max_changes}"
            if max_changes is not None
            else ""
        )
        _show_conflicts(result, more)
        return 1
    schedule = result.schedule
    if not schedule.visits and previous.schedule.visits:
        click.echo(
            f"error: no schedule found ({result.status}) within the time "
            "limit; nothing written, so no published visit is cancelled. "
            "fix: give the search more time (--time-limit).",
            err=True,
        )
        return 1
    changes = compare_schedules(previous.schedule, schedule)
    fitting = {v.id for v in sorted_visits.fitting}
    moved = sum(1 for c in changes if c.changed and c.visit in fitting)
    if max_changes is not None and moved > max_changes:
        click.echo(
            f"error: no plan found that changes at most {max_changes} "
            f"published visit(s) and serves every required request; the "
            f"best found changes {moved}. No plan written.",
            err=True,
        )
        click.echo(
            "fix: allow more (--max-changes), give the search more time "
            "(--time-limit), or drop `required` from a new request.",
            err=True,
        )
        return 1
    before = int(previous.schedule.kpis.get("served_value", 0) or 0)
    after = int(schedule.kpis.get("served_value", 0) or 0)
    reasons = reasons_for(
        changes, sorted_visits.forced, previous.schedule, before, after
    )
    record = replan_record(
        previous, changes, reasons, before, after, max_changes
    )

    # A plan folder from before ledgers: what it holds was published.
    ledger = folder_ledger(previous_dir) or next_ledger(
        None, previous.schedule, instance
    )

    # An answer to an invite that does not change still holds.
    unchanged = {c.visit for c in changes if c.kind == "kept"}
    carried = {
        key: record
        for key, record in read_recorded(previous_dir).items()
        if key in unchanged
    }

    def write(folder: Path) -> list[Path]:
        paths = write_all(
            schedule,
            instance,
            folder,
            lang=as_lang(lang),
            previous=ledger,
            reasons=reasons,
            replies={
                key: str(r.get("partstat", ""))
                for key, r in carried.items()
                if not r.get("stale", False)
            },
        )
        if carried:
            kept = folder / "replies.json"
            kept.write_text(
                json.dumps({"version": 1, "replies": carried}, indent=2)
                + "\n",
                encoding="utf-8",
            )
            paths.append(kept)
        path = folder / "replan.json"
        path.write_text(
            json.dumps(record, indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        return [*paths, path]

    written = write_folder(out, write, force=force)
    _show_summary(result, written, out, as_lang(lang) or "es")
    _show_changes(changes, reasons, before, after)
    return 0


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _show_changes(
    changes: list[Change], reasons: dict[str, str], before: int, after: int
) -> None:
    n = counts(changes)
    click.echo(
        f"published visits: {n['kept']} kept, {n['moved']} moved, "
        f"{n['presenter']} with another presenter, {n['cancelled']} "
        f"cancelled, {n['added']} added; served value {before} → {after}"
    )
    for change in changes:
        if change.changed:
            click.echo(
                f"  {change.kind:9} {change.visit}: {reasons[change.visit]}"
            )
