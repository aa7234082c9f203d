"""Reasons for unserved requests, in the catalog's words and both languages.

``unserved`` gives the reason of every request a plan leaves out: static
(``scheduler.explain.static``, whatever else is planned) or outcompeted
(``scheduler.explain.outcompeted``, what it lost to and what would free
it). ``static_reason`` and ``warnings`` answer for one request of a week
(``visits validate``). The rules are the solvers' (``Timeline``); the words
come from one table (``scheduler.explain.words``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.compile import compile_instance
from scheduler.explain.outcompeted import outcompeted
from scheduler.explain.static import static_reason as static_phrase
from scheduler.model import Unserved
from scheduler.problem.timeline import Timeline

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scheduler.explain.words import Phrase
    from scheduler.model import Delegation, Instance
    from scheduler.problem.data import ProblemData
    from scheduler.problem.solution import PlannedVisit


def unserved(
    instance: Instance,
    data: ProblemData,
    visits: Sequence[PlannedVisit],
    served: set[tuple[int, int]],
) -> list[Unserved]:
    """An ``Unserved`` entry, with its reason, for every request not in
    ``served`` ((delegation, request) indices)."""
    empty = Timeline(data)
    final = Timeline(data)
    for v in sorted(visits, key=lambda v: v.start):
        final.place(v)
    out = []
    for d, dd in enumerate(data.delegations):
        for j in range(len(dd.requests)):
            if (d, j) in served:
                continue
            reason = static_phrase(instance, data, d, j, empty) or outcompeted(
                instance, data, d, j, final, empty
            )
            out.append(entry(dd.name, j, reason))
    return out


def entry(delegation: str, request: int, reason: Phrase) -> Unserved:
    return Unserved(
        delegation=delegation,
        request=request,
        reason=reason.text("en"),
        reason_es=reason.text("es"),
        kind=str(getattr(reason, "kind", "")) or None,
    )


_compiled: list[tuple[Instance, ProblemData]] = []
"""The last instance compiled for ``static_reason`` (one entry)."""


def static_phrase_of(
    instance: Instance, delegation: Delegation, j: int
) -> Phrase | None:
    """Why request j of a delegation can never be served, or None."""
    if not _compiled or _compiled[0][0] is not instance:
        _compiled[:] = [(instance, compile_instance(instance))]
    data = _compiled[0][1]
    d = next(
        k
        for k, dd in enumerate(instance.delegations)
        if dd.id == delegation.id
    )
    return static_phrase(instance, data, d, j, Timeline(data))


def static_reason(
    instance: Instance, delegation: Delegation, j: int, lang: str = "en"
) -> str | None:
    """``static_phrase_of`` in words (English unless ``lang="es"``)."""
    phrase = static_phrase_of(instance, delegation, j)
    if phrase is None:
        return None
    return phrase.text("es" if lang == "es" else "en")


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
