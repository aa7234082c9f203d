"""schedule.xlsx: the coordinator's workbook.

Sheets (SPEC names): visits, by delegation, by site, by presenter,
unserved, KPIs. Dates and times are real Excel date-times in local wall
clock (naive, the catalog's zone); every sheet has a frozen header row, an
autofilter and column widths that fit the content. Headers come from the
word table in the chosen language (default es: ACI's coordinators).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl.utils import get_column_letter

from exports.i18n import Lang, kpi_label, reply_word, word
from exports.tables import (
    is_share,
    kpi_rows,
    request_text,
    unserved_rows,
    visit_rows,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from openpyxl.worksheet.worksheet import Worksheet

    from scheduler.model import Instance, Schedule

SHEETS = (
    "visits",
    "by delegation",
    "by site",
    "by presenter",
    "unserved",
    "KPIs",
)
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60


VISIT_COLUMNS = (
    "id",
    "date",
    "start",
    "end",
    "delegation",
    "group_size",
    "site",
    "department",
    "presenter",
    "request",
    "travel_minutes",
    "vehicle_pool",
    "reply",
)
UNSERVED_COLUMNS = (
    "delegation",
    "request_no",
    "request",
    "weight",
    "priority",
    "required",
    "value",
    "reason",
)


def sheet_frames(
    schedule: Schedule,
    instance: Instance,
    lang: Lang,
    replies: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Each sheet's table, headers in ``lang``, in SPEC order."""

    def w(key: str) -> str:
        return word(key, lang)

    table = _visits_table(schedule, instance, lang, replies or {})
    columns = list(table.columns)

    def view(first: list[str], order: list[str]) -> pd.DataFrame:
        rest = [c for c in columns if c not in first and c != w("id")]
        return (
            table[first + rest]
            .sort_values([*order, w("start")], kind="stable")
            .reset_index(drop=True)
        )

    by_presenter = view([w("presenter"), w("department")], [w("presenter")])
    by_presenter = by_presenter[by_presenter[w("presenter")] != ""]
    kpis = pd.DataFrame(
        [
            {w("kpi"): _kpi_name(key, lang), "key": key, w("value"): value}
            for key, value in kpi_rows(schedule)
        ],
        columns=[w("kpi"), "key", w("value")],
    )
    return {
        "visits": table,
        "by delegation": view([w("delegation")], [w("delegation")]),
        "by site": view([w("site")], [w("site")]),
        "by presenter": by_presenter.reset_index(drop=True),
        "unserved": _unserved_table(schedule, instance, lang),
        "KPIs": kpis,
    }


def _visits_table(
    schedule: Schedule,
    instance: Instance,
    lang: Lang,
    replies: Mapping[str, str],
) -> pd.DataFrame:
    rows = [
        (
            r.id,
            r.date,
            r.start,
            r.end,
            r.delegation_name,
            r.size,
            r.site_name,
            r.department_name,
            r.presenter_name,
            request_text(instance, r.delegation, r.request, lang),
            r.travel_minutes_before,
            r.vehicle_pool,
            reply_word(replies.get(r.id), lang) if r.presenter_name else "",
        )
        for r in visit_rows(schedule, instance)
    ]
    return pd.DataFrame(rows, columns=[word(k, lang) for k in VISIT_COLUMNS])


def _unserved_table(
    schedule: Schedule, instance: Instance, lang: Lang
) -> pd.DataFrame:
    rows = [
        (
            u.delegation_name,
            u.request,
            request_text(instance, u.delegation, u.request, lang),
            u.weight,
            u.priority,
            u.required,
            u.value,
            u.reason,
        )
        for u in unserved_rows(schedule, instance, lang)
    ]
    return pd.DataFrame(
        rows, columns=[word(k, lang) for k in UNSERVED_COLUMNS]
    )


def write_excel(
    schedule: Schedule,
    instance: Instance,
    path: Path,
    *,
    lang: Lang,
    replies: Mapping[str, str] | None = None,
) -> Path:
    frames = sheet_frames(schedule, instance, lang, replies)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            _format(writer.sheets[name])
        _percentages(writer.sheets["KPIs"])
    return path


def _format(sheet: Worksheet) -> None:
    """Frozen header, filter, date formats, widths that fit the values."""
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column in sheet.iter_cols():
        width = 8
        for cell in column:
            value: Any = cell.value
            if isinstance(value, dt.datetime):
                cell.number_format = DATETIME_FORMAT
                text = "2026-11-23 09:00"
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
                text = "2026-11-23"
            else:
                text = "" if value is None else str(value)
            width = max(width, len(text) + 2)
        letter = get_column_letter(column[0].column)
        sheet.column_dimensions[letter].width = min(width, MAX_WIDTH)


def _percentages(sheet: Worksheet) -> None:
    """Shares (0.75) show as 75.0 % and stay numbers for formulas."""
    for key, value in sheet.iter_rows(min_row=2, min_col=2, max_col=3):
        if is_share(str(key.value)) and isinstance(value.value, float):
            value.number_format = "0.0%"


def _kpi_name(key: str, lang: Lang) -> str:
    head, _, rest = key.partition(".")
    label = kpi_label(head, lang)
    return f"{label}: {rest}" if rest else label
