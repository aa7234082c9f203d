"""What the bench scripts share: TSV results, peak memory, time to the
first solution and measuring in a fresh interpreter.

Results files are tab-separated with a header line and are appended to one
row at a time, so a long run interrupted halfway keeps what it measured
and the next run can skip it (``read_rows`` gives back what is there).
"""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path


def p90(values: list[float]) -> float:
    """The 90th percentile as the bench tables report it (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def read_rows(path: Path) -> list[dict[str, str]]:
    """Every row of a results file as strings; none if it does not exist
    yet (a first run)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def append_row(
    path: Path, row: Mapping[str, object], columns: Sequence[str]
) -> None:
    """Append one row and close the file: an interrupted run loses at most
    the case it was measuring.

    The header is written when the file is new. Values are written in the
    order of ``columns``; a column the row lacks (a crashed run has no
    score) is left empty, and keys outside ``columns`` are not written.
    """
    fresh = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=columns, delimiter="\t", lineterminator="\n"
        )
        if fresh:
            writer.writeheader()
        writer.writerow({k: row.get(k, "") for k in columns})


def peak_mb() -> int:
    """This process's peak resident memory so far, in MB (rounded).

    ``ru_maxrss`` never goes down, which is why each measurement runs in
    its own interpreter (``run_child``). Linux reports it in KiB.
    """
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


class FirstSolution:
    """A progress callback (``SolveParams.progress``) that remembers when
    the first solution was reported: the time to first feasible.

    ``seconds`` counts from ``start`` (``time.perf_counter()``, by default
    when the callback is made) and stays None if no solution was reported,
    e.g. for a solver that does not report progress.
    """

    def __init__(self, start: float | None = None) -> None:
        self.start = time.perf_counter() if start is None else start
        self.seconds: float | None = None

    def __call__(self, _: object) -> None:
        if self.seconds is None:
            self.seconds = time.perf_counter() - self.start


@dataclass(frozen=True)
class ChildFailure:
    """A child interpreter that gave no row: how it ended and what it
    said, so the caller can record the crash or stop the run."""

    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    """Seconds from starting the child to its end."""

    @property
    def last_error(self) -> str:
        """The last line of stderr (the exception, for a traceback), at
        most 300 characters: short enough for a results row."""
        text = self.stderr.strip()
        return text.splitlines()[-1][:300] if text else ""


def run_child(cmd: Sequence[str]) -> dict[str, Any] | ChildFailure:
    """Run ``cmd`` (a fresh interpreter measuring one case) and read the
    JSON row it prints as its last line of stdout.

    A fresh process gives each case its own peak memory and no state left
    over from the previous one. A non-zero exit or no output at all is a
    ``ChildFailure``, not an exception: a long run can note it and go on.
    """
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode == 0 and lines:
        row: dict[str, Any] = json.loads(lines[-1])
        return row
    return ChildFailure(
        returncode=proc.returncode,
        stdout=proc.stdout,
        stderr=proc.stderr,
        wall_s=time.perf_counter() - started,
    )
