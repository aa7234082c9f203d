"""A week file assembled from the accepted requests of one ISO week.

The files stay the interchange format: the planner reads the YAML this
writes exactly as it reads a week written by hand, with its catalog
named by a path relative to the week file.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from sqlalchemy import select

from scheduler.errors import InputError, Problem
from scheduler.files import Written, write_file
from scheduler.generate.week import week_start
from scheduler.loading import instance_from_mapping, load_catalog
from tracking.intake import ACCEPTED, latest_catalog
from tracking.models import CatalogVersion, RequestRow, WeekRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class AssembledWeek:
    written: Written
    delegations: int
    requests: int
    replaced: list[str]
    """Delegations that asked twice this week: the later request kept."""


def week_mapping(
    session: Session, week: str, out: Path, catalog_path: Path | None
) -> tuple[dict[str, Any], list[str]]:
    """The week file's content, and the delegations that asked twice."""
    monday = week_start(week)
    rows = session.scalars(
        select(RequestRow)
        .where(RequestRow.week == week, RequestRow.status == ACCEPTED)
        .order_by(RequestRow.arrival, RequestRow.id)
    ).all()
    if not rows:
        raise InputError(
            [
                Problem(
                    "--week",
                    "",
                    f"no accepted request arrives in {week}; run visits "
                    "intake first, or check the week",
                )
            ]
        )
    if catalog_path is None:
        version_ids = [r.catalog_version_id for r in rows]
        latest = max((v for v in version_ids if v is not None), default=None)
        version = session.get(CatalogVersion, latest) if latest else None
        catalog_path = (
            Path(version.path)
            if version and Path(version.path).is_file()
            else latest_catalog(session, "visits week")
        )
    catalog = load_catalog(catalog_path)
    by_key: dict[str, dict[str, Any]] = {}
    replaced = []
    for row in rows:
        key = row.delegation["id"]
        if key in by_key:
            replaced.append(key)
        by_key[key] = row.delegation
    weekend = any(
        (dt.datetime.fromisoformat(d["departure"]).date() - monday).days >= 5
        for d in by_key.values()
    )
    days = 7 if weekend and not catalog.intake.weekdays_only else 5
    ref = Path(
        os.path.relpath(catalog_path.resolve(), out.parent.resolve())
    ).as_posix()
    data = {
        "name": out.stem,
        "catalog": ref,
        "horizon": {"start": monday.isoformat(), "days": days},
        "delegations": list(by_key.values()),
    }
    return data, sorted(set(replaced))


def assemble_week(
    session: Session,
    week: str,
    out: Path,
    now: dt.datetime,
    *,
    catalog_path: Path | None = None,
    force: bool = False,
) -> AssembledWeek:
    """Write the week file (checked as the planner will read it)."""
    data, replaced = week_mapping(session, week, out, catalog_path)
    # The planner's own checks, first; the catalog named absolutely since
    # OUT's folder may not exist yet (write_file creates it).
    absolute = (out.parent.resolve() / data["catalog"]).resolve()
    instance_from_mapping({**data, "catalog": str(absolute)}, out)
    header = (
        "# Assembled by `visits week` from the tracking database:\n"
        f"#   visits week --week {week} --out {out.as_posix()}\n"
        f"# {len(data['delegations'])} accepted delegations arriving in "
        f"{week}.\n"
    )
    body = yaml.safe_dump(
        data,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
    written = write_file(out, header + body, force=force)
    session.add(
        WeekRow(
            week=week,
            file=str(out.resolve()),
            delegations=len(data["delegations"]),
            created_at=now,
        )
    )
    requests = sum(len(d.get("requests", [])) for d in data["delegations"])
    return AssembledWeek(written, len(data["delegations"]), requests, replaced)
