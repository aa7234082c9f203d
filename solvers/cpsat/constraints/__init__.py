"""One module per hard-constraint family, each with one ``add_<family>``.

Every ``add_<family>(model, data, vars) -> None`` states its meaning as a
formula in its docstring. ``solvers.cpsat.formulation.build`` calls them in order.
"""

from __future__ import annotations

from solvers.cpsat.constraints.day_limits import add_day_limits
from solvers.cpsat.constraints.locked import add_locked
from solvers.cpsat.constraints.lunch import add_lunch
from solvers.cpsat.constraints.presenters import add_presenters
from solvers.cpsat.constraints.requests import add_requests
from solvers.cpsat.constraints.routes import add_routes
from solvers.cpsat.constraints.site_capacity import add_site_capacity
from solvers.cpsat.constraints.vehicles import add_vehicles
from solvers.cpsat.constraints.visit_days import add_visit_days

__all__ = [
    "add_day_limits",
    "add_locked",
    "add_lunch",
    "add_presenters",
    "add_requests",
    "add_routes",
    "add_site_capacity",
    "add_vehicles",
    "add_visit_days",
]
