"""What-if: plan a base week and its variants alike, and compare them.

Three questions a planner asks before an event week, answered here:

* scenarios side by side (``compare``): the base and each scenario planned
  with the same solver settings, their key figures, and the difference of
  each against the base;
* a sweep of one knob (``sweep``): demand ×1, ×1.5, ×2 … or a site's
  capacity, a department's presenters, a vehicle pool's count — one row a
  value, and the sentence "up to 2× the usual demand we still serve 91 %";
* bottlenecks (``advise_plans``): which resources the "outcompeted"
  requests lost on, and what one more unit of each (a presenter, a group at
  a site, a van) buys in served value — "what to add first".

The plans run through ``visits.jobs``; the figures, bottlenecks, sentences
and report types are the what-if wing's (``whatif/``), which runs no solver.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from visits.jobs import Done, PlanJob, make_job, run_jobs
from whatif.bottlenecks import Bottleneck, addable, bottlenecks, one_more
from whatif.figures import deltas, figures
from whatif.report import Row, Sweep, Variant, WhatIf
from whatif.scenario import (
    Knob,
    Source,
    apply_knob,
    knob_value,
)
from whatif.sentences import sweep_sentence

if TYPE_CHECKING:
    from pathlib import Path

    from scheduler.model import Instance, Schedule
    from scheduler.problem import Settings


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
