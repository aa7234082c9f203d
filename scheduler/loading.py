"""Reading instances from YAML, JSON and the request portal's CSV.

Every problem is reported as file, field path, what is wrong and how to fix
it (``InputError``); nothing the user gave is silently dropped: unknown
fields are errors, and requests that can never be served are warnings.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from scheduler.errors import InputError, Problem
from scheduler.model import Catalog, Delegation, Instance

M = TypeVar("M", bound=BaseModel)

CSV_COLUMNS = (
    "id", "name", "country", "organization", "size", "languages", "arrival",
    "departure", "day_window", "lunch_window", "lunch_minutes",
    "max_visits_per_day", "lodging_lat", "lodging_lon", "priority",
    "accessible_only", "email", "requests",
)
REQUIRED_CSV_COLUMNS = (
    "id", "name", "country", "size", "languages", "arrival", "departure",
    "lodging_lat", "lodging_lon", "requests",
)


def read_document(path: Path) -> Any:
    """Parse a YAML or JSON file, or raise ``InputError`` naming the file."""
    if not path.is_file():
        raise InputError([Problem(str(path), "", "file not found; check the path")])
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            [Problem(str(path), "", f"not valid {path.suffix[1:].upper()}: {exc}")]
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


def problems_from(exc: ValidationError, file: str, prefix: str = "") -> list[Problem]:
    problems = []
    for err in exc.errors():
        path = _loc(tuple(err["loc"]))
        if prefix:
            path = f"{prefix}.{path}" if path and not path.startswith("[") else prefix + path
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
        raise InputError([Problem(str(path), "", "a catalog is a mapping of fields")])
    catalog = _validate(Catalog, data, str(path))
    problems = catalog_problems(catalog, str(path))
    if problems:
        raise InputError(problems)
    return catalog


def catalog_problems(catalog: Catalog, file: str) -> list[Problem]:
    problems: list[Problem] = []
    departments = {d.id for d in catalog.departments}
    for kind, items in (
        ("departments", catalog.departments),
        ("sites", catalog.sites),
        ("presenters", catalog.presenters),
        ("vehicles", catalog.vehicles),
    ):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                problems.append(Problem(file, f"{kind}[{i}].id", f'duplicate id "{item.id}"; ids must be unique'))
            seen.add(item.id)
    for i, site in enumerate(catalog.sites):
        if site.department not in departments:
            problems.append(Problem(file, f"sites[{i}].department", f'unknown department "{site.department}"; add it under departments or fix the id'))
    for i, presenter in enumerate(catalog.presenters):
        if presenter.department not in departments:
            problems.append(Problem(file, f"presenters[{i}].department", f'unknown department "{presenter.department}"; add it under departments or fix the id'))
    site_ids = {s.id for s in catalog.sites}
    for i, entry in enumerate(catalog.travel.matrix):
        for field, value in (("from", entry.origin), ("to", entry.to)):
            if value not in site_ids:
                problems.append(Problem(file, f"travel.matrix[{i}].{field}", f'unknown site "{value}"'))
    return problems


def parse_requests(text: str) -> list[dict[str, Any]]:
    """Portal syntax: ``site:metrocable-k*;topic:innovation=2`` (* required, =weight)."""
    requests = []
    for raw in filter(None, (part.strip() for part in text.split(";"))):
        kind, sep, target = raw.partition(":")
        if not sep or kind.strip() not in ("site", "topic"):
            raise ValueError(f'"{raw}" is not a request; write site:ID or topic:NAME, separated by ";"')
        weight = 1
        target = target.strip()
        if "=" in target:
            target, _, w = target.partition("=")
            if not w.strip().isdigit():
                raise ValueError(f'"{raw}": the weight after "=" must be a whole number')
            weight = int(w)
        required = target.endswith("*")
        target = target.rstrip("*").strip()
        requests.append({kind.strip(): target, "weight": weight, "required": required})
    return requests


def _csv_row(row: dict[str, str]) -> dict[str, Any]:
    """A portal row as a delegation mapping; pydantic checks the values."""
    def get(key: str) -> str:
        return (row.get(key) or "").strip()

    data: dict[str, Any] = {
        "id": get("id"), "name": get("name"), "country": get("country"),
        "size": get("size"),
        "languages": [x.strip() for x in get("languages").split(";") if x.strip()],
        "arrival": get("arrival"), "departure": get("departure"),
        "lodging": {"lat": get("lodging_lat"), "lon": get("lodging_lon")},
    }
    for key in ("organization", "day_window", "max_visits_per_day", "priority", "email"):
        if get(key):
            data[key] = get(key)
    if get("accessible_only"):
        data["accessible_only"] = get("accessible_only").lower() in ("1", "true", "yes", "si", "sí")
    lunch: dict[str, Any] = {}
    if get("lunch_window"):
        lunch["window"] = get("lunch_window")
    if get("lunch_minutes"):
        lunch["minutes"] = get("lunch_minutes")
    if lunch:
        data["lunch"] = lunch
    data["requests"] = parse_requests(get("requests"))
    return data


def load_delegations_csv(path: Path) -> list[Delegation]:
    if not path.is_file():
        raise InputError([Problem(str(path), "", "file not found; check the path")])
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        missing = [c for c in REQUIRED_CSV_COLUMNS if c not in columns]
        unknown = sorted(columns - set(CSV_COLUMNS))
        problems = []
        if missing:
            problems.append(Problem(str(path), "header", f"missing column(s) {', '.join(missing)}; the portal export has {', '.join(CSV_COLUMNS)}"))
        if unknown:
            problems.append(Problem(str(path), "header", f"unknown column(s) {', '.join(unknown)}; rename or remove them"))
        if problems:
            raise InputError(problems)
        delegations = []
        for line, row in enumerate(reader, start=2):
            where = f"row {line}"
            try:
                data = _csv_row(row)
            except ValueError as exc:
                problems.append(Problem(str(path), f"{where}.requests", str(exc)))
                continue
            try:
                delegations.append(Delegation.model_validate(data))
            except ValidationError as exc:
                problems.extend(problems_from(exc, str(path), where))
        if problems:
            raise InputError(problems)
        return delegations


def load_instance(path: str | Path) -> Instance:
    """Load a week (YAML/JSON) with its catalog, or a scenario file."""
    path = Path(path)
    data = read_document(path)
    file = str(path)
    if not isinstance(data, dict):
        raise InputError([Problem(file, "", "a week file is a mapping with catalog, horizon and delegations")])
    if "base" in data and "changes" in data:
        from scheduler.scenario import load_scenario

        return load_scenario(path, data)
    return instance_from_mapping(data, path)


def instance_from_mapping(data: dict[str, Any], path: Path) -> Instance:
    file = str(path)
    data = dict(data)
    catalog_ref = data.pop("catalog", None)
    if not isinstance(catalog_ref, str):
        raise InputError([Problem(file, "catalog", "name the catalog file by a path relative to this file, e.g. catalog: ../catalog.yaml")])
    catalog = load_catalog(path.parent / catalog_ref)
    csv_ref = data.pop("delegations_csv", None)
    extra: list[Delegation] = []
    if csv_ref is not None:
        extra = load_delegations_csv(path.parent / str(csv_ref))
    data.setdefault("name", path.stem)
    data["catalog"] = catalog
    if extra:
        raw = list(data.get("delegations") or [])
        data["delegations"] = raw + extra
    instance = _validate(Instance, data, file)
    problems = instance_problems(instance, file)
    if problems:
        raise InputError(problems)
    return instance


def instance_problems(instance: Instance, file: str) -> list[Problem]:
    """Cross-reference errors that the schema alone cannot see."""
    problems: list[Problem] = []
    catalog = instance.catalog
    site_ids = {s.id for s in catalog.sites}
    presenter_ids = {p.id for p in catalog.presenters}
    seen: set[str] = set()
    first = instance.horizon.start
    last = instance.horizon.dates[-1]
    for i, d in enumerate(instance.delegations):
        where = f"delegations[{i}]"
        if d.id in seen:
            problems.append(Problem(file, f"{where}.id", f'duplicate delegation id "{d.id}"; ids must be unique'))
        seen.add(d.id)
        if d.departure.date() < first or d.arrival.date() > last:
            problems.append(Problem(file, f"{where}.arrival", f'delegation "{d.id}" stays {d.arrival:%Y-%m-%d} to {d.departure:%Y-%m-%d}, outside the horizon {first} to {last}; fix the dates or the horizon'))
        for j, r in enumerate(d.requests):
            if r.site is not None and r.site not in site_ids:
                problems.append(Problem(file, f"{where}.requests[{j}].site", f'unknown site "{r.site}"; use a site id from the catalog'))
    delegation_ids = {d.id for d in instance.delegations}
    for i, lock in enumerate(instance.locked):
        where = f"locked[{i}]"
        if lock.delegation not in delegation_ids:
            problems.append(Problem(file, f"{where}.delegation", f'unknown delegation "{lock.delegation}"'))
        if lock.site not in site_ids:
            problems.append(Problem(file, f"{where}.site", f'unknown site "{lock.site}"'))
        if lock.presenter is not None and lock.presenter not in presenter_ids:
            problems.append(Problem(file, f"{where}.presenter", f'unknown presenter "{lock.presenter}"'))
    return problems


def warnings(instance: Instance) -> list[str]:
    """Requests that can never be served, in words (``visits validate``)."""
    from scheduler.reasons import static_reason

    out = []
    for d in instance.delegations:
        for j, r in enumerate(d.requests):
            reason = static_reason(instance, d, j)
            if reason:
                out.append(f'delegation "{d.id}", request {j} ({r.label}): {reason}')
    return out
