"""Alembic's environment: runs on the connection tracking.migrate gives."""

from __future__ import annotations

from alembic import context

from tracking.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through tracking.migrate (upgrade, downgrade)"
    )
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
