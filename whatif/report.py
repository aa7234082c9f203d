"""What a comparison or sweep reports: solver-free types for the exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scheduler.model import Instance, Schedule
    from scheduler.problem import Settings
    from whatif.bottlenecks import Bottleneck
    from whatif.scenario import (
        Knob,
    )


@dataclass(frozen=True)
class Row:
    """One plan of the comparison: its figures and their difference."""

    label: str
    kind: str
    """base, scenario or sweep."""
    description: str
    figures: dict[str, Any]
    delta: dict[str, float]
    knob_value: float | None = None
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sweep:
    knob: Knob
    values: list[float]
    sentence: str
    target: float


@dataclass
class WhatIf:
    """Everything the terminal table, whatif.csv and whatif.html show."""

    base: str
    settings: Settings
    rows: list[Row]
    sweep: Sweep | None = None
    advice: dict[str, list[Bottleneck]] = field(default_factory=dict)
    schedules: dict[str, Schedule] = field(default_factory=dict)


@dataclass(frozen=True)
class Variant:
    """A plan to compare: an instance, what it is, and its knob value."""

    label: str
    instance: Instance
    kind: str = "scenario"
    description: str = ""
    knob_value: float | None = None
