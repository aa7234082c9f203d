"""The tracking database: what was requested, planned, sent and served.

SQLite file by default (``visits.db``), PostgreSQL by URL; the schema is
migrated by Alembic from code (``tracking.migrate``). Intake, week
assembly, plan recording, analytics and backups are one module each.
"""

from tracking.record import record_plan
from tracking.session import open_engine, resolve_url, session_scope

__all__ = ["open_engine", "record_plan", "resolve_url", "session_scope"]
