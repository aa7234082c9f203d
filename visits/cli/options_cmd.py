"""`visits options`: the best feasible slots for one request, ranked."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from scheduler.errors import InputError, Problem
from scheduler.loading import load_schedule
from visits.cli.options import user_errors
from visits.options import Option, Search, find_request, search_options
from whatif.scenario import load_instance

MAX_TOP = 1000


@click.command("options")
@click.argument("week", type=click.Path(path_type=Path))
@click.argument("schedule_json", type=click.Path(path_type=Path))
@click.argument("delegation")
@click.argument("request")
@click.option(
    "--top",
    default=10,
    show_default=True,
    type=click.IntRange(1, MAX_TOP),
    help="How many options to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead.")
@user_errors
def options(
    week: Path,
    schedule_json: Path,
    delegation: str,
    request: str,
    top: int,
    as_json: bool,
) -> None:
    """Ranked feasible slots (site, start, presenter) for one REQUEST of
    DELEGATION in the plan SCHEDULE_JSON of WEEK.

    REQUEST is the 0-based index or the label (site:ruta-n,
    topic:mobility). Every option passes `visits check` with the visit
    added (and the one it displaces, if any, removed). Exit 1 when no
    slot fits.
    """
    instance = load_instance(week)
    schedule = load_schedule(schedule_json)
    found = {d.id: d for d in instance.delegations}.get(delegation)
    if found is None:
        known = ", ".join(d.id for d in instance.delegations[:8])
        raise InputError(
            [
                Problem(
                    str(week),
                    "delegations",
                    f'no delegation "{delegation}"; give one of its ids '
                    f"(e.g. {known or 'none in this week'})",
                )
            ]
        )
    j = find_request(found, request)
    if j >= len(found.requests):
        raise InputError(
            [
                Problem(
                    str(week),
                    f"delegations[{delegation}].requests",
                    f"request {j} does not exist: {delegation} has "
                    f"{len(found.requests)} request(s), numbered from 0",
                )
            ]
        )
    search = search_options(instance, schedule, delegation, j, top=top)
    if as_json:
        click.echo(json.dumps(_as_json(search), indent=2))
    else:
        _show(search)
    if not search.options:
        if not as_json:
            blocker = search.main_blocker()
            click.echo(
                f"no feasible slot for request {j} ({search.label}) of "
                f"{delegation}"
                + (
                    f"; most candidates blocked by {blocker}"
                    if blocker
                    else ""
                )
            )
        sys.exit(1)


def _as_json(search: Search) -> dict[str, object]:
    return {
        "delegation": search.delegation,
        "request": search.request,
        "label": search.label,
        "served_by": search.current.id if search.current else None,
        "candidates": search.candidates,
        "blocked": dict(search.blocked.most_common()),
        "options": [_option_json(o) for o in search.options],
    }


def _option_json(o: Option) -> dict[str, object]:
    return {
        "site": o.site,
        "start": o.start.isoformat(),
        "end": o.end.isoformat(),
        "presenter": o.presenter,
        "value": o.value,
        "disruption": o.disruption,
        "displaced": o.displaced,
        "travel_minutes": o.travel_minutes,
        "vehicle_pool": o.vehicle_pool,
        "words": o.words,
    }


def _show(search: Search) -> None:
    console = Console(width=max(Console().width, 140))
    if search.current is not None:
        console.print(
            f"request {search.request} ({search.label}) of "
            f"{search.delegation} is served already by {search.current.id} "
            f"at {search.current.start:%a %Y-%m-%d %H:%M}; the options are "
            "alternatives to it"
        )
    if not search.options:
        return
    table = Table(
        title=f"{search.delegation}: request {search.request} "
        f"({search.label}), best {len(search.options)} of "
        f"{search.candidates} candidates"
    )
    for column in (
        "#",
        "site",
        "day",
        "start",
        "end",
        "presenter",
        "value",
        "moves",
        "+travel",
        "why",
    ):
        table.add_column(column)
    for k, o in enumerate(search.options, 1):
        table.add_row(
            str(k),
            o.site,
            f"{o.start:%a %Y-%m-%d}",
            f"{o.start:%H:%M}",
            f"{o.end:%H:%M}",
            o.presenter or "-",
            str(o.value),
            "0" if o.disruption == 0 else f"1: {o.displaced}",
            f"{o.travel_minutes:+d}",
            o.words,
        )
    console.print(table)
