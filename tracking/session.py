"""Which database, and a session on it that waits for other writers.

The URL comes from ``--db URL``, else the ``VISITS_DB`` environment
variable, else the SQLite file ``visits.db`` in the current folder (no
server needed). A bare path is a SQLite file; ``postgresql://`` uses the
psycopg 3 driver. On SQLite every write transaction takes the write lock
when it begins (``BEGIN IMMEDIATE``) and waits up to ``BUSY_SECONDS``
for another command to finish: two commands at once queue, and when the
wait runs out the second one stops with a clear message, the file intact.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from scheduler.errors import InputError, Problem
from tracking.migrate import upgrade

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy import Engine

ENV = "VISITS_DB"
DEFAULT_FILE = "visits.db"
BUSY_SECONDS = 15.0
"""How long a command waits for another one writing the same SQLite file
(``VISITS_DB_WAIT`` seconds when set)."""
WAIT_ENV = "VISITS_DB_WAIT"
LOCK = 0x76697369
"""PostgreSQL advisory lock key that every visits write holds."""


def busy_seconds() -> float:
    """The wait for another writer: ``VISITS_DB_WAIT`` or ``BUSY_SECONDS``."""
    text = os.environ.get(WAIT_ENV, "").strip()
    if not text:
        return BUSY_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise InputError(
            [
                Problem(
                    WAIT_ENV,
                    "",
                    f'"{text}" is not a number of seconds from 0 to 3600',
                )
            ]
        )
    return value


def resolve_url(db: str | None) -> str:
    """``--db`` > ``VISITS_DB`` > ``sqlite:///visits.db`` (current folder)."""
    value = (db or os.environ.get(ENV) or "").strip()
    if not value:
        return f"sqlite:///{Path.cwd() / DEFAULT_FILE}"
    if "://" not in value:
        return f"sqlite:///{Path(value).resolve()}"
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def _on_sqlite_connect(seconds: float) -> Any:
    def connect(connection: Any, _record: Any) -> None:
        connection.isolation_level = None  # SQLAlchemy emits BEGIN itself
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    return connect


def _on_sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def engine_for(url: str, *, wait: float | None = None) -> Engine:
    """An engine on ``url``; SQLite waits for writers (see module doc)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(
            [
                Problem(
                    "--db",
                    "",
                    f'"{url}" is not a database URL; write a file name '
                    "(visits.db) or postgresql://user@host/dbname",
                )
            ]
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            if not folder.is_dir():
                raise InputError(
                    [
                        Problem(
                            "--db",
                            "",
                            f'folder "{folder}" does not exist; create it '
                            "or give another file",
                        )
                    ]
                )
        seconds = busy_seconds() if wait is None else wait
        engine = create_engine(url, connect_args={"timeout": seconds})
        event.listen(engine, "connect", _on_sqlite_connect(seconds))
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # a missing driver, an unknown dialect
        raise InputError(
            [
                Problem(
                    "--db",
                    "",
                    f"cannot use {parsed.render_as_string()}: {exc}",
                )
            ]
        ) from None


def busy_problem(url: str, exc: Exception) -> InputError:
    """A locked or unreachable database in a coordinator's words."""
    text = str(exc).lower()
    shown = make_url(url).render_as_string(hide_password=True)
    if "locked" in text or "busy" in text or "lock timeout" in text:
        message = (
            "another visits command is writing this database and did not "
            f"finish within {busy_seconds():g} s; nothing was changed, run "
            "this command again when it is done"
        )
    else:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        message = (
            f"cannot open the database ({first}); check the URL, that the "
            "server runs and that you may write there"
        )
    return InputError([Problem(shown, "", message)])


def open_engine(db: str | None) -> Engine:
    """The engine for ``--db``, its schema brought up to date."""
    url = resolve_url(db)
    engine = engine_for(url)
    try:
        upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise busy_problem(url, exc) from None
    return engine


@contextlib.contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, else rolled back.

    On PostgreSQL it first takes the database's one write lock (an
    advisory lock held to the end of the transaction), waiting at most as
    long as SQLite does: commands queue the same way on both.
    """
    url = engine.url.render_as_string(hide_password=False)
    try:
        with (
            Session(engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            if engine.dialect.name == "postgresql":
                wait = int(busy_seconds() * 1000)
                session.execute(text(f"SET LOCAL lock_timeout = {wait}"))
                session.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK}
                )
            yield session
    except OperationalError as exc:
        raise busy_problem(url, exc) from None


@contextlib.contextmanager
def database(db: str | None) -> Iterator[Session]:
    """A command's one transaction on ``--db`` (schema brought up to date
    first); the connections are closed when it ends."""
    engine = open_engine(db)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()
