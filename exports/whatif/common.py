"""What every what-if output shares: the figures shown and their format.

Every difference against the base is shown signed (+/−); shares differ in
percentage points (pp).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from whatif.report import WhatIf


MINUS = "−"

FIGURES: tuple[tuple[str, str, str], ...] = (
    # key, label, format: count | share | minutes | seconds | number
    ("served_value", "served value", "count"),
    ("requested_value", "requested value", "count"),
    ("served_share", "served share", "share"),
    ("required_served", "required served", "count"),
    ("required_total", "required requests", "count"),
    ("visits", "visits", "count"),
    ("delegations_with_visit", "delegations with a visit", "count"),
    ("unserved_total", "unserved requests", "count"),
    ("outcompeted", "  of which outcompeted", "count"),
    ("travel_minutes", "travel minutes", "count"),
    ("site_utilization", "site utilization", "share"),
    ("presenter_utilization", "presenter utilization", "share"),
    ("vans_used", "vehicles out at peak", "count"),
    ("gap", "gap", "share"),
    ("wall_s", "wall seconds", "seconds"),
)


def fmt(value: Any, kind: str) -> str:
    """A figure as shown: shares in %, counts whole, seconds to 0.1."""
    if value is None:
        return "–"
    if kind == "share":
        return f"{float(value):.1%}"
    if kind == "seconds":
        return f"{float(value):.1f}"
    number = float(value)
    return f"{number:.0f}" if number == int(number) else f"{number:.1f}"


def fmt_delta(delta: float | None, kind: str) -> str:
    """+3, −2, +1.5 pp; empty when there is no difference to show."""
    if delta is None:
        return ""
    size = abs(delta)
    if kind == "share":
        text = f"{size * 100:.1f} pp"
    elif kind == "seconds" or size != int(size):
        text = f"{size:.1f}"
    else:
        text = f"{size:.0f}"
    if not any(c in "123456789" for c in text):
        return ""  # no difference at the precision shown
    return ("+" if delta > 0 else MINUS) + text


def count_keys(report: WhatIf, key: str) -> list[str]:
    """Every key of a per-plan count table, most frequent first."""
    totals: dict[str, float] = {}
    for row in report.rows:
        for name, n in (row.figures.get(key) or {}).items():
            totals[name] = totals.get(name, 0) + float(n)
    return sorted(totals, key=lambda k: (-totals[k], k))


def better(key: str, delta: float) -> bool | None:
    """Whether a rise is good news (None: neither, e.g. requested value)."""
    up_good = {
        "served_value",
        "served_share",
        "required_served",
        "visits",
        "delegations_with_visit",
    }
    down_good = {"unserved_total", "outcompeted", "gap"}
    if key in up_good:
        return delta > 0
    if key in down_good:
        return delta < 0
    return None


def gap_note(report: WhatIf) -> str:
    """A warning when plans are not proven optimal: small differences
    between them may come from the search, not from the scenario."""
    gaps = [
        float(r.figures["gap"])
        for r in report.rows
        if isinstance(r.figures.get("gap"), int | float)
    ]
    worst = max(gaps, default=0.0)
    if worst <= 0.005:
        return ""
    return (
        f"Not every plan is proven optimal (gap up to {worst:.1%}): a "
        "difference in served value smaller than the gap may come from the "
        "search rather than the scenario; give a longer --time-limit."
    )


HEURISTIC_NOTE = (
    "A negative gain: the greedy heuristic can lose value when a resource "
    "grows (first come, first served takes the new room early); plan with "
    "--solver cpsat for advice to act on."
)


def heuristic_losses(report: WhatIf) -> bool:
    return any(
        b.gain is not None and b.gain < 0
        for items in report.advice.values()
        for b in items
    )


def esc(text: Any) -> str:
    return html.escape(str(text))
