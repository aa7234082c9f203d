"""Visits matched across two plans by id: kept, moved, presenter, cancelled, added."""

from __future__ import annotations

import datetime as dt

from scheduler.changes import compare_schedules, counts
from scheduler.model import Schedule, SolverInfo, Visit

UTC5 = dt.timezone(dt.timedelta(hours=-5))
UTC = dt.UTC


def visit(
    site: str, hour: int, presenter: str | None = "p", tz: dt.tzinfo = UTC5
) -> Visit:
    start = dt.datetime(2026, 12, 7, hour, tzinfo=UTC5).astimezone(tz)
    return Visit(
        id=f"d--{site}",
        delegation="d",
        site=site,
        presenter=presenter,
        start=start,
        end=start + dt.timedelta(hours=1),
    )


def plan(*visits: Visit) -> Schedule:
    return Schedule(
        instance="w",
        solver=SolverInfo(name="greedy", status="FEASIBLE"),
        visits=list(visits),
    )


def test_each_kind_of_change_is_told_apart() -> None:
    before = plan(
        visit("a", 9), visit("b", 10), visit("c", 11), visit("d", 12)
    )
    after = plan(
        visit("a", 9, tz=UTC),
        visit("b", 14),
        visit("c", 11, "q"),
        visit("e", 15),
    )
    changes = compare_schedules(before, after)
    assert [(c.site, c.kind) for c in changes] == [
        ("a", "kept"),  # same instant, written in UTC
        ("b", "moved"),
        ("c", "presenter"),
        ("d", "cancelled"),
        ("e", "added"),
    ]
    assert counts(changes) == {
        "kept": 1,
        "moved": 1,
        "presenter": 1,
        "cancelled": 1,
        "added": 1,
    }
    assert [c.changed for c in changes] == [False, True, True, True, True]
