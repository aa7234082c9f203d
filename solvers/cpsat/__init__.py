"""The product's solver: an OR-Tools CP-SAT model of SPEC rules 1–9.

``solve(data, params) -> Solution`` works on integer ``ProblemData`` only.
Layout (after PyJobShop): ``variables.py`` makes every decision variable;
``constraints/`` holds one module per rule family; ``objective.py`` builds
the objective; ``model.py`` builds in order, solves and extracts;
``hints.py`` turns a schedule into a complete warm start; ``conflicts.py``
explains infeasible requirements.
"""

from __future__ import annotations

from solvers.cpsat.model import solve

__all__ = ["solve"]
