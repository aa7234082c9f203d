"""The scaling bench's table and log-log chart, from the rows in scale.tsv.

Pure functions of the rows: ``bench/scale.py`` measures, this writes.
"""

from __future__ import annotations

import datetime as dt
import math


def table(rows: list[dict[str, str]], where: str, week: str) -> str:
    """The markdown table of every row, by size and solver."""
    head = (
        "| delegations | ×catalog | requests | seed | solver | limit s | "
        "workers | "
        "first feasible s | wall s | status | value | bound | gap % | "
        "served | violations | peak MB |"
    )
    lines = [
        "# Scaling: generated Medellín weeks",
        "",
        f"Machine: {where}. Written {dt.date.today().isoformat()}.",
        "",
        "Weeks from `scheduler.generate.generate_week` (week "
        f"{week}, seed as listed). Beyond the peak week (60 delegations) "
        "the catalog is scaled by f = ceil(n / 60) (×catalog): site "
        "capacity and max_groups × f, "
        "presenters cloned f times, vehicle counts × f (`scale_catalog` in "
        "`bench/scale.py`). Seconds count from the compiled data, so they "
        "exclude generating the week; for CP-SAT `first feasible` includes "
        "the greedy warm start, the model build and the first solution. "
        "`violations` is the independent judge's count "
        "(`scheduler.check.violations`) on the final schedule; peak MB is "
        "the whole run's process (ru_maxrss). Chart: `scale.svg`.",
        "",
        head,
        "|" + "---|" * (head.count("|") - 1),
    ]
    ordered = sorted(
        rows,
        key=lambda r: (
            int(r["delegations"]),
            r["solver"],
            float(r["time_limit_s"] or 0),
            r["workers"],
        ),
    )
    for r in ordered:
        lines.append(
            f"| {r['delegations']} | {r['factor']} | {r['requests']} | "
            f"{r['seed']} | {r['solver']} | {r['time_limit_s']} | {r['workers']} | "
            f"{r['first_feasible_s']} | {r['wall_s']} | {r['status']} | "
            f"{r['value']} | {r['bound']} | {r['gap_pct']} | {r['served']} | "
            f"{r['violations']} | {r['peak_mb']} |"
        )
    return "\n".join(lines) + "\n"


# --- the chart (hand-made SVG, no plotting dependency) ---------------------

COLOURS = {"greedy": "#d95f02", "cpsat": "#1b9e77"}
PANEL_W, PANEL_H, MARGIN = 300, 230, 48


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _panel(
    x0: float,
    title: str,
    series: dict[str, list[tuple[float, float]]],
    *,
    log_y: bool,
) -> list[str]:
    """One panel: log x (delegations), log or linear y, decade ticks."""
    points = [p for pts in series.values() for p in pts]
    out = [
        f'<text x="{x0 + PANEL_W / 2}" y="16" text-anchor="middle" '
        f'font-weight="bold">{title}</text>'
    ]
    if not points:
        return out
    xs = [p[0] for p in points]
    ys = [p[1] for p in points if not log_y or p[1] > 0]
    lo_x = math.floor(math.log10(min(xs)))
    lx = (lo_x, max(lo_x + 1, math.ceil(math.log10(max(xs)))))
    ly: tuple[float, float]
    if log_y:
        lo_y = math.floor(math.log10(min(ys))) if ys else 0
        hi_y = math.ceil(math.log10(max(ys))) if ys else 1
        ly = (lo_y, max(lo_y + 1, hi_y))
    else:
        ly = (0.0, max(1.0, max(ys) * 1.1))
    left, top = x0 + MARGIN, 28
    width, height = PANEL_W - MARGIN - 10, PANEL_H - 28 - 30

    def px(x: float) -> float:
        return left + width * (math.log10(x) - lx[0]) / (lx[1] - lx[0])

    def py(y: float) -> float:
        if log_y:
            t = (math.log10(max(y, 10.0 ** ly[0])) - ly[0]) / (ly[1] - ly[0])
        else:
            t = y / ly[1]
        return top + height * (1 - t)

    out.append(
        f'<rect x="{left}" y="{top}" width="{width}" height="{height}" '
        'fill="none" stroke="#999"/>'
    )
    for e in range(lx[0], lx[1] + 1):
        x = px(10.0**e)
        out.append(
            f'<line x1="{x}" y1="{top}" x2="{x}" '
            f'y2="{top + height}" stroke="#eee"/>'
        )
        out.append(
            f'<text x="{x}" y="{top + height + 14}" '
            f'text-anchor="middle">{10**e:g}</text>'
        )
    if log_y:
        ticks = [10.0**e for e in range(int(ly[0]), int(ly[1]) + 1)]
    else:
        step = 10 ** math.floor(math.log10(ly[1]))
        ticks = [k * step for k in range(int(ly[1] // step) + 1)]
    for t in ticks:
        y = py(t)
        out.append(
            f'<line x1="{left}" y1="{y}" x2="{left + width}" '
            f'y2="{y}" stroke="#eee"/>'
        )
        out.append(
            f'<text x="{left - 4}" y="{y + 4}" text-anchor="end">{t:g}</text>'
        )
    out.append(
        f'<text x="{left + width / 2}" y="{PANEL_H - 2}" '
        'text-anchor="middle">delegations</text>'
    )
    for name, pts in sorted(series.items()):
        pts = sorted(p for p in pts if not log_y or p[1] > 0)
        colour = COLOURS.get(name, "#7570b3")
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        out.append(
            f'<polyline points="{path}" fill="none" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        out += [
            f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" '
            f'fill="{colour}"/>'
            for x, y in pts
        ]
    return out


def chart(rows: list[dict[str, str]]) -> str:
    """Time to first feasible, peak memory (log-log) and gap (log-lin)."""
    metrics = (
        ("first feasible (s)", "first_feasible_s", True),
        ("peak memory (MB)", "peak_mb", True),
        ("gap at the limit (%)", "gap_pct", False),
    )
    body: list[str] = []
    for k, (title, column, log_y) in enumerate(metrics):
        series: dict[str, list[tuple[float, float]]] = {}
        for r in rows:
            y = _number(r.get(column, ""))
            if y is not None:
                series.setdefault(r["solver"], []).append(
                    (float(r["delegations"]), y)
                )
        body += _panel(k * PANEL_W, title, series, log_y=log_y)
    legend_y = PANEL_H + 14
    for k, (name, colour) in enumerate(sorted(COLOURS.items())):
        body.append(
            f'<rect x="{MARGIN + 90 * k}" y="{legend_y - 9}" '
            f'width="10" height="10" fill="{colour}"/>'
        )
        body.append(
            f'<text x="{MARGIN + 90 * k + 14}" y="{legend_y}">{name}</text>'
        )
    width, height = 3 * PANEL_W, PANEL_H + 22
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" font-family="sans-serif" font-size="11">\n'
        + "\n".join(body)
        + "\n</svg>\n"
    )
