"""Intake: the portal's requests checked against the catalog's rules.

A request (one portal row: a delegation, its stay and its wishes) is
recorded accepted, waitlisted or refused, with the rule named in words.
A submission sent twice (same organization, same arrival and departure
dates), in the same file or an earlier one, is reported and not recorded
again: running intake twice on one export changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import select

from scheduler.documents import problems_from, read_document, read_text
from scheduler.errors import InputError, Problem
from scheduler.loading import load_catalog, load_week
from scheduler.model import Catalog, Delegation, IntakeRules
from scheduler.portal_csv import (
    CSV_COLUMNS,
    CellError,
    read_delegations_csv,
    row_delegation,
)
from tracking.models import CatalogVersion, DelegationRow, RequestRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ACCEPTED, WAITLISTED, REFUSED = "accepted", "waitlisted", "refused"
SOURCES = ("portal-csv", "portal-json", "yaml", "by-hand")


@dataclass(frozen=True)
class Submission:
    """One request as the file gives it."""

    delegation: Delegation
    line: str
    submitted: dt.datetime | None


@dataclass(frozen=True)
class Decision:
    """What intake decided for one request."""

    line: str
    delegation: str
    organization: str
    week: str
    status: str
    rule: str


@dataclass(frozen=True)
class Duplicate:
    """A submission already recorded (or earlier in the same file)."""

    line: str
    delegation: str
    organization: str
    first: str
    """Where the first copy came from: file and row."""


@dataclass(frozen=True)
class IntakeResult:
    file: str
    source: str
    decisions: list[Decision]
    duplicates: list[Duplicate]

    def count(self, status: str) -> int:
        return sum(1 for d in self.decisions if d.status == status)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def organization_of(delegation: Delegation) -> str:
    """The organization a duplicate or a repeat is judged by."""
    return (delegation.organization or delegation.name).strip()


def _same(text: str) -> str:
    return " ".join(text.casefold().split())


# --- reading -------------------------------------------------------------


def _submitted(
    text: str, file: str, field: str, catalog: Catalog
) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            [
                Problem(
                    file,
                    field,
                    f'"{text}" is not a date; write it as 2026-10-01 or '
                    "2026-10-01T14:30",
                )
            ]
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=catalog.zone)
    return value


def _read_csv(path: Path, catalog: Catalog) -> list[Submission]:
    read = read_delegations_csv(path)
    rows = list(csv.DictReader(read_text(path).splitlines(keepends=True)))
    out = []
    for delegation, line, row in zip(
        read.delegations, read.lines, rows, strict=True
    ):
        where = f"row {line}"
        submitted = _submitted(
            row.get("submitted") or "",
            str(path),
            f"{where}.submitted",
            catalog,
        )
        out.append(Submission(delegation, where, submitted))
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(_cell(v) for v in value)
    return str(value)


def _read_json(path: Path, catalog: Catalog) -> list[Submission]:
    data = read_document(path)
    file = str(path)
    if not isinstance(data, list):
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    "the portal's JSON export is a list of requests, one "
                    "object each with the CSV export's fields",
                )
            ]
        )
    problems: list[Problem] = []
    out = []
    for i, record in enumerate(data):
        where = f"[{i}]"
        if not isinstance(record, dict):
            problems.append(
                Problem(file, where, "a request is an object of fields")
            )
            continue
        unknown = sorted(set(record) - set(CSV_COLUMNS))
        if unknown:
            problems.append(
                Problem(
                    file,
                    where,
                    f"unknown field(s) {', '.join(unknown)}; the export has "
                    f"{', '.join(CSV_COLUMNS)}",
                )
            )
            continue
        row = {key: _cell(value) for key, value in record.items()}
        try:
            delegation = Delegation.model_validate(row_delegation(row))
            submitted = _submitted(
                row.get("submitted", ""), file, f"{where}.submitted", catalog
            )
        except ValueError as exc:
            if isinstance(exc, ValidationError):
                problems.extend(problems_from(exc, file, where))
            else:
                column = (
                    exc.column if isinstance(exc, CellError) else "requests"
                )
                problems.append(Problem(file, f"{where}.{column}", str(exc)))
            continue
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        out.append(Submission(delegation, where, submitted))
    if problems:
        raise InputError(problems)
    return out


def source_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "portal-csv"
    if suffix == ".json":
        return "portal-json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    raise InputError(
        [
            Problem(
                str(path),
                "",
                "give the portal's export (.csv or .json) or a week file "
                "(.yaml)",
            )
        ]
    )


def week_catalog_path(path: Path) -> Path:
    """The catalog a week file names (relative to the week file)."""
    data = read_document(path)
    ref = data.get("catalog") if isinstance(data, dict) else None
    if not isinstance(ref, str):
        raise InputError(
            [Problem(str(path), "catalog", "name the week's catalog file")]
        )
    return path.parent / ref


def read_submissions(path: Path, catalog: Catalog) -> list[Submission]:
    """The requests a portal export or a week file holds."""
    source = source_of(path)
    if source == "portal-csv":
        return _read_csv(path, catalog)
    if source == "portal-json":
        return _read_json(path, catalog)
    return [
        Submission(d, f"delegations[{i}]", None)
        for i, d in enumerate(load_week(path).delegations)
    ]


# --- catalog versions ------------------------------------------------------


def record_catalog(
    session: Session, path: Path, now: dt.datetime
) -> tuple[CatalogVersion, Catalog]:
    """The catalog file's version row (one per distinct content)."""
    catalog = load_catalog(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    row = session.scalar(
        select(CatalogVersion).where(CatalogVersion.sha256 == digest)
    )
    if row is None:
        row = CatalogVersion(
            name=catalog.name,
            path=str(path.resolve()),
            sha256=digest,
            loaded_at=now,
        )
        session.add(row)
        session.flush()
    return row, catalog


def latest_catalog(session: Session, what: str) -> Path:
    """The catalog file last recorded, for commands given none."""
    row = session.scalar(
        select(CatalogVersion).order_by(CatalogVersion.id.desc()).limit(1)
    )
    if row is None or not Path(row.path).is_file():
        known = f' (last known: "{row.path}", not found)' if row else ""
        raise InputError(
            [
                Problem(
                    "--catalog",
                    "",
                    f"{what} needs the catalog{known}; give it with "
                    "--catalog instances/medellin/catalog.yaml",
                )
            ]
        )
    return Path(row.path)


# --- the rules -------------------------------------------------------------


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


def catalog_rule(delegation: Delegation, catalog: Catalog) -> str:
    """A wish the catalog cannot serve, in words ("" when all can)."""
    sites = {s.id for s in catalog.sites}
    topics = {t for s in catalog.sites for t in s.topics}
    for request in delegation.requests:
        if request.site is not None and request.site not in sites:
            return (
                f'catalog: site "{request.site}" is not in the catalog '
                f"{catalog.name}"
            )
        if request.topic is not None and request.topic not in topics:
            return (
                f'catalog: no site of {catalog.name} offers topic "'
                f'{request.topic}"'
            )
    return ""


def stay_rule(delegation: Delegation, rules: IntakeRules) -> str:
    """Stay length and weekdays ("" when the stay is eligible)."""
    first, last = delegation.arrival.date(), delegation.departure.date()
    days = (last - first).days + 1
    if days < rules.min_stay_days:
        return (
            f"min_stay_days: a stay of {days} day(s), the catalog asks at "
            f"least {rules.min_stay_days}"
        )
    if days > rules.max_stay_days:
        return (
            f"max_stay_days: a stay of {days} days, the catalog allows at "
            f"most {rules.max_stay_days}"
        )
    if rules.weekdays_only and all(
        (first + dt.timedelta(days=i)).weekday() >= 5 for i in range(days)
    ):
        return (
            "weekdays_only: the stay falls on a weekend only; hosts receive "
            "Monday to Friday"
        )
    return ""


def lead_rule(
    delegation: Delegation, submitted: dt.datetime, catalog: Catalog
) -> str:
    """Too little notice before arrival ("" when enough)."""
    rules = catalog.intake
    local = submitted.astimezone(catalog.zone).date()
    lead = (delegation.arrival.date() - local).days
    if lead < rules.min_lead_days:
        return (
            f"min_lead_days: submitted {lead} day(s) before arrival, the "
            f"catalog asks at least {rules.min_lead_days}"
        )
    return ""


@dataclass(frozen=True)
class _Known:
    """A request already recorded, as the rules compare it."""

    organization: str
    arrival: dt.date
    departure: dt.date
    week: str
    status: str
    wishes: frozenset[str]
    where: str


def repeat_rule(
    organization: str,
    delegation: Delegation,
    known: list[_Known],
    rules: IntakeRules,
) -> str:
    """A topic (or site) this organization had within N months."""
    months = rules.topic_repeat_months
    if not months:
        return ""
    wishes = {r.label for r in delegation.requests}
    arrival = delegation.arrival.date()
    for other in known:
        if other.status != ACCEPTED or other.organization != _same(
            organization
        ):
            continue
        earlier, later = sorted((other.arrival, arrival))
        if _months_later(earlier, months) <= later:
            continue
        shared = sorted(wishes & other.wishes)
        if shared:
            return (
                f"topic_repeat_months: {organization} was accepted for "
                f"{shared[0]} arriving {other.arrival.isoformat()}; one visit "
                f"per topic every {months} months"
            )
    return ""


def _known(session: Session) -> list[_Known]:
    rows = session.execute(
        select(RequestRow, DelegationRow.organization).join(
            DelegationRow, RequestRow.delegation_id == DelegationRow.id
        )
    ).all()
    return [
        _Known(
            _same(organization),
            row.arrival.date(),
            row.departure.date(),
            row.week,
            row.status,
            frozenset(row.wishes),
            f"{row.file} {row.line}",
        )
        for row, organization in rows
    ]


def _delegation_row(session: Session, delegation: Delegation) -> DelegationRow:
    row = session.scalar(
        select(DelegationRow).where(DelegationRow.key == delegation.id)
    )
    if row is None:
        row = DelegationRow(key=delegation.id)
        session.add(row)
    row.name = delegation.name
    row.country = delegation.country
    row.organization = organization_of(delegation)
    session.flush()
    return row


def decide(
    submission: Submission,
    catalog: Catalog,
    known: list[_Known],
    now: dt.datetime,
) -> tuple[str, str]:
    """(status, rule) for one request; the first rule broken is named."""
    delegation, rules = submission.delegation, catalog.intake
    refusal = (
        catalog_rule(delegation, catalog)
        or stay_rule(delegation, rules)
        or lead_rule(delegation, submission.submitted or now, catalog)
        or repeat_rule(organization_of(delegation), delegation, known, rules)
    )
    if refusal:
        return REFUSED, refusal
    cap = rules.max_delegations_per_week
    week = iso_week(delegation.arrival.date())
    taken = sum(1 for k in known if k.week == week and k.status == ACCEPTED)
    if cap and taken >= cap:
        return WAITLISTED, (
            f"max_delegations_per_week: {taken} delegations already "
            f"accepted in {week}; waitlisted for a freed place"
        )
    return ACCEPTED, ""


def record_intake(
    session: Session,
    path: Path,
    now: dt.datetime,
    *,
    catalog_path: Path | None = None,
    source: str | None = None,
) -> IntakeResult:
    """Check and record every request of ``path`` (see module doc)."""
    source = source or source_of(path)
    if source not in SOURCES:
        raise InputError(
            [
                Problem(
                    str(path),
                    "source",
                    f'"{source}" is not a source; use {", ".join(SOURCES)}',
                )
            ]
        )
    if catalog_path is None:
        catalog_path = (
            week_catalog_path(path)
            if source_of(path) == "yaml"
            else latest_catalog(session, "visits intake")
        )
    version, catalog = record_catalog(session, catalog_path, now)
    submissions = read_submissions(path, catalog)
    known = _known(session)
    file = str(path)
    decisions, duplicates = [], []
    for submission in submissions:
        delegation = submission.delegation
        organization = organization_of(delegation)
        arrival, departure = (
            delegation.arrival.date(),
            delegation.departure.date(),
        )
        first = next(
            (
                k
                for k in known
                if k.organization == _same(organization)
                and k.arrival == arrival
                and k.departure == departure
            ),
            None,
        )
        if first is not None:
            duplicates.append(
                Duplicate(
                    submission.line, delegation.id, organization, first.where
                )
            )
            continue
        status, rule = decide(submission, catalog, known, now)
        week = iso_week(arrival)
        session.add(
            RequestRow(
                delegation_id=_delegation_row(session, delegation).id,
                catalog_version_id=version.id,
                source=source,
                file=file,
                line=submission.line,
                submitted_at=submission.submitted or now,
                arrival=delegation.arrival.replace(tzinfo=None),
                departure=delegation.departure.replace(tzinfo=None),
                week=week,
                size=delegation.size,
                languages=list(delegation.languages),
                wishes=[r.label for r in delegation.requests],
                delegation=delegation.model_dump(
                    mode="json", exclude_defaults=True, by_alias=True
                ),
                status=status,
                rule=rule,
                recorded_at=now,
            )
        )
        known.append(
            _Known(
                _same(organization),
                arrival,
                departure,
                week,
                status,
                frozenset(r.label for r in delegation.requests),
                f"{file} {submission.line}",
            )
        )
        decisions.append(
            Decision(
                submission.line,
                delegation.id,
                organization,
                week,
                status,
                rule,
            )
        )
    session.flush()
    return IntakeResult(file, source, decisions, duplicates)
