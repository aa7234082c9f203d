"""Re-planning a published week (``visits replan``): minimal change.

The previous plan's visits are sorted into those that must change (their
delegation left, their site or presenter is gone, the presenter declined,
or the judge finds they now break a hard rule: a site closed, hours
changed) and those that still fit. The ones that still fit become the
data's ``published`` visits: the solver keeps each where it is unless
moving it serves more value (served value first, then the number of
changes, then travel and balance; ``--max-changes`` bounds the changes).
Every change gets a reason in words.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from scheduler.changes import counts
from scheduler.check import violations
from scheduler.check.week import Week, serves
from scheduler.compile import compile_instance
from scheduler.errors import InputError, Problem
from scheduler.loading import load_schedule
from scheduler.model import DateTimeRange, Visit
from scheduler.problem import LockedData

if TYPE_CHECKING:
    from pathlib import Path

    from scheduler.changes import Change
    from scheduler.model import Instance, Schedule
    from scheduler.problem import ProblemData

MAX_CHANGES = 100_000
"""The largest --max-changes accepted (more than any week's visits)."""


@dataclass(frozen=True)
class Previous:
    """What a plan folder tells a re-plan: its schedule and the replies."""

    folder: Path
    schedule: Schedule
    declined: tuple[tuple[str, str], ...] = ()
    """(visit id, presenter id) of each declined invite still current."""


@dataclass(frozen=True)
class Sorted:
    """The previous visits: still fitting, or forced to change and why."""

    fitting: tuple[Visit, ...]
    forced: dict[str, str]
    """Visit id → why it cannot stay as it was."""


def load_previous(folder: Path) -> Previous:
    """The previous plan folder's schedule and its presenters' replies."""
    if not folder.is_dir():
        raise InputError(
            [
                Problem(
                    str(folder),
                    "--previous",
                    "not a plan folder; give the folder `visits plan` or "
                    "`visits replan` wrote (it holds schedule.json)",
                )
            ]
        )
    path = folder / "schedule.json"
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    str(path),
                    "--previous",
                    "no schedule.json in the previous plan folder; give "
                    "the folder `visits plan` or `visits replan` wrote",
                )
            ]
        )
    schedule = load_schedule(path)
    return Previous(folder, schedule, _declined(folder, schedule))


def _declined(folder: Path, schedule: Schedule) -> tuple[tuple[str, str], ...]:
    """Declines recorded by ``visits replies`` (replies.json), not stale,
    of visits the previous plan has, by the presenter it names."""
    path = folder / "replies.json"
    if not path.is_file():
        return ()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        replies = data["replies"]
        if not isinstance(replies, dict):
            raise TypeError("replies is not an object")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            [
                Problem(
                    str(path),
                    "replies",
                    f"cannot read the recorded replies ({exc}); run "
                    "`visits replies` again on the reply files",
                )
            ]
        ) from exc
    visits = {v.id: v for v in schedule.visits}
    out = []
    for visit_id, reply in replies.items():
        if not isinstance(reply, dict):
            continue
        visit = visits.get(visit_id)
        if (
            visit is not None
            and visit.presenter is not None
            and str(reply.get("partstat", "")).upper() == "DECLINED"
            and not reply.get("stale", False)
        ):
            out.append((visit_id, visit.presenter))
    return tuple(out)


def with_declines(instance: Instance, previous: Previous) -> Instance:
    """Each presenter who declined is unavailable over that visit's time."""
    if not previous.declined:
        return instance
    visits = {v.id: v for v in previous.schedule.visits}
    busy: dict[str, list[DateTimeRange]] = {}
    for visit_id, presenter in previous.declined:
        visit = visits[visit_id]
        busy.setdefault(presenter, []).append(
            DateTimeRange(
                start=instance.local(visit.start).replace(tzinfo=None),
                end=instance.local(visit.end).replace(tzinfo=None),
            )
        )
    presenters = [
        p.model_copy(update={"unavailable": [*p.unavailable, *busy[p.id]]})
        if p.id in busy
        else p
        for p in instance.catalog.presenters
    ]
    catalog = instance.catalog.model_copy(update={"presenters": presenters})
    return instance.model_copy(update={"catalog": catalog})


