"""whatif.html: one self-contained page (CSS and SVG inline)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from exports.whatif.common import (
    FIGURES,
    HEURISTIC_NOTE,
    better,
    count_keys,
    esc,
    fmt,
    fmt_delta,
    gap_note,
    heuristic_losses,
)
from exports.whatif.svg import svg_bars, svg_line, svg_stacked

if TYPE_CHECKING:
    from pathlib import Path

    from whatif.bottlenecks import Bottleneck
    from whatif.report import Row, WhatIf


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
    value = esc(fmt(row.figures.get(key), kind))
    if row.kind == "base":
        return f"<td>{value}</td>"
    delta = fmt_delta(row.delta.get(key), kind)
    if not delta:
        return f"<td>{value}</td>"
    good = better(key, row.delta[key])
    css = "up" if good else "down" if good is False else "muted"
    return f'<td>{value} <span class="{css}">({esc(delta)})</span></td>'


def _table(report: WhatIf) -> str:
    rows = report.rows
    head = "".join(f"<th>{esc(r.label)}</th>" for r in rows)
    body = [
        "<tr><td>status</td>"
        + "".join(f"<td>{esc(r.figures['status'])}</td>" for r in rows)
        + "</tr>"
    ]
    for key, label, kind in FIGURES:
        body.append(
            f"<tr><td>{esc(label.strip())}</td>"
            + "".join(_html_cell(r, key, kind) for r in rows)
            + "</tr>"
        )
    return f"<table><tr><th>figure</th>{head}</tr>{''.join(body)}</table>"


def _count_table(report: WhatIf, key: str, title: str) -> str:
    names = count_keys(report, key)
    if not names:
        return ""
    head = "".join(f"<th>{esc(r.label)}</th>" for r in report.rows)
    base = report.rows[0].figures.get(key) or {}
    body = []
    for name in names:
        cells = []
        for row in report.rows:
            n = float((row.figures.get(key) or {}).get(name, 0))
            delta = n - float(base.get(name, 0))
            extra = (
                f' <span class="muted">({esc(fmt_delta(delta, "count"))})'
                "</span>"
                if row.kind != "base" and fmt_delta(delta, "count")
                else ""
            )
            cells.append(f"<td>{n:g}{extra}</td>")
        body.append(f"<tr><td>{esc(name)}</td>{''.join(cells)}</tr>")
    return (
        f"<h2>{esc(title)}</h2><table><tr><th></th>{head}</tr>"
        f"{''.join(body)}</table>"
    )


def _advice_html(label: str, items: list[Bottleneck]) -> str:
    if not items:
        return (
            f"<h3>{esc(label)}</h3><p>No request was outcompeted: no "
            "resource binds.</p>"
        )
    first = next((b for b in items if b.gain), None)
    lead = (
        f"<p><b>Add first:</b> {esc(first.remedy)} — "
        f"{esc(fmt_delta(first.gain, 'count'))} served value.</p>"
        if first is not None
        else "<p>One more unit of the resources tried gains nothing "
        "on its own.</p>"
    )
    rows = "".join(
        f"<tr><td>{esc(b.label)}</td><td>{b.requests}</td><td>{b.value}</td>"
        f"<td>{esc(b.remedy or '–')}</td><td>"
        f"{'–' if b.gain is None else esc(fmt_delta(b.gain, 'count') or '0')}"
        "</td></tr>"
        for b in items
    )
    chart = svg_bars(
        [(b.label, float(b.requests)) for b in items[:8]],
        title="outcompeted requests per binding resource",
        kind="count",
    )
    return (
        f"<h3>{esc(label)}</h3>{lead}<table><tr><th>binding resource</th>"
        "<th>outcompeted</th><th>value lost</th><th>one more</th>"
        f"<th>gain</th></tr>{rows}</table>{chart}"
    )


def _site_table(report: WhatIf) -> str:
    sites = sorted(
        {s for r in report.rows for s in r.figures["site_utilization_by_site"]}
    )
    if not sites:
        return ""
    head = "".join(f"<th>{esc(r.label)}</th>" for r in report.rows)
    body = "".join(
        f"<tr><td>{esc(site)}</td>"
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
        f"<title>What if — {esc(report.base)}</title><style>{CSS}</style>",
        "</head><body>",
        f"<h1>What if — against {esc(report.base)}</h1>",
        f"<p class='muted'>Every plan: solver {esc(s.solver)}, time limit "
        f"{s.time_limit:g} s, {s.workers} workers, seed {s.seed}. "
        "Differences against the base in brackets; shares in percentage "
        "points (pp).</p>",
    ]
    described = [r for r in report.rows if r.description]
    if described:
        parts.append(
            "<ul>"
            + "".join(
                f"<li><b>{esc(r.label)}</b>: {esc(r.description)}</li>"
                for r in described
            )
            + "</ul>"
        )
    if report.sweep is not None:
        sweep = report.sweep
        parts.append(f"<p class='sentence'>{esc(sweep.sentence)}</p>")
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
        parts.append(f"<p class='muted'>{esc(gap_note(report))}</p>")
    parts.append(
        svg_bars(
            [(r.label, float(r.figures["served_share"])) for r in report.rows],
            title="served share of the requested value",
            max_value=1.0,
        )
    )
    reasons = count_keys(report, "unserved_by_reason")
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
                f"<p class='down'>{esc(row.label)}: the required requests "
                f"cannot all be served: {esc('; '.join(row.conflicts))}</p>"
            )
    if report.advice:
        parts.append(
            "<h2>What to add first</h2><p>The resources the outcompeted "
            "requests lost on, and the served value one more unit buys "
            "(planned again with the same settings).</p>"
        )
        if heuristic_losses(report):
            parts.append(f"<p class='muted'>{esc(HEURISTIC_NOTE)}</p>")
        for label, items in report.advice.items():
            parts.append(_advice_html(label, items))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def write_html(report: WhatIf, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
