"""What the fuzz tests tried and saw, for the terminal summary."""

from __future__ import annotations

from collections import Counter

TRIED: Counter[str] = Counter()
"""Inputs tried, per kind of file."""
TRACEBACKS: list[str] = []
"""One line per run that ended in an exception other than exit."""
