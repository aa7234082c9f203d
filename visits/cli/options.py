"""What every command shares: solver options and the input-error exit.

`visits plan` and `visits whatif` promise the same solver settings; one
declaration keeps their names, defaults and ranges from drifting apart.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from scheduler.errors import InputError
from solvers import SOLVERS

F = TypeVar("F", bound=Callable[..., Any])

MAX_SECONDS = 86_400.0
"""A day: no plan of a week is worth a longer search."""
MAX_WORKERS = 64
MAX_SEED = 2**31 - 1
"""CP-SAT's random seed is a 32-bit signed integer."""


class FiniteRange(click.FloatRange):
    """A number in a range; inf and nan (which every comparison lets
    through) are refused."""

    name = "finite number"

    def convert(
        self,
        value: Any,
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


SEED = click.IntRange(0, MAX_SEED)


def solver_options(func: F) -> F:
    """Add --solver, --time-limit, --workers, --seed and --deterministic
    to a command."""
    options = (
        click.option(
            "--solver",
            type=click.Choice(list(SOLVERS)),
            default="cpsat",
            show_default=True,
        ),
        click.option(
            "--time-limit",
            default=30.0,
            show_default=True,
            type=FiniteRange(min=0, min_open=True, max=MAX_SECONDS),
            help="Seconds CP-SAT may search (at most a day).",
        ),
        click.option(
            "--workers",
            default=2,
            show_default=True,
            type=click.IntRange(1, MAX_WORKERS),
            help="CP-SAT search threads (per plan).",
        ),
        click.option("--seed", default=0, show_default=True, type=SEED),
        click.option(
            "--deterministic",
            is_flag=True,
            help="Reproducible plans: bound CP-SAT by its deterministic "
            "time (the time limit, in work seconds) instead of the wall "
            "clock, so the same week, seed, workers and limit give the "
            "same schedule however busy the machine is.",
        ),
    )
    for option in reversed(options):
        func = option(func)
    return func


def user_errors(func: F) -> F:
    """Bad input: one clear message per problem on stderr, exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def force_option(func: F) -> F:
    """Add --force: replace a non-empty OUT folder, keeping the old one."""
    return click.option(
        "--force",
        is_flag=True,
        help="Replace what OUT already holds; the old folder is kept "
        "beside it as OUT.replaced-<date>.",
    )(func)


def db_option(func: F) -> F:
    """Add --db URL: the tracking database (else VISITS_DB, else
    visits.db in the current folder)."""
    return click.option(
        "--db",
        "db",
        default=None,
        metavar="URL",
        help="Tracking database: a SQLite file or postgresql://... "
        "(default: $VISITS_DB, else visits.db here).",
    )(func)


def record_option(func: F) -> F:
    """Add --db URL: record what the command did in the tracking database."""
    return click.option(
        "--db",
        "db",
        default=None,
        metavar="URL",
        help="Record this in the tracking database: a SQLite file or "
        "postgresql://... (default: $VISITS_DB when set, else nothing is "
        "recorded).",
    )(func)
