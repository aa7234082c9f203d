"""Inline SVG charts of the what-if page: bars, stacked bars, a line."""

from __future__ import annotations

from exports.whatif.common import esc, fmt

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
        f'height="{height}" role="img" aria-label="{esc(title)}">',
        f'<text x="0" y="16" font-weight="bold">{esc(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = 28 + i * (bar_h + gap)
        w = max(0.0, value) / top * (width - left - 90)
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" '
            f'font-size="12">{esc(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{left + w + 4:.1f}" y="{y + 13}" font-size="12">'
            f"{esc(fmt(value, kind))}</text>"
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
        f'height="{height}" role="img" aria-label="{esc(title)}">',
        f'<text x="0" y="16" font-weight="bold">{esc(title)}</text>',
    ]
    for i, (label, values) in enumerate(rows):
        y = 28 + i * (bar_h + gap)
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" '
            f'font-size="12">{esc(label)}</text>'
        )
        x = float(left)
        for k, key in enumerate(keys):
            n = float(values.get(key, 0))
            w = n / top * (width - left - 60)
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" '
                    f'height="{bar_h}" fill="{PALETTE[k % len(PALETTE)]}">'
                    f"<title>{esc(key)}: {n:g}</title></rect>"
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
            f"{esc(key)}</text>"
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
        f'height="{height}" role="img" aria-label="{esc(title)}">',
        f'<text x="0" y="16" font-weight="bold">{esc(title)}</text>',
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
        f'text-anchor="middle" font-size="12">{esc(x_label)}</text>'
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
