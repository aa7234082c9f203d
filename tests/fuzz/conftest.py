"""The fuzz suite reports how many inputs it tried and tracebacks seen."""

from __future__ import annotations

from typing import Any

from tests.fuzz import tally


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not tally.TRIED:
        return
    per_kind = ", ".join(f"{k} {n}" for k, n in sorted(tally.TRIED.items()))
    terminalreporter.write_line(
        f"fuzz: {sum(tally.TRIED.values())} inputs tried ({per_kind}), "
        f"{len(tally.TRACEBACKS)} tracebacks"
    )
    for line in tally.TRACEBACKS[:20]:
        terminalreporter.write_line(f"  traceback: {line}")
