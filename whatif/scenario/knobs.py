"""The sweep knobs of ``visits whatif --sweep``, and one more of a resource.

A knob is set with the same change functions a scenario file uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from whatif.scenario.catalog import (
    change_site,
    set_presenter_count,
    set_vehicle_count,
)
from whatif.scenario.common import find_site
from whatif.scenario.demand import scale_demand
from whatif.scenario.schema import Source

if TYPE_CHECKING:
    from scheduler.model import Instance


KNOBS = ("demand", "capacity", "groups", "presenters", "vehicles")

MAX_POINTS = 50
"""Values one sweep plans; each is a whole plan."""

LARGEST = {
    "demand": 20.0,
    "capacity": 100_000.0,
    "groups": 1000.0,
    "presenters": 1000.0,
    "vehicles": 10_000.0,
}
"""The most a knob is swept to, as the model and scenario files allow."""


@dataclass(frozen=True)
class Knob:
    """A sweepable quantity: ``demand``, ``capacity:<site>``,
    ``groups:<site>``, ``presenters:<department>``, ``vehicles:<pool>``.

    ``demand`` takes an optional mode: ``demand:replicate``.
    """

    kind: str
    target: str = ""

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.target}" if self.target else self.kind

    @property
    def integer(self) -> bool:
        return self.kind != "demand"


def parse_sweep(text: str) -> tuple[Knob, list[float]]:
    """``knob=v1,v2,...`` as a knob and its values, or a clear error."""
    where = Source("--sweep")
    name, sep, values = text.partition("=")
    kind, _, target = name.strip().partition(":")
    if not sep or kind not in KNOBS:
        raise where.problem(
            "",
            f'"{text}" is not a sweep; write knob=v1,v2,... with knob '
            "demand, capacity:<site>, groups:<site>, presenters:<department>"
            " or vehicles:<pool>, e.g. demand=1,1.5,2,3",
        )
    if kind != "demand" and not target:
        raise where.problem(
            "",
            f"{kind} needs what it counts: {kind}:<id>=..., e.g. "
            f"{kind}:ruta-n=1,2,3",
        )
    if kind == "demand" and target not in ("", "generate", "replicate"):
        raise where.problem(
            "",
            f'demand mode "{target}": use demand=... (generate) or '
            "demand:replicate=...",
        )
    try:
        numbers = [float(v) for v in values.split(",") if v.strip()]
    except ValueError:
        raise where.problem(
            "", f'"{values}": the values are numbers separated by commas'
        ) from None
    knob = Knob(kind, target)
    if not numbers:
        raise where.problem("", "give at least one value after =")
    if len(numbers) > MAX_POINTS:
        raise where.problem(
            "",
            f"{len(numbers)} values: a sweep plans each one, give at most "
            f"{MAX_POINTS}",
        )
    if not all(math.isfinite(v) for v in numbers):
        raise where.problem("", "sweep values are finite numbers")
    if any(v < 0 for v in numbers) or (
        kind == "demand" and any(v <= 0 for v in numbers)
    ):
        raise where.problem("", "sweep values must be positive")
    if knob.integer and any(v != int(v) for v in numbers):
        raise where.problem("", f"{kind} counts are whole numbers")
    largest = LARGEST[kind]
    if max(numbers) > largest:
        raise where.problem(
            "",
            f"{kind} goes up to {largest:g} in a sweep "
            f"({max(numbers):g} given)",
        )
    return knob, numbers


def apply_knob(
    instance: Instance, knob: Knob, value: float, source: Source
) -> Instance:
    """The instance with the knob set to ``value``."""
    if knob.kind == "demand":
        return scale_demand(
            instance,
            value,
            mode=knob.target or "generate",
            seed=source.seed,
            source=source,
        )
    count = int(value)
    if knob.kind == "capacity":
        return change_site(instance, knob.target, source, capacity=count)
    if knob.kind == "groups":
        return change_site(instance, knob.target, source, max_groups=count)
    if knob.kind == "presenters":
        return set_presenter_count(
            instance, knob.target, count, source, seed=source.seed
        )
    return set_vehicle_count(instance, knob.target, count, source)


def knob_value(instance: Instance, knob: Knob) -> float:
    """The knob's value in an instance as it is (demand: 1)."""
    catalog = instance.catalog
    if knob.kind == "capacity":
        return catalog.site(knob.target).capacity
    if knob.kind == "groups":
        return catalog.site(knob.target).max_groups
    if knob.kind == "presenters":
        return len(catalog.presenters_of(knob.target))
    if knob.kind == "vehicles":
        pools = {v.id: v.count for v in catalog.vehicles}
        return pools.get(knob.target, 0)
    return 1.0


def one_more_group(
    instance: Instance, site_id: str, source: Source
) -> Instance:
    """Room for one more delegation at a site (and its share of people)."""
    site = find_site(instance, site_id, source)
    per_group = math.ceil(site.capacity / site.max_groups)
    return change_site(
        instance,
        site_id,
        source,
        max_groups=site.max_groups + 1,
        capacity=site.capacity + per_group,
    )
