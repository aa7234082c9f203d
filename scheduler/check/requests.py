"""Rule 9: the requests visits claim and serve, and the locked visits."""

from __future__ import annotations

from collections import defaultdict

from scheduler.check.violation import Violation
from scheduler.check.week import Placed, Week, serves
from scheduler.model import visit_id


def requests(week: Week, placed: list[Placed]) -> list[Violation]:
    """request(v) = j ⇒ j exists and site(v) serves it; a request is
    served by one visit at most; every required request is served.
    """
    found = []
    claims: dict[tuple[str, int], list[Placed]] = defaultdict(list)
    for p in placed:
        j = p.visit.request
        if j is None:
            continue
        d = p.delegation
        if not 0 <= j < len(d.requests):
            found.append(
                Violation(
                    9,
                    (p.id,),
                    f"{p.id} serves request {j}, but {d.name} has "
                    f"{len(d.requests)} request(s), numbered from 0",
                )
            )
            continue
        r = d.requests[j]
        if not serves(p.site, d, j):
            why = (
                f"it asks for site {r.site}"
                if r.site is not None
                else f"{p.site.name} has no topic {r.topic}"
            )
            found.append(
                Violation(
                    9,
                    (p.id,),
                    f"{p.id} claims request {j} ({r.label}) of {d.name}, "
                    f"but {why}",
                )
            )
            continue
        claims[(d.id, j)].append(p)
    for (_, j), visits in claims.items():
        if len(visits) > 1:
            found.append(
                Violation(
                    9,
                    tuple(p.id for p in visits),
                    f"{' and '.join(p.id for p in visits)} all claim "
                    f"request {j} of {visits[0].delegation.name}; a "
                    "request is served by one visit",
                )
            )
    for d in week.instance.delegations:
        for j, r in enumerate(d.requests):
            if r.required and (d.id, j) not in claims:
                found.append(
                    Violation(
                        9,
                        (),
                        f"required request {j} ({r.label}) of {d.name} is "
                        "not served",
                    )
                )
    return found


def locked(week: Week, placed: list[Placed]) -> list[Violation]:
    """A locked visit is in the schedule at its start, with its presenter."""
    found = []
    instance = week.instance
    at = {(p.delegation.id, p.site.id): p for p in placed}
    for lock in instance.locked:
        vid = visit_id(lock.delegation, lock.site)
        start = instance.minute(lock.start)
        p = at.get((lock.delegation, lock.site))
        if p is None:
            found.append(
                Violation(
                    9,
                    (vid,),
                    f"locked visit {vid} at {week.when(start)} is missing",
                )
            )
            continue
        if p.start != start:
            found.append(
                Violation(
                    9,
                    (vid,),
                    f"{vid} starts {week.when(p.start)}, but it is locked "
                    f"at {week.when(start)}",
                )
            )
        if lock.presenter is not None and p.visit.presenter != lock.presenter:
            found.append(
                Violation(
                    9,
                    (vid,),
                    f"{vid} is presented by {p.visit.presenter or 'nobody'}, "
                    f"but it is locked with {lock.presenter}",
                )
            )
    return found
