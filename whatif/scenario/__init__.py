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
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import random
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scheduler.errors import InputError, Problem
from scheduler.generate import generate_week
from scheduler.loading import (
    catalog_problems,
    instance_problems,
    load_delegations_csv,
    problems_from,
    read_document,
    week_from_document,
)
from scheduler.model import (
    DateTimeRange,
    Delegation,
    Instance,
    LockedVisit,
    Presenter,
    Site,
    VehiclePool,
    WeeklyHours,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

# --- the changes a scenario file may list ----------------------------------


class _Change(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScaleDemand(_Change):
    """More (or fewer) delegations: factor × the base's count."""

    change: Literal["scale_demand"]
    factor: float = Field(
        gt=0, le=20, description="Target delegations = factor × base."
    )
    mode: Literal["generate", "replicate"] = Field(
        default="generate",
        description="generate: extra delegations drawn by the demand "
        "generator; replicate: copies of the base's delegations.",
    )
    seed: int | None = Field(
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


class CloseSite(_Change):
    change: Literal["close_site"]
    site: str
    dates: list[dt.date] = Field(min_length=1)


class ChangeSite(_Change):
    """New capacity, group limit, hours or visit length for one site."""

    change: Literal["site"]
    site: str
    capacity: int | None = Field(default=None, gt=0)
    max_groups: int | None = Field(default=None, gt=0)
    opening_hours: WeeklyHours | None = None
    visit_minutes: int | None = Field(default=None, gt=0, le=720)


class RemovePresenters(_Change):
    """Presenters by id, or a share (or a number) of a department's."""

    change: Literal["remove_presenters"]
    ids: list[str] = Field(default_factory=list)
    department: str | None = None
    share: float | None = Field(default=None, gt=0, le=1)
    count: int | None = Field(default=None, ge=1)
    seed: int | None = Field(
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
    count: int | None = Field(default=None, ge=0)
    seats: int | None = Field(default=None, gt=0)
    add: list[VehiclePool] = Field(default_factory=list)


class ChangeHorizon(_Change):
    change: Literal["horizon"]
    shift_days: int = Field(
        default=0,
        ge=-366,
        le=366,
        description="Move the whole week (stays, locks, closures) by days.",
    )
    days: int | None = Field(default=None, ge=1, le=31)
    extend_stays: bool = Field(
        default=False,
        description="With more days: every stay ends that much later.",
    )


Change = (
    ScaleDemand
    | AddDelegations
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
    seed: int = Field(default=0, description="Default seed of the changes.")
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


# --- loading ---------------------------------------------------------------

_LOADING: list[Path] = []


@contextmanager
def _loading(path: Path) -> Iterator[None]:
    """Guard against a scenario that is (indirectly) its own base."""
    resolved = path.resolve()
    if resolved in _LOADING:
        chain = " -> ".join(p.name for p in [*_LOADING, resolved])
        raise InputError(
            [
                Problem(
                    str(path),
                    "base",
                    f"scenarios form a loop ({chain}); "
                    "a scenario's base must be a week or another scenario",
                )
            ]
        )
    _LOADING.append(resolved)
    try:
        yield
    finally:
        _LOADING.pop()


def load_instance(path: str | Path) -> Instance:
    """A week file, or a scenario file (``base:`` and ``changes:``)."""
    path = Path(path)
    data = read_document(path)
    if isinstance(data, dict) and "base" in data and "changes" in data:
        return load_scenario(path, data)
    return week_from_document(data, path)


def load_scenario(path: Path, data: dict[str, Any]) -> Instance:
    """The instance a scenario file describes: its base with the changes."""
    file = str(path)
    try:
        top = ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, file)) from None
    base_path = path.parent / top.base
    with _loading(path):
        if not base_path.is_file():
            raise InputError(
                [
                    Problem(
                        file,
                        "base",
                        f'base file "{base_path}" not found; '
                        "give the week file's path relative to this file",
                    )
                ]
            )
        instance = load_instance(base_path)
        changes = [
            parse_change(raw, Source(file, f"changes[{i}]"))
            for i, raw in enumerate(top.changes)
        ]
        for i, change in enumerate(changes):
            source = Source(file, f"changes[{i}]", base_path, top.seed)
            instance = apply_change(instance, change, source)
    instance = instance.model_copy(update={"name": top.name or path.stem})
    check_result(instance, file)
    return instance


def parse_change(raw: Any, source: Source) -> Change:
    """One entry of ``changes:`` as a typed change, or a clear error."""
    kinds = ", ".join(CHANGES)
    if not isinstance(raw, dict) or "change" not in raw:
        raise source.problem(
            "change", f"each change is a mapping with `change:` one of {kinds}"
        )
    kind = raw["change"]
    model = CHANGES.get(str(kind))
    if model is None:
        raise source.problem(
            "change", f'unknown change "{kind}"; choose one of {kinds}'
        )
    try:
        change: Change = model.model_validate(raw)  # type: ignore[assignment]
    except ValidationError as exc:
        raise InputError(
            problems_from(exc, source.file, source.where)
        ) from None
    return change


def check_result(instance: Instance, file: str) -> None:
    """The loading cross-checks, run again on the changed instance."""
    problems = catalog_problems(instance.catalog, file) + instance_problems(
        instance, file
    )
    if problems:
        raise InputError(
            [
                Problem(p.file, p.path, f"{p.message} (after the changes)")
                for p in problems
            ]
        )


# --- applying changes ------------------------------------------------------


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
            instance, _read_delegations(change.file, source), source
        )
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


def _unknown(kind: str, value: str, known: Sequence[str]) -> str:
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


def _site(instance: Instance, site_id: str, source: Source) -> Site:
    sites = [s.id for s in instance.catalog.sites]
    if site_id not in sites:
        raise source.problem("site", _unknown("site", site_id, sites))
    return instance.catalog.site(site_id)


def _replace_site(instance: Instance, site: Site) -> Instance:
    sites = [site if s.id == site.id else s for s in instance.catalog.sites]
    return _with_catalog(instance, sites=sites)


def _with_catalog(instance: Instance, **update: Any) -> Instance:
    catalog = instance.catalog.model_copy(update=update)
    return instance.model_copy(update={"catalog": catalog})


def _fresh_id(wanted: str, taken: set[str]) -> str:
    """``wanted`` if free, else ``wanted-2``, ``wanted-3`` …"""
    if wanted not in taken:
        return wanted
    k = 2
    while f"{wanted}-{k}" in taken:
        k += 1
    return f"{wanted}-{k}"


# demand


def catalog_path_of(week_file: Path) -> Path:
    """The catalog file a week (or a scenario, through its base) names."""
    data = read_document(week_file)
    if isinstance(data, dict) and isinstance(data.get("catalog"), str):
        return week_file.parent / str(data["catalog"])
    if isinstance(data, dict) and isinstance(data.get("base"), str):
        return catalog_path_of(week_file.parent / data["base"])
    raise InputError(
        [Problem(str(week_file), "catalog", "names no catalog file")]
    )


def scale_demand(
    instance: Instance,
    factor: float,
    *,
    mode: str = "generate",
    seed: int = 0,
    required: bool = True,
    source: Source,
) -> Instance:
    """factor × the base's delegations: drop a seeded sample, or add more.

    Added delegations are copies of the base's (``replicate``: ids
    ``<id>-r<k>``, whole copies first, then a seeded sample for the
    fraction) or drawn by the generator for the same ISO week
    (``generate``, ids kept unless taken). The same seed gives nested
    sets across factors, so a sweep compares like with like.
    """
    base = list(instance.delegations)
    target = round(factor * len(base))
    order = list(range(len(base)))
    random.Random(seed).shuffle(order)
    if target <= len(base):
        keep = set(order[:target])
        kept = [d for i, d in enumerate(base) if i in keep]
        ids = {d.id for d in kept}
        locked = [lock for lock in instance.locked if lock.delegation in ids]
        return instance.model_copy(
            update={"delegations": kept, "locked": locked}
        )
    extra_count = target - len(base)
    if mode == "replicate":
        if not base:
            raise source.problem(
                "mode",
                "the base has no delegations to replicate; use "
                "mode: generate or add_delegations",
            )
        extra = _replicate(base, extra_count, order)
    else:
        extra = _generated(instance, extra_count, seed, source)
    if not required:
        extra = [_optional(d) for d in extra]
    return add_delegations(instance, extra, source)


def _replicate(
    base: list[Delegation], count: int, order: list[int]
) -> list[Delegation]:
    """Whole copies of the base first, then a seeded sample for the rest."""
    whole, rest = divmod(count, len(base))
    picks = [(c, i) for c in range(1, whole + 1) for i in range(len(base))]
    picks += [(whole + 1, order[i]) for i in range(rest)]
    return [
        base[i].model_copy(
            update={
                "id": f"{base[i].id}-r{c}",
                "name": f"{base[i].name} (r{c})",
            }
        )
        for c, i in picks
    ]


def _generated(
    instance: Instance, count: int, seed: int, source: Source
) -> list[Delegation]:
    if source.base is None:
        raise source.problem(
            "mode",
            "mode: generate needs a base week file (for its "
            "catalog); use mode: replicate",
        )
    year, week, _ = instance.horizon.start.isocalendar()
    try:
        drawn = generate_week(
            catalog_path_of(source.base), f"{year}-W{week:02d}", count, seed
        )
    except ImportError:
        raise source.problem(
            "mode",
            "the demand generator is not available in this "
            "installation; use mode: replicate",
        ) from None
    raw = drawn.get("delegations", []) if isinstance(drawn, dict) else drawn
    out = []
    for item in raw:
        delegation = (
            item
            if isinstance(item, Delegation)
            else Delegation.model_validate(item)
        )
        out.append(delegation)
    first, last = instance.horizon.start, instance.horizon.dates[-1]
    outside = [
        d.id
        for d in out
        if d.departure.date() < first or d.arrival.date() > last
    ]
    if outside:
        raise source.problem(
            "mode",
            f"the generator drew {len(outside)} delegation(s) for "
            f"ISO week {year}-W{week:02d} outside the horizon {first} to "
            f"{last}; start the horizon on a Monday or use mode: replicate",
        )
    return out


def _optional(delegation: Delegation) -> Delegation:
    requests = [
        r.model_copy(update={"required": False}) for r in delegation.requests
    ]
    return delegation.model_copy(update={"requests": requests})


def _read_delegations(ref: str, source: Source) -> list[Delegation]:
    path = source.folder / ref
    if not path.is_file():
        raise source.problem(
            "file",
            f'"{path}" not found; give a path relative to '
            f"{Path(source.file).name}",
        )
    if path.suffix.lower() == ".csv":
        return load_delegations_csv(path)
    data = read_document(path)
    if isinstance(data, dict) and "delegations" in data:
        data = data["delegations"]
    if not isinstance(data, list):
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "expected a list of delegations (or a "
                    "mapping with `delegations:`)",
                )
            ]
        )
    out, problems = [], []
    for i, item in enumerate(data):
        try:
            out.append(Delegation.model_validate(item))
        except ValidationError as exc:
            problems.extend(problems_from(exc, str(path), f"[{i}]"))
    if problems:
        raise InputError(problems)
    return out


