"""The fuzz suite's judge (``attempt``) can fail: a staged crash, an exit 2
that names no file, and a changed input are each caught."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import visits.cli
from tests.fuzz import tally
from tests.fuzz.test_fuzz import attempt
from tests.paths import WEEKS

WEEK = WEEKS / "example.yaml"


def test_a_traceback_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(path: Any) -> Any:
        raise RuntimeError("staged")

    monkeypatch.setattr(visits.cli, "load_instance", crash)
    seen = len(tally.TRACEBACKS)
    with pytest.raises(AssertionError, match="staged"):
        attempt("judge", ["validate", str(WEEK)], [WEEK], "staged crash")
    assert len(tally.TRACEBACKS) == seen + 1
    del tally.TRACEBACKS[seen:]


def test_an_exit_2_naming_no_file_is_caught(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("x: 1\n")
    with pytest.raises(AssertionError):
        attempt(
            "judge", ["validate", str(tmp_path / "gone.yaml")], [other], ""
        )


def test_a_changed_input_is_caught(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    week = tmp_path / "week.txt"
    week.write_text("before")
    real = visits.cli.load_instance

    def scribble(path: Any) -> Any:
        week.write_text("after")
        return real(path)

    monkeypatch.setattr(visits.cli, "load_instance", scribble)
    with pytest.raises(AssertionError, match=r"changed week\.txt"):
        attempt("judge", ["validate", str(WEEK)], [week], "")
