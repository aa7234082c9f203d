"""The what-if report as rich tables on the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from exports.whatif.common import (
    FIGURES,
    HEURISTIC_NOTE,
    better,
    count_keys,
    fmt,
    fmt_delta,
    gap_note,
    heuristic_losses,
)

if TYPE_CHECKING:
    from whatif.report import Row, WhatIf


def _cell(row: Row, key: str, kind: str) -> Text:
    text = Text(fmt(row.figures.get(key), kind))
    if row.kind == "base":
        return text
    delta = fmt_delta(row.delta.get(key), kind)
    if delta:
        good = better(key, row.delta[key])
        style = "green" if good else "red" if good is False else "dim"
        text.append(f" ({delta})", style=style)
    return text


def terminal_tables(report: WhatIf) -> list[Table | Text]:
    """The comparison (figures × plans), the sweep and the advice."""
    out: list[Table | Text] = []
    if report.sweep is None:
        table = Table(title=f"What if — against {report.base}")
        table.add_column("figure")
        for row in report.rows:
            table.add_column(row.label, justify="right")
        table.add_row("status", *(r.figures["status"] for r in report.rows))
        for key, label, kind in FIGURES:
            table.add_row(label, *(_cell(r, key, kind) for r in report.rows))
        for reason in count_keys(report, "unserved_by_reason")[:6]:
            table.add_row(
                f"  unserved: {reason}",
                *(
                    str((r.figures["unserved_by_reason"] or {}).get(reason, 0))
                    for r in report.rows
                ),
            )
        out.append(table)
    else:
        table = Table(
            title=f"Sweep of {report.sweep.knob.label} on {report.base}"
        )
        for name in (
            "plan",
            "served share",
            "served value",
            "requested value",
            "required served",
            "outcompeted",
            "status",
            "wall s",
        ):
            table.add_column(
                name, justify="left" if name == "plan" else "right"
            )
        for row in report.rows:
            f = row.figures
            table.add_row(
                row.label,
                _cell(row, "served_share", "share"),
                fmt(f["served_value"], "count"),
                fmt(f["requested_value"], "count"),
                f"{f['required_served']} of {f['required_total']}",
                fmt(f["outcompeted"], "count"),
                f["status"],
                fmt(f["wall_s"], "seconds"),
            )
        out.append(table)
        out.append(Text(report.sweep.sentence, style="bold"))
    if gap_note(report):
        out.append(Text(gap_note(report), style="yellow"))
    for row in report.rows:
        if row.conflicts:
            out.append(
                Text(
                    f"{row.label}: the required requests cannot all be "
                    f"served ({'; '.join(row.conflicts)})",
                    style="red",
                )
            )
    if any(report.advice.values()):
        table = Table(title="What to add first")
        for name in (
            "plan",
            "binding resource",
            "outcompeted",
            "value lost",
            "one more",
            "gain",
        ):
            table.add_column(
                name,
                justify="right"
                if name in ("outcompeted", "value lost", "gain")
                else "left",
            )
        for label, items in report.advice.items():
            for b in items[:6]:
                table.add_row(
                    label,
                    b.label,
                    str(b.requests),
                    str(b.value),
                    b.remedy or "–",
                    "–"
                    if b.gain is None
                    else fmt_delta(b.gain, "count") or "0",
                )
        out.append(table)
        if heuristic_losses(report):
            out.append(Text(HEURISTIC_NOTE, style="dim"))
    return out