def add_delegations(
    instance: Instance, new: list[Delegation], source: Source
) -> Instance:
    """The week with more delegations; ids already taken get a suffix."""
    sites = {s.id for s in instance.catalog.sites}
    taken = {d.id for d in instance.delegations}
    added = []
    for d in new:
        for j, r in enumerate(d.requests):
            if r.site is not None and r.site not in sites:
                raise source.problem(
                    "file",
                    f'delegation "{d.id}", request {j}: '
                    + _unknown("site", r.site, sorted(sites)),
                )
        fresh = _fresh_id(d.id, taken)
        taken.add(fresh)
        added.append(
            d if fresh == d.id else d.model_copy(update={"id": fresh})
        )
    return instance.model_copy(
        update={"delegations": [*instance.delegations, *added]}
    )


# sites


def close_site(
    instance: Instance, site_id: str, dates: list[dt.date], source: Source
) -> Instance:
    site = _site(instance, site_id, source)
    horizon = instance.horizon.dates
    for k, date in enumerate(dates):
        if date not in horizon:
            raise source.problem(
                f"dates[{k}]",
                f"{date} is outside the horizon "
                f"{horizon[0]} to {horizon[-1]}; give a date of the week",
            )
    closed = sorted(set(site.closed) | set(dates))
    return _replace_site(instance, site.model_copy(update={"closed": closed}))


