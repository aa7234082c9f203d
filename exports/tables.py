"""Flat rows of a schedule, shared by the CSV, the workbook and the report.

Times are local to the catalog's zone and naive (what a spreadsheet
shows); names sit beside ids so a row reads without the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exports.i18n import word

if TYPE_CHECKING:
    import datetime as dt

    from exports.i18n import Lang
    from scheduler.model import Instance, Schedule, Visit


@dataclass(frozen=True)
class VisitRow:
    """One visit, everything a coordinator reads about it."""

    id: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    delegation: str
    delegation_name: str
    size: int
    site: str
    site_name: str
    department: str
    department_name: str
    presenter: str
    presenter_name: str
    request: int | None
    request_label: str
    travel_minutes_before: int
    vehicle_pool: str


@dataclass(frozen=True)
class UnservedRow:
    delegation: str
    delegation_name: str
    request: int
    request_label: str
    weight: int
    priority: int
    required: bool
    value: int
    reason: str


def naive_local(instance: Instance, moment: dt.datetime) -> dt.datetime:
    """Wall-clock time in the catalog's zone, without tzinfo (for Excel)."""
    return instance.local(moment).replace(tzinfo=None)


def request_label(
    instance: Instance, delegation: str, index: int | None
) -> str:
    """``site:ruta-n`` / ``topic:innovation``; empty for no request."""
    if index is None:
        return ""
    return instance.delegation(delegation).requests[index].label


def request_text(
    instance: Instance, delegation: str, index: int | None, lang: Lang
) -> str:
    """A request for people: the site's name, or ``tema: innovation``."""
    if index is None:
        return ""
    request = instance.delegation(delegation).requests[index]
    if request.site is not None:
        sites = {s.id: s.name for s in instance.catalog.sites}
        return sites.get(request.site, request.site)
    return f"{word('topic', lang)}: {request.topic}"


def visit_rows(schedule: Schedule, instance: Instance) -> list[VisitRow]:
    """Every visit, sorted by start, then delegation."""
    catalog = instance.catalog
    sites = {s.id: s for s in catalog.sites}
    departments = {d.id: d for d in catalog.departments}
    presenters = {p.id: p for p in catalog.presenters}
    delegations = {d.id: d for d in instance.delegations}
    rows = []
    for v in _by_time(schedule.visits):
        site = sites[v.site]
        presenter = presenters.get(v.presenter) if v.presenter else None
        delegation = delegations[v.delegation]
        start = naive_local(instance, v.start)
        rows.append(
            VisitRow(
                id=v.id,
                date=start.date(),
                start=start,
                end=naive_local(instance, v.end),
                delegation=v.delegation,
                delegation_name=delegation.name,
                size=delegation.size,
                site=v.site,
                site_name=site.name,
                department=site.department,
                department_name=departments[site.department].name,
                presenter=v.presenter or "",
                presenter_name=presenter.name if presenter else "",
                request=v.request,
                request_label=request_label(instance, v.delegation, v.request),
                travel_minutes_before=v.travel_minutes_before,
                vehicle_pool=v.vehicle_pool or "",
            )
        )
    return rows


def unserved_rows(
    schedule: Schedule, instance: Instance, lang: Lang = "en"
) -> list[UnservedRow]:
    """The unserved requests, each reason in ``lang`` (the words the
    report, the workbook and the terminal all show)."""
    rows = []
    for u in schedule.unserved:
        delegation = instance.delegation(u.delegation)
        request = delegation.requests[u.request]
        rows.append(
            UnservedRow(
                delegation=u.delegation,
                delegation_name=delegation.name,
                request=u.request,
                request_label=request.label,
                weight=request.weight,
                priority=delegation.priority,
                required=request.required,
                value=delegation.value(u.request),
                reason=u.words(lang),
            )
        )
    return rows


def kpi_rows(schedule: Schedule) -> list[tuple[str, Any]]:
    """KPIs flattened to (dotted key, scalar), solver facts first.

    Nested mappings (unserved by reason, utilization per site) become
    ``unserved_by_reason.outcompeted``; lists become their text.
    """
    solver = schedule.solver
    rows: list[tuple[str, Any]] = [
        ("solver", solver.name),
        ("status", solver.status),
        ("objective", solver.objective),
        ("bound", solver.bound),
        ("wall_s", solver.wall_s),
    ]
    known = {key for key, _ in rows}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, (list, tuple)):
            rows.append((prefix, ", ".join(map(str, value))))
        elif prefix not in known:
            rows.append((prefix, value))

    walk("", schedule.kpis)
    return rows


def is_share(key: str) -> bool:
    """KPIs that are fractions of 1 and read best as percentages."""
    last = key.rsplit(".", 1)[-1]
    return last in ("served_share", "share", "gap", "overall")


def _by_time(visits: list[Visit]) -> list[Visit]:
    return sorted(visits, key=lambda v: (v.start, v.delegation, v.site))
