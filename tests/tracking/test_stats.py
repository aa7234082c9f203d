"""`visits stats`: the figures count what intake and `visits db record`
put in; the HTML page; joint-session suggestions. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from scheduler.kpis import reason_category
from scheduler.loading import load_catalog
from tests.paths import CATALOG, MEDELLIN
from tests.tracking.conftest import portal_row, write_catalog, write_portal_csv
from tracking.stats import Only, Section, Stats, compute_stats
from visits.cli import main

SAMPLE = MEDELLIN / "portal" / "requests-2026-W49.csv"
MEMORY = "casa-memoria"
"""The catalog's one site of topic ``memory``."""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def ok(*args: str) -> Result:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


def figures(engine: Engine) -> Stats:
    with Session(engine) as session:
        return compute_stats(session)


def section(stats: Stats, title: str) -> Section:
    (found,) = [s for s in stats.sections if s.title.startswith(title)]
    return found


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Built:
    requests: list[dict[str, str]]
    """Every request recorded (the sample's duplicate left out)."""
    visits: list[dict[str, Any]]
    unserved: list[dict[str, Any]]


@pytest.fixture
def built(db_url: str, tmp_path: Path) -> Built:
    """Intake of the sample and of a few more requests; W49 planned
    (greedy) and recorded."""
    extra = write_portal_csv(
        tmp_path / "extra.csv",
        [
            # W49, one morning, seven wishes: most stay unserved
            portal_row(
                "jp-kobe",
                "2026-12-03T08:00",
                "2026-12-03T12:00",
                country="JP",
                languages="en",
                size=3,
                requests="site:ruta-n;site:moravia;site:explora;"
                "site:casa-memoria;site:parques-rio;site:epm-building;"
                "site:buen-comienzo",
                submitted="2026-07-01",
            ),
            # Recife again in January, too late: refused, no visit
            portal_row(
                "br-recife",
                "2027-01-04T07:00",
                "2027-01-05T18:00",
                organization="Prefeitura do Recife",
                country="BR",
                requests="topic:mobility;topic:memory",
                submitted="2026-12-30",
            ),
            # W50: accepted, never planned
            portal_row(
                "ar-rosario",
                "2026-12-08T07:00",
                "2026-12-09T18:00",
                country="AR",
                requests="topic:innovation",
                submitted="2026-11-10",
            ),
        ],
    )
    ok("intake", str(SAMPLE), "--db", db_url, "--catalog", str(CATALOG))
    ok("intake", str(extra), "--db", db_url)
    week = tmp_path / "w49.yaml"
    ok("week", "--from", db_url, "--week", "2026-W49", "--out", str(week))
    plan = tmp_path / "plan"
    ok("plan", str(week), "--out", str(plan), "--solver", "greedy", "--quiet")
    ok("db", "record", str(plan), "--db", db_url)
    schedule = json.loads((plan / "schedule.json").read_text("utf-8"))
    assert schedule["visits"] and schedule["unserved"], "a poor fixture"
    return Built(
        rows_of(SAMPLE)[:-1] + rows_of(extra),
        schedule["visits"],
        schedule["unserved"],
    )


def test_demand_by_country_counts_requests_and_visits(
    built: Built, engine: Engine
) -> None:
    stats = figures(engine)
    assert stats.requests == len(built.requests)
    country_of = {r["id"]: r["country"] for r in built.requests}
    asked = Counter(r["country"] for r in built.requests)
    served = Counter(country_of[v["delegation"]] for v in built.visits)
    table = {row[0]: row for row in section(stats, "Demand by country").rows}
    assert set(table) == set(asked)
    for country, row in table.items():
        assert row[1] == asked[country], country
        assert row[3] == served[country], country
    # refused: Leipzig (notice), Valparaíso (weekend), Recife in January
    assert table["DE"][2] == 0 and table["CL"][2] == 0
    assert table["BR"][1:3] == [3, 2]
    assert sum(row[3] for row in table.values()) == len(built.visits)


def test_demand_by_month_counts_each_visit_once(
    built: Built, engine: Engine
) -> None:
    stats = figures(engine)
    asked = Counter(r["arrival"][:7] for r in built.requests)
    rows = {row[0]: row for row in section(stats, "Demand by month").rows}
    assert {m: row[1] for m, row in rows.items()} == dict(asked)
    for row in rows.values():
        assert row[1] == row[2] + row[3] + row[4]
    # Recife's refused January request is not served by its W49 visits
    assert rows["2027-01"][4] == 1 and rows["2027-01"][5] == 0
    assert sum(row[5] for row in rows.values()) == len(built.visits)


