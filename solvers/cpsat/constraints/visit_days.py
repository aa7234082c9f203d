"""Rule 1: a visit lies on one day, inside its pre-filtered start ranges."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from scheduler.problem import ProblemData
    from solvers.cpsat.variables import Variables


def add_visit_days(
    model: cp_model.CpModel, data: ProblemData, vars: Variables
) -> None:
    """Tie each visit to the day it lies on.

    Σ_k on(v, k) = present(v);  on(v, k) ⇒ L·k ≤ start(v) < L·(k+1), with
    L = ``data.day_length`` (1440 for calendar weeks).

    The start's domain already holds only starts on the slot grid inside an
    opening range and a day the delegation can reach the site and get back
    (``data.starts``), so a visit on day k lies inside that day's window.
    """
    for v in vars.visits:
        if len(v.days) == 1:  # the day literal is `present` itself
            continue
        model.add(sum(v.days.values()) == v.present)
        for k, on_day in v.days.items():
            lo, hi = data.day_span(k)
            model.add_linear_constraint(v.start, lo, hi - 1).only_enforce_if(
                on_day
            )
