"""Changes to the demand: more, fewer or other delegations.

``scale_demand`` drops a seeded sample or adds delegations (copies of the
base's, or drawn by the demand generator); ``add_delegations`` adds those
of a file.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from scheduler.documents import is_file
from scheduler.errors import InputError, Problem
from scheduler.generate import generate_week
from scheduler.loading import (
    load_delegations_csv,
    problems_from,
    read_document,
)
from scheduler.model import Delegation
from whatif.scenario.common import fresh_id, unknown

if TYPE_CHECKING:
    from scheduler.model import Instance
    from whatif.scenario.schema import Source


def catalog_path_of(week_file: Path) -> Path:
    """The catalog file a week (or a scenario, through its base) names."""
    data = read_document(week_file)
    if isinstance(data, dict) and isinstance(data.get("catalog"), str):
        return week_file.parent / str(data["catalog"])
    if isinstance(data, dict) and isinstance(data.get("base"), str):
        return catalog_path_of(week_file.parent / data["base"])
    raise InputError(
        [Problem(str(week_file), "catalog", "names no catalog file")]
    )


def scale_demand(
    instance: Instance,
    factor: float,
    *,
    mode: str = "generate",
    seed: int = 0,
    required: bool = True,
    source: Source,
) -> Instance:
    """factor × the base's delegations: drop a seeded sample, or add more.

    Added delegations are copies of the base's (``replicate``: ids
    ``<id>-r<k>``, whole copies first, then a seeded sample for the
    fraction) or drawn by the generator for the same ISO week
    (``generate``, ids kept unless taken). The same seed gives nested
    sets across factors, so a sweep compares like with like.
    """
    base = list(instance.delegations)
    target = round(factor * len(base))
    order = list(range(len(base)))
    random.Random(seed).shuffle(order)
    if target <= len(base):
        keep = set(order[:target])
        kept = [d for i, d in enumerate(base) if i in keep]
        ids = {d.id for d in kept}
        locked = [lock for lock in instance.locked if lock.delegation in ids]
        return instance.model_copy(
            update={"delegations": kept, "locked": locked}
        )
    extra_count = target - len(base)
    if mode == "replicate":
        if not base:
            raise source.problem(
                "mode",
                "the base has no delegations to replicate; use "
                "mode: generate or add_delegations",
            )
        extra = _replicate(base, extra_count, order)
    else:
        extra = _generated(instance, extra_count, seed, source)
    if not required:
        extra = [_optional(d) for d in extra]
    return add_delegations(instance, _fresh_ids(instance, extra), source)


def _fresh_ids(
    instance: Instance, drawn: list[Delegation]
) -> list[Delegation]:
    """Drawn delegations are new ones: an id taken gets a suffix."""
    taken = {d.id for d in instance.delegations}
    out = []
    for d in drawn:
        fresh = fresh_id(d.id, taken)
        taken.add(fresh)
        out.append(d if fresh == d.id else d.model_copy(update={"id": fresh}))
    return out


def _replicate(
    base: list[Delegation], count: int, order: list[int]
) -> list[Delegation]:
    """Whole copies of the base first, then a seeded sample for the rest."""
    whole, rest = divmod(count, len(base))
    picks = [(c, i) for c in range(1, whole + 1) for i in range(len(base))]
    picks += [(whole + 1, order[i]) for i in range(rest)]
    return [
        base[i].model_copy(
            update={
                "id": f"{base[i].id}-r{c}",
                "name": f"{base[i].name} (r{c})",
            }
        )
        for c, i in picks
    ]


def _generated(
    instance: Instance, count: int, seed: int, source: Source
) -> list[Delegation]:
    if source.base is None:
        raise source.problem(
            "mode",
            "mode: generate needs a base week file (for its "
            "catalog); use mode: replicate",
        )
    year, week, _ = instance.horizon.start.isocalendar()
    try:
        drawn = generate_week(
            catalog_path_of(source.base), f"{year}-W{week:02d}", count, seed
        )
    except ImportError:
        raise source.problem(
            "mode",
            "the demand generator is not available in this "
            "installation; use mode: replicate",
        ) from None
    raw = drawn.get("delegations", []) if isinstance(drawn, dict) else drawn
    out = []
    for item in raw:
        delegation = (
            item
            if isinstance(item, Delegation)
            else Delegation.model_validate(item)
        )
        out.append(delegation)
    first, last = instance.horizon.start, instance.horizon.dates[-1]
    outside = [
        d.id
        for d in out
        if d.departure.date() < first or d.arrival.date() > last
    ]
    if outside:
        raise source.problem(
            "mode",
            f"the generator drew {len(outside)} delegation(s) for "
            f"ISO week {year}-W{week:02d} outside the horizon {first} to "
            f"{last}; start the horizon on a Monday or use mode: replicate",
        )
    return out


def _optional(delegation: Delegation) -> Delegation:
    requests = [
        r.model_copy(update={"required": False}) for r in delegation.requests
    ]
    return delegation.model_copy(update={"requests": requests})


def read_delegations(ref: str, source: Source) -> list[Delegation]:
    path = source.folder / ref
    if not is_file(path):
        raise source.problem(
            "file",
            f'"{path}" not found; give a path relative to '
            f"{Path(source.file).name}",
        )
    if path.suffix.lower() == ".csv":
        return load_delegations_csv(path)
    data = read_document(path)
    if isinstance(data, dict) and "delegations" in data:
        data = data["delegations"]
    if not isinstance(data, list):
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "expected a list of delegations (or a "
                    "mapping with `delegations:`)",
                )
            ]
        )
    out, problems = [], []
    for i, item in enumerate(data):
        try:
            out.append(Delegation.model_validate(item))
        except ValidationError as exc:
            problems.extend(problems_from(exc, str(path), f"[{i}]"))
    if problems:
        raise InputError(problems)
    return out


def add_delegations(
    instance: Instance, new: list[Delegation], source: Source
) -> Instance:
    """The week with more delegations. An id the week already has (or
    that the file gives twice) is refused: it is most often the same
    delegation added twice, and a renamed copy would be planned twice."""
    sites = {s.id for s in instance.catalog.sites}
    taken = {d.id.casefold(): "the week" for d in instance.delegations}
    for d in new:
        earlier = taken.get(d.id.casefold())
        if earlier is not None:
            raise source.problem(
                "file",
                f'delegation "{d.id}" is already in {earlier}; add it once, '
                "or give the new delegation another id",
            )
        taken[d.id.casefold()] = "this file"
        for j, r in enumerate(d.requests):
            if r.site is not None and r.site not in sites:
                raise source.problem(
                    "file",
                    f'delegation "{d.id}", request {j}: '
                    + unknown("site", r.site, sorted(sites)),
                )
    return instance.model_copy(
        update={"delegations": [*instance.delegations, *new]}
    )


def remove_delegations(
    instance: Instance, ids: list[str], source: Source
) -> Instance:
    """The week without the delegations that cancelled, and their locks.
    An id the week does not have is refused: a typo would cancel nobody."""
    known = {d.id for d in instance.delegations}
    for k, delegation_id in enumerate(ids):
        if delegation_id not in known:
            raise source.problem(
                f"ids[{k}]",
                unknown("delegation", delegation_id, sorted(known)),
            )
    gone = set(ids)
    return instance.model_copy(
        update={
            "delegations": [
                d for d in instance.delegations if d.id not in gone
            ],
            "locked": [
                lock for lock in instance.locked if lock.delegation not in gone
            ],
        }
    )
