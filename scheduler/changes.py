"""What changed for each visit between two plans of a week.

Visits are matched by id (one visit per delegation and site, the same id
across re-plans), so a visit that keeps its delegation and site is the
same invite whatever else changes. ``visits replan`` counts these to keep
a published week stable; ``visits diff`` shows them in words and CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from scheduler.model import Schedule, Visit

ChangeKind = Literal["kept", "moved", "presenter", "cancelled", "added"]
"""kept: same time and presenter; moved: the time changed (the presenter
may have changed too); presenter: same time, another presenter;
cancelled: in the earlier plan only; added: in the later plan only."""

KINDS: tuple[ChangeKind, ...] = (
    "kept",
    "moved",
    "presenter",
    "cancelled",
    "added",
)


@dataclass(frozen=True)
class Change:
    visit: str
    delegation: str
    site: str
    kind: ChangeKind
    before: Visit | None
    after: Visit | None

    @property
    def changed(self) -> bool:
        """Whether the people invited must hear of it."""
        return self.kind != "kept"


def same_time(a: Visit, b: Visit) -> bool:
    """The same instants, whatever UTC offset each was written with."""
    return a.start == b.start and a.end == b.end


def compare_visits(before: Visit | None, after: Visit | None) -> Change:
    either = after or before
    if either is None:
        raise ValueError("compare_visits needs at least one visit")
    kind: ChangeKind
    if before is None:
        kind = "added"
    elif after is None:
        kind = "cancelled"
    elif not same_time(before, after):
        kind = "moved"
    elif before.presenter != after.presenter:
        kind = "presenter"
    else:
        kind = "kept"
    return Change(
        either.id, either.delegation, either.site, kind, before, after
    )


def compare_schedules(before: Schedule, after: Schedule) -> list[Change]:
    """One change per visit id of either plan, in the earlier plan's
    order, then the later plan's new visits in theirs."""
    earlier = {v.id: v for v in before.visits}
    later = {v.id: v for v in after.visits}
    ids = list(earlier) + [i for i in later if i not in earlier]
    return [compare_visits(earlier.get(i), later.get(i)) for i in ids]


def counts(changes: list[Change]) -> dict[ChangeKind, int]:
    """How many visits of each kind, every kind present (0 if none)."""
    out: dict[ChangeKind, int] = dict.fromkeys(KINDS, 0)
    for change in changes:
        out[change.kind] += 1
    return out
