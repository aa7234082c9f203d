"""Rule 6, presenters: who hosts a visit, when they can, how often."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from scheduler.check.violation import Violation
from scheduler.check.week import DAY, Placed, Week, overloads
from scheduler.problem.windows import format_clock, union

if TYPE_CHECKING:
    from scheduler.model import Presenter


def presenters(week: Week, placed: list[Placed]) -> list[Violation]:
    """Presenter required ⇒ one known presenter of the site's department
    who speaks a delegation language and is available for [start, end);
    per presenter: no two visits overlap, ≤ max_visits_per_day a day.
    """
    found = []
    by_presenter: dict[str, list[Placed]] = defaultdict(list)
    for p in placed:
        name = p.visit.presenter
        if name is None:
            if p.site.presenter_required:
                dept = week.departments.get(p.site.department, "")
                found.append(
                    Violation(
                        6,
                        (p.id,),
                        f"{p.id} has no presenter; {p.site.name} needs one "
                        f"from {dept or p.site.department}",
                    )
                )
            continue
        presenter = week.presenters.get(name)
        if presenter is None:
            found.append(
                Violation(
                    6,
                    (p.id,),
                    f'{p.id} names presenter "{name}", who is not in the '
                    "catalog",
                )
            )
            continue
        by_presenter[name].append(p)
        if p.site.presenter_required:
            found += _presenter_fits(week, p, presenter)
    for name, visits in by_presenter.items():
        found += _presenter_load(week, week.presenters[name], visits)
    return found


def _presenter_fits(
    week: Week, p: Placed, presenter: Presenter
) -> list[Violation]:
    found = []
    if presenter.department != p.site.department:
        found.append(
            f"{presenter.name} works for "
            f"{week.departments.get(presenter.department)}, not for "
            f"{week.departments.get(p.site.department)}, which hosts "
            f"{p.site.name}"
        )
    if not set(presenter.languages) & set(p.delegation.languages):
        found.append(
            f"{presenter.name} speaks {', '.join(presenter.languages)}; "
            f"{p.delegation.name} speaks "
            f"{', '.join(p.delegation.languages)}"
        )
    found += _available(week, p, presenter)
    return [Violation(6, (p.id,), text) for text in found]


def _available(week: Week, p: Placed, presenter: Presenter) -> list[str]:
    """[start, end) ⊆ one weekly availability range (adjacent ranges
    joined; None = always) and disjoint from every unavailable range.
    """
    out = []
    instance = week.instance
    if presenter.availability is not None:
        date = instance.horizon.start + dt.timedelta(days=p.day)
        base = p.day * DAY
        ranges = union(
            [
                (base + lo, base + hi)
                for lo, hi in presenter.availability.on(date)
            ]
        )
        if not any(lo <= p.start and p.end <= hi for lo, hi in ranges):
            hours = ", ".join(
                f"{format_clock(lo - base)}-{format_clock(hi - base)}"
                for lo, hi in ranges
            )
            out.append(
                f"{presenter.name} is not available for {week.span(p)} on "
                f"{week.date_of(p.day)} (available: {hours or 'not at all'})"
            )
    for off in presenter.unavailable:
        lo, hi = instance.minute(off.start), instance.minute(off.end)
        if lo < p.end and p.start < hi:
            out.append(
                f"{presenter.name} is unavailable from {week.when(lo)} to "
                f"{week.when(hi)}, during {week.span(p)}"
            )
    return out


def _presenter_load(
    week: Week, presenter: Presenter, visits: list[Placed]
) -> list[Violation]:
    found = []
    loads = [(p.start, p.end, 1, p.id) for p in visits]
    spans = {p.id: week.span(p) for p in visits}
    for minute, _, active in overloads(loads, 1):
        found.append(
            Violation(
                6,
                tuple(x[3] for x in active),
                f"{presenter.name} has {len(active)} visits at once at "
                f"{week.when(minute)}: "
                + ", ".join(spans[x[3]] for x in active),
            )
        )
    per_day: dict[int, list[Placed]] = defaultdict(list)
    for p in visits:
        per_day[p.day].append(p)
    for day, same in sorted(per_day.items()):
        if len(same) > presenter.max_visits_per_day:
            found.append(
                Violation(
                    6,
                    tuple(p.id for p in same),
                    f"{presenter.name} has {len(same)} visits on "
                    f"{week.date_of(day)}, more than their maximum of "
                    f"{presenter.max_visits_per_day}",
                )
            )
    return found
