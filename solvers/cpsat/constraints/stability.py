"""Re-planning (``visits replan``): published visits stay where they are.

A published visit (delegation, site, start, presenter) is *kept* when the
new plan has the same visit at the same start with the same presenter.
The objective counts the visits not kept right after the served value
(``objective.py``); ``max_changes`` bounds how many may change at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ortools.sat.python import cp_model

    from scheduler.problem import LockedData, ProblemData
    from scheduler.problem.solution import PlannedVisit
    from solvers.cpsat.variables import Variables


def same_place(
    published: LockedData, visit: PlannedVisit, data: ProblemData
) -> bool:
    """The visit is the published one, unchanged for the people invited."""
    presenter_needed = data.sites[published.site].department >= 0
    return (
        visit.delegation == published.delegation
        and visit.site == published.site
        and visit.start == published.start
        and (not presenter_needed or visit.presenter == published.presenter)
    )


def changed_count(data: ProblemData, visits: Sequence[PlannedVisit]) -> int:
    """How many published visits a schedule moves, re-hosts or drops."""
    at = {(v.delegation, v.site): v for v in visits}
    return sum(
        1
        for p in data.published
        if (v := at.get((p.delegation, p.site))) is None
        or not same_place(p, v, data)
    )


def add_stability(
    model: cp_model.CpModel,
    data: ProblemData,
    vars: Variables,
    fixed: Sequence[PlannedVisit] = (),
) -> list[cp_model.IntVar]:
    """kept(p) ⇒ the visit present, at p's start, with p's presenter;
    Σ (1 − kept) ≤ max_changes. Returns the kept literals.

    A published visit outside the model (a neighbourhood of ``lns.py``)
    is kept when a fixed visit is it, and changed otherwise; a model of
    some delegations alone, without fixed visits (``bounds.py``), leaves
    the others' visits out.
    """
    kept: list[cp_model.IntVar] = []
    changed_outside = 0
    fixed_at = {(v.delegation, v.site): v for v in fixed}
    for i, p in enumerate(data.published):
        visit = (
            vars.visit(p.delegation, p.site)
            if p.delegation in vars.delegations
            else None
        )
        if visit is None:
            if p.delegation not in vars.delegations and not fixed:
                continue  # a model of some delegations alone (caps)
            background = fixed_at.get((p.delegation, p.site))
            if background is None or not same_place(p, background, data):
                changed_outside += 1
            continue
        literal = model.new_bool_var(f"kept_{i}")
        model.add_implication(literal, visit.present)
        model.add(visit.start == p.start).only_enforce_if(literal)
        if data.sites[p.site].department >= 0:
            hosts = [
                c.literal
                for c in vars.choices_for(visit)
                if c.presenter == p.presenter
            ]
            if hosts:
                model.add_implication(literal, hosts[0])
            else:
                model.add(literal == 0)
        kept.append(literal)
    if data.max_changes is not None:
        model.add(
            sum(1 - k for k in kept) + changed_outside <= data.max_changes
        )
    return kept
