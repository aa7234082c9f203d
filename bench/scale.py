"""How cost grows with the week: 15 to 1,000 delegations on the Medellín
catalog, greedy and CP-SAT.

Each (size, solver) runs in its own subprocess, so its peak memory
(``ru_maxrss``: Python, OR-Tools and all) is its own. A run generates the
week (``scheduler.generate.generate_week``: Medellín's demand, fixed seed),
compiles it, solves it with the time limit, maps the answer to a calendar
schedule and has the independent judge (``scheduler.check.violations``)
check it. Rows go to ``bench/results/scale.tsv`` (resumable: a size and
solver already there with the same time limit, workers and seed is
skipped); the table ``scale.md`` and the log-log chart ``scale.svg`` are
rewritten from all rows.

The catalog as written carries the peak week (60 delegations: about 70 %
of requests served by the greedy). Beyond that every instance is saturated
(the surge week, 200, leaves three requests in four unserved; 1,000 would
leave nine in ten), which measures the catalog, not the solver. So for n
delegations the catalog is scaled by ``f = ceil(n / base)``, base 60
(``scale_catalog``): each site's capacity and max_groups × f, each
presenter cloned f times (same department, languages, hours, daily limit),
each vehicle pool's count × f. Demand per unit of capacity then stays at or
below the peak week's. ``--base 100000`` runs the catalog as written.

Usage::

    python bench/scale.py --sizes 15,60,200,500,1000 \\
        --solvers greedy,cpsat --time-limit 300 [--workers 2] [--seed 1]
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if not __package__:  # run as a script: the repository, not bench/, first
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import common
from bench.common import (
    ChildFailure,
    FirstSolution,
    append_row,
    peak_mb,
    read_rows,
)
from bench.orienteering.tables import machine
from bench.scale_tables import chart, table

if TYPE_CHECKING:
    from scheduler.model import Catalog, Instance

REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO / "instances" / "medellin" / "catalog.yaml"
RESULTS = REPO / "bench" / "results"
WEEK = "2026-W48"
BASE = 60
"""Delegations the catalog as written carries: the peak week (the surge
week, 200, leaves three requests in four unserved)."""

COLUMNS = (
    "delegations",
    "solver",
    "time_limit_s",
    "workers",
    "seed",
    "factor",
    "requests",
    "candidates",
    "first_feasible_s",
    "wall_s",
    "status",
    "value",
    "bound",
    "gap_pct",
    "served",
    "violations",
    "peak_mb",
    "generate_s",
    "compile_s",
    "schedule_s",
    "note",
)


def factor_for(n: int, base: int = BASE) -> int:
    """Catalog multiplier: 1 up to ``base`` delegations, then
    ceil(n / base)."""
    return max(1, math.ceil(n / base))


def scale_catalog(catalog: Catalog, factor: int) -> Catalog:
    """More room, same city: capacity, max_groups, presenters and vans × f.

    Sites keep their hours, topics and places; presenter clones keep their
    department, languages and availability, with ids ``<id>-2``, ...
    """
    if factor <= 1:
        return catalog
    sites = [
        s.model_copy(
            update={
                "capacity": s.capacity * factor,
                "max_groups": s.max_groups * factor,
            }
        )
        for s in catalog.sites
    ]
    presenters = [
        p.model_copy(
            update={
                "id": p.id if k == 1 else f"{p.id}-{k}",
                "email": p.email
                if k == 1 or not p.email
                else (p.email.replace("@", f"+{k}@", 1)),
            }
        )
        for p in catalog.presenters
        for k in range(1, factor + 1)
    ]
    vehicles = [
        v.model_copy(update={"count": v.count * factor})
        for v in catalog.vehicles
    ]
    return catalog.model_copy(
        update={"sites": sites, "presenters": presenters, "vehicles": vehicles}
    )


def make_instance(
    catalog_path: Path, n: int, seed: int, base: int = BASE, week: str = WEEK
) -> tuple[Instance, int]:
    """A generated week of n delegations on the (scaled) catalog."""
    from scheduler.generate import generate_week
    from scheduler.loading import load_catalog
    from scheduler.model import Delegation, Horizon, Instance

    mapping = generate_week(catalog_path, week, n, seed)
    factor = factor_for(n, base)
    catalog = scale_catalog(load_catalog(catalog_path), factor)
    instance = Instance(
        name=f"scale-{n}",
        catalog=catalog,
        horizon=Horizon.model_validate(mapping["horizon"]),
        delegations=[
            Delegation.model_validate(d) for d in mapping["delegations"]
        ],
    )
    return instance, factor


def measure(
    n: int,
    solver: str,
    time_limit: float,
    workers: int,
    seed: int,
    catalog_path: Path,
    base: int = BASE,
) -> dict[str, Any]:
    """One size and solver, in this process (run it in a fresh one)."""
    from scheduler.build import to_schedule
    from scheduler.check import violations
    from scheduler.compile import compile_instance
    from scheduler.problem import SolveParams
    from solvers import solve

    t0 = time.perf_counter()
    instance, factor = make_instance(catalog_path, n, seed, base)
    t1 = time.perf_counter()
    data = compile_instance(instance)
    t2 = time.perf_counter()
    first = FirstSolution(t2)
    solution = solve(
        data,
        solver,
        SolveParams(
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            progress=first,
        ),
    )
    t3 = time.perf_counter()
    schedule = to_schedule(instance, data, solution, solver)
    broken = violations(instance, schedule)
    t4 = time.perf_counter()
    requests = sum(len(d.requests) for d in data.delegations)
    served = len(
        {(v.delegation, v.request) for v in solution.visits if v.request >= 0}
    )
    value, bound = solution.objective, solution.bound
    gap = (
        100.0 * (bound - value) / bound
        if value is not None and bound is not None and bound > 0
        else None
    )
    found = solution.visits or solution.objective is not None
    return {
        "delegations": n,
        "solver": solver,
        "time_limit_s": time_limit,
        "workers": workers,
        "seed": seed,
        "factor": factor,
        "requests": requests,
        "candidates": sum(
            len(data.candidate_sites(d)) for d in range(len(data.delegations))
        ),
        "first_feasible_s": round(
            (first.seconds if first.seconds is not None else t3 - t2)
            if found
            else float("nan"),
            2,
        ),
        "wall_s": round(t3 - t2, 2),
        "status": str(solution.status),
        "value": "" if value is None else round(value),
        "bound": "" if bound is None else round(bound),
        "gap_pct": "" if gap is None else round(gap, 2),
        "served": f"{served}/{requests}",
        "violations": len(broken),
        "peak_mb": peak_mb(),
        "generate_s": round(t1 - t0, 2),
        "compile_s": round(t2 - t1, 2),
        "schedule_s": round(t4 - t3, 2),
        "note": "; ".join(str(v) for v in broken[:3])[:300],
    }


def run_child(
    n: int,
    solver: str,
    time_limit: float,
    workers: int,
    seed: int,
    catalog_path: Path,
    base: int = BASE,
) -> dict[str, Any]:
    """``measure`` in a fresh interpreter; a crash becomes a row."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        "--sizes",
        str(n),
        "--solvers",
        solver,
        "--time-limit",
        str(time_limit),
        "--workers",
        str(workers),
        "--seed",
        str(seed),
        "--catalog",
        str(catalog_path),
        "--base",
        str(base),
    ]
    got = common.run_child(cmd)
    if not isinstance(got, ChildFailure):
        return got
    return {
        "delegations": n,
        "solver": solver,
        "time_limit_s": time_limit,
        "workers": workers,
        "seed": seed,
        "factor": factor_for(n, base),
        "wall_s": round(got.wall_s, 2),
        "status": f"CRASH {got.returncode}",
        "note": got.last_error,
    }


