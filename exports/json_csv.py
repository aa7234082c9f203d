"""schedule.json (the SPEC's exchange format) and schedule.csv.

The JSON is ``Schedule.model_dump(mode="json")`` with every start and end
in the catalog's zone, so its ISO 8601 offsets read as local time
(``2026-11-23T09:00:00-05:00``). The CSV has one row per visit with local
dates and clock times and stable English column names, for other tools.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from typing import TYPE_CHECKING

from exports.tables import VisitRow, visit_rows

if TYPE_CHECKING:
    from pathlib import Path

    from scheduler.model import Instance, Schedule

CSV_COLUMNS = tuple(f.name for f in dataclasses.fields(VisitRow))


def local_schedule(schedule: Schedule, instance: Instance) -> Schedule:
    """The same schedule with every visit's times in the catalog's zone."""
    visits = [
        v.model_copy(
            update={
                "start": instance.local(v.start),
                "end": instance.local(v.end),
            }
        )
        for v in schedule.visits
    ]
    return schedule.model_copy(update={"visits": visits})


def schedule_json(schedule: Schedule, instance: Instance) -> str:
    data = local_schedule(schedule, instance).model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_json(schedule: Schedule, instance: Instance, path: Path) -> Path:
    path.write_text(schedule_json(schedule, instance), encoding="utf-8")
    return path


def csv_records(
    schedule: Schedule, instance: Instance
) -> list[dict[str, str]]:
    """One record per visit; times as local ``HH:MM`` beside the date."""
    records = []
    for row in visit_rows(schedule, instance):
        record = {
            name: "" if value is None else str(value)
            for name, value in dataclasses.asdict(row).items()
        }
        record["date"] = row.date.isoformat()
        record["start"] = row.start.strftime("%H:%M")
        record["end"] = row.end.strftime("%H:%M")
        records.append(record)
    return records


def write_csv(schedule: Schedule, instance: Instance, path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_records(schedule, instance))
    return path
