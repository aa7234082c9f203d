"""The web app's weeks: files in a folder, one version number each.

A week is a folder ``<workspace>/<slug>/`` holding ``week.yaml`` (the
file the planner reads, its catalog named by an absolute path), the plan
folders ``plans/001``, ``plans/002``… exactly as `visits plan` writes
them, and ``state.json``: the version (raised by every change), the
current plan and the last one published. A change names the version it
was made on; another coordinator's change in between is a conflict, never
a silent overwrite. Earlier plan folders are never written over.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from scheduler.errors import InputError, Problem
from scheduler.loading import load_schedule
from whatif.scenario import load_instance

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scheduler.model import Instance, Schedule

SLUG = re.compile(r"[^a-z0-9-]+")


class Conflict(Exception):
    """The week changed since the page was loaded."""

    def __init__(self, seen: int, now: int) -> None:
        super().__init__(
            f"this week was changed by someone else (version {now}, your "
            f"page showed version {seen}); reload it and make your change "
            "again"
        )
        self.seen, self.now = seen, now


@dataclass(frozen=True)
class WeekState:
    version: int = 0
    plan: str = ""
    """The current plan folder's name under plans/ ("" before a plan)."""
    published: str = ""
    """The last plan folder whose invites were sent ("" if none)."""
    note: str = ""
    """What the last change was, in words."""


def _atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


@dataclass(frozen=True)
class Week:
    folder: Path

    @property
    def slug(self) -> str:
        return self.folder.name

    @property
    def file(self) -> Path:
        return self.folder / "week.yaml"

    @property
    def plans(self) -> Path:
        return self.folder / "plans"

    def state(self) -> WeekState:
        path = self.folder / "state.json"
        if not path.is_file():
            return WeekState()
        return WeekState(**json.loads(path.read_text(encoding="utf-8")))

    def instance(self) -> Instance:
        return load_instance(self.file)

    def plan_folder(self, name: str | None = None) -> Path | None:
        name = self.state().plan if name is None else name
        return self.plans / name if name else None

    def schedule(self) -> Schedule | None:
        folder = self.plan_folder()
        if folder is None or not (folder / "schedule.json").is_file():
            return None
        return load_schedule(folder / "schedule.json")

    def next_plan(self) -> Path:
        """A new plan folder's path (never one that exists)."""
        self.plans.mkdir(exist_ok=True)
        taken = [int(p.name) for p in self.plans.iterdir() if p.name.isdigit()]
        return self.plans / f"{max(taken, default=0) + 1:03d}"

    @contextlib.contextmanager
    def change(self, seen: int | None) -> Iterator[WeekState]:
        """Hold the week's lock; refuse when ``seen`` is not the version
        (None: no check, for the solver's own job)."""
        with (self.folder / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = self.state()
            if seen is not None and seen != state.version:
                raise Conflict(seen, state.version)
            yield state

    def save(self, state: WeekState, **changes: Any) -> WeekState:
        """Store the state with the version raised (inside ``change``)."""
        new = replace(state, version=state.version + 1, **changes)
        _atomic(self.folder / "state.json", json.dumps(asdict(new), indent=1))
        return new

    def week_data(self) -> dict[str, Any]:
        data = yaml.safe_load(self.file.read_text(encoding="utf-8"))
        assert isinstance(data, dict)
        return data

    def write_week(self, data: dict[str, Any]) -> None:
        """The week file again (checked by loading before it replaces)."""
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        trial = self.folder / ".week-check.yaml"
        trial.write_text(text, encoding="utf-8")
        try:
            load_instance(trial)
        finally:
            trial.unlink()
        _atomic(self.file, text)


@dataclass(frozen=True)
class Workspace:
    root: Path
    catalog: Path

    def weeks(self) -> list[Week]:
        if not self.root.is_dir():
            return []
        return sorted(
            (
                Week(p)
                for p in self.root.iterdir()
                if (p / "week.yaml").is_file()
            ),
            key=lambda w: w.slug,
        )

    def week(self, slug: str) -> Week | None:
        found = [w for w in self.weeks() if w.slug == slug]
        return found[0] if found else None

    def add(self, name: str, text: str) -> Week:
        """A week from a week file's text; its catalog is the app's when
        the file's own cannot be found from here."""
        data = yaml.safe_load(text)
        if not isinstance(data, dict):
            raise InputError(
                [Problem(name, "", "not a week file (a YAML mapping)")]
            )
        ref = data.get("catalog")
        if not (
            isinstance(ref, str)
            and Path(ref).is_absolute()
            and Path(ref).is_file()
        ):
            data["catalog"] = str(self.catalog.resolve())
        base = SLUG.sub("-", Path(name).stem.lower()).strip("-") or "week"
        self.root.mkdir(parents=True, exist_ok=True)
        slug, n = base, 1
        while (self.root / slug).exists():
            n += 1
            slug = f"{base}-{n}"
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".new-"))
        week = Week(staging)
        try:
            week.write_week(data)
        except BaseException:
            for child in staging.iterdir():
                child.unlink()
            staging.rmdir()
            raise
        staging.rename(self.root / slug)
        return Week(self.root / slug)
