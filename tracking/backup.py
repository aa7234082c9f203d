"""The whole database as one JSON file, and back (into an empty one).

Every row of every table, with its id, in a form that reads back to the
same values: instants as ISO 8601 in UTC, local times without offset,
JSON columns as they are. Import refuses a database that holds rows, so
a backup never mixes with (or silently duplicates) live data.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, func, insert, select, text

from scheduler.documents import read_document
from scheduler.errors import InputError, Problem
from tracking.migrate import head
from tracking.models import TABLES, Base, Utc

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import Column, Table
    from sqlalchemy.orm import Session

FORMAT = 1


def _tables() -> list[Table]:
    """Every table, parents first."""
    return [Base.metadata.tables[m.__tablename__] for m in TABLES]


def _is_time(column: Column[Any]) -> bool:
    return isinstance(column.type, Utc | DateTime)


def _out(column: Column[Any], value: Any) -> Any:
    if value is not None and _is_time(column):
        return value.isoformat()
    return value


def _in(column: Column[Any], value: Any) -> Any:
    if value is not None and _is_time(column):
        return dt.datetime.fromisoformat(value)
    return value


def export_data(session: Session) -> dict[str, Any]:
    """Every table's rows, parents first, ordered by id."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        rows = session.execute(select(table).order_by(table.c.id)).all()
        tables[table.name] = [
            {c.name: _out(c, row._mapping[c.name]) for c in table.columns}
            for row in rows
        ]
    return {"format": FORMAT, "schema": head(), "tables": tables}


def export_text(session: Session) -> str:
    return (
        json.dumps(export_data(session), ensure_ascii=False, indent=1) + "\n"
    )


def row_count(session: Session) -> int:
    return sum(
        session.scalar(select(func.count()).select_from(t)) or 0
        for t in _tables()
    )


def import_file(session: Session, path: Path) -> dict[str, int]:
    """Load a backup into an empty database; rows per table."""
    data = read_document(path)
    file = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
        raise InputError(
            [
                Problem(
                    file,
                    "tables",
                    "not a backup of the tracking database; give a file "
                    "written by visits db export",
                )
            ]
        )
    if data.get("schema") != head():
        raise InputError(
            [
                Problem(
                    file,
                    "schema",
                    f"written at schema {data.get('schema')!r}, this "
                    f"version is at {head()!r}; import it with the version "
                    "that exported it",
                )
            ]
        )
    if row_count(session):
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    "the database already holds rows; import into an empty "
                    "database (a new --db file) so nothing is mixed or "
                    "duplicated",
                )
            ]
        )
    known = {t.name: t for t in _tables()}
    unknown = sorted(set(data["tables"]) - set(known))
    if unknown:
        raise InputError(
            [Problem(file, "tables", f"unknown table(s) {', '.join(unknown)}")]
        )
    counts = {}
    for name, table in known.items():
        rows = data["tables"].get(name, [])
        columns = {c.name: c for c in table.columns}
        values = []
        for i, row in enumerate(rows):
            extra = set(row) - set(columns) if isinstance(row, dict) else {0}
            if extra:
                raise InputError(
                    [
                        Problem(
                            file,
                            f"tables.{name}[{i}]",
                            "not a row of this table; restore the file",
                        )
                    ]
                )
            values.append({k: _in(columns[k], v) for k, v in row.items()})
        if values:
            session.execute(insert(table), values)
        counts[name] = len(values)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        for table in known.values():
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                    f"'id'), COALESCE((SELECT MAX(id) FROM {table.name}), 0)"
                    " + 1, false)"
                )
            )
    return counts
