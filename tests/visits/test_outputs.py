"""Output paths: nothing half-written, nothing a user made is lost.

Every command that writes (`plan`, `export`, `generate`) goes through
``scheduler.files``: a temporary folder or file beside the target, moved
into place when complete; an existing output is refused without --force and
kept beside with it; a path that cannot be written is one message, exit 2.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import exports
from scheduler.errors import InputError
from scheduler.files import write_file, write_folder
from tests.paths import CATALOG, WEEKS
from visits.cli import main

WEEK = WEEKS / "example.yaml"


def plan(out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(WEEK),
            "--out",
            str(out),
            "--solver",
            "greedy",
            "--quiet",
            *extra,
        ],
    )
    assert result.exception is None or isinstance(
        result.exception, SystemExit
    ), result.output
    return result.exit_code, result.output


def test_a_plan_is_written_into_a_new_folder(tmp_path: Path) -> None:
    code, _ = plan(tmp_path / "week" / "plan")
    assert code == 0
    assert (tmp_path / "week" / "plan" / "schedule.json").is_file()
    assert [p.name for p in (tmp_path / "week").iterdir()] == ["plan"]


def test_an_earlier_plan_is_never_replaced_silently(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert plan(out)[0] == 0
    edited = out / "schedule.json"
    edited.write_text(edited.read_text() + "\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, output = plan(out)
    assert code == 2
    assert "--force" in output and "already holds files" in output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_force_replaces_and_keeps_the_old_plan_beside(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert plan(out)[0] == 0
    (out / "notes.txt").write_text("hand-made", encoding="utf-8")
    code, output = plan(out, "--force")
    assert code == 0
    kept = [
        p for p in tmp_path.iterdir() if p.name.startswith("plan.replaced-")
    ]
    assert len(kept) == 1 and str(kept[0]) in output
    assert (kept[0] / "notes.txt").read_text(encoding="utf-8") == "hand-made"
    assert not (out / "notes.txt").exists()
    assert (out / "schedule.json").is_file()


@pytest.mark.parametrize("target", ["a-file", "/dev/null"])
def test_a_file_as_the_output_folder_is_refused(
    tmp_path: Path, target: str
) -> None:
    out = tmp_path / target if target == "a-file" else Path(target)
    if target == "a-file":
        out.write_text("keep me", encoding="utf-8")
    code, output = plan(out)
    assert code == 2
    assert "is a file, not a folder" in output
    assert "Traceback" not in output
    if target == "a-file":
        assert out.read_text(encoding="utf-8") == "keep me"


def test_a_parent_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("", encoding="utf-8")
    code, output = plan(tmp_path / "blocker" / "plan")
    assert code == 2
    assert "blocker" in output and "Traceback" not in output


def test_a_full_disk_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills while the Excel file is written: the earlier plan
    stays whole and no temporary folder is left behind."""
    out = tmp_path / "plan"
    assert plan(out)[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(exports, "write_excel", full)
    code, output = plan(out, "--force")
    assert code == 2
    assert "the disk is full" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root writes through permissions",
)
def test_a_folder_without_write_permission_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, output = plan(locked / "plan")
    finally:
        locked.chmod(0o700)
    assert code == 2
    assert "no permission" in output


def test_an_interrupted_write_removes_its_temporary_folder(
    tmp_path: Path,
) -> None:
    def crash(folder: Path) -> list[Path]:
        (folder / "schedule.json").write_text("{", encoding="utf-8")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_folder(tmp_path / "plan", crash)
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_to_write_over_the_plan_it_reads(
    tmp_path: Path,
) -> None:
    out = tmp_path / "plan"
    assert plan(out)[0] == 0
    schedule = out / "schedule.json"
    text = schedule.read_text(encoding="utf-8")
    result = CliRunner().invoke(
        main, ["export", str(WEEK), str(schedule), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert schedule.read_text(encoding="utf-8") == text


def generate(out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        [
            "generate",
            "--catalog",
            str(CATALOG),
            "--week",
            "2026-W48",
            "--delegations",
            "3",
            "--seed",
            "1",
            "--out",
            str(out),
            *extra,
        ],
    )
    return result.exit_code, result.output


def test_generate_never_writes_over_its_catalog(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    shutil.copy(CATALOG, catalog)
    before = catalog.read_bytes()
    for extra in ((), ("--force",)):
        result = CliRunner().invoke(
            main,
            [
                "generate",
                "--catalog",
                str(catalog),
                "--week",
                "2026-W48",
                "--delegations",
                "3",
                "--out",
                str(catalog),
                *extra,
            ],
        )
        assert result.exit_code == 2
        assert "inputs" in result.output
        assert catalog.read_bytes() == before


def test_generate_refuses_an_existing_file_without_force(
    tmp_path: Path,
) -> None:
    out = tmp_path / "week.yaml"
    out.write_text("# hand-edited week\n", encoding="utf-8")
    code, output = generate(out)
    assert code == 2 and "already exists" in output
    assert out.read_text(encoding="utf-8") == "# hand-edited week\n"
    code, output = generate(out, "--force")
    assert code == 0
    kept = [p for p in tmp_path.iterdir() if ".replaced-" in p.name]
    assert [p.read_text(encoding="utf-8") for p in kept] == [
        "# hand-edited week\n"
    ]
    assert "visits generate" in out.read_text(encoding="utf-8")


def test_write_file_names_the_option_and_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        write_file(folder, "text")
    (problem,) = caught.value.problems
    assert problem.file == str(folder) and problem.path == "--out"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EACCES, "no permission"),
        (errno.EROFS, "read-only"),
        (errno.ENOSPC, "the disk is full"),
    ],
)
def test_the_systems_refusal_is_said_in_words(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    words: str,
) -> None:
    """The folder cannot even be started (no permission, read-only file
    system, full disk): one message, exit 2, nothing created."""

    def refuse(*args: object, **kwargs: object) -> str:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("scheduler.files.tempfile.mkdtemp", refuse)
    status, output = plan(tmp_path / "plan")
    assert status == 2
    assert words in output and "Traceback" not in output
    assert list(tmp_path.iterdir()) == []
