"""A generated week: its Monday, its delegations, its required requests."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from typing import Any

from scheduler.errors import InputError, Problem
from scheduler.generate.draws import draw_delegation
from scheduler.generate.required import mark_required
from scheduler.loading import load_catalog
from scheduler.model import (
    FIRST_YEAR,
    LAST_YEAR,
    Delegation,
    Horizon,
    Instance,
)

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")

MAX_GENERATED = 10_000
"""Delegations one week may be drawn with: 20 surge weeks; more is a typo."""


def week_start(week: str) -> dt.date:
    """The Monday of an ISO week written ``2026-W48``."""
    m = _WEEK.match(week.strip())
    if m and FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
        try:
            return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            pass
    raise InputError(
        [
            Problem(
                "--week",
                "",
                f'"{week}" is not an ISO week; write it as YYYY-Www, e.g. 2026-W48',
            )
        ]
    )


def generate_week(
    catalog_path: str | Path,
    week: str,
    n: int,
    seed: int,
    *,
    catalog_ref: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """A week of ``n`` delegations as a week-file mapping.

    ``catalog_ref`` is the ``catalog:`` path written in the mapping
    (default: ``catalog_path`` as given); ``name`` defaults to
    ``<week>-seed<seed>``.
    """
    if not 1 <= n <= MAX_GENERATED:
        raise InputError(
            [
                Problem(
                    "--delegations",
                    "",
                    f"{n:,} delegations: give 1 to {MAX_GENERATED:,}",
                )
            ]
        )
    monday = week_start(week)
    catalog = load_catalog(Path(catalog_path))
    rng = random.Random(seed)
    delegations = [
        draw_delegation(rng, catalog, monday, number)
        for number in range(1, n + 1)
    ]
    horizon = {"start": monday, "days": 5, "slot_minutes": 15}
    instance = Instance(
        name="generated",
        catalog=catalog,
        horizon=Horizon.model_validate(horizon),
        delegations=[Delegation.model_validate(d) for d in delegations],
    )
    mark_required(rng, instance, delegations)
    return {
        "name": name or f"{week}-seed{seed}",
        "catalog": catalog_ref or Path(catalog_path).as_posix(),
        "horizon": horizon,
        "delegations": delegations,
    }
