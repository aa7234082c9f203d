"""`visits check`: an independent judge of a schedule against SPEC 1–9.

The judge reads the calendar ``Instance`` and the ``Schedule`` only; it
knows nothing of ``ProblemData`` or of any solver, so a bug in the
compilation or in a solver cannot hide itself here. Every check states the
rule it enforces as a formula in its docstring; every violation names the
rule, the visits involved and what a coordinator should look at.

Besides the hard rules, a schedule must be consistent with itself, and
those checks are filed under the nearest rule: unknown delegation or site
and the slot grid (rule 1), a recorded ``travel_minutes_before`` that is
not the travel time (rule 2), visit ids (rule 4), unknown presenters (rule
6), vehicle pools (rule 8), and the ``request`` a visit claims (rule 9).

``violations`` runs the rule families in SPEC order, one module each:
``times`` (rule 1, with the consistency of a visit's delegation, site and
id), ``travel`` (rules 2 and 3), ``capacity`` (4 and 5), ``presenters``
(6), ``mobility`` (7 and 8) and ``requests`` (9). ``week`` holds the facts
they share with ``scheduler.kpis``: ``Week``, ``Placed``, the outings, the
requests served and the load sweeps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.check.capacity import capacity, per_day_and_site
from scheduler.check.mobility import access, vehicles
from scheduler.check.presenters import presenters
from scheduler.check.requests import locked, requests
from scheduler.check.times import known, times
from scheduler.check.travel import days_out, lunch
from scheduler.check.violation import Violation
from scheduler.check.week import (
    DAY,
    Load,
    Outings,
    Placed,
    Week,
    group_outings,
    overloads,
    peak,
    place,
    served_requests,
    served_value,
    serves,
    vehicles_needed,
)

if TYPE_CHECKING:
    from scheduler.model import Instance, Schedule

__all__ = [
    "DAY",
    "Load",
    "Outings",
    "Placed",
    "Violation",
    "Week",
    "group_outings",
    "overloads",
    "peak",
    "place",
    "served_requests",
    "served_value",
    "serves",
    "vehicles_needed",
    "violations",
]


def violations(instance: Instance, schedule: Schedule) -> list[Violation]:
    """Every broken hard rule of SPEC 1–9 (empty: the schedule is valid)."""
    week = Week(instance)
    found, placed = known(week, schedule)
    outings = group_outings(placed)
    found += times(week, placed)
    found += days_out(week, outings)
    found += lunch(week, outings)
    found += per_day_and_site(week, placed, outings)
    found += capacity(week, placed)
    found += presenters(week, placed)
    found += access(placed)
    found += vehicles(week, outings)
    found += requests(week, placed)
    found += locked(week, placed)
    return found
