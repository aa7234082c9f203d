"""Rule 5: site capacity in people and in groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from scheduler.problem import ProblemData
    from solvers.cpsat.variables import Variables


def add_site_capacity(
    model: cp_model.CpModel, data: ProblemData, vars: Variables
) -> None:
    """At any minute t, per site s:

    Σ_{v at s, t ∈ [start(v), end(v))} 1 ≤ max_groups(s)       (groups)
    Σ_{v at s, t ∈ [start(v), end(v))} size(d_v) ≤ capacity(s) (people)

    One group at a time is a no-overlap; the people limit is left out
    where no max_groups delegations together exceed it. Background visits
    (``vars.fixed``) take part as fixed intervals.
    """
    for s, site in enumerate(data.sites):
        visits = vars.visits_at(s)
        fixed = vars.fixed_at(s)
        if not visits or len(visits) + len(fixed) < 2:
            continue
        intervals = [v.interval for v in visits] + [
            model.new_fixed_size_interval_var(
                v.start, site.duration, f"fixed_D{v.delegation}_S{s}"
            )
            for v in fixed
        ]
        sizes = [data.delegations[v.delegation].size for v in visits] + [
            data.delegations[v.delegation].size for v in fixed
        ]
        if site.max_groups == 1:
            model.add_no_overlap(intervals)
            continue
        if len(intervals) > site.max_groups:
            model.add_cumulative(
                intervals, [1] * len(intervals), site.max_groups
            )
        largest = sorted(sizes, reverse=True)[: site.max_groups]
        if sum(largest) > site.capacity:
            model.add_cumulative(intervals, sizes, site.capacity)
