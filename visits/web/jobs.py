"""Re-solving a week in the background, with live progress and cancel.

A job plans the week (or, once its invites went out, re-plans it from
the published plan with the fewest changes) into a new plan folder with
the same code as `visits plan` / `visits replan`; the page polls its
progress (served value, bound, gap). Cancel stops the search and keeps
the best schedule found.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scheduler.errors import InputError
from visits.planning import Watch, plan_command, replan_command

if TYPE_CHECKING:
    from collections.abc import Callable

    from scheduler.problem import Progress
    from visits.web.workspace import Week


@dataclass
class Job:
    id: int
    week: str
    solver: str
    time_limit: float
    started: float = field(default_factory=time.monotonic)
    stop: threading.Event = field(default_factory=threading.Event)
    progress: list[Progress] = field(default_factory=list)
    status: str = "running"
    """running, done or failed."""
    message: str = ""
    plan: str = ""

    def view(self) -> dict[str, Any]:
        best = self.progress[-1] if self.progress else None
        return {
            "id": self.id,
            "week": self.week,
            "status": self.status,
            "message": self.message,
            "plan": self.plan,
            "elapsed": round(time.monotonic() - self.started, 1),
            "time_limit": self.time_limit,
            "value": best.objective if best else None,
            "bound": best.bound if best else None,
            "gap": round(best.gap, 4) if best else None,
            "cancelled": self.stop.is_set(),
        }


class Jobs:
    """The running and finished jobs of this server."""

    def __init__(self, after: Callable[[Week, str], None]) -> None:
        self._jobs: dict[int, Job] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._after = after

    def get(self, number: int) -> Job | None:
        return self._jobs.get(number)

    def running(self, week: str) -> Job | None:
        return next(
            (
                j
                for j in self._jobs.values()
                if j.week == week and j.status == "running"
            ),
            None,
        )

    def start(self, week: Week, solver: str, time_limit: float) -> Job:
        with self._lock:
            busy = self.running(week.slug)
            if busy is not None:
                return busy
            job = Job(next(self._numbers), week.slug, solver, time_limit)
            self._jobs[job.id] = job
        thread = threading.Thread(
            target=self._run,
            args=(job, week),
            daemon=True,
            name=f"job-{job.id}",
        )
        thread.start()
        return job

    def _run(self, job: Job, week: Week) -> None:
        watch = Watch(job.progress.append, job.stop)
        out = week.next_plan()
        published = week.plan_folder(week.state().published or "")
        options: dict[str, Any] = {
            "solver": job.solver,
            "time_limit": job.time_limit,
            "workers": 2,
            "seed": 0,
            "deterministic": False,
            "lang": None,
            "log": False,
            "quiet": True,
            "watch": watch,
        }
        said = io.StringIO()
        try:
            with (
                contextlib.redirect_stdout(said),
                contextlib.redirect_stderr(said),
            ):
                if published is not None:
                    code = replan_command(
                        week.file, published, out, max_changes=None, **options
                    )
                else:
                    code = plan_command(week.file, out, **options)
            if code != 0 or not (out / "schedule.json").is_file():
                job.status = "failed"
                job.message = said.getvalue().strip() or "no schedule found"
                return
            job.plan = out.name
            self._after(week, out.name)
            job.status = "done"
            job.message = (
                "re-planned from the published plan"
                if published
                else "planned"
            )
        except InputError as exc:
            job.status = "failed"
            job.message = "; ".join(str(p) for p in exc.problems)
        except Exception as exc:  # shown on the page, never lost silently
            job.status = "failed"
            job.message = f"{type(exc).__name__}: {exc}"
