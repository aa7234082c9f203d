"""What-if outputs: whatif.csv, whatif.html (inline SVG) and terminal tables.

Pure functions of a ``WhatIf`` report: nothing is planned here. Every
difference against the base is shown signed (+/−); shares differ in
percentage points (pp).
"""

from __future__ import annotations

import csv
import html
import re
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from pathlib import Path

    from whatif.bottlenecks import Bottleneck
    from whatif.report import Row, WhatIf

MINUS = "−"

FIGURES: tuple[tuple[str, str, str], ...] = (
    # key, label, format: count | share | minutes | seconds | number
    ("served_value", "served value", "count"),
    ("requested_value", "requested value", "count"),
    ("served_share", "served share", "share"),
    ("required_served", "required served", "count"),
    ("required_total", "required requests", "count"),
    ("visits", "visits", "count"),
    ("delegations_with_visit", "delegations with a visit", "count"),
    ("unserved_total", "unserved requests", "count"),
    ("outcompeted", "  of which outcompeted", "count"),
    ("travel_minutes", "travel minutes", "count"),
    ("site_utilization", "site utilization", "share"),
    ("presenter_utilization", "presenter utilization", "share"),
    ("vans_used", "vehicles out at peak", "count"),
    ("gap", "gap", "share"),
    ("wall_s", "wall seconds", "seconds"),
)


def fmt(value: Any, kind: str) -> str:
    """A figure as shown: shares in %, counts whole, seconds to 0.1."""
    if value is None:
        return "–"
    if kind == "share":
        return f"{float(value):.1%}"
    if kind == "seconds":
        return f"{float(value):.1f}"
    number = float(value)
    return f"{number:.0f}" if number == int(number) else f"{number:.1f}"


def fmt_delta(delta: float | None, kind: str) -> str:
    """+3, −2, +1.5 pp; empty when there is no difference to show."""
    if delta is None:
        return ""
    size = abs(delta)
    if kind == "share":
        text = f"{size * 100:.1f} pp"
    elif kind == "seconds" or size != int(size):
        text = f"{size:.1f}"
    else:
        text = f"{size:.0f}"
    if not any(c in "123456789" for c in text):
        return ""  # no difference at the precision shown
    return ("+" if delta > 0 else MINUS) + text


def _reasons(report: WhatIf, key: str) -> list[str]:
    """Every key of a per-plan count table, most frequent first."""
    totals: dict[str, float] = {}
    for row in report.rows:
        for name, n in (row.figures.get(key) or {}).items():
            totals[name] = totals.get(name, 0) + float(n)
    return sorted(totals, key=lambda k: (-totals[k], k))


# --- CSV ---------------------------------------------------------------------


def write_csv(report: WhatIf, path: Path) -> Path:
    """One row a plan: figures, ``<figure>_vs_base``, unserved by reason
    (``unserved:<reason>``) and by topic (``topic:<topic>``)."""
    reasons = _reasons(report, "unserved_by_reason")
    topics = _reasons(report, "unserved_by_topic")
    pools = sorted({p for r in report.rows for p in r.figures["vans_by_pool"]})
    header = ["plan", "kind", "description", "knob", "knob_value", "status"]
    for key, _, _ in FIGURES:
        header += [key, f"{key}_vs_base"]
    header += [f"unserved:{r}" for r in reasons]
    header += [f"topic:{t}" for t in topics]
    header += [f"vehicles:{p}" for p in pools]
    header += ["conflicts"]
    knob = report.sweep.knob.label if report.sweep else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in report.rows:
            f = row.figures
            line: list[Any] = [
                row.label,
                row.kind,
                row.description,
                knob if row.kind == "sweep" else "",
                "" if row.knob_value is None else f"{row.knob_value:g}",
                f["status"],
            ]
            for key, _, _ in FIGURES:
                value = f.get(key)
                line += [
                    "" if value is None else value,
                    row.delta.get(key, ""),
                ]
            by_reason = f.get("unserved_by_reason") or {}
            by_topic = f.get("unserved_by_topic") or {}
            line += [by_reason.get(r, 0) for r in reasons]
            line += [by_topic.get(t, 0) for t in topics]
            line += [f["vans_by_pool"].get(p, "") for p in pools]
            line += ["; ".join(row.conflicts)]
            writer.writerow(line)
    return path


