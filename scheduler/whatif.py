"""What-if: plan a base week and its variants alike, and compare them.

Three questions a planner asks before an event week, answered here:

* scenarios side by side (``compare``): the base and each scenario planned
  with the same solver settings, their key figures, and the difference of
  each against the base;
* a sweep of one knob (``sweep``): demand ×1, ×1.5, ×2 … or a site's
  capacity, a department's presenters, a vehicle pool's count — one row a
  value, and the sentence "up to 2× the usual demand we still serve 91 %";
* bottlenecks (``bottlenecks``): which resources the "outcompeted"
  requests lost on, and what one more unit of each (a presenter, a group at
  a site, a van) buys in served value — "what to add first".

Every plan is a ``PlanJob`` (instance JSON + solver settings: picklable, no
solver objects), run by ``run_jobs`` inline, in a process pool, or on a Dask
cluster through its ``concurrent.futures`` executor; the same job gives the
same answer wherever it runs (for a deterministic solver and seed).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scheduler.errors import InputError, Problem
from scheduler.model import Instance, Schedule
from scheduler.scenario import (
    Knob,
    Source,
    apply_knob,
    copy_presenter,
    knob_value,
    one_more_group,
    set_vehicle_count,
)

if TYPE_CHECKING:
    from pathlib import Path

    from solvers import SolveParams

log = logging.getLogger(__name__)

# --- jobs and where they run ------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Solver settings shared by every plan of a comparison."""

    solver: str = "cpsat"
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = False

    def params(self, *, log: bool = False) -> SolveParams:
        from solvers import SolveParams

        return SolveParams(
            time_limit=self.time_limit,
            workers=self.workers,
            seed=self.seed,
            log=log,
            deterministic=self.deterministic,
        )


@dataclass(frozen=True)
class PlanJob:
    """One plan to make: picklable (JSON text and numbers only)."""

    label: str
    instance_json: str
    settings: Settings

    @property
    def key(self) -> tuple[str, Settings]:
        """Plans of the same instance (whatever its name) are one job."""
        instance = Instance.model_validate_json(self.instance_json)
        unnamed = instance.model_copy(update={"name": ""}).model_dump_json()
        return unnamed, self.settings


@dataclass(frozen=True)
class PlanOutcome:
    label: str
    status: str
    schedule_json: str
    wall_s: float
    conflicts: tuple[str, ...] = ()

    @property
    def schedule(self) -> Schedule:
        return Schedule.model_validate_json(self.schedule_json)


def make_job(label: str, instance: Instance, settings: Settings) -> PlanJob:
    return PlanJob(label, instance.model_dump_json(), settings)


def run_job(job: PlanJob) -> PlanOutcome:
    """Plan one instance; runs in a worker process or on a Dask worker."""
    from solvers import solve

    instance = Instance.model_validate_json(job.instance_json)
    result = solve(instance, job.settings.solver, job.settings.params())
    return PlanOutcome(
        label=job.label,
        status=str(result.status),
        schedule_json=result.schedule.model_dump_json(),
        wall_s=round(result.wall_s, 3),
        conflicts=tuple(result.conflicts),
    )


Done = Callable[[PlanOutcome], None]


@contextmanager
def executor(jobs: int, dask: str | None) -> Iterator[cf.Executor | None]:
    """Where plans run: None (inline), a process pool, or a Dask cluster.

    ``dask`` is a scheduler address (``tcp://host:8786``); the cluster's
    workers need this package installed.
    """
    if dask:
        with _dask_client(dask) as client:
            yield client.get_executor()
        return
    if jobs <= 1:
        yield None
        return
    # spawn, not fork: the caller may run threads (a progress display)
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        yield pool


