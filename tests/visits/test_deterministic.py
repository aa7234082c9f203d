"""Reproducible plans: `--deterministic` bounds the search by work.

A deterministic plan must not depend on how fast the machine runs. The
tests make the wall clock race (every reading 50 s later than the last):
a search bounded by seconds stops at once, one bounded by work does not
notice and returns the same schedule as on a calm clock.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.orienteering.compile import compile_toptw
from bench.orienteering.instances import parse
from scheduler.build import Result
from scheduler.check import violations
from scheduler.loading import load_schedule
from scheduler.problem import SolveParams
from solvers import solve
from solvers.cpsat import strategy as cpsat_strategy
from tests.bench.test_toptw import TINY
from tests.paths import WEEKS
from visits.cli import main
from visits.planning import plan_week
from whatif.scenario import load_instance

NORMAL = WEEKS / "normal.yaml"


def racing_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every reading of the wall clock jumps 50 s."""
    ticks = itertools.count()
    monkeypatch.setattr(time, "perf_counter", lambda: 50.0 * next(ticks))


def visits_of(result: Result) -> list[tuple[str, str, str]]:
    return [
        (v.delegation, v.site, v.start.isoformat())
        for v in result.schedule.visits
    ]


@pytest.mark.parametrize("lns", [False, True], ids=["whole", "lns"])
def test_a_deterministic_plan_ignores_the_wall_clock(
    monkeypatch: pytest.MonkeyPatch, lns: bool
) -> None:
    if lns:
        monkeypatch.setattr(cpsat_strategy, "LNS_FROM_VISITS", 0)
    instance = load_instance(NORMAL)
    params = SolveParams(time_limit=1.0, workers=2, deterministic=True)
    calm = plan_week(instance, "cpsat", params)
    again = plan_week(instance, "cpsat", params)
    racing_clock(monkeypatch)
    raced = plan_week(instance, "cpsat", params)
    assert visits_of(calm) == visits_of(again) == visits_of(raced)
    assert calm.objective == raced.objective
    assert not violations(instance, calm.schedule)


def test_the_racing_clock_does_cut_a_wall_clock_search_short(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The clock the test above races would change a wall-bounded plan."""
    data = compile_toptw(parse(TINY, "c901"), 2)
    params = SolveParams(time_limit=5.0, workers=1, warm_start=False)
    calm = solve(data, "cpsat", params)
    racing_clock(monkeypatch)
    raced = solve(data, "cpsat", params)
    assert calm.status == "OPTIMAL"
    assert raced.status != "OPTIMAL"


def test_the_routing_warm_start_counts_iterations_not_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = compile_toptw(parse(TINY, "c901"), 2)
    params = SolveParams(time_limit=1.0, workers=2, deterministic=True)
    calm = solve(data, "cpsat", params)
    racing_clock(monkeypatch)
    raced = solve(data, "cpsat", params)
    assert calm.visits == raced.visits
    assert calm.objective == raced.objective


def test_visits_plan_deterministic_writes_the_same_schedule_twice(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    written = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = runner.invoke(
            main,
            [
                "plan",
                str(NORMAL),
                "--out",
                str(out),
                "--time-limit",
                "1",
                "--deterministic",
                "--quiet",
            ],
        )
        assert result.exit_code == 0, result.output
        schedule = load_schedule(out / "schedule.json")
        written.append(json.loads(schedule.model_dump_json())["visits"])
    assert written[0] == written[1]