def test_demand_by_topic_counts_the_wishes(
    built: Built, engine: Engine
) -> None:
    wished = Counter(
        part.strip().removeprefix("topic:").rstrip("*")
        for r in built.requests
        for part in r["requests"].split(";")
        if part.strip().startswith("topic:")
    )
    rows = section(figures(engine), "Demand by topic").rows
    assert {row[0]: row[1] for row in rows} == dict(wished)
    assert [row[1] for row in rows] == sorted(wished.values(), reverse=True)


def test_served_share_is_visits_over_visits_and_unserved(
    built: Built, engine: Engine
) -> None:
    rows = section(figures(engine), "Served share").rows
    visits, unserved = len(built.visits), len(built.unserved)
    assert rows[0] == [
        "served",
        visits,
        round(visits / (visits + unserved), 3),
    ]
    # grouped by the reason's kind, not by its full words
    reasons = Counter(reason_category(u["reason"]) for u in built.unserved)
    assert {row[0]: row[1] for row in rows[1:]} == {
        f"unserved: {reason}": n for reason, n in reasons.items()
    }


def test_lead_time_bins(built: Built, engine: Engine) -> None:
    leads = [
        (
            dt.date.fromisoformat(r["arrival"][:10])
            - dt.date.fromisoformat(r["submitted"][:10])
        ).days
        for r in built.requests
    ]
    rows = {row[0]: row[1] for row in section(figures(engine), "Lead").rows}
    bounds = {
        "0-13": (0, 13),
        "14-27": (14, 27),
        "28-55": (28, 55),
        "56-89": (56, 89),
        "90+": (90, 10_000),
    }
    assert set(rows) == set(bounds)
    for label, (lo, hi) in bounds.items():
        assert rows[label] == sum(1 for d in leads if lo <= d <= hi), label
    assert sum(rows.values()) == len(built.requests)