def sort_previous(instance: Instance, previous: Previous) -> Sorted:
    """Which previous visits may stay as they are in the changed week."""
    delegations = {d.id: d for d in instance.delegations}
    sites = {s.id: s for s in instance.catalog.sites}
    presenters = {p.id for p in instance.catalog.presenters}
    declined = dict(previous.declined)
    forced: dict[str, str] = {}
    survivors: list[Visit] = []
    for v in previous.schedule.visits:
        delegation = delegations.get(v.delegation)
        site = sites.get(v.site)
        if delegation is None:
            forced[v.id] = f"delegation {v.delegation} left"
        elif site is None:
            forced[v.id] = f"site {v.site} is no longer in the catalog"
        elif not any(
            serves(site, delegation, j)
            for j in range(len(delegation.requests))
        ):
            forced[v.id] = f"{v.delegation} no longer asks for {v.site}"
        elif v.presenter is not None and v.presenter not in presenters:
            forced[v.id] = (
                f"presenter {v.presenter} is no longer in the catalog"
            )
        elif v.id in declined:
            forced[v.id] = f"presenter {declined[v.id]} declined"
        else:
            survivors.append(v.model_copy(update={"request": None}))
    # The judge, on the survivors alone: what the changed week forbids.
    for _ in range(len(survivors) + 1):
        survivors = with_travel(instance, survivors)
        trial = previous.schedule.model_copy(
            update={
                "instance": instance.name,
                "visits": survivors,
                "unserved": [],
            }
        )
        named = {
            visit_id: found.detail
            for found in violations(instance, trial)
            for visit_id in found.visit_ids
        }
        broken = [v for v in survivors if v.id in named]
        if not broken:
            break
        for v in broken:
            forced[v.id] = named[v.id]
        survivors = [v for v in survivors if v.id not in named]
    return Sorted(tuple(survivors), forced)


def with_travel(instance: Instance, visits: list[Visit]) -> list[Visit]:
    """The visits with ``travel_minutes_before`` recomputed: once others
    of the day are gone, a visit's previous place may be the lodging."""
    week = Week(instance)
    out: list[Visit] = []
    days: dict[tuple[str, dt.date], list[Visit]] = {}
    for v in sorted(visits, key=lambda v: v.start):
        key = (v.delegation, instance.local(v.start).date())
        days.setdefault(key, []).append(v)
    for day in days.values():
        out += week.with_travel(day)
    return out


def published_data(
    data: ProblemData,
    instance: Instance,
    fitting: tuple[Visit, ...],
    max_changes: int | None,
) -> ProblemData:
    """The compiled week with the fitting previous visits as published."""
    delegation = {d.id: i for i, d in enumerate(instance.delegations)}
    site = {s.id: i for i, s in enumerate(instance.catalog.sites)}
    presenter = {p.id: i for i, p in enumerate(instance.catalog.presenters)}
    published = tuple(
        LockedData(
            delegation=delegation[v.delegation],
            site=site[v.site],
            start=instance.minute(v.start),
            presenter=presenter.get(v.presenter, -1)
            if v.presenter is not None
            else -1,
        )
        for v in fitting
    )
    return replace(data, published=published, max_changes=max_changes)


def compile_replan(
    instance: Instance, fitting: tuple[Visit, ...], max_changes: int | None
) -> ProblemData:
    return published_data(
        compile_instance(instance), instance, fitting, max_changes
    )


def reasons_for(
    changes: list[Change],
    forced: dict[str, str],
    previous: Schedule,
    value_before: int,
    value_after: int,
) -> dict[str, str]:
    """Why each visit changed, in words a coordinator understands."""
    before = {v.delegation for v in previous.visits} | {
        u.delegation for u in previous.unserved
    }
    out: dict[str, str] = {}
    for change in changes:
        if not change.changed:
            continue
        if change.visit in forced:
            out[change.visit] = forced[change.visit]
        elif change.kind == "added":
            out[change.visit] = (
                f"delegation {change.delegation} arrived"
                if change.delegation not in before
                else "a request that now fits"
            )
        elif change.kind == "cancelled":
            out[change.visit] = (
                "given up so that more valuable requests are served "
                f"(served value {value_before} → {value_after})"
            )
        else:
            out[change.visit] = (
                "changed so that more requests are served "
                f"(served value {value_before} → {value_after})"
            )
    return out


def replan_record(
    previous: Previous,
    changes: list[Change],
    reasons: dict[str, str],
    value_before: int,
    value_after: int,
    max_changes: int | None,
) -> dict[str, Any]:
    """DIR/replan.json: the counts, values and each change with its why."""
    return {
        "version": 1,
        "previous": str(previous.folder),
        "max_changes": max_changes,
        "counts": counts(changes),
        "value_before": value_before,
        "value_after": value_after,
        "changes": [
            {
                "visit": c.visit,
                "delegation": c.delegation,
                "site": c.site,
                "kind": c.kind,
                "reason": reasons.get(c.visit, ""),
            }
            for c in changes
            if c.changed
        ],
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