def change_site(
    instance: Instance,
    site_id: str,
    source: Source,
    *,
    capacity: int | None = None,
    max_groups: int | None = None,
    opening_hours: WeeklyHours | None = None,
    visit_minutes: int | None = None,
) -> Instance:
    site = _site(instance, site_id, source)
    update: dict[str, Any] = {
        key: value
        for key, value in (
            ("capacity", capacity),
            ("max_groups", max_groups),
            ("opening_hours", opening_hours),
            ("visit_minutes", visit_minutes),
        )
        if value is not None
    }
    if not update:
        raise source.problem(
            "site",
            "say what changes: capacity, max_groups, opening_hours "
            "or visit_minutes",
        )
    return _replace_site(instance, site.model_copy(update=update))


# presenters


def _department(instance: Instance, dept: str, source: Source) -> None:
    known = [d.id for d in instance.catalog.departments]
    if dept not in known:
        raise source.problem("department", _unknown("department", dept, known))


def remove_presenters(
    instance: Instance, change: RemovePresenters, source: Source
) -> Instance:
    by_dept = change.department is not None
    if bool(change.ids) == by_dept:
        raise source.problem(
            "ids", "give either ids: [..] or department: with share: or count:"
        )
    catalog = instance.catalog
    if change.ids:
        known = [p.id for p in catalog.presenters]
        for k, pid in enumerate(change.ids):
            if pid not in known:
                raise source.problem(
                    f"ids[{k}]", _unknown("presenter", pid, known)
                )
        gone = set(change.ids)
    else:
        dept = str(change.department)
        _department(instance, dept, source)
        if (change.share is None) == (change.count is None):
            raise source.problem(
                "share",
                "give one of share: (0-1] or count: for the department",
            )
        staff = catalog.presenters_of(dept)
        n = (
            round(change.share * len(staff))
            if change.share is not None
            else int(change.count or 0)
        )
        if n > len(staff):
            raise source.problem(
                "count",
                f'department "{dept}" has {len(staff)} presenters; '
                f"cannot remove {n}",
            )
        seed = source.seed if change.seed is None else change.seed
        gone = {p.id for p in _leaving_order(staff, seed)[:n]}
    return _without_presenters(instance, gone)


