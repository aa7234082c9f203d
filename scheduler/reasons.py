"""Reasons in the catalog's words, for a calendar week.

The rules live in ``scheduler.problem.reasons`` (integer data, shared with
the greedy solver); this module names sites, departments and topics as the
catalog does, and answers for one request of a week (``visits validate``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.compile import compile_instance
from scheduler.problem.reasons import Words, static_reason_of
from scheduler.problem.timeline import Timeline

if TYPE_CHECKING:
    from scheduler.model import Delegation, Instance
    from scheduler.problem.data import ProblemData


def words_of(instance: Instance) -> Words:
    """The catalog's display names, and each topic request's topic."""
    catalog = instance.catalog
    return Words(
        sites=tuple(s.name for s in catalog.sites),
        departments=tuple(d.name for d in catalog.departments),
        topics={
            (d, j): r.topic
            for d, dd in enumerate(instance.delegations)
            for j, r in enumerate(dd.requests)
            if r.topic is not None
        },
    )


_compiled: list[tuple[Instance, ProblemData]] = []
"""The last instance compiled for ``static_reason`` (one entry)."""


def static_reason(
    instance: Instance, delegation: Delegation, j: int
) -> str | None:
    """Why request j of a delegation can never be served, or None."""
    if not _compiled or _compiled[0][0] is not instance:
        _compiled[:] = [(instance, compile_instance(instance))]
    data = _compiled[0][1]
    d = next(
        k
        for k, dd in enumerate(instance.delegations)
        if dd.id == delegation.id
    )
    return static_reason_of(data, d, j, Timeline(data), words_of(instance))


def warnings(instance: Instance) -> list[str]:
    """Requests that can never be served, in words (``visits validate``)."""
    out = []
    for d in instance.delegations:
        for j, r in enumerate(d.requests):
            reason = static_reason(instance, d, j)
            if reason:
                out.append(
                    f'delegation "{d.id}", request {j} ({r.label}): {reason}'
                )
    return out
