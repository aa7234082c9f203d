"""`visits why`: every rule that forbids a placement, in words."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from scheduler.check import Week
from scheduler.loading import load_schedule
from visits.cli.options import user_errors
from visits.options import delegation_of, find_request
from visits.why import (
    RequestAnswer,
    Verdict,
    as_json,
    parse_start,
    site_of,
    why_placement,
    why_request,
    words,
)
from whatif.scenario import load_instance


@click.command("why")
@click.argument("week", type=click.Path(path_type=Path))
@click.argument("schedule_json", type=click.Path(path_type=Path))
@click.argument("delegation")
@click.argument("request")
@click.option("--site", help="The site of a proposed visit (with --start).")
@click.option(
    "--start",
    help="Its start: 2026-12-01T10:00, '2026-12-01 10:00' (an offset "
    "allowed; none: the catalog's zone) or 'Tue 10:00' (with --site).",
)
@click.option("--json", "as_json_flag", is_flag=True, help="Print JSON.")
@user_errors
def why(
    week: Path,
    schedule_json: Path,
    delegation: str,
    request: str,
    site: str | None,
    start: str | None,
    as_json_flag: bool,
) -> None:
    """Why REQUEST of DELEGATION is not (or cannot be) where asked, in
    the plan SCHEDULE_JSON of WEEK: every rule of `visits check` that
    forbids it.

    With --site and --start: that one placement (exit 0 when it fits,
    1 when it breaks a rule). Without: the visit serving the request, or
    the reason it is unserved and, per site serving it, which rules
    forbid its starts (exit 0 when served or some start fits, else 1).
    REQUEST is the 0-based index or the label (site:ruta-n).
    """
    if (site is None) != (start is None):
        raise click.UsageError(
            "--site and --start go together: give both for one placement "
            "(e.g. --site ruta-n --start 'Tue 10:00'), or neither for the "
            "request as a whole"
        )
    instance = load_instance(week)
    schedule = load_schedule(schedule_json)
    lookups = Week(instance)
    if delegation not in lookups.delegations:
        delegation_of(lookups, delegation, 0)
    j = find_request(lookups.delegations[delegation], request)
    delegation_of(lookups, delegation, j)
    answer: Verdict | RequestAnswer
    if site is not None and start is not None:
        site_of(lookups, site)
        answer = why_placement(
            instance,
            schedule,
            delegation,
            j,
            site,
            parse_start(instance, start),
        )
    else:
        answer = why_request(instance, schedule, delegation, j)
    if as_json_flag:
        click.echo(json.dumps(as_json(answer), indent=2, ensure_ascii=False))
    else:
        click.echo(words(answer))
    sys.exit(0 if answer.fits else 1)
