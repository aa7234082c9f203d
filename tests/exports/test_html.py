"""report.html: self-contained, with KPIs, timelines, agendas, reasons."""

from __future__ import annotations

import html
import re

import pytest

from exports.html import Span, fit_label, render_report, stack_lanes
from scheduler.model import Instance, Schedule
from tests.exports_sample import STAMP


@pytest.fixture(scope="module")
def page(sample: tuple[Instance, Schedule]) -> str:
    instance, schedule = sample
    return render_report(schedule, instance, lang="es", stamp=STAMP)


def test_no_external_resources(page: str) -> None:
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page
    assert "<link" not in page
    assert not re.search(r"\bsrc=", page)
    assert "@import" not in page


def test_kpis_shown(page: str) -> None:
    assert "Valor atendido" in page
    assert ">10<" in page and "/ 12" in page
    assert "83.3%" in page  # served share 10/12
    assert "FEASIBLE" in page
    assert "unserved_by_reason.closed" in page  # the full KPI table
    assert "Generado 2026-11-20 10:30 (America/Bogota)" in page


def test_every_delegation_agenda_and_unserved_reason(
    sample: tuple[Instance, Schedule], page: str
) -> None:
    instance, schedule = sample
    for delegation in instance.delegations:
        assert f'id="delegation-{delegation.id}"' in page
        assert html.escape(delegation.name) in page
    for unserved in schedule.unserved:
        assert html.escape(unserved.reason) in page
    assert "no presenter of Ruta N speaks fr &amp; &lt;b&gt;" in page
    for visit in schedule.visits:
        assert html.escape(instance.catalog.site(visit.site).address) in page


def test_agenda_rows_carry_transfers_and_lunch(page: str) -> None:
    section = page.split('id="delegation-d-lyon"')[1].split("</section>")[0]
    rows = re.findall(r'<tr class="(\w+)"><td>([^<]+)</td>', section)
    assert rows == [
        ("transfer", "09:37–10:00"),
        ("visit", "10:00–11:00"),
        ("lunch", "12:00–13:00"),
        ("transfer", "09:23–10:00"),
        ("visit", "10:00–11:30"),
        ("lunch", "12:10–13:10"),
    ]


def test_one_timeline_by_site_and_one_by_delegation_per_day(page: str) -> None:
    assert page.count("<svg width=") == 2 * 2 + 1  # + the pattern defs
    assert "lunes 23 de noviembre de 2026" in page
    assert "martes 24 de noviembre de 2026" in page


def test_english_report(sample: tuple[Instance, Schedule]) -> None:
    instance, schedule = sample
    page = render_report(schedule, instance, lang="en", stamp=STAMP)
    assert "Served value" in page and "Valor atendido" not in page
    assert "Monday 23 November 2026" in page
    assert "Unserved requests (2)" in page


def test_overlapping_visits_stack_in_lanes() -> None:
    spans = [
        Span(600, 690, "a", "", "#000", "visit"),
        Span(630, 720, "b", "", "#000", "visit"),
        Span(690, 750, "c", "", "#000", "visit"),
    ]
    assert stack_lanes(spans) == [0, 1, 0]


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Ruta N", 84.0, "Ruta N"),  # room for 11 characters
        ("Municipalidad de Lima", 84.0, "Municipali…"),
        ("Ruta N", 10.0, ""),  # a sliver of a bar: no label
    ],
)
def test_bar_labels_fit_their_bar(
    text: str, width: float, expected: str
) -> None:
    assert fit_label(text, width) == expected
