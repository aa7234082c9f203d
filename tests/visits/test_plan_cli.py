"""`visits plan` end to end, as a coordinator runs it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from scheduler.check import violations
from scheduler.loading import load_schedule
from tests.paths import WEEKS
from visits.cli import main
from whatif.scenario import load_instance

PEAK = WEEKS / "peak.yaml"


def test_ctrl_c_stops_the_search_and_still_writes_a_valid_schedule(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from visits.cli import main; main()",
            "plan",
            str(PEAK),
            "--out",
            str(out),
            "--time-limit",
            "120",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(5)  # loading, greedy start, then well into the search
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "stopping" in stderr
    schedule = load_schedule(out / "schedule.json")
    assert violations(load_instance(PEAK), schedule) == []
    assert schedule.solver.wall_s < 100  # it stopped well before the limit


def test_plan_writes_a_schedule_that_check_accepts(tmp_path: Path) -> None:
    runner = CliRunner()
    week = WEEKS / "example.yaml"
    result = runner.invoke(
        main,
        [
            "plan",
            str(week),
            "--out",
            str(tmp_path),
            "--time-limit",
            "5",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    checked = runner.invoke(
        main, ["check", str(week), str(tmp_path / "schedule.json")]
    )
    assert checked.exit_code == 0, checked.output


def test_plan_rejects_a_time_limit_or_workers_out_of_range(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    week = str(WEEKS / "example.yaml")
    for option, value in (("--time-limit", "-1"), ("--workers", "0")):
        result = runner.invoke(
            main, ["plan", week, "--out", str(tmp_path), option, value]
        )
        assert result.exit_code == 2
        assert option in result.output
        assert not (tmp_path / "schedule.json").exists()
