"""What the terminal shows: the judge's verdict and the KPI table."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from scheduler.check import served_value, violations
from scheduler.kpis import compute_kpis, kpi_rows

if TYPE_CHECKING:
    from pathlib import Path

    from scheduler.files import Written
    from scheduler.model import Instance, Schedule


def show_check(instance: Instance, schedule: Schedule) -> int:
    """`visits check`: print violations and KPIs; 1 on a violation, else 0."""
    found = violations(instance, schedule)
    for v in found:
        click.echo(str(v))
    if schedule.instance != instance.name:
        click.echo(
            f'warning: the schedule was planned for "{schedule.instance}", '
            f'not "{instance.name}"'
        )
    value = served_value(instance, schedule)
    objective = schedule.solver.objective
    if objective is not None and not math.isclose(objective, value):
        click.echo(
            f"warning: the solver reports objective {objective:g}, but the "
            f"served value recomputed from the visits is {value}"
        )
    show_kpis(kpi_rows(compute_kpis(instance, schedule)))
    if found:
        click.echo(f"INVALID: {len(found)} violation(s)")
        return 1
    click.echo(f"valid: every hard rule holds; served value {value}")
    return 0


def show_broken_rules(
    instance: Instance, schedule: Schedule, source: Path, allow: bool
) -> bool:
    """Judge a schedule before it is exported; False: refuse it.

    Invites for a visit outside opening hours, or twice the same visit,
    would reach presenters as if they were true.
    """
    found = violations(instance, schedule)
    if not found:
        return True
    label = "warning" if allow else "error"
    click.echo(
        f"{label}: {source}: the schedule breaks {len(found)} hard "
        "rule(s)" + ("" if allow else "; no file written") + ":",
        err=True,
    )
    for v in found:
        click.echo(f"  - {v}", err=True)
    if not allow:
        click.echo(
            "fix: correct the schedule (`visits check` lists the same), "
            "plan the week again, or add --allow-invalid to export it as it "
            "is",
            err=True,
        )
    return allow


def show_kpis(rows: list[tuple[str, str]]) -> None:
    table = Table(title="KPIs", show_header=True)
    table.add_column("KPI")
    table.add_column("value", justify="right")
    for name, value in rows:
        table.add_row(name, value)
    Console(width=100).print(table)


def show_kept(written: Written) -> None:
    """Say where the replaced output went, so nobody thinks it is lost."""
    if written.kept is not None:
        click.echo(f"the previous output is kept as {written.kept}")
