"""Everything a schedule becomes for people: files for each audience.

``write_all`` writes, into one folder, what ``visits plan`` and
``visits export`` promise (SPEC "Interfaces"): schedule.json, schedule.csv,
schedule.xlsx, report.html and ics/{presenters,departments,delegations};
and for sending, ledger.json (what is published, with sequence numbers)
and changes/ (only what must be sent: ``exports.itip``).
Every writer is a pure function of (schedule, instance) and the time stamp
passed in; only ``write_all`` reads the clock, and only when not given one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from exports.excel import write_excel
from exports.html import write_html
from exports.ical import write_ical
from exports.itip import write_changes
from exports.json_csv import write_csv, write_json
from scheduler.errors import InputError, Problem
from scheduler.ledger import FILE as LEDGER_FILE
from scheduler.ledger import next_ledger

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from exports.i18n import Lang
    from scheduler.ledger import Ledger
    from scheduler.model import Instance, Schedule

__all__ = ["schedule_problems", "write_all"]


def write_all(
    schedule: Schedule,
    instance: Instance,
    out_dir: Path,
    *,
    lang: Lang | None = None,
    stamp: dt.datetime | None = None,
    previous: Ledger | None = None,
    reasons: Mapping[str, str] | None = None,
    replies: Mapping[str, str] | None = None,
    source: str = "schedule",
) -> list[Path]:
    """Write every output into ``out_dir``; return the paths written.

    Parameters
    ----------
    lang
        ``es`` or ``en`` for every text; None: Spanish for departments,
        presenters and the coordinators' files, and for each delegation
        Spanish if it speaks it, else English.
    stamp
        DTSTAMP of the invites and the report's date; default now (UTC).
    previous
        The ledger of what was published before (a re-plan): the invites
        carry its sequence numbers, moved on where a visit changed, and
        ``changes/`` holds only what must be sent; None: a first plan,
        every invite in ``changes/``.
    reasons
        Why each visit changed (visit id → words), shown in the updates.
    replies
        Presenters' answers (visit id → ACCEPTED, DECLINED, TENTATIVE),
        shown in the report and Excel; a visit not in it awaits one.
    source
        The schedule's file name, for error messages.

    Raises
    ------
    InputError
        When the schedule names delegations, sites, presenters or requests
        the instance does not have (a schedule of another week).
    """
    problems = schedule_problems(schedule, instance, source)
    if problems:
        raise InputError(problems)
    stamp = stamp or dt.datetime.now(dt.UTC)
    out_dir.mkdir(parents=True, exist_ok=True)
    staff: Lang = lang or "es"
    ledger = next_ledger(previous, schedule, instance)
    sequences = ledger.sequences()
    ledger_path = out_dir / LEDGER_FILE
    ledger_path.write_text(
        ledger.model_dump_json(indent=2) + "\n", encoding="utf-8"
    )
    return [
        write_json(schedule, instance, out_dir / "schedule.json"),
        write_csv(schedule, instance, out_dir / "schedule.csv"),
        write_excel(
            schedule,
            instance,
            out_dir / "schedule.xlsx",
            lang=staff,
            replies=replies,
        ),
        write_html(
            schedule,
            instance,
            out_dir / "report.html",
            lang=staff,
            stamp=stamp,
            replies=replies,
        ),
        *write_ical(
            schedule,
            instance,
            out_dir,
            lang=lang,
            stamp=stamp,
            sequences=sequences,
        ),
        *write_changes(
            previous,
            ledger,
            schedule,
            instance,
            out_dir,
            lang=lang,
            stamp=stamp,
            reasons=reasons,
        ),
        ledger_path,
    ]


def schedule_problems(
    schedule: Schedule, instance: Instance, source: str = "schedule"
) -> list[Problem]:
    """References in the schedule that the instance cannot resolve."""
    catalog = instance.catalog
    sites = {s.id for s in catalog.sites}
    presenters = {p.id for p in catalog.presenters}
    requests = {d.id: len(d.requests) for d in instance.delegations}
    hint = f"; is this a schedule of {instance.name}?"
    problems = []
    for i, visit in enumerate(schedule.visits):
        where = f"visits[{i}]"
        if visit.delegation not in requests:
            problems.append(
                Problem(
                    source,
                    f"{where}.delegation",
                    f'unknown delegation "{visit.delegation}"{hint}',
                )
            )
        elif visit.request is not None and not (
            0 <= visit.request < requests[visit.delegation]
        ):
            problems.append(
                Problem(
                    source,
                    f"{where}.request",
                    f"delegation {visit.delegation} has no request "
                    f"{visit.request}{hint}",
                )
            )
        if visit.site not in sites:
            problems.append(
                Problem(
                    source,
                    f"{where}.site",
                    f'unknown site "{visit.site}"{hint}',
                )
            )
        if visit.presenter is not None and visit.presenter not in presenters:
            problems.append(
                Problem(
                    source,
                    f"{where}.presenter",
                    f'unknown presenter "{visit.presenter}"{hint}',
                )
            )
        if visit.end <= visit.start:
            problems.append(
                Problem(
                    source, f"{where}.end", "the visit ends before it starts"
                )
            )
    for i, unserved in enumerate(schedule.unserved):
        count = requests.get(unserved.delegation)
        if count is None:
            problems.append(
                Problem(
                    source,
                    f"unserved[{i}].delegation",
                    f'unknown delegation "{unserved.delegation}"{hint}',
                )
            )
        elif not 0 <= unserved.request < count:
            problems.append(
                Problem(
                    source,
                    f"unserved[{i}].request",
                    f"delegation {unserved.delegation} has no request "
                    f"{unserved.request}{hint}",
                )
            )
    return problems
