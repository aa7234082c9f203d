"""Rule 2: one place at a time, with travel between places (lodging too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from scheduler.problem import ProblemData
    from solvers.cpsat.variables import Variables


def add_routes(
    model: cp_model.CpModel, data: ProblemData, vars: Variables
) -> None:
    """Route each delegation through its week as one circuit.

    Nodes: lodging_k for each outing day k, and the candidate visits.
    Arcs: lodging_k → lodging_{k+1} (day k idle), v → v (v absent),
    lodging_k → v, v → w, v → lodging_{k+1}; exactly one in, one out.

    move(v, w)         ⇒ start(w) ≥ end(v) + travel(s_v, s_w);
    leave(k, v)        ⇒ on(v, k)  (start(v) − travel(lodging, s_v) ≥ day.lo
                                    is in v's start domain);
    return(v, k)       ⇒ on(v, k)  (end(v) + travel(s_v, lodging) ≤ day.hi
                                    likewise).

    A day's path starts and ends on day k and starts grow along it, so
    every visit on it lies on day k: the moves are exactly the consecutive
    visits v_i, v_{i+1} of the SPEC.
    """
    for route in vars.routes:
        model.add_circuit(route.arcs())
        for move in route.moves:
            model.add(
                move.target.start >= move.origin.end + move.travel
            ).only_enforce_if(move.literal)
        for leave in route.leaves:
            on_day = leave.target.days[leave.day.day.index]
            model.add_implication(leave.literal, on_day)
        for back in route.returns:
            on_day = back.origin.days[back.day.day.index]
            model.add_implication(back.literal, on_day)
