"""The command line: solve, verify and tabulate one set of instances.

``bench/toptw.py`` launches ``main``; runs are resumable, the cases
already in the set's TSV file are skipped.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bench.common import append_row, read_rows
from bench.orienteering.instances import DEFAULT_DATA, REPO, load
from bench.orienteering.rows import COLUMNS, read_bks, result_row
from bench.orienteering.runs import solve_ours, solve_pyvrp
from bench.orienteering.tables import summary, write_overall
from scheduler.errors import InputError, Problem

if TYPE_CHECKING:
    from collections.abc import Sequence

RESULTS = REPO / "bench" / "results"


def cases_of(data_dir: Path, set_name: str, only: Sequence[str]) -> list[Path]:
    folder = data_dir / set_name
    if not folder.is_dir():
        sets = sorted(p.name for p in data_dir.iterdir() if p.is_dir())
        raise InputError(
            [
                Problem(
                    str(folder),
                    "--set",
                    f"no such set; choose one of {', '.join(sets)}",
                )
            ]
        )
    files = sorted(folder.glob("*.txt"))
    if only:
        known = {p.stem for p in files}
        unknown = [c for c in only if c not in known]
        if unknown:
            raise InputError(
                [
                    Problem(
                        str(folder),
                        "--cases",
                        f"unknown instance(s) {', '.join(unknown)}; the set has "
                        f"{', '.join(sorted(known))}",
                    )
                ]
            )
        files = [p for p in files if p.stem in only]
    return files


def m_values(text: str) -> list[int | str]:
    out: list[int | str] = []
    for part in text.split(","):
        part = part.strip()
        if part == "v":
            out.append("v")
        elif part.isdigit() and int(part) > 0:
            out.append(int(part))
        else:
            raise click.BadParameter(
                f"{part!r}: give tour counts like 1,2,3,4 (or v)"
            )
    return out


@click.command()
@click.option(
    "--set",
    "set_name",
    required=True,
    help="Instance folder, e.g. c_r_rc_100_100.",
)
@click.option(
    "--m",
    "m_text",
    default="1,2,3,4",
    show_default=True,
    help="Tour counts, comma-separated; v = the header's v.",
)
@click.option(
    "--time-limit",
    default=60.0,
    show_default=True,
    help="Seconds per case and solver.",
)
@click.option(
    "--cases", default="", help="Only these instances, e.g. c101,r101."
)
@click.option(
    "--solver",
    default="cpsat",
    show_default=True,
    type=click.Choice(["cpsat", "greedy", "none"]),
)
@click.option(
    "--peer",
    default="",
    type=click.Choice(["", "pyvrp"]),
    help="Run PyVRP alone too, as a peer column.",
)
@click.option("--workers", default=2, show_default=True)
@click.option("--seed", default=0, show_default=True)
@click.option(
    "--pool/--no-pool",
    default=True,
    show_default=True,
    help="One never-binding vehicle pool in the compiled data (SPEC rule "
    "8 puts every day out on a pool).",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_DATA,
    show_default=True,
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=RESULTS,
    show_default=True,
)
def main(
    set_name: str,
    m_text: str,
    time_limit: float,
    cases: str,
    solver: str,
    peer: str,
    workers: int,
    seed: int,
    pool: bool,
    data_dir: Path,
    out_dir: Path,
) -> None:
    """Solve, verify and tabulate a TOPTW set (skips cases already done)."""
    try:
        files = cases_of(
            data_dir, set_name, [c for c in cases.split(",") if c]
        )
        bks = read_bks(data_dir)
    except InputError as err:
        for p in err.problems:
            click.echo(f"error: {p}", err=True)
        sys.exit(2)
    tsv = out_dir / f"toptw-{set_name}.tsv"
    done = {(r["instance"], r["m"], r["solver"]) for r in read_rows(tsv)}
    solvers = [s for s in (solver, peer) if s and s != "none"]
    for path in files:
        inst = load(path)
        for m_item in m_values(m_text):
            m = inst.paths if m_item == "v" else int(m_item)
            for name in solvers:
                if (inst.name, str(m), name) in done:
                    continue
                if name == "pyvrp":
                    outcome = solve_pyvrp(inst, m, time_limit, seed)
                else:
                    outcome = solve_ours(
                        inst,
                        m,
                        name,
                        time_limit,
                        workers=workers,
                        seed=seed,
                        pool=pool,
                    )
                row = result_row(
                    inst, m, name, outcome, bks.get((inst.name, m))
                )
                append_row(tsv, row, COLUMNS)
                click.echo(
                    f"{inst.name:>8} m={m} {name:>6}: score "
                    f"{row['score'] or '-':>5} bks {row['bks'] or '-':>5} "
                    f"gap {row['gap_pct'] or '-':>6} % "
                    f"best@{row['time_to_best_s']:>5}s {row['status']} "
                    f"verified={row['verified']} {row['note']}"
                )
    md = out_dir / f"toptw-{set_name}.md"
    md.write_text(summary(read_rows(tsv), set_name), encoding="utf-8")
    click.echo(
        f"rows: {tsv}\nsummary: {md}\nall sets: {write_overall(out_dir)}"
    )
