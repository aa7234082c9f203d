"""Delegations from the request portal's CSV export, one a row.

A row's cells become a delegation mapping that pydantic checks; every
problem names the row it was found on (the header is line 1).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from scheduler.documents import problems_from, read_text
from scheduler.errors import InputError, Problem
from scheduler.model import Delegation

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

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
    "submitted",
)
"""``submitted`` (when the portal received the row) is read by
``visits intake`` only; a week file ignores it."""
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


YES = ("true", "yes", "y", "1", "si", "sí", "s")
NO = ("false", "no", "n", "0")


class CellError(ValueError):
    """A cell the portal row cannot hold, with its column."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def yes_no(text: str, column: str) -> bool:
    """A portal yes/no cell; anything else is refused, never guessed."""
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise CellError(
        column,
        f'"{text}" is not yes or no; write one of {", ".join(YES + NO)}',
    )


def row_delegation(row: Mapping[str, str]) -> dict[str, Any]:
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
        data["accessible_only"] = yes_no(
            get("accessible_only"), "accessible_only"
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
class CsvDelegations:
    """The delegations of a portal CSV and the rows they came from."""

    delegations: list[Delegation]
    lines: list[int]
    """The line each delegation's row starts on (header = line 1)."""


def read_delegations_csv(path: Path) -> CsvDelegations:
    """Every row as a delegation, or one ``InputError`` with each problem."""
    text = read_text(path)
    reader = csv.DictReader(text.splitlines(keepends=True))
    names = [name.strip() for name in reader.fieldnames or ()]
    reader.fieldnames = names
    columns = set(names)
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in columns]
    unknown = sorted(columns - set(CSV_COLUMNS))
    problems = []
    seen: dict[str, int] = {}
    for k, name in enumerate(names, start=1):
        first = seen.setdefault(name.casefold(), k)
        if first != k:
            problems.append(
                Problem(
                    str(path),
                    "header",
                    f'column "{name}" appears twice (columns {first} and '
                    f"{k}); keep one, the portal writes each column once",
                )
            )
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
            data = row_delegation(row)
        except ValueError as exc:
            field = exc.column if isinstance(exc, CellError) else "requests"
            problems.append(Problem(str(path), f"{where}.{field}", str(exc)))
            continue
        try:
            delegations.append(Delegation.model_validate(data))
            lines.append(line)
        except ValidationError as exc:
            problems.extend(problems_from(exc, str(path), where))
    if problems:
        raise InputError(problems)
    return CsvDelegations(delegations, lines)


def load_delegations_csv(path: Path) -> list[Delegation]:
    """Delegations from the request portal's CSV export, one a row."""
    return read_delegations_csv(path).delegations
