"""Demand generator: weeks of delegation requests that follow Medellín's facts.

The figures come from ACI Medellín's reports as summarised in
``medellin-facts.md``: 27 % of delegations from Colombian cities, the top
senders (USA, Brazil, Argentina, Mexico, France) and the other partners
named, about 8 people a delegation (2 to 40), the most asked-for topics.
Where the reports are silent (stay lengths, request counts, priorities,
weights, lodging shares) the figures below are planning assumptions, and
say so. A week is drawn from ``random.Random(seed)`` alone: the same
catalog, week, count and seed always give the same file.

About one delegation in ten gets one required request, only on a target it
could be served at comfortably on its own (capacity, a presenter speaking
its language, open hours during its stay, lunch, with at least
``ROBUST_MIN_STARTS`` possible start times), so that the generated weeks'
required requests can be served together.

``demand`` holds the facts and assumptions, ``draws`` draws one
delegation from them, ``required`` picks the required requests, ``week``
assembles a week (``generate_week``) and ``writer`` writes it as a file
(``generate_week_file``).
"""

from __future__ import annotations

from scheduler.generate.required import ROBUST_MIN_STARTS, comfortable_starts
from scheduler.generate.week import MAX_GENERATED, generate_week, week_start
from scheduler.generate.writer import generate_week_file

__all__ = [
    "MAX_GENERATED",
    "ROBUST_MIN_STARTS",
    "comfortable_starts",
    "generate_week",
    "generate_week_file",
    "week_start",
]
