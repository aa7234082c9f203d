"""Reading instances from YAML, JSON and the request portal's CSV.

Every problem is reported as file, field path, what is wrong and how to fix
it (``InputError``); nothing the user gave is silently dropped: unknown
fields are errors, and requests that can never be served are warnings.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from scheduler.errors import InputError, Problem
from scheduler.model import Catalog, Delegation, Instance, Schedule

M = TypeVar("M", bound=BaseModel)

CSV_COLUMNS = (
    "id",
    "name",
    "country",
    "organization",
    "size",
    "languages",
    "arrival",
    "departure",
    "day_window",
    "lunch_window",
    "lunch_minutes",
    "max_visits_per_day",
    "lodging_lat",
    "lodging_lon",
    "priority",
    "accessible_only",
    "email",
    "requests",
)
REQUIRED_CSV_COLUMNS = (
    "id",
    "name",
    "country",
    "size",
    "languages",
    "arrival",
    "departure",
    "lodging_lat",
    "lodging_lon",
    "requests",
)

Locate = Callable[[int], tuple[str, str]]
"""Delegation index -> (file, field path prefix) where the user wrote it."""


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise InputError(
            [Problem(str(path), "", "file not found; check the path")]
        )
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    f"not UTF-8 text (byte {exc.start}); save the file as UTF-8",
                )
            ]
        ) from None


def read_document(path: Path) -> Any:
    """Parse a YAML or JSON file, or raise ``InputError`` naming the file."""
    text = _read_text(path)
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        kind = "JSON" if path.suffix.lower() == ".json" else "YAML"
        raise InputError(
            [Problem(str(path), "", f"not valid {kind}: {exc}")]
        ) from None


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-before", "function-after", "tagged-union"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def problems_from(
    exc: ValidationError, file: str, prefix: str = ""
) -> list[Problem]:
    problems = []
    for err in exc.errors():
        path = _loc(tuple(err["loc"]))
        if prefix:
            path = (
                f"{prefix}.{path}"
                if path and not path.startswith("[")
                else prefix + path
            )
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field; check its spelling against the docs"
        elif err["type"] == "missing":
            message = "required field is missing"
        problems.append(Problem(file, path, message))
    return problems


def _validate(model: type[M], data: Any, file: str, prefix: str = "") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, file, prefix)) from None


def load_catalog(path: Path) -> Catalog:
    data = read_document(path)
    if not isinstance(data, dict):
        raise InputError(
            [Problem(str(path), "", "a catalog is a mapping of fields")]
        )
    catalog = _validate(Catalog, data, str(path))
    problems = catalog_problems(catalog, str(path))
    if problems:
        raise InputError(problems)
    return catalog


def _duplicates(kind: str, ids: Sequence[str], file: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, item_id in enumerate(ids):
        if item_id in seen:
            problems.append(
                Problem(
                    file,
                    f"{kind}[{i}].id",
                    f'duplicate id "{item_id}"; ids must be unique',
                )
            )
        seen.add(item_id)
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
    return problems


def parse_requests(text: str) -> list[dict[str, Any]]:
    """Portal syntax: ``site:metrocable-k*;topic:innovation=2`` (* required, =weight)."""
    requests = []
    for raw in filter(None, (part.strip() for part in text.split(";"))):
        kind, sep, target = raw.partition(":")
        if not sep or kind.strip() not in ("site", "topic"):
            raise ValueError(
                f'"{raw}" is not a request; write site:ID or topic:NAME, separated by ";"'
            )
        weight = 1
        target = target.strip()
        if "=" in target:
            target, _, w = target.partition("=")
            if not w.strip().isdigit():
                raise ValueError(
                    f'"{raw}": the weight after "=" must be a whole number'
                )
            weight = int(w)
        required = target.strip().endswith("*")
        target = target.strip().rstrip("*").strip()
        if not target:
            raise ValueError(
                f'"{raw}" names no site or topic; write e.g. site:ruta-n or topic:innovation'
            )
        requests.append(
            {kind.strip(): target, "weight": weight, "required": required}
        )
    return requests


def _csv_row(row: dict[str, str]) -> dict[str, Any]:
    """A portal row as a delegation mapping; pydantic checks the values."""

    def get(key: str) -> str:
        return (row.get(key) or "").strip()

    data: dict[str, Any] = {
        "id": get("id"),
        "name": get("name"),
        "country": get("country"),
        "size": get("size"),
        "languages": [
            x.strip() for x in get("languages").split(";") if x.strip()
        ],
        "arrival": get("arrival"),
        "departure": get("departure"),
        "lodging": {"lat": get("lodging_lat"), "lon": get("lodging_lon")},
    }
    for key in (
        "organization",
        "day_window",
        "max_visits_per_day",
        "priority",
        "email",
    ):
        if get(key):
            data[key] = get(key)
    if get("accessible_only"):
        data["accessible_only"] = get("accessible_only").lower() in (
            "1",
            "true",
            "yes",
            "si",
            "sí",
        )
    lunch: dict[str, Any] = {}
    if get("lunch_window"):
        lunch["window"] = get("lunch_window")
    if get("lunch_minutes"):
        lunch["minutes"] = get("lunch_minutes")
    if lunch:
        data["lunch"] = lunch
    data["requests"] = parse_requests(get("requests"))
    return data


@dataclass(frozen=True)
class _CsvDelegations:
    delegations: list[Delegation]
    lines: list[int]
    """The line each delegation's row starts on (header = line 1)."""


