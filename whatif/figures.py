"""The figures of one plan that a comparison shows, and their deltas."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scheduler.model import Instance, Schedule

DELTA_KEYS = (
    "served_value",
    "requested_value",
    "served_share",
    "required_served",
    "required_total",
    "visits",
    "delegations_with_visit",
    "unserved_total",
    "outcompeted",
    "travel_minutes",
    "site_utilization",
    "presenter_utilization",
    "vans_used",
    "gap",
    "wall_s",
)
"""Numeric figures whose difference against the base is shown."""


def _number(value: Any) -> float | None:
    """A KPI as one number: itself, its ``overall``, or a sum of counts."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        if "overall" in value:
            return _number(value["overall"])
        numbers = [_number(v) for v in value.values()]
        if numbers and all(x is not None for x in numbers):
            return float(sum(x for x in numbers if x is not None))
    return None


def figures(instance: Instance, schedule: Schedule) -> dict[str, Any]:
    """The comparison's figures of one plan.

    Taken from ``schedule.kpis`` where present; the core figures (served
    and requested value, required, unserved by reason and topic) are
    recomputed from the visits when a key is missing.
    """
    kpis = schedule.kpis
    served = {
        (v.delegation, v.request)
        for v in schedule.visits
        if v.request is not None
    }
    values = {
        (d.id, j): d.value(j)
        for d in instance.delegations
        for j in range(len(d.requests))
    }
    served_value = sum(values.get(x, 0) for x in served)
    requested = sum(values.values())
    required = [
        (d.id, j)
        for d in instance.delegations
        for j, r in enumerate(d.requests)
        if r.required
    ]
    reasons = Counter(u.reason for u in schedule.unserved)
    by_topic: Counter[str] = Counter()
    for u in schedule.unserved:
        request = instance.delegation(u.delegation).requests[u.request]
        by_topic[request.topic or f"site:{request.site}"] += 1
    out: dict[str, Any] = {
        "served_value": kpis.get("served_value", served_value),
        "requested_value": kpis.get("requested_value", requested),
        "served_share": kpis.get(
            "served_share",
            round(served_value / requested, 4) if requested else 0.0,
        ),
        "required_served": kpis.get(
            "required_served", sum(1 for x in required if x in served)
        ),
        "required_total": kpis.get("required_total", len(required)),
        "visits": len(schedule.visits),
        "delegations_with_visit": kpis.get(
            "delegations_with_visit",
            len({v.delegation for v in schedule.visits}),
        ),
        "unserved_total": len(schedule.unserved),
        "outcompeted": sum(
            1
            for u in schedule.unserved
            if u.kind == "outcompeted"
            or (u.kind is None and outcompeted(u.reason))
        ),
        "travel_minutes": _number(kpis.get("travel_minutes")),
        "site_utilization": _number(kpis.get("site_utilization")),
        "presenter_utilization": _number(kpis.get("presenter_utilization")),
        "vans_used": _number(kpis.get("vans_used")),
        "status": schedule.solver.status,
        "gap": _number(kpis.get("gap")),
        "wall_s": schedule.solver.wall_s,
        "unserved_by_reason": dict(
            kpis.get("unserved_by_reason") or reasons.most_common()
        ),
        "unserved_by_topic": dict(
            kpis.get("unserved_by_topic") or by_topic.most_common()
        ),
        "site_utilization_by_site": _by(
            kpis.get("site_utilization"), "by_site"
        ),
        "vans_by_pool": dict(kpis["vans_used"])
        if isinstance(kpis.get("vans_used"), dict)
        else {},
    }
    return out


def _by(value: Any, key: str) -> dict[str, float]:
    if isinstance(value, dict) and isinstance(value.get(key), dict):
        return {
            k: float(v)
            for k, v in value[key].items()
            if isinstance(v, int | float)
        }
    return {}


def outcompeted(reason: str) -> bool:
    return reason.strip().lower().startswith("outcompeted")


def deltas(row: dict[str, Any], base: dict[str, Any]) -> dict[str, float]:
    """row − base for every numeric figure both have."""
    out = {}
    for key in DELTA_KEYS:
        a, b = _number(row.get(key)), _number(base.get(key))
        if a is not None and b is not None:
            out[key] = round(a - b, 6)
    return out
