"""The schema: migrated up and down, and equal to the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from tracking.migrate import current, downgrade, head, upgrade
from tracking.models import TABLES, Base


def test_upgrade_head_then_downgrade_base(engine: Engine) -> None:
    assert current(engine) is None
    upgrade(engine)
    assert current(engine) == head()
    names = set(inspect(engine).get_table_names())
    assert {m.__tablename__ for m in TABLES} <= names
    downgrade(engine, "base")
    assert current(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)  # and up again
    assert current(engine) == head()


def test_the_migrated_schema_is_the_models(engine: Engine) -> None:
    """A model changed without a migration shows up here."""
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection), Base.metadata
        )
    assert diff == []


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    upgrade(engine)
    upgrade(engine)
    assert current(engine) == head()
