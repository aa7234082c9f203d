"""Changes to the catalog: sites, presenters and vehicle pools."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from scheduler.errors import InputError
from scheduler.loading import problems_from
from scheduler.model import Presenter
from whatif.scenario.common import (
    find_site,
    fresh_id,
    replace_site,
    unknown,
    with_catalog,
)
from whatif.scenario.schema import ChangeVehicles

if TYPE_CHECKING:
    import datetime as dt

    from scheduler.model import Instance, WeeklyHours
    from whatif.scenario.schema import RemovePresenters, Source


# sites


def close_site(
    instance: Instance, site_id: str, dates: list[dt.date], source: Source
) -> Instance:
    site = find_site(instance, site_id, source)
    horizon = instance.horizon.dates
    for k, date in enumerate(dates):
        if date not in horizon:
            raise source.problem(
                f"dates[{k}]",
                f"{date} is outside the horizon "
                f"{horizon[0]} to {horizon[-1]}; give a date of the week",
            )
    closed = sorted(set(site.closed) | set(dates))
    return replace_site(instance, site.model_copy(update={"closed": closed}))


def change_site(
    instance: Instance,
    site_id: str,
    source: Source,
    *,
    capacity: int | None = None,
    max_groups: int | None = None,
    opening_hours: WeeklyHours | None = None,
    visit_minutes: int | None = None,
) -> Instance:
    site = find_site(instance, site_id, source)
    update: dict[str, Any] = {
        key: value
        for key, value in (
            ("capacity", capacity),
            ("max_groups", max_groups),
            ("opening_hours", opening_hours),
            ("visit_minutes", visit_minutes),
        )
        if value is not None
    }
    if not update:
        raise source.problem(
            "site",
            "say what changes: capacity, max_groups, opening_hours "
            "or visit_minutes",
        )
    return replace_site(instance, site.model_copy(update=update))


# presenters


def _department(instance: Instance, dept: str, source: Source) -> None:
    known = [d.id for d in instance.catalog.departments]
    if dept not in known:
        raise source.problem("department", unknown("department", dept, known))


def remove_presenters(
    instance: Instance, change: RemovePresenters, source: Source
) -> Instance:
    by_dept = change.department is not None
    if bool(change.ids) == by_dept:
        raise source.problem(
            "ids", "give either ids: [..] or department: with share: or count:"
        )
    catalog = instance.catalog
    if change.ids:
        known = [p.id for p in catalog.presenters]
        for k, pid in enumerate(change.ids):
            if pid not in known:
                raise source.problem(
                    f"ids[{k}]", unknown("presenter", pid, known)
                )
        gone = set(change.ids)
    else:
        dept = str(change.department)
        _department(instance, dept, source)
        if (change.share is None) == (change.count is None):
            raise source.problem(
                "share",
                "give one of share: (0-1] or count: for the department",
            )
        staff = catalog.presenters_of(dept)
        n = (
            round(change.share * len(staff))
            if change.share is not None
            else int(change.count or 0)
        )
        if n > len(staff):
            raise source.problem(
                "count",
                f'department "{dept}" has {len(staff)} presenters; '
                f"cannot remove {n}",
            )
        seed = source.seed if change.seed is None else change.seed
        gone = {p.id for p in _leaving_order(staff, seed)[:n]}
    return _without_presenters(instance, gone)


def _leaving_order(staff: list[Presenter], seed: int) -> list[Presenter]:
    """A seeded order: removing n or n+1 removes nested sets."""
    order = list(staff)
    random.Random(seed).shuffle(order)
    return order


def _without_presenters(instance: Instance, gone: set[str]) -> Instance:
    presenters = [p for p in instance.catalog.presenters if p.id not in gone]
    locked = [
        lock.model_copy(update={"presenter": None})
        if lock.presenter in gone
        else lock
        for lock in instance.locked
    ]
    out = with_catalog(instance, presenters=presenters)
    return out.model_copy(update={"locked": locked})


def add_presenters(
    instance: Instance, new: list[dict[str, Any]], source: Source
) -> Instance:
    """New presenters; ``like: ID`` starts from a copy of an existing one."""
    catalog = instance.catalog
    known = {p.id: p for p in catalog.presenters}
    departments = [d.id for d in catalog.departments]
    added: list[Presenter] = []
    for k, raw in enumerate(new):
        where = f"presenters[{k}]"
        data = dict(raw)
        like = data.pop("like", None)
        if like is not None:
            if like not in known:
                raise source.problem(
                    f"{where}.like",
                    unknown("presenter", str(like), list(known)),
                )
            data = {**known[like].model_dump(mode="json"), **data}
        try:
            presenter = Presenter.model_validate(data)
        except ValidationError as exc:
            raise InputError(
                problems_from(exc, source.file, f"{source.where}.{where}")
            ) from None
        if presenter.id in known:
            raise source.problem(
                f"{where}.id",
                f'presenter id "{presenter.id}" is taken; choose a new id',
            )
        if presenter.department not in departments:
            raise source.problem(
                f"{where}.department",
                unknown("department", presenter.department, departments),
            )
        known[presenter.id] = presenter
        added.append(presenter)
    return with_catalog(instance, presenters=[*catalog.presenters, *added])


def set_presenter_count(
    instance: Instance, dept: str, count: int, source: Source, seed: int = 0
) -> Instance:
    """The department with ``count`` presenters: fewer leave (seeded), more
    are copies of the existing ones (languages, hours) with new ids."""
    _department(instance, dept, source)
    staff = instance.catalog.presenters_of(dept)
    if count < len(staff):
        gone = {
            p.id for p in _leaving_order(staff, seed)[: len(staff) - count]
        }
        return _without_presenters(instance, gone)
    if count > len(staff) and not staff:
        raise source.problem(
            "department",
            f'department "{dept}" has no presenter to copy; '
            "use add_presenters",
        )
    new = [
        {"like": staff[k % len(staff)].id, "id": ""}
        for k in range(count - len(staff))
    ]
    return add_presenters(instance, _fresh_copies(instance, new), source)


def _fresh_copies(
    instance: Instance, new: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    taken = {p.id for p in instance.catalog.presenters}
    out = []
    for item in new:
        pid = fresh_id(f"{item['like']}-extra", taken)
        taken.add(pid)
        original = instance.catalog.presenter(str(item["like"]))
        name = f"{original.name} (extra)"
        out.append({**item, "id": pid, "name": name, "email": ""})
    return out


def copy_presenter(
    instance: Instance, presenter_id: str, source: Source
) -> tuple[Instance, str]:
    """One more presenter like ``presenter_id``; returns the new id."""
    (item,) = _fresh_copies(instance, [{"like": presenter_id}])
    return add_presenters(instance, [item], source), str(item["id"])


# vehicles


def change_vehicles(
    instance: Instance, change: ChangeVehicles, source: Source
) -> Instance:
    pools = list(instance.catalog.vehicles)
    ids = [v.id for v in pools]
    if change.pool is None and not change.add:
        raise source.problem(
            "pool", "name a pool (with count: or seats:) or add: new pools"
        )
    if change.pool is not None:
        if change.pool not in ids:
            raise source.problem(
                "pool", unknown("vehicle pool", change.pool, ids)
            )
        update = {
            key: value
            for key, value in (
                ("count", change.count),
                ("seats", change.seats),
            )
            if value is not None
        }
        if not update:
            raise source.problem(
                "count",
                f'say what changes in pool "{change.pool}": count: or seats:',
            )
        pools = [
            v.model_copy(update=update) if v.id == change.pool else v
            for v in pools
        ]
    elif change.count is not None or change.seats is not None:
        raise source.problem("pool", "count: and seats: need pool: ID")
    for k, pool in enumerate(change.add):
        if pool.id in ids:
            raise source.problem(
                f"add[{k}].id",
                f'vehicle pool "{pool.id}" exists; change '
                "it with pool: and count:",
            )
        ids.append(pool.id)
        pools.append(pool)
    return with_catalog(instance, vehicles=pools)


def set_vehicle_count(
    instance: Instance, pool_id: str, count: int, source: Source
) -> Instance:
    change = ChangeVehicles(change="vehicles", pool=pool_id, count=count)
    return change_vehicles(instance, change, source)
