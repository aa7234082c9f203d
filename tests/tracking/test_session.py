"""Which database a command opens: --db, else VISITS_DB, else visits.db."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.errors import InputError
from tracking.session import engine_for, resolve_url


def test_db_option_wins_over_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VISITS_DB", "sqlite:///from-env.db")
    assert resolve_url("sqlite:///given.db") == "sqlite:///given.db"
    assert resolve_url(None) == "sqlite:///from-env.db"


def test_default_is_visits_db_in_the_current_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("VISITS_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'visits.db'}"


def test_a_bare_path_is_a_sqlite_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_url("track.db") == f"sqlite:///{tmp_path / 'track.db'}"


def test_postgresql_urls_use_psycopg_3() -> None:
    assert (
        resolve_url("postgresql://aci@db.example/visits")
        == "postgresql+psycopg://aci@db.example/visits"
    )


def test_a_missing_folder_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        engine_for(f"sqlite:///{tmp_path / 'nowhere' / 'v.db'}")
