"""Demand, service and load analytics, and the cooperation calendar.

Each figure is a ``Section``: a titled table whose one numeric column is
drawn as bars on the HTML page; the terminal shows the same tables. A
plan counts once per week: the latest recorded for that week.

The cooperation calendar groups accepted requests by week and wish
(``topic:mobility``, ``site:ruta-n``): where several delegations want the
same thing the same week, it suggests a joint session at one site of
that topic, for the delegations sharing a language whose sizes fit the
site's capacity together.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from sqlalchemy import func, select

from scheduler.kpis import reason_category
from scheduler.loading import load_catalog
from tracking.intake import ACCEPTED
from tracking.models import (
    CatalogVersion,
    DelegationRow,
    PlanRow,
    RequestRow,
    UnservedRow,
    VisitRow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from scheduler.model import Catalog

Cell = str | int | float


@dataclass(frozen=True)
class Section:
    """One figure: a table, and the column drawn as bars."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]
    bars: int | None = None
    note: str = ""


@dataclass(frozen=True)
class JointSession:
    week: str
    wish: str
    site: str
    language: str
    delegations: list[str]
    people: int
    capacity: int
    day: str = ""
    """A day every delegation of the session is in town (ISO date)."""


@dataclass(frozen=True)
class Stats:
    requests: int
    accepted: int
    sections: list[Section] = field(default_factory=list)
    joint: list[JointSession] = field(default_factory=list)
    served: int = 0
    """Visits served (latest plan of each week) for the requests counted."""
    scope: str = ""
    """The filter in words ("" for every request)."""


@dataclass(frozen=True)
class Only:
    """Which requests the figures count: "how many Brazilian delegations
    asked for Metrocable this year, and how many did we serve?" is
    ``Only(country="BR", wish="metrocable", since=2026-01-01)``."""

    country: str | None = None
    wish: str | None = None
    """A word a wish label holds (``metrocable`` matches
    ``site:metrocable-k``), any case."""
    since: dt.date | None = None
    until: dt.date | None = None
    """Arrival dates, both included."""

    def words(self) -> str:
        parts = []
        if self.country:
            parts.append(f"from {self.country}")
        if self.wish:
            parts.append(f'asking for "{self.wish}"')
        if self.since or self.until:
            parts.append(
                f"arriving {self.since or '…'} to {self.until or '…'}"
            )
        return ", ".join(parts)

    def wants(self, label: str) -> bool:
        return self.wish is None or self.wish.casefold() in label.casefold()

    def takes(self, country: str, row: RequestRow) -> bool:
        day = row.arrival.date()
        return (
            (self.country is None or country == self.country.upper())
            and (self.since is None or day >= self.since)
            and (self.until is None or day <= self.until)
            and (self.wish is None or any(self.wants(w) for w in row.wishes))
        )


def _latest_plans(session: Session) -> list[int]:
    """The latest plan of each week (plans of no week count each)."""
    latest: dict[str, int] = {}
    for plan_id, week in session.execute(
        select(PlanRow.id, PlanRow.week).order_by(PlanRow.id)
    ):
        latest[week or f"plan {plan_id}"] = plan_id
    return sorted(latest.values())


def _catalog(session: Session) -> Catalog | None:
    for version in session.scalars(
        select(CatalogVersion).order_by(CatalogVersion.id.desc())
    ):
        if Path(version.path).is_file():
            return load_catalog(Path(version.path))
    return None


def _row(*cells: Cell) -> list[Cell]:
    return list(cells)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def joint_sessions(
    requests: list[tuple[str, RequestRow]], catalog: Catalog
) -> list[JointSession]:
    """Joint sessions for wishes several delegations share in a week."""
    groups: dict[tuple[str, str], list[RequestRow]] = defaultdict(list)
    for _, row in requests:
        for wish in set(row.wishes):
            groups[(row.week, wish)].append(row)
    out = []
    for (week, wish), rows in sorted(groups.items()):
        if len({r.delegation["id"] for r in rows}) < 2:
            continue
        kind, _, target = wish.partition(":")
        sites = (
            [s for s in catalog.sites if s.id == target]
            if kind == "site"
            else catalog.sites_with_topic(target)
        )
        best: JointSession | None = None
        for site in sites:
            limit = site.capacity
            languages = sorted({lang for r in rows for lang in r.languages})
            days = sorted(
                {
                    r.arrival.date() + dt.timedelta(days=i)
                    for r in rows
                    for i in range(
                        (r.departure.date() - r.arrival.date()).days + 1
                    )
                }
            )
            for language, day in itertools.product(languages, days):
                speakers = sorted(
                    (
                        r
                        for r in rows
                        if language in r.languages
                        and r.arrival.date() <= day <= r.departure.date()
                    ),
                    key=lambda r: (r.size, r.delegation["id"]),
                )
                chosen, people = [], 0
                for r in speakers:
                    if people + r.size <= limit:
                        chosen.append(r.delegation["id"])
                        people += r.size
                if len(chosen) < 2:
                    continue
                candidate = JointSession(
                    week,
                    wish,
                    site.id,
                    language,
                    chosen,
                    people,
                    limit,
                    day.isoformat(),
                )
                if best is None or (len(chosen), -people) > (
                    len(best.delegations),
                    -best.people,
                ):
                    best = candidate
        if best is not None:
            out.append(best)
    return out


