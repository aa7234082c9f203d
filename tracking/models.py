"""The tracking database's tables: what was requested, planned and sent.

One row a thing a coordinator asks about: a catalog version, a
delegation (the organization that writes to us), its requests (one
submission: dates, size, wishes, and what intake decided), the weeks
assembled, the plans made, their visits with the state of each invite,
the requests left unserved and why, the scenario runs compared.

Local wall-clock times (a delegation's arrival, as the portal gives it)
are stored as they are; instants (a visit's start, when a row was
written) are stored in UTC through ``Utc`` so SQLite and PostgreSQL
give back the same value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    ForeignKey,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Utc(TypeDecorator[dt.datetime]):
    """An aware instant stored as naive UTC, read back aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value} has no UTC offset")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class CatalogVersion(Base):
    """A catalog file as it was when requests were checked against it."""

    __tablename__ = "catalog_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    loaded_at: Mapped[dt.datetime] = mapped_column(Utc)


class DelegationRow(Base):
    """An organization that asks for visits (one row however often)."""

    __tablename__ = "delegations"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    """The delegation id written in week files (e.g. ``br-curitiba``)."""
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    organization: Mapped[str] = mapped_column(String(300))


class RequestRow(Base):
    """One submission: a delegation's stay, wishes and intake decision."""

    __tablename__ = "requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegations.id"))
    catalog_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_versions.id")
    )
    source: Mapped[str] = mapped_column(String(20))
    """portal-csv, portal-json, yaml or by-hand."""
    file: Mapped[str] = mapped_column(Text)
    line: Mapped[str] = mapped_column(String(40))
    """Where in the file (``row 3``, ``[2]``)."""
    submitted_at: Mapped[dt.datetime] = mapped_column(Utc)
    arrival: Mapped[dt.datetime] = mapped_column(DateTime)
    """Local wall-clock time, as the portal gives it."""
    departure: Mapped[dt.datetime] = mapped_column(DateTime)
    week: Mapped[str] = mapped_column(String(8), index=True)
    """ISO week of the arrival, ``2026-W49``."""
    size: Mapped[int]
    languages: Mapped[list[Any]]
    wishes: Mapped[list[Any]]
    """The request labels, ``site:ruta-n``, ``topic:mobility``."""
    delegation: Mapped[dict[str, Any]]
    """The whole delegation mapping, as a week file writes it."""
    status: Mapped[str] = mapped_column(String(12))
    """accepted, waitlisted or refused."""
    rule: Mapped[str] = mapped_column(Text, default="")
    """Why not accepted, in words naming the catalog's rule."""
    recorded_at: Mapped[dt.datetime] = mapped_column(Utc)


class WeekRow(Base):
    """A week file assembled from the database."""

    __tablename__ = "weeks"
    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8))
    file: Mapped[str] = mapped_column(Text)
    delegations: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(Utc)


class PlanRow(Base):
    """A plan folder (plan or replan) and what its solver reached."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    folder: Mapped[str] = mapped_column(Text, unique=True)
    instance: Mapped[str] = mapped_column(String(300))
    week: Mapped[str] = mapped_column(String(8), default="")
    solver: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    objective: Mapped[float | None]
    revision: Mapped[int] = mapped_column(default=0)
    previous: Mapped[str] = mapped_column(Text, default="")
    kpis: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(Utc)
    """When schedule.json was written (its modification time)."""
    recorded_at: Mapped[dt.datetime] = mapped_column(Utc)


class VisitRow(Base):
    """A planned visit and the state of its invite."""

    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("plan_id", "visit"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE")
    )
    visit: Mapped[str] = mapped_column(String(140))
    delegation: Mapped[str] = mapped_column(String(64), index=True)
    site: Mapped[str] = mapped_column(String(64))
    presenter: Mapped[str | None] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(64), default="")
    start: Mapped[dt.datetime] = mapped_column(Utc)
    end: Mapped[dt.datetime] = mapped_column(Utc)
    request: Mapped[int | None]
    uid: Mapped[str] = mapped_column(String(200), default="")
    sequence: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default="active")
    """active or cancelled (the ledger's state)."""
    last_method: Mapped[str] = mapped_column(String(12), default="")
    """REQUEST / CANCEL / PUBLISH last sent for it; "" if none yet."""
    sent_at: Mapped[dt.datetime | None] = mapped_column(Utc)
    reply: Mapped[str] = mapped_column(String(12), default="")
    """ACCEPTED / DECLINED / TENTATIVE from the presenter; "" if none."""
    reply_stale: Mapped[bool] = mapped_column(default=False)


class UnservedRow(Base):
    """A request a plan could not serve, and why."""

    __tablename__ = "unserved"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE")
    )
    delegation: Mapped[str] = mapped_column(String(64))
    request: Mapped[int]
    wish: Mapped[str] = mapped_column(String(140), default="")
    reason: Mapped[str] = mapped_column(Text)


class ScenarioRun(Base):
    """A what-if run: a scenario planned against a base week."""

    __tablename__ = "scenario_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    base: Mapped[str] = mapped_column(Text)
    folder: Mapped[str] = mapped_column(Text)
    kpis: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(Utc)


TABLES = (
    CatalogVersion,
    DelegationRow,
    RequestRow,
    WeekRow,
    PlanRow,
    VisitRow,
    UnservedRow,
    ScenarioRun,
)
"""Every table, parents before children (the order export writes)."""