# --- results ------------------------------------------------------------------


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        str(float(row[k])) if k == "time_limit_s" else str(row[k])
        for k in (
            "delegations",
            "solver",
            "time_limit_s",
            "workers",
            "seed",
            "factor",
        )
    )


# --- the command ------------------------------------------------------------


def _ints(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: give sizes like 15,60,200"
        ) from None
    if not values or min(values) < 1:
        raise click.BadParameter(f"{text!r}: give sizes like 15,60,200")
    return values


@click.command()
@click.option("--sizes", default="15,60,200,500,1000", show_default=True)
@click.option("--solvers", default="greedy,cpsat", show_default=True)
@click.option(
    "--time-limit", default=60.0, show_default=True, help="Seconds per solve."
)
@click.option("--workers", default=2, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--base",
    default=BASE,
    show_default=True,
    help="Delegations the catalog carries as written; larger weeks get "
    "the catalog × ceil(n / base).",
)
@click.option(
    "--catalog",
    "catalog_path",
    type=click.Path(path_type=Path),
    default=CATALOG,
    show_default=True,
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=RESULTS,
    show_default=True,
)
@click.option(
    "--child",
    is_flag=True,
    hidden=True,
    help="Measure one size and solver here; print a JSON row.",
)
def main(
    sizes: str,
    solvers: str,
    time_limit: float,
    workers: int,
    seed: int,
    base: int,
    catalog_path: Path,
    out_dir: Path,
    child: bool,
) -> None:
    """Measure each size and solver in a subprocess; tabulate and chart."""
    names = [s for s in solvers.split(",") if s]
    if child:
        row = measure(
            _ints(sizes)[0],
            names[0],
            time_limit,
            workers,
            seed,
            catalog_path,
            base,
        )
        click.echo(json.dumps(row))
        return
    tsv = out_dir / "scale.tsv"
    done = {_key(r) for r in read_rows(tsv)}
    for n in _ints(sizes):
        for name in names:
            key = _key(
                {
                    "delegations": n,
                    "solver": name,
                    "time_limit_s": time_limit,
                    "workers": workers,
                    "seed": seed,
                    "factor": factor_for(n, base),
                }
            )
            if key in done:
                continue
            row = run_child(
                n, name, time_limit, workers, seed, catalog_path, base
            )
            append_row(tsv, row, COLUMNS)
            click.echo(
                f"{n:>5} {name:>6}: first {row.get('first_feasible_s')} s, "
                f"wall {row.get('wall_s')} s, {row.get('status')}, value "
                f"{row.get('value')}, gap {row.get('gap_pct')} %, served "
                f"{row.get('served')}, violations {row.get('violations')}, "
                f"peak {row.get('peak_mb')} MB {row.get('note') or ''}"
            )
    rows = read_rows(tsv)
    (out_dir / "scale.md").write_text(
        table(rows, machine(), WEEK), encoding="utf-8"
    )
    (out_dir / "scale.svg").write_text(chart(rows), encoding="utf-8")
    click.echo(f"rows: {tsv}\ntable: {out_dir / 'scale.md'}")


if __name__ == "__main__":
    main()
