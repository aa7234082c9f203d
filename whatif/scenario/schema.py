"""The scenario file's schema: its top and the changes it may list.

Each change kind is a frozen pydantic model named by its ``change:`` key
in ``CHANGES``; ``ScenarioFile`` is the top of the file (its changes are
checked one by one, in ``loading``). ``Source`` says where a change comes
from, for error messages and relative paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scheduler.errors import InputError, Problem
from scheduler.model import Day, Real, VehiclePool, WeeklyHours, Whole

Seed = Annotated[Whole, Field(ge=0, le=2**31 - 1)]
"""CP-SAT's and the generator's seeds are 32-bit."""


class _Change(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class ScaleDemand(_Change):
    """More (or fewer) delegations: factor × the base's count."""

    change: Literal["scale_demand"]
    factor: Real = Field(
        gt=0, le=20, description="Target delegations = factor × base."
    )
    mode: Literal["generate", "replicate"] = Field(
        default="generate",
        description="generate: extra delegations drawn by the demand "
        "generator; replicate: copies of the base's delegations.",
    )
    seed: Seed | None = Field(
        default=None, description="Recorded seed; default: the scenario's."
    )
    required: bool = Field(
        default=True,
        description="false: the added delegations' requests are optional.",
    )


class AddDelegations(_Change):
    change: Literal["add_delegations"]
    file: str = Field(
        description="YAML/JSON list of delegations or portal CSV, "
        "relative to the scenario file."
    )


class RemoveDelegations(_Change):
    """Delegations that cancel, by id (their locked visits go with them)."""

    change: Literal["remove_delegations"]
    ids: list[str] = Field(min_length=1)


class CloseSite(_Change):
    change: Literal["close_site"]
    site: str
    dates: list[Day] = Field(min_length=1)


class ChangeSite(_Change):
    """New capacity, group limit, hours or visit length for one site."""

    change: Literal["site"]
    site: str
    capacity: Whole | None = Field(default=None, gt=0, le=100_000)
    max_groups: Whole | None = Field(default=None, gt=0, le=1000)
    opening_hours: WeeklyHours | None = None
    visit_minutes: Whole | None = Field(default=None, gt=0, le=720)


class RemovePresenters(_Change):
    """Presenters by id, or a share (or a number) of a department's."""

    change: Literal["remove_presenters"]
    ids: list[str] = Field(default_factory=list)
    department: str | None = None
    share: Real | None = Field(default=None, gt=0, le=1)
    count: Whole | None = Field(default=None, ge=1, le=10_000)
    seed: Seed | None = Field(
        default=None, description="Which ones leave; default: the scenario's."
    )


class AddPresenters(_Change):
    change: Literal["add_presenters"]
    presenters: list[dict[str, Any]] = Field(
        min_length=1,
        description="Presenter mappings; `like: ID` copies an existing "
        "presenter's fields first.",
    )


class ChangeVehicles(_Change):
    change: Literal["vehicles"]
    pool: str | None = None
    count: Whole | None = Field(default=None, ge=0, le=10_000)
    seats: Whole | None = Field(default=None, gt=0, le=1000)
    add: list[VehiclePool] = Field(default_factory=list)


class ChangeHorizon(_Change):
    change: Literal["horizon"]
    shift_days: Whole = Field(
        default=0,
        ge=-366,
        le=366,
        description="Move the whole week (stays, locks, closures) by days.",
    )
    days: Whole | None = Field(default=None, ge=1, le=31)
    extend_stays: bool = Field(
        default=False,
        description="With more days: every stay ends that much later.",
    )


Change = (
    ScaleDemand
    | AddDelegations
    | RemoveDelegations
    | CloseSite
    | ChangeSite
    | RemovePresenters
    | AddPresenters
    | ChangeVehicles
    | ChangeHorizon
)
CHANGES: dict[str, type[_Change]] = {
    "scale_demand": ScaleDemand,
    "add_delegations": AddDelegations,
    "remove_delegations": RemoveDelegations,
    "close_site": CloseSite,
    "site": ChangeSite,
    "remove_presenters": RemovePresenters,
    "add_presenters": AddPresenters,
    "vehicles": ChangeVehicles,
    "horizon": ChangeHorizon,
}


class ScenarioFile(BaseModel):
    """The top of a scenario file; changes are checked one by one."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: Annotated[str, Field(min_length=1)] | None = None
    description: str = ""
    base: str = Field(description="Week or scenario file, relative path.")
    seed: Seed = Field(default=0, description="Default seed of the changes.")
    changes: list[Any]


@dataclass(frozen=True)
class Source:
    """Where a change comes from: for error messages and relative paths.

    ``base`` is the week file the instance was read from (the generator
    needs its catalog); ``where`` is the field path prefix, e.g.
    ``changes[2]``.
    """

    file: str
    where: str = ""
    base: Path | None = None
    seed: int = 0

    def problem(self, field: str, message: str) -> InputError:
        path = (
            f"{self.where}.{field}"
            if self.where and field
            else (self.where or field)
        )
        return InputError([Problem(self.file, path, message)])

    @property
    def folder(self) -> Path:
        return Path(self.file).parent
