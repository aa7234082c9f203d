"""Two commands on one SQLite file: they queue, or the later one stops
cleanly; the file is never corrupted and nothing is half-written.

Real processes (the installed ``visits`` entry point), real locks.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from tests.paths import CATALOG, MEDELLIN
from tests.tracking.conftest import portal_row, write_portal_csv
from tracking.intake import record_intake
from tracking.migrate import upgrade
from tracking.models import RequestRow
from tracking.session import engine_for, resolve_url, session_scope

PORTAL = MEDELLIN / "portal" / "requests-2026-W49.csv"
VISITS = [sys.executable, "-m", "visits"]
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def visits(*args: str, wait: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "VISITS_DB_WAIT": wait} if wait else None
    return subprocess.Popen(
        [*VISITS, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def requests_in(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == (
            "ok",
        )
        return int(
            connection.execute("SELECT count(*) FROM requests").fetchone()[0]
        )


def test_two_intakes_at_once_queue_and_count_once(tmp_path: Path) -> None:
    db = tmp_path / "visits.db"
    other = write_portal_csv(
        tmp_path / "other.csv",
        [
            portal_row(f"x{i}", "2026-12-01T08:00", "2026-12-03T18:00")
            for i in range(30)
        ],
    )
    # The same export twice plus another one, all at the same time.
    runs = [
        visits("intake", str(f), "--db", str(db), "--catalog", str(CATALOG))
        for f in (PORTAL, PORTAL, other)
    ]
    outcomes = [(p.wait(timeout=120), *p.communicate()) for p in runs]
    for code, out, err in outcomes:
        assert code == 0, out + err
        assert "Traceback" not in err
    # The sample export holds 6 requests and 1 duplicate, whichever ran
    # first; the second copy finds all 7 already there.
    assert requests_in(db) == 6 + 30
    recorded = sorted(out.splitlines()[-1] for _, out, _ in outcomes[:2])
    assert recorded[0].startswith("0 recorded")
    assert recorded[1].startswith("6 recorded")


def test_a_writer_that_waits_too_long_stops_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "visits.db"
    first = visits(
        "intake", str(PORTAL), "--db", str(db), "--catalog", str(CATALOG)
    )
    assert first.wait(timeout=120) == 0, first.communicate()
    before = requests_in(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another command, mid-write
    try:
        other = write_portal_csv(
            tmp_path / "other.csv",
            [portal_row("late", "2026-12-01T08:00", "2026-12-03T18:00")],
        )
        second = visits(
            "intake",
            str(other),
            "--db",
            str(db),
            "--catalog",
            str(CATALOG),
            wait="0.5",
        )
        code = second.wait(timeout=60)
        _, err = second.communicate()
    finally:
        holder.rollback()
        holder.close()
    assert code == 2, err
    assert "another visits command is writing this database" in err
    assert "Traceback" not in err
    assert requests_in(db) == before


def test_a_second_writer_reads_only_after_the_first_commits(
    db_url: str, tmp_path: Path
) -> None:
    """The race a deferred transaction would lose: B reads while A is
    mid-write. B must wait for A's commit, then see A's rows (6 recorded
    once, B finds 7 duplicates), not decide on a stale read."""
    url = resolve_url(db_url)
    first, second = engine_for(url), engine_for(url)
    upgrade(first)
    wrote = threading.Event()

    def writer() -> None:
        with session_scope(first) as session:
            record_intake(session, PORTAL, NOW, catalog_path=CATALOG)
            wrote.set()
            time.sleep(1.0)  # A's transaction stays open a while

    thread = threading.Thread(target=writer)
    thread.start()
    assert wrote.wait(timeout=60)
    try:
        with session_scope(second) as session:
            late = record_intake(session, PORTAL, NOW, catalog_path=CATALOG)
    finally:
        thread.join()
        second.dispose()
    assert len(late.decisions) == 0
    assert len(late.duplicates) == 7
    with first.connect() as connection:
        stored = connection.scalar(
            select(func.count()).select_from(RequestRow)
        )
    first.dispose()
    assert stored == 6
