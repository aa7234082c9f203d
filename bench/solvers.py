"""Greedy against CP-SAT on the committed normal, peak and surge weeks.

Each (week, solver) runs in its own subprocess so its peak memory
(``ru_maxrss``) is its own. Every schedule goes through the independent
judge (``scheduler.check``); a run with a violation says so in its row.
Writes ``bench/results/<name>.md`` (and ``.tsv``; ``--name``) and prints the table.

Usage::

    python bench/solvers.py [--weeks normal:10,peak:60,surge:120] [--workers 2]
        [--seeds 0,1,2]

With several seeds, CP-SAT runs once per seed (greedy once: it has no
seed) and a second table gives each week's median and worst: one run on a
noisy machine is not a figure.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

if not __package__:  # run as a script: the repository, not bench/, first
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.common import ChildFailure, FirstSolution, peak_mb, run_child
from bench.orienteering.tables import machine

REPO = Path(__file__).resolve().parent.parent
WEEKS = REPO / "instances" / "medellin" / "weeks"
RESULTS = REPO / "bench" / "results"
COLUMNS = (
    "week",
    "solver",
    "seed",
    "time_limit_s",
    "status",
    "served_value",
    "share",
    "bound",
    "gap_pct",
    "travel_minutes",
    "first_feasible_s",
    "wall_s",
    "peak_mb",
    "violations",
)


def measure(
    week: str, solver: str, time_limit: float, workers: int, seed: int
) -> dict[str, Any]:
    """One week and solver, in this process (run it in a fresh one)."""
    from scheduler.check import served_value, violations
    from scheduler.problem import SolveParams
    from visits.planning import plan_week
    from whatif.scenario import load_instance

    instance = load_instance(WEEKS / f"{week}.yaml")
    first = FirstSolution()
    result = plan_week(
        instance,
        solver,
        SolveParams(
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            progress=first,
        ),
    )
    kpis = result.schedule.kpis
    value = served_value(instance, result.schedule)
    bound = result.bound
    return {
        "week": week,
        "solver": solver,
        "seed": seed if solver == "cpsat" else "",
        "time_limit_s": time_limit if solver == "cpsat" else "",
        "status": str(result.status),
        "served_value": value,
        "share": f"{kpis['served_share']:.1%}",
        "bound": "" if bound is None else round(bound),
        "gap_pct": ""
        if not bound
        else round(100 * (bound - value) / bound, 2),
        "travel_minutes": kpis["travel_minutes"],
        "first_feasible_s": ""
        if first.seconds is None
        else round(first.seconds, 2),
        "wall_s": round(result.wall_s, 1),
        "peak_mb": peak_mb(),
        "violations": len(violations(instance, result.schedule)),
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += [
        "| " + " | ".join(str(r[c]) for c in COLUMNS) + " |" for r in rows
    ]
    return "\n".join(lines)


def summary(rows: list[dict[str, Any]]) -> str:
    """Per week and solver: median and worst served value and gap, and the
    slowest first schedule, over the seeds."""
    lines = [
        "| week | solver | seeds | value median | value worst | gap % median"
        " | gap % worst | first schedule s worst |",
        "|---|---|---|---|---|---|---|---|",
    ]
    keys = dict.fromkeys((r["week"], r["solver"]) for r in rows)
    for week, solver in keys:
        runs = [r for r in rows if (r["week"], r["solver"]) == (week, solver)]
        values = [r["served_value"] for r in runs]
        gaps = [r["gap_pct"] for r in runs if r["gap_pct"] != ""]
        firsts = [
            r["first_feasible_s"] for r in runs if r["first_feasible_s"] != ""
        ]
        lines.append(
            f"| {week} | {solver} | {len(runs)} | {statistics.median(values)}"
            f" | {min(values)} | "
            + (f"{statistics.median(gaps)} | {max(gaps)}" if gaps else " | ")
            + f" | {max(firsts) if firsts else ''} |"
        )
    return "\n".join(lines)


@click.command()
@click.option(
    "--weeks",
    default="normal:10,peak:60,surge:120",
    show_default=True,
    help="week:CP-SAT seconds, comma-separated",
)
@click.option("--workers", default=2, show_default=True)
@click.option(
    "--seeds", default="0", show_default=True, help="CP-SAT seeds, e.g. 0,1,2"
)
@click.option(
    "--name",
    default="solvers",
    show_default=True,
    help="Results file name under bench/results/.",
)
@click.option("--child", default=None, hidden=True)
def main(
    weeks: str, workers: int, seeds: str, name: str, child: str | None
) -> None:
    """Run greedy and CP-SAT on each week; print and save the tables."""
    if child is not None:
        week, solver, limit, seed = child.split(":")
        click.echo(
            json.dumps(measure(week, solver, float(limit), workers, int(seed)))
        )
        return
    rows = []
    for item in weeks.split(","):
        week, limit = item.split(":")
        for solver in ("greedy", "cpsat"):
            for seed in seeds.split(",") if solver == "cpsat" else ["0"]:
                cmd = [
                    sys.executable,
                    __file__,
                    "--workers",
                    str(workers),
                    "--child",
                    f"{week}:{solver}:{limit}:{seed}",
                ]
                got = run_child(cmd)
                if isinstance(got, ChildFailure):  # stop: no table with holes
                    raise subprocess.CalledProcessError(
                        got.returncode, cmd, got.stdout, got.stderr
                    )
                rows.append(got)
                click.echo(f"{week:8} {solver:6} {rows[-1]}", err=True)
    text = (
        f"# Solvers on the committed weeks\n\nMachine: {machine()}. "
        f"Run {dt.date.today()}, `python bench/solvers.py --weeks {weeks} "
        f"--workers {workers} --seeds {seeds}`. Gap = (bound − served value) "
        "/ bound; the value is recounted by `scheduler.check`.\n\n"
        + table(rows)
        + "\n\nOver the seeds:\n\n"
        + summary(rows)
        + "\n"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    with (RESULTS / f"{name}.tsv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
    click.echo(text)


if __name__ == "__main__":
    main()