def test_lead_times_count_the_local_day_of_submission(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """Submitted 20:00 in Medellín (01:00 UTC the next day), 28 local days
    before arrival: the 28-55 bin, as intake counted it."""
    catalog = write_catalog(tmp_path, min_lead_days=28)
    path = write_portal_csv(
        tmp_path / "p.csv",
        [
            portal_row(
                "late-evening",
                "2026-11-30T07:00",
                "2026-12-01T18:00",
                submitted="2026-11-02T20:00",
            ),
        ],
    )
    ok("intake", str(path), "--db", db_url, "--catalog", str(catalog))
    stats = figures(engine)
    assert stats.accepted == 1
    rows = {row[0]: row[1] for row in section(stats, "Lead").rows}
    assert rows["28-55"] == 1 and rows["14-27"] == 0


def test_the_html_page_has_each_section_and_its_chart(
    built: Built, db_url: str, engine: Engine, tmp_path: Path
) -> None:
    page = tmp_path / "stats.html"
    result = ok("stats", "--db", db_url, "--html", str(page))
    assert "Demand by country" in result.output
    html = page.read_text(encoding="utf-8")
    stats = figures(engine)
    charted = [s for s in stats.sections if s.rows and s.bars is not None]
    assert len(charted) >= 6
    for s in stats.sections:
        assert f"<h2>{s.title}</h2>" in html
    for s in charted:
        assert f'<svg role="img" aria-label="{s.title}"' in html
    assert html.count("<svg") == len(charted)
    again = invoke("stats", "--db", db_url, "--html", str(page))
    assert again.exit_code == 2 and "already exists" in again.output
    assert page.read_text(encoding="utf-8") == html


# --- joint sessions ----------------------------------------------------------


def memory_capacity() -> int:
    catalog = load_catalog(CATALOG)
    sites = catalog.sites_with_topic("memory")
    assert [s.id for s in sites] == [MEMORY]
    return sites[0].capacity


def two_delegations(
    db_url: str,
    tmp_path: Path,
    sizes: tuple[int, int],
    languages: tuple[str, str],
    second_stay: tuple[str, str] = ("2026-12-01T07:00", "2026-12-03T18:00"),
) -> None:
    catalog = write_catalog(tmp_path)
    path = write_portal_csv(
        tmp_path / "p.csv",
        [
            portal_row(
                "uy-montevideo",
                "2026-11-30T07:00",
                "2026-12-02T18:00",
                size=sizes[0],
                languages=languages[0],
                requests="topic:memory",
            ),
            portal_row(
                "ca-montreal",
                *second_stay,
                size=sizes[1],
                languages=languages[1],
                requests="topic:memory;topic:innovation",
            ),
        ],
    )
    ok("intake", str(path), "--db", db_url, "--catalog", str(catalog))


def joint_memory(engine: Engine) -> list[Any]:
    return [j for j in figures(engine).joint if j.wish == "topic:memory"]


def test_a_joint_session_when_sizes_fit_and_a_language_is_shared(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    capacity = memory_capacity()
    two_delegations(db_url, tmp_path, (capacity - 15, 15), ("es;en", "fr;en"))
    (joint,) = joint_memory(engine)
    assert joint.week == "2026-W49" and joint.site == MEMORY
    assert joint.language == "en"
    assert sorted(joint.delegations) == ["ca-montreal", "uy-montevideo"]
    assert (joint.people, joint.capacity) == (capacity, capacity)
    out = ok("stats", "--db", db_url).output
    assert "Joint sessions suggested" in out and MEMORY in out


def test_no_joint_session_when_sizes_exceed_the_capacity(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    capacity = memory_capacity()
    two_delegations(db_url, tmp_path, (capacity - 14, 15), ("en", "en"))
    assert joint_memory(engine) == []
    # the cluster itself is still shown in the cooperation calendar
    rows = section(figures(engine), "Cooperation calendar").rows
    assert ["memory", "2026-W49", 2] in rows


def test_no_joint_session_without_a_shared_language(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    two_delegations(db_url, tmp_path, (5, 5), ("es;pt", "en;fr"))
    assert joint_memory(engine) == []


def test_no_joint_session_across_weeks(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    two_delegations(
        db_url,
        tmp_path,
        (5, 5),
        ("en", "en"),
        second_stay=("2026-12-08T07:00", "2026-12-10T18:00"),
    )
    assert joint_memory(engine) == []


def test_no_joint_session_when_the_stays_never_meet(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    """Same week, but one leaves Wednesday before the other arrives."""
    two_delegations(
        db_url,
        tmp_path,
        (5, 5),
        ("en", "en"),
        second_stay=("2026-12-03T07:00", "2026-12-04T18:00"),
    )
    assert joint_memory(engine) == []


def test_a_joint_session_names_a_day_both_are_in_town(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    two_delegations(db_url, tmp_path, (5, 5), ("en", "en"))
    (joint,) = joint_memory(engine)
    assert joint.day in ("2026-12-01", "2026-12-02")


def test_the_question_the_issue_asks_brazil_and_metrocable(
    built: Built, engine: Engine, db_url: str
) -> None:
    """ "How many Brazilian delegations asked for Metrocable this year, and
    how many did we serve?" counted from the rows put in."""
    country_of = {r["id"]: r["country"] for r in built.requests}
    asked = [
        r
        for r in built.requests
        if r["country"] == "BR"
        and "metrocable" in r["requests"]
        and r["arrival"].startswith("2026")
    ]
    wishes = {
        r["id"]: r["requests"].split(";")
        for r in built.requests
        if r["arrival"].startswith("2026")
    }
    served = [
        v
        for v in built.visits
        if country_of[v["delegation"]] == "BR"
        and "metrocable" in wishes[v["delegation"]][v["request"]]
    ]
    assert asked, "a poor fixture"
    only = Only(
        country="BR",
        wish="Metrocable",
        since=dt.date(2026, 1, 1),
        until=dt.date(2026, 12, 31),
    )
    with Session(engine) as session:
        stats = compute_stats(session, only)
    assert stats.requests == len(asked)
    assert stats.served == len(served)
    assert {row[0] for row in section(stats, "Demand by country").rows} == {
        "BR"
    }
    result = ok(
        "stats",
        "--db",
        db_url,
        "--country",
        "BR",
        "--wish",
        "metrocable",
        "--since",
        "2026-01-01",
        "--until",
        "2026-12-31",
    )
    assert (
        f'{len(asked)} requests recorded from BR, asking for "metrocable"'
        in result.output
    )
    assert f"{len(served)} visits served" in result.output
