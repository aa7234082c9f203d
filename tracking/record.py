"""A plan folder into the database: the plan, its visits, their invites.

``record_plan`` reads what `visits plan` / `replan` / `publish` /
`replies` leave in a folder (schedule.json and, when present,
ledger.json, changes/index.json, sent.json, replies.json, replan.json)
and keeps one plan row per folder: recording a folder again replaces its
visits with the folder's current state (invites sent since, replies
received since), never a second copy.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from scheduler.errors import InputError, Problem
from scheduler.loading import load_catalog, load_schedule
from tracking.intake import iso_week
from tracking.models import (
    CatalogVersion,
    PlanRow,
    RequestRow,
    ScenarioRun,
    UnservedRow,
    VisitRow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from scheduler.model import Instance

KIND_RANK = {"delegation": 0, "department": 1, "presenter": 2}
"""Whose message names a visit's invite state: the presenter's first."""


@dataclass(frozen=True)
class Recorded:
    plan_id: int
    folder: str
    visits: int
    unserved: int
    sent: int
    replies: int
    again: bool
    """The folder was recorded before (its rows were replaced)."""


def _json(path: Path) -> dict[str, Any]:
    """An optional JSON file of the folder ({} when absent)."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            [Problem(str(path), "", f"not valid JSON ({exc}); restore it")]
        ) from None
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), "", "expected a JSON object")])
    return data


def _departments(session: Session) -> dict[str, str]:
    """Site -> department, from the latest catalog still on disk."""
    for version in session.scalars(
        select(CatalogVersion).order_by(CatalogVersion.id.desc())
    ):
        if Path(version.path).is_file():
            catalog = load_catalog(Path(version.path))
            return {s.id: s.department for s in catalog.sites}
    return {}


