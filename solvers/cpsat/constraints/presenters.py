"""Rule 6: one available presenter who speaks a shared language."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from solvers.cpsat.variables import start_domain

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from scheduler.problem import ProblemData
    from solvers.cpsat.variables import Variables


def add_presenters(
    model: cp_model.CpModel, data: ProblemData, vars: Variables
) -> None:
    """Choose a presenter for each visit that needs one.

    Σ_{p ∈ presenters_for(d, s)} host(v, p) = present(v)   (site's department,
                                                   a shared language)
    host(v, p) ⇒ [start(v), end(v)) ⊆ one availability range of p
    per presenter: no overlap of [start(v), end(v)) over host(v, p)
    per presenter and day k: Σ_v host(v, p) ∧ on(v, k) ≤ max_per_day(p)

    A locked presenter is the only candidate of its visit (variables.py).
    Background visits (``vars.fixed``) keep their presenters busy and
    count toward the daily cap.
    """
    for v in vars.visits:
        if data.sites[v.site].department < 0:
            continue
        choices = vars.choices_for(v)
        model.add(sum(c.literal for c in choices) == v.present)
        for c in choices:
            if c.allowed is not None:
                model.add_linear_expression_in_domain(
                    v.start, start_domain(c.allowed)
                ).only_enforce_if(c.literal)
            for k, hosts_on_day in c.days.items():
                if hosts_on_day is c.literal:
                    continue
                model.add_implication(hosts_on_day, c.literal)
                model.add_implication(hosts_on_day, v.days[k])
                model.add_bool_or([~c.literal, ~v.days[k], hosts_on_day])
    for p, presenter in enumerate(data.presenters):
        choices = vars.choices_of(p)
        if not choices:
            continue
        busy = vars.fixed_hosted_by(p)
        intervals = [c.interval for c in choices] + [
            model.new_fixed_size_interval_var(
                b.start,
                data.sites[b.site].duration,
                f"fixed_P{p}_D{b.delegation}",
            )
            for b in busy
        ]
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
        hosted: dict[int, int] = defaultdict(int)
        for b in busy:
            hosted[data.day_of(b.start)] += 1
        per_day: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for c in choices:
            for k, literal in c.days.items():
                per_day[k].append(literal)
        for k, literals in per_day.items():
            cap = presenter.max_per_day - hosted[k]
            if len(literals) > cap:
                model.add(sum(literals) <= cap)
