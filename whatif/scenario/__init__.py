"""What-if scenarios: a base week plus a list of changes, applied in order.

A scenario file names its ``base`` (a week file or another scenario) and
lists ``changes``; each change is a mapping with a ``change:`` kind::

    name: metrocable-k-closed
    description: Line K under maintenance on Tuesday and Wednesday.
    base: ../weeks/normal.yaml
    changes:
      - change: close_site
        site: metrocable-k
        dates: [2026-11-24, 2026-11-25]

Every change is checked against the instance as it stands when it applies;
a problem is reported as ``file: changes[i].field: what is wrong, how to
fix``. The result is an ordinary ``Instance`` named after the scenario, so a
scenario can be validated and planned like any week. The same functions
serve the sweep knobs of ``visits whatif --sweep``.

``schema`` holds the file's pydantic models (and ``Source``, where a
change comes from); ``loading`` reads a file (``load_instance``: a week or
a scenario); ``apply`` sends each change to its function in ``demand``
(delegations), ``catalog`` (sites, presenters, vehicles) or ``horizon``
(dates), which share the lookups of ``common``; ``knobs`` holds the sweep
knobs.
"""

from __future__ import annotations

from whatif.scenario.apply import apply_change
from whatif.scenario.catalog import (
    add_presenters,
    change_site,
    change_vehicles,
    close_site,
    copy_presenter,
    remove_presenters,
    set_presenter_count,
    set_vehicle_count,
)
from whatif.scenario.demand import (
    add_delegations,
    catalog_path_of,
    scale_demand,
)
from whatif.scenario.horizon import change_horizon
from whatif.scenario.knobs import (
    KNOBS,
    Knob,
    apply_knob,
    knob_value,
    one_more_group,
    parse_sweep,
)
from whatif.scenario.loading import (
    check_result,
    load_instance,
    load_scenario,
    parse_change,
)
from whatif.scenario.schema import (
    CHANGES,
    AddDelegations,
    AddPresenters,
    Change,
    ChangeHorizon,
    ChangeSite,
    ChangeVehicles,
    CloseSite,
    RemovePresenters,
    ScaleDemand,
    ScenarioFile,
    Source,
)

__all__ = [
    "CHANGES",
    "KNOBS",
    "AddDelegations",
    "AddPresenters",
    "Change",
    "ChangeHorizon",
    "ChangeSite",
    "ChangeVehicles",
    "CloseSite",
    "Knob",
    "RemovePresenters",
    "ScaleDemand",
    "ScenarioFile",
    "Source",
    "add_delegations",
    "add_presenters",
    "apply_change",
    "apply_knob",
    "catalog_path_of",
    "change_horizon",
    "change_site",
    "change_vehicles",
    "check_result",
    "close_site",
    "copy_presenter",
    "knob_value",
    "load_instance",
    "load_scenario",
    "one_more_group",
    "parse_change",
    "parse_sweep",
    "remove_presenters",
    "scale_demand",
    "set_presenter_count",
    "set_vehicle_count",
]
