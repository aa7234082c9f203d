"""How fast `visits options` answers on a planned week.

The week (default: the committed peak week) is planned with greedy, the
way a coordinator gets a first plan in a second; then ``slot_options`` is
timed for every request the plan leaves unserved (the requests a
coordinator asks options for) and, for comparison, for a sample of served
ones (alternatives to a visit). Every option returned is judged again
here with the full judge (``scheduler.check.violations``).

Writes ``bench/results/options.md`` and prints the table.

Usage::

    python bench/options.py [--week peak] [--top 10] [--served 20]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

if not __package__:  # run as a script: the repository, not bench/, first
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.common import p90
from bench.orienteering.tables import machine
from scheduler.check import violations
from visits.options import search_options, with_option
from visits.planning import plan_week
from whatif.scenario import load_instance

if TYPE_CHECKING:
    from scheduler.model import Instance, Schedule

REPO = Path(__file__).resolve().parent.parent
WEEKS = REPO / "instances" / "medellin" / "weeks"
RESULTS = REPO / "bench" / "results"
COLUMNS = (
    "requests",
    "median_ms",
    "p90_ms",
    "worst_ms",
    "with_options",
    "options_found",
    "displacing",
    "judge_valid",
)


def measure(
    instance: Instance,
    schedule: Schedule,
    asked: list[tuple[str, int]],
    top: int,
) -> dict[str, object]:
    """Time each request's search; judge every option it returns."""
    times: list[float] = []
    found = with_options = displacing = valid = 0
    for delegation, request in asked:
        started = time.perf_counter()
        search = search_options(
            instance, schedule, delegation, request, top=top
        )
        times.append((time.perf_counter() - started) * 1000)
        found += len(search.options)
        with_options += bool(search.options)
        displacing += sum(o.disruption for o in search.options)
        for option in search.options:
            after = with_option(
                instance, schedule, delegation, request, option
            )
            valid += not violations(instance, after)
    return {
        "requests": len(asked),
        "median_ms": round(statistics.median(times), 1) if times else "",
        "p90_ms": round(p90(times), 1) if times else "",
        "worst_ms": round(max(times), 1) if times else "",
        "with_options": with_options,
        "options_found": found,
        "displacing": displacing,
        "judge_valid": f"{valid}/{found}",
    }


@click.command()
@click.option("--week", default="peak", show_default=True)
@click.option("--top", default=10, show_default=True)
@click.option(
    "--served",
    default=20,
    show_default=True,
    help="Served requests also timed (every k-th visit).",
)
def main(week: str, top: int, served: int) -> None:
    instance = load_instance(WEEKS / f"{week}.yaml")
    started = time.perf_counter()
    schedule = plan_week(instance, "greedy").schedule
    plan_s = time.perf_counter() - started
    unserved = [(u.delegation, u.request) for u in schedule.unserved]
    visits = [v for v in schedule.visits if v.request is not None]
    step = max(1, len(visits) // served) if served else 0
    sample = (
        [(v.delegation, int(v.request or 0)) for v in visits[::step]][:served]
        if step
        else []
    )
    rows = [
        ("unserved", measure(instance, schedule, unserved, top)),
        ("served (alternatives)", measure(instance, schedule, sample, top)),
    ]
    header = ("asked for", *COLUMNS)
    lines = [
        f"# `visits options` on the {week} week ({machine()})",
        "",
        f"`python bench/options.py --week {week} --top {top} --served "
        f"{served}`; plan: greedy in {plan_s:.2f} s, "
        f"{len(schedule.visits)} visits, {len(unserved)} requests unserved "
        f"({len(instance.delegations)} delegations). Times are "
        "`slot_options` alone (the week loaded and planned once); every "
        "option returned was judged again with the full judge.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += [
        "| "
        + " | ".join([name, *(str(row.get(c, "")) for c in COLUMNS)])
        + " |"
        for name, row in rows
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "options.md").write_text(text, encoding="utf-8")
    click.echo(text)


if __name__ == "__main__":
    main()