def _leaving_order(staff: list[Presenter], seed: int) -> list[Presenter]:
    """A seeded order: removing n or n+1 removes nested sets."""
    order = list(staff)
    random.Random(seed).shuffle(order)
    return order


def _without_presenters(instance: Instance, gone: set[str]) -> Instance:
    presenters = [p for p in instance.catalog.presenters if p.id not in gone]
    locked = [
        lock.model_copy(update={"presenter": None})
        if lock.presenter in gone
        else lock
        for lock in instance.locked
    ]
    out = _with_catalog(instance, presenters=presenters)
    return out.model_copy(update={"locked": locked})


def add_presenters(
    instance: Instance, new: list[dict[str, Any]], source: Source
) -> Instance:
    """New presenters; ``like: ID`` starts from a copy of an existing one."""
    catalog = instance.catalog
    known = {p.id: p for p in catalog.presenters}
    departments = [d.id for d in catalog.departments]
    added: list[Presenter] = []
    for k, raw in enumerate(new):
        where = f"presenters[{k}]"
        data = dict(raw)
        like = data.pop("like", None)
        if like is not None:
            if like not in known:
                raise source.problem(
                    f"{where}.like",
                    _unknown("presenter", str(like), list(known)),
                )
            data = {**known[like].model_dump(mode="json"), **data}
        try:
            presenter = Presenter.model_validate(data)
        except ValidationError as exc:
            raise InputError(
                problems_from(exc, source.file, f"{source.where}.{where}")
            ) from None
        if presenter.id in known:
            raise source.problem(
                f"{where}.id",
                f'presenter id "{presenter.id}" is taken; choose a new id',
            )
        if presenter.department not in departments:
            raise source.problem(
                f"{where}.department",
                _unknown("department", presenter.department, departments),
            )
        known[presenter.id] = presenter
        added.append(presenter)
    return _with_catalog(instance, presenters=[*catalog.presenters, *added])


