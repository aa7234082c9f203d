"""Database fixtures: every test runs on SQLite and on PostgreSQL.

PostgreSQL is a real server the session starts itself: ``initdb`` into a
temporary folder and ``pg_ctl start`` on a free loopback port (as the
``postgres`` user when the tests run as root), one fresh database per
test. Without PostgreSQL binaries its cases are skipped, unless
``VISITS_REQUIRE_POSTGRES=1`` (set by .ci/run) makes that a failure.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, create_engine, text

from tests.paths import CATALOG
from tracking.session import engine_for, resolve_url

REQUIRE = "VISITS_REQUIRE_POSTGRES"


def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _no_postgres(reason: str) -> None:
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{REQUIRE}=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server on loopback for the session; its base URL."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        _no_postgres("no PostgreSQL binaries (initdb, pg_ctl) found")
    assert bin_dir is not None
    prefix: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="visits-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder)
            _no_postgres("running as root and no postgres user to run it as")
        os.chown(folder, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()

    def run(*args: str) -> None:
        subprocess.run(
            [*prefix, *args], check=True, capture_output=True, timeout=120
        )

    run(
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        "visits",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync",
    )
    run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(folder / "log"),
        "-w",
        "-o",
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -F",
        "start",
    )
    try:
        yield f"postgresql://visits@127.0.0.1:{port}"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop")
        shutil.rmtree(folder, ignore_errors=True)


_numbers = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a new, empty database (as ``--db`` takes it)."""
    if request.param == "sqlite":
        yield str(tmp_path / "visits.db")
        return
    base = request.getfixturevalue("postgres_server")
    name = f"t{os.getpid()}_{next(_numbers)}"
    admin = create_engine(
        resolve_url(f"{base}/postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            )
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the empty database (schema not yet created)."""
    made = engine_for(resolve_url(db_url))
    yield made
    made.dispose()


def write_catalog(folder: Path, **intake: Any) -> Path:
    """The Medellín catalog with its intake rules replaced by ``intake``."""
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    data["intake"] = intake
    path = folder / "catalog.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


HEADER = (
    "id,name,country,organization,size,languages,arrival,departure,"
    "lodging_lat,lodging_lon,requests,submitted"
)


def portal_row(
    id: str,
    arrival: str,
    departure: str,
    *,
    organization: str = "",
    size: int = 5,
    languages: str = "es",
    requests: str = "topic:mobility",
    submitted: str = "2026-10-01",
    country: str = "BR",
) -> str:
    return (
        f"{id},Delegation {id},{country},{organization or 'Org ' + id},"
        f"{size},{languages},{arrival},{departure},6.21,-75.57,{requests},"
        f"{submitted}"
    )


def write_portal_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path
