"""The verifier: a solution's tours checked against the instance file.

It knows nothing of any solver: ``verify`` recomputes the score and the
broken windows, Tmax and repeats from the file alone, for our solver and
PyVRP alike. ``tours_of`` reads our solver's visits back as such tours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.orienteering.instances import day_length

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bench.orienteering.instances import Toptw
    from scheduler.problem.solution import Solution

Route = tuple[int, ...]
"""Customer vertex ids (1..N) in visiting order."""


@dataclass(frozen=True)
class Verdict:
    """A solution's score recomputed from the file, and what is wrong."""

    score: int
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def verify(
    inst: Toptw,
    m: int,
    routes: Sequence[Route],
    starts: Sequence[Sequence[int]] | None = None,
) -> Verdict:
    """Check m tours against the file: windows, Tmax, each vertex once.

    Without ``starts`` each tour is timed at its earliest:
    ``start_j = max(start_i + d_i + t_ij, O_j)``, ``start_j ≤ C_j`` and
    ``start_last + d_last + t_last,0 ≤ Tmax`` (scaled units). With
    ``starts`` (scaled, from the tour's own start at 0) the given times
    are checked instead: ``O_j ≤ start_j ≤ C_j``, the travel between
    visits, leaving the depot at 0 or later and returning by Tmax.
    """
    errors: list[str] = []
    sc = inst.scale
    if len(routes) > m:
        errors.append(f"{len(routes)} tours for m = {m}")
    seen: set[int] = set()
    for k, route in enumerate(routes):
        given = starts[k] if starts is not None else None
        if given is not None and len(given) != len(route):
            errors.append(
                f"tour {k}: {len(given)} start times for {len(route)} visits"
            )
            continue
        here, prev, prev_end = 0, 0, 0
        for pos, vid in enumerate(route):
            if not 1 <= vid <= inst.n:
                errors.append(f"tour {k}: vertex {vid} is not a customer")
                break
            if vid in seen:
                errors.append(f"tour {k}: vertex {vid} visited twice")
            seen.add(vid)
            v = inst.vertices[vid]
            earliest = prev_end + inst.travel(prev, vid)
            if given is None:
                here = max(earliest, v.open * sc)
            else:
                here = given[pos]
                if here < earliest:
                    errors.append(
                        f"tour {k}: vertex {vid} starts at {here}, before "
                        f"it can be reached ({earliest})"
                    )
                if here < v.open * sc:
                    errors.append(
                        f"tour {k}: vertex {vid} starts at {here}, before "
                        f"its window opens ({v.open * sc})"
                    )
            if here > v.close * sc:
                errors.append(
                    f"tour {k}: vertex {vid} starts at {here}, after its "
                    f"window closes ({v.close * sc})"
                )
            prev, prev_end = vid, here + v.duration * sc
        back = prev_end + inst.travel(prev, 0)
        if route and back > inst.tmax:
            errors.append(
                f"tour {k}: back at the depot at {back} > Tmax {inst.tmax}"
            )
    score = sum(inst.vertices[v].score for v in seen if 1 <= v <= inst.n)
    return Verdict(score, tuple(errors))


def tours_of(
    inst: Toptw, m: int, solution: Solution
) -> tuple[list[Route], list[list[int]], list[str]]:
    """Our solver's visits as tours: by day, by start, times from the day's
    start; plus what cannot be read as a tour at all.
    """
    h = day_length(inst)
    by_day: dict[int, list[tuple[int, int]]] = {}
    problems = []
    for v in solution.visits:
        if v.delegation != 0 or not 0 <= v.site < inst.n:
            problems.append(f"visit {v} is not a customer of the one tour")
            continue
        k = v.start // h
        if not 0 <= k < m:
            problems.append(f"visit to vertex {v.site + 1} on day {k}")
            continue
        by_day.setdefault(k, []).append((v.start - k * h, v.site + 1))
    routes: list[Route] = []
    starts: list[list[int]] = []
    for k in sorted(by_day):
        stops = sorted(by_day[k])
        routes.append(tuple(vid for _, vid in stops))
        starts.append([t for t, _ in stops])
    return routes, starts, problems
