"""`visits db export` / `import`: a lossless round trip, never a mix.

The database is filled by the real commands (intake of the sample portal
export, a plan recorded), exported, imported into an empty database of
each kind, and exported again: the two files are the same, so every row
and value came back. Rows written after an import get fresh ids.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.paths import CATALOG, MEDELLIN, WEEKS
from tracking.models import DelegationRow
from tracking.session import open_engine, session_scope
from visits.cli import main

PORTAL = MEDELLIN / "portal" / "requests-2026-W49.csv"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def filled(tmp_path: Path) -> str:
    """A SQLite database holding requests, a plan and its visits."""
    url = str(tmp_path / "source.db")
    result = run("intake", str(PORTAL), "--db", url, "--catalog", str(CATALOG))
    assert result.exit_code == 0, result.output
    out = tmp_path / "plan"
    result = run(
        "plan",
        str(WEEKS / "example.yaml"),
        "--out",
        str(out),
        "--solver",
        "greedy",
        "--quiet",
        "--db",
        url,
    )
    assert result.exit_code == 0, result.output
    return url


def export(url: str, path: Path) -> dict[str, Any]:
    result = run("db", "export", str(path), "--db", url)
    assert result.exit_code == 0, result.output
    return dict(json.loads(path.read_text(encoding="utf-8")))


def test_export_import_export_is_the_same_file(
    filled: str, db_url: str, tmp_path: Path
) -> None:
    first = export(filled, tmp_path / "a.json")
    tables = first["tables"]
    assert tables["requests"] and tables["visits"] and tables["plans"]
    result = run("db", "import", str(tmp_path / "a.json"), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert f"{len(tables['visits'])} visits" in result.output
    second = export(db_url, tmp_path / "b.json")
    assert second == first
    # New rows after the import do not collide with the restored ids.
    engine = open_engine(db_url)
    try:
        with session_scope(engine) as session:
            row = DelegationRow(
                key="new-one", name="New", country="AR", organization="New"
            )
            session.add(row)
            session.flush()
            assert row.id == max(d["id"] for d in tables["delegations"]) + 1
    finally:
        engine.dispose()


def test_import_into_a_database_with_rows_is_refused(
    filled: str, tmp_path: Path
) -> None:
    backup = tmp_path / "a.json"
    export(filled, backup)
    before = backup.read_text()
    result = run("db", "import", str(backup), "--db", filled)
    assert result.exit_code == 2
    assert "already holds rows" in result.output
    assert export(filled, tmp_path / "again.json") == json.loads(before)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(schema="0000"), "written at schema"),
        (lambda d: d.pop("tables"), "not a backup"),
        (lambda d: d["tables"].update(ghosts=[]), "unknown table"),
        (lambda d: d["tables"]["plans"][0].update(colour="red"), "not a row"),
    ],
)
def test_a_damaged_backup_is_one_clear_error(
    filled: str, tmp_path: Path, change: Any, words: str
) -> None:
    data = export(filled, tmp_path / "a.json")
    change(data)
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps(data))
    target = str(tmp_path / "empty.db")
    result = run("db", "import", str(damaged), "--db", target)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    left = export(target, tmp_path / "empty.json")["tables"]
    assert all(rows == [] for rows in left.values())  # nothing half-imported


def test_export_never_writes_over_a_file(filled: str, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("mine")
    result = run("db", "export", str(path), "--db", filled)
    assert result.exit_code == 2
    assert path.read_text() == "mine"