def compute_stats(session: Session, only: Only | None = None) -> Stats:
    """Every figure of `visits stats` from the database, counting only
    the requests ``only`` takes (with a wish word, only the visits and
    unserved requests of matching wishes)."""
    only = only or Only()
    requests = [
        (country, row)
        for row, country in session.execute(
            select(RequestRow, DelegationRow.country)
            .join(DelegationRow, RequestRow.delegation_id == DelegationRow.id)
            .order_by(RequestRow.id)
        )
        if only.takes(country, row)
    ]
    accepted = [(c, r) for c, r in requests if r.status == ACCEPTED]
    plans = _latest_plans(session)
    visits = session.scalars(
        select(VisitRow).where(
            VisitRow.plan_id.in_(plans), VisitRow.status == "active"
        )
    ).all()
    unserved = session.scalars(
        select(UnservedRow).where(UnservedRow.plan_id.in_(plans))
    ).all()
    plan_week: dict[int, str] = {
        plan_id: week
        for plan_id, week in session.execute(
            select(PlanRow.id, PlanRow.week).where(PlanRow.id.in_(plans))
        )
    }
    if only != Only():
        asked = {(r.delegation["id"], r.week): r for _, r in accepted}

        def matches(
            delegation: str, plan_id: int, request: int | None
        ) -> bool:
            row = asked.get((delegation, plan_week[plan_id]))
            if row is None:
                return False
            if only.wish is None:
                return True
            labels = list(row.wishes)
            return request is not None and (
                request < len(labels) and only.wants(labels[request])
            )

        visits = [
            v for v in visits if matches(v.delegation, v.plan_id, v.request)
        ]
        unserved = [
            u for u in unserved if matches(u.delegation, u.plan_id, u.request)
        ]
    # A plan's visits count for the accepted request of that delegation
    # in that week, once: not again for its refused or other requests.
    served_by: Counter[tuple[str, str]] = Counter(
        (v.delegation, plan_week[v.plan_id]) for v in visits
    )
    unserved_by: Counter[tuple[str, str]] = Counter(
        (u.delegation, plan_week[u.plan_id]) for u in unserved
    )
    # the first accepted request of each delegation and week
    planned = {
        (row.delegation["id"], row.week): row.id
        for _, row in reversed(accepted)
    }

    def served(row: RequestRow) -> int:
        key = (row.delegation["id"], row.week)
        return served_by[key] if planned.get(key) == row.id else 0

    def not_served(row: RequestRow) -> int:
        key = (row.delegation["id"], row.week)
        return unserved_by[key] if planned.get(key) == row.id else 0

    catalog = _catalog(session)
    sections = []

    by_month: dict[str, Counter[str]] = defaultdict(Counter)
    for _, row in requests:
        month = row.arrival.strftime("%Y-%m")
        by_month[month][row.status] += 1
        by_month[month]["served"] += served(row)
        by_month[month]["unserved"] += not_served(row)
    sections.append(
        Section(
            "Demand by month (arrival)",
            [
                "month",
                "requests",
                "accepted",
                "waitlisted",
                "refused",
                "visits served",
                "served share",
            ],
            [
                [
                    m,
                    sum(c[s] for s in ("accepted", "waitlisted", "refused")),
                    c["accepted"],
                    c["waitlisted"],
                    c["refused"],
                    c["served"],
                    _share(c["served"], c["served"] + c["unserved"]),
                ]
                for m, c in sorted(by_month.items())
            ],
            bars=1,
            note="served share: visits served of the wishes planned "
            "(latest plan of each week)",
        )
    )
    by_country: dict[str, Counter[str]] = defaultdict(Counter)
    for country, row in requests:
        by_country[country]["requests"] += 1
        by_country[country][row.status] += 1
        by_country[country]["served"] += served(row)
    sections.append(
        Section(
            "Demand by country",
            ["country", "requests", "accepted", "visits served"],
            [
                [k, c["requests"], c["accepted"], c["served"]]
                for k, c in sorted(
                    by_country.items(), key=lambda kv: -kv[1]["requests"]
                )
            ],
            bars=1,
        )
    )
    topics: Counter[str] = Counter()
    sites: Counter[str] = Counter()
    for _, row in requests:
        for wish in row.wishes:
            kind, _, target = wish.partition(":")
            (topics if kind == "topic" else sites)[target] += 1
    served_sites = Counter(v.site for v in visits)
    sections.append(
        Section(
            "Demand by topic (wishes)",
            ["topic", "wishes"],
            [[t, n] for t, n in topics.most_common()],
            bars=1,
        )
    )
    sections.append(
        Section(
            "Demand by site (wishes naming it; visits planned there)",
            ["site", "wishes", "visits"],
            [
                [s, sites[s], served_sites[s]]
                for s in sorted(
                    set(sites) | set(served_sites),
                    key=lambda s: (-sites[s], -served_sites[s], s),
                )
            ],
            bars=1,
        )
    )
    reasons = Counter(reason_category(u.reason) for u in unserved)
    total_wishes = len(visits) + len(unserved)
    sections.append(
        Section(
            "Served share and unserved reasons",
            ["outcome", "wishes", "share"],
            [
                ["served", len(visits), _share(len(visits), total_wishes)],
                *(
                    _row(f"unserved: {reason}", n, _share(n, total_wishes))
                    for reason, n in reasons.most_common()
                ),
            ],
            bars=1,
        )
    )
    zone = catalog.zone if catalog else dt.UTC  # the day intake counted
    leads = [
        (row.arrival.date() - row.submitted_at.astimezone(zone).date()).days
        for _, row in requests
    ]
    bins = [(0, 13), (14, 27), (28, 55), (56, 89), (90, 10_000)]
    sections.append(
        Section(
            "Lead times (days from submission to arrival)",
            ["days", "requests"],
            [
                [
                    f"{lo}+" if hi >= 10_000 else f"{lo}-{hi}",
                    sum(1 for d in leads if lo <= d <= hi),
                ]
                for lo, hi in [(-10_000, -1), *bins]
                if lo >= 0 or any(d < 0 for d in leads)
            ],
            bars=1,
            note=(
                f"median {statistics.median(leads):g} days, min {min(leads)}, "
                f"max {max(leads)}"
                if leads
                else "no requests yet"
            ),
        )
    )
    for what, key in (
        ("department", "department"),
        ("presenter", "presenter"),
    ):
        load: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for v in visits:
            name = getattr(v, key) or "(none)"
            load[name][0] += 1
            load[name][1] += int((v.end - v.start).total_seconds() // 60)
        sections.append(
            Section(
                f"Load per {what} (latest plan of each week)",
                [what, "visits", "hours"],
                [
                    [k, n, round(m / 60, 1)]
                    for k, (n, m) in sorted(
                        load.items(), key=lambda kv: (-kv[1][0], kv[0])
                    )
                ],
                bars=1,
            )
        )
    clusters: dict[str, Counter[str]] = defaultdict(Counter)
    for _, row in accepted:
        for wish in set(row.wishes):
            if wish.startswith("topic:"):
                clusters[wish.removeprefix("topic:")][row.week] += 1
    sections.append(
        Section(
            "Cooperation calendar: topics asked by several delegations in "
            "one week",
            ["topic", "week", "delegations"],
            [
                [topic, week, n]
                for topic, weeks in sorted(clusters.items())
                for week, n in sorted(weeks.items())
                if n >= 2
            ],
            bars=2,
        )
    )
    joint = joint_sessions(accepted, catalog) if catalog else []
    sections.append(
        Section(
            "Joint sessions suggested (one visit shared by several "
            "delegations)",
            [
                "week",
                "day",
                "wish",
                "site",
                "language",
                "delegations",
                "people",
                "capacity",
            ],
            [
                [
                    j.week,
                    j.day,
                    j.wish,
                    j.site,
                    j.language,
                    ", ".join(j.delegations),
                    j.people,
                    j.capacity,
                ]
                for j in joint
            ],
            bars=6,
            note="" if catalog else "no catalog on disk: no suggestions",
        )
    )
    count = session.scalar(select(func.count()).select_from(RequestRow)) or 0
    if only != Only():
        count = len(requests)
    return Stats(
        count, len(accepted), sections, joint, len(visits), only.words()
    )


LABEL_WIDTH, BAR_WIDTH, MAX_BARS = 260, 380, 40


def _label(row: list[Cell], bars: int) -> str:
    text = " · ".join(str(c) for i, c in enumerate(row) if i < bars)
    return text if len(text) <= 40 else text[:39] + "…"


def render_html(stats: Stats, generated: str) -> str:
    """The stats page: tables and inline SVG bar charts, no scripts."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
    )
    sections = []
    for section in stats.sections:
        chart = []
        if section.bars is not None:
            rows = section.rows[:MAX_BARS]
            values = [float(r[section.bars]) for r in rows]
            top = max(values, default=0.0) or 1.0
            chart = [
                {
                    "label": _label(r, section.bars),
                    "value": r[section.bars],
                    "width": round(BAR_WIDTH * v / top, 1),
                }
                for r, v in zip(rows, values, strict=True)
            ]
        sections.append({**section.__dict__, "chart": chart})
    return environment.get_template("stats.html.j2").render(
        stats=stats,
        sections=sections,
        generated=generated,
        width=LABEL_WIDTH + BAR_WIDTH + 60,
        label_width=LABEL_WIDTH,
    )
