"""What-if outputs: whatif.csv, whatif.html (inline SVG) and terminal tables.

Pure functions of a ``WhatIf`` report: nothing is planned here. Every
difference against the base is shown signed (+/−); shares differ in
percentage points (pp).

``common`` holds the figures shown and their format, ``terminal`` the rich
tables, ``svg`` the charts, ``page`` the HTML page and ``files`` writes
the CSV files, the page and each plan's schedule (``write_whatif``).
"""

from __future__ import annotations

from exports.whatif.common import (
    FIGURES,
    HEURISTIC_NOTE,
    MINUS,
    fmt,
    fmt_delta,
    gap_note,
)
from exports.whatif.files import write_advice_csv, write_csv, write_whatif
from exports.whatif.page import CSS, render_html, write_html
from exports.whatif.svg import PALETTE, svg_bars, svg_line, svg_stacked
from exports.whatif.terminal import terminal_tables

__all__ = [
    "CSS",
    "FIGURES",
    "HEURISTIC_NOTE",
    "MINUS",
    "PALETTE",
    "fmt",
    "fmt_delta",
    "gap_note",
    "render_html",
    "svg_bars",
    "svg_line",
    "svg_stacked",
    "terminal_tables",
    "write_advice_csv",
    "write_csv",
    "write_html",
    "write_whatif",
]
