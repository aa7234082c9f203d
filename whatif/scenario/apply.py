"""A scenario's change applied to the instance: each kind to its function."""

from __future__ import annotations

from typing import TYPE_CHECKING

from whatif.scenario.catalog import (
    add_presenters,
    change_site,
    change_vehicles,
    close_site,
    remove_presenters,
)
from whatif.scenario.demand import (
    add_delegations,
    read_delegations,
    remove_delegations,
    scale_demand,
)
from whatif.scenario.horizon import change_horizon
from whatif.scenario.schema import (
    AddDelegations,
    AddPresenters,
    ChangeSite,
    ChangeVehicles,
    CloseSite,
    RemoveDelegations,
    RemovePresenters,
    ScaleDemand,
)

if TYPE_CHECKING:
    from scheduler.model import Instance
    from whatif.scenario.schema import Change, Source


def apply_change(
    instance: Instance, change: Change, source: Source
) -> Instance:
    """The instance with one change applied (frozen models: a copy)."""
    if isinstance(change, ScaleDemand):
        return scale_demand(
            instance,
            change.factor,
            mode=change.mode,
            seed=source.seed if change.seed is None else change.seed,
            required=change.required,
            source=source,
        )
    if isinstance(change, AddDelegations):
        return add_delegations(
            instance, read_delegations(change.file, source), source
        )
    if isinstance(change, RemoveDelegations):
        return remove_delegations(instance, change.ids, source)
    if isinstance(change, CloseSite):
        return close_site(instance, change.site, change.dates, source)
    if isinstance(change, ChangeSite):
        return change_site(
            instance,
            change.site,
            source,
            capacity=change.capacity,
            max_groups=change.max_groups,
            opening_hours=change.opening_hours,
            visit_minutes=change.visit_minutes,
        )
    if isinstance(change, RemovePresenters):
        return remove_presenters(instance, change, source)
    if isinstance(change, AddPresenters):
        return add_presenters(instance, change.presenters, source)
    if isinstance(change, ChangeVehicles):
        return change_vehicles(instance, change, source)
    return change_horizon(instance, change, source)
