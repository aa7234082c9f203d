"""Re-planning a published week against planning it again from scratch.

The week (default: the committed peak week) is planned with CP-SAT and
taken as published. Then a share of its delegations change (default 5 %,
in turn: one leaves, one's stay shifts by a day, a new one arrives) and
the changed week is planned five ways: ``replan`` with CP-SAT (free, and
with ``--max-changes`` 10 and 0), ``replan`` with greedy, and from scratch
with CP-SAT (what a coordinator gets today by planning again). Each is judged (``scheduler.check``) and compared
with the published plan visit by visit (``scheduler.changes``).

Writes ``bench/results/replan.md`` and ``.tsv`` and prints the table.

Usage::

    python bench/replan.py [--week peak] [--share 0.05] [--time-limit 30]
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

if not __package__:  # run as a script: the repository, not bench/, first
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.common import append_row
from bench.orienteering.tables import machine
from scheduler.changes import compare_schedules, counts
from scheduler.check import served_value, violations
from scheduler.model import Delegation, Instance, Schedule
from scheduler.problem import Progress, SolveParams
from visits.planning import plan_week
from visits.replanning import Previous, compile_replan, sort_previous
from whatif.scenario import load_instance

REPO = Path(__file__).resolve().parent.parent
WEEKS = REPO / "instances" / "medellin" / "weeks"
RESULTS = REPO / "bench" / "results"
COLUMNS = (
    "week",
    "changed",
    "method",
    "status",
    "time_limit_s",
    "served_value",
    "kept",
    "moved",
    "presenter",
    "cancelled",
    "added",
    "first_valid_s",
    "wall_s",
    "valid",
)


def change_week(
    instance: Instance, share: float, seed: int
) -> tuple[Instance, list[str]]:
    """A share of the delegations changed, in turn: leaves, shifts its
    stay by a day, a new one (a copy with another id) arrives."""
    rng = random.Random(seed)
    n = max(1, math.ceil(share * len(instance.delegations)))
    picked = rng.sample(range(len(instance.delegations)), n)
    delegations = list(instance.delegations)
    notes: list[str] = []
    gone: set[int] = set()
    last = instance.horizon.start + dt.timedelta(
        days=instance.horizon.days - 1
    )
    for k, i in enumerate(picked):
        d = delegations[i]
        kind = k % 3
        if kind == 0:
            gone.add(i)
            notes.append(f"{d.id} leaves")
        elif kind == 1:
            step = 1 if d.departure.date() < last else -1
            shift = dt.timedelta(days=step)
            delegations[i] = d.model_copy(
                update={
                    "arrival": d.arrival + shift,
                    "departure": d.departure + shift,
                }
            )
            notes.append(
                f"{d.id} stays a day {'later' if step > 0 else 'earlier'}"
            )
        else:
            new = Delegation.model_validate(
                {**d.model_dump(), "id": f"{d.id}-b", "name": f"{d.name} B"}
            )
            delegations.append(new)
            notes.append(f"{new.id} arrives")
    kept = [d for i, d in enumerate(delegations) if i not in gone]
    ids = {d.id for d in kept}
    locked = [lock for lock in instance.locked if lock.delegation in ids]
    return (
        instance.model_copy(update={"delegations": kept, "locked": locked}),
        notes,
    )


def measure(
    method: str,
    week: Instance,
    published: Schedule,
    params: SolveParams,
) -> dict[str, Any]:
    first: list[float] = []
    started = time.perf_counter()

    def heard(progress: Progress) -> None:
        if not first:
            first.append(time.perf_counter() - started)

    solver = "greedy" if method == "replan greedy" else "cpsat"
    data = None
    if method.startswith("replan"):
        fitting = sort_previous(week, Previous(Path("."), published)).fitting
        bound = (
            int(method.rsplit(" ", 1)[1]) if "max-changes" in method else None
        )
        data = compile_replan(week, fitting, bound)
    result = plan_week(week, solver, replace(params, progress=heard), data)
    wall = time.perf_counter() - started
    schedule = result.schedule
    changes = counts(compare_schedules(published, schedule))
    n = {str(kind): count for kind, count in changes.items()}
    return {
        "method": method,
        "status": str(result.status),
        "served_value": served_value(week, schedule),
        **n,
        "first_valid_s": round(first[0] if first else wall, 2),
        "wall_s": round(wall, 1),
        "valid": "yes" if not violations(week, schedule) else "NO",
    }


@click.command()
@click.option("--week", default="peak", show_default=True)
@click.option("--share", default=0.05, show_default=True)
@click.option("--time-limit", default=30.0, show_default=True)
@click.option("--workers", default=2, show_default=True)
@click.option("--seed", default=1, show_default=True)
def main(
    week: str, share: float, time_limit: float, workers: int, seed: int
) -> None:
    instance = load_instance(WEEKS / f"{week}.yaml")
    params = SolveParams(time_limit=time_limit, workers=workers, seed=0)
    published = plan_week(instance, "cpsat", params).schedule
    changed, notes = change_week(instance, share, seed)
    click.echo(
        f"{week}: {len(instance.delegations)} delegations; " + "; ".join(notes)
    )
    tsv = RESULTS / "replan.tsv"
    if tsv.exists():
        tsv.unlink()
    rows = []
    for method in (
        "replan cpsat",
        "replan cpsat max-changes 10",
        "replan cpsat max-changes 0",
        "replan greedy",
        "from scratch cpsat",
    ):
        row = {
            "week": week,
            "changed": len(notes),
            "time_limit_s": time_limit,
            **measure(method, changed, published, params),
        }
        append_row(tsv, row, COLUMNS)
        rows.append(row)
    lines = [
        f"# Re-plan vs plan from scratch ({machine()})",
        "",
        f"`python bench/replan.py --week {week} --share {share} "
        f"--time-limit {time_limit:g} --workers {workers} --seed {seed}`; "
        f"published plan: CP-SAT, {len(published.visits)} visits; "
        f"changes: {'; '.join(notes)}.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += [
        "| " + " | ".join(str(row.get(c, "")) for c in COLUMNS) + " |"
        for row in rows
    ]
    text = "\n".join(lines) + "\n"
    (RESULTS / "replan.md").write_text(text, encoding="utf-8")
    click.echo(text)


if __name__ == "__main__":
    main()