@contextmanager
def _dask_client(address: str) -> Iterator[Any]:
    """A client of the cluster, or one clear error if it can't be had."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            [
                Problem(
                    "--dask",
                    "",
                    "Dask is not installed; pip install "
                    '"visits[dask]" (or "dask[distributed]")',
                )
            ]
        ) from None
    try:
        client = Client(address, timeout="20s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            [
                Problem(
                    "--dask",
                    "",
                    f"cannot reach a Dask scheduler at {address} ({exc}); "
                    "start one (dask scheduler) or check the address, "
                    "e.g. tcp://10.0.0.5:8786",
                )
            ]
        ) from None
    with client:
        yield client


def default_parallel(jobs: list[PlanJob]) -> int:
    """Plans at once: the cores, shared among CP-SAT's own workers."""
    cores = os.cpu_count() or 1
    threads = max(
        (j.settings.workers for j in jobs if j.settings.solver == "cpsat"),
        default=1,
    )
    return max(1, cores // max(1, threads))


def run_jobs(
    jobs: list[PlanJob],
    *,
    parallel: int | None = None,
    dask: str | None = None,
    done: Done | None = None,
) -> list[PlanOutcome]:
    """Every job's outcome, in the order given; equal instances solve once.

    ``parallel``: processes on this machine (default: its cores);
    ``dask``: a Dask scheduler address instead.
    """
    if not jobs:
        return []
    unique: dict[tuple[str, Settings], PlanJob] = {}
    keys = [job.key for job in jobs]
    for key, job in zip(keys, jobs, strict=True):
        unique.setdefault(key, job)
    n = parallel if parallel is not None else default_parallel(jobs)
    n = max(1, min(n, len(unique)))
    results: dict[tuple[str, Settings], PlanOutcome] = {}
    with executor(n, dask) as pool:
        if pool is None:
            for key, job in unique.items():
                results[key] = run_job(job)
                if done:
                    done(results[key])
        else:
            futures = {
                pool.submit(run_job, job): key for key, job in unique.items()
            }
            for future in cf.as_completed(futures):
                results[futures[future]] = future.result()
                if done:
                    done(results[futures[future]])
    out = []
    for key, job in zip(keys, jobs, strict=True):
        outcome = results[key]
        if outcome.label != job.label:
            schedule = outcome.schedule.model_copy(
                update={"instance": job.label}
            )
            outcome = PlanOutcome(
                job.label,
                outcome.status,
                schedule.model_dump_json(),
                outcome.wall_s,
                outcome.conflicts,
            )
        out.append(outcome)
    return out


# --- the figures of one plan --------------------------------------------------

DELTA_KEYS = (
    "served_value",
    "requested_value",
    "served_share",
    "required_served",
    "required_total",
    "visits",
    "delegations_with_visit",
    "unserved_total",
    "outcompeted",
    "travel_minutes",
    "site_utilization",
    "presenter_utilization",
    "vans_used",
    "gap",
    "wall_s",
)
"""Numeric figures whose difference against the base is shown."""


def _number(value: Any) -> float | None:
    """A KPI as one number: itself, its ``overall``, or a sum of counts."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        if "overall" in value:
            return _number(value["overall"])
        numbers = [_number(v) for v in value.values()]
        if numbers and all(x is not None for x in numbers):
            return float(sum(x for x in numbers if x is not None))
    return None


def figures(instance: Instance, schedule: Schedule) -> dict[str, Any]:
    """The comparison's figures of one plan.

    Taken from ``schedule.kpis`` where present; the core figures (served
    and requested value, required, unserved by reason and topic) are
    recomputed from the visits when a key is missing.
    """
    kpis = schedule.kpis
    served = {
        (v.delegation, v.request)
        for v in schedule.visits
        if v.request is not None
    }
    values = {
        (d.id, j): d.value(j)
        for d in instance.delegations
        for j in range(len(d.requests))
    }
    served_value = sum(values.get(x, 0) for x in served)
    requested = sum(values.values())
    required = [
        (d.id, j)
        for d in instance.delegations
        for j, r in enumerate(d.requests)
        if r.required
    ]
    reasons = Counter(u.reason for u in schedule.unserved)
    by_topic: Counter[str] = Counter()
    for u in schedule.unserved:
        request = instance.delegation(u.delegation).requests[u.request]
        by_topic[request.topic or f"site:{request.site}"] += 1
    out: dict[str, Any] = {
        "served_value": kpis.get("served_value", served_value),
        "requested_value": kpis.get("requested_value", requested),
        "served_share": kpis.get(
            "served_share",
            round(served_value / requested, 4) if requested else 0.0,
        ),
        "required_served": kpis.get(
            "required_served", sum(1 for x in required if x in served)
        ),
        "required_total": kpis.get("required_total", len(required)),
        "visits": len(schedule.visits),
        "delegations_with_visit": kpis.get(
            "delegations_with_visit",
            len({v.delegation for v in schedule.visits}),
        ),
        "unserved_total": len(schedule.unserved),
        "outcompeted": sum(
            1 for u in schedule.unserved if _outcompeted(u.reason)
        ),
        "travel_minutes": _number(kpis.get("travel_minutes")),
        "site_utilization": _number(kpis.get("site_utilization")),
        "presenter_utilization": _number(kpis.get("presenter_utilization")),
        "vans_used": _number(kpis.get("vans_used")),
        "status": schedule.solver.status,
        "gap": _number(kpis.get("gap")),
        "wall_s": schedule.solver.wall_s,
        "unserved_by_reason": dict(
            kpis.get("unserved_by_reason") or reasons.most_common()
        ),
        "unserved_by_topic": dict(
            kpis.get("unserved_by_topic") or by_topic.most_common()
        ),
        "site_utilization_by_site": _by(
            kpis.get("site_utilization"), "by_site"
        ),
        "vans_by_pool": dict(kpis["vans_used"])
        if isinstance(kpis.get("vans_used"), dict)
        else {},
    }
    return out


def _by(value: Any, key: str) -> dict[str, float]:
    if isinstance(value, dict) and isinstance(value.get(key), dict):
        return {
            k: float(v)
            for k, v in value[key].items()
            if isinstance(v, int | float)
        }
    return {}


def _outcompeted(reason: str) -> bool:
    return reason.strip().lower().startswith("outcompeted")


def deltas(row: dict[str, Any], base: dict[str, Any]) -> dict[str, float]:
    """row − base for every numeric figure both have."""
    out = {}
    for key in DELTA_KEYS:
        a, b = _number(row.get(key)), _number(base.get(key))
        if a is not None and b is not None:
            out[key] = round(a - b, 6)
    return out


# --- bottlenecks --------------------------------------------------------------


@dataclass(frozen=True)
class Bottleneck:
    """A resource that outcompeted requests lost on.

    ``kind``: site, department, vehicles, days (the delegation's own time)
    or other; ``target``: the site, department or pool id.
    """

    kind: str
    target: str
    label: str
    requests: int
    value: int
    languages: tuple[str, ...] = ()
    """The languages of the delegations that lost (for departments)."""
    remedy: str = ""
    gain: float | None = None
    """Served value gained by one more unit (re-planned)."""


def _mentioned(text: str, names: dict[str, str]) -> str | None:
    """The id whose id or name occurs in ``text`` (longest match wins)."""
    lowered = text.lower()
    best: tuple[int, str] | None = None
    for ident, name in names.items():
        for word in (ident, name):
            if (
                word
                and word.lower() in lowered
                and (best is None or len(word) > best[0])
            ):
                best = (len(word), ident)
    return best[1] if best else None


def resource_of(reason: str, instance: Instance) -> tuple[str, str, str]:
    """(kind, target id, label) of an "outcompeted" reason.

    Reads the wording of ``scheduler.reasons``: "presenters of <department>
    busy", "vehicles all in use (pool <id>, ...)", "site capacity at
    <site>", "the delegation's own days are full", "the delegation already
    visits <site> ...". Ids or display names are both recognized.
    """
    catalog = instance.catalog
    detail = reason.partition(":")[2].strip() or reason.strip()
    text = detail.lower()
    if "own days" in text or "already visits" in text:
        return "days", "", "the delegations' own days"
    if "presenter" in text:
        dept = _mentioned(detail, {d.id: d.name for d in catalog.departments})
        if dept:
            name = catalog.department(dept).name
            return "department", dept, f"presenters of {name}"
    if "vehicle" in text or "van" in text or "pool" in text:
        mentioned = [
            (text.find(v.id.lower()), v.id)
            for v in catalog.vehicles
            if v.id.lower() in text
        ]
        pool = min(mentioned)[1] if mentioned else None
        if pool is None and catalog.vehicles:
            pool = max(catalog.vehicles, key=lambda v: v.count).id
        if pool is not None:
            return "vehicles", pool, f"vehicles ({pool})"
    if "site" in text or "capacity" in text or "group" in text:
        site = _mentioned(detail, {s.id: s.name for s in catalog.sites})
        if site:
            return "site", site, f"room at {catalog.site(site).name}"
    if "day" in text or "time" in text:
        return "days", "", "the delegations' own days"
    return "other", detail, detail


def bottlenecks(instance: Instance, schedule: Schedule) -> list[Bottleneck]:
    """Outcompeted requests counted per resource, most value lost first."""
    lost: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
    for u in schedule.unserved:
        if not _outcompeted(u.reason):
            continue
        d = instance.delegation(u.delegation)
        resource = resource_of(u.reason, instance)
        lost.setdefault(resource, []).append((u.request, d.id))
    out = []
    for (kind, target, label), items in lost.items():
        languages: Counter[str] = Counter()
        value = 0
        for j, did in items:
            d = instance.delegation(did)
            value += d.value(j)
            languages.update(d.languages)
        out.append(
            Bottleneck(
                kind=kind,
                target=target,
                label=label,
                requests=len(items),
                value=value,
                languages=tuple(
                    lang
                    for lang, _ in sorted(
                        languages.items(), key=lambda x: (-x[1], x[0])
                    )
                ),
            )
        )
    out.sort(key=lambda b: (-b.value, -b.requests, b.label))
    return out


ADDABLE = ("site", "department", "vehicles")


def one_more(
    instance: Instance, bottleneck: Bottleneck
) -> tuple[Instance, str]:
    """The instance with one more unit of the resource, and what that is."""
    source = Source("bottleneck")
    catalog = instance.catalog
    if bottleneck.kind == "site":
        site = catalog.site(bottleneck.target)
        bigger = one_more_group(instance, site.id, source)
        grown = bigger.catalog.site(site.id)
        return (
            bigger,
            f"+1 group at {site.id} (max_groups {site.max_groups} → "
            f"{grown.max_groups}, capacity {site.capacity} → "
            f"{grown.capacity})",
        )
    if bottleneck.kind == "department":
        staff = catalog.presenters_of(bottleneck.target)
        wanted = bottleneck.languages

        def fit(p: Any) -> tuple[int, int]:
            shared = [w for w in wanted if w in p.languages]
            best = min((wanted.index(w) for w in shared), default=len(wanted))
            return (-len(shared), best)

        model = min(staff, key=fit)
        extra, _ = copy_presenter(instance, model.id, source)
        name = catalog.department(bottleneck.target).name
        return (
            extra,
            f"+1 presenter of {name} speaking "
            f"{', '.join(model.languages)} (like {model.id})",
        )
    if bottleneck.kind == "vehicles":
        pool = {v.id: v for v in catalog.vehicles}[bottleneck.target]
        return (
            set_vehicle_count(instance, pool.id, pool.count + 1, source),
            f"+1 vehicle in {pool.id} ({pool.count} → {pool.count + 1}, "
            f"{pool.seats} seats)",
        )
    raise ValueError(f"no unit to add for {bottleneck.kind}")


def addable(instance: Instance, bottleneck: Bottleneck) -> bool:
    if bottleneck.kind == "department":
        return bool(instance.catalog.presenters_of(bottleneck.target))
    return bottleneck.kind in ADDABLE


# --- comparisons and sweeps ---------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One plan of the comparison: its figures and their difference."""

    label: str
    kind: str
    """base, scenario or sweep."""
    description: str
    figures: dict[str, Any]
    delta: dict[str, float]
    knob_value: float | None = None
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sweep:
    knob: Knob
    values: list[float]
    sentence: str
    target: float


@dataclass
class WhatIf:
    """Everything the terminal table, whatif.csv and whatif.html show."""

    base: str
    settings: Settings
    rows: list[Row]
    sweep: Sweep | None = None
    advice: dict[str, list[Bottleneck]] = field(default_factory=dict)
    schedules: dict[str, Schedule] = field(default_factory=dict)


@dataclass(frozen=True)
class Variant:
    """A plan to compare: an instance, what it is, and its knob value."""

    label: str
    instance: Instance
    kind: str = "scenario"
    description: str = ""
    knob_value: float | None = None


def compare(
    base: Instance,
    variants: list[Variant],
    settings: Settings,
    *,
    parallel: int | None = None,
    dask: str | None = None,
    top: int = 3,
    advise: list[str] | None = None,
    done: Done | None = None,
) -> WhatIf:
    """Plan the base and each variant alike; figures, deltas, advice.

    ``advise``: labels of the plans whose bottlenecks get re-planned with
    one more unit of each of the ``top`` binding resources (default: every
    scenario; none with ``top=0``).
    """
    plans = [Variant(base.name, base, "base"), *variants]
    labels = _unique_labels([p.label for p in plans])
    plans = [
        Variant(
            lab,
            p.instance.model_copy(update={"name": lab}),
            p.kind,
            p.description,
            p.knob_value,
        )
        for lab, p in zip(labels, plans, strict=True)
    ]
    jobs = [make_job(p.label, p.instance, settings) for p in plans]
    outcomes = run_jobs(jobs, parallel=parallel, dask=dask, done=done)
    schedules = {o.label: o.schedule for o in outcomes}
    base_figures = figures(plans[0].instance, schedules[plans[0].label])
    rows = []
    for plan, outcome in zip(plans, outcomes, strict=True):
        figs = figures(plan.instance, schedules[plan.label])
        rows.append(
            Row(
                label=plan.label,
                kind=plan.kind,
                description=plan.description,
                figures=figs,
                delta=deltas(figs, base_figures),
                knob_value=plan.knob_value,
                conflicts=outcome.conflicts,
            )
        )
    report = WhatIf(base.name, settings, rows, schedules=schedules)
    if top > 0:
        chosen = (
            advise
            if advise is not None
            else [p.label for p in plans if p.kind == "scenario"]
        )
        report.advice = advise_plans(
            [p for p in plans if p.label in chosen],
            schedules,
            settings,
            top=top,
            parallel=parallel,
            dask=dask,
            done=done,
        )
    return report


def _unique_labels(labels: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for label in labels:
        seen[label] += 1
        out.append(label if seen[label] == 1 else f"{label}-{seen[label]}")
    return out


def advise_plans(
    plans: list[Variant],
    schedules: dict[str, Schedule],
    settings: Settings,
    *,
    top: int,
    parallel: int | None,
    dask: str | None,
    done: Done | None = None,
) -> dict[str, list[Bottleneck]]:
    """Bottlenecks per plan; the top addable ones re-planned with +1 unit."""
    found: dict[str, list[Bottleneck]] = {}
    jobs: list[PlanJob] = []
    remedies: dict[tuple[str, int], str] = {}
    for plan in plans:
        items = bottlenecks(plan.instance, schedules[plan.label])
        found[plan.label] = items
        candidates = [b for b in items if addable(plan.instance, b)][:top]
        for b in candidates:
            k = items.index(b)
            extra, remedy = one_more(plan.instance, b)
            remedies[(plan.label, k)] = remedy
            jobs.append(make_job(f"{plan.label}#{k}", extra, settings))
    outcomes = run_jobs(jobs, parallel=parallel, dask=dask, done=done)
    gains: dict[tuple[str, int], float] = {}
    by_label = {p.label: p for p in plans}
    for outcome in outcomes:
        label, _, index = outcome.label.rpartition("#")
        before = figures(by_label[label].instance, schedules[label])
        after = _served_value(outcome.schedule)
        gains[(label, int(index))] = round(
            after - float(before["served_value"]), 6
        )
    out: dict[str, list[Bottleneck]] = {}
    for label, items in found.items():
        updated = [
            Bottleneck(
                b.kind,
                b.target,
                b.label,
                b.requests,
                b.value,
                b.languages,
                remedies.get((label, k), ""),
                gains.get((label, k)),
            )
            for k, b in enumerate(items)
        ]
        out[label] = sorted(
            updated,
            key=lambda b: (
                b.gain is None,
                -(b.gain or 0),
                -b.value,
                b.label,
            ),
        )
    return out


def _served_value(schedule: Schedule) -> float:
    value = schedule.kpis.get("served_value")
    if isinstance(value, int | float):
        return float(value)
    objective = schedule.solver.objective
    return float(objective or 0)


def sweep(
    base: Instance,
    knob: Knob,
    values: list[float],
    settings: Settings,
    *,
    base_file: Path | None = None,
    target: float = 0.9,
    parallel: int | None = None,
    dask: str | None = None,
    done: Done | None = None,
) -> WhatIf:
    """One plan per knob value, against the base as it is."""
    source = Source(
        str(base_file or "--sweep"), "--sweep", base_file, settings.seed
    )
    variants = [
        Variant(
            f"{knob.label}={value:g}",
            apply_knob(base, knob, value, source),
            "sweep",
            "",
            value,
        )
        for value in values
    ]
    report = compare(
        base,
        variants,
        settings,
        parallel=parallel,
        dask=dask,
        top=0,
        done=done,
    )
    points = [
        (row.knob_value, float(row.figures["served_share"]))
        for row in report.rows
        if row.kind == "sweep"
        and row.knob_value is not None
        and not row.conflicts
    ]
    report.sweep = Sweep(
        knob,
        values,
        sweep_sentence(knob, points, target, knob_value(base, knob)),
        target,
    )
    return report


def sweep_sentence(
    knob: Knob,
    points: list[tuple[float, float]],
    target: float = 0.9,
    usual: float | None = None,
) -> str:
    """What the sweep means, in one sentence, from its rows.

    Demand: the largest factor up to which every point serves ≥ target of
    the requested value. A resource: the smallest amount that does.
    """
    if not points:
        return "No plan of the sweep produced a schedule."
    points = sorted(points)
    pct = _pct
    if knob.kind == "demand":
        ok = None
        for value, share in points:
            if share < target:
                break
            ok = (value, share)
        if ok is None:
            return _demand_below_target(points, target)
        value, share = ok
        text = (
            f"Up to {value:g}× the usual demand we still serve "
            f"{pct(share)} of the requested value (target {pct(target)})"
        )
        after = [p for p in points if p[0] > value]
        if after:
            text += f"; at {after[0][0]:g}× it falls to {pct(after[0][1])}"
        return text + "."
    name = _knob_words(knob)
    usual_text = f" (now {usual:g})" if usual is not None else ""
    best = max(p[1] for p in points)
    plateau = min(p[0] for p in points if p[1] >= best - 1e-9)
    if plateau < points[-1][0]:
        limit = (
            f"; beyond {plateau:g} more adds nothing: another resource binds"
        )
    elif len(points) > 1 and points[-1][1] > points[-2][1]:
        limit = f"; it still rises at {points[-1][0]:g}: try more"
    else:
        limit = ""
    reach = [p for p in points if p[1] >= target]
    if not reach:
        return (
            f"No value of {name} tried reaches {pct(target)}; the best is "
            f"{pct(best)} at {plateau:g}{usual_text}{limit}."
        )
    value, share = reach[0]
    text = f"With {name} at {value:g}{usual_text} we serve {pct(share)}"
    below = [p for p in points if p[0] < value]
    if below:
        text += f"; at {below[-1][0]:g}, {pct(below[-1][1])}"
    return text + limit + "."


def _demand_below_target(
    points: list[tuple[float, float]], target: float, slack: float = 0.05
) -> str:
    """The first point already misses the target: say how far the share
    holds near its level (within ``slack``) as demand grows."""
    value, share = points[0]
    text = (
        f"Even at {value:g}× the usual demand we serve only {_pct(share)} "
        f"of the requested value (target {_pct(target)})"
    )
    holds = None
    for v, s in points[1:]:
        if s < share - slack:
            break
        holds = (v, s)
    if holds is not None:
        text += (
            f"; up to {holds[0]:g}× it stays within {slack * 100:g} points "
            f"of that ({_pct(holds[1])})"
        )
    after = [p for p in points[1:] if holds is None or p[0] > holds[0]]
    if after:
        text += f"; at {after[0][0]:g}× it falls to {_pct(after[0][1])}"
    return text + "."


def _knob_words(knob: Knob) -> str:
    return {
        "capacity": f"the capacity of {knob.target}",
        "groups": f"the groups at once at {knob.target}",
        "presenters": f"the presenters of {knob.target}",
        "vehicles": f"the vehicles of {knob.target}",
    }.get(knob.kind, knob.label)


def _pct(share: float) -> str:
    """81.3 %, 90 %, 100 %: rounded as in the tables."""
    return f"{round(share * 100, 1):g} %"


__all__ = [
    "Bottleneck",
    "PlanJob",
    "PlanOutcome",
    "Row",
    "Settings",
    "Variant",
    "WhatIf",
    "bottlenecks",
    "compare",
    "deltas",
    "figures",
    "resource_of",
    "run_jobs",
    "sweep",
    "sweep_sentence",
]