def set_presenter_count(
    instance: Instance, dept: str, count: int, source: Source, seed: int = 0
) -> Instance:
    """The department with ``count`` presenters: fewer leave (seeded), more
    are copies of the existing ones (languages, hours) with new ids."""
    _department(instance, dept, source)
    staff = instance.catalog.presenters_of(dept)
    if count < len(staff):
        gone = {
            p.id for p in _leaving_order(staff, seed)[: len(staff) - count]
        }
        return _without_presenters(instance, gone)
    if count > len(staff) and not staff:
        raise source.problem(
            "department",
            f'department "{dept}" has no presenter to copy; '
            "use add_presenters",
        )
    new = [
        {"like": staff[k % len(staff)].id, "id": ""}
        for k in range(count - len(staff))
    ]
    return add_presenters(instance, _fresh_copies(instance, new), source)


def _fresh_copies(
    instance: Instance, new: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    taken = {p.id for p in instance.catalog.presenters}
    out = []
    for item in new:
        pid = _fresh_id(f"{item['like']}-extra", taken)
        taken.add(pid)
        original = instance.catalog.presenter(str(item["like"]))
        name = f"{original.name} (extra)"
        out.append({**item, "id": pid, "name": name, "email": ""})
    return out


def copy_presenter(
    instance: Instance, presenter_id: str, source: Source
) -> tuple[Instance, str]:
    """One more presenter like ``presenter_id``; returns the new id."""
    (item,) = _fresh_copies(instance, [{"like": presenter_id}])
    return add_presenters(instance, [item], source), str(item["id"])


# vehicles


def change_vehicles(
    instance: Instance, change: ChangeVehicles, source: Source
) -> Instance:
    pools = list(instance.catalog.vehicles)
    ids = [v.id for v in pools]
    if change.pool is None and not change.add:
        raise source.problem(
            "pool", "name a pool (with count: or seats:) or add: new pools"
        )
    if change.pool is not None:
        if change.pool not in ids:
            raise source.problem(
                "pool", _unknown("vehicle pool", change.pool, ids)
            )
        update = {
            key: value
            for key, value in (
                ("count", change.count),
                ("seats", change.seats),
            )
            if value is not None
        }
        if not update:
            raise source.problem(
                "count",
                f'say what changes in pool "{change.pool}": count: or seats:',
            )
        pools = [
            v.model_copy(update=update) if v.id == change.pool else v
            for v in pools
        ]
    elif change.count is not None or change.seats is not None:
        raise source.problem("pool", "count: and seats: need pool: ID")
    for k, pool in enumerate(change.add):
        if pool.id in ids:
            raise source.problem(
                f"add[{k}].id",
                f'vehicle pool "{pool.id}" exists; change '
                "it with pool: and count:",
            )
        ids.append(pool.id)
        pools.append(pool)
    return _with_catalog(instance, vehicles=pools)


def set_vehicle_count(
    instance: Instance, pool_id: str, count: int, source: Source
) -> Instance:
    change = ChangeVehicles(change="vehicles", pool=pool_id, count=count)
    return change_vehicles(instance, change, source)


# horizon


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


# --- sweep knobs -----------------------------------------------------------

KNOBS = ("demand", "capacity", "groups", "presenters", "vehicles")


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
    if any(v < 0 for v in numbers) or (
        kind == "demand" and any(v <= 0 for v in numbers)
    ):
        raise where.problem("", "sweep values must be positive")
    if knob.integer and any(v != int(v) for v in numbers):
        raise where.problem("", f"{kind} counts are whole numbers")
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
    site = _site(instance, site_id, source)
    per_group = math.ceil(site.capacity / site.max_groups)
    return change_site(
        instance,
        site_id,
        source,
        max_groups=site.max_groups + 1,
        capacity=site.capacity + per_group,
    )


__all__ = [
    "CHANGES",
    "Knob",
    "Source",
    "apply_change",
    "apply_knob",
    "knob_value",
    "load_scenario",
    "one_more_group",
    "parse_sweep",
]
