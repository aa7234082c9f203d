"""The committed weeks: every unserved request names its binding fact, and
the terminal, report.html and schedule.xlsx show the same words.

The weeks are planned with greedy (fast, and it leaves the most out).
"""

from __future__ import annotations

import html
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from scheduler.explain.words import KINDS, STATIC_KINDS
from scheduler.loading import load_schedule
from scheduler.reasons import static_phrase_of
from tests.paths import WEEKS
from visits.cli import main
from whatif.scenario import load_instance

GENERIC = {
    "together": "no start at",
    "no_start": "no start fits",
}
"""Fallback words that name no fact: no committed week may need them."""


def plan(week: Path, out: Path, lang: str) -> str:
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(week),
            "--out",
            str(out),
            "--solver",
            "greedy",
            "--lang",
            lang,
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", ["normal", "peak", "surge"])
def test_every_unserved_request_names_its_binding_fact(
    name: str, tmp_path: Path
) -> None:
    week = WEEKS / f"{name}.yaml"
    plan(week, tmp_path / "plan", "en")
    instance = load_instance(week)
    schedule = load_schedule(tmp_path / "plan" / "schedule.json")
    assert schedule.unserved, "a committed week with nothing unserved"
    for u in schedule.unserved:
        assert u.kind in set(KINDS.values()), u
        assert u.reason and u.reason_es and u.reason != u.reason_es
        assert not any(words in u.reason for words in GENERIC.values()), u
        delegation = instance.delegation(u.delegation)
        static = static_phrase_of(instance, delegation, u.request)
        if static is None:
            assert u.kind not in STATIC_KINDS, u
        else:
            assert u.reason == static.text("en")
            assert u.reason_es == static.text("es")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_terminal_report_and_excel_show_the_same_words(
    lang: str, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    terminal = plan(WEEKS / "normal.yaml", out, lang)
    schedule = load_schedule(out / "schedule.json")
    report = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    sheet = openpyxl.load_workbook(out / "schedule.xlsx")["unserved"]
    cells = {str(c.value) for row in sheet.iter_rows(min_row=2) for c in row}
    shown = [x for x in terminal.splitlines() if x.startswith("  unserved ")]
    assert shown
    for u in schedule.unserved:
        words = u.words(lang)
        assert words in report
        assert words in cells
    for u in schedule.unserved[: len(shown)]:
        assert any(line.endswith(u.words(lang)) for line in shown)
    other = "en" if lang == "es" else "es"
    assert not any(u.words(other) in report for u in schedule.unserved)
