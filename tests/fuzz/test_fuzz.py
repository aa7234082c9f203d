"""Every command on randomly damaged inputs: no traceback, a known exit
code, an error that names the file, and the input left as it was.

Inputs are the committed sample files, mutated by ``mutations.py``; each
example runs the commands a coordinator would on that file. The number of
examples per test is ``VISITS_FUZZ_EXAMPLES`` (default 25, a short run in
CI); the terminal summary says how many inputs were tried.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import tally
from tests.fuzz.mutations import ODD_VALUES, damaged_text, documents
from tests.paths import CATALOG, MEDELLIN, WEEKS
from visits.cli import main

EXAMPLES = int(os.environ.get("VISITS_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
GREEDY = ["--solver", "greedy", "--time-limit", "2", "--quiet"]


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


WEEK = _yaml(WEEKS / "example.yaml")
CATALOG_DOC = _yaml(CATALOG)
SCENARIOS = {
    p.name: _yaml(p) for p in sorted((MEDELLIN / "scenarios").glob("*.yaml"))
}


def dump(doc: Any) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as name:
        root = Path(name)
        (root / "catalog.yaml").write_text(CATALOG.read_text(encoding="utf-8"))
        yield root


def attempt(
    kind: str, args: list[str], inputs: list[Path], what: str
) -> Result:
    """Run one command; assert it ended as a user would want."""
    before = {p: p.read_bytes() for p in inputs if p.is_file()}
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    tally.TRIED[kind] += 1
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        tally.TRACEBACKS.append(
            f"{kind} `{args[0]}` after {what}: {type(exc).__name__}: {exc}"[
                :300
            ]
        )
        text = "".join(traceback.format_exception(exc))
        raise AssertionError(f"{args[0]} after {what}:\n{text}")
    assert result.exit_code in (0, 1, 2), (what, result.output)
    if result.exit_code == 2:
        names = [p.name for p in inputs] + ["--"]
        assert any(name in result.output for name in names), (
            what,
            result.output,
        )
        assert "Traceback" not in result.output
    for path, data in before.items():
        assert path.read_bytes() == data, f"{args[0]} changed {path.name}"
    return result


def plan_and_check(
    kind: str, week: Path, inputs: list[Path], what: str
) -> None:
    out = week.parent / "out"
    planned = attempt(
        kind, ["plan", str(week), *GREEDY, "--out", str(out)], inputs, what
    )
    if planned.exit_code == 0:
        attempt(
            kind,
            ["check", str(week), str(out / "schedule.json")],
            inputs,
            what,
        )


@FUZZ
@given(data=st.data())
def test_week_files(data: st.DataObject) -> None:
    week, what = data.draw(documents({**WEEK, "catalog": "catalog.yaml"}))
    text, cut = data.draw(damaged_text(dump(week)))
    with folder() as root:
        path = root / "week.yaml"
        path.write_text(text, encoding="utf-8")
        inputs = [path, root / "catalog.yaml"]
        checked = attempt(
            "week", ["validate", str(path)], inputs, f"{what} {cut}"
        )
        if checked.exit_code == 0:
            plan_and_check("week", path, inputs, f"{what} {cut}")


@FUZZ
@given(data=st.data())
def test_catalogs(data: st.DataObject) -> None:
    catalog, what = data.draw(documents(CATALOG_DOC))
    text, cut = data.draw(damaged_text(dump(catalog)))
    with folder() as root:
        (root / "catalog.yaml").write_text(text, encoding="utf-8")
        week = root / "week.yaml"
        week.write_text(dump({**WEEK, "catalog": "catalog.yaml"}))
        inputs = [week, root / "catalog.yaml"]
        checked = attempt(
            "catalog", ["validate", str(week)], inputs, f"{what} {cut}"
        )
        if checked.exit_code == 0:
            plan_and_check("catalog", week, inputs, f"{what} {cut}")


@FUZZ
@given(data=st.data())
def test_scenarios(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(SCENARIOS)))
    scenario, what = data.draw(
        documents({**SCENARIOS[name], "base": "normal.yaml"})
    )
    text, cut = data.draw(damaged_text(dump(scenario)))
    with folder() as root:
        base = root / "normal.yaml"
        base.write_text(
            dump({**_yaml(WEEKS / "normal.yaml"), "catalog": "catalog.yaml"})
        )
        path = root / name
        path.write_text(text, encoding="utf-8")
        inputs = [path, base, root / "catalog.yaml"]
        what = f"{name}: {what} {cut}"
        checked = attempt("scenario", ["validate", str(path)], inputs, what)
        if checked.exit_code == 0:
            attempt(
                "scenario",
                [
                    "whatif",
                    str(base),
                    str(path),
                    *GREEDY,
                    "--jobs",
                    "1",
                    "--out",
                    str(root / "w"),
                ],
                inputs,
                what,
            )


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fuzz-plan") / "plan"
    result = CliRunner().invoke(
        main, ["plan", str(WEEKS / "example.yaml"), *GREEDY, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


@FUZZ
@given(data=st.data())
def test_saved_schedules(planned: Path, data: st.DataObject) -> None:
    original = json.loads(
        (planned / "schedule.json").read_text(encoding="utf-8")
    )
    schedule, what = data.draw(documents(original))
    text, cut = data.draw(damaged_text(json.dumps(schedule), yaml=False))
    with folder() as root:
        shutil.copy(planned / "ledger.json", root / "ledger.json")
        path = root / "schedule.json"
        path.write_text(text, encoding="utf-8")
        week = WEEKS / "example.yaml"
        inputs = [path, root / "ledger.json", week]
        what = f"{what} {cut}"
        checked = attempt(
            "schedule", ["check", str(week), str(path)], inputs, what
        )
        if checked.exit_code in (0, 1):
            attempt(
                "schedule",
                ["export", str(week), str(path), "--out", str(root / "o")],
                inputs,
                what,
            )


PORTAL = list(
    csv.reader(io.StringIO((WEEKS / "example-delegations.csv").read_text()))
)


@FUZZ
@given(data=st.data())
def test_portal_csv(data: st.DataObject) -> None:
    rows, what = data.draw(documents(PORTAL))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(row if isinstance(row, list) else [row])
    text, cut = data.draw(damaged_text(buffer.getvalue(), yaml=False))
    with folder() as root:
        path = root / "portal.csv"
        path.write_text(text, encoding="utf-8")
        week = root / "week.yaml"
        week.write_text(
            dump(
                {
                    **_yaml(WEEKS / "example-csv.yaml"),
                    "catalog": "catalog.yaml",
                    "delegations_csv": "portal.csv",
                }
            )
        )
        inputs = [path, week, root / "catalog.yaml"]
        attempt("portal-csv", ["validate", str(week)], inputs, f"{what} {cut}")


OPTIONS = {
    "plan": ["--time-limit", "--workers", "--seed", "--lang", "--solver"],
    "generate": ["--delegations", "--seed", "--week"],
    "replan": ["--max-changes", "--time-limit"],
}


@FUZZ
@given(
    command=st.sampled_from(sorted(OPTIONS)),
    data=st.data(),
)
def test_command_options(command: str, data: st.DataObject) -> None:
    option = data.draw(st.sampled_from(OPTIONS[command]))
    value = str(data.draw(st.sampled_from(ODD_VALUES)))
    with folder() as root:
        week = root / "week.yaml"
        week.write_text(dump({**WEEK, "catalog": "catalog.yaml"}))
        inputs = [week, root / "catalog.yaml"]
        base = {
            "plan": [
                "plan",
                str(week),
                "--solver",
                "greedy",
                "--quiet",
                "--out",
                str(root / "o"),
            ],
            "generate": [
                "generate",
                "--catalog",
                str(root / "catalog.yaml"),
                "--week",
                "2026-W48",
                "--delegations",
                "3",
                "--seed",
                "1",
                "--out",
                str(root / "g.yaml"),
            ],
            "replan": [
                "replan",
                str(week),
                "--previous",
                str(root / "nowhere"),
                "--out",
                str(root / "r"),
                "--solver",
                "greedy",
                "--quiet",
            ],
        }[command]
        attempt(
            "options",
            [*base, option, value],
            inputs,
            f"{command} {option} {value!r:.40}",
        )
