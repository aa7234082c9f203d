"""Command options a careless hand types: each is refused at once with
exit 2 and the option named, before any plan is searched or file written
(infinity and NaN pass every comparison, so ranges alone let them in)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.paths import CATALOG, WEEKS
from visits.cli import main

EXAMPLE = WEEKS / "example.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert isinstance(result.exception, (SystemExit, type(None))), (
        result.exception
    )
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--time-limit", "nan"),
        ("--time-limit", "inf"),
        ("--time-limit", "-1"),
        ("--time-limit", "1e9"),
        ("--seed", str(2**40)),
        ("--seed", "-1"),
        ("--workers", "0"),
        ("--workers", "1000"),
    ],
)
def test_plan_refuses_a_solver_option_out_of_range(
    tmp_path: Path, option: str, value: str
) -> None:
    out = tmp_path / "out"
    code, output = run("plan", str(EXAMPLE), "--out", str(out), option, value)
    assert code == 2, output
    assert option in output
    assert not out.exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--delegations", "1000000000"),
        ("--delegations", "-5"),
        ("--seed", str(2**63)),
    ],
)
def test_generate_refuses_a_count_or_seed_out_of_range(
    tmp_path: Path, option: str, value: str
) -> None:
    out = tmp_path / "week.yaml"
    args = {"--delegations": "5", "--seed": "1", option: value}
    code, output = run(
        "generate",
        "--catalog",
        str(CATALOG),
        "--week",
        "2026-W48",
        "--out",
        str(out),
        *[item for pair in args.items() for item in pair],
    )
    assert code == 2, output
    assert option in output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--top", "-1"], "--top"),
        (["--target", "nan"], "--target"),
        (["--target", "1.5"], "--target"),
        (["--jobs", "0"], "--jobs"),
        (["--sweep", "demand=inf"], "finite numbers"),
        (["--sweep", "demand=1,nan"], "finite numbers"),
        (["--sweep", "demand=1e30"], "demand goes up to 20"),
        (["--sweep", "capacity:ruta-n=1e30"], "capacity goes up to"),
        (["--sweep", "vehicles:van-12=" + ",".join(["1"] * 51)], "at most 50"),
    ],
)
def test_whatif_refuses_an_option_out_of_range(
    tmp_path: Path, args: list[str], words: str
) -> None:
    out = tmp_path / "out"
    if not any(a == "--sweep" for a in args):
        args = [*args, "--sweep", "demand=1"]
    code, output = run(
        "whatif", str(EXAMPLE), "--out", str(out), "--solver", "greedy", *args
    )
    assert code == 2, output
    assert words in output
    assert not out.exists()


def _whatif(out: Path, *extra: str) -> tuple[int, str]:
    return run(
        "whatif",
        str(EXAMPLE),
        "--sweep",
        "demand:replicate=1",
        "--out",
        str(out),
        "--solver",
        "greedy",
        "--jobs",
        "1",
        "--quiet",
        *extra,
    )


def test_whatif_keeps_an_earlier_output_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("a planner's notes", encoding="utf-8")
    code, output = _whatif(out)
    assert code == 2, output
    assert "--force" in output
    assert (out / "notes.txt").read_text(encoding="utf-8") == (
        "a planner's notes"
    )
    code, output = _whatif(out, "--force")
    assert code == 0, output
    assert (out / "whatif.csv").is_file()
    kept = [p for p in tmp_path.iterdir() if ".replaced-" in p.name]
    assert len(kept) == 1
    assert (kept[0] / "notes.txt").is_file()
    assert "kept as" in output


def test_whatif_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder", encoding="utf-8")
    code, output = _whatif(out)
    assert code == 2, output
    assert "is a file" in output
    assert out.read_text(encoding="utf-8") == "not a folder"
