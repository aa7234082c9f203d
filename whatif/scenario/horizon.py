"""Changes to the dates: shift the whole week, or give it more days."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.model import DateTimeRange, Instance, LockedVisit
    from whatif.scenario.schema import ChangeHorizon, Source


def change_horizon(
    instance: Instance, change: ChangeHorizon, source: Source
) -> Instance:
    """Shift every date of the week, and/or give the week more days."""
    if change.shift_days == 0 and change.days is None:
        raise source.problem(
            "shift_days", "say what changes: shift_days: N or days: N"
        )
    out = instance
    if change.shift_days:
        out = _shifted(out, dt.timedelta(days=change.shift_days))
    if change.days is not None:
        more = change.days - out.horizon.days
        horizon = out.horizon.model_copy(update={"days": change.days})
        out = out.model_copy(update={"horizon": horizon})
        if change.extend_stays and more > 0:
            later = dt.timedelta(days=more)
            out = out.model_copy(
                update={
                    "delegations": [
                        d.model_copy(update={"departure": d.departure + later})
                        for d in out.delegations
                    ]
                }
            )
    return out


def _shifted(instance: Instance, delta: dt.timedelta) -> Instance:
    def ranges(items: list[DateTimeRange]) -> list[DateTimeRange]:
        return [
            r.model_copy(
                update={"start": r.start + delta, "end": r.end + delta}
            )
            for r in items
        ]

    catalog = instance.catalog
    sites = [
        s.model_copy(update={"closed": [c + delta for c in s.closed]})
        for s in catalog.sites
    ]
    presenters = [
        p.model_copy(update={"unavailable": ranges(p.unavailable)})
        for p in catalog.presenters
    ]
    delegations = [
        d.model_copy(
            update={
                "arrival": d.arrival + delta,
                "departure": d.departure + delta,
            }
        )
        for d in instance.delegations
    ]
    locked: list[LockedVisit] = [
        lock.model_copy(update={"start": lock.start + delta})
        for lock in instance.locked
    ]
    horizon = instance.horizon.model_copy(
        update={"start": instance.horizon.start + delta}
    )
    return instance.model_copy(
        update={
            "catalog": catalog.model_copy(
                update={"sites": sites, "presenters": presenters}
            ),
            "delegations": delegations,
            "locked": locked,
            "horizon": horizon,
        }
    )
