"""schedule.json, schedule.csv and schedule.xlsx of the sample week."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import openpyxl
import pytest

from exports import write_all
from exports.excel import SHEETS
from exports.json_csv import CSV_COLUMNS
from scheduler.errors import InputError
from scheduler.model import Instance, Schedule, Unserved
from tests.exports_sample import STAMP
from tests.paths import GOLDEN


@pytest.fixture(scope="module")
def out(
    sample: tuple[Instance, Schedule], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    instance, schedule = sample
    folder = tmp_path_factory.mktemp("out")
    write_all(schedule, instance, folder, stamp=STAMP)
    return folder


def test_write_all_writes_every_promised_file(
    sample: tuple[Instance, Schedule], tmp_path: Path
) -> None:
    instance, schedule = sample
    paths = write_all(schedule, instance, tmp_path / "new", stamp=STAMP)
    names = {str(p.relative_to(tmp_path / "new")) for p in paths}
    assert {
        "schedule.json",
        "schedule.csv",
        "schedule.xlsx",
        "report.html",
        "ics/presenters/ana.ics",
        "ics/departments/parks.ics",
        "ics/delegations/d-lyon.ics",
    } <= names
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)


# --- schedule.json ----------------------------------------------------------


def test_json_round_trip(sample: tuple[Instance, Schedule], out: Path) -> None:
    _, schedule = sample
    text = (out / "schedule.json").read_text(encoding="utf-8")
    assert Schedule.model_validate_json(text) == schedule


def test_json_shape_and_offsets(out: Path) -> None:
    data = json.loads((out / "schedule.json").read_text(encoding="utf-8"))
    assert list(data) == ["instance", "solver", "visits", "unserved", "kpis"]
    assert set(data["solver"]) == {
        "name",
        "status",
        "objective",
        "bound",
        "wall_s",
    }
    assert set(data["visits"][0]) == {
        "id",
        "delegation",
        "site",
        "presenter",
        "start",
        "end",
        "request",
        "travel_minutes_before",
        "vehicle_pool",
    }
    # SPEC's keys, and the reason in Spanish and its kind beside them
    assert set(data["unserved"][0]) == {
        "delegation",
        "request",
        "reason",
        "reason_es",
        "kind",
    }
    first = next(v for v in data["visits"] if v["id"] == "d-lyon--jardin")
    assert first["start"] == "2026-11-23T10:00:00-05:00"
    assert first["end"] == "2026-11-23T11:00:00-05:00"
    assert first["presenter"] is None and first["request"] is None


def test_json_writes_utc_times_as_local(
    sample: tuple[Instance, Schedule], tmp_path: Path
) -> None:
    """A solver may hand UTC times; the file shows the local clock."""
    instance, schedule = sample
    utc = [
        v.model_copy(
            update={
                "start": v.start.astimezone(dt.UTC),
                "end": v.end.astimezone(dt.UTC),
            }
        )
        for v in schedule.visits
    ]
    write_all(
        schedule.model_copy(update={"visits": utc}),
        instance,
        tmp_path,
        stamp=STAMP,
    )
    data = json.loads((tmp_path / "schedule.json").read_text(encoding="utf-8"))
    starts = {v["id"]: v["start"] for v in data["visits"]}
    assert starts["d-boston--metrocable-k"] == "2026-11-23T09:00:00-05:00"


# --- schedule.csv -----------------------------------------------------------


def test_csv_one_row_per_visit_with_local_times(
    sample: tuple[Instance, Schedule], out: Path
) -> None:
    _, schedule = sample
    with (out / "schedule.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(schedule.visits) == 7
    lyon = next(r for r in rows if r["id"] == "d-lyon--metrocable-k")
    assert (lyon["date"], lyon["start"], lyon["end"]) == (
        "2026-11-24",
        "10:00",
        "11:30",
    )
    assert lyon["delegation_name"] == "Métropole de Lyon"
    assert lyon["site_name"] == "Metrocable Línea K"
    assert lyon["presenter_name"] == "Presenter ana"
    assert lyon["request_label"] == "site:metrocable-k"
    assert lyon["department_name"] == "Metro de Medellín"
    jardin = next(r for r in rows if r["id"] == "d-lyon--jardin")
    assert jardin["presenter"] == "" and jardin["request"] == ""
    starts = [(r["date"], r["start"]) for r in rows]
    assert starts == sorted(starts)


def test_csv_golden(out: Path) -> None:
    got = (out / "schedule.csv").read_text(encoding="utf-8")
    golden = GOLDEN / "schedule.csv"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(got, encoding="utf-8", newline="")
    assert got == golden.read_text(encoding="utf-8")


# --- schedule.xlsx ----------------------------------------------------------


def test_xlsx_sheets_headers_and_frozen_rows(out: Path) -> None:
    book = openpyxl.load_workbook(out / "schedule.xlsx")
    assert (
        tuple(book.sheetnames)
        == SHEETS
        == (
            "visits",
            "by delegation",
            "by site",
            "by presenter",
            "unserved",
            "KPIs",
        )
    )
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == sheet.dimensions
        assert sheet.column_dimensions["A"].width >= 8
    visits = book["visits"]
    assert [c.value for c in visits[1]][:4] == ["ID", "Fecha", "Inicio", "Fin"]
    assert visits.max_row == 1 + 7


def test_xlsx_times_are_real_local_datetimes(
    sample: tuple[Instance, Schedule], out: Path
) -> None:
    _, schedule = sample
    sheet = openpyxl.load_workbook(out / "schedule.xlsx")["visits"]
    header = [c.value for c in sheet[1]]
    rows = {
        row[0]: dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    boston = rows["d-boston--ruta-n"]
    assert boston["Inicio"] == dt.datetime(2026, 11, 23, 14, 0)
    assert boston["Fin"] == dt.datetime(2026, 11, 23, 15, 0)
    assert boston["Fecha"] == dt.datetime(2026, 11, 23)
    assert boston["Delegación"] == "Boston Planning"
    assert boston["Tamaño del grupo"] == 12
    assert boston["Traslado (min)"] == 26
    cell = sheet["C2"]
    assert cell.is_date and isinstance(cell.value, dt.datetime)
    assert cell.number_format == "yyyy-mm-dd hh:mm"
    for visit in schedule.visits:
        assert rows[visit.id]["Inicio"] == visit.start.replace(tzinfo=None)


def test_xlsx_views_unserved_and_kpis(out: Path) -> None:
    book = openpyxl.load_workbook(out / "schedule.xlsx")
    by_delegation = [
        r for r in book["by delegation"].iter_rows(min_row=2, values_only=True)
    ]
    assert [r[0] for r in by_delegation] == sorted(r[0] for r in by_delegation)
    by_presenter = list(
        book["by presenter"].iter_rows(min_row=2, values_only=True)
    )
    assert len(by_presenter) == 5  # the two self-guided visits left out
    assert by_presenter[0][0] == "Presenter ana"
    unserved = list(book["unserved"].iter_rows(values_only=True))
    assert unserved[0][-1] == "Motivo"
    assert unserved[1] == (
        "Boston Planning",
        2,
        "Jardín Botánico",
        1,
        1,
        True,
        1,
        "site closed during the stay",
    )
    kpis = {
        row[1]: row[2]
        for row in book["KPIs"].iter_rows(min_row=2, values_only=True)
    }
    assert kpis["served_value"] == 10
    assert kpis["unserved_by_reason.closed"] == 1
    assert kpis["status"] == "FEASIBLE"
    assert isinstance(kpis["served_share"], float)


def test_xlsx_in_english(
    sample: tuple[Instance, Schedule], tmp_path: Path
) -> None:
    instance, schedule = sample
    write_all(schedule, instance, tmp_path, lang="en", stamp=STAMP)
    sheet = openpyxl.load_workbook(tmp_path / "schedule.xlsx")["visits"]
    assert [c.value for c in sheet[1]][:4] == ["ID", "Date", "Start", "End"]


def test_empty_schedule_still_writes_every_table(
    sample: tuple[Instance, Schedule], tmp_path: Path
) -> None:
    instance, schedule = sample
    empty = schedule.model_copy(update={"visits": [], "unserved": []})
    write_all(empty, instance, tmp_path, stamp=STAMP)
    book = openpyxl.load_workbook(tmp_path / "schedule.xlsx")
    assert book["visits"].max_row == 1
    assert not (tmp_path / "ics").exists() or not any(
        (tmp_path / "ics").rglob("*.ics")
    )


# --- a schedule of another week ---------------------------------------------


def test_schedule_of_another_week_is_a_clear_input_error(
    sample: tuple[Instance, Schedule], tmp_path: Path
) -> None:
    instance, schedule = sample
    stray = schedule.visits[0].model_copy(
        update={"site": "nowhere", "presenter": "nobody"}
    )
    bad = schedule.model_copy(
        update={
            "visits": [stray],
            "unserved": [Unserved(delegation="d-lima", request=9, reason="x")],
        }
    )
    with pytest.raises(InputError) as error:
        write_all(bad, instance, tmp_path, stamp=STAMP, source="old.json")
    text = str(error.value)
    assert 'old.json: visits[0].site: unknown site "nowhere"' in text
    assert 'visits[0].presenter: unknown presenter "nobody"' in text
    assert "unserved[0].request: delegation d-lima has no request 9" in text
    assert not (tmp_path / "schedule.json").exists()
