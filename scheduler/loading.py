"""Reading instances from YAML, JSON and the request portal's CSV.

Every problem is reported as file, field path, what is wrong and how to fix
it (``InputError``); nothing the user gave is silently dropped: unknown
fields are errors, and requests that can never be served are warnings.

Here: the catalog, the week and the schedule, and the cross-references
the schema alone cannot see. Files are read through ``scheduler.documents``
and the portal's CSV through ``scheduler.portal_csv``; their public names
are importable from here as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from scheduler.clock import catalog_clock_problems, week_clock_problems
from scheduler.documents import is_file, problems_from, read_document, validate
from scheduler.errors import InputError, Problem
from scheduler.model import Catalog, Instance, Schedule
from scheduler.portal_csv import (
    CSV_COLUMNS,
    REQUIRED_CSV_COLUMNS,
    CsvDelegations,
    load_delegations_csv,
    parse_requests,
    read_delegations_csv,
)

__all__ = [
    "CSV_COLUMNS",
    "REQUIRED_CSV_COLUMNS",
    "Locate",
    "catalog_problems",
    "instance_from_mapping",
    "instance_problems",
    "load_catalog",
    "load_delegations_csv",
    "load_schedule",
    "load_week",
    "parse_requests",
    "problems_from",
    "read_document",
    "week_from_document",
]

Locate = Callable[[int], tuple[str, str]]
"""Delegation index -> (file, field path prefix) where the user wrote it."""


def load_catalog(path: Path) -> Catalog:
    data = read_document(path)
    if not isinstance(data, dict):
        raise InputError(
            [Problem(str(path), "", "a catalog is a mapping of fields")]
        )
    catalog = validate(Catalog, data, str(path))
    problems = catalog_problems(catalog, str(path))
    if problems:
        raise InputError(problems)
    return catalog


def _duplicates(kind: str, ids: Sequence[str], file: str) -> list[Problem]:
    """Ids name files (``ics/presenters/<id>.ics``), and ``Ana`` and ``ana``
    are one file where case does not count (Windows, macOS)."""
    seen: dict[str, str] = {}
    problems = []
    for i, item_id in enumerate(ids):
        earlier = seen.get(item_id.casefold())
        if earlier is not None:
            same = "" if earlier == item_id else f' (as "{earlier}")'
            problems.append(
                Problem(
                    file,
                    f"{kind}[{i}].id",
                    f'duplicate id "{item_id}"{same}; ids must be unique, '
                    "whatever their capitals",
                )
            )
        seen.setdefault(item_id.casefold(), item_id)
    return problems


def catalog_problems(catalog: Catalog, file: str) -> list[Problem]:
    problems: list[Problem] = []
    departments = {d.id for d in catalog.departments}
    problems += _duplicates(
        "departments", [d.id for d in catalog.departments], file
    )
    problems += _duplicates("sites", [s.id for s in catalog.sites], file)
    problems += _duplicates(
        "presenters", [p.id for p in catalog.presenters], file
    )
    problems += _duplicates("vehicles", [v.id for v in catalog.vehicles], file)
    for i, site in enumerate(catalog.sites):
        if site.department not in departments:
            problems.append(
                Problem(
                    file,
                    f"sites[{i}].department",
                    f'unknown department "{site.department}"; add it under departments or fix the id',
                )
            )
    for i, presenter in enumerate(catalog.presenters):
        if presenter.department not in departments:
            problems.append(
                Problem(
                    file,
                    f"presenters[{i}].department",
                    f'unknown department "{presenter.department}"; add it under departments or fix the id',
                )
            )
    site_ids = {s.id for s in catalog.sites}
    for i, entry in enumerate(catalog.travel.matrix):
        for field, value in (("from", entry.origin), ("to", entry.to)):
            if value not in site_ids:
                problems.append(
                    Problem(
                        file,
                        f"travel.matrix[{i}].{field}",
                        f'unknown site "{value}"; use a site id from sites',
                    )
                )
    problems += catalog_clock_problems(catalog, file)
    return problems


def load_week(path: str | Path) -> Instance:
    """Load a week (YAML/JSON) with its catalog.

    ``whatif.scenario.load_instance`` takes a scenario file as well.
    """
    path = Path(path)
    return week_from_document(read_document(path), path)


def week_from_document(data: Any, path: Path) -> Instance:
    """The week a parsed file holds; one clear error if it is no mapping."""
    file = str(path)
    if not isinstance(data, dict):
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    "a week file is a mapping with catalog, horizon and delegations",
                )
            ]
        )
    return instance_from_mapping(data, path)


def _referenced(path: Path, field: str, value: Any, example: str) -> Path:
    """A file named by a week file, relative to the week file's folder."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            [
                Problem(
                    str(path),
                    field,
                    f"name the file by a path relative to this file, e.g. {field}: {example}",
                )
            ]
        )
    target = path.parent / value
    if not is_file(target):
        raise InputError(
            [
                Problem(
                    str(path),
                    field,
                    f'file "{target}" not found; the path is relative to this file\'s folder',
                )
            ]
        )
    return target