def _read_delegations_csv(path: Path) -> _CsvDelegations:
    text = _read_text(path)
    reader = csv.DictReader(text.splitlines(keepends=True))
    columns = set(reader.fieldnames or ())
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in columns]
    unknown = sorted(columns - set(CSV_COLUMNS))
    problems = []
    if missing:
        problems.append(
            Problem(
                str(path),
                "header",
                f"missing column(s) {', '.join(missing)}; the portal export has {', '.join(CSV_COLUMNS)}",
            )
        )
    if unknown:
        problems.append(
            Problem(
                str(path),
                "header",
                f"unknown column(s) {', '.join(unknown)}; rename or remove them",
            )
        )
    if problems:
        raise InputError(problems)
    delegations, lines = [], []
    previous_end = reader.line_num
    for row in reader:
        line, previous_end = previous_end + 1, reader.line_num
        where = f"row {line}"
        if None in row:
            problems.append(
                Problem(
                    str(path),
                    where,
                    f"more values than the {len(reader.fieldnames or ())} columns; quote values that contain commas",
                )
            )
            continue
        try:
            data = _csv_row(row)
        except ValueError as exc:
            problems.append(Problem(str(path), f"{where}.requests", str(exc)))
            continue
        try:
            delegations.append(Delegation.model_validate(data))
            lines.append(line)
        except ValidationError as exc:
            problems.extend(problems_from(exc, str(path), where))
    if problems:
        raise InputError(problems)
    return _CsvDelegations(delegations, lines)


def load_delegations_csv(path: Path) -> list[Delegation]:
    """Delegations from the request portal's CSV export, one a row."""
    return _read_delegations_csv(path).delegations


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
    if not target.is_file():
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
    from_csv = _CsvDelegations([], [])
    csv_path: Path | None = None
    if "delegations_csv" in data:
        csv_path = _referenced(
            path,
            "delegations_csv",
            data.pop("delegations_csv"),
            "delegations.csv",
        )
        from_csv = _read_delegations_csv(csv_path)
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

    instance = _validate(Instance, data, file)
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

    def where(i: int) -> tuple[str, str]:
        return locate(i) if locate else (file, f"delegations[{i}]")

    problems: list[Problem] = []
    catalog = instance.catalog
    site_ids = {s.id for s in catalog.sites}
    presenters = {p.id: p for p in catalog.presenters}
    seen: set[str] = set()
    first = instance.horizon.start
    last = instance.horizon.dates[-1]
    for i, d in enumerate(instance.delegations):
        at, path = where(i)
        if d.id in seen:
            problems.append(
                Problem(
                    at,
                    f"{path}.id",
                    f'duplicate delegation id "{d.id}"; ids must be unique',
                )
            )
        seen.add(d.id)
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
    return _validate(Schedule, data, str(path))
