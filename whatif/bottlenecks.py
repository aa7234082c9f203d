"""What the outcompeted requests lost on, and one more unit of it.

"What to add first": the resources (a site's groups, a department's
presenters, a vehicle pool) that unserved requests lost on, and the
instance with one more unit of each, for the front door to re-plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from whatif.figures import outcompeted
from whatif.scenario import (
    Source,
    copy_presenter,
    one_more_group,
    set_vehicle_count,
)

if TYPE_CHECKING:
    from scheduler.model import Instance, Schedule


@dataclass(frozen=True)
class Bottleneck:
    """A resource that outcompeted requests lost on.

    ``kind``: site, department, vehicles, days (the delegation's own time)
    or other; ``target``: the site, department or pool id.
    """

    kind: str
    target: str
    label: str
    requests: int
    value: int
    languages: tuple[str, ...] = ()
    """The languages of the delegations that lost (for departments)."""
    remedy: str = ""
    gain: float | None = None
    """Served value gained by one more unit (re-planned)."""


def _mentioned(text: str, names: dict[str, str]) -> str | None:
    """The id whose id or name occurs in ``text`` (longest match wins)."""
    lowered = text.lower()
    best: tuple[int, str] | None = None
    for ident, name in names.items():
        for word in (ident, name):
            if (
                word
                and word.lower() in lowered
                and (best is None or len(word) > best[0])
            ):
                best = (len(word), ident)
    return best[1] if best else None


def resource_of(reason: str, instance: Instance) -> tuple[str, str, str]:
    """(kind, target id, label) of an "outcompeted" reason.

    Reads the wording of ``scheduler.reasons``: "presenters of <department>
    busy", "vehicles all in use (pool <id>, ...)", "site capacity at
    <site>", "the delegation's own days are full", "the delegation already
    visits <site> ...". Ids or display names are both recognized.
    """
    catalog = instance.catalog
    detail = reason.partition(":")[2].strip() or reason.strip()
    detail = detail.partition("; lost to")[0].partition("; it would")[0]
    text = detail.lower()
    if "own days" in text or "already visits" in text:
        return "days", "", "the delegations' own days"
    if "presenter" in text:
        dept = _mentioned(detail, {d.id: d.name for d in catalog.departments})
        if dept:
            name = catalog.department(dept).name
            return "department", dept, f"presenters of {name}"
    if "vehicle" in text or "van" in text or "pool" in text:
        mentioned = [
            (text.find(v.id.lower()), v.id)
            for v in catalog.vehicles
            if v.id.lower() in text
        ]
        pool = min(mentioned)[1] if mentioned else None
        if pool is None and catalog.vehicles:
            pool = max(catalog.vehicles, key=lambda v: v.count).id
        if pool is not None:
            return "vehicles", pool, f"vehicles ({pool})"
    if "site" in text or "capacity" in text or "group" in text:
        site = _mentioned(detail, {s.id: s.name for s in catalog.sites})
        if site:
            return "site", site, f"room at {catalog.site(site).name}"
    if "day" in text or "time" in text:
        return "days", "", "the delegations' own days"
    return "other", detail, detail


def bottlenecks(instance: Instance, schedule: Schedule) -> list[Bottleneck]:
    """Outcompeted requests counted per resource, most value lost first."""
    lost: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
    for u in schedule.unserved:
        if not outcompeted(u.reason):
            continue
        d = instance.delegation(u.delegation)
        resource = resource_of(u.reason, instance)
        lost.setdefault(resource, []).append((u.request, d.id))
    out = []
    for (kind, target, label), items in lost.items():
        languages: Counter[str] = Counter()
        value = 0
        for j, did in items:
            d = instance.delegation(did)
            value += d.value(j)
            languages.update(d.languages)
        out.append(
            Bottleneck(
                kind=kind,
                target=target,
                label=label,
                requests=len(items),
                value=value,
                languages=tuple(
                    lang
                    for lang, _ in sorted(
                        languages.items(), key=lambda x: (-x[1], x[0])
                    )
                ),
            )
        )
    out.sort(key=lambda b: (-b.value, -b.requests, b.label))
    return out


ADDABLE = ("site", "department", "vehicles")


def one_more(
    instance: Instance, bottleneck: Bottleneck
) -> tuple[Instance, str]:
    """The instance with one more unit of the resource, and what that is."""
    source = Source("bottleneck")
    catalog = instance.catalog
    if bottleneck.kind == "site":
        site = catalog.site(bottleneck.target)
        bigger = one_more_group(instance, site.id, source)
        grown = bigger.catalog.site(site.id)
        return (
            bigger,
            f"+1 group at {site.id} (max_groups {site.max_groups} → "
            f"{grown.max_groups}, capacity {site.capacity} → "
            f"{grown.capacity})",
        )
    if bottleneck.kind == "department":
        staff = catalog.presenters_of(bottleneck.target)
        wanted = bottleneck.languages

        def fit(p: Any) -> tuple[int, int]:
            shared = [w for w in wanted if w in p.languages]
            best = min((wanted.index(w) for w in shared), default=len(wanted))
            return (-len(shared), best)

        model = min(staff, key=fit)
        extra, _ = copy_presenter(instance, model.id, source)
        name = catalog.department(bottleneck.target).name
        return (
            extra,
            f"+1 presenter of {name} speaking "
            f"{', '.join(model.languages)} (like {model.id})",
        )
    if bottleneck.kind == "vehicles":
        pool = {v.id: v for v in catalog.vehicles}[bottleneck.target]
        return (
            set_vehicle_count(instance, pool.id, pool.count + 1, source),
            f"+1 vehicle in {pool.id} ({pool.count} → {pool.count + 1}, "
            f"{pool.seats} seats)",
        )
    raise ValueError(f"no unit to add for {bottleneck.kind}")


def addable(instance: Instance, bottleneck: Bottleneck) -> bool:
    if bottleneck.kind == "department":
        return bool(instance.catalog.presenters_of(bottleneck.target))
    return bottleneck.kind in ADDABLE