def instance_from_mapping(data: dict[str, Any], path: Path) -> Instance:
    file = str(path)
    data = dict(data)
    catalog = load_catalog(
        _referenced(
            path, "catalog", data.pop("catalog", None), "../catalog.yaml"
        )
    )
    n_written = (
        len(data["delegations"])
        if isinstance(data.get("delegations"), list)
        else 0
    )
    from_csv = CsvDelegations([], [])
    csv_path: Path | None = None
    if "delegations_csv" in data:
        csv_path = _referenced(
            path,
            "delegations_csv",
            data.pop("delegations_csv"),
            "delegations.csv",
        )
        from_csv = read_delegations_csv(csv_path)
    data.setdefault("name", path.stem)
    data["catalog"] = catalog
    if from_csv.delegations:
        written = data.get("delegations") or []
        data["delegations"] = (
            [*written, *from_csv.delegations]
            if isinstance(written, list)
            else written
        )

    def locate(i: int) -> tuple[str, str]:
        if csv_path is None or i < n_written:
            return file, f"delegations[{i}]"
        return str(csv_path), f"row {from_csv.lines[i - n_written]}"

    instance = validate(Instance, data, file)
    problems = instance_problems(instance, file, locate)
    if problems:
        raise InputError(problems)
    return instance


def instance_problems(
    instance: Instance, file: str, locate: Locate | None = None
) -> list[Problem]:
    """Cross-reference errors that the schema alone cannot see.

    ``locate`` maps a delegation index to the file and field path where the
    user wrote it (delegations from a CSV are reported by row).
    """

    return (
        _delegation_problems(instance, file, locate)
        + _locked_problems(instance, file)
        + week_clock_problems(instance, file, locate)
    )


def _delegation_problems(
    instance: Instance, file: str, locate: Locate | None
) -> list[Problem]:
    """Unique ids, stays inside the horizon, requested sites that exist."""

    def where(i: int) -> tuple[str, str]:
        return locate(i) if locate else (file, f"delegations[{i}]")

    problems: list[Problem] = []
    site_ids = {s.id for s in instance.catalog.sites}
    seen: set[str] = set()
    first = instance.horizon.start
    last = instance.horizon.dates[-1]
    for i, d in enumerate(instance.delegations):
        at, path = where(i)
        if d.id.casefold() in seen:
            problems.append(
                Problem(
                    at,
                    f"{path}.id",
                    f'duplicate delegation id "{d.id}"; ids must be unique, '
                    "whatever their capitals",
                )
            )
        seen.add(d.id.casefold())
        if d.departure.date() < first or d.arrival.date() > last:
            problems.append(
                Problem(
                    at,
                    f"{path}.arrival",
                    f'delegation "{d.id}" stays {d.arrival:%Y-%m-%d} to {d.departure:%Y-%m-%d}, outside the horizon {first} to {last}; fix the dates or the horizon',
                )
            )
        for j, r in enumerate(d.requests):
            if r.site is not None and r.site not in site_ids:
                problems.append(
                    Problem(
                        at,
                        f"{path}.requests[{j}].site",
                        f'unknown site "{r.site}"; use a site id from the catalog',
                    )
                )
    return problems


def _locked_problems(instance: Instance, file: str) -> list[Problem]:
    """A locked visit names a delegation, site and presenter that exist."""
    problems: list[Problem] = []
    catalog = instance.catalog
    site_ids = {s.id for s in catalog.sites}
    presenters = {p.id: p for p in catalog.presenters}
    first = instance.horizon.start
    last = instance.horizon.dates[-1]
    delegation_ids = {d.id for d in instance.delegations}
    for i, lock in enumerate(instance.locked):
        path = f"locked[{i}]"
        if lock.delegation not in delegation_ids:
            problems.append(
                Problem(
                    file,
                    f"{path}.delegation",
                    f'unknown delegation "{lock.delegation}"; use a delegation id of this week',
                )
            )
        if lock.site not in site_ids:
            problems.append(
                Problem(
                    file,
                    f"{path}.site",
                    f'unknown site "{lock.site}"; use a site id from the catalog',
                )
            )
        if lock.presenter is not None:
            presenter = presenters.get(lock.presenter)
            if presenter is None:
                problems.append(
                    Problem(
                        file,
                        f"{path}.presenter",
                        f'unknown presenter "{lock.presenter}"; use a presenter id from the catalog',
                    )
                )
            elif (
                lock.site in site_ids
                and presenter.department != catalog.site(lock.site).department
            ):
                problems.append(
                    Problem(
                        file,
                        f"{path}.presenter",
                        f'presenter "{lock.presenter}" belongs to department "{presenter.department}", but site "{lock.site}" is hosted by "{catalog.site(lock.site).department}"; pick one of its presenters',
                    )
                )
        if not first <= instance.local(lock.start).date() <= last:
            problems.append(
                Problem(
                    file,
                    f"{path}.start",
                    f"{lock.start:%Y-%m-%d %H:%M} is outside the horizon {first} to {last}",
                )
            )
    return problems


def load_schedule(path: str | Path) -> Schedule:
    """A ``schedule.json`` written by ``visits plan``."""
    path = Path(path)
    data = read_document(path)
    if not isinstance(data, dict):
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "a schedule is a JSON object with instance, solver, visits, unserved and kpis",
                )
            ]
        )
    return validate(Schedule, data, str(path))
