"""The product's solver: an OR-Tools CP-SAT model of SPEC rules 1–9.

``solve(data, params) -> Solution`` works on integer ``ProblemData`` only.
Layout (after PyJobShop): ``variables.py`` holds every decision variable
(``declare.py`` makes them); ``constraints/`` holds one module per rule family; ``objective.py`` builds
the objective; ``formulation.py`` builds them in order and extracts the
visits; ``strategy.py`` spends the time limit (every share named there);
``callbacks.py`` reports progress and stops on request; ``hints.py`` turns a
schedule into a complete warm start; ``bounds.py`` proves value bounds;
``lns.py`` improves big weeks neighbourhood by neighbourhood;
``conflicts.py`` explains infeasible requirements.
"""

from __future__ import annotations

from solvers.cpsat.strategy import solve

__all__ = ["solve"]