def write_advice_csv(report: WhatIf, path: Path) -> Path:
    """What to add first, one row a plan and resource."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "plan",
                "resource_kind",
                "resource",
                "label",
                "outcompeted_requests",
                "value_lost",
                "one_more",
                "served_value_gain",
            ]
        )
        for label, items in report.advice.items():
            for b in items:
                writer.writerow(
                    [
                        label,
                        b.kind,
                        b.target,
                        b.label,
                        b.requests,
                        b.value,
                        b.remedy,
                        "" if b.gain is None else f"{b.gain:g}",
                    ]
                )
    return path


# --- terminal ---------------------------------------------------------------


def _cell(row: Row, key: str, kind: str) -> Text:
    text = Text(fmt(row.figures.get(key), kind))
    if row.kind == "base":
        return text
    delta = fmt_delta(row.delta.get(key), kind)
    if delta:
        good = _better(key, row.delta[key])
        style = "green" if good else "red" if good is False else "dim"
        text.append(f" ({delta})", style=style)
    return text


def _better(key: str, delta: float) -> bool | None:
    """Whether a rise is good news (None: neither, e.g. requested value)."""
    up_good = {
        "served_value",
        "served_share",
        "required_served",
        "visits",
        "delegations_with_visit",
    }
    down_good = {"unserved_total", "outcompeted", "gap"}
    if key in up_good:
        return delta > 0
    if key in down_good:
        return delta < 0
    return None


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
        for reason in _reasons(report, "unserved_by_reason")[:6]:
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
        if _heuristic_losses(report):
            out.append(Text(HEURISTIC_NOTE, style="dim"))
    return out


def gap_note(report: WhatIf) -> str:
    """A warning when plans are not proven optimal: small differences
    between them may come from the search, not from the scenario."""
    gaps = [
        float(r.figures["gap"])
        for r in report.rows
        if isinstance(r.figures.get("gap"), int | float)
    ]
    worst = max(gaps, default=0.0)
    if worst <= 0.005:
        return ""
    return (
        f"Not every plan is proven optimal (gap up to {worst:.1%}): a "
        "difference in served value smaller than the gap may come from the "
        "search rather than the scenario; give a longer --time-limit."
    )


HEURISTIC_NOTE = (
    "A negative gain: the greedy heuristic can lose value when a resource "
    "grows (first come, first served takes the new room early); plan with "
    "--solver cpsat for advice to act on."
)


def _heuristic_losses(report: WhatIf) -> bool:
    return any(
        b.gain is not None and b.gain < 0
        for items in report.advice.values()
        for b in items
    )


# --- HTML and SVG -----------------------------------------------------------

PALETTE = (
    "#1f6f8b",
    "#e07a5f",
    "#3d405b",
    "#81b29a",
    "#f2cc8f",
    "#9c6644",
    "#6d597a",
    "#b56576",
    "#457b9d",
    "#8d99ae",
)


def _e(text: Any) -> str:
    return html.escape(str(text))


def svg_bars(
    items: list[tuple[str, float]],
    *,
    title: str,
    kind: str = "share",
    max_value: float | None = None,
) -> str:
    """Horizontal bars, one a plan (or resource), value printed beside."""
    width, left, bar_h, gap = 640, 200, 18, 8
    height = 30 + len(items) * (bar_h + gap)
    top = max([max_value or 0.0, *[v for _, v in items]]) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" role="img" aria-label="{_e(title)}">',
        f'<text x="0" y="16" font-weight="bold">{_e(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = 28 + i * (bar_h + gap)
        w = max(0.0, value) / top * (width - left - 90)
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" '
            f'font-size="12">{_e(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{left + w + 4:.1f}" y="{y + 13}" font-size="12">'
            f"{_e(fmt(value, kind))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def svg_stacked(
    rows: list[tuple[str, dict[str, float]]], keys: list[str], title: str
) -> str:
    """One stacked bar a plan (e.g. unserved requests by reason)."""
    width, left, bar_h, gap = 640, 200, 18, 8
    legend_h = 18 * len(keys)
    height = 30 + len(rows) * (bar_h + gap) + legend_h + 10
    top = max([sum(v.values()) for _, v in rows] + [1.0])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" role="img" aria-label="{_e(title)}">',
        f'<text x="0" y="16" font-weight="bold">{_e(title)}</text>',
    ]
    for i, (label, values) in enumerate(rows):
        y = 28 + i * (bar_h + gap)
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" '
            f'font-size="12">{_e(label)}</text>'
        )
        x = float(left)
        for k, key in enumerate(keys):
            n = float(values.get(key, 0))
            w = n / top * (width - left - 60)
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" '
                    f'height="{bar_h}" fill="{PALETTE[k % len(PALETTE)]}">'
                    f"<title>{_e(key)}: {n:g}</title></rect>"
                )
            x += w
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="12">'
            f"{sum(values.values()):g}</text>"
        )
    y0 = 28 + len(rows) * (bar_h + gap) + 4
    for k, key in enumerate(keys):
        y = y0 + 18 * k
        parts.append(
            f'<rect x="{left}" y="{y}" width="12" height="12" '
            f'fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{left + 18}" y="{y + 11}" font-size="12">'
            f"{_e(key)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def svg_line(
    points: list[tuple[float, float]],
    *,
    title: str,
    x_label: str,
    target: float | None = None,
) -> str:
    """Served share (0–100 %) against the knob's values."""
    width, height, left, right, top, bottom = 640, 320, 56, 20, 30, 46
    if not points:
        return ""
    xs = [x for x, _ in points]
    x_lo, x_hi = min(xs), max(xs)
    span = (x_hi - x_lo) or 1.0

    def px(x: float) -> float:
        return left + (x - x_lo) / span * (width - left - right)

    def py(y: float) -> float:
        return top + (1 - y) * (height - top - bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" role="img" aria-label="{_e(title)}">',
        f'<text x="0" y="16" font-weight="bold">{_e(title)}</text>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = py(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" '
            f'y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11">{tick:.0%}</text>'
        )
    for x in sorted(set(xs)):
        parts.append(
            f'<text x="{px(x):.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" font-size="11">{x:g}</text>'
        )
    parts.append(
        f'<text x="{(left + width - right) / 2}" y="{height - 8}" '
        f'text-anchor="middle" font-size="12">{_e(x_label)}</text>'
    )
    if target is not None:
        y = py(target)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" '
            f'y2="{y:.1f}" stroke="#e07a5f" stroke-dasharray="6 4"/>'
            f'<text x="{width - right}" y="{y - 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="#e07a5f">target {target:.0%}</text>'
        )
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{px(x):.1f},{py(y):.1f}"
        for i, (x, y) in enumerate(sorted(points))
    )
    parts.append(
        f'<path d="{path}" fill="none" stroke="#1f6f8b" stroke-width="2"/>'
    )
    for x, y in points:
        parts.append(
            f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" '
            f'fill="#1f6f8b"><title>{x:g}: {y:.1%}</title></circle>'
        )
    parts.append("</svg>")
    return "".join(parts)


CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}
.up{color:#2a7a2a}.down{color:#b22}.muted{color:#777}
.sentence{font-size:1.2em;font-weight:bold;margin:1em 0}
svg{display:block;margin:1em 0}
"""


def _html_cell(row: Row, key: str, kind: str) -> str:
    value = _e(fmt(row.figures.get(key), kind))
    if row.kind == "base":
        return f"<td>{value}</td>"
    delta = fmt_delta(row.delta.get(key), kind)
    if not delta:
        return f"<td>{value}</td>"
    good = _better(key, row.delta[key])
    css = "up" if good else "down" if good is False else "muted"
    return f'<td>{value} <span class="{css}">({_e(delta)})</span></td>'


def _table(report: WhatIf) -> str:
    rows = report.rows
    head = "".join(f"<th>{_e(r.label)}</th>" for r in rows)
    body = [
        "<tr><td>status</td>"
        + "".join(f"<td>{_e(r.figures['status'])}</td>" for r in rows)
        + "</tr>"
    ]
    for key, label, kind in FIGURES:
        body.append(
            f"<tr><td>{_e(label.strip())}</td>"
            + "".join(_html_cell(r, key, kind) for r in rows)
            + "</tr>"
        )
    return f"<table><tr><th>figure</th>{head}</tr>{''.join(body)}</table>"


def _count_table(report: WhatIf, key: str, title: str) -> str:
    names = _reasons(report, key)
    if not names:
        return ""
    head = "".join(f"<th>{_e(r.label)}</th>" for r in report.rows)
    base = report.rows[0].figures.get(key) or {}
    body = []
    for name in names:
        cells = []
        for row in report.rows:
            n = float((row.figures.get(key) or {}).get(name, 0))
            delta = n - float(base.get(name, 0))
            extra = (
                f' <span class="muted">({_e(fmt_delta(delta, "count"))})'
                "</span>"
                if row.kind != "base" and fmt_delta(delta, "count")
                else ""
            )
            cells.append(f"<td>{n:g}{extra}</td>")
        body.append(f"<tr><td>{_e(name)}</td>{''.join(cells)}</tr>")
    return (
        f"<h2>{_e(title)}</h2><table><tr><th></th>{head}</tr>"
        f"{''.join(body)}</table>"
    )


def _advice_html(label: str, items: list[Bottleneck]) -> str:
    if not items:
        return (
            f"<h3>{_e(label)}</h3><p>No request was outcompeted: no "
            "resource binds.</p>"
        )
    first = next((b for b in items if b.gain), None)
    lead = (
        f"<p><b>Add first:</b> {_e(first.remedy)} — "
        f"{_e(fmt_delta(first.gain, 'count'))} served value.</p>"
        if first is not None
        else "<p>One more unit of the resources tried gains nothing "
        "on its own.</p>"
    )
    rows = "".join(
        f"<tr><td>{_e(b.label)}</td><td>{b.requests}</td><td>{b.value}</td>"
        f"<td>{_e(b.remedy or '–')}</td><td>"
        f"{'–' if b.gain is None else _e(fmt_delta(b.gain, 'count') or '0')}"
        "</td></tr>"
        for b in items
    )
    chart = svg_bars(
        [(b.label, float(b.requests)) for b in items[:8]],
        title="outcompeted requests per binding resource",
        kind="count",
    )
    return (
        f"<h3>{_e(label)}</h3>{lead}<table><tr><th>binding resource</th>"
        "<th>outcompeted</th><th>value lost</th><th>one more</th>"
        f"<th>gain</th></tr>{rows}</table>{chart}"
    )


def _site_table(report: WhatIf) -> str:
    sites = sorted(
        {s for r in report.rows for s in r.figures["site_utilization_by_site"]}
    )
    if not sites:
        return ""
    head = "".join(f"<th>{_e(r.label)}</th>" for r in report.rows)
    body = "".join(
        f"<tr><td>{_e(site)}</td>"
        + "".join(
            f"<td>{fmt(r.figures['site_utilization_by_site'].get(site), 'share')}"
            "</td>"
            for r in report.rows
        )
        + "</tr>"
        for site in sites
    )
    return (
        "<h2>Site utilization</h2><p>Visit-minutes over open minutes.</p>"
        f"<table><tr><th>site</th>{head}</tr>{body}</table>"
    )


def render_html(report: WhatIf) -> str:
    """The whole page, self-contained (CSS and SVG inline)."""
    s = report.settings
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>What if — {_e(report.base)}</title><style>{CSS}</style>",
        "</head><body>",
        f"<h1>What if — against {_e(report.base)}</h1>",
        f"<p class='muted'>Every plan: solver {_e(s.solver)}, time limit "
        f"{s.time_limit:g} s, {s.workers} workers, seed {s.seed}. "
        "Differences against the base in brackets; shares in percentage "
        "points (pp).</p>",
    ]
    described = [r for r in report.rows if r.description]
    if described:
        parts.append(
            "<ul>"
            + "".join(
                f"<li><b>{_e(r.label)}</b>: {_e(r.description)}</li>"
                for r in described
            )
            + "</ul>"
        )
    if report.sweep is not None:
        sweep = report.sweep
        parts.append(f"<p class='sentence'>{_e(sweep.sentence)}</p>")
        points = [
            (float(r.knob_value), float(r.figures["served_share"]))
            for r in report.rows
            if r.kind == "sweep" and r.knob_value is not None
        ]
        parts.append(
            svg_line(
                points,
                title=f"served share against {sweep.knob.label}",
                x_label=sweep.knob.label
                + (" (× usual demand)" if sweep.knob.kind == "demand" else ""),
                target=sweep.target,
            )
        )
    parts.append("<h2>Key figures</h2>")
    parts.append(_table(report))
    if gap_note(report):
        parts.append(f"<p class='muted'>{_e(gap_note(report))}</p>")
    parts.append(
        svg_bars(
            [(r.label, float(r.figures["served_share"])) for r in report.rows],
            title="served share of the requested value",
            max_value=1.0,
        )
    )
    reasons = _reasons(report, "unserved_by_reason")
    if reasons:
        parts.append(
            svg_stacked(
                [
                    (r.label, dict(r.figures["unserved_by_reason"] or {}))
                    for r in report.rows
                ],
                reasons,
                "unserved requests by reason",
            )
        )
    parts.append(
        _count_table(report, "unserved_by_reason", "Unserved by reason")
    )
    parts.append(
        _count_table(report, "unserved_by_topic", "Unserved by topic")
    )
    parts.append(_site_table(report))
    for row in report.rows:
        if row.conflicts:
            parts.append(
                f"<p class='down'>{_e(row.label)}: the required requests "
                f"cannot all be served: {_e('; '.join(row.conflicts))}</p>"
            )
    if report.advice:
        parts.append(
            "<h2>What to add first</h2><p>The resources the outcompeted "
            "requests lost on, and the served value one more unit buys "
            "(planned again with the same settings).</p>"
        )
        if _heuristic_losses(report):
            parts.append(f"<p class='muted'>{_e(HEURISTIC_NOTE)}</p>")
        for label, items in report.advice.items():
            parts.append(_advice_html(label, items))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def write_html(report: WhatIf, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path


def _file_name(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=\-]+", "_", label) or "plan"


def write_whatif(report: WhatIf, out: Path) -> list[Path]:
    """whatif.csv, whatif.html, advice CSV, and each plan's schedule."""
    paths = [
        write_csv(report, out / "whatif.csv"),
        write_html(report, out / "whatif.html"),
    ]
    if report.advice:
        paths.append(write_advice_csv(report, out / "whatif-advice.csv"))
    for label, schedule in report.schedules.items():
        path = out / "plans" / f"{_file_name(label)}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schedule.model_dump_json(indent=2), encoding="utf-8")
        paths.append(path)
    return paths
