"""Where what-if plans run: inline, in a process pool, or on Dask.

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scheduler.errors import InputError, Problem
from scheduler.model import Instance, Schedule
from visits.planning import plan_week

if TYPE_CHECKING:
    from scheduler.problem import Settings

log = logging.getLogger(__name__)


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
    instance = Instance.model_validate_json(job.instance_json)
    result = plan_week(instance, job.settings.solver, job.settings.params())
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
