"""What the judge reports: a broken hard rule, its visits, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """A broken hard rule: its SPEC number, the visits, and why, in words."""

    rule: int
    visit_ids: tuple[str, ...]
    detail: str

    def __str__(self) -> str:
        return f"rule {self.rule} [{', '.join(self.visit_ids)}]: {self.detail}"
