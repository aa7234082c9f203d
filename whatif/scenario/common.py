"""What the change functions share: lookups, error hints, fresh ids."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scheduler.model import Instance, Site
    from whatif.scenario.schema import Source


def unknown(kind: str, value: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    hint = (
        f'did you mean "{close[0]}"?'
        if close
        else (
            f"known: {', '.join(known[:12])}"
            + (" …" if len(known) > 12 else "")
        )
    )
    return f'unknown {kind} "{value}"; {hint}'


def find_site(instance: Instance, site_id: str, source: Source) -> Site:
    sites = [s.id for s in instance.catalog.sites]
    if site_id not in sites:
        raise source.problem("site", unknown("site", site_id, sites))
    return instance.catalog.site(site_id)


def replace_site(instance: Instance, site: Site) -> Instance:
    sites = [site if s.id == site.id else s for s in instance.catalog.sites]
    return with_catalog(instance, sites=sites)


def with_catalog(instance: Instance, **update: Any) -> Instance:
    catalog = instance.catalog.model_copy(update=update)
    return instance.model_copy(update={"catalog": catalog})


def fresh_id(wanted: str, taken: set[str]) -> str:
    """``wanted`` if free, else ``wanted-2``, ``wanted-3`` …; capitals do
    not count, as ids name files."""
    folded = {t.casefold() for t in taken}
    if wanted.casefold() not in folded:
        return wanted
    k = 2
    while f"{wanted}-{k}".casefold() in folded:
        k += 1
    return f"{wanted}-{k}"
