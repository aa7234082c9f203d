"""Half-open integer ranges of minutes, and how a minute reads on a clock."""

from __future__ import annotations

Window = tuple[int, int]
"""A half-open integer range [lo, hi)."""


def intersect(a: list[Window], b: list[Window]) -> list[Window]:
    """Intersection of two sorted lists of disjoint half-open ranges."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def union(ranges: list[Window]) -> list[Window]:
    out: list[Window] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def subtract(a: list[Window], cut: list[Window]) -> list[Window]:
    out = []
    for lo, hi in a:
        pieces = [(lo, hi)]
        for c_lo, c_hi in cut:
            nxt = []
            for p_lo, p_hi in pieces:
                if c_hi <= p_lo or c_lo >= p_hi:
                    nxt.append((p_lo, p_hi))
                    continue
                if p_lo < c_lo:
                    nxt.append((p_lo, c_lo))
                if c_hi < p_hi:
                    nxt.append((c_hi, p_hi))
            pieces = nxt
        out.extend(pieces)
    return out


def format_clock(minutes: int) -> str:
    """Minutes from midnight as "HH:MM"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
