"""The ground contract: integer problem data and what a solver returns.

Solvers read only this package (``ProblemData`` in, ``Solution`` out); it
imports no calendar module, no solver, no export. ``scheduler.compile``
builds the data from a calendar week, ``scheduler.build`` maps a solution
back to calendar times.
"""

from scheduler.problem.data import (
    DayData,
    DelegationData,
    LockedData,
    PresenterData,
    ProblemData,
    RequestData,
    SiteData,
    VehicleData,
)
from scheduler.problem.solution import (
    PlannedVisit,
    Progress,
    ProgressCallback,
    Settings,
    Solution,
    SolveParams,
    Status,
    schedule_value,
)
from scheduler.problem.windows import (
    Window,
    format_clock,
    intersect,
    subtract,
    union,
)

__all__ = [
    "DayData",
    "DelegationData",
    "LockedData",
    "PlannedVisit",
    "PresenterData",
    "ProblemData",
    "Progress",
    "ProgressCallback",
    "RequestData",
    "Settings",
    "SiteData",
    "Solution",
    "SolveParams",
    "Status",
    "VehicleData",
    "Window",
    "format_clock",
    "intersect",
    "schedule_value",
    "subtract",
    "union",
]
