"""What has been published of a week, with iTIP sequence numbers.

Each plan folder keeps ``ledger.json``: every visit ever sent out for the
week, its UID, the SEQUENCE last issued (RFC 5546), and whether it is still
on or was cancelled. ``next_ledger`` takes the previous folder's ledger and
the new schedule: an unchanged visit keeps its SEQUENCE (nothing to send),
a changed one gets SEQUENCE + 1, one that is gone is cancelled once and
stays cancelled, one that comes back is active again with SEQUENCE + 1.
So UIDs and sequence numbers stay true across any number of re-plans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from scheduler.documents import read_document, validate
from scheduler.model import Frozen, Instant, Organizer

if TYPE_CHECKING:
    from pathlib import Path

    from scheduler.model import Catalog, Instance, Schedule, Visit

UID_DOMAIN = "visits.aci-medellin"
FILE = "ledger.json"

Delta = Literal["same", "added", "moved", "presenter", "cancelled"]
"""What a visit's entry did from one ledger to the next: nothing to send;
new (or back); its time changed; its presenter changed (same time);
cancelled at this revision."""


def uid_of(visit_id: str) -> str:
    """The invite's UID: stable for the same delegation and site."""
    return f"{visit_id}@{UID_DOMAIN}"


class PublishedVisit(Frozen):
    uid: str
    sequence: int = Field(ge=0, le=1_000_000)
    status: Literal["active", "cancelled"]
    delegation: str
    site: str
    presenter: str | None = None
    department: str | None = None
    start: Instant
    end: Instant
    revision: int = Field(ge=0, description="When this entry last changed.")


class Ledger(Frozen):
    version: Literal[1] = 1
    revision: int = Field(ge=0, le=1_000_000)
    week: str
    organizer: Organizer
    visits: dict[str, PublishedVisit] = Field(default_factory=dict)

    def sequences(self) -> dict[str, int]:
        """SEQUENCE per visit id, for the invites written with it."""
        return {key: entry.sequence for key, entry in self.visits.items()}


def load_ledger(path: Path) -> Ledger:
    """A plan folder's ``ledger.json``; malformed: exit 2 naming the field."""
    return validate(Ledger, read_document(path), str(path))


def folder_ledger(folder: Path) -> Ledger | None:
    """The ledger in a plan folder, or None when it has none (a plan
    written before ledgers existed)."""
    path = folder / FILE
    return load_ledger(path) if path.is_file() else None


def _entry(
    visit: Visit, catalog: Catalog, sequence: int, revision: int
) -> PublishedVisit:
    site = next((s for s in catalog.sites if s.id == visit.site), None)
    return PublishedVisit(
        uid=uid_of(visit.id),
        sequence=sequence,
        status="active",
        delegation=visit.delegation,
        site=visit.site,
        presenter=visit.presenter,
        department=site.department if site is not None else None,
        start=visit.start,
        end=visit.end,
        revision=revision,
    )


def same_visit(entry: PublishedVisit, visit: Visit) -> bool:
    """Nothing the invited people know has changed."""
    return (
        entry.status == "active"
        and entry.start == visit.start
        and entry.end == visit.end
        and entry.presenter == visit.presenter
    )


def next_ledger(
    previous: Ledger | None, schedule: Schedule, instance: Instance
) -> Ledger:
    """The ledger after publishing ``schedule`` (see the module doc)."""
    revision = 0 if previous is None else previous.revision + 1
    catalog = instance.catalog
    before = previous.visits if previous is not None else {}
    visits: dict[str, PublishedVisit] = {}
    for visit in schedule.visits:
        old = before.get(visit.id)
        if old is None:
            visits[visit.id] = _entry(visit, catalog, 0, revision)
        elif same_visit(old, visit):
            visits[visit.id] = old
        else:
            visits[visit.id] = _entry(
                visit, catalog, old.sequence + 1, revision
            )
    for key, old in before.items():
        if key in visits:
            continue
        visits[key] = (
            old.model_copy(
                update={
                    "status": "cancelled",
                    "sequence": old.sequence + 1,
                    "revision": revision,
                }
            )
            if old.status == "active"
            else old
        )
    return Ledger(
        revision=revision,
        week=schedule.instance,
        organizer=catalog.organizer,
        visits=visits,
    )


def deltas(previous: Ledger | None, ledger: Ledger) -> dict[str, Delta]:
    """What each visit of ``ledger`` did since ``previous``."""
    before = previous.visits if previous is not None else {}
    out: dict[str, Delta] = {}
    for key, entry in ledger.visits.items():
        old = before.get(key)
        delta: Delta
        if entry.status == "cancelled":
            delta = (
                "cancelled"
                if old is not None and old.status == "active"
                else "same"
            )
        elif old is None or old.status == "cancelled":
            delta = "added"
        elif old.start != entry.start or old.end != entry.end:
            delta = "moved"
        elif old.presenter != entry.presenter:
            delta = "presenter"
        else:
            delta = "same"
        out[key] = delta
    return out