def _sent_state(folder: Path) -> dict[str, tuple[str, dt.datetime | None]]:
    """Visit -> (last method sent, when) from changes/ and sent.json."""
    index = _json(folder / "changes" / "index.json")
    sent = _json(folder / "sent.json").get("sent", {})
    best: dict[str, tuple[int, str, str]] = {}
    for message in index.get("messages", []):
        if message.get("id") not in sent:
            continue
        at = str(sent[message["id"]].get("at", ""))
        rank = KIND_RANK.get(message.get("recipient", {}).get("kind"), 0)
        for visit in message.get("visits", []):
            if (rank, at) >= best.get(visit, (-1, "", ""))[::2]:
                best[visit] = (rank, str(message.get("method", "")), at)
    return {
        visit: (method, dt.datetime.fromisoformat(at) if at else None)
        for visit, (_, method, at) in best.items()
    }


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def record_plan(
    session: Session,
    folder: Path,
    now: dt.datetime | None = None,
    *,
    instance: Instance | None = None,
) -> Recorded:
    """Record (or re-record) the plan folder ``folder``; see module doc.

    ``instance`` (the week planned) names each unserved request's wish;
    without it the wish comes from the accepted requests, else from the
    folder's earlier record.
    """
    now = now or dt.datetime.now(dt.UTC)
    schedule_path = folder / "schedule.json"
    if not schedule_path.is_file():
        raise InputError(
            [
                Problem(
                    str(folder),
                    "",
                    "holds no schedule.json; give a folder written by "
                    "visits plan or visits replan",
                )
            ]
        )
    schedule = load_schedule(schedule_path)
    ledger = _json(folder / "ledger.json")
    replan = _json(folder / "replan.json")
    replies = _json(folder / "replies.json").get("replies", {})
    sent = _sent_state(folder)
    key = str(folder.resolve())
    plan = session.scalar(select(PlanRow).where(PlanRow.folder == key))
    again = plan is not None
    earlier: dict[tuple[str, int], str] = {}
    if plan is None:
        plan = PlanRow(folder=key)
        session.add(plan)
    else:
        earlier = {
            (u.delegation, u.request): u.wish
            for u in session.scalars(
                select(UnservedRow).where(UnservedRow.plan_id == plan.id)
            )
        }
        session.execute(delete(VisitRow).where(VisitRow.plan_id == plan.id))
        session.execute(
            delete(UnservedRow).where(UnservedRow.plan_id == plan.id)
        )
    starts = sorted(v.start for v in schedule.visits)
    plan.instance = schedule.instance
    if instance is not None:
        plan.week = iso_week(instance.horizon.start)
    elif starts:
        plan.week = iso_week(starts[0].date())
    elif not again:
        plan.week = ""
    plan.solver = schedule.solver.name
    plan.status = schedule.solver.status
    plan.objective = schedule.solver.objective
    plan.revision = int(ledger.get("revision", 0))
    plan.previous = str(replan.get("previous", ""))
    plan.kpis = schedule.kpis
    plan.created_at = dt.datetime.fromtimestamp(
        schedule_path.stat().st_mtime, dt.UTC
    )
    plan.recorded_at = now
    session.flush()
    entries = ledger.get("visits", {})
    departments = {} if entries else _departments(session)
    rows: dict[str, VisitRow] = {}
    for visit in schedule.visits:
        entry = entries.get(visit.id, {})
        method, at = sent.get(visit.id, ("", None))
        reply = replies.get(visit.id, {})
        rows[visit.id] = VisitRow(
            plan_id=plan.id,
            visit=visit.id,
            delegation=visit.delegation,
            site=visit.site,
            presenter=visit.presenter,
            department=str(
                entry.get("department") or departments.get(visit.site, "")
            ),
            start=visit.start,
            end=visit.end,
            request=visit.request,
            uid=str(entry.get("uid", "")),
            sequence=int(entry.get("sequence", 0)),
            status=str(entry.get("status", "active")),
            last_method=method,
            sent_at=_aware(at),
            reply=str(reply.get("partstat", "")),
            reply_stale=bool(reply.get("stale", False)),
        )
    # Cancelled visits stay in the ledger (not in the schedule): keep them.
    for visit_id, entry in entries.items():
        if visit_id in rows or entry.get("status") != "cancelled":
            continue
        method, at = sent.get(visit_id, ("", None))
        rows[visit_id] = VisitRow(
            plan_id=plan.id,
            visit=visit_id,
            delegation=str(entry.get("delegation", "")),
            site=str(entry.get("site", "")),
            presenter=entry.get("presenter"),
            department=str(entry.get("department", "")),
            start=dt.datetime.fromisoformat(entry["start"]),
            end=dt.datetime.fromisoformat(entry["end"]),
            request=None,
            uid=str(entry.get("uid", "")),
            sequence=int(entry.get("sequence", 0)),
            status="cancelled",
            last_method=method,
            sent_at=_aware(at),
            reply="",
            reply_stale=False,
        )
    session.add_all(rows.values())
    wishes = (
        {d.id: [r.label for r in d.requests] for d in instance.delegations}
        if instance is not None
        else _wishes(session, plan.week)
    )
    for unserved in schedule.unserved:
        labels = wishes.get(unserved.delegation, [])
        session.add(
            UnservedRow(
                plan_id=plan.id,
                delegation=unserved.delegation,
                request=unserved.request,
                wish=labels[unserved.request]
                if unserved.request < len(labels)
                else earlier.get((unserved.delegation, unserved.request), ""),
                reason=unserved.reason,
            )
        )
    session.flush()
    return Recorded(
        plan.id,
        key,
        len(schedule.visits),
        len(schedule.unserved),
        sum(1 for v in rows.values() if v.last_method),
        sum(1 for v in rows.values() if v.reply),
        again,
    )


def _wishes(session: Session, week: str) -> dict[str, list[str]]:
    """Delegation -> its request labels, from the accepted requests."""
    query = select(RequestRow).where(RequestRow.status == "accepted")
    if week:
        query = query.where(RequestRow.week == week)
    return {
        row.delegation["id"]: list(row.wishes)
        for row in session.scalars(query.order_by(RequestRow.id))
    }


def record_scenario(
    session: Session,
    name: str,
    base: str,
    folder: str,
    kpis: dict[str, Any],
    now: dt.datetime,
) -> ScenarioRun:
    """One what-if run (a scenario planned against a base week)."""
    row = ScenarioRun(
        name=name, base=base, folder=folder, kpis=kpis, created_at=now
    )
    session.add(row)
    session.flush()
    return row
