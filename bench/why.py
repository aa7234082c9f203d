"""How fast the reasons are found and `visits why` answers, per week.

Each committed week (default: normal, peak and surge) is planned with
greedy. Timed: the reasons of every unserved request
(``scheduler.reasons.unserved``, what ``visits plan`` adds to a schedule),
and ``why_request`` for every unserved request (what ``visits why`` and
the web app's "why not?" page compute). Also counted: the reasons by kind,
and unserved requests whose static reason disagrees with a start that
``why_request`` finds fitting alone in the plan (0 expected).

Writes ``bench/results/why.md`` and prints the table.

Usage::

    python bench/why.py [--week normal --week peak --week surge] [--most 200]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import click

if not __package__:  # run as a script: the repository, not bench/, first
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.common import p90
from bench.orienteering.tables import machine
from scheduler.build import to_schedule
from scheduler.compile import compile_instance
from scheduler.explain.words import STATIC_KINDS
from scheduler.reasons import unserved
from solvers import solve
from visits.why import why_request
from whatif.scenario import load_instance

REPO = Path(__file__).resolve().parent.parent
WEEKS = REPO / "instances" / "medellin" / "weeks"
RESULTS = REPO / "bench" / "results"
COLUMNS = (
    "week",
    "delegations",
    "unserved",
    "reasons_s",
    "why_asked",
    "why_median_ms",
    "why_p90_ms",
    "why_worst_ms",
    "static_yet_fits",
    "kinds",
)


def measure(week: str, most: int) -> dict[str, object]:
    instance = load_instance(WEEKS / f"{week}.yaml")
    data = compile_instance(instance)
    solution = solve(data, "greedy")
    schedule = to_schedule(instance, data, solution, "greedy")
    served = {(v.delegation, v.request) for v in solution.visits}
    started = time.perf_counter()
    entries = unserved(instance, data, solution.visits, served)
    reasons_s = time.perf_counter() - started
    times: list[float] = []
    wrong = 0
    for u in schedule.unserved[:most]:
        started = time.perf_counter()
        answer = why_request(instance, schedule, u.delegation, u.request)
        times.append((time.perf_counter() - started) * 1000)
        wrong += bool(u.kind in STATIC_KINDS and answer.fits)
    kinds = Counter(e.kind for e in entries)
    return {
        "week": week,
        "delegations": len(instance.delegations),
        "unserved": len(entries),
        "reasons_s": round(reasons_s, 2),
        "why_asked": len(times),
        "why_median_ms": round(statistics.median(times), 1) if times else "",
        "why_p90_ms": round(p90(times), 1) if times else "",
        "why_worst_ms": round(max(times), 1) if times else "",
        "static_yet_fits": wrong,
        "kinds": ", ".join(f"{k} {n}" for k, n in kinds.most_common()),
    }


@click.command()
@click.option(
    "--week", "weeks", multiple=True, default=("normal", "peak", "surge")
)
@click.option(
    "--most",
    default=200,
    show_default=True,
    help="At most this many unserved requests asked `why` per week.",
)
def main(weeks: tuple[str, ...], most: int) -> None:
    rows = [measure(week, most) for week in weeks]
    lines = [
        f"# Reasons and `visits why` ({machine()})",
        "",
        f"`python bench/why.py {' '.join(f'--week {w}' for w in weeks)} "
        f"--most {most}`; each week planned with greedy. `reasons_s`: "
        "every unserved request's reason (static or outcompeted); `why_*`: "
        "`why_request` per unserved request (the first `--most`); "
        "`static_yet_fits`: a static reason although `why` finds a start "
        "that fits (0 expected).",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += [
        "| " + " | ".join(str(row.get(c, "")) for c in COLUMNS) + " |"
        for row in rows
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "why.md").write_text(text, encoding="utf-8")
    click.echo(text)


if __name__ == "__main__":
    main()
