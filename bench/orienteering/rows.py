"""One result row a case and solver: verified, against the best known.

``result_row`` turns an ``Outcome`` into the ``COLUMNS`` of
``bench/results/toptw-<set>.tsv``; ``read_bks`` reads the best-known
scores it is measured against.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.orienteering.verify import verify

if TYPE_CHECKING:
    from pathlib import Path

    from bench.orienteering.instances import Toptw
    from bench.orienteering.runs import Outcome

COLUMNS = (
    "instance",
    "m",
    "solver",
    "score",
    "bks",
    "bks_status",
    "gap_pct",
    "time_to_best_s",
    "wall_s",
    "status",
    "bound",
    "verified",
    "note",
)


@dataclass(frozen=True)
class Bks:
    score: int
    status: str
    source: str


def read_bks(data_dir: Path) -> dict[tuple[str, int], Bks]:
    """BKS.tsv: (instance, m) -> best-known score."""
    out = {}
    with (data_dir / "BKS.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out[(row["instance"], int(row["m"]))] = Bks(
                int(row["bks_score"]), row["status"], row["source"]
            )
    return out


def result_row(
    inst: Toptw,
    m: int,
    solver: str,
    outcome: Outcome,
    bks: Bks | None,
) -> dict[str, str]:
    """Verify and format; a rejected solution reports no score."""
    verdict = verify(inst, m, outcome.routes, outcome.starts)
    errors = list(outcome.problems) + list(verdict.errors)
    if (
        outcome.claimed is not None
        and not errors
        and (round(outcome.claimed) != verdict.score)
    ):
        errors.append(
            f"solver claims {outcome.claimed:g}, routes score {verdict.score}"
        )
    ok = not errors
    score = verdict.score if ok else None
    gap = (
        100.0 * (bks.score - score) / bks.score
        if bks is not None and score is not None and bks.score
        else None
    )
    return {
        "instance": inst.name,
        "m": str(m),
        "solver": solver,
        "score": "" if score is None else str(score),
        "bks": "" if bks is None else str(bks.score),
        "bks_status": "" if bks is None else bks.status,
        "gap_pct": "" if gap is None else f"{gap:.2f}",
        "time_to_best_s": f"{outcome.time_to_best_s:.1f}",
        "wall_s": f"{outcome.wall_s:.1f}",
        "status": outcome.status,
        "bound": "" if outcome.bound is None else f"{outcome.bound:g}",
        "verified": "yes" if ok else "no",
        "note": "; ".join(errors)[:300],
    }
